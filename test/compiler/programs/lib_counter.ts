// Helper module (no main): module-level lets exported and mutated only through exported functions.
import type { u64 } from "tsnc";

export let ticks = 0;
export let total: u64 = 0n;
export let lastTag = -1;

export function tick(n: number): void {
  ticks += n;
  total = BigInt.asUintN(64, total * 31n);
  total = BigInt.asUintN(64, total + BigInt(n >>> 0));
  lastTag = n & 0xff;
}

export function resetCounter(): void {
  ticks = 0;
  total = 0n;
  lastTag = -1;
}
