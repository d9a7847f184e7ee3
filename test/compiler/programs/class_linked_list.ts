// Objects linking to each other (a circular list built at module level), traversal and relinking.
import type { u64 } from "tsnc";
import { pool } from "tsnc";
import { opq } from "./lib_opaque";

function mix(acc: u64, x: number): u64 {
  return BigInt.asUintN(64, (acc ^ BigInt.asUintN(64, BigInt(x))) * 0x100000001b3n);
}

class Link {
  id: number;
  next: Link;
  prev: Link;
  constructor(id: number) {
    this.id = id;
    this.next = this;
    this.prev = this;
  }
}

const N = 12;
const LINKS = pool(N, Link);

function relinkAll(): void {
  for (let i = 0; i < N; i++) {
    LINKS[i].next = LINKS[(i + 1) % N];
    LINKS[i].prev = LINKS[(i + N - 1) % N];
  }
}

relinkAll();

function unlink(l: Link): void {
  l.prev.next = l.next;
  l.next.prev = l.prev;
  l.next = l;
  l.prev = l;
}

function insertAfter(at: Link, l: Link): void {
  l.next = at.next;
  l.prev = at;
  at.next.prev = l;
  at.next = l;
}

function walk(start: Link, acc0: u64): u64 {
  let acc = acc0;
  let p = start;
  let n = 0;
  do {
    acc = mix(acc, p.id);
    p = p.next;
    n++;
  } while (p !== start && n < 100);
  return mix(acc, n);
}

export function main(): u64 {
  let acc: u64 = 0xcbf29ce484222325n;
  relinkAll();
  acc = walk(LINKS[0], acc);
  unlink(LINKS[opq(3)]);
  unlink(LINKS[opq(7)]);
  acc = walk(LINKS[0], acc);
  acc = walk(LINKS[3], acc); // a lone link points at itself
  insertAfter(LINKS[10], LINKS[3]);
  insertAfter(LINKS[0], LINKS[7]);
  acc = walk(LINKS[5], acc);
  let p = LINKS[opq(0)];
  for (let i = 0; i < 30; i++) {
    p = p.prev.prev.next;
    acc = mix(acc, p.id);
  }
  acc = mix(acc, LINKS[3].prev.id * 100 + LINKS[3].next.id);
  return acc;
}
