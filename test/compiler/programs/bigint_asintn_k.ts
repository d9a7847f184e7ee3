// BigInt.asIntN(k, x) for k = 1, 8, 16, 32, 63: sign extension from bit k-1 (results are i64).
import type { u64, i64 } from "tsnc";
import { opqU, opqI } from "./lib_opaque";

function mixI(acc: u64, x: i64): u64 {
  return BigInt.asUintN(64, (acc ^ BigInt.asUintN(64, x)) * 0x100000001b3n);
}

const U = new BigUint64Array([0n, 1n, 0x7fn, 0x80n, 0xffn, 0x7fffn, 0x8000n, 0xffffn, 0x7fffffffn, 0x80000000n, 0xffffffffn, 0x4000000000000000n, 0x7fffffffffffffffn, 0x8000000000000000n, 0xffffffffffffffffn]);
const I = new BigInt64Array([0n, 1n, -1n, 127n, 128n, -128n, -129n, 32767n, 32768n, -32769n, 0x80000000n, -0x80000001n, 0x4000000000000000n, -0x4000000000000001n]);

function all(acc0: u64, x: u64): u64 {
  let acc = acc0;
  acc = mixI(acc, BigInt.asIntN(1, x));
  acc = mixI(acc, BigInt.asIntN(8, x));
  acc = mixI(acc, BigInt.asIntN(16, x));
  acc = mixI(acc, BigInt.asIntN(32, x));
  acc = mixI(acc, BigInt.asIntN(63, x));
  acc = mixI(acc, BigInt.asIntN(64, x));
  return acc;
}

function allSigned(acc0: u64, x: i64): u64 {
  let acc = acc0;
  acc = mixI(acc, BigInt.asIntN(1, x));
  acc = mixI(acc, BigInt.asIntN(8, x));
  acc = mixI(acc, BigInt.asIntN(16, x));
  acc = mixI(acc, BigInt.asIntN(32, x));
  acc = mixI(acc, BigInt.asIntN(63, x));
  acc = mixI(acc, BigInt.asIntN(64, x));
  return acc;
}

export function main(): u64 {
  let acc: u64 = 0xcbf29ce484222325n;
  for (let i = 0; i < U.length; i++) acc = all(acc, opqU(U[i]));
  for (let i = 0; i < I.length; i++) acc = allSigned(acc, opqI(I[i]));
  // sign-extended values compare as signed
  const b: i64 = BigInt.asIntN(8, opqU(U[4]));
  acc = mixI(acc, b < 0n ? 1n : 2n);
  acc = mixI(acc, BigInt.asIntN(16, U[4]) > 0n ? 3n : 4n);
  return acc;
}
