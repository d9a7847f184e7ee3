// switch on numbers with fall-through between cases, multiple labels per body, break, return inside cases.
import type { u64 } from "tsnc";
import { opq } from "./lib_opaque";

function mix(acc: u64, x: number): u64 {
  return BigInt.asUintN(64, (acc ^ BigInt.asUintN(64, BigInt(x))) * 0x100000001b3n);
}

function steps(n: number): number {
  let r = 0;
  switch (n) {
    case 0:
      r += 1;
    case 1:
      r += 10;
    case 2:
      r += 100;
      break;
    case 3:
    case 4:
    case 5:
      r += 1000;
    case 6:
      r += 10000;
      break;
    case 7:
      return -7;
    case 8:
      r = 5;
    default:
      r += 3;
  }
  return r;
}

export function main(): u64 {
  let acc: u64 = 0xcbf29ce484222325n;
  for (let i = -3; i < 15; i++) acc = mix(acc, steps(opq(i)));
  return acc;
}
