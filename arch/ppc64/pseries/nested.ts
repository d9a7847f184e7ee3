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
import { mftb, store64, type i64, type u64 } from 'tsnc';
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
const HV_DPDES = 40, HV_HFSCR = 48, HV_TB_OFFSET = 56, HV_HDEC_EXPIRY = 88, HV_HDAR = 128;
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

/** Store `v` at `off` of `buf` in the structures' byte order. */
function put64(buf: Uint8Array, off: number, v: u64): void {
  for (let i = 0; i < 8; i++) {
    const shift: u64 = BigInt(littleEndian ? 8 * i : 56 - 8 * i);
    buf[off + i] = Number((v >> shift) & 0xffn);
  }
}

function put32(buf: Uint8Array, off: number, v: number): void {
  for (let i = 0; i < 4; i++) buf[off + i] = (v >>> (littleEndian ? 8 * i : 24 - 8 * i)) & 0xff;
}

/** Load the doubleword at `off` of `buf` in the structures' byte order. */
function get64(buf: Uint8Array, off: number): u64 {
  let v: u64 = 0n;
  for (let i = 0; i < 8; i++) {
    const b: u64 = BigInt(buf[littleEndian ? off + 7 - i : off + i]);
    v = BigInt.asUintN(64, v << 8n) | b;
  }
  return v;
}

/** Set up the partition table with L0. False if the nested API is not available. */
export function initPartitioning(): boolean {
  patb = allocPages(PATB_BYTES, PATB_BYTES);
  if (patb === NO_PAGES) return false;
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

function fillState(p: Partition, ticks: u64): void {
  const v = p.vcpu;
  hvState.fill(0);
  put64(hvState, HV_VERSION, 1n);
  put32(hvState, HV_LPID, p.lpid);
  put32(hvState, HV_VCPU_TOKEN, 0);
  put64(hvState, HV_LPCR, (v.littleEndian ? LPCR_ILE : 0n) | BigInt.asUintN(64, BigInt(v.ail) << LPCR_AIL_SHIFT));
  put64(hvState, HV_PCR, 0n);
  put64(hvState, HV_AMOR, 0xffffffffffffffffn);
  put64(hvState, HV_DPDES, 0n);
  put64(hvState, HV_HFSCR, 0xffffffffffffffffn);
  put64(hvState, HV_TB_OFFSET, 0n);
  put64(hvState, HV_HDEC_EXPIRY, BigInt.asUintN(64, mftb() + ticks));
  put64(hvState, HV_SRR0, v.srr0);
  put64(hvState, HV_SRR1, v.srr1);
  put64(hvState, HV_SPRG0, v.sprg0);
  put64(hvState, HV_SPRG0 + 8, v.sprg1);
  put64(hvState, HV_SPRG0 + 16, v.sprg2);
  put64(hvState, HV_SPRG0 + 24, v.sprg3);
  put64(hvState, HV_PIDR, 0n);
  put64(hvState, HV_CFAR, 0n);
  put64(hvState, HV_PPR, 0n);
  for (let i = 0; i < 32; i++) put64(ptRegs, 8 * i, v.gpr[i]);
  put64(ptRegs, REGS_NIP, v.nip);
  put64(ptRegs, REGS_MSR, v.msr);
  put64(ptRegs, REGS_CTR, v.ctr);
  put64(ptRegs, REGS_LINK, v.lr);
  put64(ptRegs, REGS_XER, v.xer);
  put64(ptRegs, REGS_CCR, v.cr);
}

function readBack(p: Partition): void {
  const v = p.vcpu;
  for (let i = 0; i < 32; i++) v.gpr[i] = get64(ptRegs, 8 * i);
  v.nip = get64(ptRegs, REGS_NIP);
  v.msr = get64(ptRegs, REGS_MSR);
  v.ctr = get64(ptRegs, REGS_CTR);
  v.lr = get64(ptRegs, REGS_LINK);
  v.xer = get64(ptRegs, REGS_XER);
  v.cr = get64(ptRegs, REGS_CCR);
  v.srr0 = get64(hvState, HV_SRR0);
  v.srr1 = get64(hvState, HV_SRR1);
  v.sprg0 = get64(hvState, HV_SPRG0);
  v.sprg1 = get64(hvState, HV_SPRG0 + 8);
  v.sprg2 = get64(hvState, HV_SPRG0 + 16);
  v.sprg3 = get64(hvState, HV_SPRG0 + 24);
  v.hdar = get64(hvState, HV_HDAR);
  v.hdsisr = get64(hvState, HV_HDSISR);
  v.asdr = get64(hvState, HV_ASDR);
}

/**
 * Run the partition's vCPU until it exits or `ticks` of timebase pass. Returns the interrupt
 * vector that ended the run (0xc00 hcall, 0x980 HDEC, 0xe00 HDSI, …), or a negative PAPR status
 * when L0 refused the entry.
 */
export function runVcpu(p: Partition, ticks: u64): number {
  store64(BigInt.asUintN(64, patb + BigInt(16 * p.lpid) + 8n), p.processTable);
  fillState(p, ticks);
  let rc = paprHcall(H_ENTER_NESTED, bytesAddress(hvState), bytesAddress(ptRegs), 0n, 0n);
  if (!orderKnown && rc === H_PARAMETER) {
    littleEndian = !littleEndian;
    fillState(p, ticks);
    rc = paprHcall(H_ENTER_NESTED, bytesAddress(hvState), bytesAddress(ptRegs), 0n, 0n);
  }
  if (rc < 0n) return Number(rc);
  orderKnown = true;
  readBack(p);
  return Number(rc);
}

/** The byte order L0 uses for the nested structures ("big", "little", or "unknown" before any entry). */
export function nestedByteOrder(): string {
  if (!orderKnown) return 'unknown';
  return littleEndian ? 'little' : 'big';
}
