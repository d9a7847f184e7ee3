// BigUint64Array: unwrapped bigint + - * ~ unary- << stored straight into an element wrap mod 2^64.
import type { u64 } from "tsnc";
import { opqU } from "./lib_opaque";

function mixU(acc: u64, x: u64): u64 {
  return BigInt.asUintN(64, (acc ^ x) * 0x100000001b3n);
}

const A = new BigUint64Array(16);
const SRC = new BigUint64Array([0xffffffffffffffffn, 0x8000000000000000n, 3n, 0x123456789abcdef0n]);

function fill(a: BigUint64Array, x: u64, y: u64): void {
  a[0] = x + y;
  a[1] = x - y;
  a[2] = y - x;
  a[3] = x * y;
  a[4] = ~x;
  a[5] = -y;
  a[6] = x << 4n;
  a[7] = x << 70n;
  a[8] = x & y;
  a[9] = x >> 60n;
  a[10] = x;
}

export function main(): u64 {
  let acc: u64 = 0xcbf29ce484222325n;
  A.fill(0n);
  acc = mixU(acc, BigInt(A.length));
  for (let i = 0; i < SRC.length; i++) {
    for (let j = 0; j < SRC.length; j++) {
      fill(A, opqU(SRC[i]), opqU(SRC[j]));
      for (let k = 0; k < 11; k++) acc = mixU(acc, A[k]);
      acc = mixU(acc, A[1] > A[2] ? 1n : 0n); // unsigned comparison of loaded elements
    }
  }
  A[11] = opqU(0xffffffffffffffffn);
  A[12] = A[11] + A[11];
  A[13] = A[12] * A[12];
  A[14] = A[13] - 0xfffffffffffffff0n;
  A[15] = 0n - A[14];
  for (let k = 11; k < 16; k++) acc = mixU(acc, A[k]);
  return acc;
}
