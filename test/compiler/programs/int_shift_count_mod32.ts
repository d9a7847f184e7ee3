// Shift counts are taken mod 32 (after ToUint32): 32, 33, 64, negative counts, counts beyond 2^32.
import type { u64 } from "tsnc";
import { opq } from "./lib_opaque";

function mix(acc: u64, x: number): u64 {
  return BigInt.asUintN(64, (acc ^ BigInt.asUintN(64, BigInt(x))) * 0x100000001b3n);
}

const COUNTS = new BigInt64Array([
  0n, 1n, 5n, 31n, 32n, 33n, 63n, 64n, 65n, 100n, -1n, -31n, -32n, -33n,
  4294967297n, 1099511627781n, -1099511627773n,
]);
const VALUES = new BigInt64Array([1n, -1n, 0x12345678n, -0x12345678n, 0x87654321n, 1099511632436n]);

export function main(): u64 {
  let acc: u64 = 0xcbf29ce484222325n;
  for (let i = 0; i < VALUES.length; i++) {
    const x = opq(Number(VALUES[i]));
    for (let j = 0; j < COUNTS.length; j++) {
      const c = opq(Number(COUNTS[j]));
      acc = mix(acc, x << c);
      acc = mix(acc, x >> c);
      acc = mix(acc, x >>> c);
      let y = x;
      y <<= c;
      acc = mix(acc, y);
      y = x;
      y >>= c;
      acc = mix(acc, y);
      y = x;
      y >>>= c;
      acc = mix(acc, y);
    }
  }
  return acc;
}
