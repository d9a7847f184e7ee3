/**
 * Benchmark kernel: shype's decide() path on cache hits and on cache misses.
 *
 * main() warms the cache with 64 allowed questions (subjects 1..8 x hcall classes 0..5 and a
 * few more), then asks HITS questions that are all cached (cycling through the warm set), then
 * MISSES questions that are never cached (it cycles through 64 x 65 x 6 = 24,960 distinct hcall-
 * class questions, far more than the cache's 256 entries, so every set's FIFO has always
 * forgotten the question by the time it comes round again). Every decision is folded into the
 * checksum so nothing is optimised away. BASELINE = 1 runs the same loops folding the question
 * instead of deciding it (the loop's own cost).
 *
 * test/bench/shype/measure.cjs builds this file with several HITS/MISSES values and reports the
 * instructions per hit and per miss from the differences (QEMU TCG plugin counts).
 */
import type { u64 } from "tsnc";
import { add64, mul64 } from "tsnc";
import { decide } from "../../../shype/decide";
import { invalidateAll, resetCounters } from "../../../shype/cache";

const HITS: number = 100000;
const MISSES: number = 20000;
const BASELINE: number = 0;

/** One question of the warm set, by number k (0..63): subject 1..8, an hcall class 0..5 or 6/7. */
function hitSubject(k: number): number {
  return 1 + (k & 7);
}
function hitOp(k: number): number {
  return (k >>> 3) % 6;
}

/** The question a miss asks, by number k: walks subjects, objects and classes 0..5. */
function missSubject(k: number): number {
  return 1 + (k & 63);
}
function missObject(k: number): number {
  return (k >>> 6) % 65;
}
function missOp(k: number): number {
  return Math.trunc(k / (64 * 65)) % 6;
}

function ask(who: number, subject: number, object: number, op: number): number {
  if (BASELINE !== 0) return (subject << 8) ^ (object << 4) ^ op ^ who;
  return decide(who, subject, object, op, 0n);
}

export function main(): u64 {
  invalidateAll();
  resetCounters();
  let sum: u64 = 0n;
  for (let k = 0; k < 64; k++) sum = add64(sum, BigInt(ask(k & 7, hitSubject(k), 0, hitOp(k))));
  for (let i = 0; i < HITS; i++) {
    const k = i & 63;
    sum = add64(mul64(sum, 31n), BigInt(ask(k & 7, hitSubject(k), 0, hitOp(k))));
  }
  for (let i = 0; i < MISSES; i++) {
    sum = add64(mul64(sum, 31n), BigInt(ask(i & 7, missSubject(i), missObject(i), missOp(i))));
  }
  return sum;
}
