// Helper module (no main): values the optimiser cannot fold. Natively `tsnc.init` and the program's
// main are separate entry points and the loop below cannot be evaluated at compile time (LLVM cannot
// compute the Collatz trip count), so anything computed from Z is a run-time value. Programs pass
// their inputs through opq/opqU/opqI so that the generated instructions (not LLVM's constant folder)
// produce the checksum. In both executions Z is 0 and every opq* is the identity.
import type { u64, i64 } from "tsnc";

function collatzSteps(start: number): number {
  let n = start;
  let steps = 0;
  while (n !== 1) {
    n = (n & 1) === 0 ? n >> 1 : 3 * n + 1;
    steps++;
  }
  return steps;
}

/** 0 (the Collatz sequence from 27 takes 111 steps), unknown to the optimiser. */
export const Z: number = collatzSteps(27) - 111;
const ZU: u64 = BigInt(Z);
const ZI: i64 = BigInt(Z);

/** x, as a value the optimiser cannot see. */
export function opq(x: number): number {
  return x + Z;
}

/** x, as a value the optimiser cannot see. */
export function opqU(x: u64): u64 {
  return BigInt.asUintN(64, x + ZU);
}

/** x, as a value the optimiser cannot see. */
export function opqI(x: i64): i64 {
  return BigInt.asIntN(64, x + ZI);
}

/** b, as a value the optimiser cannot see. */
export function opqB(b: boolean): boolean {
  return Z === 0 ? b : !b;
}
