// Math.trunc(a / b) and Math.floor(a / b): exact truncating / flooring division (b !== 0), up to 2^53.
import type { u64 } from "tsnc";
import { opq } from "./lib_opaque";

function mix(acc: u64, x: number): u64 {
  return BigInt.asUintN(64, (acc ^ BigInt.asUintN(64, BigInt(x))) * 0x100000001b3n);
}

const A = new BigInt64Array([
  0n, 1n, -1n, 7n, -7n, 8n, -8n, 100n, -101n, 2147483647n, -2147483649n,
  4294967297n, -4294967297n, 4503599627370503n, -4503599627370503n,
  9007199254740991n, -9007199254740991n, 9007199254740990n,
]);
const B = new BigInt64Array([1n, -1n, 2n, -2n, 3n, -3n, 7n, -7n, 10n, 4294967296n, -4294967295n, 9007199254740991n]);

function floorMod(a: number, b: number): number {
  return a - Math.floor(a / b) * b;
}

export function main(): u64 {
  let acc: u64 = 0xcbf29ce484222325n;
  for (let i = 0; i < A.length; i++) {
    for (let j = 0; j < B.length; j++) {
      const a = opq(Number(A[i]));
      const b = opq(Number(B[j]));
      acc = mix(acc, Math.trunc(a / b));
      acc = mix(acc, Math.floor(a / b));
      if (Math.abs(a) < 4503599627370496) acc = mix(acc, floorMod(a, b)); // keeps floor(a/b)*b below 2^53
      acc = mix(acc, Math.trunc(a / b) - Math.floor(a / b)); // 0 or 1
    }
  }
  let n = opq(9007199254740991);
  let steps = 0;
  while (n > 0) {
    n = Math.trunc(n / 3);
    steps++;
    acc = mix(acc, n);
  }
  acc = mix(acc, steps);
  return acc;
}
