// Division by zero in the |0 and >>>0 forms gives 0 (Infinity, -Infinity and NaN all convert to 0).
import type { u64 } from "tsnc";
import { opq } from "./lib_opaque";

function mix(acc: u64, x: number): u64 {
  return BigInt.asUintN(64, (acc ^ BigInt.asUintN(64, BigInt(x))) * 0x100000001b3n);
}

function safeDiv(a: number, b: number): number {
  return (a / b) | 0;
}

export function main(): u64 {
  let acc: u64 = 0xcbf29ce484222325n;
  let zero = opq(0);
  acc = mix(acc, (5 / zero) | 0);
  acc = mix(acc, (-5 / zero) | 0);
  acc = mix(acc, (0 / zero) | 0);
  acc = mix(acc, (5 / zero) >>> 0);
  acc = mix(acc, (-5 / zero) >>> 0);
  acc = mix(acc, (0 / zero) >>> 0);
  acc = mix(acc, ((4294967296 * 3) / zero) | 0);
  zero = opq(7);
  acc = mix(acc, (50 / zero) | 0);
  for (let i = 0; i < 200; i++) {
    const b = (i % 5) - 2; // -2 -1 0 1 2
    const a = i * 1234567 - 100000000;
    acc = mix(acc, (a / b) | 0);
    acc = mix(acc, (a / b) >>> 0);
    acc = mix(acc, safeDiv(b, a - a));
    acc = mix(acc, safeDiv(a, b) + 1);
  }
  return acc;
}
