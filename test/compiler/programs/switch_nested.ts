// Nested switches: break leaves only the inner switch; a continue inside a switch continues the loop.
import type { u64 } from "tsnc";
import { opq } from "./lib_opaque";

function mix(acc: u64, x: number): u64 {
  return BigInt.asUintN(64, (acc ^ BigInt.asUintN(64, BigInt(x))) * 0x100000001b3n);
}

function decode(op: number, mode: number): number {
  let r = 0;
  switch (op) {
    case 0:
      switch (mode) {
        case 0:
          r = 100;
          break;
        case 1:
          r = 101;
        case 2:
          r += 2;
          break;
        default:
          r = 199;
      }
      r += 1000; // reached after every inner break
      break;
    case 1:
      switch (mode & 1) {
        case 0:
          return 7;
        case 1:
          r = 8;
      }
    case 2:
      r += 20;
      break;
    default:
      r = -1;
  }
  return r;
}

export function main(): u64 {
  let acc: u64 = 0xcbf29ce484222325n;
  let skipped = 0;
  for (let i = 0; i < opq(40); i++) {
    const op = i % 4;
    const mode = (i >> 2) % 4;
    switch (op) {
      case 3:
        skipped++;
        continue;
      default:
        break;
    }
    acc = mix(acc, decode(op, mode));
  }
  acc = mix(acc, skipped);
  return acc;
}
