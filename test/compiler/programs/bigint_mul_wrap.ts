// u64 and i64 products wrap mod 2^64 (asUintN / asIntN(64, a * b)).
import type { u64, i64 } from "tsnc";
import { opqU, opqI } from "./lib_opaque";

function mixU(acc: u64, x: u64): u64 {
  return BigInt.asUintN(64, (acc ^ x) * 0x100000001b3n);
}

function mixI(acc: u64, x: i64): u64 {
  return BigInt.asUintN(64, (acc ^ BigInt.asUintN(64, x)) * 0x100000001b3n);
}

const U = new BigUint64Array([
  0n, 1n, 3n, 0xffffffffn, 0x100000000n, 0x100000001n, 0x7fffffffffffffffn, 0x8000000000000000n,
  0xffffffffffffffffn, 0x123456789abcdef0n, 0xdeadbeefcafebaben, 0x9e3779b97f4a7c15n,
]);
const I = new BigInt64Array([
  0n, 1n, -1n, -3n, 0x7fffffffn, -0x80000000n, 0x7fffffffffffffffn, -0x8000000000000000n,
  0x123456789abcdefn, -0x123456789abcdefn, 0x100000000n, -0x100000001n,
]);

export function main(): u64 {
  let acc: u64 = 0xcbf29ce484222325n;
  for (let i = 0; i < U.length; i++) {
    for (let j = 0; j < U.length; j++) {
      const a: u64 = opqU(U[i]);
      const b: u64 = opqU(U[j]);
      acc = mixU(acc, BigInt.asUintN(64, a * b));
      acc = mixI(acc, BigInt.asIntN(64, a * b));
    }
  }
  for (let i = 0; i < I.length; i++) {
    for (let j = 0; j < I.length; j++) {
      const a: i64 = opqI(I[i]);
      const b: i64 = opqI(I[j]);
      acc = mixI(acc, BigInt.asIntN(64, a * b));
      acc = mixU(acc, BigInt.asUintN(64, a * b));
    }
  }
  let p: u64 = opqU(1n);
  let q: i64 = opqI(1n);
  for (let k = 0; k < 200; k++) {
    p = BigInt.asUintN(64, p * 3n);
    q = BigInt.asIntN(64, q * -3n);
    acc = mixU(acc, p);
    acc = mixI(acc, q);
  }
  return acc;
}
