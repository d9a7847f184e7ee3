// 2-D indexing into flat Int32Array matrices: 8x8 multiply with Math.imul (wrapping 32-bit) and transpose.
import type { u64 } from "tsnc";
import { opq } from "./lib_opaque";

function mix(acc: u64, x: number): u64 {
  return BigInt.asUintN(64, (acc ^ BigInt.asUintN(64, BigInt(x))) * 0x100000001b3n);
}

const N = 8;
const MA = new Int32Array(64);
const MB = new Int32Array(64);
const MC = new Int32Array(64);

function multiply(c: Int32Array, a: Int32Array, b: Int32Array): void {
  for (let i = 0; i < N; i++) {
    for (let j = 0; j < N; j++) {
      let s = 0;
      for (let k = 0; k < N; k++) s = (s + Math.imul(a[i * N + k], b[k * N + j])) | 0;
      c[i * N + j] = s;
    }
  }
}

function transpose(m: Int32Array): void {
  for (let i = 0; i < N; i++) {
    for (let j = i + 1; j < N; j++) {
      const t = m[i * N + j];
      m[i * N + j] = m[j * N + i];
      m[j * N + i] = t;
    }
  }
}

export function main(): u64 {
  let acc: u64 = 0xcbf29ce484222325n;
  let s = opq(7);
  for (let i = 0; i < 64; i++) {
    s = (Math.imul(s, 1103515245) + 12345) | 0;
    MA[i] = s;
    MB[i] = s >> 13;
  }
  for (let round = 0; round < 4; round++) {
    multiply(MC, MA, MB);
    transpose(MC);
    for (let i = 0; i < 64; i++) {
      acc = mix(acc, MC[i]);
      MA[i] = MC[i] ^ MA[i];
    }
  }
  return acc;
}
