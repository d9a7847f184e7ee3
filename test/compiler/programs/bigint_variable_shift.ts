// Shifts by a run-time count 0..130 (u64 counts), both directions, both kinds.
import type { u64, i64 } from "tsnc";
import { opq } from "./lib_opaque";

function mixU(acc: u64, x: u64): u64 {
  return BigInt.asUintN(64, (acc ^ x) * 0x100000001b3n);
}

function mixI(acc: u64, x: i64): u64 {
  return BigInt.asUintN(64, (acc ^ BigInt.asUintN(64, x)) * 0x100000001b3n);
}

function shlU(x: u64, n: u64): u64 {
  return BigInt.asUintN(64, x << n);
}

function shrU(x: u64, n: u64): u64 {
  return x >> n;
}

function shlI(x: i64, n: u64): i64 {
  return BigInt.asIntN(64, x << n);
}

function shrI(x: i64, n: u64): i64 {
  return x >> n;
}

export function main(): u64 {
  let acc: u64 = 0xcbf29ce484222325n;
  const u: u64 = 0xc0ffee0123456789n;
  const s: i64 = -0x3f0011fedcba9877n;
  for (let k = 0; k <= 130; k++) {
    const n: u64 = BigInt(opq(k));
    acc = mixU(acc, shlU(u, n));
    acc = mixU(acc, shrU(u, n));
    acc = mixI(acc, shlI(s, n));
    acc = mixI(acc, shrI(s, n));
    acc = mixI(acc, shrI(BigInt.asIntN(64, u), n));
    acc = mixU(acc, shrU(BigInt.asUintN(64, s), n));
  }
  return acc;
}
