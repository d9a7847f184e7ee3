/** Iteration counts shared by the benchmark partitions (scripts/bench/bench-hv.cjs reads them). */
export const BENCH_CALLS = 20000;
export const BENCH_SWITCHES = 2000;
/** H_ENTERs and H_REMOVEs of the HPT benchmark (lpar/guests/hptbench.ts), one per HPT group. */
export const HPT_BENCH_CALLS = 2000;
