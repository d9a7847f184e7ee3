// Importing through a module that re-exports (`export { x } from`), including a table filled at init.
import type { u64 } from "tsnc";
import { Rect, perimeter, pow3, POW3, Opcode } from "./lib_reexport";
import { opq } from "./lib_opaque";

function mix(acc: u64, x: number): u64 {
  return BigInt.asUintN(64, (acc ^ BigInt.asUintN(64, BigInt(x))) * 0x100000001b3n);
}

const r = new Rect(opq(4));

export function main(): u64 {
  let acc: u64 = 0xcbf29ce484222325n;
  acc = mix(acc, r.area());
  acc = mix(acc, perimeter(r));
  for (let i = 0; i < 40; i++) acc = mix(acc, pow3(opq(i)));
  acc = mix(acc, POW3.length);
  acc = mix(acc, POW3[opq(31)]);
  acc = mix(acc, Opcode.Xor);
  return acc;
}
