// Module-level const and let (numbers, bigints, booleans), lets initialised from consts and function calls.
import type { u64, i64 } from "tsnc";
import { opq } from "./lib_opaque";

function mix(acc: u64, x: number): u64 {
  return BigInt.asUintN(64, (acc ^ BigInt.asUintN(64, BigInt(x))) * 0x100000001b3n);
}

const BASE = 1000;
const STEP: number = 7;
const WIDE: u64 = 0xfedcba9876543210n;
const NEG: i64 = -0x1234n;
const LIMIT = BASE * STEP + 3;
const ENABLED = true;

function square(x: number): number {
  return x * x;
}

let counter = opq(BASE);
let wide: u64 = WIDE;
let signed: i64 = NEG;
let sq = square(STEP) + LIMIT;
let flag: boolean = !ENABLED;

function advance(): void {
  counter += STEP;
  wide = BigInt.asUintN(64, wide + WIDE);
  signed = BigInt.asIntN(64, signed * NEG);
  sq = sq ^ counter;
  flag = !flag;
}

export function main(): u64 {
  let acc: u64 = 0xcbf29ce484222325n;
  counter = opq(BASE);
  wide = WIDE;
  signed = NEG;
  sq = square(STEP) + LIMIT;
  flag = !ENABLED;
  acc = mix(acc, LIMIT);
  for (let i = 0; i < opq(100); i++) {
    advance();
    acc = mix(acc, counter);
    acc = BigInt.asUintN(64, (acc ^ wide) * 0x100000001b3n);
    acc = BigInt.asUintN(64, (acc ^ BigInt.asUintN(64, signed)) * 0x100000001b3n);
    acc = mix(acc, sq);
    acc = mix(acc, flag ? 1 : 0);
  }
  return acc;
}
