// add64 sub64 mul64 neg64 not64 shl64 from "tsnc".
import type { u64 } from "tsnc";
import { add64, sub64, mul64, neg64, not64, shl64 } from "tsnc";
import { opqU } from "./lib_opaque";

function mixU(acc: u64, x: u64): u64 {
  return BigInt.asUintN(64, (acc ^ x) * 0x100000001b3n);
}

const U = new BigUint64Array([0n, 1n, 2n, 0xffffffffn, 0x7fffffffffffffffn, 0x8000000000000000n, 0xffffffffffffffffn, 0xdeadbeefcafebaben, 0x0123456789abcdefn]);

export function main(): u64 {
  let acc: u64 = 0xcbf29ce484222325n;
  for (let i = 0; i < U.length; i++) {
    const a: u64 = opqU(U[i]);
    acc = mixU(acc, neg64(a));
    acc = mixU(acc, not64(a));
    acc = mixU(acc, add64(neg64(a), a)); // 0
    for (let j = 0; j < U.length; j++) {
      const b: u64 = opqU(U[j]);
      acc = mixU(acc, add64(a, b));
      acc = mixU(acc, sub64(a, b));
      acc = mixU(acc, mul64(a, b));
      acc = mixU(acc, shl64(a, b & 127n));
    }
    for (let k = 60; k < 70; k++) acc = mixU(acc, shl64(a, BigInt(k)));
  }
  let h: u64 = 0xcbf29ce484222325n;
  for (let i = 0; i < 3000; i++) {
    h = mul64(add64(h, BigInt(i)), 0x100000001b3n);
    h = sub64(h, not64(shl64(h, 13n)));
  }
  acc = mixU(acc, h);
  return acc;
}
