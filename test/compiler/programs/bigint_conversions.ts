// BigInt(n) of numbers (negative numbers into i64) and Number(b) back, for values below 2^53.
import type { u64, i64 } from "tsnc";
import { opq, opqU, opqI } from "./lib_opaque";

function mix(acc: u64, x: number): u64 {
  return BigInt.asUintN(64, (acc ^ BigInt.asUintN(64, BigInt(x))) * 0x100000001b3n);
}

function mixU(acc: u64, x: u64): u64 {
  return BigInt.asUintN(64, (acc ^ x) * 0x100000001b3n);
}

function mixI(acc: u64, x: i64): u64 {
  return BigInt.asUintN(64, (acc ^ BigInt.asUintN(64, x)) * 0x100000001b3n);
}

function toSigned(n: number): i64 {
  return BigInt(n);
}

function toUnsigned(n: number): u64 {
  return BigInt(n);
}

export function main(): u64 {
  let acc: u64 = 0xcbf29ce484222325n;
  let n = opq(-9007199254740991);
  for (let i = 0; i < 120; i++) {
    const a: i64 = toSigned(n);
    acc = mixI(acc, a);
    acc = mix(acc, Number(a));
    acc = mix(acc, Number(a) === n ? 1 : 0);
    acc = mixU(acc, BigInt.asUintN(64, a)); // negative numbers become 2^64 - |n|
    acc = mixU(acc, toUnsigned(n >>> 0));
    acc = mixU(acc, toUnsigned(Math.abs(n)));
    acc = mix(acc, Number(toUnsigned(Math.abs(n)) >> 3n));
    acc = mix(acc, Number(a >> 3n));
    acc = mix(acc, Number(BigInt.asUintN(32, a)));
    acc = mix(acc, Number(BigInt.asIntN(32, a)));
    n = Math.trunc(n / 3) * -1 + i * 1000003;
  }
  const m1: i64 = BigInt(opq(-1));
  acc = mixU(acc, BigInt.asUintN(64, m1)); // 2^64 - 1
  acc = mix(acc, Number(m1));
  const big: u64 = opqU(0x1fffffffffffffn); // 2^53 - 1
  acc = mix(acc, Number(big));
  acc = mix(acc, Number(big) - 1);
  const neg: i64 = opqI(-0x1fffffffffffffn);
  acc = mix(acc, Number(neg));
  acc = mixU(acc, BigInt(4294967296 * 1000));
  return acc;
}
