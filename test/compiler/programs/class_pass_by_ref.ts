// Objects are passed by reference: callee mutations are visible; the same object passed twice aliases.
import type { u64 } from "tsnc";
import { opq } from "./lib_opaque";

function mix(acc: u64, x: number): u64 {
  return BigInt.asUintN(64, (acc ^ BigInt.asUintN(64, BigInt(x))) * 0x100000001b3n);
}

class Point {
  x: number;
  y: number;
  constructor(i: number) {
    this.x = i;
    this.y = -i;
  }
}

const p = new Point(3);
const q = new Point(4);

function moveBy(pt: Point, dx: number, dy: number): void {
  pt.x += dx;
  pt.y += dy;
}

function swapInto(a: Point, b: Point): void {
  const t = a.x;
  a.x = b.y;
  b.y = t;
}

function reassignParam(pt: Point): number {
  pt.x = 1000;
  pt = q; // rebinding the parameter does not affect the caller's variable
  pt.x += 1;
  return pt.x;
}

export function main(): u64 {
  let acc: u64 = 0xcbf29ce484222325n;
  p.x = opq(3);
  p.y = opq(-3);
  q.x = opq(4);
  q.y = opq(-4);
  for (let i = 0; i < opq(20); i++) {
    moveBy(p, i, -2 * i);
    moveBy(q, p.x, p.y);
    swapInto(p, q);
    swapInto(q, q); // aliased arguments
    acc = mix(acc, p.x);
    acc = mix(acc, p.y);
    acc = mix(acc, q.x);
    acc = mix(acc, q.y);
  }
  acc = mix(acc, reassignParam(p));
  acc = mix(acc, p.x);
  acc = mix(acc, q.x);
  return acc;
}
