/** Benchmark partition: BENCH_CALLS null hcalls (H_GET_TERM_CHAR, no input pending), then halt. */
import type { u64 } from 'tsnc';
import { CONSOLE, H_GET_TERM_CHAR, hcall } from './lib';
import { BENCH_CALLS } from './bench';

export function guestMain(_fdt: u64): u64 {
  let failures = 0;
  for (let i = 0; i < BENCH_CALLS; i++) {
    if (hcall(H_GET_TERM_CHAR, CONSOLE, 0n, 0n, 0n, 0n, 0n, 0n) !== 0n) failures++;
  }
  return BigInt(failures);
}
