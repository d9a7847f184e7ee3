// Typed arrays are passed by reference: callees mutate the caller's array; aliasing; returning one.
import type { u64 } from "tsnc";
import { opq } from "./lib_opaque";

function mix(acc: u64, x: number): u64 {
  return BigInt.asUintN(64, (acc ^ BigInt.asUintN(64, BigInt(x))) * 0x100000001b3n);
}

const A = new Uint32Array(16);
const B = new Uint32Array(16);
const W = new Int16Array(8);

function bump(a: Uint32Array, by: number): void {
  for (let i = 0; i < a.length; i++) a[i] += by + i;
}

function copyInto(dst: Uint32Array, src: Uint32Array): void {
  for (let i = 0; i < src.length; i++) dst[i] = src[i] * 2 + 1;
}

function pick(first: boolean): Uint32Array {
  if (first) return A;
  return B;
}

function sum(a: Uint32Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i];
  return s;
}

function negate(w: Int16Array, k: number): void {
  w[k] = -w[k];
}

export function main(): u64 {
  let acc: u64 = 0xcbf29ce484222325n;
  A.fill(0);
  B.fill(0);
  W.fill(0);
  bump(A, opq(5));
  acc = mix(acc, sum(A));
  copyInto(B, A);
  acc = mix(acc, sum(B));
  copyInto(A, A); // aliased source and destination
  acc = mix(acc, sum(A));
  bump(pick(false), 100);
  acc = mix(acc, sum(B));
  acc = mix(acc, sum(pick(true)));
  const alias = pick(true);
  alias[opq(3)] = opq(0xffffffff);
  acc = mix(acc, A[3]);
  acc = mix(acc, alias === A ? 1 : 0);
  acc = mix(acc, pick(false) === A ? 1 : 0);
  for (let i = 0; i < W.length; i++) W[i] = opq(i * 1000 - 3000);
  W[7] = opq(-32768);
  for (let i = 0; i < W.length; i++) {
    negate(W, i);
    acc = mix(acc, W[i]); // -(-32768) wraps back to -32768
  }
  return acc;
}
