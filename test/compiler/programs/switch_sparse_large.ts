// switch with sparse, negative and beyond-32-bit case values (must not be truncated), and a dense one.
import type { u64 } from "tsnc";
import { opq } from "./lib_opaque";

function mix(acc: u64, x: number): u64 {
  return BigInt.asUintN(64, (acc ^ BigInt.asUintN(64, BigInt(x))) * 0x100000001b3n);
}

function sparse(x: number): number {
  switch (x) {
    case -1:
      return 1;
    case 0:
      return 2;
    case 7:
      return 3;
    case 0x7fffffff:
      return 4;
    case 0x80000000:
      return 5;
    case 0x100000000:
      return 6;
    case -0x80000000:
      return 7;
    case 1099511627776:
      return 8;
    case 1000000:
      return 9;
    case 4294967295:
      return 10;
    default:
      return 0;
  }
}

function dense(x: number): number {
  switch (x) {
    case 0: return 11;
    case 1: return 22;
    case 2: return 33;
    case 3: return 44;
    case 4: return 55;
    case 5: return 66;
    case 6: return 77;
    case 7: return 88;
    case 8: return 99;
    case 9: return 111;
    case 10: return 122;
    case 11: return 133;
    case 12: return 144;
    case 13: return 155;
    case 14: return 166;
    case 15: return 177;
  }
  return -x;
}

const PROBES = new BigInt64Array([-1n, 0n, 7n, 0x7fffffffn, 0x80000000n, 0x100000000n, -0x80000000n, 1099511627776n, 1000000n, 4294967295n, 4294967303n, -4294967297n, 8n, -2147483648n]);

export function main(): u64 {
  let acc: u64 = 0xcbf29ce484222325n;
  for (let i = 0; i < PROBES.length; i++) acc = mix(acc, sparse(opq(Number(PROBES[i]))));
  for (let i = -3; i < 20; i++) acc = mix(acc, dense(opq(i)));
  acc = mix(acc, dense(opq(4294967296) + 3)); // not 3
  return acc;
}
