/**
 * Radix page tables (Power ISA 3.0 Book III, "Radix Tree Translation") for partition-scoped
 * translation: a partition's logical addresses [0, size) map to real [base, base + size) with
 * 2 MiB leaves, and the partition-table entry that points at the tree. Shared by the pseries
 * (nested) and powernv back ends. Tables are written through physical stores.
 *
 * Tree shape for a 52-bit radix space: root 13 bits (64 KiB, 8192 entries) -> 9 bits (PUD,
 * 1 GiB per entry) -> 9 bits (PMD, 2 MiB leaves). Entries are big-endian doublewords.
 */
import { load64, store64, type u64 } from 'tsnc';
import { allocPages, NO_PAGES } from './common/pages';

/** Entry valid (V, bit 0). */
const RPTE_VALID: u64 = 0x8000000000000000n;
/** Leaf (L, bit 1). */
const RPTE_LEAF: u64 = 0x4000000000000000n;
/** Reference and change (R bit 55, C bit 56): preset so hardware needs no update. */
const RPTE_R: u64 = 0x100n;
const RPTE_C: u64 = 0x80n;
/** Read, write, execute (EAA bits 61-63). */
const RPTE_RWX: u64 = 0x7n;
/** Next-level size field (NLS, bits 59-63) of a directory entry: 9 index bits. */
const NLS_9: u64 = 9n;

/** Root index bits (RPDS) and the radix tree size RTS = 52 bits, encoded as in the PATE. */
export const ROOT_INDEX_BITS = 13n;
/** RTS - 31 = 21 = 0b10101: RTS1 (bits 1-2) = 0b10, RTS2 (bits 56-58) = 0b101. */
const PATE_RTS_52: u64 = 0x40000000000000a0n;
/** PATE doubleword 0, HR (bit 0): the partition uses radix translation. */
const PATE_HR: u64 = 0x8000000000000000n;

const ROOT_BYTES: u64 = 0x10000n;       // 2^13 entries * 8
const DIR_BYTES: u64 = 0x1000n;         // 2^9 entries * 8
const LEAF_SHIFT = 21n;                 // 2 MiB
const PUD_SHIFT = 30n;                  // 1 GiB per PUD entry
const ENTRIES = 512n;

/** Mask of the next-level-base / real-page-number field. */
const ADDR_MASK: u64 = 0x00fffffffffff000n;

/**
 * Build the partition-scoped tree mapping logical [0, size) to real [base, base + size).
 * `base` and `size` are multiples of 2 MiB and `size` at most 512 GiB. Returns the real address
 * of the root, or NO_PAGES if the page pool ran out (what was allocated stays unused).
 */
export function buildPartitionTree(base: u64, size: u64): u64 {
  const root = allocPages(ROOT_BYTES, ROOT_BYTES);
  if (root === NO_PAGES) return NO_PAGES;
  const pud = allocPages(DIR_BYTES, DIR_BYTES);
  if (pud === NO_PAGES) return NO_PAGES;
  store64(root, RPTE_VALID | pud | NLS_9);
  const leaves: u64 = size >> LEAF_SHIFT;
  for (let i: u64 = 0n; i < leaves; i = BigInt.asUintN(64, i + 1n)) {
    const pudIndex: u64 = i / ENTRIES;
    const pudEntry: u64 = BigInt.asUintN(64, pud + pudIndex * 8n);
    let pmd: u64 = load64(pudEntry) & ADDR_MASK;
    if (pmd === 0n) {
      pmd = allocPages(DIR_BYTES, DIR_BYTES);
      if (pmd === NO_PAGES) return NO_PAGES;
      store64(pudEntry, RPTE_VALID | pmd | NLS_9);
    }
    const real: u64 = BigInt.asUintN(64, base + BigInt.asUintN(64, i << LEAF_SHIFT));
    store64(BigInt.asUintN(64, pmd + (i % ENTRIES) * 8n), RPTE_VALID | RPTE_LEAF | (real & ADDR_MASK) | RPTE_R | RPTE_C | RPTE_RWX);
  }
  return root;
}

/** Doubleword 0 of a radix partition-table entry for a tree rooted at `root`. */
export function pateRadix(root: u64): u64 {
  return PATE_HR | PATE_RTS_52 | (root & ADDR_MASK) | ROOT_INDEX_BITS;
}

/**
 * Translate a logical address through a tree built by buildPartitionTree (for tests and
 * checks): the real address, or NO_PAGES when it is not mapped.
 */
export function walkPartitionTree(root: u64, la: u64): u64 {
  if ((la >> PUD_SHIFT) >= 8192n * 512n) return NO_PAGES;
  const rootEntry = load64(BigInt.asUintN(64, root + (la >> 39n) * 8n));
  if ((rootEntry & RPTE_VALID) === 0n) return NO_PAGES;
  const pudEntry = load64(BigInt.asUintN(64, (rootEntry & ADDR_MASK) + ((la >> PUD_SHIFT) & 511n) * 8n));
  if ((pudEntry & RPTE_VALID) === 0n) return NO_PAGES;
  const pmdEntry = load64(BigInt.asUintN(64, (pudEntry & ADDR_MASK) + ((la >> LEAF_SHIFT) & 511n) * 8n));
  if ((pmdEntry & RPTE_VALID) === 0n || (pmdEntry & RPTE_LEAF) === 0n) return NO_PAGES;
  return BigInt.asUintN(64, (pmdEntry & ADDR_MASK & ~0x1fffffn) + (la & 0x1fffffn));
}
