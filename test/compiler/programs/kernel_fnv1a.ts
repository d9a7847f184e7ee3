// FNV-1a, 32-bit (Math.imul) and 64-bit (u64 multiply), over a string and a byte array.
import type { u64 } from "tsnc";
import { opq } from "./lib_opaque";

function mix(acc: u64, x: number): u64 {
  return BigInt.asUintN(64, (acc ^ BigInt.asUintN(64, BigInt(x))) * 0x100000001b3n);
}

const BYTES = new Uint8Array(512);
const WORDS = "the quick brown fox jumps over the lazy dog";

function fnv32(buf: Uint8Array, len: number): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < len; i++) h = Math.imul(h ^ buf[i], 0x01000193);
  return h >>> 0;
}

function fnv64(buf: Uint8Array, len: number): u64 {
  let h: u64 = 0xcbf29ce484222325n;
  for (let i = 0; i < len; i++) h = BigInt.asUintN(64, (h ^ BigInt(buf[i])) * 0x100000001b3n);
  return h;
}

function fnv64s(s: string): u64 {
  let h: u64 = 0xcbf29ce484222325n;
  for (let i = 0; i < s.length; i++) h = BigInt.asUintN(64, (h ^ BigInt(s.charCodeAt(i))) * 0x100000001b3n);
  return h;
}

export function main(): u64 {
  let acc: u64 = 0xcbf29ce484222325n;
  for (let i = 0; i < BYTES.length; i++) BYTES[i] = (opq(i) * 31 + (i >> 3)) & 0xff;
  for (let len = 0; len <= 512; len += 64) {
    acc = mix(acc, fnv32(BYTES, len));
    acc = BigInt.asUintN(64, (acc ^ fnv64(BYTES, len)) * 0x9e3779b97f4a7c15n);
  }
  acc = BigInt.asUintN(64, (acc ^ fnv64s(WORDS)) * 0x9e3779b97f4a7c15n);
  acc = BigInt.asUintN(64, (acc ^ fnv64s("")) * 0x9e3779b97f4a7c15n);
  return acc;
}
