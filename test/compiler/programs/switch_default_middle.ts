// default placed in the middle (and first) of a switch, falling through into the following case.
import type { u64 } from "tsnc";
import { opq } from "./lib_opaque";

function mix(acc: u64, x: number): u64 {
  return BigInt.asUintN(64, (acc ^ BigInt.asUintN(64, BigInt(x))) * 0x100000001b3n);
}

function mid(n: number): number {
  let r = 0;
  switch (n) {
    case 1:
      r += 1;
      break;
    default:
      r += 50;
    case 2:
      r += 2;
      break;
    case 3:
      r += 3;
  }
  return r;
}

function first(n: number): number {
  let r = 7;
  switch (n & 3) {
    default:
      r *= 2;
    case 0:
      r += 1;
      break;
    case 1:
      r -= 1;
  }
  return r;
}

function onlyDefault(n: number): number {
  switch (n) {
    default:
      return n * 2;
  }
}

export function main(): u64 {
  let acc: u64 = 0xcbf29ce484222325n;
  for (let i0 = -2; i0 < 8; i0++) {
    const i = opq(i0);
    acc = mix(acc, mid(i));
    acc = mix(acc, first(i));
    acc = mix(acc, onlyDefault(i));
  }
  return acc;
}
