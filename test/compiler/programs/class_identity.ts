// === and !== on objects are identity; replacing array elements; identity survives passing around.
import type { u64 } from "tsnc";
import { pool } from "tsnc";
import { opq } from "./lib_opaque";

function mix(acc: u64, x: number): u64 {
  return BigInt.asUintN(64, (acc ^ BigInt.asUintN(64, BigInt(x))) * 0x100000001b3n);
}

class Tag {
  k: number;
  constructor(k: number) {
    this.k = k;
  }
}

const tags = pool(6, Tag);
const twin1 = new Tag(42);
const twin2 = new Tag(42);
const slots: Tag[] = [twin1, twin2, twin1];

function same(a: Tag, b: Tag): boolean {
  return a === b;
}

function findIndex(t: Tag): number {
  for (let i = 0; i < tags.length; i++) {
    if (tags[i] === t) return i;
  }
  return -1;
}

export function main(): u64 {
  let acc: u64 = 0xcbf29ce484222325n;
  slots[0] = twin1;
  slots[1] = twin2;
  slots[2] = twin1;
  acc = mix(acc, same(twin1, twin2) ? 1 : 0); // equal contents, different objects
  acc = mix(acc, same(slots[0], slots[2]) ? 1 : 0);
  acc = mix(acc, slots[0] !== slots[1] ? 1 : 0);
  for (let i = 0; i < tags.length; i++) acc = mix(acc, findIndex(tags[opq(i)]) * 10 + tags[i].k);
  acc = mix(acc, findIndex(twin1));
  slots[opq(1)] = slots[opq(0)];
  acc = mix(acc, slots[1] === twin1 ? 1 : 0);
  slots[1].k = 7; // twin1 through the alias
  acc = mix(acc, twin1.k);
  acc = mix(acc, twin2.k);
  twin1.k = 42;
  let count = 0;
  for (let i = 0; i < tags.length; i++) {
    for (let j = 0; j < tags.length; j++) {
      if (tags[i] === tags[j]) count++;
    }
  }
  acc = mix(acc, count);
  return acc;
}
