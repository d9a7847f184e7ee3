// && and || short-circuit: the right operand's side effects happen only when it is evaluated.
import type { u64 } from "tsnc";
import { opq } from "./lib_opaque";

function mix(acc: u64, x: number): u64 {
  return BigInt.asUintN(64, (acc ^ BigInt.asUintN(64, BigInt(x))) * 0x100000001b3n);
}

let calls = 0;
let trace = 0;

function t(id: number): boolean {
  calls++;
  trace = (Math.imul(trace, 31) + id) | 0;
  return true;
}

function f(id: number): boolean {
  calls++;
  trace = (Math.imul(trace, 31) + id + 100) | 0;
  return false;
}

function pick(id: number, v: boolean): boolean {
  return v ? t(id) : f(id);
}

export function main(): u64 {
  let acc: u64 = 0xcbf29ce484222325n;
  calls = 0;
  trace = 0;
  acc = mix(acc, f(opq(1)) && t(2) ? 1 : 0);
  acc = mix(acc, t(3) || f(4) ? 1 : 0);
  acc = mix(acc, t(5) && f(6) ? 1 : 0);
  acc = mix(acc, f(7) || t(8) ? 1 : 0);
  acc = mix(acc, (f(9) && t(10)) || (t(11) && t(12)) ? 1 : 0);
  acc = mix(acc, t(13) || (f(14) && t(15)) ? 1 : 0);
  acc = mix(acc, calls);
  acc = mix(acc, trace);
  for (let i = 0; i < opq(64); i++) {
    const a = (i & 1) !== 0;
    const b = (i & 2) !== 0;
    const c = (i & 4) !== 0;
    const r1 = pick(1, a) && (pick(2, b) || pick(3, c));
    const r2 = (pick(4, a) || pick(5, b)) && !pick(6, c);
    let r3 = false;
    if (pick(7, c) || (i > 30 && pick(8, a))) r3 = true;
    acc = mix(acc, (r1 ? 1 : 0) + (r2 ? 2 : 0) + (r3 ? 4 : 0));
    acc = mix(acc, calls);
  }
  acc = mix(acc, trace);
  // a guard that protects an index
  const data = GUARD;
  let hits = 0;
  for (let i = 0; i < opq(20); i++) {
    if (i < data.length && data[i] > 3) hits++;
    if (i >= data.length || data[i] === 0) hits += 100;
  }
  acc = mix(acc, hits);
  return acc;
}

const GUARD = new Uint8Array([1, 5, 0, 9, 4, 2, 7, 0]);
