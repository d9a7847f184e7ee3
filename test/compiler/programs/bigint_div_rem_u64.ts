// u64 / and % (unsigned, truncating), with dividends and divisors that have the top bit set.
import type { u64 } from "tsnc";
import { opqU } from "./lib_opaque";

function mixU(acc: u64, x: u64): u64 {
  return BigInt.asUintN(64, (acc ^ x) * 0x100000001b3n);
}

const U = new BigUint64Array([
  0n, 1n, 2n, 3n, 7n, 10n, 0xffffffffn, 0x100000000n, 0x7fffffffffffffffn, 0x8000000000000000n,
  0x8000000000000001n, 0xffffffffffffffffn, 0xfedcba9876543210n, 0x123456789abcdef0n,
]);

export function main(): u64 {
  let acc: u64 = 0xcbf29ce484222325n;
  for (let i = 0; i < U.length; i++) {
    for (let j = 0; j < U.length; j++) {
      const n: u64 = opqU(U[i]);
      const d: u64 = opqU(U[j]);
      if (d !== 0n) {
        const q: u64 = n / d;
        const r: u64 = n % d;
        acc = mixU(acc, q);
        acc = mixU(acc, r);
        acc = mixU(acc, BigInt.asUintN(64, BigInt.asUintN(64, q * d) + r) === n ? 1n : 0n);
      }
    }
  }
  // decimal digits of 2^64 - 1
  let v: u64 = opqU(0xffffffffffffffffn);
  let digits: u64 = 0n;
  while (v !== 0n) {
    digits = BigInt.asUintN(64, BigInt.asUintN(64, digits * 16n) + v % 10n);
    v = v / 10n;
    acc = mixU(acc, v);
  }
  acc = mixU(acc, digits);
  return acc;
}
