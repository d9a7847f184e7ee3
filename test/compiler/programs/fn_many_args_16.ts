// A 16-parameter function (half on the stack), recursion passing all of them shifted, and a string parameter.
import type { u64, i64 } from "tsnc";
import { opq } from "./lib_opaque";

function mix(acc: u64, x: number): u64 {
  return BigInt.asUintN(64, (acc ^ BigInt.asUintN(64, BigInt(x))) * 0x100000001b3n);
}

class Tag {
  t: number;
  constructor(t: number) {
    this.t = t;
  }
}

const tagX = new Tag(5);
const tagY = new Tag(9);

function sixteen(
  a: number, b: u64, c: boolean, d: i64, e: number, f: Tag, g: string, h: number,
  i: u64, j: boolean, k: number, l: i64, m: Tag, n: number, o: boolean, p: u64, depth: number,
): u64 {
  let acc: u64 = BigInt.asUintN(64, b ^ i ^ p);
  acc = mix(acc, a);
  acc = mix(acc, c ? 1 : 0);
  acc = BigInt.asUintN(64, (acc ^ BigInt.asUintN(64, d)) * 0x100000001b3n);
  acc = mix(acc, e);
  acc = mix(acc, f.t);
  acc = mix(acc, g.length * 256 + g.charCodeAt(0));
  acc = mix(acc, h);
  acc = mix(acc, j ? 2 : 3);
  acc = mix(acc, k);
  acc = BigInt.asUintN(64, (acc ^ BigInt.asUintN(64, l)) * 0x100000001b3n);
  acc = mix(acc, m.t);
  acc = mix(acc, n);
  acc = mix(acc, o ? 4 : 5);
  if (depth === 0) return acc;
  // rotate the arguments one position (within their types)
  const inner = sixteen(n, p, o, l, a, m, g, e, b, c, h, d, f, k, j, i, depth - 1);
  return BigInt.asUintN(64, (acc ^ inner) * 0x100000001b3n);
}

export function main(): u64 {
  let acc: u64 = 0xcbf29ce484222325n;
  for (let r = 0; r < opq(8); r++) {
    const v = sixteen(r, 0x1111n, true, -2n, r * 100, tagX, "stack", 77, 0xffff0000ffff0000n, false, -r, 0x7fffffffffffffffn, tagY, 4294967296, r > 3, BigInt(r), r);
    acc = BigInt.asUintN(64, (acc ^ v) * 0x100000001b3n);
  }
  return acc;
}
