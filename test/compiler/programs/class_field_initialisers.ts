// Field initialisers run before the constructor body; the constructor may overwrite some of them.
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

let created = opq(0);

function nextSerial(): number {
  created++;
  return created * 100;
}

class Config {
  a: number = 5;
  b: u64 = 0xffn;
  c: i64 = -1n;
  flag: boolean = true;
  name: string = "cfg";
  serial: number = nextSerial();
  data: Uint16Array = new Uint16Array(4);
  seen: number;
  constructor(a: number) {
    this.seen = this.a * 10 + this.data.length + (this.flag ? 1 : 0); // sees the initialised values
    if (a > 0) this.a = a;
    this.data[0] = this.serial;
  }
}

const c1 = new Config(opq(0));
const c2 = new Config(opq(9));
const c3 = new Config(opq(-4));

export function main(): u64 {
  let acc: u64 = 0xcbf29ce484222325n;
  acc = mix(acc, created);
  acc = mix(acc, c1.a * 100 + c2.a * 10 + c3.a);
  acc = mix(acc, c1.seen + c2.seen + c3.seen);
  acc = mix(acc, c1.serial * 3 + c2.serial * 2 + c3.serial);
  acc = mix(acc, c1.data[0] + c2.data[0] + c3.data[0]);
  acc = mixU(acc, c1.b);
  acc = mixI(acc, c2.c);
  acc = mix(acc, c3.flag ? c3.name.length : 0);
  return acc;
}
