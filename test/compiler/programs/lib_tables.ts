// Helper module (no main): module-level statements fill exported tables when the module initialises;
// it imports another helper, so initialisation order matters.
import { Opcode, apply } from "./lib_opcodes";

export const POW3 = new Uint32Array(32);
export const OPS = new Int32Array(16);
export let initRuns = 0;

POW3[0] = 1;
for (let i = 1; i < POW3.length; i++) POW3[i] = Math.imul(POW3[i - 1], 3);
for (let i = 0; i < OPS.length; i++) OPS[i] = apply(i % 2 === 0 ? Opcode.Mul : Opcode.Xor, i + 7, 0x10001);
initRuns++;

export function pow3(n: number): number {
  return POW3[n & 31];
}
