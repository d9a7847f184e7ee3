// void functions that mutate module-level lets, a module-level typed array and a module-level object.
import type { u64 } from "tsnc";
import { opq } from "./lib_opaque";

function mix(acc: u64, x: number): u64 {
  return BigInt.asUintN(64, (acc ^ BigInt.asUintN(64, BigInt(x))) * 0x100000001b3n);
}

class Stats {
  min: number = 0;
  max: number = 0;
}

let count = 0;
let total: u64 = 0n;
let last = -1;
const histogram = new Uint16Array(16);
const stats = new Stats();

function reset(): void {
  count = 0;
  total = 0n;
  last = -1;
  histogram.fill(0);
  stats.min = 2147483647;
  stats.max = -2147483648;
}

function record(x: number): void {
  count++;
  total = BigInt.asUintN(64, total + BigInt(x >>> 0));
  last = x;
  histogram[x & 15]++;
  if (x < stats.min) stats.min = x;
  if (x > stats.max) stats.max = x;
  if (count > 1000) return; // early return from a void function
  total = BigInt.asUintN(64, total * 3n);
}

export function main(): u64 {
  let acc: u64 = 0xcbf29ce484222325n;
  reset();
  let s = opq(99);
  for (let i = 0; i < 1200; i++) {
    s = (Math.imul(s, 69069) + 1) | 0;
    record(s >> 8);
  }
  acc = mix(acc, count);
  acc = BigInt.asUintN(64, (acc ^ total) * 0x100000001b3n);
  acc = mix(acc, last);
  for (let i = 0; i < 16; i++) acc = mix(acc, histogram[i]);
  acc = mix(acc, stats.min);
  acc = mix(acc, stats.max);
  return acc;
}
