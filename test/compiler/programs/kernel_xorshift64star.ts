// xorshift64* and splitmix64 generators (u64 shifts, xors and wrapping multiplies).
import type { u64 } from "tsnc";
import { opqU } from "./lib_opaque";

function mixU(acc: u64, x: u64): u64 {
  return BigInt.asUintN(64, (acc ^ x) * 0x100000001b3n);
}

let state: u64 = 1n;

function xorshift64star(): u64 {
  let x: u64 = state;
  x ^= x >> 12n;
  x ^= BigInt.asUintN(64, x << 25n);
  x ^= x >> 27n;
  state = x;
  return BigInt.asUintN(64, x * 0x2545f4914f6cdd1dn);
}

function splitmix64(seed: u64): u64 {
  let z: u64 = BigInt.asUintN(64, seed + 0x9e3779b97f4a7c15n);
  z = BigInt.asUintN(64, (z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n);
  z = BigInt.asUintN(64, (z ^ (z >> 27n)) * 0x94d049bb133111ebn);
  return z ^ (z >> 31n);
}

export function main(): u64 {
  let acc: u64 = 0xcbf29ce484222325n;
  state = opqU(0x0123456789abcdefn);
  for (let i = 0; i < 3000; i++) acc = mixU(acc, xorshift64star());
  let s: u64 = 0n;
  for (let i = 0; i < 1000; i++) {
    s = splitmix64(s);
    acc = mixU(acc, s);
  }
  // bounded random numbers via the high bits
  let hist = 0;
  for (let i = 0; i < 1000; i++) hist += Number(xorshift64star() >> 58n);
  acc = mixU(acc, BigInt(hist));
  return acc;
}
