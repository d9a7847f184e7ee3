// const enum: implicit, explicit, negative and computed members; in arithmetic, comparisons, array indices.
import type { u64 } from "tsnc";
import { opq } from "./lib_opaque";

function mix(acc: u64, x: number): u64 {
  return BigInt.asUintN(64, (acc ^ BigInt.asUintN(64, BigInt(x))) * 0x100000001b3n);
}

const enum Perm {
  None = 0,
  Read = 1,
  Write = 2,
  Exec = 4,
  RW = Read | Write,
  All = Read | Write | Exec,
}

const enum Color {
  Red,
  Green,
  Blue,
  Count,
}

const enum Big {
  Low = -2147483648,
  High = 0x7fffffff,
  Huge = 4294967296,
}

const COUNTS = new Uint32Array(Color.Count);

function allowed(have: Perm, want: Perm): boolean {
  return (have & want) === want;
}

export function main(): u64 {
  let acc: u64 = 0xcbf29ce484222325n;
  COUNTS.fill(0);
  acc = mix(acc, Perm.RW * 100 + Perm.All);
  acc = mix(acc, Big.Low);
  acc = mix(acc, Big.High + 1);
  acc = mix(acc, Big.Huge - 1);
  for (let i = 0; i < 8; i++) {
    for (let j = 0; j < 8; j++) acc = mix(acc, allowed(opq(i), j) ? 1 : 0);
  }
  acc = mix(acc, allowed(Perm.All, Perm.Exec) ? 1 : 0);
  acc = mix(acc, allowed(Perm.RW, Perm.Exec) ? 1 : 0);
  for (let i = 0; i < opq(100); i++) {
    const c: Color = i % 7 < 3 ? Color.Red : i % 7 < 5 ? Color.Green : Color.Blue;
    COUNTS[c]++;
  }
  for (let c = Color.Red; c < Color.Count; c++) acc = mix(acc, COUNTS[c] * 10 + c);
  acc = mix(acc, COUNTS.length);
  return acc;
}
