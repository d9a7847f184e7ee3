// >> is logical on u64 and arithmetic on i64; counts of 64 and more give 0 (or -1 for negative i64),
// including counts with the top bit set.
import type { u64, i64 } from "tsnc";
import { opqU, opqI } from "./lib_opaque";

function mixU(acc: u64, x: u64): u64 {
  return BigInt.asUintN(64, (acc ^ x) * 0x100000001b3n);
}

function mixI(acc: u64, x: i64): u64 {
  return BigInt.asUintN(64, (acc ^ BigInt.asUintN(64, x)) * 0x100000001b3n);
}

const U = new BigUint64Array([0n, 1n, 0xffffffffn, 0x7fffffffffffffffn, 0x8000000000000000n, 0xffffffffffffffffn, 0xdeadbeefcafebaben]);
const I = new BigInt64Array([0n, 1n, -1n, -2n, 0x7fffffffffffffffn, -0x8000000000000000n, -0x21524110350145n, 0x21524110350145n]);
const C = new BigUint64Array([
  0n, 1n, 4n, 31n, 32n, 33n, 62n, 63n, 64n, 65n, 100n, 1000n, 0x100000000n, 0x8000000000000000n, 0xffffffffffffffffn,
]);

export function main(): u64 {
  let acc: u64 = 0xcbf29ce484222325n;
  for (let j = 0; j < C.length; j++) {
    const c: u64 = opqU(C[j]);
    for (let i = 0; i < U.length; i++) {
      const u: u64 = opqU(U[i]);
      acc = mixU(acc, u >> c);
      acc = mixI(acc, BigInt.asIntN(64, u) >> c); // same bits, arithmetic shift
    }
    for (let i = 0; i < I.length; i++) {
      const v: i64 = opqI(I[i]);
      acc = mixI(acc, v >> c);
      acc = mixU(acc, BigInt.asUintN(64, v) >> c); // same bits, logical shift
    }
  }
  const top: u64 = opqU(0x8000000000000000n);
  const neg: i64 = opqI(-0x8000000000000000n);
  acc = mixU(acc, top >> 4n);
  acc = mixI(acc, neg >> 4n);
  acc = mixU(acc, top >> 63n);
  acc = mixI(acc, neg >> 63n);
  acc = mixU(acc, top >> 64n);
  acc = mixI(acc, neg >> 64n);
  acc = mixI(acc, neg >> 65n);
  return acc;
}
