/**
 * Radix page tables (Power ISA 3.0 Book III, "Radix Tree Translation") for partition-scoped
 * translation: a partition's logical addresses [0, size) map to real [base, base + size) with
 * 2 MiB leaves, its grant window (GRANT_WINDOW_BASE, GRANT_WINDOW_PAGES pages of 4 KiB) maps
 * the pages other partitions granted it (lpar/grant.ts) with 4 KiB leaves, and the
 * partition-table entry points at the tree. Shared by the pseries (nested) and powernv back
 * ends. Tables are written through physical stores; entries are big-endian doublewords.
 *
 * Tree shape for a 52-bit radix space: root 13 bits (64 KiB, 8192 entries, 512 GiB each) ->
 * 9 bits (PUD, 1 GiB per entry) -> 9 bits (PMD, 2 MiB per entry) -> 9 bits (PTE, 4 KiB pages).
 *
 *   root[0] -> PUD -> PMDs of 2 MiB leaves          memory, logical [0, size), size <= 512 GiB
 *   root[1] -> PUD -> PMD[0] -> one PTE page         the grant window, logical [512 GiB, +2 MiB)
 *
 * Reuse: each LPID keeps its 64 KiB root for good (allocated the first time the LPID is
 * prepared). Every other page of its tree (PUDs, PMDs, the window's PTE page) goes back to the
 * page pool's free list (common/pages.ts) when the tree is torn down (releasePartitionTree,
 * before a rebuild and when the partition is cleared), and a build takes its pages from that
 * list first. So preparing and clearing partitions again and again, with any memory size,
 * takes nothing new from the pool once the largest tree has been built once.
 */
import { load64, store64, type u64 } from 'tsnc';
import { allocPages, freePage, NO_PAGES, PAGE_4K } from './common/pages';

/** Entry valid (V, bit 0). */
const RPTE_VALID: u64 = 0x8000000000000000n;
/** Leaf (L, bit 1). */
const RPTE_LEAF: u64 = 0x4000000000000000n;
/** Reference and change (R bit 55, C bit 56): preset so hardware needs no update. */
const RPTE_R: u64 = 0x100n;
const RPTE_C: u64 = 0x80n;
/** Read, write, execute (EAA bits 61-63): read 0x4, read/write 0x2, execute 0x1. */
const RPTE_RWX: u64 = 0x7n;
const RPTE_READ: u64 = 0x4n;
const RPTE_READ_WRITE: u64 = 0x6n;
/** Next-level size field (NLS, bits 59-63) of a directory entry: 9 index bits. */
const NLS_9: u64 = 9n;

/** Root index bits (RPDS) and the radix tree size RTS = 52 bits, encoded as in the PATE. */
export const ROOT_INDEX_BITS = 13n;
/** RTS - 31 = 21 = 0b10101: RTS1 (bits 1-2) = 0b10, RTS2 (bits 56-58) = 0b101. */
const PATE_RTS_52: u64 = 0x40000000000000a0n;
/** PATE doubleword 0, HR (bit 0): the partition uses radix translation. */
const PATE_HR: u64 = 0x8000000000000000n;

const ROOT_BYTES: u64 = 0x10000n;       // 2^13 entries * 8
const LEAF_SHIFT = 21n;                 // 2 MiB
const PUD_SHIFT = 30n;                  // 1 GiB per PUD entry
const ROOT_SHIFT = 39n;                 // 512 GiB per root entry
const ENTRIES = 512n;

/** Mask of the next-level-base / real-page-number field. */
const ADDR_MASK: u64 = 0x00fffffffffff000n;

/**
 * The grant window: logical [GRANT_WINDOW_BASE, GRANT_WINDOW_BASE + GRANT_WINDOW_PAGES * 4 KiB),
 * just above the largest memory a partition can have (512 GiB: root entry 0), in root entry 1.
 * Nothing is mapped there until the partition maps a grant (mapWindowPage).
 */
export const GRANT_WINDOW_BASE: u64 = 0x8000000000n;
export const GRANT_WINDOW_PAGES = 512;
/** The largest memory a partition's tree can map (one PUD: root entry 0). */
export const MAX_TREE_MEMORY: u64 = 0x8000000000n;
/** Root entries a tree uses (memory, grant window); the others stay 0 for good. */
const ROOT_ENTRIES_USED = 2;
const WINDOW_ROOT_INDEX = 1;

/** LPIDs a root can be kept for: as many as the 4 KiB partition table holds (partitioning.ts). */
const LPIDS = 256;
/** Each LPID's root (real address; 0 until its first build). */
const roots = new BigUint64Array(LPIDS);

/** Real address of entry `index` of the table at `table`. */
function entryAt(table: u64, index: u64): u64 {
  return BigInt.asUintN(64, table + index * 8n);
}

/** A directory entry pointing at the 4 KiB table `next`. */
function directory(next: u64): u64 {
  return RPTE_VALID | next | NLS_9;
}

/**
 * Build `lpid`'s partition-scoped tree mapping logical [0, size) to real [base, base + size),
 * with an empty grant window. `base` and `size` are multiples of 2 MiB and `size` at most
 * MAX_TREE_MEMORY. The LPID's previous tree, if any, is torn down first (the caller has made
 * sure no processor can still use it). Returns the real address of the root, or NO_PAGES if the
 * page pool ran out (then the pages taken went back to the free list; the root is kept).
 */
export function buildPartitionTree(lpid: number, base: u64, size: u64): u64 {
  if (lpid < 0 || lpid >= LPIDS || size > MAX_TREE_MEMORY) return NO_PAGES;
  let root = roots[lpid];
  if (root === 0n) {
    root = allocPages(ROOT_BYTES, ROOT_BYTES);
    if (root === NO_PAGES) return NO_PAGES;
    roots[lpid] = root;
  } else {
    releasePartitionTree(lpid);
  }
  if (!buildMemory(root, base, size) || !buildWindow(root)) {
    releasePartitionTree(lpid);
    return NO_PAGES;
  }
  return root;
}

/** Root entry 0: 2 MiB leaves for [0, size) -> [base, ...). False when the pool ran out. */
function buildMemory(root: u64, base: u64, size: u64): boolean {
  const pud = allocPages(PAGE_4K, PAGE_4K);
  if (pud === NO_PAGES) return false;
  store64(root, directory(pud));
  const leaves: u64 = size >> LEAF_SHIFT;
  for (let i: u64 = 0n; i < leaves; i = BigInt.asUintN(64, i + 1n)) {
    const pudEntry: u64 = entryAt(pud, i / ENTRIES);
    let pmd: u64 = load64(pudEntry) & ADDR_MASK;
    if (pmd === 0n) {
      pmd = allocPages(PAGE_4K, PAGE_4K);
      if (pmd === NO_PAGES) return false;
      store64(pudEntry, directory(pmd));
    }
    const real: u64 = BigInt.asUintN(64, base + BigInt.asUintN(64, i << LEAF_SHIFT));
    store64(entryAt(pmd, i % ENTRIES), RPTE_VALID | RPTE_LEAF | (real & ADDR_MASK) | RPTE_R | RPTE_C | RPTE_RWX);
  }
  return true;
}

/** Root entry 1: the grant window's PUD, PMD and (empty) PTE page. False when the pool ran out. */
function buildWindow(root: u64): boolean {
  const pud = allocPages(PAGE_4K, PAGE_4K);
  if (pud === NO_PAGES) return false;
  store64(entryAt(root, BigInt(WINDOW_ROOT_INDEX)), directory(pud));
  const pmd = allocPages(PAGE_4K, PAGE_4K);
  if (pmd === NO_PAGES) return false;
  store64(pud, directory(pmd));
  const pte = allocPages(PAGE_4K, PAGE_4K);
  if (pte === NO_PAGES) return false;
  store64(pmd, directory(pte));
  return true;
}

/**
 * Give every page of `lpid`'s tree but its root back to the pool's free list and clear the
 * root's entries. Only once no processor can use the tree any more (its partition-table entry
 * invalid and its translations discarded, or the entry about to be rewritten before it runs).
 */
export function releasePartitionTree(lpid: number): void {
  if (lpid < 0 || lpid >= LPIDS || roots[lpid] === 0n) return;
  const root = roots[lpid];
  for (let i = 0; i < ROOT_ENTRIES_USED; i++) {
    const e = entryAt(root, BigInt(i));
    releaseEntry(load64(e), 1);
    store64(e, 0n);
  }
}

/**
 * Free the table a directory entry `e` points at (at level `level`: 1 PUD, 2 PMD, 3 PTE) and,
 * first, the tables its own directory entries point at. Leaves and invalid entries own nothing.
 */
function releaseEntry(e: u64, level: number): void {
  if ((e & RPTE_VALID) === 0n || (e & RPTE_LEAF) !== 0n) return;
  const table: u64 = e & ADDR_MASK;
  if (level < 3) {
    for (let i: u64 = 0n; i < ENTRIES; i = BigInt.asUintN(64, i + 1n)) releaseEntry(load64(entryAt(table, i)), level + 1);
  }
  freePage(table);
}

/**
 * Forget every LPID's kept root without touching memory: for a page pool handed out afresh
 * (initPagePool again, as the unit tests do), whose pages the roots no longer own.
 */
export function forgetPartitionTrees(): void {
  roots.fill(0n);
}

/** `lpid`'s root (real address), 0 when it has never had a tree. */
export function partitionRoot(lpid: number): u64 {
  return lpid < 0 || lpid >= LPIDS ? 0n : roots[lpid];
}

/** The real address of the PTE of grant-window page `index` in `lpid`'s tree, 0 when it has none. */
function windowPte(lpid: number, index: number): u64 {
  const root = partitionRoot(lpid);
  if (root === 0n || index < 0 || index >= GRANT_WINDOW_PAGES) return 0n;
  const pud = load64(entryAt(root, BigInt(WINDOW_ROOT_INDEX)));
  if ((pud & RPTE_VALID) === 0n) return 0n;
  const pmd = load64(pud & ADDR_MASK);
  if ((pmd & RPTE_VALID) === 0n) return 0n;
  const pte = load64(pmd & ADDR_MASK);
  if ((pte & RPTE_VALID) === 0n) return 0n;
  return entryAt(pte & ADDR_MASK, BigInt(index));
}

/**
 * Map grant-window page `index` of `lpid`'s tree to the 4 KiB real page at `real`: read and
 * write if `writable`, else read only; never executable. The caller discards the LPID's cached
 * translations afterwards. False (nothing written) when the LPID has no tree or `index` is
 * outside the window.
 */
export function mapWindowPage(lpid: number, index: number, real: u64, writable: boolean): boolean {
  const pte = windowPte(lpid, index);
  if (pte === 0n) return false;
  const access: u64 = writable ? RPTE_READ_WRITE : RPTE_READ;
  store64(pte, RPTE_VALID | RPTE_LEAF | (real & ADDR_MASK) | RPTE_R | RPTE_C | access);
  return true;
}

/**
 * Unmap grant-window page `index` of `lpid`'s tree (the caller then discards the LPID's cached
 * translations). False when the LPID has no tree or `index` is outside the window.
 */
export function unmapWindowPage(lpid: number, index: number): boolean {
  const pte = windowPte(lpid, index);
  if (pte === 0n) return false;
  store64(pte, 0n);
  return true;
}

/** Doubleword 0 of a radix partition-table entry for a tree rooted at `root`. */
export function pateRadix(root: u64): u64 {
  return PATE_HR | PATE_RTS_52 | (root & ADDR_MASK) | ROOT_INDEX_BITS;
}

/**
 * Translate a logical address through a tree built by buildPartitionTree (for tests and
 * checks): the real address, or NO_PAGES when it is not mapped. `write` asks for a mapping
 * that allows stores.
 */
export function walkPartitionTree(root: u64, la: u64, write: boolean): u64 {
  if ((la >> ROOT_SHIFT) >= 8192n) return NO_PAGES;
  let e = load64(entryAt(root, la >> ROOT_SHIFT));
  let shift: u64 = PUD_SHIFT;
  for (let level = 1; level <= 3; level++) {
    if ((e & RPTE_VALID) === 0n || (e & RPTE_LEAF) !== 0n) return NO_PAGES;
    e = load64(entryAt(e & ADDR_MASK, (la >> shift) & 511n));
    if ((e & RPTE_VALID) === 0n) return NO_PAGES;
    if ((e & RPTE_LEAF) !== 0n) {
      if (level === 1 || (write && (e & 0x2n) === 0n)) return NO_PAGES;   // no 1 GiB leaves are built
      const offset: u64 = la & BigInt.asUintN(64, (1n << shift) - 1n);
      return BigInt.asUintN(64, ((e & ADDR_MASK) & ~BigInt.asUintN(64, (1n << shift) - 1n)) + offset);
    }
    shift = BigInt.asUintN(64, shift - 9n);
  }
  return NO_PAGES;
}
