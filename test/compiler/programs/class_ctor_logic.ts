// Constructors with logic: loops filling tables, conditionals, calling methods and functions.
import type { u64 } from "tsnc";
import { opq } from "./lib_opaque";

function mix(acc: u64, x: number): u64 {
  return BigInt.asUintN(64, (acc ^ BigInt.asUintN(64, BigInt(x))) * 0x100000001b3n);
}

function isPrime(n: number): boolean {
  if (n < 2) return false;
  for (let d = 2; d * d <= n; d++) {
    if (n % d === 0) return false;
  }
  return true;
}

class Primes {
  table: Uint16Array;
  count: number;
  largest: number;
  kind: number;
  constructor(limit: number) {
    this.table = new Uint16Array(64);
    this.count = 0;
    this.largest = 0;
    for (let n = 2; n < limit && this.count < 64; n++) {
      if (isPrime(n)) {
        this.table[this.count] = n;
        this.count++;
        this.largest = n;
      }
    }
    if (this.count > 30) this.kind = 2;
    else if (this.count > 10) this.kind = 1;
    else this.kind = 0;
    this.normalise();
  }
  normalise(): void {
    for (let i = this.count; i < this.table.length; i++) this.table[i] = this.largest;
  }
  sum(): number {
    let s = 0;
    for (let i = 0; i < this.table.length; i++) s += this.table[i];
    return s;
  }
}

const p10 = new Primes(10);
const p100 = new Primes(opq(100));
const p1000 = new Primes(opq(1000));

export function main(): u64 {
  let acc: u64 = 0xcbf29ce484222325n;
  acc = mix(acc, p10.count * 1000 + p10.largest * 10 + p10.kind);
  acc = mix(acc, p100.count * 1000 + p100.largest * 10 + p100.kind);
  acc = mix(acc, p1000.count * 1000 + p1000.largest * 10 + p1000.kind);
  acc = mix(acc, p10.sum());
  acc = mix(acc, p100.sum());
  acc = mix(acc, p1000.sum());
  for (let i = 0; i < 64; i++) acc = mix(acc, p1000.table[i]);
  return acc;
}
