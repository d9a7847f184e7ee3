/** Iteration counts shared by the benchmark partitions (scripts/bench/bench-hv.cjs reads them). */
export const BENCH_CALLS = 20000;
export const BENCH_SWITCHES = 2000;
