// a % b: the remainder has the sign of a; negative operands, large operands.
import type { u64 } from "tsnc";
import { opq } from "./lib_opaque";

function mix(acc: u64, x: number): u64 {
  return BigInt.asUintN(64, (acc ^ BigInt.asUintN(64, BigInt(x))) * 0x100000001b3n);
}

const A = new BigInt64Array([0n, 1n, -1n, 7n, -7n, 9n, -9n, 2147483647n, -2147483648n, 4294967301n, -4294967301n, 4503599627370499n, -4503599627370499n]);
const B = new BigInt64Array([1n, -1n, 2n, -2n, 3n, -3n, 7n, -7n, 4294967296n, -65536n, 1000000007n]);

export function main(): u64 {
  let acc: u64 = 0xcbf29ce484222325n;
  for (let i = 0; i < A.length; i++) {
    for (let j = 0; j < B.length; j++) {
      const a = opq(Number(A[i]));
      const b = opq(Number(B[j]));
      const r = a % b;
      acc = mix(acc, r);
      acc = mix(acc, r < 0 ? 1 : r > 0 ? 2 : 3);
      acc = mix(acc, Math.trunc(a / b) * b + r - a); // always 0
    }
  }
  let x = opq(-1000003);
  for (let i = 1; i < 300; i++) {
    x = (x * 7 + i) % 99991;
    acc = mix(acc, x);
    acc = mix(acc, x % i);
    acc = mix(acc, -x % 13);
  }
  return acc;
}
