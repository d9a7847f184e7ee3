// Nested ?: in value positions, as arguments, selecting bigints, booleans and objects.
import type { u64 } from "tsnc";
import { opq } from "./lib_opaque";

function mix(acc: u64, x: number): u64 {
  return BigInt.asUintN(64, (acc ^ BigInt.asUintN(64, BigInt(x))) * 0x100000001b3n);
}

class Box {
  v: number;
  constructor(v: number) {
    this.v = v;
  }
}

const small = new Box(1);
const large = new Box(1000);

function sign(x: number): number {
  return x < 0 ? -1 : x > 0 ? 1 : 0;
}

function bucket(x: number): number {
  return x < 10 ? (x < 5 ? (x < 2 ? 0 : 1) : 2) : x < 100 ? (x < 50 ? 3 : 4) : 5;
}

export function main(): u64 {
  let acc: u64 = 0xcbf29ce484222325n;
  for (let x = opq(-20); x < 200; x += 3) {
    acc = mix(acc, sign(x));
    acc = mix(acc, bucket(x));
    const wide: u64 = x > 100 ? 0xffffffffffffffffn : x > 0 ? 0x8000000000000000n : 1n;
    acc = BigInt.asUintN(64, (acc ^ wide) * 0x100000001b3n);
    const odd: boolean = (x & 1) === 1 ? x > 50 : x < 50;
    acc = mix(acc, odd ? 7 : 8);
    acc = mix(acc, (x > 60 ? large : small).v + (odd ? small : large).v);
    acc = mix(acc, sign(x > 0 ? -x : x * x));
  }
  return acc;
}
