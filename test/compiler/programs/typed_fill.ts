// .fill(v) and .fill(v, start, end) and .fill(v, start) on all eight kinds; the fill value wraps like a store.
import type { u64, i64 } from "tsnc";
import { opq, opqU, opqI } from "./lib_opaque";

function mix(acc: u64, x: number): u64 {
  return BigInt.asUintN(64, (acc ^ BigInt.asUintN(64, BigInt(x))) * 0x100000001b3n);
}

function mixU(acc: u64, x: u64): u64 {
  return BigInt.asUintN(64, (acc ^ x) * 0x100000001b3n);
}

function mixI(acc: u64, x: i64): u64 {
  return BigInt.asUintN(64, (acc ^ BigInt.asUintN(64, x)) * 0x100000001b3n);
}

const U8 = new Uint8Array(20);
const I8 = new Int8Array(20);
const U16 = new Uint16Array(20);
const I16 = new Int16Array(20);
const U32 = new Uint32Array(20);
const I32 = new Int32Array(20);
const U64 = new BigUint64Array(20);
const I64 = new BigInt64Array(20);

function sumAll(acc0: u64): u64 {
  let acc = acc0;
  for (let i = 0; i < 20; i++) {
    acc = mix(acc, U8[i]);
    acc = mix(acc, I8[i]);
    acc = mix(acc, U16[i]);
    acc = mix(acc, I16[i]);
    acc = mix(acc, U32[i]);
    acc = mix(acc, I32[i]);
    acc = mixU(acc, U64[i]);
    acc = mixI(acc, I64[i]);
  }
  return acc;
}

function fillAll(v: number, b: u64, s: i64): void {
  U8.fill(v);
  I8.fill(v);
  U16.fill(v);
  I16.fill(v);
  U32.fill(v);
  I32.fill(v);
  U64.fill(b);
  I64.fill(s);
}

function fillRange(v: number, b: u64, s: i64, start: number, end: number): void {
  U8.fill(v, start, end);
  I8.fill(v, start, end);
  U16.fill(v, start, end);
  I16.fill(v, start, end);
  U32.fill(v, start, end);
  I32.fill(v, start, end);
  U64.fill(b, start, end);
  I64.fill(s, start, end);
}

export function main(): u64 {
  let acc: u64 = 0xcbf29ce484222325n;
  fillAll(0, 0n, 0n);
  acc = sumAll(acc);
  fillAll(opq(300), opqU(0xffffffffffffffffn), opqI(-1n));
  acc = sumAll(acc);
  fillRange(opq(-2), opqU(0x8000000000000000n), opqI(-0x8000000000000000n), opq(3), opq(7));
  acc = sumAll(acc);
  fillRange(0x12345678, 5n, 0x7fffffffffffffffn, 0, 1);
  acc = sumAll(acc);
  fillRange(70000, 6n, -6n, 19, 20);
  acc = sumAll(acc);
  fillRange(opq(4294967297), opqU(7n), opqI(-7n), opq(10), opq(20));
  acc = sumAll(acc);
  U8.fill(opq(9), opq(15));
  I8.fill(-9, 15);
  U16.fill(99, 16);
  I16.fill(-99, 16);
  U32.fill(999, 17);
  I32.fill(-999, 17);
  U64.fill(9999n, 18);
  I64.fill(-9999n, 18);
  acc = sumAll(acc);
  return acc;
}
