/** Benchmark partition: BENCH_SWITCHES H_CONFERs; each ends its slice, so partitions alternate. */
import type { u64 } from 'tsnc';
import { H_CONFER, hcall } from './lib';
import { BENCH_SWITCHES } from './bench';

export function guestMain(_fdt: u64): u64 {
  let failures = 0;
  for (let i = 0; i < BENCH_SWITCHES; i++) {
    if (hcall(H_CONFER, 0xffffffffffffffffn, 0n, 0n, 0n, 0n, 0n, 0n) !== 0n) failures++;
  }
  return BigInt(failures);
}
