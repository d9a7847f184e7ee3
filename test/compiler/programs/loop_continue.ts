// continue in for (the update still runs), while, and do-while (the condition is still evaluated).
import type { u64 } from "tsnc";
import { opq } from "./lib_opaque";

function mix(acc: u64, x: number): u64 {
  return BigInt.asUintN(64, (acc ^ BigInt.asUintN(64, BigInt(x))) * 0x100000001b3n);
}

let condEvals = 0;

function cond(x: number): boolean {
  condEvals++;
  return x < 40;
}

export function main(): u64 {
  let acc: u64 = 0xcbf29ce484222325n;
  condEvals = 0;
  let s = 0;
  for (let i = 0; i < opq(50); i++) {
    if (i % 3 === 0) continue;
    s += i;
    acc = mix(acc, s);
  }
  let i = 0;
  let t = 0;
  while (i < opq(50)) {
    i++;
    if ((i & 1) === 1) continue;
    t += i;
  }
  acc = mix(acc, t);
  let k = opq(0);
  let u = 0;
  do {
    k++;
    if (k % 4 !== 0) continue;
    u += k;
  } while (cond(k));
  acc = mix(acc, u);
  acc = mix(acc, condEvals); // evaluated on every iteration, continued or not
  let nested = 0;
  for (let a = 0; a < opq(10); a++) {
    for (let b = 0; b < 10; b++) {
      if (b > a) continue;
      if (((a + b) & 1) === 0) continue;
      nested += a * b;
    }
  }
  acc = mix(acc, nested);
  return acc;
}
