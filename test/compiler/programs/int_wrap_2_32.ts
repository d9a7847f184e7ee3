// Wrap-around at 2^32: >>>0 and |0 of values at and beyond 2^32 (and below -2^32).
import type { u64 } from "tsnc";
import { opq } from "./lib_opaque";

function mix(acc: u64, x: number): u64 {
  return BigInt.asUintN(64, (acc ^ BigInt.asUintN(64, BigInt(x))) * 0x100000001b3n);
}

const V = new BigInt64Array([
  0n, -1n, 4294967294n, 4294967295n, 4294967296n, 4294967297n,
  -4294967295n, -4294967296n, -4294967297n, 8589934591n, 12884901893n,
  281474976710656n, 281474976710657n, 4503599627370497n, -4503599627370497n,
  2251799813685247n, 0x1234567890abn, -0x1234567890abn,
]);

export function main(): u64 {
  let acc: u64 = 0xcbf29ce484222325n;
  for (let i = 0; i < V.length; i++) {
    const x = opq(Number(V[i]));
    acc = mix(acc, x >>> 0);
    acc = mix(acc, x | 0);
    acc = mix(acc, (x + 1) >>> 0);
    acc = mix(acc, (x - 1) >>> 0);
    acc = mix(acc, ~x >>> 0);
    acc = mix(acc, -x >>> 0);
    acc = mix(acc, (x >>> 0) + (x | 0));
    acc = mix(acc, (x >>> 0) - (x | 0)); // 0 or 2^32
    acc = mix(acc, x ^ 0);
    acc = mix(acc, (x & 0xffff) * 65536);
    acc = mix(acc, (x >>> 16) * 65536 + (x & 0xffff));
  }
  // accumulate with explicit u32 wrap every step
  let h = 0;
  for (let i = 0; i < 1000; i++) {
    h = (h + 0x9e3779b9 + i * 0x10001) >>> 0;
    acc = mix(acc, h);
  }
  return acc;
}
