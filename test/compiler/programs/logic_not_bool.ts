// Booleans as values: stored in locals, fields and returned; !, === on booleans, comparisons as values.
import type { u64 } from "tsnc";
import { opq } from "./lib_opaque";

function mix(acc: u64, x: number): u64 {
  return BigInt.asUintN(64, (acc ^ BigInt.asUintN(64, BigInt(x))) * 0x100000001b3n);
}

class Flags {
  a: boolean = false;
  b: boolean = true;
}

const flags = new Flags();

function isOdd(x: number): boolean {
  return (x & 1) === 1;
}

function xor(p: boolean, q: boolean): boolean {
  return p !== q;
}

function encode(bs0: boolean, bs1: boolean, bs2: boolean): number {
  return (bs0 ? 1 : 0) | (bs1 ? 2 : 0) | (bs2 ? 4 : 0);
}

export function main(): u64 {
  let acc: u64 = 0xcbf29ce484222325n;
  flags.a = false;
  flags.b = true;
  for (let i = 0; i < opq(100); i++) {
    const odd = isOdd(i);
    const big = i > 50;
    const both = odd && big;
    const either = odd || big;
    const neither = !either;
    acc = mix(acc, encode(both, either, neither));
    acc = mix(acc, encode(xor(odd, big), odd === big, !odd === big));
    flags.a = !flags.a;
    flags.b = flags.b === odd;
    acc = mix(acc, encode(flags.a, flags.b, !flags.b));
    let c = false;
    c = !c;
    acc = mix(acc, c && !(!odd) ? 1 : 0);
  }
  return acc;
}
