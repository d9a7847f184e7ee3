// Native main for p256-bench.cjs (see p256-kernel.ts).
import type { u64 } from "tsnc";
import { setup } from "./p256-kernel";

export function main(): u64 {
  setup();
  return 0n;
}
