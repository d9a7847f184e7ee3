// Ackermann function for small arguments (deep, non-tail recursion).
import type { u64 } from "tsnc";
import { opq } from "./lib_opaque";

function mix(acc: u64, x: number): u64 {
  return BigInt.asUintN(64, (acc ^ BigInt.asUintN(64, BigInt(x))) * 0x100000001b3n);
}

let calls = 0;

function ack(m: number, n: number): number {
  calls++;
  if (m === 0) return n + 1;
  if (n === 0) return ack(m - 1, 1);
  return ack(m - 1, ack(m, n - 1));
}

export function main(): u64 {
  let acc: u64 = 0xcbf29ce484222325n;
  calls = 0;
  for (let m = 0; m <= 3; m++) {
    for (let n = 0; n <= 4; n++) {
      acc = mix(acc, ack(opq(m), n));
      acc = mix(acc, calls);
    }
  }
  acc = mix(acc, ack(opq(2), 30));
  acc = mix(acc, ack(opq(3), 5));
  acc = mix(acc, calls);
  return acc;
}
