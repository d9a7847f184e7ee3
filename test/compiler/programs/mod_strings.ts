// Strings: module constants, .length, .charCodeAt(i) summed, string parameters and locals, the empty string.
import type { u64 } from "tsnc";
import { opq } from "./lib_opaque";

function mix(acc: u64, x: number): u64 {
  return BigInt.asUintN(64, (acc ^ BigInt.asUintN(64, BigInt(x))) * 0x100000001b3n);
}

const GREETING = "Hello, hypervisor!";
const EMPTY = "";
const DIGITS = "0123456789abcdef";
const ESCAPED = "tab\there\nnewline \"quoted\" back\\slash";

function sumCodes(s: string): number {
  let sum = 0;
  for (let i = 0; i < s.length; i++) sum += s.charCodeAt(opq(i));
  return sum;
}

function hash(s: string, seed: number): number {
  let h = seed;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(opq(i)), 0x01000193);
  return h >>> 0;
}

function parseHex(s: string): number {
  let v = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(opq(i));
    let d = 0;
    if (c >= 48 && c <= 57) d = c - 48;
    else if (c >= 97 && c <= 102) d = c - 87;
    v = v * 16 + d;
  }
  return v;
}

export function main(): u64 {
  let acc: u64 = 0xcbf29ce484222325n;
  acc = mix(acc, GREETING.length);
  acc = mix(acc, sumCodes(GREETING));
  acc = mix(acc, EMPTY.length);
  acc = mix(acc, sumCodes(EMPTY));
  acc = mix(acc, ESCAPED.length);
  acc = mix(acc, hash(ESCAPED, 0x811c9dc5));
  for (let i = 0; i < DIGITS.length; i++) acc = mix(acc, DIGITS.charCodeAt(opq(i)) * (i + 1));
  const local = "deadbeef";
  acc = mix(acc, parseHex(local));
  acc = mix(acc, parseHex("1fffffffffffff"));
  acc = mix(acc, hash("", 7));
  let s = GREETING;
  if (s.length > 10) s = DIGITS;
  acc = mix(acc, s.charCodeAt(15));
  return acc;
}
