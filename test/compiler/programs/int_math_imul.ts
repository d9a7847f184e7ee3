// Math.imul: 32-bit product with a signed result; operands go through ToInt32 first.
import type { u64 } from "tsnc";
import { opq } from "./lib_opaque";

function mix(acc: u64, x: number): u64 {
  return BigInt.asUintN(64, (acc ^ BigInt.asUintN(64, BigInt(x))) * 0x100000001b3n);
}

const V = new BigInt64Array([
  0n, 1n, -1n, 3n, 0xffffffffn, 0x80000000n, 0x7fffffffn, 65535n, 65537n,
  123456789n, -987654321n, 1099511627779n, -1099511627783n, 0x9e3779b9n,
]);

export function main(): u64 {
  let acc: u64 = 0xcbf29ce484222325n;
  for (let i = 0; i < V.length; i++) {
    for (let j = 0; j < V.length; j++) {
      const a = opq(Number(V[i]));
      const b = opq(Number(V[j]));
      acc = mix(acc, Math.imul(a, b));
      acc = mix(acc, Math.imul(a, b) >>> 0);
    }
  }
  // a multiplicative hash chain
  let h = 0x811c9dc5;
  for (let i = 0; i < 2000; i++) {
    h = Math.imul(h ^ (i & 0xff), 0x01000193);
    acc = mix(acc, h);
  }
  return acc;
}
