// Objects whose fields hold other objects: chained access, mutation through chains, swapping children.
import type { u64 } from "tsnc";
import { opq } from "./lib_opaque";

function mix(acc: u64, x: number): u64 {
  return BigInt.asUintN(64, (acc ^ BigInt.asUintN(64, BigInt(x))) * 0x100000001b3n);
}

class Leaf {
  v: number;
  constructor(v: number) {
    this.v = v;
  }
}

class Branch {
  leaf: Leaf;
  weight: number;
  constructor(v: number) {
    this.leaf = new Leaf(v);
    this.weight = v * 2;
  }
}

class Tree {
  left: Branch = new Branch(1);
  right: Branch = new Branch(2);
  spare: Leaf = new Leaf(99);
}

const tree = new Tree();

function total(t: Tree): number {
  return t.left.leaf.v * 1000 + t.right.leaf.v * 10 + t.left.weight - t.right.weight + t.spare.v;
}

export function main(): u64 {
  let acc: u64 = 0xcbf29ce484222325n;
  // reset to the initial shape
  tree.left.leaf.v = 1;
  tree.left.weight = 2;
  tree.right.leaf.v = 2;
  tree.right.weight = 4;
  tree.spare.v = 99;
  if (tree.left.weight > tree.right.weight) {
    const t = tree.left;
    tree.left = tree.right;
    tree.right = t;
  }
  acc = mix(acc, total(tree));
  for (let i = 0; i < opq(100); i++) {
    tree.left.leaf.v += i;
    tree.right.leaf.v = tree.left.leaf.v - tree.right.leaf.v;
    tree.left.weight ^= tree.right.leaf.v;
    if ((i & 7) === 3) {
      const t = tree.left;
      tree.left = tree.right;
      tree.right = t;
    }
    if ((i & 15) === 5) {
      const l = tree.left.leaf;
      tree.left.leaf = tree.spare;
      tree.spare = l;
    }
    acc = mix(acc, total(tree));
  }
  return acc;
}
