// return from inside nested loops, from inside a switch inside a loop, from a do-while.
import type { u64 } from "tsnc";
import { opq } from "./lib_opaque";

function mix(acc: u64, x: number): u64 {
  return BigInt.asUintN(64, (acc ^ BigInt.asUintN(64, BigInt(x))) * 0x100000001b3n);
}

const DATA = new Int32Array(64);

for (let i = 0; i < 64; i++) DATA[i] = ((i * 37) % 64) - 20;

function firstNegativeAfter(start: number): number {
  for (let i = start; i < DATA.length; i++) {
    if (DATA[i] < 0) return i;
  }
  return -1;
}

function findPair(target: number): number {
  for (let i = 0; i < 64; i++) {
    for (let j = i + 1; j < 64; j++) {
      if (DATA[i] + DATA[j] === target) return i * 100 + j;
    }
  }
  return -1;
}

function scan(limit: number): number {
  let i = 0;
  while (true) {
    switch (DATA[i] & 3) {
      case 3:
        if (DATA[i] > limit) return i;
        break;
      default:
        break;
    }
    i++;
    if (i === 64) return -2;
  }
}

function doFind(v: number): number {
  let i = 0;
  do {
    if (DATA[i] === v) return i;
    i++;
  } while (i < 64);
  return 99;
}

export function main(): u64 {
  let acc: u64 = 0xcbf29ce484222325n;
  for (let s = 0; s < 64; s += 5) acc = mix(acc, firstNegativeAfter(opq(s)));
  for (let t = -40; t < 90; t += 9) acc = mix(acc, findPair(t));
  for (let l = -30; l < 50; l += 6) acc = mix(acc, scan(l));
  for (let v = -25; v < 50; v += 4) acc = mix(acc, doFind(v));
  return acc;
}
