// `x & ~MASK` with a u64 x: the negative constant only clears bits, in Node and natively.
import type { u64 } from "tsnc";

const LOW_FLAGS = 0x1fn;

function clear(x: u64): u64 {
  return x & ~LOW_FLAGS;
}

function alignDown(x: u64): u64 {
  return x & ~0xfffn;
}

export function main(): u64 {
  let acc: u64 = 0n;
  let x: u64 = 0xfedcba9876543210n;
  for (let i = 0; i < 40; i++) {
    acc = BigInt.asUintN(64, acc * 31n + clear(x) + alignDown(x) + (x & -8n));
    x = BigInt.asUintN(64, x * 0x9e3779b97f4a7c15n + 1n);
  }
  return acc;
}
