// Exact integer + - * and unary minus, including results beyond 32 bits (but below 2^53).
import type { u64 } from "tsnc";
import { opq } from "./lib_opaque";

function mix(acc: u64, x: number): u64 {
  return BigInt.asUintN(64, (acc ^ BigInt.asUintN(64, BigInt(x))) * 0x100000001b3n);
}

function poly(x: number, y: number): number {
  return x * x - 3 * x * y + 7 * y - 11;
}

export function main(): u64 {
  let acc: u64 = 0xcbf29ce484222325n;
  let x = opq(-1000);
  for (let i = 0; i < 200; i++) {
    const y = 37 - i * 3;
    acc = mix(acc, x + y);
    acc = mix(acc, x - y);
    acc = mix(acc, x * y);
    acc = mix(acc, poly(x, y));
    acc = mix(acc, -x + -y * 2);
    acc = mix(acc, x - -y);
    x += 17;
  }
  acc = mix(acc, 2 + 3 * 4 - 5 * -6);
  acc = mix(acc, (2 + 3) * (4 - 5) * -6);
  acc = mix(acc, opq(100000) * opq(100000)); // 10^10: beyond 32 bits, exact
  acc = mix(acc, opq(-65536) * opq(65536) * 3);
  acc = mix(acc, opq(0x7fffffff) + 1); // no wrap: 2^31
  acc = mix(acc, opq(-0x80000000) - 1); // no wrap: -2^31 - 1
  acc = mix(acc, opq(0xffffffff) * opq(0xffff));
  acc = mix(acc, opq(0xffffffff) + opq(0xffffffff) + 2); // 2^33
  acc = mix(acc, opq(123456789) * opq(1000000) - opq(987654321));
  acc = mix(acc, -opq(-opq(77)));
  return acc;
}
