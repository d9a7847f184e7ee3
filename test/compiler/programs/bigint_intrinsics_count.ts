// clz64 ctz64 popcnt64 intrinsics (64 for zero in clz64/ctz64).
import type { u64 } from "tsnc";
import { clz64, ctz64, popcnt64 } from "tsnc";
import { opqU } from "./lib_opaque";

function mix(acc: u64, x: number): u64 {
  return BigInt.asUintN(64, (acc ^ BigInt.asUintN(64, BigInt(x))) * 0x100000001b3n);
}

const U = new BigUint64Array([0n, 1n, 2n, 3n, 0x80n, 0xffffffffn, 0x100000000n, 0x7fffffffffffffffn, 0x8000000000000000n, 0xffffffffffffffffn, 0x0123456789abcdefn, 0xf0f0f0f00f0f0f00n]);

export function main(): u64 {
  let acc: u64 = 0xcbf29ce484222325n;
  for (let i = 0; i < U.length; i++) {
    const u: u64 = opqU(U[i]);
    acc = mix(acc, clz64(u));
    acc = mix(acc, ctz64(u));
    acc = mix(acc, popcnt64(u));
  }
  let bit: u64 = opqU(1n);
  for (let k = 0; k < 64; k++) {
    const mask: u64 = BigInt.asUintN(64, bit - 1n);
    acc = mix(acc, clz64(bit) * 10000 + ctz64(bit) * 100 + popcnt64(bit));
    acc = mix(acc, clz64(mask) * 10000 + ctz64(mask) * 100 + popcnt64(mask));
    acc = mix(acc, popcnt64(BigInt.asUintN(64, ~mask)));
    bit = BigInt.asUintN(64, bit << 1n);
  }
  let x: u64 = 0x9e3779b97f4a7c15n;
  let total = 0;
  for (let i = 0; i < 500; i++) {
    x = BigInt.asUintN(64, x * 0x5851f42d4c957f2dn);
    total += popcnt64(x) + clz64(x >> 7n) - ctz64(x | 0x8000000000000000n);
  }
  acc = mix(acc, total);
  return acc;
}
