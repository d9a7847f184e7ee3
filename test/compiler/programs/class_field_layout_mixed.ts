// Mixed field kinds interleaved (booleans between 64-bit fields): writing one must not clobber neighbours.
import type { u64, i64 } from "tsnc";
import { opq } from "./lib_opaque";

function mix(acc: u64, x: number): u64 {
  return BigInt.asUintN(64, (acc ^ BigInt.asUintN(64, BigInt(x))) * 0x100000001b3n);
}

function mixU(acc: u64, x: u64): u64 {
  return BigInt.asUintN(64, (acc ^ x) * 0x100000001b3n);
}

function mixI(acc: u64, x: i64): u64 {
  return BigInt.asUintN(64, (acc ^ BigInt.asUintN(64, x)) * 0x100000001b3n);
}

class Mixed {
  f0: boolean = true;
  f1: u64 = 0xffffffffffffffffn;
  f2: boolean = false;
  f3: number = -1;
  f4: boolean = true;
  f5: i64 = -2n;
  f6: boolean = false;
  f7: string = "xyz";
  f8: Int8Array = new Int8Array(3);
  f9: boolean = true;
  f10: number = 0x7fffffff;
}

const m = new Mixed();

function digest(acc0: u64, x: Mixed): u64 {
  let acc = acc0;
  acc = mix(acc, x.f0 ? 1 : 0);
  acc = mixU(acc, x.f1);
  acc = mix(acc, x.f2 ? 1 : 0);
  acc = mix(acc, x.f3);
  acc = mix(acc, x.f4 ? 1 : 0);
  acc = mixI(acc, x.f5);
  acc = mix(acc, x.f6 ? 1 : 0);
  acc = mix(acc, x.f7.charCodeAt(2));
  acc = mix(acc, x.f8[0] + x.f8[2]);
  acc = mix(acc, x.f9 ? 1 : 0);
  acc = mix(acc, x.f10);
  return acc;
}

export function main(): u64 {
  let acc: u64 = 0xcbf29ce484222325n;
  m.f0 = true;
  m.f1 = 0xffffffffffffffffn;
  m.f2 = false;
  m.f3 = -1;
  m.f4 = true;
  m.f5 = -2n;
  m.f6 = false;
  m.f8.fill(0);
  m.f9 = true;
  m.f10 = 0x7fffffff;
  acc = digest(acc, m);
  for (let i = 0; i < opq(16); i++) {
    m.f0 = (i & 1) !== 0;
    m.f2 = (i & 2) !== 0;
    m.f4 = !m.f4;
    m.f6 = m.f0 === m.f2;
    m.f9 = m.f6 && m.f4;
    m.f3 = m.f3 * -3;
    m.f1 = m.f1 >> 1n;
    m.f5 = BigInt.asIntN(64, m.f5 * 5n);
    m.f8[i % 3] = i * 50;
    m.f10 = (m.f10 + 0x10000000) | 0;
    acc = digest(acc, m);
  }
  return acc;
}
