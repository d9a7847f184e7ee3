/**
 * Power ISA bit numbering: bit 0 is the most significant bit of a 64-bit register, so
 * constants read like the ISA books (MSR_SF = ppcBit(0)).
 */
import type { u64 } from 'tsnc';

/** The mask of ISA bit `n` (0 = most significant) of a 64-bit register. */
export function ppcBit(n: number): u64 {
  return BigInt.asUintN(64, 1n << BigInt(63 - n));
}

/** MSR[SF]: 64-bit mode. */
export const MSR_SF: u64 = 0x8000000000000000n;   // ppcBit(0)
/** MSR[HV]: hypervisor state. */
export const MSR_HV: u64 = 0x1000000000000000n;   // ppcBit(3)
/** MSR[TM]: transactional memory available. */
export const MSR_TM: u64 = 0x100000000n;          // ppcBit(31)
/** MSR[VEC]: vector (VMX) available. */
export const MSR_VEC: u64 = 0x2000000n;           // ppcBit(38)
/** MSR[VSX]: VSX available. */
export const MSR_VSX: u64 = 0x800000n;            // ppcBit(40)
/** MSR[EE]: external interrupts enabled. */
export const MSR_EE: u64 = 0x8000n;               // ppcBit(48)
/** MSR[PR]: problem state. */
export const MSR_PR: u64 = 0x4000n;               // ppcBit(49)
/** MSR[FP]: floating point available. */
export const MSR_FP: u64 = 0x2000n;               // ppcBit(50)
/** MSR[ME]: machine checks enabled. */
export const MSR_ME: u64 = 0x1000n;               // ppcBit(51)
/** MSR[IR]: instruction relocation. */
export const MSR_IR: u64 = 0x20n;                 // ppcBit(58)
/** MSR[DR]: data relocation. */
export const MSR_DR: u64 = 0x10n;                 // ppcBit(59)
/** MSR[RI]: recoverable interrupt. */
export const MSR_RI: u64 = 0x2n;                  // ppcBit(62)
/** MSR[LE]: little-endian mode. */
export const MSR_LE: u64 = 0x1n;                  // ppcBit(63)

/** The MSR a partition's first instruction runs with: 64-bit, big-endian, real mode, ME. */
export const MSR_GUEST_RESET: u64 = MSR_SF | MSR_ME;

/** SLB entries of a POWER9 or POWER10 processor (`ibm,slb-size`; a vCPU in HPT mode keeps them all). */
export const SLB_ENTRIES = 32;
