/**
 * A virtual processor: every register a partition can observe, and nothing of the hypervisor's.
 *
 * The Vcpu is the one home of a vCPU's architected state; there is no side table. The platform
 * back ends keep it current in two tiers (arch/ppc64/README.md, "vCPU state"):
 *
 *   entry/exit state   gpr .. srr1: written by every exit and loaded by every entry (on powernv
 *                      the exit and entry assembly stores into and loads from these fields
 *                      directly, at the offsets scripts/gen-asm-offsets.ts derives from this
 *                      class). hdar .. heir describe the exit that ended the last run.
 *   switched state     dar .. vsr: registers the hypervisor itself never touches. They stay in
 *                      the processor while the same vCPU is resumed, and are saved into the
 *                      vCPU it ran and loaded from the next one when the processor changes vCPU
 *                      (arch/ppc64/common/switch.ts). So a partition never sees a value another
 *                      partition wrote, and resuming the same vCPU costs nothing for them.
 *
 * reset() gives a fully defined state: the values a POWER9 comes out of reset with (QEMU's
 * reset values), except where a partition's firmware interface says otherwise (MSR, r3, the
 * decrementer). `epoch` changes on every reset, so a back end that still holds an earlier
 * tenant's switched state in the processor discards it instead of saving it over the new state.
 *
 * Field order is the native layout (one 8-byte slot per field, in declaration order): the
 * powernv assembly depends on it through the generated offsets, so reorder only knowingly.
 */
import type { u64 } from 'tsnc';
import { mftb } from 'tsnc';
import { MSR_GUEST_RESET, MSR_PR, SLB_ENTRIES } from '../arch/ppc64/bits';

/** The decrementer a vCPU starts with: the largest positive 32-bit value (no interrupt soon). */
export const DEC_RESET: u64 = 0x7fffffffn;
/** MMCR0 at reset: counters frozen (MMCR0[FC]). */
export const MMCR0_RESET: u64 = 0x80000000n;
/** VSCR at reset: non-Java mode (VSCR[NJ]). */
export const VSCR_RESET: u64 = 0x10000n;

/** One virtual processor. */
export class Vcpu {
  // ---- entry/exit state: saved on every exit, loaded on every entry -------------------------
  /** General-purpose registers r0..r31. */
  readonly gpr = new BigUint64Array(32);
  /** Next instruction address (where the guest resumes). */
  nip: u64 = 0n;
  msr: u64 = 0n;
  lr: u64 = 0n;
  ctr: u64 = 0n;
  /** CR in the low 32 bits. */
  cr: u64 = 0n;
  xer: u64 = 0n;
  /** Come-from address register (the last taken branch before the exit). */
  cfar: u64 = 0n;
  srr0: u64 = 0n;
  srr1: u64 = 0n;

  // ---- the last exit ------------------------------------------------------------------------
  /** Faulting address and status of the last storage exit (HDAR, HDSISR). */
  hdar: u64 = 0n;
  hdsisr: u64 = 0n;
  /** Access segment descriptor of the last storage exit (the faulting real address on radix). */
  asdr: u64 = 0n;
  /** The instruction image of the last emulation-assistance exit (HEIR; 0 where not reported). */
  heir: u64 = 0n;

  // ---- switched state: the rest of what the partition can read or write ---------------------
  sprg0: u64 = 0n;
  sprg1: u64 = 0n;
  sprg2: u64 = 0n;
  sprg3: u64 = 0n;
  dar: u64 = 0n;
  dsisr: u64 = 0n;
  /** Process ID (process-scoped radix translation). */
  pidr: u64 = 0n;
  /** The decrementer as it read at timebase `decTimebase`; it counts on while the vCPU is out. */
  dec: u64 = DEC_RESET;
  decTimebase: u64 = 0n;
  /** Program priority register. */
  ppr: u64 = 0n;
  // storage protection keys
  amr: u64 = 0n;
  iamr: u64 = 0n;
  uamor: u64 = 0n;
  // facilities of problem and privileged state
  dscr: u64 = 0n;
  tar: u64 = 0n;
  fscr: u64 = 0n;
  pspb: u64 = 0n;
  /** CTRL (the run latch). */
  ctrl: u64 = 0n;
  vrsave: u64 = 0n;
  tidr: u64 = 0n;
  ear: u64 = 0n;
  acop: u64 = 0n;
  wort: u64 = 0n;
  tacr: u64 = 0n;
  tcscr: u64 = 0n;
  csigr: u64 = 0n;
  /** POWER10 hash key (hashst/hashchk). */
  hashkeyr: u64 = 0n;
  // event-based branches
  ebbhr: u64 = 0n;
  ebbrr: u64 = 0n;
  bescr: u64 = 0n;
  /**
   * BESCRS, BESCRR and USIER: on hardware the set/reset views of BESCR and the problem-state
   * view of SIER; QEMU 7.2 models them as registers of their own, which a partition can write
   * and read, so they are switched there (common/switch.ts).
   */
  bescrs: u64 = 0n;
  bescrr: u64 = 0n;
  usier: u64 = 0n;
  // performance monitor
  mmcr0: u64 = MMCR0_RESET;
  mmcr1: u64 = 0n;
  mmcr2: u64 = 0n;
  mmcra: u64 = 0n;
  mmcrs: u64 = 0n;
  pmc1: u64 = 0n;
  pmc2: u64 = 0n;
  pmc3: u64 = 0n;
  pmc4: u64 = 0n;
  pmc5: u64 = 0n;
  pmc6: u64 = 0n;
  spmc1: u64 = 0n;
  spmc2: u64 = 0n;
  siar: u64 = 0n;
  sdar: u64 = 0n;
  sier: u64 = 0n;
  // transactional memory
  tfhar: u64 = 0n;
  tfiar: u64 = 0n;
  texasr: u64 = 0n;
  // what only the hypervisor writes, per vCPU (directed doorbells, debug, stop state, counters)
  dpdes: u64 = 0n;
  dawr0: u64 = 0n;
  dawrx0: u64 = 0n;
  ciabr: u64 = 0n;
  psscr: u64 = 0n;
  vtb: u64 = 0n;
  purr: u64 = 0n;
  spurr: u64 = 0n;
  ic: u64 = 0n;
  // floating point, vector and VSX
  fpscr: u64 = 0n;
  /** VSCR in the low 32 bits. */
  vscr: u64 = VSCR_RESET;
  /**
   * VSR0..VSR63, two doublewords each (VSR n = vsr[2n] high, vsr[2n + 1] low): FPR n is the
   * high doubleword of VSR n, VR n is VSR 32 + n.
   */
  readonly vsr = new BigUint64Array(128);
  /**
   * The segment lookaside buffer of a vCPU in HPT mode (hashMmu): entry i as slbmfee / slbmfev
   * read it (ESID word with V and the index, VSID word). Radix vCPUs leave it zero (the back ends
   * scrub the processor's SLB instead).
   */
  readonly slbe = new BigUint64Array(SLB_ENTRIES);
  readonly slbv = new BigUint64Array(SLB_ENTRIES);
  /** Its partition runs in HPT mode: the back end switches the SLB with the rest of the state. */
  hashMmu = false;

  // ---- the hypervisor's view of the vCPU ----------------------------------------------------
  /** Guest wants interrupts in little-endian (H_SET_MODE resource 4), mirrored in LPCR[ILE]. */
  littleEndian = false;
  /** Alternate interrupt location set with H_SET_MODE resource 3 (0 or 3), mirrored in LPCR[AIL]. */
  ail = 0;
  /** The vCPU gave up the processor with H_CEDE and waits for H_PROD or its next slice. */
  ceded = false;
  /** The vCPU gave up the rest of its time slice with H_CONFER (cleared when next scheduled). */
  yielded = false;
  /** An H_PROD arrived for this vCPU (its next H_CEDE returns at once; cleared by that cede). */
  prodded = false;
  /**
   * Set by a handler that changed state beyond r3..r12, NIP and MSR (SPRG0, the breakpoint, an
   * interrupt to deliver): the vCPU must go back through the scheduler, whose full entry
   * applies the change, instead of being resumed on the hcall fast path.
   */
  stateChanged = false;
  /** The fast path left the vCPU's hcall to the scheduler (its row needs the whole state). */
  hcallDeferred = false;
  /**
   * The vCPU is started (it runs or waits to run). Secondary vCPUs of an SMP partition start
   * stopped, until RTAS start-cpu; stop-self stops one again.
   */
  started = false;
  /** Partition (logical) address of the registered VPA, DTL and SLB shadow buffer (0: none). */
  vpa: u64 = 0n;
  dtl: u64 = 0n;
  slbShadow: u64 = 0n;
  /** The VPA's dispatch counter: even while the vCPU is dispatched, odd while it is not. */
  dispatchCount = 0;
  /** Changes on every reset (a back end must not save a processor's state over a reset vCPU). */
  epoch = 0;
  /** Index of this vCPU within its partition (the `procno` of H_PROD). */
  readonly index: number;

  constructor(index: number) {
    this.index = index;
  }

  /** True when the vCPU was in problem state (user mode) at its last exit. */
  inProblemState(): boolean {
    return (this.msr & MSR_PR) !== 0n;
  }

  /**
   * Reset to the state of a processor about to run a fresh image at `entry` (big-endian, real
   * mode, 64-bit) with r3 = `fdt` and r4 = `loadAddress`. Every register a partition can observe
   * gets its reset value; the decrementer starts counting down from DEC_RESET now.
   */
  reset(entry: u64, fdt: u64, loadAddress: u64): void {
    this.gpr.fill(0n);
    this.slbe.fill(0n);
    this.slbv.fill(0n);
    this.gpr[3] = fdt;
    this.gpr[4] = loadAddress;
    this.nip = entry;
    this.msr = MSR_GUEST_RESET;
    this.lr = 0n;
    this.ctr = 0n;
    this.cr = 0n;
    this.xer = 0n;
    this.cfar = 0n;
    this.srr0 = 0n;
    this.srr1 = 0n;
    this.hdar = 0n;
    this.hdsisr = 0n;
    this.asdr = 0n;
    this.heir = 0n;
    this.resetSwitched();
    this.littleEndian = false;
    this.ail = 0;
    this.ceded = false;
    this.yielded = false;
    this.prodded = false;
    this.stateChanged = false;
    this.hcallDeferred = false;
    this.vpa = 0n;
    this.dtl = 0n;
    this.slbShadow = 0n;
    this.dispatchCount = 0;
    this.started = true;
    this.epoch++;
  }

  /** The switched state's reset values. */
  private resetSwitched(): void {
    this.sprg0 = 0n;
    this.sprg1 = 0n;
    this.sprg2 = 0n;
    this.sprg3 = 0n;
    this.dar = 0n;
    this.dsisr = 0n;
    this.pidr = 0n;
    this.dec = DEC_RESET;
    this.decTimebase = mftb();
    this.ppr = 0n;
    this.amr = 0n;
    this.iamr = 0n;
    this.uamor = 0n;
    this.dscr = 0n;
    this.tar = 0n;
    this.fscr = 0n;
    this.pspb = 0n;
    this.ctrl = 0n;
    this.vrsave = 0n;
    this.tidr = 0n;
    this.ear = 0n;
    this.acop = 0n;
    this.wort = 0n;
    this.tacr = 0n;
    this.tcscr = 0n;
    this.csigr = 0n;
    this.hashkeyr = 0n;
    this.ebbhr = 0n;
    this.ebbrr = 0n;
    this.bescr = 0n;
    this.bescrs = 0n;
    this.bescrr = 0n;
    this.usier = 0n;
    this.resetPmu();
    this.tfhar = 0n;
    this.tfiar = 0n;
    this.texasr = 0n;
    this.dpdes = 0n;
    this.dawr0 = 0n;
    this.dawrx0 = 0n;
    this.ciabr = 0n;
    this.psscr = 0n;
    this.vtb = 0n;
    this.purr = 0n;
    this.spurr = 0n;
    this.ic = 0n;
    this.fpscr = 0n;
    this.vscr = VSCR_RESET;
    this.vsr.fill(0n);
  }

  private resetPmu(): void {
    this.mmcr0 = MMCR0_RESET;
    this.mmcr1 = 0n;
    this.mmcr2 = 0n;
    this.mmcra = 0n;
    this.mmcrs = 0n;
    this.pmc1 = 0n;
    this.pmc2 = 0n;
    this.pmc3 = 0n;
    this.pmc4 = 0n;
    this.pmc5 = 0n;
    this.pmc6 = 0n;
    this.spmc1 = 0n;
    this.spmc2 = 0n;
    this.siar = 0n;
    this.sdar = 0n;
    this.sier = 0n;
  }
}
