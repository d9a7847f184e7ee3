/**
 * Hashed page tables (Power ISA 3.0 Book III, "Hashed Page Table Translation") for partitions
 * that run in HPT mode on powernv (LPCR[HR] = 0): the HPT's geometry, the format of an entry
 * (HPTE), the hypervisor's virtual real-mode area (VRMA) entries, a pool of HPT blocks reused
 * across partitions, and the TLB invalidation after an entry changed. The HPT holds real
 * addresses; the hcall handlers (hcalls/hpt.ts) translate the guest's logical page numbers.
 *
 * Two HPTE formats: PAPR's hcalls (H_ENTER, H_READ, ...) speak the "old" format of ISA 2.07,
 * with the segment size B in doubleword 0 bits 0:1; ISA 3.0 (POWER9) keeps B in doubleword 1
 * bits 4:5 and only the low 52 bits of doubleword 0 (Linux hpte_old_to_new_v/r, QEMU
 * ppc64_v3_new_to_old_hpte). The table in memory is in the new format; every function here
 * takes and returns the old one.
 *
 * An HPT is 2^order bytes (order 18..46), naturally aligned: 2^(order - 7) groups (PTEGs) of
 * 8 entries of 16 bytes. Entry index `ptex` = group * 8 + slot.
 */
import { eieio, load64, ptesync, store64, tlbie, tlbsync, type u64 } from 'tsnc';
import type { Partition } from '../../lpar/partition';
import { allocPages, NO_PAGES, zeroRange } from './common/pages';

// ---- HPTE doubleword 0 ("V"), old format (Linux asm/book3s/64/mmu-hash.h) --------------------
/** Entry valid. */
export const HPTE_V_VALID: u64 = 0x1n;
/** Entry is in its secondary group (hashed with ~hash). */
export const HPTE_V_SECONDARY: u64 = 0x2n;
/** Large page: the page size is encoded in doubleword 1 (LP). */
export const HPTE_V_LARGE: u64 = 0x4n;
/** The abbreviated virtual page number, with B (segment size) above it. */
export const HPTE_V_AVPN: u64 = 0x3fffffffffffff80n;
/** B: segment size (0: 256 MiB, 1: 1 TiB). */
const HPTE_V_SSIZE_SHIFT = 62n;
/** The bits of an old-format doubleword 0 that an ISA 3.0 entry keeps. */
const HPTE_V_COMMON: u64 = 0x000fffffffffffffn;
/** AVA bits of the old format that ISA 3.0 cannot hold (they must be zero). */
export const HPTE_V_UNREPRESENTABLE: u64 = 0x3ff0000000000000n;

// ---- HPTE doubleword 1 ("R") ---------------------------------------------------------------
export const HPTE_R_PP0: u64 = 0x8000000000000000n;
export const HPTE_R_KEY_HI: u64 = 0x3000000000000000n;
/** The real page number field (4 KiB units); large pages keep LP in its low bits. */
export const HPTE_R_RPN: u64 = 0x0ffffffffffff000n;
export const HPTE_R_KEY_LO: u64 = 0xe00n;
export const HPTE_R_R: u64 = 0x100n;
export const HPTE_R_C: u64 = 0x80n;
export const HPTE_R_W: u64 = 0x40n;
export const HPTE_R_I: u64 = 0x20n;
export const HPTE_R_M: u64 = 0x10n;
export const HPTE_R_G: u64 = 0x8n;
export const HPTE_R_WIMG: u64 = 0x78n;
export const HPTE_R_N: u64 = 0x4n;
export const HPTE_R_PP: u64 = 0x3n;
/** ISA 3.0: B in doubleword 1 bits 4:5. */
const HPTE_R_3_0_SSIZE_SHIFT = 58n;
const HPTE_R_3_0_SSIZE: u64 = 0x0c00000000000000n;

/** Bytes per entry, entries per group. */
export const HPTE_BYTES = 16n;
export const PTEG_ENTRIES = 8n;
const PTEG_SHIFT = 7n;
/** Smallest and largest HPT (PAPR; the partition-table entry's HTABSIZE is order - 18, 5 bits). */
export const HPT_ORDER_MIN = 18;
export const HPT_ORDER_MAX = 46;

// ---- page sizes offered to hash guests (base = actual, no mixed sizes in a segment) ----------
/** 4 KiB: L = 0. */
export const PAGE_SHIFT_4K = 12n;
/** 64 KiB: L = 1, LP = 0b0001 in doubleword 1 bits 48:51 (Linux penc 1, QEMU pte_enc 0x1). */
export const PAGE_SHIFT_64K = 16n;
const LP_64K: u64 = 0x1000n;
const LP_FIELD_64K: u64 = 0xf000n;
/** SLB L||LP encoding of a 64 KiB segment (SLB_VSID_64K, 0x110) as LPCR[VRMASD] takes it. */
const VRMASD_64K: u64 = 0x11n;
/** LPCR[VRMASD], bits 47:51. */
const LPCR_VRMASD_SHIFT = 12n;

/**
 * The page size (log2 bytes) of an old-format entry, or 0n for an encoding not offered: 4 KiB
 * (L = 0) or 64 KiB (L = 1 and LP = 0b0001).
 */
export function hptePageShift(v: u64, r: u64): u64 {
  if ((v & HPTE_V_LARGE) === 0n) return PAGE_SHIFT_4K;
  if ((r & LP_FIELD_64K) === LP_64K) return PAGE_SHIFT_64K;
  return 0n;
}

/**
 * The entry's RPN field rebuilt for page number `page` (a byte address aligned to the page
 * size): the address with the large-page encoding of `shift` in its low bits.
 */
export function hpteRpn(page: u64, shift: u64): u64 {
  return shift === PAGE_SHIFT_64K ? (page & HPTE_R_RPN) | LP_64K : page & HPTE_R_RPN;
}

// ---- the virtual real-mode area -----------------------------------------------------------
/** The VRMA's VSID (Linux VRMA_VSID): a 1 TiB segment no guest may use for its own entries. */
const VRMA_VSID: u64 = 0x1ffffffn;
/** Doubleword 0 bits that name B and the VSID of a 1 TiB segment entry. */
const VSID_1T_MASK: u64 = 0xffffffffff000000n;
const VRMA_V_MATCH: u64 = BigInt.asUintN(64, (1n << HPTE_V_SSIZE_SHIFT) | (VRMA_VSID << 24n));

/** True when the old-format doubleword 0 `v` belongs to the VRMA's segment (the hypervisor's entries). */
export function isVrmaEntry(v: u64): boolean {
  return (v & VSID_1T_MASK) === VRMA_V_MATCH;
}

/** LPCR[VRMASD], the VRMA segment's page size (SLB L||LP), bits 47:51. */
export const LPCR_VRMASD: u64 = 0x1f000n;

/**
 * The VRMA's page size (log2). 64 KiB needs LPCR[VRMASD] (POWER9 hardware has it: KVM sets
 * it); QEMU 7.2's POWER9 drops VRMASD from LPCR (its lpcr_mask), so there the VRMA segment has
 * 4 KiB pages and the VRMA sixteen times the entries. powernv chooses with setVrmaLargePages.
 */
let vrmaShift: u64 = PAGE_SHIFT_64K;

/** Use 64 KiB (true) or 4 KiB VRMA pages from now on (for partitions prepared later). */
export function setVrmaLargePages(large: boolean): void {
  vrmaShift = large ? PAGE_SHIFT_64K : PAGE_SHIFT_4K;
}

/** The LPCR[VRMASD] bits of the VRMA as vrmaMap() enters it. */
export function vrmaLpcrBits(): u64 {
  return vrmaShift === PAGE_SHIFT_64K ? BigInt.asUintN(64, VRMASD_64K << LPCR_VRMASD_SHIFT) : 0n;
}


// ---- geometry -------------------------------------------------------------------------------
/**
 * log2 of the HPT size for a partition of `memBytes` (PAPR `ibm,pft-size`, Linux's
 * htab_shift_for_mem_size): memory / 128 rounded up to a power of two, at least 2^18 (256 KiB).
 */
export function hptOrderFor(memBytes: u64): number {
  let order = HPT_ORDER_MIN;
  while (order < HPT_ORDER_MAX && BigInt.asUintN(64, 1n << BigInt(order + 7)) < memBytes) order++;
  return order;
}

/**
 * The HPT order tshype gives a partition of `memBytes`: hptOrderFor's, or four times that with
 * 4 KiB VRMA pages (the VRMA alone then takes half of hptOrderFor's entries; with a quarter
 * of the table the guest's own groups stay mostly free).
 */
export function hptOrderForPartition(memBytes: u64): number {
  const order = hptOrderFor(memBytes);
  if (vrmaShift === PAGE_SHIFT_64K) return order;
  return order + 2 <= HPT_ORDER_MAX ? order + 2 : HPT_ORDER_MAX;
}

/** Entries in an HPT of 2^order bytes. */
export function hptEntries(order: number): u64 {
  return BigInt.asUintN(64, 1n << BigInt(order - 4));
}

/** Real address of entry `ptex` of the HPT at `hpt`. */
function entryAddress(hpt: u64, ptex: u64): u64 {
  return BigInt.asUintN(64, hpt + ptex * HPTE_BYTES);
}

/** Doubleword 0 of entry `ptex`, old format (only V, B and the fields below 52 bits). */
export function hpteReadV(hpt: u64, ptex: u64): u64 {
  const a = entryAddress(hpt, ptex);
  const v = load64(a);
  const r = load64(BigInt.asUintN(64, a + 8n));
  return (v & HPTE_V_COMMON) | BigInt.asUintN(64, ((r & HPTE_R_3_0_SSIZE) >> HPTE_R_3_0_SSIZE_SHIFT) << HPTE_V_SSIZE_SHIFT);
}

/** Doubleword 1 of entry `ptex`, old format. */
export function hpteReadR(hpt: u64, ptex: u64): u64 {
  return load64(BigInt.asUintN(64, entryAddress(hpt, ptex) + 8n)) & ~HPTE_R_3_0_SSIZE;
}

/**
 * Write entry `ptex` from old-format doublewords (v must have no HPTE_V_UNREPRESENTABLE bits):
 * doubleword 1 first, then doubleword 0 with the valid bit, ordered so that the MMU never sees
 * a valid entry with a stale second half.
 */
export function hpteWrite(hpt: u64, ptex: u64, v: u64, r: u64): void {
  const a = entryAddress(hpt, ptex);
  const b: u64 = BigInt.asUintN(64, (v >> HPTE_V_SSIZE_SHIFT) << HPTE_R_3_0_SSIZE_SHIFT);
  store64(a, 0n);
  eieio();
  store64(BigInt.asUintN(64, a + 8n), (r & ~HPTE_R_3_0_SSIZE) | b);
  eieio();
  store64(a, v & HPTE_V_COMMON);
  ptesync();
}

/** Make entry `ptex` invalid (doubleword 0 zero; the caller invalidates the TLB). */
export function hpteClear(hpt: u64, ptex: u64): void {
  store64(entryAddress(hpt, ptex), 0n);
  ptesync();
}

/** Change only doubleword 1 of a valid entry (R, C, PP, N, keys), old format in. */
export function hpteWriteR(hpt: u64, ptex: u64, r: u64): void {
  const a: u64 = BigInt.asUintN(64, entryAddress(hpt, ptex) + 8n);
  store64(a, (r & ~HPTE_R_3_0_SSIZE) | (load64(a) & HPTE_R_3_0_SSIZE));
  ptesync();
}

// tlbie operands for an HPT partition: IS = 2 (every translation of the LPID in RS), RIC = 0
// (TLB only), PRS = 0, R = 0 (hash)
const TLBIE_IS_LPID: u64 = 0x800n;

/**
 * Discard every TLB entry of `lpid` after one of its HPTEs changed (a first step: PAPR lets the
 * hypervisor invalidate more than the one page; QEMU flushes its whole TLB on any tlbie anyway).
 */
export function hptInvalidateLpid(lpid: number): void {
  ptesync();
  tlbie(TLBIE_IS_LPID, BigInt(lpid), 0, 0, 0);
  eieio();
  tlbsync();
  ptesync();
}

/** The partition-table entry doubleword 0 for the HPT at `hpt` of 2^order bytes (HR = 0). */
export function pateHash(hpt: u64, order: number): u64 {
  return hpt | BigInt(order - HPT_ORDER_MIN);
}

// ---- the VRMA ---------------------------------------------------------------------------------
/**
 * Enter the VRMA: logical [0, bytes) to real [base, base + bytes) in pages of the VRMA segment
 * (64 KiB, or 4 KiB without VRMASD; as KVM's kvmppc_map_vrma does for its RMA), so that the
 * guest's real-mode accesses (MSR[IR|DR] = 0: always through the VRMA on POWER9 in HPT mode)
 * reach its memory. Returns the number of pages entered, fewer than asked when a primary and
 * a secondary group were full.
 */
export function vrmaMap(hpt: u64, order: number, base: u64, bytes: u64): u64 {
  const groups: u64 = BigInt.asUintN(64, (1n << BigInt(order - 7)) - 1n);
  const pages: u64 = bytes >> vrmaShift;
  const large = vrmaShift === PAGE_SHIFT_64K;
  for (let i: u64 = 0n; i < pages; i = BigInt.asUintN(64, i + 1n)) {
    // hash: VSID ^ (VSID << 25) ^ page index; AVPN: the offset in the segment >> 16, low 7 bits dropped
    const hash: u64 = BigInt.asUintN(64, VRMA_VSID ^ BigInt.asUintN(64, VRMA_VSID << 25n) ^ i);
    const offset: u64 = BigInt.asUintN(64, i << vrmaShift);
    const v: u64 = VRMA_V_MATCH | ((offset >> 16n) & ~0x7fn) | (large ? HPTE_V_LARGE : 0n) | HPTE_V_VALID;
    const real: u64 = BigInt.asUintN(64, base + offset);
    const r: u64 = hpteRpn(real, vrmaShift) | HPTE_R_R | HPTE_R_C | HPTE_R_M;
    if (!enterInGroup(hpt, BigInt.asUintN(64, (hash & groups) << 3n), v, r)) {
      if (!enterInGroup(hpt, BigInt.asUintN(64, (BigInt.asUintN(64, ~hash) & groups) << 3n), v | HPTE_V_SECONDARY, r)) return i;
    }
  }
  return pages;
}

/** Put an entry into the first free slot of the group starting at `ptex0`; false when it is full. */
function enterInGroup(hpt: u64, ptex0: u64, v: u64, r: u64): boolean {
  for (let s: u64 = 0n; s < PTEG_ENTRIES; s = BigInt.asUintN(64, s + 1n)) {
    const ptex: u64 = BigInt.asUintN(64, ptex0 + s);
    if ((hpteReadV(hpt, ptex) & HPTE_V_VALID) === 0n) {
      hpteWrite(hpt, ptex, v, r);
      return true;
    }
  }
  return false;
}

// ---- HPT blocks --------------------------------------------------------------------------------
/** HPT blocks the pool keeps (one per partition slot at most, plus blocks outgrown). */
const BLOCKS = 32;
const blockBase = new BigUint64Array(BLOCKS);
const blockOrder = new Int32Array(BLOCKS);
const blockUsed = new Uint8Array(BLOCKS);
let blockCount = 0;

/**
 * A zeroed HPT of 2^order bytes, naturally aligned: the smallest free block already taken from
 * the page pool that is large enough (a block of a larger order serves, as it is aligned for
 * any smaller one), else a new block from the page pool. NO_PAGES when neither has room.
 */
export function hptAcquire(order: number): u64 {
  let best = -1;
  for (let i = 0; i < blockCount; i++) {
    if (blockUsed[i] !== 0 || blockOrder[i] < order) continue;
    if (best < 0 || blockOrder[i] < blockOrder[best]) best = i;
  }
  if (best < 0) {
    if (blockCount === BLOCKS) return NO_PAGES;
    const bytes: u64 = BigInt.asUintN(64, 1n << BigInt(order));
    const base = allocPages(bytes, bytes);
    if (base === NO_PAGES) return NO_PAGES;
    best = blockCount++;
    blockBase[best] = base;
    blockOrder[best] = order;
  } else {
    zeroRange(blockBase[best], BigInt.asUintN(64, 1n << BigInt(order)));
  }
  blockUsed[best] = 1;
  return blockBase[best];
}

/** Give an HPT from hptAcquire back to the pool (no effect for an address it did not hand out). */
export function hptRelease(base: u64): void {
  for (let i = 0; i < blockCount; i++) {
    if (blockBase[i] === base) blockUsed[i] = 0;
  }
}

/** HPT blocks taken from the page pool so far, and how many are in use (for leak checks). */
export function hptBlocksTaken(): number {
  return blockCount;
}
export function hptBlocksInUse(): number {
  let n = 0;
  for (let i = 0; i < blockCount; i++) n += blockUsed[i];
  return n;
}

/** Forget every block (unit tests, after the page pool was reset). */
export function hptResetPool(): void {
  blockCount = 0;
  blockUsed.fill(0);
}

/** The group mask of an HPT of 2^order bytes (for tests and the VRMA). */
export function hptGroupMask(order: number): u64 {
  return BigInt.asUintN(64, (BigInt.asUintN(64, 1n << BigInt(order)) >> PTEG_SHIFT) - 1n);
}

// ---- a partition's HPT ----------------------------------------------------------------------
/**
 * Give partition `p` (in HPT mode) a fresh HPT sized for its memory (hptOrderFor) with its VRMA
 * entered, in p.hptBase / p.hptOrder; an HPT a previous tenant of the slot left is returned to
 * the pool first. False when no HPT could be had or the VRMA did not fit (then p.hptBase is 0).
 */
export function preparePartitionHpt(p: Partition): boolean {
  releasePartitionHpt(p);
  const order = hptOrderForPartition(p.memSize);
  const base = hptAcquire(order);
  if (base === NO_PAGES) return false;
  p.hptBase = base;
  p.hptOrder = order;
  if (vrmaMap(base, order, p.memBase, p.memSize) !== (p.memSize >> vrmaShift)) {
    releasePartitionHpt(p);
    return false;
  }
  for (let i = 0; i < p.vcpus.length; i++) p.vcpus[i].hashMmu = true;
  return true;
}

/** Return `p`'s HPT, if it has one, to the pool; its vCPUs no longer switch an SLB. */
export function releasePartitionHpt(p: Partition): void {
  if (p.hptBase !== 0n) hptRelease(p.hptBase);
  p.hptBase = 0n;
  p.hptOrder = 0;
  for (let i = 0; i < p.vcpus.length; i++) p.vcpus[i].hashMmu = false;
}

/** Remove every entry of an HPT but the VRMA's (H_CLEAR_HPT, a partition's restart). */
export function hptClearGuestEntries(hpt: u64, order: number): void {
  const n = hptEntries(order);
  for (let ptex: u64 = 0n; ptex < n; ptex = BigInt.asUintN(64, ptex + 1n)) {
    const v = hpteReadV(hpt, ptex);
    if ((v & HPTE_V_VALID) !== 0n && !isVrmaEntry(v)) hpteClear(hpt, ptex);
  }
}
