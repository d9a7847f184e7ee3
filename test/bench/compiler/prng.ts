/**
 * Benchmark kernel: 64-bit pseudo-random generators. splitmix64 seeds xorshift64*; then both
 * generate COUNT values each. Their xor is summed, and the top four bits of every xorshift64*
 * value are histogrammed; the checksum folds the sum and the histogram. The C twin is prng.c.
 */
import type { u64 } from "tsnc";
import { add64, mul64, rotl64 } from "tsnc";

const COUNT = 200000;

let splitmixState: u64 = 0n;
let xorshiftState: u64 = 0n;
const histogram = new Uint32Array(16);

/** splitmix64 (Steele, Lea, Flood) */
export function splitmix64(): u64 {
  splitmixState = BigInt.asUintN(64, splitmixState + 0x9e3779b97f4a7c15n);
  let z: u64 = splitmixState;
  z = BigInt.asUintN(64, (z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n);
  z = BigInt.asUintN(64, (z ^ (z >> 27n)) * 0x94d049bb133111ebn);
  return z ^ (z >> 31n);
}

/** xorshift64* (Vigna): xorshift (12, 25, 27) and a multiplicative output scramble */
export function xorshift64star(): u64 {
  let x: u64 = xorshiftState;
  x ^= x >> 12n;
  x ^= BigInt.asUintN(64, x << 25n);
  x ^= x >> 27n;
  xorshiftState = x;
  return BigInt.asUintN(64, x * 0x2545f4914f6cdd1dn);
}

export function main(): u64 {
  splitmixState = 0x0123456789abcdefn;
  xorshiftState = splitmix64() | 1n; // never zero
  histogram.fill(0);
  let sum: u64 = 0n;
  for (let i = 0; i < COUNT; i++) {
    const a = xorshift64star();
    const b = splitmix64();
    sum = add64(sum, a ^ rotl64(b, 17n));
    histogram[Number(a >> 60n)]++;
  }
  for (let k = 0; k < 16; k++) {
    sum = add64(mul64(sum, 31n), BigInt(histogram[k]));
  }
  return sum;
}
