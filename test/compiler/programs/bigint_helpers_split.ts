// toI64 toU64 lo32 hi32 make64 from "tsnc".
import type { u64, i64 } from "tsnc";
import { toI64, toU64, lo32, hi32, make64 } from "tsnc";
import { opq, opqU } from "./lib_opaque";

function mix(acc: u64, x: number): u64 {
  return BigInt.asUintN(64, (acc ^ BigInt.asUintN(64, BigInt(x))) * 0x100000001b3n);
}

function mixU(acc: u64, x: u64): u64 {
  return BigInt.asUintN(64, (acc ^ x) * 0x100000001b3n);
}

function mixI(acc: u64, x: i64): u64 {
  return BigInt.asUintN(64, (acc ^ BigInt.asUintN(64, x)) * 0x100000001b3n);
}

const U = new BigUint64Array([0n, 1n, 0xffffffffn, 0x100000000n, 0x7fffffffffffffffn, 0x8000000000000000n, 0xffffffffffffffffn, 0xdeadbeefcafebaben]);

export function main(): u64 {
  let acc: u64 = 0xcbf29ce484222325n;
  for (let i = 0; i < U.length; i++) {
    const a: u64 = opqU(U[i]);
    const s: i64 = toI64(a);
    acc = mixI(acc, s);
    acc = mixU(acc, toU64(s));
    acc = mix(acc, lo32(a));
    acc = mix(acc, hi32(a));
    acc = mixU(acc, make64(hi32(a), lo32(a)));
    acc = mixU(acc, make64(lo32(a), hi32(a))); // swap halves
    acc = mix(acc, s < 0n ? 1 : 0);
  }
  // halves given as negative numbers or beyond 32 bits are taken mod 2^32
  acc = mixU(acc, make64(opq(-1), opq(-1)));
  acc = mixU(acc, make64(opq(-2), opq(4294967297)));
  acc = mixU(acc, make64(opq(0x80000000), opq(0)));
  acc = mixU(acc, make64(opq(0), opq(0x80000000)));
  acc = mixU(acc, make64(0xdeadbeef | 0, 0xcafebabe | 0));
  let x: u64 = opqU(1n);
  for (let k = 0; k < 64; k++) {
    acc = mix(acc, lo32(x) + hi32(x) * 3);
    x = BigInt.asUintN(64, x << 1n);
  }
  return acc;
}
