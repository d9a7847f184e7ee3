// .fill with an empty range (start === end) and with start > end: both are no-ops in JS.
import type { u64 } from "tsnc";
import { opq, opqU } from "./lib_opaque";

function mix(acc: u64, x: number): u64 {
  return BigInt.asUintN(64, (acc ^ BigInt.asUintN(64, BigInt(x))) * 0x100000001b3n);
}

const A = new Uint16Array(12);
const B = new BigUint64Array(12);

function fillA(v: number, s: number, e: number): void {
  A.fill(v, s, e);
}

export function main(): u64 {
  let acc: u64 = 0xcbf29ce484222325n;
  A.fill(7);
  B.fill(7n);
  fillA(1, opq(5), opq(5));
  fillA(2, opq(8), opq(3));
  fillA(3, opq(0), opq(0));
  fillA(4, opq(11), opq(12));
  fillA(5, opq(6), opq(6));
  B.fill(opqU(1n), opq(4), opq(4));
  B.fill(opqU(2n), opq(9), opq(2));
  B.fill(opqU(3n), opq(11), opq(12));
  for (let i = 0; i < 12; i++) {
    acc = mix(acc, A[i]);
    acc = mix(acc, Number(B[i]));
  }
  return acc;
}
