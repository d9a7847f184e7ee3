// Native main for p256-bench.cjs (see p256-kernel.ts).
import type { u64 } from "tsnc";
import { bench, setup } from "./p256-kernel";

export const ITERS = 8;

export function main(): u64 {
  setup();
  return bench(1, ITERS);
}
