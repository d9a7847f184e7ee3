// In a[f()] += v and a[f()]++ the index expression is evaluated once; in o.f += v the object once.
import type { u64 } from "tsnc";
import { opq } from "./lib_opaque";

function mix(acc: u64, x: number): u64 {
  return BigInt.asUintN(64, (acc ^ BigInt.asUintN(64, BigInt(x))) * 0x100000001b3n);
}

class Cell {
  v: number = 0;
}

const A = new Uint32Array(16);
const U = new BigUint64Array(16);
const cells: Cell[] = [new Cell(), new Cell(), new Cell()];
let calls = 0;

function next(): number {
  calls++;
  return calls & 15;
}

function cell(): Cell {
  calls++;
  return cells[calls % 3];
}

export function main(): u64 {
  let acc: u64 = 0xcbf29ce484222325n;
  calls = 0;
  A.fill(0);
  U.fill(0n);
  for (let i = 0; i < 3; i++) cells[i].v = 0;
  for (let i = 0; i < opq(50); i++) {
    A[next()] += i;
    A[next()]++;
    acc = mix(acc, A[next()]--);
    A[next()] *= 3;
    U[next()] += 0xffffffffffffff00n;
    U[next()]++;
    cell().v += i;
    cell().v++;
    acc = mix(acc, calls);
  }
  for (let i = 0; i < 16; i++) {
    acc = mix(acc, A[i]);
    acc = BigInt.asUintN(64, (acc ^ U[i]) * 0x100000001b3n);
  }
  for (let i = 0; i < 3; i++) acc = mix(acc, cells[i].v);
  return acc;
}
