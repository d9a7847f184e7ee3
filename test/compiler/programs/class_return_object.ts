// Functions and methods returning objects; chained calls on the returned references.
import type { u64 } from "tsnc";
import { pool } from "tsnc";
import { opq } from "./lib_opaque";

function mix(acc: u64, x: number): u64 {
  return BigInt.asUintN(64, (acc ^ BigInt.asUintN(64, BigInt(x))) * 0x100000001b3n);
}

class Node {
  id: number;
  weight: number;
  constructor(id: number) {
    this.id = id;
    this.weight = (id * 37) % 11;
  }
  heavier(other: Node): Node {
    return this.weight >= other.weight ? this : other;
  }
}

const NODES = pool(10, Node);

function heaviest(): Node {
  let best = NODES[0];
  for (let i = 1; i < NODES.length; i++) best = best.heavier(NODES[i]);
  return best;
}

function byId(id: number): Node {
  return NODES[id % NODES.length];
}

export function main(): u64 {
  let acc: u64 = 0xcbf29ce484222325n;
  for (let i = 0; i < NODES.length; i++) NODES[i].weight = (i * 37) % 11;
  for (let round = 0; round < opq(30); round++) {
    const h = heaviest();
    acc = mix(acc, h.id);
    h.weight -= 3 + round % 4;
    byId(round * 3).weight += 2;
    acc = mix(acc, byId(round).heavier(byId(round + 5)).id);
  }
  return acc;
}
