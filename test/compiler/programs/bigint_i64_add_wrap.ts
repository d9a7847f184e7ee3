// i64 + and - wrap at 2^63 (asIntN(64, …)), and reinterpreted as u64 (asUintN(64, …)).
import type { u64, i64 } from "tsnc";
import { opqI } from "./lib_opaque";

function mixI(acc: u64, x: i64): u64 {
  return BigInt.asUintN(64, (acc ^ BigInt.asUintN(64, x)) * 0x100000001b3n);
}

function mixU(acc: u64, x: u64): u64 {
  return BigInt.asUintN(64, (acc ^ x) * 0x100000001b3n);
}

const I = new BigInt64Array([
  0n, 1n, -1n, 2n, -2n, 0x7fffffffn, -0x80000000n, 0x7fffffffffffffffn, -0x8000000000000000n,
  -0x7fffffffffffffffn, 0x123456789abcdefn, -0x123456789abcdefn, -0x100000000n, 0x4000000000000000n,
]);

export function main(): u64 {
  let acc: u64 = 0xcbf29ce484222325n;
  for (let i = 0; i < I.length; i++) {
    for (let j = 0; j < I.length; j++) {
      const a: i64 = opqI(I[i]);
      const b: i64 = opqI(I[j]);
      const s: i64 = BigInt.asIntN(64, a + b);
      const d: i64 = BigInt.asIntN(64, a - b);
      acc = mixI(acc, s);
      acc = mixI(acc, d);
      acc = mixU(acc, BigInt.asUintN(64, a + b));
      acc = mixU(acc, BigInt.asUintN(64, a - b));
      acc = mixI(acc, s < 0n ? -1n : 1n);
      acc = mixI(acc, d > a ? 5n : -5n); // overflow flips the comparison
    }
  }
  let x: i64 = 0x7ffffffffffff000n;
  for (let k = 0; k < 3000; k++) {
    x = BigInt.asIntN(64, x + 0x1234567n);
    acc = mixI(acc, x);
    x = BigInt.asIntN(64, x - -0x3000000000000000n);
    acc = mixI(acc, x);
  }
  return acc;
}
