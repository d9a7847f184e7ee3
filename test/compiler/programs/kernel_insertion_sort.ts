// Insertion sort in place on typed arrays (signed Int32Array, unsigned Uint32Array, BigInt64Array).
import type { u64 } from "tsnc";
import { opq } from "./lib_opaque";

function mix(acc: u64, x: number): u64 {
  return BigInt.asUintN(64, (acc ^ BigInt.asUintN(64, BigInt(x))) * 0x100000001b3n);
}

const S = new Int32Array(300);
const U = new Uint32Array(300);
const B = new BigInt64Array(100);

function sortI32(a: Int32Array): void {
  for (let i = 1; i < a.length; i++) {
    const v = a[i];
    let j = i - 1;
    while (j >= 0 && a[j] > v) {
      a[j + 1] = a[j];
      j--;
    }
    a[j + 1] = v;
  }
}

function sortU32(a: Uint32Array): void {
  for (let i = 1; i < a.length; i++) {
    const v = a[i];
    let j = i;
    while (j > 0 && a[j - 1] > v) {
      a[j] = a[j - 1];
      j--;
    }
    a[j] = v;
  }
}

function sortI64(a: BigInt64Array): void {
  for (let i = 1; i < a.length; i++) {
    const v = a[i];
    let j = i - 1;
    while (j >= 0 && a[j] > v) {
      a[j + 1] = a[j];
      j--;
    }
    a[j + 1] = v;
  }
}

export function main(): u64 {
  let acc: u64 = 0xcbf29ce484222325n;
  let s = opq(42);
  for (let i = 0; i < 300; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) | 0;
    S[i] = s;
    U[i] = s;
  }
  let x: u64 = 0x9e3779b97f4a7c15n;
  for (let i = 0; i < 100; i++) {
    x = BigInt.asUintN(64, x * 0x5851f42d4c957f2dn);
    B[i] = BigInt.asIntN(64, x);
  }
  sortI32(S);
  sortU32(U);
  sortI64(B);
  let ordered = 0;
  for (let i = 0; i < 300; i++) {
    acc = mix(acc, S[i]);
    acc = mix(acc, U[i]);
    if (i > 0 && S[i - 1] <= S[i] && U[i - 1] <= U[i]) ordered++;
  }
  for (let i = 0; i < 100; i++) acc = BigInt.asUintN(64, (acc ^ BigInt.asUintN(64, B[i])) * 0x100000001b3n);
  acc = mix(acc, ordered);
  return acc;
}
