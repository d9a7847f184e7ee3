// switch on u64 and i64 values, with top-bit-set and negative case labels, fall-through and default.
import type { u64, i64 } from "tsnc";
import { opqU, opqI } from "./lib_opaque";

function mix(acc: u64, x: number): u64 {
  return BigInt.asUintN(64, (acc ^ BigInt.asUintN(64, BigInt(x))) * 0x100000001b3n);
}

function onU(x: u64): number {
  let r = 0;
  switch (x) {
    case 0n:
      r = 1;
      break;
    case 1n:
      r = 2;
    case 0x100000000n:
      r += 3;
      break;
    case 0x8000000000000000n:
      r = 4;
      break;
    case 0xffffffffffffffffn:
      r = 5;
    default:
      r += 6;
      break;
    case 0xfffffffen:
      r = 7;
  }
  return r;
}

function onI(x: i64): number {
  switch (x) {
    case -1n:
      return 10;
    case -0x8000000000000000n:
      return 11;
    case 0x7fffffffffffffffn:
      return 12;
    case 0xffffffffn:
      return 13;
    case 1n:
    case 2n:
      return 14;
    default:
      return 15;
  }
}

const U = new BigUint64Array([0n, 1n, 2n, 0x100000000n, 0x8000000000000000n, 0xffffffffffffffffn, 0xfffffffen, 0xffffffffn, 0x7fffffffffffffffn]);

export function main(): u64 {
  let acc: u64 = 0xcbf29ce484222325n;
  for (let i = 0; i < U.length; i++) {
    const u: u64 = opqU(U[i]);
    acc = mix(acc, onU(u));
    acc = mix(acc, onI(BigInt.asIntN(64, u)));
  }
  acc = mix(acc, onI(opqI(-2n)));
  acc = mix(acc, onI(opqI(2n)));
  return acc;
}
