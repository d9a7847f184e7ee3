// Int32Array: element wrap on store (ToInt/ToUint of the element width), sign or zero extension on load.
import type { u64 } from "tsnc";
import { opq } from "./lib_opaque";

function mix(acc: u64, x: number): u64 {
  return BigInt.asUintN(64, (acc ^ BigInt.asUintN(64, BigInt(x))) * 0x100000001b3n);
}

const A = new Int32Array(32);

function store(i: number, v: number): void {
  A[i] = v;
}

export function main(): u64 {
  let acc: u64 = 0xcbf29ce484222325n;
  A.fill(0);
  acc = mix(acc, A.length);
  A[opq(0)] = opq(0) + 2147483648;
  A[1] = 2147483647;
  A[2] = 4294967295;
  A[3] = 4294967296;
  A[4] = -2147483649;
  A[5] = -2147483648;
  A[6] = 0x123456789;
  A[7] = -1;
  A[8] = 0x180000000;
  A[9] = 3000000000;
  for (let i = 0; i < 10; i++) acc = mix(acc, A[opq(i)]);
  // computed stores through a function parameter
  let s = -1000;
  for (let i = 10; i < A.length; i++) {
    store(i, s);
    s = s * 3 + 12345;
  }
  for (let i = 0; i < A.length; i++) {
    acc = mix(acc, A[i]);
    acc = mix(acc, A[i] + 1); // the loaded value is a plain number: no wrap on + 1
    acc = mix(acc, A[i] < 0 ? 1 : 0);
  }
  for (let i = 0; i < 5000; i++) {
    const j = i & 31;
    A[j] = A[j] + i * 7 - A[(j + 5) & 31];
  }
  for (let i = 0; i < A.length; i++) acc = mix(acc, A[i]);
  return acc;
}
