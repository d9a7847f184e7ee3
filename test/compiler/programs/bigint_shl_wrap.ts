// << on u64 and i64, wrapped: counts 0, 63, 64, 65, 100, 128+ (asUintN(64, x << 64n) is 0).
import type { u64, i64 } from "tsnc";
import { opqU, opqI } from "./lib_opaque";

function mixU(acc: u64, x: u64): u64 {
  return BigInt.asUintN(64, (acc ^ x) * 0x100000001b3n);
}

function mixI(acc: u64, x: i64): u64 {
  return BigInt.asUintN(64, (acc ^ BigInt.asUintN(64, x)) * 0x100000001b3n);
}

const U = new BigUint64Array([0n, 1n, 3n, 0xffffffffn, 0x8000000000000000n, 0xffffffffffffffffn, 0x123456789abcdef0n]);
const I = new BigInt64Array([0n, 1n, -1n, -3n, 0x7fffffffffffffffn, -0x8000000000000000n, -0x123456789abcdefn]);
const C = new BigUint64Array([0n, 1n, 7n, 31n, 32n, 33n, 62n, 63n, 64n, 65n, 100n, 127n, 128n, 129n, 200n]);

export function main(): u64 {
  let acc: u64 = 0xcbf29ce484222325n;
  for (let j = 0; j < C.length; j++) {
    const c: u64 = opqU(C[j]);
    for (let i = 0; i < U.length; i++) {
      const u: u64 = opqU(U[i]);
      acc = mixU(acc, BigInt.asUintN(64, u << c));
      acc = mixI(acc, BigInt.asIntN(64, u << c));
    }
    for (let i = 0; i < I.length; i++) {
      const v: i64 = opqI(I[i]);
      acc = mixI(acc, BigInt.asIntN(64, v << c));
      acc = mixU(acc, BigInt.asUintN(64, v << c));
    }
  }
  const one: u64 = opqU(1n);
  acc = mixU(acc, BigInt.asUintN(64, one << 63n));
  acc = mixU(acc, BigInt.asUintN(64, one << 64n));
  acc = mixU(acc, BigInt.asUintN(64, one << 65n));
  const m1: i64 = opqI(-1n);
  acc = mixI(acc, BigInt.asIntN(64, m1 << 63n));
  acc = mixI(acc, BigInt.asIntN(64, m1 << 64n));
  return acc;
}
