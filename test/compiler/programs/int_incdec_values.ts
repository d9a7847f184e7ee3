// Prefix and postfix ++/-- on number locals, module lets and fields, used as values.
import type { u64 } from "tsnc";
import { opq } from "./lib_opaque";

function mix(acc: u64, x: number): u64 {
  return BigInt.asUintN(64, (acc ^ BigInt.asUintN(64, BigInt(x))) * 0x100000001b3n);
}

class Box {
  n: number = 10;
}

const box = new Box();
let g = 100;
const T = new Uint32Array(64);

export function main(): u64 {
  let acc: u64 = 0xcbf29ce484222325n;
  box.n = opq(10);
  g = opq(100);
  T.fill(0);
  let i = opq(5);
  const a = i++; // 5
  const b = ++i; // 7
  const c = i--; // 7
  const d = --i; // 5
  const e = i++ + i++; // 5 + 6
  const f = ++i * --i; // 8 * 7
  const h = i-- - --i; // 7 - 5
  acc = mix(acc, a);
  acc = mix(acc, b);
  acc = mix(acc, c);
  acc = mix(acc, d);
  acc = mix(acc, e);
  acc = mix(acc, f);
  acc = mix(acc, h);
  acc = mix(acc, i);
  let k = opq(10);
  let sum = 0;
  while (k-- > 0) sum += k;
  acc = mix(acc, sum);
  acc = mix(acc, k); // -1
  let n = opq(10);
  sum = 0;
  while (--n > 0) sum += n;
  acc = mix(acc, sum);
  acc = mix(acc, n); // 0
  let j = 0;
  for (let m = 0; m < 20; m++) T[j++] = m * 3;
  acc = mix(acc, j);
  for (let m = 0; m < 20; m++) acc = mix(acc, T[m]);
  acc = mix(acc, box.n++);
  acc = mix(acc, ++box.n);
  acc = mix(acc, box.n--);
  acc = mix(acc, box.n);
  acc = mix(acc, g++);
  acc = mix(acc, --g);
  acc = mix(acc, g-- + g--);
  acc = mix(acc, g);
  let big = opq(4294967295);
  acc = mix(acc, ++big); // 2^32, no wrap
  let neg = opq(-2147483648);
  acc = mix(acc, --neg); // -2^31 - 1, no wrap
  return acc;
}
