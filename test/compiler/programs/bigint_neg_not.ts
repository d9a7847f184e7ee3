// Unary - and ~ on u64 and i64, wrapped: -0, -(2^63), ~(2^64-1), -(-2^63) === -2^63.
import type { u64, i64 } from "tsnc";
import { opqU, opqI } from "./lib_opaque";

function mixU(acc: u64, x: u64): u64 {
  return BigInt.asUintN(64, (acc ^ x) * 0x100000001b3n);
}

function mixI(acc: u64, x: i64): u64 {
  return BigInt.asUintN(64, (acc ^ BigInt.asUintN(64, x)) * 0x100000001b3n);
}

const U = new BigUint64Array([0n, 1n, 2n, 0xffffffffn, 0x7fffffffffffffffn, 0x8000000000000000n, 0xffffffffffffffffn, 0x123456789abcdef0n]);
const I = new BigInt64Array([0n, 1n, -1n, 0x7fffffffffffffffn, -0x8000000000000000n, -0x7fffffffffffffffn, 0x123456789abcdefn, -42n]);

export function main(): u64 {
  let acc: u64 = 0xcbf29ce484222325n;
  for (let i = 0; i < U.length; i++) {
    const u: u64 = opqU(U[i]);
    const n: u64 = BigInt.asUintN(64, -u);
    const c: u64 = BigInt.asUintN(64, ~u);
    acc = mixU(acc, n);
    acc = mixU(acc, c);
    acc = mixI(acc, BigInt.asIntN(64, -u));
    acc = mixI(acc, BigInt.asIntN(64, ~u));
    acc = mixU(acc, BigInt.asUintN(64, n - 1n) === c ? 7n : 9n);
    acc = mixU(acc, u ^ 0xffffffffffffffffn);
  }
  for (let i = 0; i < I.length; i++) {
    const v: i64 = opqI(I[i]);
    const n: i64 = BigInt.asIntN(64, -v);
    const c: i64 = BigInt.asIntN(64, ~v);
    acc = mixI(acc, n);
    acc = mixI(acc, c);
    acc = mixU(acc, BigInt.asUintN(64, -v));
    acc = mixU(acc, BigInt.asUintN(64, ~v));
    acc = mixI(acc, n < 0n ? -1n : 1n);
    acc = mixI(acc, v ^ -1n);
  }
  return acc;
}
