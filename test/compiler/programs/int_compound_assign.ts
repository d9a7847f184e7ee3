// Compound assignment on number locals: += -= *= &= |= ^= <<= >>= >>>= %=.
import type { u64 } from "tsnc";
import { opq } from "./lib_opaque";

function mix(acc: u64, x: number): u64 {
  return BigInt.asUintN(64, (acc ^ BigInt.asUintN(64, BigInt(x))) * 0x100000001b3n);
}

export function main(): u64 {
  let acc: u64 = 0xcbf29ce484222325n;
  let x = opq(-123456);
  let y = 77;
  for (let i = 1; i < 300; i++) {
    x += i * 1001;
    acc = mix(acc, x);
    x -= 77777;
    acc = mix(acc, x);
    x *= 3;
    acc = mix(acc, x);
    x &= 0x3fffffff;
    acc = mix(acc, x);
    x |= i << 4;
    acc = mix(acc, x);
    x ^= 0x5a5a5a5a;
    acc = mix(acc, x);
    x <<= i & 7;
    acc = mix(acc, x);
    x >>= 3;
    acc = mix(acc, x);
    x >>>= 1;
    acc = mix(acc, x);
    x %= 1000003;
    acc = mix(acc, x);
    x -= 500000;
    y ^= x;
    y %= 97;
    acc = mix(acc, y);
    y -= i;
    y *= -2;
    acc = mix(acc, y);
  }
  let z = -1;
  z >>>= 0;
  acc = mix(acc, z);
  z = -1;
  z >>= 40;
  acc = mix(acc, z);
  z = 1;
  z <<= 31;
  acc = mix(acc, z);
  z = 0xffffffff;
  z |= 0;
  acc = mix(acc, z);
  z = 5000000000;
  z &= -1;
  acc = mix(acc, z);
  return acc;
}
