/**
 * Synthesising an interrupt in a guest, as the processor would take it there (Power ISA 3.0
 * Book III, "Interrupt Processing"): the hypervisor decides that a vCPU must take an interrupt
 * (an external one its virtual XICS presents, a program interrupt for an instruction the
 * hypervisor will not emulate) and changes the vCPU's state so that it resumes at its own
 * interrupt vector. KVM does the same (Linux arch/powerpc/kvm/book3s_hv_builtin.c
 * inject_interrupt); QEMU 7.2 does not act on LPCR[MER], so it is the only way to raise an
 * external interrupt in a partition under TCG (ref/LINUX-GUEST.md A.9).
 */
import type { u64 } from 'tsnc';
import type { Vcpu } from '../../lpar/vcpu';
import { MSR_DR, MSR_IR, MSR_LE, MSR_ME, MSR_SF } from './bits';

/** Interrupt vectors a partition is given. */
export const enum GuestVector {
  External = 0x500,
  Program = 0x700,
}

/** SRR1 bits of a program interrupt: illegal instruction (bit 44), privileged instruction (bit 45). */
export const SRR1_PROGRAM_ILLEGAL: u64 = 0x80000n;
export const SRR1_PROGRAM_PRIVILEGED: u64 = 0x40000n;

/** SRR1 bits 33:36 and 42:47 are the interrupt's own; the rest is copied from the MSR. */
const SRR1_INTERRUPT_BITS: u64 = 0x783f0000n;
/** Where LPCR[AIL] = 3 relocates a vector taken with translation on. */
const AIL3_OFFSET: u64 = 0xc000000000004000n;
const AIL_RELOCATED = 3;

/**
 * The address at which `v` takes interrupt `vector` in its present state: relocated when its
 * partition set AIL 3 and the vCPU runs with instruction and data translation on.
 */
export function guestVectorAddress(v: Vcpu, vector: GuestVector): u64 {
  const translated = (v.msr & (MSR_IR | MSR_DR)) === (MSR_IR | MSR_DR);
  return v.ail === AIL_RELOCATED && translated ? BigInt.asUintN(64, AIL3_OFFSET + BigInt(vector)) : BigInt(vector);
}

/**
 * Make `v` take interrupt `vector` at its next entry: SRR0 = where it was, SRR1 = its MSR with
 * the interrupt's bits `flags`, then 64-bit, machine checks on, external interrupts off,
 * translation on only where AIL relocates the vector, and the byte order its partition chose
 * for interrupts (H_SET_MODE, LPCR[ILE]).
 */
export function injectInterrupt(v: Vcpu, vector: GuestVector, flags: u64): void {
  const target = guestVectorAddress(v, vector);
  const relocated = target !== BigInt(vector);
  v.srr0 = v.nip;
  v.srr1 = (v.msr & ~SRR1_INTERRUPT_BITS) | flags;
  let msr: u64 = MSR_SF | MSR_ME;
  if (v.littleEndian) msr |= MSR_LE;
  if (relocated) msr |= MSR_IR | MSR_DR;
  v.msr = msr;
  v.nip = target;
}
