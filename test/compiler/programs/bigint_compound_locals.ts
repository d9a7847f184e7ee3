// &= |= ^= >>= on u64 and i64 locals (operators that need no wrapping).
import type { u64, i64 } from "tsnc";
import { opqU, opqI } from "./lib_opaque";

function mixU(acc: u64, x: u64): u64 {
  return BigInt.asUintN(64, (acc ^ x) * 0x100000001b3n);
}

function mixI(acc: u64, x: i64): u64 {
  return BigInt.asUintN(64, (acc ^ BigInt.asUintN(64, x)) * 0x100000001b3n);
}

export function main(): u64 {
  let acc: u64 = 0xcbf29ce484222325n;
  let u: u64 = opqU(0xffffffffffffffffn);
  let s: i64 = opqI(-0x8000000000000000n);
  for (let i = 0; i < 70; i++) {
    const k: u64 = BigInt(i);
    u >>= 1n;
    acc = mixU(acc, u);
    u |= 0x8000000000000000n;
    acc = mixU(acc, u);
    u ^= 0x0123456789abcdefn;
    acc = mixU(acc, u);
    u &= 0xfffffffffffff0ffn;
    acc = mixU(acc, u);
    s >>= k & 3n;
    acc = mixI(acc, s);
    s ^= -0x7000000000000000n;
    acc = mixI(acc, s);
    s |= 0x100n;
    acc = mixI(acc, s);
    s &= -2n;
    acc = mixI(acc, s);
  }
  return acc;
}
