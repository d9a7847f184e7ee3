/**
 * Running partitions on pseries: tshype is itself a guest (L1) of QEMU's hypervisor (L0) and
 * runs its partitions as nested guests (L2) through the nested KVM-HV API v1
 * (`-M pseries,cap-nested-hv=on`):
 *
 *   H_SET_PARTITION_TABLE(ptcr)          once: the table of partition-table entries, by LPID
 *   H_ENTER_NESTED(hv_state, pt_regs)    run an L2 vCPU until it exits; r3 = the interrupt vector
 *
 * The two structures are read by L0 in *its* byte order (QEMU TCG memcpy()s them: little-endian
 * on an x86 host; KVM on POWER uses the L1's). The first entry is tried big-endian; QEMU checks
 * `version <= 2` before anything else, so a wrong order fails with H_PARAMETER without side
 * effects and the entry is retried little-endian; the order that worked is kept.
 * L2 guests are radix-only: each partition gets a partition-scoped radix tree (radix.ts).
 */
import { load64, load64le, mftb, store32, store32le, store64, store64le, type i64, type u64 } from 'tsnc';
import type { Partition } from '../../../lpar/partition';
import { buildPartitionTree, pateRadix } from '../radix';
import { allocPages, NO_PAGES } from '../../../hv/pages';
import { bytesAddress } from '../common/buffers';

/** `sc 1` (entry.S): r3 = opcode, r4.. = arguments; returns r3. */
declare function paprHcall(opcode: u64, a1: u64, a2: u64, a3: u64, a4: u64): i64;

const H_SET_PARTITION_TABLE = 0xf800n;
const H_ENTER_NESTED = 0xf804n;
const H_PARAMETER: i64 = -4n;

/** Partition table: 16 bytes per LPID; 4 KiB (PATS = 0) holds LPIDs 0..255. */
const PATB_BYTES: u64 = 0x1000n;

// struct hv_guest_state, version 1 (Linux asm/hvcall.h; QEMU spapr_nested.h): offsets
const HV_VERSION = 0, HV_LPID = 8, HV_VCPU_TOKEN = 12, HV_LPCR = 16, HV_PCR = 24, HV_AMOR = 32;
const HV_DPDES = 40, HV_HFSCR = 48, HV_TB_OFFSET = 56, HV_DAWR0 = 64, HV_DAWRX0 = 72, HV_CIABR = 80;
const HV_HDEC_EXPIRY = 88, HV_HDAR = 128;
const HV_HDSISR = 136, HV_ASDR = 152, HV_SRR0 = 160, HV_SRR1 = 168, HV_SPRG0 = 176, HV_PIDR = 208;
const HV_CFAR = 216, HV_PPR = 224;
/** L0 maps sizeof(struct) of its newest version (v2: 248 bytes); keep room for it. */
const HV_STATE_BYTES = 256;

// struct pt_regs (user_pt_regs): gpr[32], then nip, msr, orig_gpr3, ctr, link, xer, ccr, ...
const REGS_NIP = 256, REGS_MSR = 264, REGS_CTR = 280, REGS_LINK = 288, REGS_XER = 296, REGS_CCR = 304;
const REGS_BYTES = 352;

/** LPCR bits L0 takes from hv_state: ILE (bit 38), AIL (bits 40-41). */
const LPCR_ILE: u64 = 0x2000000n;
const LPCR_AIL_SHIFT = 23n;

const hvState = new Uint8Array(HV_STATE_BYTES);
const ptRegs = new Uint8Array(REGS_BYTES);

let patb: u64 = 0n;
/** Byte order of the two structures: unknown until the first entry, then fixed. */
let orderKnown = false;
let littleEndian = false;

let hvStateAddr: u64 = 0n;
let ptRegsAddr: u64 = 0n;

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
  hvStateAddr = bytesAddress(hvState);
  ptRegsAddr = bytesAddress(ptRegs);
  return paprHcall(H_SET_PARTITION_TABLE, patb, 0n, 0n, 0n) === 0n;   // PATS = 0: 4 KiB
}

/** Build the partition's radix tree and its partition-table entry. False if out of pages. */
export function preparePartition(p: Partition): boolean {
  const root = buildPartitionTree(p.memBase, p.memSize);
  if (root === NO_PAGES) return false;
  const entry: u64 = BigInt.asUintN(64, patb + BigInt(16 * p.lpid));
  store64(entry, pateRadix(root));
  store64(BigInt.asUintN(64, entry + 8n), 0n);
  return true;
}

/** Write the vCPU's state into the two structures (at `hv`, `regs`) in byte order `le`. */
function fillState(le: boolean, hv: u64, regs: u64, p: Partition, ticks: u64): void {
  const v = p.vcpu;
  // every input field is written on each entry; the others are outputs of L0
  put64(le, hv, HV_VERSION, 1n);
  put32(le, hv, HV_LPID, p.lpid);
  put32(le, hv, HV_VCPU_TOKEN, 0);
  put64(le, hv, HV_LPCR, (v.littleEndian ? LPCR_ILE : 0n) | BigInt.asUintN(64, BigInt(v.ail) << LPCR_AIL_SHIFT));
  put64(le, hv, HV_PCR, 0n);
  put64(le, hv, HV_AMOR, 0xffffffffffffffffn);
  put64(le, hv, HV_DPDES, 0n);
  put64(le, hv, HV_HFSCR, 0xffffffffffffffffn);
  put64(le, hv, HV_TB_OFFSET, 0n);
  put64(le, hv, HV_DAWR0, 0n);
  put64(le, hv, HV_DAWRX0, 0n);
  put64(le, hv, HV_CIABR, 0n);
  put64(le, hv, HV_HDEC_EXPIRY, BigInt.asUintN(64, mftb() + ticks));
  put64(le, hv, HV_SRR0, v.srr0);
  put64(le, hv, HV_SRR1, v.srr1);
  put64(le, hv, HV_SPRG0, v.sprg0);
  put64(le, hv, HV_SPRG0 + 8, v.sprg1);
  put64(le, hv, HV_SPRG0 + 16, v.sprg2);
  put64(le, hv, HV_SPRG0 + 24, v.sprg3);
  put64(le, hv, HV_PIDR, 0n);
  put64(le, hv, HV_CFAR, 0n);
  put64(le, hv, HV_PPR, 0n);
  for (let i = 0; i < 32; i++) put64(le, regs, 8 * i, v.gpr[i]);
  put64(le, regs, REGS_NIP, v.nip);
  put64(le, regs, REGS_MSR, v.msr);
  put64(le, regs, REGS_CTR, v.ctr);
  put64(le, regs, REGS_LINK, v.lr);
  put64(le, regs, REGS_XER, v.xer);
  put64(le, regs, REGS_CCR, v.cr);
}

/** Read the vCPU's state back from the structures after an exit. */
function readBack(le: boolean, hv: u64, regs: u64, p: Partition): void {
  const v = p.vcpu;
  for (let i = 0; i < 32; i++) v.gpr[i] = get64(le, regs, 8 * i);
  v.nip = get64(le, regs, REGS_NIP);
  v.msr = get64(le, regs, REGS_MSR);
  v.ctr = get64(le, regs, REGS_CTR);
  v.lr = get64(le, regs, REGS_LINK);
  v.xer = get64(le, regs, REGS_XER);
  v.cr = get64(le, regs, REGS_CCR);
  v.srr0 = get64(le, hv, HV_SRR0);
  v.srr1 = get64(le, hv, HV_SRR1);
  v.sprg0 = get64(le, hv, HV_SPRG0);
  v.sprg1 = get64(le, hv, HV_SPRG0 + 8);
  v.sprg2 = get64(le, hv, HV_SPRG0 + 16);
  v.sprg3 = get64(le, hv, HV_SPRG0 + 24);
  v.hdar = get64(le, hv, HV_HDAR);
  v.hdsisr = get64(le, hv, HV_HDSISR);
  v.asdr = get64(le, hv, HV_ASDR);
}

/**
 * Run the partition's vCPU until it exits or `ticks` of timebase pass. Returns the interrupt
 * vector that ended the run (0xc00 hcall, 0x980 HDEC, 0xe00 HDSI, …), or a negative PAPR status
 * when L0 refused the entry.
 */
export function runVcpu(p: Partition, ticks: u64): number {
  store64(BigInt.asUintN(64, patb + BigInt(16 * p.lpid) + 8n), p.processTable);
  let rc = enter(p, ticks);
  if (!orderKnown && rc === H_PARAMETER) {
    littleEndian = !littleEndian;
    rc = enter(p, ticks);
  }
  if (rc < 0n) return Number(rc);
  orderKnown = true;
  if (littleEndian) readBack(true, hvStateAddr, ptRegsAddr, p);
  else readBack(false, hvStateAddr, ptRegsAddr, p);
  return Number(rc);
}

/** One H_ENTER_NESTED with the structures in the current byte order (one call site per order). */
function enter(p: Partition, ticks: u64): i64 {
  if (littleEndian) fillState(true, hvStateAddr, ptRegsAddr, p, ticks);
  else fillState(false, hvStateAddr, ptRegsAddr, p, ticks);
  return paprHcall(H_ENTER_NESTED, hvStateAddr, ptRegsAddr, 0n, 0n);
}

/** The byte order L0 uses for the nested structures ("big", "little", or "unknown" before any entry). */
export function nestedByteOrder(): string {
  if (!orderKnown) return 'unknown';
  return littleEndian ? 'little' : 'big';
}
