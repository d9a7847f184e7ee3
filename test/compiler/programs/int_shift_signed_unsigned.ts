// >> (arithmetic, signed result) vs >>> (logical, unsigned result) of negative and large values.
import type { u64 } from "tsnc";
import { opq } from "./lib_opaque";

function mix(acc: u64, x: number): u64 {
  return BigInt.asUintN(64, (acc ^ BigInt.asUintN(64, BigInt(x))) * 0x100000001b3n);
}

const V = new BigInt64Array([
  -1n, -2n, -0x80000000n, -0x7fffffffn, -12345678n, 0x80000000n, 0xffffffffn,
  0x7fffffffn, 0xdeadbeefn, 1n, 0n, -0x100000001n, 0x1ffffffffn,
]);

export function main(): u64 {
  let acc: u64 = 0xcbf29ce484222325n;
  for (let i = 0; i < V.length; i++) {
    const x = opq(Number(V[i]));
    for (let k = 0; k < 32; k++) {
      acc = mix(acc, x >> k);
      acc = mix(acc, x >>> k);
      acc = mix(acc, (x >> k) - (x >>> k));
    }
  }
  return acc;
}
