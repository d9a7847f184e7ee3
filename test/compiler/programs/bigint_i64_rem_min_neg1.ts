// -2^63 % -1n is 0n in JS (only the quotient -2^63 / -1n is out of range). Natively srem of
// INT64_MIN by -1 is undefined in LLVM and must be special-cased.
import type { u64, i64 } from "tsnc";
import { opqI } from "./lib_opaque";

function mixI(acc: u64, x: i64): u64 {
  return BigInt.asUintN(64, (acc ^ BigInt.asUintN(64, x)) * 0x100000001b3n);
}

function rem(a: i64, b: i64): i64 {
  return opqI(a) % opqI(b);
}

export function main(): u64 {
  let acc: u64 = 0xcbf29ce484222325n;
  const min: i64 = -0x8000000000000000n;
  acc = mixI(acc, rem(min, -1n));
  acc = mixI(acc, rem(min, 1n));
  acc = mixI(acc, rem(min, -2n));
  acc = mixI(acc, rem(min, 3n));
  acc = mixI(acc, rem(-5n, -1n));
  acc = mixI(acc, rem(0x7fffffffffffffffn, -1n));
  return acc;
}
