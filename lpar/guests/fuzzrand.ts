/**
 * The fuzzer partition's random numbers and argument generator (lpar/guests/fuzzer.ts): a
 * seeded xorshift64* stream, so that a seed names one call sequence, and values biased toward
 * the edges a handler must refuse: the ends of the partition's memory and just past them,
 * typical placements of other partitions and of the hypervisor, all-ones and sign bits, unit
 * addresses, TCEs, misaligned addresses and sizes at their limits.
 */
import type { u64 } from 'tsnc';

let state: u64 = 1n;

/** Start the stream at `seed` (0 is replaced: xorshift never leaves 0). */
export function seedRandom(seed: u64): void {
  state = seed === 0n ? 0x9e3779b97f4a7c15n : seed;
}

/** The next 64 random bits. */
export function next64(): u64 {
  let x = state;
  x ^= x >> 12n;
  x = BigInt.asUintN(64, x ^ (x << 25n));
  x ^= x >> 27n;
  state = x;
  return BigInt.asUintN(64, x * 0x2545f4914f6cdd1dn);
}

/** A random integer in 0 .. n - 1 (n at most 2^31). */
export function below(n: number): number {
  return Number((next64() >> 33n) % BigInt(n));
}

/** True with probability 1 / n. */
export function oneIn(n: number): boolean {
  return below(n) === 0;
}

/** The partition's memory size and the part of it the generator offers as "own memory". */
export let memSize: u64 = 0n;
export let ownLow: u64 = 0n;

/** Tell the generator the partition's memory size and the lowest address it may offer as its own. */
export function setLayout(size: u64, low: u64): void {
  memSize = size;
  ownLow = low;
}

const UNIT_BASE: u64 = 0x30000001n;
const REMOTE_LIOBN: u64 = 0x80000000n;
const MIB: u64 = 0x100000n;

/** A small signed delta: -16 .. 16. */
function delta(): u64 {
  return BigInt.asUintN(64, BigInt(below(33) - 16));
}

/** An address at or near an edge of the partition's own memory. */
function ownEdge(): u64 {
  switch (below(8)) {
    case 0: return ownLow;
    case 1: return BigInt.asUintN(64, memSize - 8n);
    case 2: return BigInt.asUintN(64, memSize - 4096n);
    case 3: return BigInt.asUintN(64, memSize - 1n);
    case 4: return memSize;
    case 5: return BigInt.asUintN(64, memSize + 4096n);
    case 6: return BigInt.asUintN(64, memSize + delta());
    default: return BigInt.asUintN(64, ownLow + delta() + 16n);
  }
}

/** A page-aligned, 8-byte-aligned or any address inside [ownLow, memSize). */
export function ownAddress(): u64 {
  const span: u64 = BigInt.asUintN(64, memSize - ownLow);
  const a: u64 = BigInt.asUintN(64, ownLow + next64() % span);
  switch (below(3)) {
    case 0: return a & ~0xfffn;
    case 1: return a & ~7n;
    default: return a;
  }
}

/** Where other partitions and the hypervisor typically are, as this partition would name them. */
function foreign(): u64 {
  switch (below(6)) {
    case 0: return BigInt.asUintN(64, (BigInt(32 + below(2016)) * MIB) + BigInt(below(4) * 8));   // 32 MiB .. 2 GiB
    case 1: return BigInt.asUintN(64, BigInt(below(64)) * MIB);                                    // the hypervisor's 64 MiB
    case 2: return BigInt.asUintN(64, 0xc000000000000000n + BigInt(below(64)) * MIB);             // a linear map
    case 3: return BigInt.asUintN(64, 0x8000000000000000n | (next64() & 0xfffffffn));
    case 4: return BigInt.asUintN(64, 0x100000000n + (next64() & 0xffffff000n));
    default: return BigInt.asUintN(64, memSize * BigInt(2 + below(30)));
  }
}

/** Values at the ends of the integer ranges. */
function extreme(): u64 {
  switch (below(10)) {
    case 0: return 0xffffffffffffffffn;
    case 1: return 0x7fffffffffffffffn;
    case 2: return 0x8000000000000000n;
    case 3: return 0xffffffffn;
    case 4: return 0x100000000n;
    case 5: return 0x80000000n;
    case 6: return 0xfffffffffffff000n;
    case 7: return BigInt.asUintN(64, -BigInt(1 + below(4096)));
    case 8: return 0x7fffffffn;
    default: return BigInt.asUintN(64, 1n << BigInt(below(64)));
  }
}

/** Sizes around the limits handlers check (pages, queue and RDMA limits, 2^n +- 1). */
function size(): u64 {
  switch (below(8)) {
    case 0: return 4096n;
    case 1: return BigInt(4096 * (1 + below(16)));
    case 2: return 0x10000000n;
    case 3: return 0x10001000n;
    case 4: return BigInt(0x20000 + below(3) - 1);
    case 5: return BigInt.asUintN(64, (1n << BigInt(below(40))) + delta());
    case 6: return BigInt(16 * below(300));
    default: return BigInt(below(600));
  }
}

/** A unit address / LIOBN: the partition's own devices, their neighbours and the remote bit. */
export function unitAddress(): u64 {
  const u: u64 = BigInt.asUintN(64, UNIT_BASE - 2n + BigInt(below(9)));
  if (oneIn(4)) return u | REMOTE_LIOBN;
  return u;
}

/** A TCE: a page of the partition's own memory (or an edge, or garbage) with permission bits. */
export function tceValue(): u64 {
  const perm: u64 = BigInt(below(4));
  switch (below(4)) {
    case 0: return (ownEdge() & ~0xfffn) | perm;
    case 1: return next64();
    default: return (ownAddress() & ~0xfffn) | perm;
  }
}

/** One edge-biased argument value. */
export function edgeValue(): u64 {
  switch (below(12)) {
    case 0: return BigInt(below(17));
    case 1: return next64();
    case 2: return ownEdge();
    case 3: return ownAddress();
    case 4: return foreign();
    case 5: return extreme();
    case 6: return unitAddress();
    case 7: return tceValue();
    case 8: return BigInt.asUintN(64, ownAddress() | BigInt(1 + below(7)));   // misaligned
    case 9: return size();
    case 10: return BigInt(below(256));
    default: return BigInt.asUintN(64, next64() & 0xffffn);
  }
}
