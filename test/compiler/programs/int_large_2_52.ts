// Exact integers near 2^52 and 2^53: + - * compare, truncating division and % stay exact.
import type { u64 } from "tsnc";
import { opq } from "./lib_opaque";

function mix(acc: u64, x: number): u64 {
  return BigInt.asUintN(64, (acc ^ BigInt.asUintN(64, BigInt(x))) * 0x100000001b3n);
}

export function main(): u64 {
  let acc: u64 = 0xcbf29ce484222325n;
  const p52 = opq(4503599627370496);
  const max = opq(9007199254740991);
  acc = mix(acc, p52 - 1 + p52);
  acc = mix(acc, max - p52);
  acc = mix(acc, max - 1);
  acc = mix(acc, -max + 1);
  acc = mix(acc, opq(94906265) * opq(94906265)); // 9007199136250225
  acc = mix(acc, opq(67108864) * opq(67108863)); // 2^26 * (2^26 - 1)
  acc = mix(acc, opq(-4294967295) * opq(2097151));
  acc = mix(acc, max % 1000);
  acc = mix(acc, Math.trunc(max / 1000));
  acc = mix(acc, Math.trunc(p52 / 7) * 7 + p52 % 7 - p52);
  acc = mix(acc, max > p52 ? 1 : 0);
  acc = mix(acc, max - 1 > max - 2 ? 1 : 0);
  acc = mix(acc, p52 + 1 === p52 ? 1 : 0);
  acc = mix(acc, max | 0);
  acc = mix(acc, max >>> 0);
  const bm: u64 = BigInt(max);
  acc = mix(acc, Number(bm >> 1n));
  let s = opq(4503599627370000);
  for (let i = 0; i < 1000; i++) {
    s += i * 7;
    acc = mix(acc, s);
    acc = mix(acc, s & 0xffff);
    acc = mix(acc, s % 65521);
  }
  let d = max;
  for (let i = 0; i < 60; i++) {
    d = d - Math.trunc(d / 3);
    acc = mix(acc, d);
  }
  return acc;
}
