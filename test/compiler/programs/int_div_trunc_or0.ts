// (a / b) | 0 and (a / b) >>> 0: truncating division, then ToInt32 / ToUint32; mixed signs, large operands.
import type { u64 } from "tsnc";
import { opq } from "./lib_opaque";

function mix(acc: u64, x: number): u64 {
  return BigInt.asUintN(64, (acc ^ BigInt.asUintN(64, BigInt(x))) * 0x100000001b3n);
}

const A = new BigInt64Array([
  0n, 1n, -1n, 7n, -7n, 100n, -100n, 2147483647n, -2147483648n, 4294967295n,
  1099511640121n, -1099511640121n, 4503599627370503n, -4503599627370503n, 9007199254740991n,
]);
const B = new BigInt64Array([1n, -1n, 2n, -2n, 3n, -3n, 7n, 1000n, -1000n, 65536n, 8589934592n, 2147483648n, -2147483648n]);

function divi(a: number, b: number): number {
  return (a / b) | 0;
}

function divu(a: number, b: number): number {
  return (a / b) >>> 0;
}

export function main(): u64 {
  let acc: u64 = 0xcbf29ce484222325n;
  for (let i = 0; i < A.length; i++) {
    for (let j = 0; j < B.length; j++) {
      const a = opq(Number(A[i]));
      const b = opq(Number(B[j]));
      acc = mix(acc, (a / b) | 0);
      acc = mix(acc, (a / b) >>> 0);
      acc = mix(acc, divi(a, b) + divu(a, b));
    }
  }
  // -2^31 / -1 = 2^31, which |0 wraps back to -2^31 (a 32-bit divide would trap or differ)
  acc = mix(acc, divi(opq(-2147483648), opq(-1)));
  acc = mix(acc, divu(opq(-2147483648), opq(-1)));
  acc = mix(acc, divi(-7, 2) * 10 + divi(7, -2));
  return acc;
}
