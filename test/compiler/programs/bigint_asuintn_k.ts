// BigInt.asUintN(k, x) for k = 1, 8, 16, 32, 63 on u64 and i64 operands (results are u64).
import type { u64, i64 } from "tsnc";
import { opqU, opqI } from "./lib_opaque";

function mixU(acc: u64, x: u64): u64 {
  return BigInt.asUintN(64, (acc ^ x) * 0x100000001b3n);
}

const U = new BigUint64Array([0n, 1n, 0xffn, 0x100n, 0x1ffn, 0xffffn, 0x18000n, 0xffffffffn, 0x180000000n, 0x7fffffffffffffffn, 0x8000000000000000n, 0xffffffffffffffffn, 0xfedcba9876543210n]);
const I = new BigInt64Array([0n, 1n, -1n, -2n, -128n, -129n, 255n, -32768n, -32769n, -0x80000000n, -0x80000001n, -0x8000000000000000n, -0x123456789abcdefn]);

function all(acc0: u64, x: u64): u64 {
  let acc = acc0;
  acc = mixU(acc, BigInt.asUintN(1, x));
  acc = mixU(acc, BigInt.asUintN(8, x));
  acc = mixU(acc, BigInt.asUintN(16, x));
  acc = mixU(acc, BigInt.asUintN(32, x));
  acc = mixU(acc, BigInt.asUintN(63, x));
  acc = mixU(acc, BigInt.asUintN(64, x));
  return acc;
}

function allSigned(acc0: u64, x: i64): u64 {
  let acc = acc0;
  acc = mixU(acc, BigInt.asUintN(1, x));
  acc = mixU(acc, BigInt.asUintN(8, x));
  acc = mixU(acc, BigInt.asUintN(16, x));
  acc = mixU(acc, BigInt.asUintN(32, x));
  acc = mixU(acc, BigInt.asUintN(63, x));
  acc = mixU(acc, BigInt.asUintN(64, x));
  return acc;
}

export function main(): u64 {
  let acc: u64 = 0xcbf29ce484222325n;
  for (let i = 0; i < U.length; i++) acc = all(acc, opqU(U[i]));
  for (let i = 0; i < I.length; i++) acc = allSigned(acc, opqI(I[i]));
  acc = mixU(acc, BigInt.asUintN(8, BigInt.asUintN(64, U[3] + U[2])));
  return acc;
}
