// Typed arrays built from a literal list: new Uint32Array([1, 2, 3]) etc., module level and in fields.
import type { u64, i64 } from "tsnc";
import { opq } from "./lib_opaque";

function mix(acc: u64, x: number): u64 {
  return BigInt.asUintN(64, (acc ^ BigInt.asUintN(64, BigInt(x))) * 0x100000001b3n);
}

function mixU(acc: u64, x: u64): u64 {
  return BigInt.asUintN(64, (acc ^ x) * 0x100000001b3n);
}

function mixI(acc: u64, x: i64): u64 {
  return BigInt.asUintN(64, (acc ^ BigInt.asUintN(64, x)) * 0x100000001b3n);
}

const A = new Uint32Array([1, 2, 3]);
const B = new Int16Array([-1, 2, -3, 32767, -32768]);
const C = new Uint8Array([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 0xff]);
const D = new Int8Array([-128, 127, 0]);
const E = new Uint16Array([0xffff, 0x8000, 1]);
const F = new Int32Array([-2147483648, 2147483647, -1, 0x12345678]);
const G = new BigUint64Array([1n, 0xffffffffffffffffn, 0x8000000000000000n]);
const H = new BigInt64Array([-1n, -0x8000000000000000n, 0x7fffffffffffffffn, 42n]);

class Holder {
  k: Uint32Array = new Uint32Array([10, 20, 30, 40]);
  m: BigInt64Array;
  constructor(seed: number) {
    this.m = new BigInt64Array([-5n, 5n]);
    this.k[0] += seed;
  }
}

const holder = new Holder(7);

export function main(): u64 {
  let acc: u64 = 0xcbf29ce484222325n;
  acc = mix(acc, A.length * 1000 + B.length * 100 + C.length);
  acc = mix(acc, D.length * 1000 + E.length * 100 + F.length);
  acc = mix(acc, G.length * 1000 + H.length * 100 + holder.k.length * 10 + holder.m.length);
  for (let i = 0; i < A.length; i++) acc = mix(acc, A[opq(i)]);
  for (let i = 0; i < B.length; i++) acc = mix(acc, B[opq(i)]);
  for (let i = 0; i < C.length; i++) acc = mix(acc, C[opq(i)]);
  for (let i = 0; i < D.length; i++) acc = mix(acc, D[opq(i)]);
  for (let i = 0; i < E.length; i++) acc = mix(acc, E[opq(i)]);
  for (let i = 0; i < F.length; i++) acc = mix(acc, F[opq(i)]);
  for (let i = 0; i < G.length; i++) acc = mixU(acc, G[opq(i)]);
  for (let i = 0; i < H.length; i++) acc = mixI(acc, H[opq(i)]);
  for (let i = 0; i < holder.k.length; i++) acc = mix(acc, holder.k[opq(i)]);
  for (let i = 0; i < holder.m.length; i++) acc = mixI(acc, holder.m[opq(i)]);
  return acc;
}
