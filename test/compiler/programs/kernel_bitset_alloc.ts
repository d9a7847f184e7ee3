// A bit-set allocator over a Uint32Array: find-first-zero with Math.clz32, set/clear bits, fragmentation.
import type { u64 } from "tsnc";
import { opq } from "./lib_opaque";

function mix(acc: u64, x: number): u64 {
  return BigInt.asUintN(64, (acc ^ BigInt.asUintN(64, BigInt(x))) * 0x100000001b3n);
}

const WORDS = 8; // 256 frames
const BITMAP = new Uint32Array(WORDS);
let allocated = 0;

function ctz32(x: number): number {
  return 31 - Math.clz32(x & -x);
}

function alloc(): number {
  for (let w = 0; w < WORDS; w++) {
    const free = ~BITMAP[w];
    if (free !== 0) {
      const bit = ctz32(free);
      BITMAP[w] |= 1 << bit;
      allocated++;
      return w * 32 + bit;
    }
  }
  return -1;
}

function release(frame: number): boolean {
  const w = frame >>> 5;
  const mask = 1 << (frame & 31);
  if ((BITMAP[w] & mask) === 0) return false;
  BITMAP[w] &= ~mask;
  allocated--;
  return true;
}

function popcount32(x0: number): number {
  let x = x0 >>> 0;
  x = x - ((x >>> 1) & 0x55555555);
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  x = (x + (x >>> 4)) & 0x0f0f0f0f;
  return Math.imul(x, 0x01010101) >>> 24;
}

export function main(): u64 {
  let acc: u64 = 0xcbf29ce484222325n;
  BITMAP.fill(0);
  allocated = 0;
  for (let i = 0; i < opq(300); i++) acc = mix(acc, alloc()); // the last 44 fail with -1
  for (let f = 0; f < 256; f += 3) acc = mix(acc, release(f) ? 1 : 0);
  acc = mix(acc, release(0) ? 1 : 0); // double free
  for (let i = 0; i < 40; i++) acc = mix(acc, alloc());
  let used = 0;
  for (let w = 0; w < WORDS; w++) {
    acc = mix(acc, BITMAP[w]);
    used += popcount32(BITMAP[w]);
  }
  acc = mix(acc, used);
  acc = mix(acc, allocated);
  acc = mix(acc, used === allocated ? 1 : 0);
  return acc;
}
