/**
 * Running partitions on powernv: tshype is the hypervisor of the bare machine and owns the
 * partitioning registers itself (ref/platform-probes/powernv/pnv.S shows the values tested).
 *
 *   PTCR    the partition table: 16 bytes per LPID; dw0 = the partition-scoped radix tree
 *           (radix.ts), dw1 = the process table the guest registered (H_REGISTER_PROC_TBL);
 *           for a partition in HPT mode dw0 = its hashed page table (hash.ts), dw1 = 0
 *   LPIDR   the running partition's LPID (0: the hypervisor)
 *   LPCR    the hypervisor's: HR (radix partitions), externals and HDEC not enabled in
 *           hypervisor state; a guest's adds UPRT, HDICE, GTSE, ILE, AIL and sends external
 *           interrupts to the hypervisor (LPES = 0)
 *   HDEC    the time slice: its expiry brings the CPU back (vector 0x980)
 *
 * A run is one call of enterGuest (switch.S) on the CPU's save area (asm-offsets.ts): the area
 * names the Vcpu, whose entry/exit registers the assembly loads and saves in place, and the
 * LPIDR, LPCR and HDEC to run it with. Hcalls are handled on the assembly's fast path
 * (hv/main.ts hvHcallFastPath) without coming back here unless the vCPU must be rescheduled.
 * The rest of a vCPU's state (lpar/vcpu.ts, "switched state") stays in the processor while the
 * same vCPU runs again, and is exchanged here when the processor changes vCPU.
 */
import {
  eieio, isync, mfmsr, mfspr, mtmsrd, mtspr, ptesync, store64, tlbie, tlbsync, type u64,
} from 'tsnc';
import type { Partition } from '../../../lpar/partition';
import type { Vcpu } from '../../../lpar/vcpu';
import { allocPages, NO_PAGES } from '../common/pages';
import { buildPartitionTree, mapWindowPage, releasePartitionTree, unmapWindowPage } from '../radix';
import { LPCR_VRMASD, preparePartitionHpt, releasePartitionHpt, setVrmaLargePages, vrmaLpcrBits } from '../hash';
import { MSR_ME } from '../bits';
import { doublewordsAddress, partitionAddress, vcpuAddress, vcpuAt } from '../common/buffers';
import { switchInit, switchNeeded, switchOut, switchTo } from '../common/switch';
import {
  AMOR_ALL, HFSCR_GUEST, LPCR_AIL, LPCR_EVIRT, LPCR_GTSE, LPCR_HAIL, LPCR_HDICE, LPCR_HEIC, LPCR_HR,
  LPCR_HVICE, LPCR_ILE, LPCR_LD, LPCR_LPES, LPCR_MER, LPCR_TC, LPCR_UPRT, PATB_BYTES, PATS_4K,
  clearPartitionEntry, partitionLpcrBits, syncProcessTable, writeHashPartitionEntry, writePartitionEntry,
} from '../partitioning';
import {
  SA_HDEC, SA_HV_LPCR, SA_LPCR, SA_LPIDR, SA_PARTITION, SA_VCPU, SA_VCPU_GPRS,
  SPR_AMOR, SPR_HFSCR, SPR_HRMOR, SPR_LPCR, SPR_PTCR,
} from './asm-offsets';

/** Enter the vCPU the save area `area` names; returns the vector it exited by (switch.S). */
declare function enterGuest(area: u64): u64;
/** The boot CPU's save area, which HSPRG0 points at (switch.S). */
declare function pnvCpuArea(): u64;

/** runVcpu's result when partitioning is not set up: the partition cannot be entered. */
const ENTRY_REFUSED = -1;

/** LPCR fields the hypervisor sets itself (the rest, e.g. DPFD and the wake-up enables, stay the firmware's). */
const LPCR_OWNED: u64 = LPCR_HAIL | LPCR_ILE | LPCR_AIL | LPCR_UPRT | LPCR_EVIRT | LPCR_HR | LPCR_LD |
  LPCR_MER | LPCR_GTSE | LPCR_TC | LPCR_HEIC | LPCR_LPES | LPCR_HVICE | LPCR_HDICE;

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
/** The same for translations an HPT partition (R = 0) cached. */
const HASH = 0;

// The hypervisor-privileged SPRs of a vCPU's switched state (common/switch.ts has the rest).
const SPR_PIDR = 48, SPR_DPDES = 176, SPR_DAWR0 = 180, SPR_CIABR = 187, SPR_DAWRX0 = 188;
const SPR_SPRG0 = 272, SPR_SPRG1 = 273, SPR_SPRG2 = 274, SPR_SPRG3 = 275;
const SPR_SPURR = 308, SPR_PURR = 309, SPR_IC = 848, SPR_VTB = 849, SPR_PSSCR = 855, SPR_PPR = 896;
/**
 * PSSCR fields a guest may set (Power ISA 3.0: EC, ESL, PSLL, MTL, RL; KVM's PSSCR_GUEST_VIS):
 * the stop-state requests. The hypervisor's own fields are not the guest's to keep.
 */
const PSSCR_GUEST: u64 = 0xf0000000000003ffn;
/** The rest of PSSCR, the hypervisor's. */
const PSSCR_HYPERVISOR: u64 = 0x0ffffffffffffc00n;

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
  hvLpcr = (mfspr(SPR_LPCR) & ~(LPCR_OWNED | LPCR_VRMASD)) | LPCR_HR;
  mtspr(SPR_LPCR, hvLpcr);
  // The VRMA in 4 KiB pages (VRMASD = 0), which every POWER9 translates: QEMU 7.2's POWER9
  // ignores LPCR[VRMASD] (not in its lpcr_mask), so a 64 KiB VRMA would not be found there.
  setVrmaLargePages(false);
  mtspr(SPR_HFSCR, HFSCR_GUEST);
  mtspr(SPR_AMOR, AMOR_ALL);
  mtmsrd(mfmsr() | MSR_ME, 0);
  isync();
  switchInit();
  area = pnvCpuArea();
  store64(BigInt.asUintN(64, area + BigInt(SA_HV_LPCR)), hvLpcr);
  patb = table;
  return true;
}

/**
 * Build the partition's radix tree (logical [0, memSize) to real [memBase, ...), an empty grant
 * window) in the LPID's kept pages (radix.ts) and its partition-table entry, and forget
 * whatever the LPID's translations were. False when the page pool ran out (the entry is then
 * left invalid).
 */
export function preparePartition(p: Partition): boolean {
  if (patb === 0n) return false;
  clearPartition(p);   // the LPID's previous tree given back (a grant window too), its entry invalid
  if (p.hpt) return prepareHashPartition(p);
  releasePartitionHpt(p);
  const root = buildPartitionTree(p.lpid, p.memBase, p.memSize);
  if (root === NO_PAGES) return false;
  writePartitionEntry(patb, p, root);
  invalidateLpid(p.lpid);
  return true;
}

/**
 * preparePartition for a partition in HPT mode: a fresh HPT with its VRMA (hash.ts) in its
 * partition-table entry. False when no HPT could be had.
 */
function prepareHashPartition(p: Partition): boolean {
  if (!preparePartitionHpt(p)) return false;
  writeHashPartitionEntry(patb, p);
  invalidateLpid(p.lpid);
  return true;
}

/**
 * The partition-table entry of `p`'s LPID made invalid, every cached translation of the LPID
 * discarded, and its tree's pages given back to the page pool (its root is kept for the LPID's
 * next preparePartition). The partition must not be running.
 */
export function clearPartition(p: Partition): void {
  if (patb === 0n) return;
  clearPartitionEntry(patb, p.lpid);
  invalidateLpid(p.lpid);
  releasePartitionTree(p.lpid);
}

/**
 * Map page `index` of `p`'s grant window to the 4 KiB real page `real` (read-only unless
 * `writable`) and discard the LPID's cached translations. False, nothing changed, when `p` has
 * no tree or `index` is outside the window.
 */
export function mapGrantPage(p: Partition, index: number, real: u64, writable: boolean): boolean {
  if (!mapWindowPage(p.lpid, index, real, writable)) return false;
  invalidateLpid(p.lpid);
  return true;
}

/** Unmap page `index` of `p`'s grant window and discard the LPID's cached translations; false as mapGrantPage. */
export function unmapGrantPage(p: Partition, index: number): boolean {
  if (!unmapWindowPage(p.lpid, index)) return false;
  invalidateLpid(p.lpid);
  return true;
}

/**
 * Run `p`'s vCPU until it must come back to the scheduler or `ticks` timebase ticks pass
 * (HDEC). Hcalls are dispatched on the fast path meanwhile. Returns the interrupt vector that
 * ended the run: 0xc01 (Exit.HcallHandled) after an hcall that ended the vCPU's turn, 0x980
 * HDEC, 0xe00 HDSI (hdar, hdsisr, asdr set), 0xe20 HISI, 0xe40 emulation assistance (heir), or
 * any other vector the guest came back through; ENTRY_REFUSED (negative) before
 * initPartitioning.
 */
export function runVcpu(p: Partition, ticks: u64): number {
  if (patb === 0n) return ENTRY_REFUSED;
  const v = p.current;
  if (syncProcessTable(patb, p)) invalidateLpid(p.lpid);
  if (switchNeeded(v)) switchProcessorTo(v);
  put(SA_VCPU, vcpuAddress(v));
  put(SA_VCPU_GPRS, doublewordsAddress(v.gpr));
  put(SA_PARTITION, partitionAddress(p));
  put(SA_LPIDR, BigInt(p.lpid));
  put(SA_LPCR, guestLpcr(hvLpcr, p));
  put(SA_HDEC, ticks < HDEC_MAX ? ticks : HDEC_MAX);
  return Number(enterGuest(area));
}

/**
 * Make `v` the vCPU whose switched state the processor holds (common/switch.ts), with the
 * switched registers only the hypervisor can reach.
 */
function switchProcessorTo(v: Vcpu): void {
  const saved = switchTo(v);
  if (saved !== 0n) saveHypervisorOwned(vcpuAt(saved));
  loadHypervisorOwned(v);
}

/**
 * Make `v`'s Vcpu the only copy of its switched state (the platform interface): whatever vCPU
 * the processor holds is saved, with the registers only the hypervisor reaches, and the next
 * entry loads its state again.
 */
export function syncVcpu(_v: Vcpu): void {
  const saved = switchOut();
  if (saved !== 0n) saveHypervisorOwned(vcpuAt(saved));
}

/** The switched registers only the hypervisor can reach (the rest: common/switch.ts). */
function saveHypervisorOwned(v: Vcpu): void {
  v.sprg0 = mfspr(SPR_SPRG0);
  v.sprg1 = mfspr(SPR_SPRG1);
  v.sprg2 = mfspr(SPR_SPRG2);
  v.sprg3 = mfspr(SPR_SPRG3);
  v.pidr = mfspr(SPR_PIDR);
  v.ppr = mfspr(SPR_PPR);
  v.dpdes = mfspr(SPR_DPDES);
  v.dawr0 = mfspr(SPR_DAWR0);
  v.dawrx0 = mfspr(SPR_DAWRX0);
  v.ciabr = mfspr(SPR_CIABR);
  v.psscr = mfspr(SPR_PSSCR) & PSSCR_GUEST;
  v.vtb = mfspr(SPR_VTB);
  v.purr = mfspr(SPR_PURR);
  v.spurr = mfspr(SPR_SPURR);
  v.ic = mfspr(SPR_IC);
}

function loadHypervisorOwned(v: Vcpu): void {
  mtspr(SPR_SPRG0, v.sprg0);
  mtspr(SPR_SPRG1, v.sprg1);
  mtspr(SPR_SPRG2, v.sprg2);
  mtspr(SPR_SPRG3, v.sprg3);
  mtspr(SPR_PIDR, v.pidr);
  mtspr(SPR_PPR, v.ppr);
  mtspr(SPR_DPDES, v.dpdes);
  mtspr(SPR_DAWR0, v.dawr0);
  mtspr(SPR_DAWRX0, v.dawrx0);
  mtspr(SPR_CIABR, v.ciabr);
  mtspr(SPR_PSSCR, (mfspr(SPR_PSSCR) & PSSCR_HYPERVISOR) | (v.psscr & PSSCR_GUEST));
  mtspr(SPR_VTB, v.vtb);
  mtspr(SPR_PURR, v.purr);
  mtspr(SPR_SPURR, v.spurr);
  mtspr(SPR_IC, v.ic);
}

/** Discard every cached translation and table entry of `lpid` (after its PATE changed). */
function invalidateLpid(lpid: number): void {
  const rs: u64 = BigInt(lpid);
  ptesync();
  tlbie(TLBIE_IS_LPID, rs, RIC_ALL, 0, RADIX);
  tlbie(TLBIE_IS_LPID, rs, RIC_ALL, 1, RADIX);
  tlbie(TLBIE_IS_LPID, rs, 0, 0, HASH);
  eieio();
  tlbsync();
  ptesync();
}

/**
 * The LPCR `p` runs with: radix with the process table, HDEC interrupts, its own ILE/AIL/GTSE;
 * in HPT mode HR = 0, no process table (UPRT = 0) and the VRMA's page size in VRMASD instead.
 */
export function guestLpcr(hypervisorLpcr: u64, p: Partition): u64 {
  if (p.hpt) return (hypervisorLpcr & ~(LPCR_HR | LPCR_VRMASD)) | vrmaLpcrBits() | LPCR_HDICE | partitionLpcrBits(p);
  return hypervisorLpcr | LPCR_HR | LPCR_UPRT | LPCR_HDICE | partitionLpcrBits(p);
}

function put(offset: number, v: u64): void {
  store64(BigInt.asUintN(64, area + BigInt(offset)), v);
}
