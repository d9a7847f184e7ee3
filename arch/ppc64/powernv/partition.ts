/**
 * Running partitions on powernv: tshype is the hypervisor of the bare machine and owns the
 * partitioning registers itself (ref/platform-probes/powernv/pnv.S shows the values tested).
 *
 *   PTCR    the partition table: 16 bytes per LPID; dw0 = the partition-scoped radix tree
 *           (radix.ts), dw1 = the process table the guest registered (H_REGISTER_PROC_TBL)
 *   LPIDR   the running partition's LPID (0: the hypervisor)
 *   LPCR    the hypervisor's: HR (radix partitions), externals and HDEC not enabled in
 *           hypervisor state; a guest's adds UPRT, HDICE, GTSE, ILE, AIL and sends external
 *           interrupts to the hypervisor (LPES = 0)
 *   HDEC    the time slice: its expiry brings the CPU back (vector 0x980)
 *
 * A run is one call of enterGuest (switch.S) on the CPU's save area, whose layout is
 * asm-offsets.ts: the vCPU's registers other than the GPRs are copied into the area, the
 * area points at the vCPU's GPR array (the assembly loads and saves the GPRs there
 * directly), the guest is entered with `hrfid`, and its state is copied back when an
 * interrupt returns the CPU to the hypervisor through the vectors (vectors.S).
 * Guest state the portable Vcpu has no field for (DAR, DSISR, PIDR) is kept here, per LPID,
 * so that partitions do not see each other's.
 */
import {
  eieio, isync, load64, mfmsr, mfspr, mtmsrd, mtspr, ptesync, store64, tlbie, tlbsync, type u64,
} from 'tsnc';
import type { Partition } from '../../../lpar/partition';
import { MAX_PARTITIONS } from '../../../lpar/config';
import { Exit, type Vcpu } from '../../../lpar/vcpu';
import { allocPages, NO_PAGES } from '../../../hv/pages';
import { buildPartitionTree, pateRadix } from '../radix';
import { MSR_HV, MSR_ME } from '../bits';
import { doublewordsAddress } from '../common/buffers';
import {
  SA_ASDR, SA_CR, SA_CTR, SA_DAR, SA_DEC, SA_DSISR, SA_GPRS, SA_HDAR, SA_HDEC, SA_HDSISR, SA_LPCR,
  SA_LPIDR, SA_LR, SA_MSR, SA_NIP, SA_PIDR, SA_SLOT, SA_SPRG0, SA_SRR0, SA_SRR1, SA_XER,
  SPR_AMOR, SPR_HFSCR, SPR_HRMOR, SPR_LPCR, SPR_PTCR,
} from './asm-offsets';

/** Enter the guest described by the save area `area`; returns the vector it exited by (switch.S). */
declare function enterGuest(area: u64): u64;
/** The boot CPU's save area, which HSPRG0 points at (switch.S). */
declare function pnvCpuArea(): u64;

/** runVcpu's result when partitioning is not set up: the partition cannot be entered. */
const ENTRY_REFUSED = -1;

/** Partition table: 16 bytes per LPID. 4 KiB (PATS = 0: 2^(12 + PATS) bytes) holds LPIDs 0..255. */
const PATB_BYTES: u64 = 0x1000n;
const PATS_4K: u64 = 0n;
const PATE_BYTES = 16;

// LPCR fields (Power ISA 3.1 Book III 2.2; bit n is ppcBit(n))
const LPCR_HAIL: u64 = 0x4000000n;              // bit 37: AIL for hypervisor interrupts (3.1)
const LPCR_ILE: u64 = 0x2000000n;               // bit 38: interrupts little-endian
const LPCR_AIL: u64 = 0x1800000n;               // bits 39-40: alternate interrupt location
const LPCR_AIL_SHIFT = 23n;
const LPCR_UPRT: u64 = 0x400000n;               // bit 41: use the process table
const LPCR_EVIRT: u64 = 0x200000n;              // bit 42: enhanced virtualisation
const LPCR_HR: u64 = 0x100000n;                 // bit 43: host (partitions) radix
const LPCR_LD: u64 = 0x20000n;                  // bit 46: large decrementer
const LPCR_MER: u64 = 0x800n;                   // bit 52: mediated external request
const LPCR_GTSE: u64 = 0x400n;                  // bit 53: guest translation shootdown enable
const LPCR_TC: u64 = 0x200n;                    // bit 54: translation control
const LPCR_HEIC: u64 = 0x10n;                   // bit 59: hypervisor external interrupt control
const LPCR_LPES: u64 = 0xcn;                    // bits 60-61: externals to the OS (1) or HV (0)
const LPCR_HVICE: u64 = 0x2n;                   // bit 62: hypervisor virtualisation interrupts
const LPCR_HDICE: u64 = 0x1n;                   // bit 63: HDEC interrupts

/** LPCR fields the hypervisor sets itself (the rest, e.g. DPFD and the wake-up enables, stay the firmware's). */
const LPCR_OWNED: u64 = LPCR_HAIL | LPCR_ILE | LPCR_AIL | LPCR_UPRT | LPCR_EVIRT | LPCR_HR | LPCR_LD |
  LPCR_MER | LPCR_GTSE | LPCR_TC | LPCR_HEIC | LPCR_LPES | LPCR_HVICE | LPCR_HDICE;

/**
 * Facilities a guest may use without a hypervisor facility unavailable interrupt (HFSCR,
 * bits counted from the least significant): prefixed instructions (13), msgsndp (10), TAR (8),
 * EBB (7), BHRB (4), PMU (3), DSCR (2), VMX/VSX (1), FP (0) — the set KVM gives its guests.
 */
const HFSCR_GUEST: u64 = 0x259fn;
/** The guest may change every AMR bit. */
const AMOR_ALL: u64 = 0xffffffffffffffffn;

/**
 * The longest HDEC load: a positive 32-bit value, whatever width the implementation gives
 * HDEC (a slice is at most one 10 ms round, 5.12 M ticks at QEMU's 512 MHz timebase).
 */
const HDEC_MAX: u64 = 0x7fffffffn;

// tlbie operands: IS = 2 (everything of one LPID) in RB, the LPID in RS; RIC = 2 (TLB, page
// walk cache and table caches), for the partition- (PRS = 0) and process-scoped (PRS = 1) parts
const TLBIE_IS_LPID: u64 = 0x800n;
const RIC_ALL = 2;
const RADIX = 1;

/** Guest SPRs kept per LPID (the Vcpu has no field for them). */
const EXTRA_DAR = 0, EXTRA_DSISR = 1, EXTRA_PIDR = 2, EXTRA_SLOTS = 3;
const extra = new BigUint64Array((MAX_PARTITIONS + 1) * EXTRA_SLOTS);

/** Real address of the partition table, 0 until initPartitioning succeeded. */
let patb: u64 = 0n;
/** The hypervisor's own LPCR; a guest's is derived from it. */
let hvLpcr: u64 = 0n;
/** This CPU's save area. */
let area: u64 = 0n;

/**
 * Take over the partitioning registers: allocate the partition table and point PTCR at it,
 * set the hypervisor's LPCR (HR = 1, nothing enabled that could interrupt it) and the guest
 * facility controls (HFSCR, AMOR), and enable machine checks now that the vectors report
 * them. False, with nothing changed, when HRMOR is not 0 (the vectors at real 0 would not be
 * the ones interrupts use) or the page pool has no room for the table.
 */
export function initPartitioning(): boolean {
  if (mfspr(SPR_HRMOR) !== 0n) return false;
  const table = allocPages(PATB_BYTES, PATB_BYTES);
  if (table === NO_PAGES) return false;
  ptesync();
  mtspr(SPR_PTCR, table | PATS_4K);
  hvLpcr = (mfspr(SPR_LPCR) & ~LPCR_OWNED) | LPCR_HR;
  mtspr(SPR_LPCR, hvLpcr);
  mtspr(SPR_HFSCR, HFSCR_GUEST);
  mtspr(SPR_AMOR, AMOR_ALL);
  mtmsrd(mfmsr() | MSR_ME, 0);
  isync();
  area = pnvCpuArea();
  patb = table;
  return true;
}

/**
 * Build the partition's radix tree (logical [0, memSize) to real [memBase, ...)) and its
 * partition-table entry, and forget whatever the LPID's translations were. False when the
 * page pool ran out (the entry is then left invalid).
 */
export function preparePartition(p: Partition): boolean {
  if (patb === 0n) return false;
  const root = buildPartitionTree(p.memBase, p.memSize);
  if (root === NO_PAGES) return false;
  store64(pateAddress(p), pateRadix(root));
  store64(BigInt.asUintN(64, pateAddress(p) + 8n), p.processTable);
  invalidateLpid(p.lpid);
  const at = p.lpid * EXTRA_SLOTS;
  extra.fill(0n, at, at + EXTRA_SLOTS);
  return true;
}

/**
 * Run `p`'s vCPU until it exits or `ticks` timebase ticks pass (HDEC), and save its state
 * back. Returns the interrupt vector that ended the run: 0xc00 for `sc 1` (nip = the
 * instruction after it), 0x980 HDEC, 0xe00 HDSI (hdar, hdsisr, asdr set), 0xe20 HISI,
 * 0xe40 emulation assistance, or any other vector the guest came back through; ENTRY_REFUSED
 * (negative) before initPartitioning.
 */
export function runVcpu(p: Partition, ticks: u64): number {
  if (patb === 0n) return ENTRY_REFUSED;
  syncProcessTable(p);
  loadGuest(p, ticks);
  const vector = Number(enterGuest(area));
  saveGuest(p, vector);
  return vector;
}

function pateAddress(p: Partition): u64 {
  return BigInt.asUintN(64, patb + BigInt(PATE_BYTES * p.lpid));
}

/** Write the process table the guest registered into its PATE, if it changed. */
function syncProcessTable(p: Partition): void {
  const dw1: u64 = BigInt.asUintN(64, pateAddress(p) + 8n);
  if (load64(dw1) === p.processTable) return;
  store64(dw1, p.processTable);
  invalidateLpid(p.lpid);
}

/** Discard every cached translation and table entry of `lpid` (after its PATE changed). */
function invalidateLpid(lpid: number): void {
  const rs: u64 = BigInt(lpid);
  ptesync();
  tlbie(TLBIE_IS_LPID, rs, RIC_ALL, 0, RADIX);
  tlbie(TLBIE_IS_LPID, rs, RIC_ALL, 1, RADIX);
  eieio();
  tlbsync();
  ptesync();
}

/** The LPCR `p` runs with. */
export function guestLpcr(hypervisorLpcr: u64, p: Partition): u64 {
  const v = p.vcpu;
  let lpcr: u64 = hypervisorLpcr | LPCR_HR | LPCR_UPRT | LPCR_HDICE;
  if (p.gtse) lpcr |= LPCR_GTSE;
  if (v.littleEndian) lpcr |= LPCR_ILE;
  return lpcr | (BigInt.asUintN(64, BigInt(v.ail & 3) << LPCR_AIL_SHIFT) & LPCR_AIL);
}

/** The MSR a guest is entered with: never hypervisor state, machine checks always on. */
export function guestMsr(msr: u64): u64 {
  return (msr & ~MSR_HV) | MSR_ME;
}

function put(offset: number, v: u64): void {
  store64(BigInt.asUintN(64, area + BigInt(offset)), v);
}

function get(offset: number): u64 {
  return load64(BigInt.asUintN(64, area + BigInt(offset)));
}

/** Fill the save area for a run of `p` lasting at most `ticks`. */
function loadGuest(p: Partition, ticks: u64): void {
  const v: Vcpu = p.vcpu;
  put(SA_GPRS, doublewordsAddress(v.gpr));
  put(SA_NIP, v.nip);
  put(SA_MSR, guestMsr(v.msr));
  put(SA_LR, v.lr);
  put(SA_CTR, v.ctr);
  put(SA_CR, v.cr);
  put(SA_XER, v.xer);
  put(SA_SRR0, v.srr0);
  put(SA_SRR1, v.srr1);
  put(SA_SPRG0, v.sprg0);
  put(SA_SPRG0 + SA_SLOT, v.sprg1);
  put(SA_SPRG0 + 2 * SA_SLOT, v.sprg2);
  put(SA_SPRG0 + 3 * SA_SLOT, v.sprg3);
  const at = p.lpid * EXTRA_SLOTS;
  put(SA_DAR, extra[at + EXTRA_DAR]);
  put(SA_DSISR, extra[at + EXTRA_DSISR]);
  put(SA_PIDR, extra[at + EXTRA_PIDR]);
  put(SA_DEC, v.dec);
  put(SA_LPIDR, BigInt(p.lpid));
  put(SA_LPCR, guestLpcr(hvLpcr, p));
  put(SA_HDEC, ticks < HDEC_MAX ? ticks : HDEC_MAX);
}

/** Copy the guest's state back from the save area after an exit by `vector` (the GPRs are back already). */
function saveGuest(p: Partition, vector: number): void {
  const v: Vcpu = p.vcpu;
  v.nip = get(SA_NIP);
  v.msr = get(SA_MSR);
  v.lr = get(SA_LR);
  v.ctr = get(SA_CTR);
  v.cr = get(SA_CR);
  v.xer = get(SA_XER);
  v.srr0 = get(SA_SRR0);
  v.srr1 = get(SA_SRR1);
  v.sprg0 = get(SA_SPRG0);
  v.sprg1 = get(SA_SPRG0 + SA_SLOT);
  v.sprg2 = get(SA_SPRG0 + 2 * SA_SLOT);
  v.sprg3 = get(SA_SPRG0 + 3 * SA_SLOT);
  v.dec = get(SA_DEC);
  const at = p.lpid * EXTRA_SLOTS;
  extra[at + EXTRA_DAR] = get(SA_DAR);
  extra[at + EXTRA_DSISR] = get(SA_DSISR);
  extra[at + EXTRA_PIDR] = get(SA_PIDR);
  if (vector === Exit.Hdsi || vector === Exit.Hisi) {
    v.hdar = get(SA_HDAR);
    v.hdsisr = get(SA_HDSISR);
    v.asdr = get(SA_ASDR);
  }
}
