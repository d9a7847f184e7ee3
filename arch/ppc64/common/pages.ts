/**
 * The hypervisor's physical page pool: a region of its own memory from which partition
 * tables, page tables and other naturally aligned structures are carved at boot and partition
 * creation. Bump allocation; nothing is freed (partitions are created once per boot).
 */
import { dcbz, type u64 } from 'tsnc';

/** Returned when the pool cannot satisfy a request. */
export const NO_PAGES: u64 = 0xffffffffffffffffn;

let next: u64 = 0n;
let limit: u64 = 0n;

/** Hand the region [start, end) of real memory to the pool. */
export function initPagePool(start: u64, end: u64): void {
  next = start;
  limit = end;
}

/** Bytes left in the pool. */
export function poolFree(): u64 {
  return limit > next ? BigInt.asUintN(64, limit - next) : 0n;
}

/**
 * `bytes` of zeroed real memory aligned to `align` (a power of two, at least 128), or NO_PAGES
 * when the pool is exhausted (then nothing is taken).
 */
export function allocPages(bytes: u64, align: u64): u64 {
  const mask: u64 = BigInt.asUintN(64, align - 1n);
  const start: u64 = BigInt.asUintN(64, (next + mask) & ~mask);
  const end: u64 = BigInt.asUintN(64, start + bytes);
  if (start < next || end < start || end > limit) return NO_PAGES;
  zeroRange(start, bytes);
  next = end;
  return start;
}

/** Zero [start, start + bytes) of real memory, 128 bytes at a time (both 128-byte aligned). */
export function zeroRange(start: u64, bytes: u64): void {
  for (let a: u64 = start; a < BigInt.asUintN(64, start + bytes); a = BigInt.asUintN(64, a + 128n)) dcbz(a);
}
