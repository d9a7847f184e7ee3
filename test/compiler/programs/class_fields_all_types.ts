// A class with a field of every kind: number, u64, i64, boolean, string, typed array, object, Array<Class>.
import type { u64, i64 } from "tsnc";
import { opq, opqU, opqI, opqB } from "./lib_opaque";

function mix(acc: u64, x: number): u64 {
  return BigInt.asUintN(64, (acc ^ BigInt.asUintN(64, BigInt(x))) * 0x100000001b3n);
}

function mixU(acc: u64, x: u64): u64 {
  return BigInt.asUintN(64, (acc ^ x) * 0x100000001b3n);
}

function mixI(acc: u64, x: i64): u64 {
  return BigInt.asUintN(64, (acc ^ BigInt.asUintN(64, x)) * 0x100000001b3n);
}

class Inner {
  id: number;
  constructor(id: number) {
    this.id = id;
  }
}

class Rec {
  n: number;
  u: u64;
  i: i64;
  b: boolean;
  s: string;
  t: Uint8Array;
  o: Inner;
  arr: Array<Inner>;
  w: BigInt64Array;
  constructor(n: number) {
    this.n = n;
    this.u = 0xfffffffffffffff0n;
    this.i = -12345678901234n;
    this.b = n > 2;
    this.s = "record";
    this.t = new Uint8Array(4);
    this.o = new Inner(n * 10);
    this.arr = [new Inner(1), new Inner(2), this.o];
    this.w = new BigInt64Array(2);
  }
}

const rec = new Rec(5);

function digest(acc0: u64, r: Rec): u64 {
  let acc = acc0;
  acc = mix(acc, r.n);
  acc = mixU(acc, r.u);
  acc = mixI(acc, r.i);
  acc = mix(acc, r.b ? 1 : 0);
  acc = mix(acc, r.s.length);
  for (let k = 0; k < r.s.length; k++) acc = mix(acc, r.s.charCodeAt(k));
  for (let k = 0; k < r.t.length; k++) acc = mix(acc, r.t[k]);
  acc = mix(acc, r.o.id);
  for (let k = 0; k < r.arr.length; k++) acc = mix(acc, r.arr[k].id);
  acc = mixI(acc, r.w[0]);
  acc = mixI(acc, r.w[1]);
  return acc;
}

export function main(): u64 {
  let acc: u64 = 0xcbf29ce484222325n;
  rec.n = opq(5);
  rec.u = opqU(0xfffffffffffffff0n);
  rec.i = opqI(-12345678901234n);
  rec.b = opqB(true);
  rec.t.fill(0);
  rec.o.id = opq(50);
  rec.arr[0].id = 1;
  rec.w.fill(0n);
  acc = digest(acc, rec);
  rec.n = -rec.n * 1000000007;
  rec.u = BigInt.asUintN(64, rec.u + 0x20n);
  rec.i = BigInt.asIntN(64, rec.i * 1000000n);
  rec.b = !rec.b;
  rec.t[1] = 513;
  rec.t[3] = rec.t[1] + 254;
  rec.o.id = 77; // also visible through arr[2]
  rec.arr[0].id = rec.arr[1].id + rec.arr[2].id;
  rec.w[0] = rec.i - 1n;
  rec.w[1] = rec.w[0] << 9n;
  acc = digest(acc, rec);
  return acc;
}
