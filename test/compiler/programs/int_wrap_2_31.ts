// Wrap-around at 2^31: |0, ~, << into the sign bit, and the fact that + on a wrapped value is exact again.
import type { u64 } from "tsnc";
import { opq } from "./lib_opaque";

function mix(acc: u64, x: number): u64 {
  return BigInt.asUintN(64, (acc ^ BigInt.asUintN(64, BigInt(x))) * 0x100000001b3n);
}

const V = new BigInt64Array([
  0n, 1n, -1n, 2147483646n, 2147483647n, 2147483648n, 2147483649n,
  -2147483647n, -2147483648n, -2147483649n, -2147483650n,
  4294967295n, 3221225472n, 1073741824n, 1073741823n, -1073741825n,
]);

export function main(): u64 {
  let acc: u64 = 0xcbf29ce484222325n;
  for (let i = 0; i < V.length; i++) {
    const x = opq(Number(V[i]));
    acc = mix(acc, x | 0);
    acc = mix(acc, (x + 1) | 0);
    acc = mix(acc, (x - 1) | 0);
    acc = mix(acc, (x * 2) | 0);
    acc = mix(acc, ~x);
    acc = mix(acc, -x | 0);
    acc = mix(acc, x << 1);
    acc = mix(acc, x << 30);
    acc = mix(acc, x << 31);
    acc = mix(acc, (x & 1) << 31);
    acc = mix(acc, (x | 0) + 1); // exact: 2147483647|0 + 1 is 2^31
    acc = mix(acc, (x | 0) - 1);
    acc = mix(acc, (x << 1) * 3);
    acc = mix(acc, ~x + 1);
    acc = mix(acc, ~~x);
    acc = mix(acc, x >> 0);
  }
  let one = opq(1);
  for (let k = 0; k < 33; k++) {
    acc = mix(acc, one << k);
    acc = mix(acc, (one << k) - 1); // (1 << 31) - 1 is -2147483649
    acc = mix(acc, ((one << k) - 1) | 0);
  }
  one = opq(3);
  acc = mix(acc, one << 31);
  acc = mix(acc, one << 30);
  return acc;
}
