/**
 * The switched state of a vCPU (lpar/vcpu.ts): the registers the hypervisor itself never
 * touches, which stay in the processor while the same vCPU is resumed and are exchanged only
 * when the processor changes vCPU. Shared by both back ends; each adds what only it can reach
 * (powernv: the hypervisor-privileged SPRs; pseries: the nested API's hv_guest_state fields).
 *
 * What is switched here (privileged, so reachable from a pseries L1 too):
 *   DAR, DSISR, DEC (as a count that runs on while the vCPU is out), the storage keys (AMR,
 *   IAMR, UAMOR), DSCR, TAR, FSCR, PSPB, CTRL, VRSAVE, TIDR, EAR, ACOP, WORT, TACR, TCSCR,
 *   CSIGR, HASHKEYR (POWER10), the event-based branch registers, the performance monitor
 *   (frozen while it is out), the transactional-memory SPRs (where MSR[TM] can be set), QEMU's
 *   stand-alone copies of BESCRS, BESCRR and USIER, and FP, VMX and VSX (common/vector.S).
 * What is scrubbed instead: the SLB (radix partitions do not use it, but a guest can write and
 *   read it back; every entry is zeroed, as KVM does for radix guests) and any load reservation.
 *   A vCPU in HPT mode (Vcpu.hashMmu) has its SLB switched: saved entry by entry before the
 *   scrub, loaded again after it.
 *
 * The hypervisor runs with MSR[FP|VEC|VSX] = 0, so any use of those registers by hypervisor
 * code would trap rather than disturb a guest's values (common/vector.S enables them only
 * around the save and load).
 */
import { asm, isync, mfmsr, mfspr, mftb, mtmsrd, mtspr, type i64, type u64 } from 'tsnc';
import type { Vcpu } from '../../../lpar/vcpu';
import { MSR_TM, SLB_ENTRIES } from '../bits';
import { isPower10 } from '../cpu';
import { vcpuAddress, vcpuAt } from './buffers';

/** Save FPRs, VRs, VSRs, FPSCR and VSCR into the vCPU (common/vector.S). */
declare function saveVectorState(v: Vcpu): void;
/** Load them from the vCPU (common/vector.S). */
declare function loadVectorState(v: Vcpu): void;
/** Zero every SLB entry and cancel any load reservation (common/vector.S). */
declare function scrubProcessor(): void;

// SPR numbers (Power ISA 3.0/3.1 Book III; QEMU target/ppc/cpu.h)
const SPR_DSCR = 17, SPR_DSISR = 18, SPR_DAR = 19, SPR_DEC = 22, SPR_AMR = 29, SPR_ACOP = 31;
const SPR_IAMR = 61, SPR_TFHAR = 128, SPR_TFIAR = 129, SPR_TEXASR = 130, SPR_CTRL_READ = 136;
const SPR_TIDR = 144, SPR_CTRL_WRITE = 152, SPR_FSCR = 153, SPR_UAMOR = 157, SPR_PSPB = 159;
const SPR_VRSAVE = 256, SPR_EAR = 282, SPR_HASHKEYR = 468;
const SPR_SIER = 784, SPR_MMCR2 = 785, SPR_MMCRA = 786, SPR_PMC1 = 787, SPR_PMC2 = 788;
const SPR_PMC3 = 789, SPR_PMC4 = 790, SPR_PMC5 = 791, SPR_PMC6 = 792, SPR_MMCR0 = 795;
const SPR_SIAR = 796, SPR_SDAR = 797, SPR_MMCR1 = 798, SPR_EBBHR = 804, SPR_EBBRR = 805;
const SPR_BESCR = 806, SPR_TAR = 815, SPR_TACR = 888, SPR_TCSCR = 889, SPR_CSIGR = 890;
const SPR_SPMC1 = 892, SPR_SPMC2 = 893, SPR_MMCRS = 894, SPR_WORT = 895;
// views of other registers on hardware, registers of their own in QEMU 7.2 (switchInit)
const SPR_USIER = 768, SPR_BESCRS = 800, SPR_BESCRR = 802;
/** A value to tell a view from a register of its own. */
const ALIAS_PROBE: u64 = 0x5a5a0000n;

/** MMCR0[FC]: freeze the counters. */
const MMCR0_FC: u64 = 0x80000000n;
/** The smallest value of a 32-bit decrementer, as mtspr DEC takes it (an expired decrementer). */
const DEC_MIN: u64 = 0xffffffff80000000n;
const DEC_MIN_SIGNED: i64 = -0x80000000n;
/** Ticks after which any 32-bit decrementer has long expired. */
const DEC_SPAN: u64 = 0x100000000n;

/** What this processor has (switchInit). */
let hasTm = false;
let hasHashKey = false;
/** USIER, BESCRS and BESCRR hold values of their own (QEMU 7.2) rather than being views. */
let separateViews = false;

/**
 * The address of the vCPU whose switched state the processor holds (0: none yet), and its
 * epoch then (lpar/vcpu.ts): a vCPU reset since must not have the processor's old values saved
 * over its new ones.
 */
let resident: u64 = 0n;
let residentEpoch = -1;

/** True when the processor does not hold `v`'s switched state (another vCPU's, or v's from before a reset). */
export function switchNeeded(v: Vcpu): boolean {
  return resident !== vcpuAddress(v) || residentEpoch !== v.epoch;
}

/**
 * Make `v` the vCPU whose switched state the processor holds: save the resident vCPU's into it
 * (unless it was reset since it last ran: the processor's values are then an earlier tenant's),
 * load `v`'s. Returns the address of the vCPU saved into (0: none), for a back end with more
 * registers of its own to switch (powernv).
 */
export function switchTo(v: Vcpu): u64 {
  const saved = switchOut();
  loadSwitchedState(v);
  resident = vcpuAddress(v);
  residentEpoch = v.epoch;
  return saved;
}

/**
 * Save the resident vCPU's switched state into its Vcpu and leave the processor holding none:
 * the Vcpu is then the only copy (a handler may read or change it), and the next entry of
 * any vCPU loads its state. Returns the address of the vCPU saved into (0: none), for a back
 * end with more registers of its own to save (powernv).
 */
export function switchOut(): u64 {
  let saved: u64 = 0n;
  if (resident !== 0n) {
    const old = vcpuAt(resident);
    if (residentEpoch === old.epoch) {
      saveSwitchedState(old);
      saved = resident;
    }
  }
  resident = 0n;
  residentEpoch = -1;
  return saved;
}

/**
 * The timebase value at which `v`'s decrementer goes negative (its DEC interrupt): read from
 * the processor while `v` is resident there, else from the value it was saved with.
 */
export function decExpiry(v: Vcpu): u64 {
  if (!switchNeeded(v)) {
    return BigInt.asUintN(64, mftb() + BigInt.asUintN(64, BigInt.asIntN(32, mfspr(SPR_DEC))));
  }
  return BigInt.asUintN(64, v.decTimebase + BigInt.asUintN(64, BigInt.asIntN(32, v.dec)));
}

/**
 * Find out what the processor implements: POWER10's hash key register, transactional memory
 * (its SPRs are reachable only with MSR[TM] = 1, which a processor without TM does not keep),
 * and whether USIER, BESCRS and BESCRR are views (hardware: USIER reads SIER) or registers of
 * their own (QEMU 7.2), which must then be switched too. Call once before the first switch.
 */
export function switchInit(): void {
  hasHashKey = isPower10();
  const sier = mfspr(SPR_SIER);
  mtspr(SPR_SIER, ALIAS_PROBE);
  separateViews = mfspr(SPR_USIER) !== ALIAS_PROBE;
  mtspr(SPR_SIER, sier);
  const msr = mfmsr();
  mtmsrd(msr | MSR_TM, 0);
  isync();
  hasTm = (mfmsr() & MSR_TM) !== 0n;
  mtmsrd(msr, 0);
  isync();
}

/**
 * The decrementer `v` holds at timebase `now`: the 32-bit value it was saved with, counted down
 * by the ticks since (it runs on while the vCPU is out, as on a processor of its own), and held
 * at the most negative value once that far past zero. Returned as mtspr DEC takes it.
 */
export function decAt(v: Vcpu, now: u64): u64 {
  const elapsed: u64 = BigInt.asUintN(64, now - v.decTimebase);
  if (elapsed >= DEC_SPAN) return DEC_MIN;
  const left: i64 = BigInt.asIntN(64, BigInt.asIntN(32, v.dec) - BigInt.asIntN(64, elapsed));
  return left < DEC_MIN_SIGNED ? DEC_MIN : BigInt.asUintN(64, left);
}

/** Save the switched state the processor holds into `v` (the vCPU that last ran on it). */
function saveSwitchedState(v: Vcpu): void {
  v.dec = mfspr(SPR_DEC);
  v.decTimebase = mftb();
  v.dar = mfspr(SPR_DAR);
  v.dsisr = mfspr(SPR_DSISR);
  v.amr = mfspr(SPR_AMR);
  v.iamr = mfspr(SPR_IAMR);
  v.uamor = mfspr(SPR_UAMOR);
  v.dscr = mfspr(SPR_DSCR);
  v.tar = mfspr(SPR_TAR);
  v.fscr = mfspr(SPR_FSCR);
  v.pspb = mfspr(SPR_PSPB);
  v.ctrl = mfspr(SPR_CTRL_READ);
  v.vrsave = mfspr(SPR_VRSAVE);
  v.tidr = mfspr(SPR_TIDR);
  v.ear = mfspr(SPR_EAR);
  v.acop = mfspr(SPR_ACOP);
  v.wort = mfspr(SPR_WORT);
  v.tacr = mfspr(SPR_TACR);
  v.tcscr = mfspr(SPR_TCSCR);
  v.csigr = mfspr(SPR_CSIGR);
  if (hasHashKey) v.hashkeyr = mfspr(SPR_HASHKEYR);
  v.ebbhr = mfspr(SPR_EBBHR);
  v.ebbrr = mfspr(SPR_EBBRR);
  v.bescr = mfspr(SPR_BESCR);
  if (separateViews) {
    v.bescrs = mfspr(SPR_BESCRS);
    v.bescrr = mfspr(SPR_BESCRR);
    v.usier = mfspr(SPR_USIER);
  }
  savePmu(v);
  if (hasTm) saveTm(v);
  saveVectorState(v);
  if (v.hashMmu) saveSlb(v);
}

/** SLB ESID word: entry valid (bit 36), and the index field slbmte takes in RB (bits 52:63). */
const SLBE_VALID: u64 = 0x8000000n;
const SLBE_INDEX: u64 = 0xfffn;

/** Read every SLB entry into `v` (a vCPU in HPT mode). */
function saveSlb(v: Vcpu): void {
  for (let i = 0; i < SLB_ENTRIES; i++) {
    v.slbe[i] = asm('slbmfee $0, $1', BigInt(i));
    v.slbv[i] = asm('slbmfev $0, $1', BigInt(i));
  }
}

/** Write `v`'s valid SLB entries back into the (scrubbed) SLB, each at its own index. */
function loadSlb(v: Vcpu): void {
  for (let i = 0; i < SLB_ENTRIES; i++) {
    const e = v.slbe[i];
    if ((e & SLBE_VALID) !== 0n) asm('slbmte $1, $2', v.slbv[i], (e & ~SLBE_INDEX) | BigInt(i));
  }
  isync();
}

/** Load `v`'s switched state into the processor, and scrub what is not switched. */
function loadSwitchedState(v: Vcpu): void {
  scrubProcessor();
  if (v.hashMmu) loadSlb(v);
  loadVectorState(v);
  if (hasTm) loadTm(v);
  loadPmu(v);
  mtspr(SPR_DAR, v.dar);
  mtspr(SPR_DSISR, v.dsisr);
  mtspr(SPR_AMR, v.amr);
  mtspr(SPR_IAMR, v.iamr);
  mtspr(SPR_UAMOR, v.uamor);
  mtspr(SPR_DSCR, v.dscr);
  mtspr(SPR_TAR, v.tar);
  mtspr(SPR_FSCR, v.fscr);
  mtspr(SPR_PSPB, v.pspb);
  mtspr(SPR_CTRL_WRITE, v.ctrl);
  mtspr(SPR_VRSAVE, v.vrsave);
  mtspr(SPR_TIDR, v.tidr);
  mtspr(SPR_EAR, v.ear);
  mtspr(SPR_ACOP, v.acop);
  mtspr(SPR_WORT, v.wort);
  mtspr(SPR_TACR, v.tacr);
  mtspr(SPR_TCSCR, v.tcscr);
  mtspr(SPR_CSIGR, v.csigr);
  if (hasHashKey) mtspr(SPR_HASHKEYR, v.hashkeyr);
  mtspr(SPR_EBBHR, v.ebbhr);
  mtspr(SPR_EBBRR, v.ebbrr);
  if (separateViews) {
    mtspr(SPR_BESCRS, v.bescrs);
    mtspr(SPR_BESCRR, v.bescrr);
    mtspr(SPR_USIER, v.usier);
  }
  mtspr(SPR_BESCR, v.bescr);   // after its views: on hardware writing them sets or clears BESCR bits
  mtspr(SPR_DEC, decAt(v, mftb()));
}

/** Freeze the counters, then save the performance monitor. */
function savePmu(v: Vcpu): void {
  v.mmcr0 = mfspr(SPR_MMCR0);
  mtspr(SPR_MMCR0, v.mmcr0 | MMCR0_FC);
  isync();
  v.mmcr1 = mfspr(SPR_MMCR1);
  v.mmcr2 = mfspr(SPR_MMCR2);
  v.mmcra = mfspr(SPR_MMCRA);
  v.mmcrs = mfspr(SPR_MMCRS);
  v.pmc1 = mfspr(SPR_PMC1);
  v.pmc2 = mfspr(SPR_PMC2);
  v.pmc3 = mfspr(SPR_PMC3);
  v.pmc4 = mfspr(SPR_PMC4);
  v.pmc5 = mfspr(SPR_PMC5);
  v.pmc6 = mfspr(SPR_PMC6);
  v.spmc1 = mfspr(SPR_SPMC1);
  v.spmc2 = mfspr(SPR_SPMC2);
  v.siar = mfspr(SPR_SIAR);
  v.sdar = mfspr(SPR_SDAR);
  v.sier = mfspr(SPR_SIER);
}

/** Load the performance monitor with the counters frozen; MMCR0 (which may unfreeze them) last. */
function loadPmu(v: Vcpu): void {
  mtspr(SPR_MMCR0, MMCR0_FC);
  isync();
  mtspr(SPR_MMCR1, v.mmcr1);
  mtspr(SPR_MMCR2, v.mmcr2);
  mtspr(SPR_MMCRA, v.mmcra);
  mtspr(SPR_MMCRS, v.mmcrs);
  mtspr(SPR_PMC1, v.pmc1);
  mtspr(SPR_PMC2, v.pmc2);
  mtspr(SPR_PMC3, v.pmc3);
  mtspr(SPR_PMC4, v.pmc4);
  mtspr(SPR_PMC5, v.pmc5);
  mtspr(SPR_PMC6, v.pmc6);
  mtspr(SPR_SPMC1, v.spmc1);
  mtspr(SPR_SPMC2, v.spmc2);
  mtspr(SPR_SIAR, v.siar);
  mtspr(SPR_SDAR, v.sdar);
  mtspr(SPR_SIER, v.sier);
  mtspr(SPR_MMCR0, v.mmcr0);
}

/** The transactional-memory SPRs, reachable only with MSR[TM] = 1. */
function saveTm(v: Vcpu): void {
  const msr = mfmsr();
  mtmsrd(msr | MSR_TM, 0);
  isync();
  v.tfhar = mfspr(SPR_TFHAR);
  v.tfiar = mfspr(SPR_TFIAR);
  v.texasr = mfspr(SPR_TEXASR);
  mtmsrd(msr, 0);
  isync();
}

function loadTm(v: Vcpu): void {
  const msr = mfmsr();
  mtmsrd(msr | MSR_TM, 0);
  isync();
  mtspr(SPR_TFHAR, v.tfhar);
  mtspr(SPR_TFIAR, v.tfiar);
  mtspr(SPR_TEXASR, v.texasr);
  mtmsrd(msr, 0);
  isync();
}
