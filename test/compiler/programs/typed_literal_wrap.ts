// Literal lists with out-of-range constants wrap on store, exactly like element assignment.
import type { u64 } from "tsnc";
import { opq } from "./lib_opaque";

function mix(acc: u64, x: number): u64 {
  return BigInt.asUintN(64, (acc ^ BigInt.asUintN(64, BigInt(x))) * 0x100000001b3n);
}

const A = new Uint8Array([256, 257, -1, 300, -256]);
const B = new Int8Array([128, 255, -129, 0x17f]);
const C = new Uint16Array([-1, 65536, 70000]);
const D = new Int16Array([32768, 65535, -32769]);
const E = new Uint32Array([-1, 4294967297, -2147483648]);
const F = new Int32Array([2147483648, 4294967295, 0x1ffffffff]);

export function main(): u64 {
  let acc: u64 = 0xcbf29ce484222325n;
  for (let i = 0; i < A.length; i++) acc = mix(acc, A[opq(i)]);
  for (let i = 0; i < B.length; i++) acc = mix(acc, B[opq(i)]);
  for (let i = 0; i < C.length; i++) acc = mix(acc, C[opq(i)]);
  for (let i = 0; i < D.length; i++) acc = mix(acc, D[opq(i)]);
  for (let i = 0; i < E.length; i++) acc = mix(acc, E[opq(i)]);
  for (let i = 0; i < F.length; i++) acc = mix(acc, F[opq(i)]);
  return acc;
}
