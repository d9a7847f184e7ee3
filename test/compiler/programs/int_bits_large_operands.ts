// Bitwise operators and Math.imul/clz32 on operands beyond 32 bits: ToInt32/ToUint32 keep the low 32 bits.
import type { u64 } from "tsnc";
import { opq } from "./lib_opaque";

function mix(acc: u64, x: number): u64 {
  return BigInt.asUintN(64, (acc ^ BigInt.asUintN(64, BigInt(x))) * 0x100000001b3n);
}

const V = new BigInt64Array([
  4294967296n, 4294967297n, 1099511627776n, 1099511632436n, -1099511627777n,
  4503599627370495n, -4503599627370495n, 0x1fedcba987654n, -0x1fedcba987654n, 6442450944n,
]);

export function main(): u64 {
  let acc: u64 = 0xcbf29ce484222325n;
  for (let i = 0; i < V.length; i++) {
    const x = opq(Number(V[i]));
    const y = opq(Number(V[(i + 3) % V.length]));
    acc = mix(acc, x & 0xffff);
    acc = mix(acc, x & y);
    acc = mix(acc, x | y);
    acc = mix(acc, x ^ y);
    acc = mix(acc, ~x);
    acc = mix(acc, x << 3);
    acc = mix(acc, x >> 3);
    acc = mix(acc, x >>> 3);
    acc = mix(acc, x | 0);
    acc = mix(acc, x >>> 0);
    acc = mix(acc, Math.imul(x, 3));
    acc = mix(acc, Math.clz32(x));
    acc = mix(acc, (x & 0xffffffff) === (x | 0) ? 1 : 0);
  }
  return acc;
}
