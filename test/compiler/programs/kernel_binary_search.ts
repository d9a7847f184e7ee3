// Binary search (lower bound) over a sorted Uint32Array, unsigned keys above 2^31, and over a BigUint64Array.
import type { u64 } from "tsnc";
import { opq } from "./lib_opaque";

function mix(acc: u64, x: number): u64 {
  return BigInt.asUintN(64, (acc ^ BigInt.asUintN(64, BigInt(x))) * 0x100000001b3n);
}

const KEYS = new Uint32Array(500);
const KEYS64 = new BigUint64Array(200);

for (let i = 0; i < KEYS.length; i++) KEYS[i] = i * 8589934 + (i & 3);
for (let i = 0; i < KEYS64.length; i++) KEYS64[i] = BigInt(i) * 0x0147ae147ae147aen;

function lowerBound(a: Uint32Array, key: number): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid] < key) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function find64(a: BigUint64Array, key: u64): number {
  let lo = 0;
  let hi = a.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const v = a[mid];
    if (v === key) return mid;
    if (v < key) lo = mid + 1;
    else hi = mid - 1;
  }
  return -(lo + 1);
}

export function main(): u64 {
  let acc: u64 = 0xcbf29ce484222325n;
  for (let k = 0; k < 2000; k++) {
    const key = (opq(k) * 2147483 + 12345) >>> 0;
    acc = mix(acc, lowerBound(KEYS, key));
  }
  acc = mix(acc, lowerBound(KEYS, 0));
  acc = mix(acc, lowerBound(KEYS, 0xffffffff));
  acc = mix(acc, lowerBound(KEYS, KEYS[250]));
  for (let i = 0; i < 200; i++) {
    acc = mix(acc, find64(KEYS64, KEYS64[i]));
    acc = mix(acc, find64(KEYS64, BigInt.asUintN(64, KEYS64[i] + 1n)));
  }
  acc = mix(acc, find64(KEYS64, 0xffffffffffffffffn));
  return acc;
}
