// Module initialisation order: an imported module's statements have run (once) before this module's
// module-level code reads its tables; this module's own statements then derive from them.
import type { u64 } from "tsnc";
import { POW3, OPS, initRuns, pow3 } from "./lib_tables";
import { opq } from "./lib_opaque";

function mix(acc: u64, x: number): u64 {
  return BigInt.asUintN(64, (acc ^ BigInt.asUintN(64, BigInt(x))) * 0x100000001b3n);
}

const DERIVED = new Uint32Array(16);
for (let i = 0; i < 16; i++) DERIVED[i] = (POW3[i] ^ OPS[i]) >>> 0;
const SNAPSHOT = POW3[20];
const RUNS_AT_INIT = initRuns;

export function main(): u64 {
  let acc: u64 = 0xcbf29ce484222325n;
  acc = mix(acc, RUNS_AT_INIT);
  acc = mix(acc, initRuns);
  acc = mix(acc, SNAPSHOT);
  for (let i = 0; i < 16; i++) {
    acc = mix(acc, DERIVED[opq(i)]);
    acc = mix(acc, OPS[opq(i)]);
    acc = mix(acc, pow3(opq(i) + 16));
  }
  return acc;
}
