// Functions returning boolean, number, u64, i64, an object, a typed array and a string.
import type { u64, i64 } from "tsnc";
import { opq } from "./lib_opaque";

function mix(acc: u64, x: number): u64 {
  return BigInt.asUintN(64, (acc ^ BigInt.asUintN(64, BigInt(x))) * 0x100000001b3n);
}

class Pair {
  a: number;
  b: number;
  constructor(i: number) {
    this.a = i;
    this.b = i * i;
  }
}

const P0 = new Pair(3);
const P1 = new Pair(-4);
const T0 = new Int16Array([1, -2, 3]);
const T1 = new Int16Array([-100, 200]);
const NAMES0 = "even";
const NAMES1 = "odd!";

function retBool(x: number): boolean {
  return x % 3 === 1;
}

function retNum(x: number): number {
  return x * -5 + 1;
}

function retU64(x: number): u64 {
  return BigInt.asUintN(64, BigInt(x) * 0xff00ff00ff00ff01n);
}

function retI64(x: number): i64 {
  return BigInt.asIntN(64, BigInt(x) - 0x100000000n);
}

function retObj(x: number): Pair {
  return (x & 1) === 0 ? P0 : P1;
}

function retArr(x: number): Int16Array {
  if (x > 10) return T1;
  return T0;
}

function retStr(x: number): string {
  return (x & 1) === 0 ? NAMES0 : NAMES1;
}

function nothing(x: number): void {
  if (x > 5) return;
  P0.a += 0;
}

export function main(): u64 {
  let acc: u64 = 0xcbf29ce484222325n;
  for (let x = 0; x < opq(20); x++) {
    acc = mix(acc, retBool(x) ? 1 : 0);
    acc = mix(acc, retNum(x));
    acc = BigInt.asUintN(64, (acc ^ retU64(x)) * 0x100000001b3n);
    acc = BigInt.asUintN(64, (acc ^ BigInt.asUintN(64, retI64(x))) * 0x100000001b3n);
    acc = mix(acc, retObj(x).a + retObj(x + 1).b);
    acc = mix(acc, retArr(x)[1] + retArr(x).length);
    acc = mix(acc, retStr(x).charCodeAt(3));
    nothing(x);
  }
  return acc;
}
