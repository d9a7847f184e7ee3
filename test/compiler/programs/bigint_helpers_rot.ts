// rotl64 / rotr64 from "tsnc": counts taken mod 64, including 0 and 64.
import type { u64 } from "tsnc";
import { rotl64, rotr64 } from "tsnc";
import { opqU } from "./lib_opaque";

function mixU(acc: u64, x: u64): u64 {
  return BigInt.asUintN(64, (acc ^ x) * 0x100000001b3n);
}

const U = new BigUint64Array([0n, 1n, 0x8000000000000000n, 0xffffffffffffffffn, 0x0123456789abcdefn, 0xf0000000000000ffn]);

export function main(): u64 {
  let acc: u64 = 0xcbf29ce484222325n;
  for (let i = 0; i < U.length; i++) {
    const a: u64 = opqU(U[i]);
    for (let k = 0; k < 131; k++) {
      const n: u64 = BigInt(k);
      const l: u64 = rotl64(a, n);
      const r: u64 = rotr64(a, n);
      acc = mixU(acc, l);
      acc = mixU(acc, r);
      acc = mixU(acc, rotr64(l, n) === a ? 1n : 0n);
      acc = mixU(acc, rotl64(a, BigInt.asUintN(64, 64n - (n & 63n))) === r ? 1n : 0n);
    }
  }
  return acc;
}
