/** Benchmark baseline partition: halts with status 0 at once. */
import type { u64 } from 'tsnc';

export function guestMain(_fdt: u64): u64 {
  return 0n;
}
