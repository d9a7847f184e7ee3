/**
 * What a partition is given on both back ends (powernv sets these registers itself; pseries
 * passes them to L0 in hv_guest_state): the facilities it may use (HFSCR), the storage keys it
 * may change (AMOR), the LPCR fields that follow the partition's own settings, the MSR it runs
 * with, and the partition table (its geometry and how an entry is written). One definition, so
 * that both back ends give guests the same architecture.
 */
import { load64, store64, type u64 } from 'tsnc';
import type { Partition } from '../../lpar/partition';
import { MSR_HV, MSR_ME } from './bits';
import { pateRadix } from './radix';
import { pateHash } from './hash';

/**
 * Facilities a guest may use without a hypervisor facility unavailable interrupt (HFSCR,
 * bits counted from the least significant): prefixed instructions (13), msgsndp (10), TAR (8),
 * EBB (7), PMU (3), DSCR (2), VMX/VSX (1), FP (0). All of their state is switched between
 * partitions (common/switch.ts; DPDES for msgsndp). Not given: the branch history rolling
 * buffer (4; its contents cannot be saved, only cleared) and transactional memory (5), nor
 * load monitored (11) and scv (12), which nothing here needs yet: a guest using one of them
 * gets a hypervisor facility unavailable exit.
 */
export const HFSCR_GUEST: u64 = 0x258fn;
/** The guest may change every AMR and IAMR bit. */
export const AMOR_ALL: u64 = 0xffffffffffffffffn;

// LPCR fields (Power ISA 3.1 Book III 2.2; bit n is ppcBit(n))
export const LPCR_HAIL: u64 = 0x4000000n;              // bit 37: AIL for hypervisor interrupts (3.1)
export const LPCR_ILE: u64 = 0x2000000n;               // bit 38: interrupts little-endian
export const LPCR_AIL: u64 = 0x1800000n;               // bits 39-40: alternate interrupt location
export const LPCR_AIL_SHIFT = 23n;
export const LPCR_UPRT: u64 = 0x400000n;               // bit 41: use the process table
export const LPCR_EVIRT: u64 = 0x200000n;              // bit 42: enhanced virtualisation
export const LPCR_HR: u64 = 0x100000n;                 // bit 43: host (partitions) radix
export const LPCR_LD: u64 = 0x20000n;                  // bit 46: large decrementer
export const LPCR_MER: u64 = 0x800n;                   // bit 52: mediated external request
export const LPCR_GTSE: u64 = 0x400n;                  // bit 53: guest translation shootdown enable
export const LPCR_TC: u64 = 0x200n;                    // bit 54: translation control
export const LPCR_HEIC: u64 = 0x10n;                   // bit 59: hypervisor external interrupt control
export const LPCR_LPES: u64 = 0xcn;                    // bits 60-61: externals to the OS (1) or HV (0)
export const LPCR_HVICE: u64 = 0x2n;                   // bit 62: hypervisor virtualisation interrupts
export const LPCR_HDICE: u64 = 0x1n;                   // bit 63: HDEC interrupts

/** Partition table: 16 bytes per LPID. 4 KiB (PATS = 0: 2^(12 + PATS) bytes) holds LPIDs 0..255. */
export const PATB_BYTES: u64 = 0x1000n;
export const PATS_4K: u64 = 0n;
export const PATE_BYTES = 16;

/** Real address of `lpid`'s entry in the partition table at real address `patb`. */
function pateAddress(patb: u64, lpid: number): u64 {
  return BigInt.asUintN(64, patb + BigInt(PATE_BYTES * lpid));
}

/**
 * Fill partition `p`'s entry of the partition table at `patb`: its partition-scoped radix tree
 * rooted at `root`, and the process table it registered. The caller then discards the LPID's
 * cached translations (each back end has its own way).
 */
export function writePartitionEntry(patb: u64, p: Partition, root: u64): void {
  const entry = pateAddress(patb, p.lpid);
  store64(entry, pateRadix(root));
  store64(BigInt.asUintN(64, entry + 8n), p.processTable);
}

/**
 * Fill the entry of partition `p`, in HPT mode, with its hashed page table (HR = 0, HTABORG,
 * HTABSIZE; arch/ppc64/hash.ts) and no process table.
 */
export function writeHashPartitionEntry(patb: u64, p: Partition): void {
  const entry = pateAddress(patb, p.lpid);
  store64(entry, pateHash(p.hptBase, p.hptOrder));
  store64(BigInt.asUintN(64, entry + 8n), 0n);
}

/**
 * Make `lpid`'s entry of the partition table at `patb` invalid (both doublewords 0): nothing can
 * enter the partition or translate through its tree. The caller then discards the LPID's
 * cached translations.
 */
export function clearPartitionEntry(patb: u64, lpid: number): void {
  const entry = pateAddress(patb, lpid);
  store64(entry, 0n);
  store64(BigInt.asUintN(64, entry + 8n), 0n);
}

/**
 * Put the process table `p` registered (H_REGISTER_PROC_TBL) into its entry of the table at
 * `patb` if it changed. True when it did: the caller then discards the LPID's translations.
 */
export function syncProcessTable(patb: u64, p: Partition): boolean {
  const dw1: u64 = BigInt.asUintN(64, pateAddress(patb, p.lpid) + 8n);
  if (load64(dw1) === p.processTable) return false;
  store64(dw1, p.processTable);
  return true;
}

/** The LPCR fields that follow the partition's own requests: ILE and AIL (H_SET_MODE), GTSE. */
export function partitionLpcrBits(p: Partition): u64 {
  const v = p.vcpu;
  let lpcr: u64 = BigInt.asUintN(64, BigInt(v.ail & 3) << LPCR_AIL_SHIFT) & LPCR_AIL;
  if (v.littleEndian) lpcr |= LPCR_ILE;
  if (p.gtse) lpcr |= LPCR_GTSE;
  return lpcr;
}

/** The MSR a guest is entered with: never hypervisor state, machine checks always on. */
export function guestMsr(msr: u64): u64 {
  return (msr & ~MSR_HV) | MSR_ME;
}
