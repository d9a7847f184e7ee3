// < <= > >= === !== on numbers: signed comparison of the exact values (not 32-bit, not unsigned).
import type { u64 } from "tsnc";
import { opq } from "./lib_opaque";

function mix(acc: u64, x: number): u64 {
  return BigInt.asUintN(64, (acc ^ BigInt.asUintN(64, BigInt(x))) * 0x100000001b3n);
}

const V = new BigInt64Array([
  0n, 1n, -1n, 2147483647n, 2147483648n, -2147483648n, -2147483649n, 4294967295n,
  4294967296n, -4294967296n, 1099511627776n, -1099511627776n, 9007199254740991n, -9007199254740991n,
]);

function cmpBits(a: number, b: number): number {
  let bits = 0;
  if (a < b) bits |= 1;
  if (a <= b) bits |= 2;
  if (a > b) bits |= 4;
  if (a >= b) bits |= 8;
  if (a === b) bits |= 16;
  if (a !== b) bits |= 32;
  return bits;
}

export function main(): u64 {
  let acc: u64 = 0xcbf29ce484222325n;
  for (let i = 0; i < V.length; i++) {
    for (let j = 0; j < V.length; j++) {
      const a = opq(Number(V[i]));
      const b = opq(Number(V[j]));
      acc = mix(acc, cmpBits(a, b));
      const lt: boolean = a < b;
      const ge: boolean = a >= b;
      acc = mix(acc, (lt ? 64 : 0) + (ge ? 128 : 0) + (lt === ge ? 256 : 0));
    }
  }
  // 32-bit results compared as signed numbers
  const x = opq(0xffffffff) | 0;
  const y = opq(0xffffffff) >>> 0;
  acc = mix(acc, x < 0 ? 1 : 0);
  acc = mix(acc, y > 0 ? 1 : 0);
  acc = mix(acc, x < y ? 1 : 0);
  return acc;
}
