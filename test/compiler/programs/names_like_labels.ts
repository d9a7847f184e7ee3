// Local variables named like the compiler's block labels and temporaries (ok, then, cond, body,
// trap, dead, t0, entry): they must not collide with them in the generated IR.
import type { u64 } from "tsnc";
import { opqU } from "./lib_opaque";

const data = new Uint8Array(16);

function f(x: number): number {
  let ok = 0, then = 1, cond = 2, body = 3, trap = 4, dead = 5, t0 = 6, entry = 7, next = 8, endloop = 9;
  for (let i = 0; i < 16; i++) data[i] = (x * 7 + i) & 0xff;
  for (let i = 0; i < 40; i++) {
    ok = (ok + data[(x + i) & 15]) | 0;
    if (ok > then) then = ok ^ cond;
    cond = (cond * 3 + body) & 0xffff;
    body = (body + trap) ^ dead;
    trap = (trap + t0) & 0xfff;
    t0 = entry++ & 0xff;
    next = (next + endloop) | 0;
    endloop = (next ^ i) & 0x3ff;
    dead = (dead + 1) & 31;
  }
  return (ok ^ then ^ cond ^ body ^ trap ^ dead ^ t0 ^ entry ^ next ^ endloop) >>> 0;
}

export function main(): u64 {
  let acc: u64 = 0xcbf29ce484222325n;
  for (let k = 0; k < 20; k++) acc = BigInt.asUintN(64, (acc ^ BigInt(f(Number(opqU(BigInt(k)))))) * 0x100000001b3n);
  return acc;
}
