// Typed arrays as class fields: initialised in the declaration or in the constructor (run-time length).
import type { u64 } from "tsnc";
import { opq } from "./lib_opaque";

function mix(acc: u64, x: number): u64 {
  return BigInt.asUintN(64, (acc ^ BigInt.asUintN(64, BigInt(x))) * 0x100000001b3n);
}

class Ring {
  buf: Uint16Array;
  hist: Uint32Array = new Uint32Array(8);
  wide: BigUint64Array = new BigUint64Array(4);
  head: number = 0;
  count: number = 0;
  constructor(size: number) {
    this.buf = new Uint16Array(size);
    for (let i = 0; i < size; i++) this.buf[i] = 0xffff - i;
  }
  push(v: number): void {
    this.buf[this.head] = v;
    this.hist[v & 7] += 1;
    this.wide[this.count & 3] = this.wide[this.count & 3] + 0xfedcba9876543210n;
    this.head = (this.head + 1) % this.buf.length;
    this.count++;
  }
  reset(): void {
    this.buf.fill(0);
    this.hist.fill(0);
    this.wide.fill(0n);
    this.head = 0;
    this.count = 0;
  }
}

const small = new Ring(5);
const big = new Ring(37);
const initialFirst = small.buf[4];

export function main(): u64 {
  let acc: u64 = 0xcbf29ce484222325n;
  acc = mix(acc, initialFirst);
  small.reset();
  big.reset();
  acc = mix(acc, small.buf.length);
  acc = mix(acc, big.buf.length);
  for (let i = 0; i < 1000; i++) {
    small.push(opq(i) * 77);
    big.push(i * 131 + 70000);
  }
  for (let i = 0; i < small.buf.length; i++) acc = mix(acc, small.buf[i]);
  for (let i = 0; i < big.buf.length; i++) acc = mix(acc, big.buf[i]);
  for (let i = 0; i < 8; i++) acc = mix(acc, small.hist[i] * 3 + big.hist[i]);
  for (let i = 0; i < 4; i++) acc = BigInt.asUintN(64, (acc ^ small.wide[i] ^ big.wide[i]) * 0x100000001b3n);
  acc = mix(acc, small.head * 100 + big.head);
  return acc;
}
