// Importing module-level lets from a helper: they are live bindings, mutated through exported functions.
import type { u64 } from "tsnc";
import { ticks, total, lastTag, tick, resetCounter } from "./lib_counter";
import { opq } from "./lib_opaque";

function mix(acc: u64, x: number): u64 {
  return BigInt.asUintN(64, (acc ^ BigInt.asUintN(64, BigInt(x))) * 0x100000001b3n);
}

export function main(): u64 {
  let acc: u64 = 0xcbf29ce484222325n;
  resetCounter();
  acc = mix(acc, ticks);
  acc = mix(acc, lastTag);
  for (let i = 0; i < opq(300); i++) {
    const before = ticks;
    tick(i * 3 + 1);
    acc = mix(acc, ticks - before);
    acc = mix(acc, ticks);
    acc = mix(acc, lastTag);
    acc = BigInt.asUintN(64, (acc ^ total) * 0x100000001b3n);
  }
  return acc;
}
