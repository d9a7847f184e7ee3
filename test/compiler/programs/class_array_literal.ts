// Module-level arrays of objects from literals (fresh objects and existing ones), element replacement.
import type { u64 } from "tsnc";
import { opq } from "./lib_opaque";

function mix(acc: u64, x: number): u64 {
  return BigInt.asUintN(64, (acc ^ BigInt.asUintN(64, BigInt(x))) * 0x100000001b3n);
}

class Item {
  value: number;
  hits: number = 0;
  constructor(value: number) {
    this.value = value;
  }
}

const shared = new Item(1000);
const ITEMS: Item[] = [new Item(1), new Item(2), shared, new Item(3), shared];
const ORIGINAL: Array<Item> = [ITEMS[0], ITEMS[1], ITEMS[2], ITEMS[3], ITEMS[4]];

function touch(list: Item[], i: number): void {
  list[i].hits++;
}

function restore(): void {
  for (let i = 0; i < ITEMS.length; i++) {
    ITEMS[i] = ORIGINAL[i];
    ITEMS[i].hits = 0;
  }
}

export function main(): u64 {
  let acc: u64 = 0xcbf29ce484222325n;
  restore();
  acc = mix(acc, ITEMS.length);
  for (let i = 0; i < 50; i++) touch(ITEMS, opq(i) % ITEMS.length);
  for (let i = 0; i < ITEMS.length; i++) {
    acc = mix(acc, ITEMS[i].value);
    acc = mix(acc, ITEMS[i].hits); // the shared item counts hits from both positions
  }
  ITEMS[0] = ITEMS[3]; // replace an element
  ITEMS[3] = ORIGINAL[0];
  ITEMS[1].value += 10;
  for (let i = 0; i < 20; i++) touch(ITEMS, opq(i) % 4);
  for (let i = 0; i < ITEMS.length; i++) {
    acc = mix(acc, ITEMS[i].value * 100 + ITEMS[i].hits);
  }
  acc = mix(acc, ITEMS[0] === ORIGINAL[3] ? 1 : 0);
  acc = mix(acc, ITEMS[2] === ITEMS[4] ? 1 : 0);
  ORIGINAL[1].value = 2;
  return acc;
}
