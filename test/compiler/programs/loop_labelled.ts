// Labelled break and continue out of nested for / while / do-while loops.
import type { u64 } from "tsnc";
import { opq } from "./lib_opaque";

function mix(acc: u64, x: number): u64 {
  return BigInt.asUintN(64, (acc ^ BigInt.asUintN(64, BigInt(x))) * 0x100000001b3n);
}

export function main(): u64 {
  let acc: u64 = 0xcbf29ce484222325n;
  let found = -1;
  search: for (let i = opq(0); i < 100; i++) {
    for (let j = 0; j < 100; j++) {
      if (i * j === 391) {
        found = i * 1000 + j;
        break search;
      }
    }
  }
  acc = mix(acc, found);
  let pairs = 0;
  outer: for (let i = opq(0); i < 30; i++) {
    for (let j = 0; j < 30; j++) {
      if (j > i) continue outer;
      if ((i ^ j) === 7) continue outer;
      pairs += i - j + 1;
    }
  }
  acc = mix(acc, pairs);
  let a = 0;
  let count = 0;
  rows: while (a < opq(20)) {
    a++;
    let b = 0;
    do {
      b++;
      if (b === a) continue rows;
      if (a + b > 25) break rows;
      count += b;
    } while (b < 50);
  }
  acc = mix(acc, count);
  acc = mix(acc, a);
  let depth = 0;
  l1: for (let x = opq(0); x < 5; x++) {
    l2: for (let y = 0; y < 5; y++) {
      for (let z = 0; z < 5; z++) {
        depth++;
        if (z === 3) continue l2;
        if (y === 3) continue l1;
        if (x === 4) break l1;
      }
    }
  }
  acc = mix(acc, depth);
  return acc;
}
