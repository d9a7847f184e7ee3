// rotl32 / rotr32 helpers from "tsnc": unsigned results, counts taken mod 32.
import type { u64 } from "tsnc";
import { rotl32, rotr32 } from "tsnc";
import { opq } from "./lib_opaque";

function mix(acc: u64, x: number): u64 {
  return BigInt.asUintN(64, (acc ^ BigInt.asUintN(64, BigInt(x))) * 0x100000001b3n);
}

export function main(): u64 {
  let acc: u64 = 0xcbf29ce484222325n;
  let s = 0x2545f491;
  for (let i = 0; i < 100; i++) {
    s = (Math.imul(s, 0x41c64e6d) + 0x3039) | 0; // negative half the time
    for (let n = 0; n < 41; n += 3) {
      const l = rotl32(s, n);
      const r = rotr32(s, n);
      acc = mix(acc, l);
      acc = mix(acc, r);
      acc = mix(acc, rotr32(l, n) === s >>> 0 ? 1 : 0);
    }
  }
  acc = mix(acc, rotl32(opq(0x80000001), opq(1)));
  acc = mix(acc, rotr32(opq(1), opq(1)));
  acc = mix(acc, rotl32(opq(-1), opq(7)));
  return acc;
}
