// Importing a const enum and functions switching on it from a helper; a tiny interpreter.
import type { u64 } from "tsnc";
import { Opcode, OPCODE_COUNT, apply, cost } from "./lib_opcodes";
import { opq } from "./lib_opaque";

function mix(acc: u64, x: number): u64 {
  return BigInt.asUintN(64, (acc ^ BigInt.asUintN(64, BigInt(x))) * 0x100000001b3n);
}

const PROGRAM = new Uint8Array([Opcode.Add, Opcode.Mul, Opcode.Xor, Opcode.Shl, Opcode.Sub, Opcode.Nop, Opcode.Mul, Opcode.Add, Opcode.Halt, Opcode.Add]);

function run(seed: number): number {
  let acc = seed;
  let cycles = 0;
  for (let pc = 0; pc < PROGRAM.length; pc++) {
    const op: Opcode = PROGRAM[pc];
    if (op === Opcode.Halt) break;
    acc = apply(op, acc, pc * 0x1234567 + seed);
    cycles += cost(op);
  }
  return (acc ^ cycles) | 0;
}

function localSwitch(op: Opcode): number {
  switch (op) {
    case Opcode.Nop:
      return 100;
    case Opcode.Halt:
      return 200;
    case Opcode.Add:
    case Opcode.Sub:
      return 300;
    default:
      return op * 1000;
  }
}

export function main(): u64 {
  let acc: u64 = 0xcbf29ce484222325n;
  acc = mix(acc, OPCODE_COUNT);
  acc = mix(acc, Opcode.Halt + Opcode.Shl * 2);
  for (let s = -50; s < 50; s += 3) acc = mix(acc, run(opq(s)));
  for (let op = 0; op < 64; op++) acc = mix(acc, localSwitch(opq(op)));
  return acc;
}
