// A 12-parameter function (more than 8 register arguments): every parameter influences the result.
import type { u64, i64 } from "tsnc";
import { opq } from "./lib_opaque";

function mix(acc: u64, x: number): u64 {
  return BigInt.asUintN(64, (acc ^ BigInt.asUintN(64, BigInt(x))) * 0x100000001b3n);
}

class Cell {
  v: number = 0;
}

const cellA = new Cell();
const cellB = new Cell();

function twelve(
  p1: number, p2: number, p3: u64, p4: boolean, p5: i64, p6: number,
  p7: Cell, p8: u64, p9: number, p10: boolean, p11: Cell, p12: i64,
): u64 {
  let acc: u64 = 0x12345n;
  acc = mix(acc, p1);
  acc = mix(acc, p2);
  acc = BigInt.asUintN(64, (acc ^ p3) * 0x100000001b3n);
  acc = mix(acc, p4 ? 1 : 2);
  acc = BigInt.asUintN(64, (acc ^ BigInt.asUintN(64, p5)) * 0x100000001b3n);
  acc = mix(acc, p6);
  p7.v += p1;
  acc = BigInt.asUintN(64, (acc ^ p8) * 0x100000001b3n);
  acc = mix(acc, p9);
  acc = mix(acc, p10 ? 3 : 4);
  p11.v -= p9;
  acc = BigInt.asUintN(64, (acc ^ BigInt.asUintN(64, p12)) * 0x100000001b3n);
  return acc;
}

export function main(): u64 {
  let acc: u64 = 0xcbf29ce484222325n;
  cellA.v = 0;
  cellB.v = 0;
  for (let k = 0; k < opq(30); k++) {
    const r = twelve(k, -k * 7, BigInt(k), (k % 3) === 0, BigInt(-k), k * k, cellA, 0xffffffffffffffffn, 1000 - k, k > 20, k > 15 ? cellA : cellB, -0x7fffffffffffffffn);
    acc = BigInt.asUintN(64, (acc ^ r) * 0x100000001b3n);
  }
  acc = mix(acc, cellA.v);
  acc = mix(acc, cellB.v);
  return acc;
}
