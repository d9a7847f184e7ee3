// Methods calling methods, `this` mutation, methods returning `this`-typed objects and booleans.
import type { u64 } from "tsnc";
import { opq } from "./lib_opaque";

function mix(acc: u64, x: number): u64 {
  return BigInt.asUintN(64, (acc ^ BigInt.asUintN(64, BigInt(x))) * 0x100000001b3n);
}

class Acc {
  total: number = 0;
  steps: number = 0;
  hash: u64 = 0n;
  add(x: number): Acc {
    this.total += x;
    this.step();
    return this;
  }
  sub(x: number): Acc {
    return this.add(-x);
  }
  step(): void {
    this.steps++;
    this.hash = BigInt.asUintN(64, (this.hash ^ BigInt.asUintN(64, BigInt(this.total))) * 0x100000001b3n);
  }
  isEven(): boolean {
    return (this.total & 1) === 0;
  }
  twice(x: number): Acc {
    return this.add(x).add(x);
  }
  reset(): void {
    this.total = 0;
    this.steps = 0;
    this.hash = 0n;
  }
}

const a = new Acc();

export function main(): u64 {
  let acc: u64 = 0xcbf29ce484222325n;
  a.reset();
  a.total = opq(0);
  for (let i = 0; i < opq(300); i++) {
    if (a.isEven()) a.twice(i).sub(3);
    else a.sub(i * 2).add(1);
    acc = mix(acc, a.total);
  }
  acc = mix(acc, a.steps);
  acc = BigInt.asUintN(64, (acc ^ a.hash) * 0x100000001b3n);
  return acc;
}
