// Unary - ~ ! on numbers and booleans.
import type { u64 } from "tsnc";
import { opq } from "./lib_opaque";

function mix(acc: u64, x: number): u64 {
  return BigInt.asUintN(64, (acc ^ BigInt.asUintN(64, BigInt(x))) * 0x100000001b3n);
}

const V = new BigInt64Array([0n, 1n, -1n, 2147483647n, -2147483648n, 4294967295n, 4294967296n, -9007199254740991n, 12345n]);

export function main(): u64 {
  let acc: u64 = 0xcbf29ce484222325n;
  for (let i = 0; i < V.length; i++) {
    const x = opq(Number(V[i]));
    acc = mix(acc, -x);
    acc = mix(acc, -(-x));
    acc = mix(acc, -x | 0);
    acc = mix(acc, ~x);
    acc = mix(acc, ~~x);
    acc = mix(acc, ~-x);
    acc = mix(acc, -~x);
    const z: boolean = x === 0;
    acc = mix(acc, !z ? 1 : 0);
    acc = mix(acc, !!z ? 1 : 0);
    acc = mix(acc, !(x < 0) ? 3 : 4);
    acc = mix(acc, -((x % 1000) - 5) * 2);
  }
  return acc;
}
