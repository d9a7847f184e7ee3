// A 10-parameter function mixing number, u64, i64, boolean and object parameters.
import type { u64, i64 } from "tsnc";
import { opq } from "./lib_opaque";

function mix(acc: u64, x: number): u64 {
  return BigInt.asUintN(64, (acc ^ BigInt.asUintN(64, BigInt(x))) * 0x100000001b3n);
}

class Obj {
  v: number;
  constructor(v: number) {
    this.v = v;
  }
}

const o1 = new Obj(11);

function ten(a: number, b: u64, c: boolean, d: number, e: i64, f: Obj, g: number, h: boolean, i: u64, j: number): u64 {
  let acc: u64 = b ^ i;
  acc = mix(acc, a);
  acc = mix(acc, c ? d : -d);
  acc = BigInt.asUintN(64, (acc ^ BigInt.asUintN(64, e)) * 0x100000001b3n);
  acc = mix(acc, f.v);
  f.v += g;
  acc = mix(acc, h ? g * 2 : g);
  acc = mix(acc, j);
  return acc;
}

export function main(): u64 {
  let acc: u64 = 0xcbf29ce484222325n;
  o1.v = 11;
  for (let k = 0; k < opq(20); k++) {
    acc = BigInt.asUintN(64, acc + ten(k, 0xfedcba9876543210n, (k & 1) === 0, k * -3, -0x123456789n, o1, 4294967296 + k, k > 10, acc, -k));
  }
  acc = mix(acc, o1.v);
  return acc;
}
