// if / else if / else chains, nested ifs, ifs without braces, conditions from comparisons and booleans.
import type { u64 } from "tsnc";
import { opq } from "./lib_opaque";

function mix(acc: u64, x: number): u64 {
  return BigInt.asUintN(64, (acc ^ BigInt.asUintN(64, BigInt(x))) * 0x100000001b3n);
}

function classify(x: number): number {
  if (x < -1000) return 0;
  else if (x < 0) return 1;
  else if (x === 0) return 2;
  else if (x <= 10) return 3;
  else if (x > 4294967295) return 4;
  else return 5;
}

function grade(a: number, b: number): number {
  let r = 0;
  if (a > b) {
    if (a > 2 * b) r = 10;
    else r = 11;
  } else {
    if (a === b) {
      r = 12;
    } else if (b - a > 100) {
      r = 13;
    }
  }
  if (r === 0) r = 14;
  return r;
}

export function main(): u64 {
  let acc: u64 = 0xcbf29ce484222325n;
  let x = opq(-5000);
  while (x < 5000) {
    acc = mix(acc, classify(x));
    x += 97;
  }
  acc = mix(acc, classify(opq(4294967296)));
  acc = mix(acc, classify(opq(0)));
  for (let a = -20; a < 300; a += 7) {
    for (let b = -20; b < 300; b += 13) acc = mix(acc, grade(a, b));
  }
  return acc;
}
