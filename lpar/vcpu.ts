/**
 * A virtual processor's architected state as the portable hypervisor sees it. The platform back
 * end copies it to and from its own format (hv_guest_state/pt_regs for the nested API, the
 * hypervisor save area on powernv) around each guest entry.
 */
import type { u64 } from 'tsnc';
import { MSR_GUEST_RESET } from '../arch/ppc64/bits';

/** Why a vCPU stopped running and came back to the hypervisor. */
export const enum Exit {
  /** `sc 1`: an hcall, opcode in r3. */
  Hcall = 0xc00,
  /** The hypervisor decrementer expired: the time slice is over. */
  Hdec = 0x980,
  /** Hypervisor data storage: a guest access outside its partition-scoped mapping. */
  Hdsi = 0xe00,
  /** Hypervisor instruction storage. */
  Hisi = 0xe20,
  /** Hypervisor emulation assistance: an illegal or privileged-only instruction. */
  Hemu = 0xe40,
  /** Machine check. */
  MachineCheck = 0x200,
}

/** One virtual processor. */
export class Vcpu {
  /** General-purpose registers r0..r31. */
  readonly gpr = new BigUint64Array(32);
  /** Next instruction address (where the guest resumes). */
  nip: u64 = 0n;
  msr: u64 = 0n;
  lr: u64 = 0n;
  ctr: u64 = 0n;
  cr: u64 = 0n;
  xer: u64 = 0n;
  srr0: u64 = 0n;
  srr1: u64 = 0n;
  sprg0: u64 = 0n;
  sprg1: u64 = 0n;
  sprg2: u64 = 0n;
  sprg3: u64 = 0n;
  /** Faulting address and status of the last storage exit (HDAR, HDSISR). */
  hdar: u64 = 0n;
  hdsisr: u64 = 0n;
  /** Access segment descriptor of the last storage exit (the faulting real address on radix). */
  asdr: u64 = 0n;
  /** Guest decrementer. */
  dec: u64 = 0n;
  /** Guest wants interrupts in little-endian (H_SET_MODE resource 4), mirrored in LPCR[ILE]. */
  littleEndian = false;
  /** Alternate interrupt location set with H_SET_MODE resource 3 (0 or 3), mirrored in LPCR[AIL]. */
  ail = 0;
  /** The vCPU gave up the processor with H_CEDE and waits for H_PROD or its next slice. */
  ceded = false;
  /** The vCPU gave up the rest of its time slice with H_CONFER (cleared when next scheduled). */
  yielded = false;
  /** Index of this vCPU within its partition (the `procno` of H_PROD). */
  readonly index: number;

  constructor(index: number) {
    this.index = index;
  }

  /** Reset to the state of a processor about to run a fresh image at `entry` (big-endian, real mode, 64-bit). */
  reset(entry: u64, fdt: u64): void {
    this.gpr.fill(0n);
    this.gpr[3] = fdt;
    this.nip = entry;
    this.msr = MSR_GUEST_RESET;
    this.lr = 0n;
    this.ctr = 0n;
    this.cr = 0n;
    this.xer = 0n;
    this.littleEndian = false;
    this.ail = 0;
    this.ceded = false;
    this.yielded = false;
  }
}
