// for, while and do-while: counting up and down, empty bodies, zero-trip loops, do-while running once.
import type { u64 } from "tsnc";
import { opq } from "./lib_opaque";

function mix(acc: u64, x: number): u64 {
  return BigInt.asUintN(64, (acc ^ BigInt.asUintN(64, BigInt(x))) * 0x100000001b3n);
}

export function main(): u64 {
  let acc: u64 = 0xcbf29ce484222325n;
  let s = 0;
  for (let i = 0; i < opq(100); i++) s += i * i;
  acc = mix(acc, s);
  for (let i = 100; i > 0; i -= 7) s -= i;
  acc = mix(acc, s);
  let zeroTrip = 0;
  for (let i = opq(10); i < 10; i++) zeroTrip++;
  let w = 0;
  while (w > 5) zeroTrip++;
  acc = mix(acc, zeroTrip);
  let once = 0;
  do {
    once++;
  } while (once > 100);
  acc = mix(acc, once);
  let n = opq(27);
  let collatz = 0;
  while (n !== 1) {
    n = (n & 1) === 0 ? n >> 1 : 3 * n + 1;
    collatz++;
  }
  acc = mix(acc, collatz);
  let k = 0;
  for (;;) {
    k += 3;
    if (k > 50) break;
  }
  acc = mix(acc, k);
  let j = 0;
  let i2 = 0;
  for (j = 0; j < 10; j++) i2 += j; // init is an assignment, the variable outlives the loop
  acc = mix(acc, i2 + j);
  let d = opq(1000);
  do {
    d = d - (d >> 3) - 1;
    acc = mix(acc, d);
  } while (d > 0);
  w = 0;
  for (let a = opq(0); a < 20; a++) {
    for (let b = a; b < 20; b++) {
      let c = b;
      while (c > a) {
        w += c ^ a;
        c -= 3;
      }
    }
  }
  acc = mix(acc, w);
  return acc;
}
