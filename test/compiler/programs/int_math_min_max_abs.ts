// Math.min, Math.max (two arguments) and Math.abs on exact integers, including beyond 32 bits.
import type { u64 } from "tsnc";
import { opq } from "./lib_opaque";

function mix(acc: u64, x: number): u64 {
  return BigInt.asUintN(64, (acc ^ BigInt.asUintN(64, BigInt(x))) * 0x100000001b3n);
}

const V = new BigInt64Array([
  0n, 1n, -1n, 7n, -7n, 2147483647n, -2147483648n, 4294967295n, -4294967296n,
  4503599627370496n, -4503599627370496n, 9007199254740991n, -9007199254740991n,
]);

function clamp(x: number, lo: number, hi: number): number {
  return Math.max(lo, Math.min(x, hi));
}

export function main(): u64 {
  let acc: u64 = 0xcbf29ce484222325n;
  for (let i = 0; i < V.length; i++) {
    const a = opq(Number(V[i]));
    acc = mix(acc, Math.abs(a));
    acc = mix(acc, Math.abs(a) === a ? 1 : 2);
    for (let j = 0; j < V.length; j++) {
      const b = opq(Number(V[j]));
      acc = mix(acc, Math.min(a, b));
      acc = mix(acc, Math.max(a, b));
      acc = mix(acc, clamp(a, -1000, b));
    }
  }
  let lo = 1000000;
  let hi = -1000000;
  let s = 12345;
  for (let i = 0; i < 500; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) | 0;
    lo = Math.min(lo, s);
    hi = Math.max(hi, s);
  }
  acc = mix(acc, lo);
  acc = mix(acc, hi);
  acc = mix(acc, Math.abs(lo) + Math.abs(hi));
  return acc;
}
