// break inside a switch inside a loop leaves the switch only; labelled break leaves the loop.
import type { u64 } from "tsnc";
import { opq } from "./lib_opaque";

function mix(acc: u64, x: number): u64 {
  return BigInt.asUintN(64, (acc ^ BigInt.asUintN(64, BigInt(x))) * 0x100000001b3n);
}

export function main(): u64 {
  let acc: u64 = 0xcbf29ce484222325n;
  let total = 0;
  let iterations = 0;
  loop: for (let i = 0; i < opq(1000); i++) {
    iterations++;
    switch (i % 5) {
      case 0:
        total += 1;
        break;
      case 1:
        total += i;
        break;
      case 2:
        if (total > 5000) break loop;
        total *= 2;
        break;
      default:
        total -= 3;
    }
    acc = mix(acc, total);
  }
  acc = mix(acc, iterations);
  let n = opq(0);
  let w = 0;
  while (true) {
    switch (n) {
      case 10:
        break;
      default:
        w += n;
    }
    if (n === 20) break;
    n++;
  }
  acc = mix(acc, w);
  return acc;
}
