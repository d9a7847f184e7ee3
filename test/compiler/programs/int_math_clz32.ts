// Math.clz32: leading zeros of ToUint32(x), 32 for 0.
import type { u64 } from "tsnc";
import { opq } from "./lib_opaque";

function mix(acc: u64, x: number): u64 {
  return BigInt.asUintN(64, (acc ^ BigInt.asUintN(64, BigInt(x))) * 0x100000001b3n);
}

const V = new BigInt64Array([
  0n, 1n, 2n, 3n, -1n, 0x80000000n, 0x7fffffffn, 0x100000000n, 0x100000001n,
  4503599627370496n, 4503599627370751n, -2147483648n, 65535n, 65536n, -65536n,
]);

export function main(): u64 {
  let acc: u64 = 0xcbf29ce484222325n;
  for (let i = 0; i < V.length; i++) {
    acc = mix(acc, Math.clz32(opq(Number(V[i]))));
  }
  for (let k = 0; k < 34; k++) {
    const p = opq(1) << k;
    acc = mix(acc, Math.clz32(p));
    acc = mix(acc, Math.clz32(p - 1));
    acc = mix(acc, Math.clz32(p >>> 1));
    acc = mix(acc, 31 - Math.clz32(p | 1));
  }
  return acc;
}
