/**
 * Where the hypervisor may put things in real memory, given the firmware's device tree: the
 * RAM ranges, and the reserved ranges (the tree's reservation map and /reserved-memory, plus
 * the tree itself) that nothing may overwrite — skiboot's memory when tshype is its payload,
 * the device tree at 16 MiB under powernv -bios or at the top of the RMA on pseries.
 */
import type { u64 } from 'tsnc';
import type { MemRanges } from '../lpar/fdt';

/**
 * Megabytes of memory from real address 0 that partitions may use: up to the end of the RAM
 * range at 0, or to the first reserved range that starts at or above `hvEnd` (the end of the
 * hypervisor's own region, where placement begins), whichever is lower. A reserved range
 * that straddles `hvEnd` is not caught here: check the placement with reservedOverlap.
 */
export function usableMiB(memory: MemRanges, reserved: MemRanges, hvEnd: u64): number {
  let end: u64 = 0n;
  for (let i = 0; i < memory.count; i++) {
    if (memory.base[i] === 0n) end = memory.size[i];
  }
  for (let i = 0; i < reserved.count; i++) {
    if (reserved.base[i] >= hvEnd && reserved.base[i] < end) end = reserved.base[i];
  }
  return Number(end >> 20n);
}

/** Index of the first range of `reserved` that [base, base + size) overlaps, or -1. */
export function reservedOverlap(reserved: MemRanges, base: u64, size: u64): number {
  const end: u64 = BigInt.asUintN(64, base + size);
  for (let i = 0; i < reserved.count; i++) {
    const rEnd: u64 = BigInt.asUintN(64, reserved.base[i] + reserved.size[i]);
    if (base < rEnd && reserved.base[i] < end) return i;
  }
  return -1;
}

/**
 * The lowest address `start` >= `from` such that [start, to) overlaps no reserved range:
 * `from` itself, or the end of the last reserved range in the way, rounded up to `align` (a
 * power of two). Returns `to` when no part of [from, to) qualifies.
 */
export function freeStart(reserved: MemRanges, from: u64, to: u64, align: u64): u64 {
  const mask: u64 = BigInt.asUintN(64, align - 1n);
  const alignDown: u64 = BigInt.asUintN(64, ~mask);
  let start = from;
  while (start < to) {
    const i = reservedOverlap(reserved, start, BigInt.asUintN(64, to - start));
    if (i < 0) return start;
    start = BigInt.asUintN(64, reserved.base[i] + reserved.size[i] + mask) & alignDown;
  }
  return to;
}
