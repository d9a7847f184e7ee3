// BigInt64Array: unwrapped arithmetic stored into an element wraps to i64; loads are signed.
import type { u64, i64 } from "tsnc";
import { opqI } from "./lib_opaque";

function mixI(acc: u64, x: i64): u64 {
  return BigInt.asUintN(64, (acc ^ BigInt.asUintN(64, x)) * 0x100000001b3n);
}

const A = new BigInt64Array(16);
const SRC = new BigInt64Array([0x7fffffffffffffffn, -0x8000000000000000n, -1n, 3n, -0x123456789abcdefn]);

function fill(a: BigInt64Array, x: i64, y: i64): void {
  a[0] = x + y;
  a[1] = x - y;
  a[2] = x * y;
  a[3] = ~x;
  a[4] = -y;
  a[5] = x << 1n;
  a[6] = x << 63n;
  a[7] = x << 64n;
  a[8] = x >> 1n;
  a[9] = x | y;
  a[10] = BigInt.asIntN(64, BigInt.asUintN(64, x) >> 1n);
}

export function main(): u64 {
  let acc: u64 = 0xcbf29ce484222325n;
  A.fill(0n);
  for (let i = 0; i < SRC.length; i++) {
    for (let j = 0; j < SRC.length; j++) {
      fill(A, opqI(SRC[i]), opqI(SRC[j]));
      for (let k = 0; k < 11; k++) {
        acc = mixI(acc, A[k]);
        acc = mixI(acc, A[k] < 0n ? -1n : 1n);
      }
    }
  }
  A[11] = opqI(0x7fffffffffffffffn);
  A[12] = A[11] + 1n;
  A[13] = A[12] - 1n;
  A[14] = -A[12];
  A[15] = A[12] * -1n;
  for (let k = 11; k < 16; k++) acc = mixI(acc, A[k]);
  acc = mixI(acc, BigInt(A.length));
  return acc;
}
