// i64 / and % truncate toward zero; the remainder has the sign of the dividend.
import type { u64, i64 } from "tsnc";
import { opqI } from "./lib_opaque";

function mixI(acc: u64, x: i64): u64 {
  return BigInt.asUintN(64, (acc ^ BigInt.asUintN(64, x)) * 0x100000001b3n);
}

const I = new BigInt64Array([
  0n, 1n, -1n, 2n, -2n, 7n, -7n, 3n, -3n, 100n, -101n, 0x7fffffffffffffffn, -0x8000000000000000n,
  -0x7fffffffffffffffn, 0x100000000n, -0x100000001n, 0x123456789abcdefn, -0x123456789abcdefn,
]);

export function main(): u64 {
  let acc: u64 = 0xcbf29ce484222325n;
  for (let i = 0; i < I.length; i++) {
    for (let j = 0; j < I.length; j++) {
      const n: i64 = opqI(I[i]);
      const d: i64 = opqI(I[j]);
      if (d === 0n) continue;
      if (n === -0x8000000000000000n && d === -1n) continue; // quotient 2^63 is not an i64
      const q: i64 = n / d;
      const r: i64 = n % d;
      acc = mixI(acc, q);
      acc = mixI(acc, r);
      acc = mixI(acc, BigInt.asIntN(64, BigInt.asIntN(64, q * d) + r) === n ? 1n : 0n);
    }
  }
  const m7: i64 = opqI(-7n);
  acc = mixI(acc, m7 / 2n); // -3
  acc = mixI(acc, m7 % 2n); // -1
  acc = mixI(acc, 7n % -2n); // 1
  acc = mixI(acc, m7 / -2n); // 3
  return acc;
}
