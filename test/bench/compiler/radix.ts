/**
 * Benchmark kernel: a POWER radix page table walk (4 KiB base pages, 52-bit effective
 * addresses, 4 levels: a 2^13-entry root (PGD) and 2^9-entry PUD, PMD and PTE tables).
 *
 * The tables live in a simulated physical memory `mem` (a BigUint64Array; byte address a is
 * mem[a >> 3]). Entries are POWER radix PTEs: bit 63 valid, bit 62 leaf; a non-leaf entry holds
 * the next level base (NLB) and size (NLS, log2 of its entries); a leaf holds the real page
 * number. A leaf in a PMD maps a 2 MiB page. The walk follows NLB/NLS level by level as the
 * hardware does.
 *
 * Set-up maps REGIONS 16 MiB regions of 4 KiB pages and HUGE_REGIONS 64 MiB regions of 2 MiB
 * pages at random addresses; the kernel then translates LOOKUPS addresses (mostly mapped, some
 * faulting at different levels) and folds every result into a checksum. The C twin is radix.c.
 */
import type { u64 } from "tsnc";
import { shl64, sub64 } from "tsnc";

const EA_BITS = 52;
const ROOT_BITS = 13;
const LEVEL_BITS = 9;
const PAGE_SHIFT = 12;
const HUGE_SHIFT = 21;
const TABLE_BYTES = 4096; // 2^LEVEL_BITS entries of 8 bytes
const ROOT_BASE: u64 = 0n;
const MEM_DWORDS = 131072; // 1 MiB: the root (64 KiB) and up to 240 tables

const R_VALID: u64 = 0x8000000000000000n;
const R_LEAF: u64 = 0x4000000000000000n;
const NLB_MASK: u64 = 0x0fffffffffffff00n;
const NLS_MASK: u64 = 0x1fn;
const RPN_MASK: u64 = 0x01fffffffffff000n;
const PTE_ATTRS: u64 = 0x18en; // R, C, read, write, execute (any attribute bits will do)
const FAULT: u64 = 0xffffffffffffffffn;

const REGIONS = 8;
const REGION_SHIFT = 24;
const HUGE_REGIONS = 4;
const HUGE_REGION_SHIFT = 26;
const LOOKUPS = 100000;

const mem = new BigUint64Array(MEM_DWORDS);
const regionBase = new BigUint64Array(REGIONS);
const hugeRegionBase = new BigUint64Array(HUGE_REGIONS);
let nextTable: u64 = BigInt(8 << ROOT_BITS);

let rngState: u64 = 0x2545f4914f6cdd1dn;

/** xorshift64 (13, 7, 17) */
function nextRandom(): u64 {
  let x: u64 = rngState;
  x ^= BigInt.asUintN(64, x << 13n);
  x ^= x >> 7n;
  x ^= BigInt.asUintN(64, x << 17n);
  rngState = x;
  return x;
}

/** A fresh zeroed 2^LEVEL_BITS-entry table from `mem`; its byte address. */
function allocTable(): u64 {
  const t = nextTable;
  nextTable = BigInt.asUintN(64, nextTable + BigInt(TABLE_BYTES));
  return t;
}

/** Map the page of size 2^leafShift at ea to pa, creating the tables on the way. */
export function mapPage(ea: u64, pa: u64, leafShift: number): void {
  let base: u64 = ROOT_BASE;
  let bits = ROOT_BITS;
  let shift = EA_BITS;
  for (let level = 0; level < 4; level++) {
    shift -= bits;
    const slot = Number(base >> 3n) + (Number(ea >> BigInt(shift)) & ((1 << bits) - 1));
    if (shift === leafShift) {
      mem[slot] = R_VALID | R_LEAF | (pa & RPN_MASK) | PTE_ATTRS;
      return;
    }
    let entry = mem[slot];
    if ((entry & R_VALID) === 0n) {
      entry = R_VALID | allocTable() | BigInt(LEVEL_BITS);
      mem[slot] = entry;
    }
    base = entry & NLB_MASK;
    bits = Number(entry & NLS_MASK);
  }
}

/** The real address ea translates to, or FAULT. */
export function translate(ea: u64): u64 {
  if ((ea >> BigInt(EA_BITS)) !== 0n) return FAULT;
  let base: u64 = ROOT_BASE;
  let bits = ROOT_BITS;
  let shift = EA_BITS;
  for (let level = 0; level < 4; level++) {
    shift -= bits;
    const pte = mem[Number(base >> 3n) + (Number(ea >> BigInt(shift)) & ((1 << bits) - 1))];
    if ((pte & R_VALID) === 0n) return FAULT;
    if ((pte & R_LEAF) !== 0n) {
      const offsetMask = sub64(shl64(1n, BigInt(shift)), 1n);
      return (pte & RPN_MASK & BigInt.asUintN(64, ~offsetMask)) | (ea & offsetMask);
    }
    base = pte & NLB_MASK;
    bits = Number(pte & NLS_MASK);
  }
  return FAULT;
}

function buildTables(): void {
  let pa: u64 = 0x40000000n;
  for (let r = 0; r < REGIONS; r++) {
    const base: u64 = (nextRandom() >> 12n) & BigInt.asUintN(64, ~0xffffffn); // 52 bits, 16 MiB aligned
    regionBase[r] = base;
    for (let p = 0; p < 1 << (REGION_SHIFT - PAGE_SHIFT); p++) {
      mapPage(base | BigInt(p << PAGE_SHIFT), pa, PAGE_SHIFT);
      pa = BigInt.asUintN(64, pa + 0x1000n);
    }
  }
  for (let r = 0; r < HUGE_REGIONS; r++) {
    const base: u64 = (nextRandom() >> 12n) & BigInt.asUintN(64, ~0x3ffffffn); // 52 bits, 64 MiB aligned
    hugeRegionBase[r] = base;
    for (let p = 0; p < 1 << (HUGE_REGION_SHIFT - HUGE_SHIFT); p++) {
      mapPage(base | BigInt(p << HUGE_SHIFT), pa, HUGE_SHIFT);
      pa = BigInt.asUintN(64, pa + 0x200000n);
    }
  }
}

/** The i-th address to translate, made from the random value rnd. */
function lookupAddress(i: number, rnd: u64): u64 {
  const kind = i & 7;
  if (kind < 5) { // a 4 KiB page
    return regionBase[Number(rnd >> 61n)] | (rnd & 0xffffffn);
  }
  if (kind === 5) { // a 2 MiB page
    return hugeRegionBase[Number(rnd >> 62n)] | (rnd & 0x3ffffffn);
  }
  if (kind === 6) { // just past a 4 KiB region: faults in the PMD or the PUD
    return BigInt.asUintN(64, regionBase[Number(rnd >> 61n)] + 0x1000000n) | (rnd & 0xffffffn);
  }
  return rnd >> 11n; // anywhere (mostly faults at the root), sometimes beyond 52 bits
}

export function main(): u64 {
  buildTables();
  let sum: u64 = 0n;
  for (let i = 0; i < LOOKUPS; i++) {
    const ea = lookupAddress(i, nextRandom());
    sum = BigInt.asUintN(64, sum * 0x100000001b3n) ^ translate(ea);
  }
  return sum;
}
