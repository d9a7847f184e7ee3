// Edge cases around i64 -2^63: negation, subtraction wrap, shifts, division by non -1 values.
import type { u64, i64 } from "tsnc";
import { opqI } from "./lib_opaque";

function mixI(acc: u64, x: i64): u64 {
  return BigInt.asUintN(64, (acc ^ BigInt.asUintN(64, x)) * 0x100000001b3n);
}

export function main(): u64 {
  let acc: u64 = 0xcbf29ce484222325n;
  const min: i64 = opqI(-0x8000000000000000n);
  const max: i64 = opqI(0x7fffffffffffffffn);
  acc = mixI(acc, BigInt.asIntN(64, -min)); // min
  acc = mixI(acc, BigInt.asIntN(64, min - 1n)); // max
  acc = mixI(acc, BigInt.asIntN(64, max + 1n)); // min
  acc = mixI(acc, BigInt.asIntN(64, min * -1n)); // min
  acc = mixI(acc, BigInt.asIntN(64, min * 2n)); // 0
  acc = mixI(acc, BigInt.asIntN(64, ~min)); // max
  acc = mixI(acc, min / 2n);
  acc = mixI(acc, min / -2n);
  acc = mixI(acc, min / 1n);
  acc = mixI(acc, min / max); // -1
  acc = mixI(acc, max / min); // 0
  acc = mixI(acc, min % 3n);
  acc = mixI(acc, min % max); // -1
  acc = mixI(acc, min >> 63n);
  acc = mixI(acc, min >> 62n);
  acc = mixI(acc, min >> 64n);
  acc = mixI(acc, min < max ? 1n : 0n);
  acc = mixI(acc, min < 0n ? 1n : 0n);
  acc = mixI(acc, BigInt.asUintN(64, min) > BigInt.asUintN(64, max) ? 1n : 0n);
  acc = mixI(acc, BigInt(Number(min >> 11n))); // -2^52 through a number
  acc = mixI(acc, BigInt.asIntN(64, min + min));
  return acc;
}
