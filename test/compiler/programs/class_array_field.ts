// A class holding an Array<Class> (from pool in an initialiser and a literal in the constructor)
// and a typed array; methods index both.
import type { u64 } from "tsnc";
import { pool } from "tsnc";
import { opq } from "./lib_opaque";

function mix(acc: u64, x: number): u64 {
  return BigInt.asUintN(64, (acc ^ BigInt.asUintN(64, BigInt(x))) * 0x100000001b3n);
}

class Entry {
  key: number;
  val: number;
  constructor(i: number) {
    this.key = i * 3;
    this.val = 0;
  }
}

class Bucket {
  entries: Array<Entry> = pool(8, Entry);
  extra: Entry[];
  counts: Uint32Array = new Uint32Array(8);
  constructor(seed: number) {
    this.extra = [new Entry(seed), new Entry(seed + 1)];
  }
  put(key: number, val: number): void {
    const i = key & 7;
    this.entries[i].key = key;
    this.entries[i].val += val;
    this.counts[i]++;
  }
  get(key: number): number {
    const e = this.entries[key & 7];
    if (e.key === key) return e.val;
    return -1;
  }
  reset(): void {
    for (let i = 0; i < this.entries.length; i++) {
      this.entries[i].key = i * 3;
      this.entries[i].val = 0;
    }
    this.counts.fill(0);
  }
}

const b1 = new Bucket(100);
const b2 = new Bucket(200);

export function main(): u64 {
  let acc: u64 = 0xcbf29ce484222325n;
  b1.reset();
  b2.reset();
  acc = mix(acc, b1.entries.length * 10 + b1.extra.length);
  acc = mix(acc, b1.extra[1].key + b2.extra[0].key);
  acc = mix(acc, b1.entries[0] === b2.entries[0] ? 1 : 0);
  for (let i = 0; i < 500; i++) {
    b1.put(opq(i) * 13, i);
    b2.put(i * 7 + 1, i * 2);
    acc = mix(acc, b1.get(i * 13) + b2.get(i));
  }
  for (let i = 0; i < 8; i++) {
    acc = mix(acc, b1.entries[i].val);
    acc = mix(acc, b2.counts[i]);
  }
  return acc;
}
