// & | ^ ~ on 32-bit values (signed and unsigned forms): ToInt32 operands, signed 32-bit results.
import type { u64 } from "tsnc";
import { opq } from "./lib_opaque";

function mix(acc: u64, x: number): u64 {
  return BigInt.asUintN(64, (acc ^ BigInt.asUintN(64, BigInt(x))) * 0x100000001b3n);
}

export function main(): u64 {
  let acc: u64 = 0xcbf29ce484222325n;
  let s = opq(0x1234567);
  for (let i = 0; i < 400; i++) {
    s = (Math.imul(s, 1103515245) + 12345) | 0;
    const a = s;
    const b = (s >>> 7) ^ (i * 2654435);
    const u = a >>> 0; // 0 .. 2^32-1 as a number
    acc = mix(acc, a & b);
    acc = mix(acc, a | b);
    acc = mix(acc, a ^ b);
    acc = mix(acc, ~a);
    acc = mix(acc, ~b);
    acc = mix(acc, a & ~b);
    acc = mix(acc, ~(a | b));
    acc = mix(acc, (a ^ b) & 0xff);
    acc = mix(acc, u & 0xff00ff00);
    acc = mix(acc, u | 0);
    acc = mix(acc, u ^ 0xffffffff);
    acc = mix(acc, (u & 0x80000000) + 1);
    acc = mix(acc, u & a);
    acc = mix(acc, ~u);
    acc = mix(acc, (a | 0x80000000) ^ (b & 0x7fffffff));
  }
  acc = mix(acc, 0xf0f0f0f0 & 0x0ff00ff0);
  acc = mix(acc, 0xf0f0f0f0 | 0x0f0f0f0f);
  acc = mix(acc, ~0);
  acc = mix(acc, ~-1);
  acc = mix(acc, ~0x7fffffff);
  return acc;
}
