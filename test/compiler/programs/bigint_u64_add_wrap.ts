// u64 + and - wrap at 2^64 (asUintN(64, …)); the same sums read as i64 wrap at 2^63 (asIntN(64, …)).
import type { u64, i64 } from "tsnc";
import { opqU } from "./lib_opaque";

function mixU(acc: u64, x: u64): u64 {
  return BigInt.asUintN(64, (acc ^ x) * 0x100000001b3n);
}

function mixI(acc: u64, x: i64): u64 {
  return BigInt.asUintN(64, (acc ^ BigInt.asUintN(64, x)) * 0x100000001b3n);
}

const U = new BigUint64Array([
  0n, 1n, 2n, 3n, 0x7fffffffn, 0xffffffffn, 0x100000000n, 0x7fffffffffffffffn, 0x8000000000000000n,
  0x8000000000000001n, 0xfffffffffffffffen, 0xffffffffffffffffn, 0x123456789abcdef0n, 0xdeadbeefcafebaben,
]);

export function main(): u64 {
  let acc: u64 = 0xcbf29ce484222325n;
  for (let i = 0; i < U.length; i++) {
    for (let j = 0; j < U.length; j++) {
      const a: u64 = opqU(U[i]);
      const b: u64 = opqU(U[j]);
      const s: u64 = BigInt.asUintN(64, a + b);
      const d: u64 = BigInt.asUintN(64, a - b);
      acc = mixU(acc, s);
      acc = mixU(acc, d);
      acc = mixI(acc, BigInt.asIntN(64, a + b));
      acc = mixI(acc, BigInt.asIntN(64, a - b));
      acc = mixU(acc, BigInt.asUintN(64, s + 1n));
      acc = mixU(acc, s < a ? 1n : 0n); // carry out
      acc = mixU(acc, a < b ? 1n : 0n); // borrow
    }
  }
  let x: u64 = 0xfffffffffffff000n;
  for (let k = 0; k < 5000; k++) {
    x = BigInt.asUintN(64, x + 0x9e3779b97f4a7c15n);
    acc = mixU(acc, x);
  }
  return acc;
}
