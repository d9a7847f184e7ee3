/**
 * Running partitions on pseries: tshype is itself a guest (L1) of QEMU's hypervisor (L0) and
 * runs its partitions as nested guests (L2) through the nested KVM-HV API v1
 * (`-M pseries,cap-nested-hv=on`):
 *
 *   H_SET_PARTITION_TABLE(ptcr)          once: the table of partition-table entries, by LPID
 *   H_ENTER_NESTED(hv_state, pt_regs)    run an L2 vCPU until it exits; r3 = the interrupt vector
 *   H_TLB_INVALIDATE(ric/prs/r, lpid, rb) after an LPID's partition-table entry changed
 *
 * The two structures are read by L0 in *its* byte order (QEMU TCG memcpy()s them: little-endian
 * on an x86 host; KVM on POWER uses the L1's). The first entry is tried big-endian; QEMU checks
 * `version <= 2` before anything else, so a wrong order fails with H_PARAMETER without side
 * effects and the entry is retried little-endian; the order that worked is kept.
 * L2 guests are radix-only: each partition gets a partition-scoped radix tree (radix.ts). LPIDs
 * start at 1: QEMU 7.2 asserts on LPID 0 (ref/LINUX-GUEST.md E.4).
 *
 * What L0 switches is the vCPU's entry/exit state here (the GPRs, NIP, MSR, LR, CTR, XER, CR
 * in pt_regs; CFAR, SRR0/1, SPRG0-3, PIDR, PPR, DPDES, DAWR0/DAWRX0, CIABR, and for a KVM L0
 * PURR, SPURR, IC and VTB in hv_state): copied between the Vcpu and the structures around
 * every entry. Everything else L0 leaves shared with L1 (E.7: DEC, DAR, DSISR, FP/VMX/VSX, the
 * storage keys, DSCR, TAR, FSCR, PSPB, EBB and PMU registers, …): tshype switches it itself
 * when the processor changes vCPU (common/switch.ts). On QEMU TCG, PURR, SPURR, IC, VTB and
 * PSSCR are not switched by L0 and not writable by L1: a partition reads them as L1 has them.
 *
 * Hcalls are handled on a fast path: after an hcall exit only r3..r12, NIP and MSR are copied
 * out, hvHcallFastPath (hv/main.ts) dispatches, and when it allows the vCPU to go on, r3..r12
 * are written back and the vCPU re-entered with the same slice deadline (pt_regs and hv_state
 * still hold everything else as L0 wrote it at the exit).
 */
import { load64, load64le, mftb, store32, store32le, store64, store64le, type i64, type u64 } from 'tsnc';
import type { Partition } from '../../../lpar/partition';
import type { Vcpu } from '../../../lpar/vcpu';
import { Exit } from '../exit';
import { buildPartitionTree, mapWindowPage, releasePartitionTree, unmapWindowPage } from '../radix';
import { allocPages, NO_PAGES } from '../common/pages';
import { bytesAddress } from '../common/buffers';
import { switchInit, switchNeeded, switchOut, switchTo } from '../common/switch';
import {
  AMOR_ALL, HFSCR_GUEST, PATB_BYTES, clearPartitionEntry, guestMsr, partitionLpcrBits, syncProcessTable, writePartitionEntry,
} from '../partitioning';

/** `sc 1` (entry.S): r3 = opcode, r4.. = arguments; returns r3. */
declare function paprHcall(opcode: u64, a1: u64, a2: u64, a3: u64, a4: u64): i64;
/** The hcall fast path of the portable hypervisor (hv/main.ts, linked by name). */
declare function hvHcallFastPath(p: Partition): boolean;

const H_SET_PARTITION_TABLE = 0xf800n;
const H_ENTER_NESTED = 0xf804n;
const H_TLB_INVALIDATE = 0xf808n;
const H_PARAMETER: i64 = -4n;

/**
 * H_TLB_INVALIDATE's first argument, tlbie's RIC, PRS and R fields (Linux H_TLBIE_P1_ENC):
 * RIC = 2 (TLB, page walk cache and table caches), radix, for the partition-scoped and the
 * process-scoped translations; the third argument is tlbie's RB, IS = 2: everything of the LPID.
 */
const TLBIE_ALL_PARTITION_SCOPED: u64 = 0x90000n;
const TLBIE_ALL_PROCESS_SCOPED: u64 = 0xb0000n;
const TLBIE_IS_LPID: u64 = 0x800n;

// struct hv_guest_state, version 1 (Linux asm/hvcall.h; QEMU include/hw/ppc/spapr.h): offsets
const HV_VERSION = 0, HV_LPID = 8, HV_VCPU_TOKEN = 12, HV_LPCR = 16, HV_PCR = 24, HV_AMOR = 32;
const HV_DPDES = 40, HV_HFSCR = 48, HV_TB_OFFSET = 56, HV_DAWR0 = 64, HV_DAWRX0 = 72, HV_CIABR = 80;
const HV_HDEC_EXPIRY = 88, HV_PURR = 96, HV_SPURR = 104, HV_IC = 112, HV_VTB = 120, HV_HDAR = 128;
const HV_HDSISR = 136, HV_HEIR = 144, HV_ASDR = 152, HV_SRR0 = 160, HV_SRR1 = 168, HV_SPRG0 = 176;
const HV_SPRG1 = 184, HV_SPRG2 = 192, HV_SPRG3 = 200, HV_PIDR = 208, HV_CFAR = 216, HV_PPR = 224;
/** L0 maps sizeof(struct) of its newest version (v2: 248 bytes); keep room for it. */
const HV_STATE_BYTES = 256;

// struct pt_regs (user_pt_regs): gpr[32], then nip, msr, orig_gpr3, ctr, link, xer, ccr, ...
const REGS_NIP = 256, REGS_MSR = 264, REGS_CTR = 280, REGS_LINK = 288, REGS_XER = 296, REGS_CCR = 304;
const REGS_BYTES = 352;

const hvState = new Uint8Array(HV_STATE_BYTES);
const ptRegs = new Uint8Array(REGS_BYTES);

let patb: u64 = 0n;
/** Byte order of the two structures: unknown until the first entry, then fixed. */
let orderKnown = false;
let littleEndian = false;

let hv: u64 = 0n;
let regs: u64 = 0n;

/** Store `v` at byte `off` of the structure at real address `base`, little-endian if `le`. */
function put64(le: boolean, base: u64, off: number, v: u64): void {
  const a: u64 = BigInt.asUintN(64, base + BigInt(off));
  if (le) store64le(a, v);
  else store64(a, v);
}

function put32(le: boolean, base: u64, off: number, v: number): void {
  const a: u64 = BigInt.asUintN(64, base + BigInt(off));
  if (le) store32le(a, v);
  else store32(a, v);
}

/** Load the doubleword at byte `off` of the structure at real address `base`. */
function get64(le: boolean, base: u64, off: number): u64 {
  const a: u64 = BigInt.asUintN(64, base + BigInt(off));
  return le ? load64le(a) : load64(a);
}

/** Set up the partition table with L0. False if the nested API is not available. */
export function initPartitioning(): boolean {
  patb = allocPages(PATB_BYTES, PATB_BYTES);
  if (patb === NO_PAGES) return false;
  hv = bytesAddress(hvState);
  regs = bytesAddress(ptRegs);
  switchInit();
  return paprHcall(H_SET_PARTITION_TABLE, patb, 0n, 0n, 0n) === 0n;   // PATS = 0: 4 KiB
}

/**
 * Build the partition's radix tree (with an empty grant window) in the LPID's kept pages
 * (radix.ts) and its partition-table entry. False if out of pages (the entry is left invalid).
 */
export function preparePartition(p: Partition): boolean {
  clearPartition(p);
  const root = buildPartitionTree(p.lpid, p.memBase, p.memSize);
  if (root === NO_PAGES) return false;
  writePartitionEntry(patb, p, root);
  invalidateLpid(p.lpid);
  return true;
}

/**
 * The partition-table entry of `p`'s LPID made invalid, L0 told to discard the LPID's cached
 * translations, and its tree's pages given back to the page pool (the root is kept for the
 * LPID's next preparePartition). The partition must not be running.
 */
export function clearPartition(p: Partition): void {
  if (patb === 0n || patb === NO_PAGES) return;
  clearPartitionEntry(patb, p.lpid);
  invalidateLpid(p.lpid);
  releasePartitionTree(p.lpid);
}

/**
 * Map page `index` of `p`'s grant window to the 4 KiB real page `real` (read-only unless
 * `writable`) and have L0 discard the LPID's cached translations. False, nothing changed, when
 * `p` has no tree or `index` is outside the window.
 */
export function mapGrantPage(p: Partition, index: number, real: u64, writable: boolean): boolean {
  if (!mapWindowPage(p.lpid, index, real, writable)) return false;
  invalidateLpid(p.lpid);
  return true;
}

/** Unmap page `index` of `p`'s grant window and have L0 discard the LPID's translations; false as mapGrantPage. */
export function unmapGrantPage(p: Partition, index: number): boolean {
  if (!unmapWindowPage(p.lpid, index)) return false;
  invalidateLpid(p.lpid);
  return true;
}

/** Tell L0 to discard every cached translation of `lpid` (its partition-table entry changed). */
function invalidateLpid(lpid: number): void {
  paprHcall(H_TLB_INVALIDATE, TLBIE_ALL_PARTITION_SCOPED, BigInt(lpid), TLBIE_IS_LPID, 0n);
  paprHcall(H_TLB_INVALIDATE, TLBIE_ALL_PROCESS_SCOPED, BigInt(lpid), TLBIE_IS_LPID, 0n);
}

/**
 * Run the partition's vCPU until it must come back to the scheduler or `ticks` of timebase
 * pass. Hcalls are dispatched on the fast path meanwhile. Returns the interrupt vector that
 * ended the run (0xc01 Exit.HcallHandled, 0x980 HDEC, 0xe00 HDSI, …), or a negative PAPR status
 * when L0 refused the entry.
 */
export function runVcpu(p: Partition, ticks: u64): number {
  if (syncProcessTable(patb, p)) invalidateLpid(p.lpid);
  const v = p.current;
  if (switchNeeded(v)) switchTo(v);
  const deadline: u64 = BigInt.asUintN(64, mftb() + ticks);
  let rc = enter(p, deadline);
  if (!orderKnown && rc === H_PARAMETER) {
    littleEndian = !littleEndian;
    rc = enter(p, deadline);
  }
  if (rc < 0n) return Number(rc);
  orderKnown = true;
  while (rc === BigInt(Exit.Hcall) && fastHcall(p)) rc = paprHcall(H_ENTER_NESTED, hv, regs, 0n, 0n);
  if (rc < 0n) return Number(rc);
  if (littleEndian) readBack(true, p);
  else readBack(false, p);
  return rc === BigInt(Exit.Hcall) ? Exit.HcallHandled : Number(rc);
}

/**
 * The hcall fast path: the hcall's registers out, the portable hypervisor's dispatch, its
 * results back into pt_regs (where readBack finds them if the vCPU goes back to the
 * scheduler), and true when the vCPU may be re-entered as it stands.
 */
function fastHcall(p: Partition): boolean {
  if (littleEndian) hcallOut(true, p.current);
  else hcallOut(false, p.current);
  const resume = hvHcallFastPath(p);
  if (littleEndian) hcallIn(true, p.current);
  else hcallIn(false, p.current);
  return resume;
}

/** The registers of an hcall exit: r3..r12 (opcode and arguments), NIP and MSR. */
function hcallOut(le: boolean, v: Vcpu): void {
  for (let i = 3; i <= 12; i++) v.gpr[i] = get64(le, regs, 8 * i);
  v.nip = get64(le, regs, REGS_NIP);
  v.msr = get64(le, regs, REGS_MSR);
}

/** Back into pt_regs: the hcall's results (r3..r12) and where and how the vCPU resumes. */
function hcallIn(le: boolean, v: Vcpu): void {
  for (let i = 3; i <= 12; i++) put64(le, regs, 8 * i, v.gpr[i]);
  put64(le, regs, REGS_NIP, v.nip);
  put64(le, regs, REGS_MSR, guestMsr(v.msr));
}

/** One H_ENTER_NESTED with the structures in the current byte order (one call site per order). */
function enter(p: Partition, deadline: u64): i64 {
  if (littleEndian) fillState(true, p, deadline);
  else fillState(false, p, deadline);
  return paprHcall(H_ENTER_NESTED, hv, regs, 0n, 0n);
}

/** Write the vCPU's entry state into the two structures in byte order `le`. */
function fillState(le: boolean, p: Partition, deadline: u64): void {
  const v = p.current;
  put64(le, hv, HV_VERSION, 1n);
  put32(le, hv, HV_LPID, p.lpid);
  put32(le, hv, HV_VCPU_TOKEN, v.index);
  put64(le, hv, HV_LPCR, partitionLpcrBits(p));
  put64(le, hv, HV_PCR, 0n);
  put64(le, hv, HV_AMOR, AMOR_ALL);
  put64(le, hv, HV_HFSCR, HFSCR_GUEST);
  put64(le, hv, HV_TB_OFFSET, 0n);
  put64(le, hv, HV_HDEC_EXPIRY, deadline);
  put64(le, hv, HV_DPDES, v.dpdes);
  put64(le, hv, HV_DAWR0, v.dawr0);
  put64(le, hv, HV_DAWRX0, v.dawrx0);
  put64(le, hv, HV_CIABR, v.ciabr);
  put64(le, hv, HV_PURR, v.purr);
  put64(le, hv, HV_SPURR, v.spurr);
  put64(le, hv, HV_IC, v.ic);
  put64(le, hv, HV_VTB, v.vtb);
  put64(le, hv, HV_SRR0, v.srr0);
  put64(le, hv, HV_SRR1, v.srr1);
  put64(le, hv, HV_SPRG0, v.sprg0);
  put64(le, hv, HV_SPRG1, v.sprg1);
  put64(le, hv, HV_SPRG2, v.sprg2);
  put64(le, hv, HV_SPRG3, v.sprg3);
  put64(le, hv, HV_PIDR, v.pidr);
  put64(le, hv, HV_CFAR, v.cfar);
  put64(le, hv, HV_PPR, v.ppr);
  // exit reports: L0 writes them only for the exits they describe; no stale value survives
  put64(le, hv, HV_HDAR, 0n);
  put64(le, hv, HV_HDSISR, 0n);
  put64(le, hv, HV_HEIR, 0n);
  put64(le, hv, HV_ASDR, 0n);
  for (let i = 0; i < 32; i++) put64(le, regs, 8 * i, v.gpr[i]);
  put64(le, regs, REGS_NIP, v.nip);
  put64(le, regs, REGS_MSR, guestMsr(v.msr));
  put64(le, regs, REGS_CTR, v.ctr);
  put64(le, regs, REGS_LINK, v.lr);
  put64(le, regs, REGS_XER, v.xer);
  put64(le, regs, REGS_CCR, v.cr);
}

/** Read the vCPU's state back from the structures after an exit. */
function readBack(le: boolean, p: Partition): void {
  const v = p.current;
  for (let i = 0; i < 32; i++) v.gpr[i] = get64(le, regs, 8 * i);
  v.nip = get64(le, regs, REGS_NIP);
  v.msr = get64(le, regs, REGS_MSR);
  v.ctr = get64(le, regs, REGS_CTR);
  v.lr = get64(le, regs, REGS_LINK);
  v.xer = get64(le, regs, REGS_XER);
  v.cr = get64(le, regs, REGS_CCR);
  v.dpdes = get64(le, hv, HV_DPDES);
  v.purr = get64(le, hv, HV_PURR);
  v.spurr = get64(le, hv, HV_SPURR);
  v.ic = get64(le, hv, HV_IC);
  v.vtb = get64(le, hv, HV_VTB);
  v.srr0 = get64(le, hv, HV_SRR0);
  v.srr1 = get64(le, hv, HV_SRR1);
  v.sprg0 = get64(le, hv, HV_SPRG0);
  v.sprg1 = get64(le, hv, HV_SPRG1);
  v.sprg2 = get64(le, hv, HV_SPRG2);
  v.sprg3 = get64(le, hv, HV_SPRG3);
  v.pidr = get64(le, hv, HV_PIDR);
  v.cfar = get64(le, hv, HV_CFAR);
  v.ppr = get64(le, hv, HV_PPR);
  v.hdar = get64(le, hv, HV_HDAR);
  v.hdsisr = get64(le, hv, HV_HDSISR);
  v.asdr = get64(le, hv, HV_ASDR);
  v.heir = get64(le, hv, HV_HEIR);
}

/**
 * Make `v`'s Vcpu the only copy of its switched state (the platform interface): the processor's
 * switched registers are saved into whichever vCPU holds them; the next entry loads them again.
 * (The hv_guest_state fields are the entry/exit state here, always current in the Vcpu after
 * a full exit.)
 */
export function syncVcpu(_v: Vcpu): void {
  switchOut();
}

/** The byte order L0 uses for the nested structures ("big", "little", or "unknown" before any entry). */
export function nestedByteOrder(): string {
  if (!orderKnown) return 'unknown';
  return littleEndian ? 'little' : 'big';
}
