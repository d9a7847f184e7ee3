/**
 * Baseline for the compiler benchmark: an empty main. Its instruction count (start-up, the
 * result's output and exit) is subtracted from every kernel's count. The C twin is empty.c.
 */
import type { u64 } from "tsnc";

export function main(): u64 {
  return 0n;
}
