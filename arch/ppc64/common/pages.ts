/**
 * The hypervisor's physical page pool: a region of its own memory from which partition
 * tables, page tables and other naturally aligned structures are carved.
 *
 * Two sources, one pool: a bump allocator over the region (anything that is never given back:
 * the partition table, a partition's 64 KiB radix root, buffers), and a free list of 4 KiB
 * pages that were given back (freePage: the directory and PTE pages of a partition's radix
 * tree when its LPID's tables are torn down, arch/ppc64/radix.ts). A 4 KiB request is served
 * from the free list first, so that partitions created and destroyed again and again reuse
 * the same pages and the bump pointer stops moving after the first cycle. The free list is
 * threaded through the free pages themselves (the first doubleword of a free page is the
 * real address of the next; 0 ends the list); every page handed out is zeroed.
 */
import { dcbz, load64, store64, type u64 } from 'tsnc';

/** Returned when the pool cannot satisfy a request. */
export const NO_PAGES: u64 = 0xffffffffffffffffn;
/** The size of the pages the free list keeps. */
export const PAGE_4K: u64 = 0x1000n;

let next: u64 = 0n;
let limit: u64 = 0n;
/** Head of the free list of 4 KiB pages (0: empty) and how many it holds. */
let freeHead: u64 = 0n;
let freeCount = 0;

/** Hand the region [start, end) of real memory to the pool (the free list starts empty). */
export function initPagePool(start: u64, end: u64): void {
  next = start;
  limit = end;
  freeHead = 0n;
  freeCount = 0;
}

/** Bytes left in the pool: the unallocated region and the pages on the free list. */
export function poolFree(): u64 {
  const bump: u64 = limit > next ? BigInt.asUintN(64, limit - next) : 0n;
  return BigInt.asUintN(64, bump + BigInt(freeCount) * PAGE_4K);
}

/**
 * The pool's high-water mark: the first byte the bump allocator has not handed out yet. It only
 * grows; a workload that gives back everything it takes leaves it where it was.
 */
export function poolTop(): u64 {
  return next;
}

/** 4 KiB pages on the free list. */
export function freePages(): number {
  return freeCount;
}

/**
 * `bytes` of zeroed real memory aligned to `align` (a power of two, at least 128), or NO_PAGES
 * when the pool is exhausted (then nothing is taken). A 4 KiB request with an alignment of at
 * most 4 KiB comes from the free list when it has a page.
 */
export function allocPages(bytes: u64, align: u64): u64 {
  if (bytes === PAGE_4K && align <= PAGE_4K && freeHead !== 0n) {
    const page = freeHead;
    freeHead = load64(page);
    freeCount--;
    zeroRange(page, PAGE_4K);
    return page;
  }
  const mask: u64 = BigInt.asUintN(64, align - 1n);
  const start: u64 = BigInt.asUintN(64, (next + mask) & ~mask);
  const end: u64 = BigInt.asUintN(64, start + bytes);
  if (start < next || end < start || end > limit) return NO_PAGES;
  zeroRange(start, bytes);
  next = end;
  return start;
}

/**
 * Give back a 4 KiB page that allocPages handed out (4 KiB aligned). The caller guarantees that
 * nothing uses it any more: no table points at it and no cached translation can reach it.
 */
export function freePage(page: u64): void {
  store64(page, freeHead);
  freeHead = page;
  freeCount++;
}

/** Zero [start, start + bytes) of real memory, 128 bytes at a time (both 128-byte aligned). */
export function zeroRange(start: u64, bytes: u64): void {
  for (let a: u64 = start; a < BigInt.asUintN(64, start + bytes); a = BigInt.asUintN(64, a + 128n)) dcbz(a);
}
