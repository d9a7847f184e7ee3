// pool(n, C): n distinct objects built with new C(0) … new C(n - 1); mutating and scanning them.
import type { u64 } from "tsnc";
import { pool } from "tsnc";
import { opq } from "./lib_opaque";

function mix(acc: u64, x: number): u64 {
  return BigInt.asUintN(64, (acc ^ BigInt.asUintN(64, BigInt(x))) * 0x100000001b3n);
}

class Slot {
  index: number;
  inUse: boolean;
  owner: number;
  key: u64;
  constructor(index: number) {
    this.index = index;
    this.inUse = false;
    this.owner = -1;
    this.key = BigInt.asUintN(64, BigInt(index) * 0x9e3779b97f4a7c15n);
  }
}

const SLOTS = pool(32, Slot);

function allocate(owner: number): Slot {
  for (let i = 0; i < SLOTS.length; i++) {
    const s = SLOTS[i];
    if (!s.inUse) {
      s.inUse = true;
      s.owner = owner;
      return s;
    }
  }
  return SLOTS[0];
}

function release(s: Slot): void {
  s.inUse = false;
  s.owner = -1;
}

export function main(): u64 {
  let acc: u64 = 0xcbf29ce484222325n;
  for (let i = 0; i < SLOTS.length; i++) release(SLOTS[i]);
  acc = mix(acc, SLOTS.length);
  for (let i = 0; i < SLOTS.length; i++) {
    acc = mix(acc, SLOTS[i].index);
    acc = BigInt.asUintN(64, (acc ^ SLOTS[i].key) * 0x100000001b3n);
  }
  for (let round = 0; round < 200; round++) {
    const s = allocate(opq(round));
    acc = mix(acc, s.index);
    if (round % 3 === 0) release(SLOTS[(round * 7) % 32]);
  }
  let used = 0;
  for (let i = 0; i < SLOTS.length; i++) {
    if (SLOTS[i].inUse) used++;
    acc = mix(acc, SLOTS[i].owner);
  }
  acc = mix(acc, used);
  return acc;
}
