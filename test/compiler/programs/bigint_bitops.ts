// & | ^ on u64 and on i64 (two's complement, including negative literals), no wrapping needed.
import type { u64, i64 } from "tsnc";
import { opqU, opqI } from "./lib_opaque";

function mixU(acc: u64, x: u64): u64 {
  return BigInt.asUintN(64, (acc ^ x) * 0x100000001b3n);
}

function mixI(acc: u64, x: i64): u64 {
  return BigInt.asUintN(64, (acc ^ BigInt.asUintN(64, x)) * 0x100000001b3n);
}

const U = new BigUint64Array([0n, 0xffffffffffffffffn, 0x8000000000000000n, 0x5555555555555555n, 0xaaaaaaaaaaaaaaaan, 0xffffffffn, 0xdeadbeefcafebaben]);
const I = new BigInt64Array([0n, -1n, -0x8000000000000000n, 0x5555555555555555n, -0x5555555555555556n, 0xffffffffn, -256n]);

export function main(): u64 {
  let acc: u64 = 0xcbf29ce484222325n;
  for (let i = 0; i < U.length; i++) {
    for (let j = 0; j < U.length; j++) {
      const a: u64 = opqU(U[i]);
      const b: u64 = opqU(U[j]);
      acc = mixU(acc, a & b);
      acc = mixU(acc, a | b);
      acc = mixU(acc, a ^ b);
      acc = mixU(acc, a & (b ^ 0xffffffffffffffffn));
    }
  }
  for (let i = 0; i < I.length; i++) {
    for (let j = 0; j < I.length; j++) {
      const a: i64 = opqI(I[i]);
      const b: i64 = opqI(I[j]);
      acc = mixI(acc, a & b);
      acc = mixI(acc, a | b);
      acc = mixI(acc, a ^ b);
    }
    const v: i64 = opqI(I[i]);
    acc = mixI(acc, v & 0xffn);
    acc = mixI(acc, v | -256n);
    acc = mixI(acc, v ^ -1n);
    acc = mixI(acc, (v & -0x10000n) >> 8n);
  }
  return acc;
}
