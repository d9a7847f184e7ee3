// 64x64 -> 128-bit product from 32-bit halves (u64 arithmetic), and a mulmod by repeated doubling.
import type { u64 } from "tsnc";
import { opqU } from "./lib_opaque";

function mixU(acc: u64, x: u64): u64 {
  return BigInt.asUintN(64, (acc ^ x) * 0x100000001b3n);
}

const M32 = 0xffffffffn;

function mulhi(a: u64, b: u64): u64 {
  const al: u64 = a & M32;
  const ah: u64 = a >> 32n;
  const bl: u64 = b & M32;
  const bh: u64 = b >> 32n;
  const ll: u64 = BigInt.asUintN(64, al * bl);
  const lh: u64 = BigInt.asUintN(64, al * bh);
  const hl: u64 = BigInt.asUintN(64, ah * bl);
  const hh: u64 = BigInt.asUintN(64, ah * bh);
  const mid: u64 = BigInt.asUintN(64, BigInt.asUintN(64, (ll >> 32n) + (lh & M32)) + (hl & M32));
  return BigInt.asUintN(64, BigInt.asUintN(64, BigInt.asUintN(64, hh + (lh >> 32n)) + (hl >> 32n)) + (mid >> 32n));
}

function addmod(a: u64, b: u64, m: u64): u64 {
  // a, b < m; avoids overflow
  const t: u64 = BigInt.asUintN(64, m - b);
  return a >= t ? BigInt.asUintN(64, a - t) : BigInt.asUintN(64, a + b);
}

function mulmod(a0: u64, b0: u64, m: u64): u64 {
  let a: u64 = a0 % m;
  let b: u64 = b0;
  let r: u64 = 0n;
  while (b !== 0n) {
    if ((b & 1n) === 1n) r = addmod(r, a, m);
    a = addmod(a, a, m);
    b >>= 1n;
  }
  return r;
}

export function main(): u64 {
  let acc: u64 = 0xcbf29ce484222325n;
  let x: u64 = opqU(0x0123456789abcdefn);
  let y: u64 = 0xfedcba9876543210n;
  for (let i = 0; i < 200; i++) {
    acc = mixU(acc, mulhi(x, y));
    acc = mixU(acc, BigInt.asUintN(64, x * y));
    x = BigInt.asUintN(64, x * 0x5851f42d4c957f2dn);
    y = BigInt.asUintN(64, y + x);
  }
  acc = mixU(acc, mulhi(opqU(0xffffffffffffffffn), opqU(0xffffffffffffffffn)));
  const p: u64 = 0xffffffffffffffc5n; // largest prime below 2^64
  let e: u64 = 3n;
  for (let i = 0; i < 40; i++) {
    e = mulmod(e, 0xdeadbeefcafebaben, p);
    acc = mixU(acc, e);
  }
  return acc;
}
