// Importing a class (and a pool and functions) from a helper module; new of an imported class at module level.
import type { u64 } from "tsnc";
import { Rect, perimeter, RECTS, resetRects } from "./lib_shapes";
import { opq } from "./lib_opaque";

function mix(acc: u64, x: number): u64 {
  return BigInt.asUintN(64, (acc ^ BigInt.asUintN(64, BigInt(x))) * 0x100000001b3n);
}

const mine = new Rect(10);
const list: Rect[] = [new Rect(0), mine, RECTS[2]];

export function main(): u64 {
  let acc: u64 = 0xcbf29ce484222325n;
  resetRects();
  mine.w = opq(11);
  mine.h = 23;
  list[0].w = 1;
  list[0].h = 3;
  for (let i = 0; i < RECTS.length; i++) {
    acc = mix(acc, RECTS[i].area());
    acc = mix(acc, perimeter(RECTS[i]));
    acc = BigInt.asUintN(64, (acc ^ RECTS[i].tag) * 0x100000001b3n);
  }
  for (let r = 0; r < 10; r++) {
    list[r % 3].grow(opq(r));
    for (let i = 0; i < list.length; i++) {
      acc = mix(acc, list[i].area());
      acc = mix(acc, mine.contains(list[i]) ? 1 : 0);
    }
  }
  acc = mix(acc, RECTS[2].area()); // grown through list[2]
  return acc;
}
