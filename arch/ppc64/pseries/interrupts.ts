/**
 * Interrupts of tshype's own that end a partition's run on pseries (platform contract:
 * serviceInterrupt). tshype is L1 here: an interrupt pending for it (an external interrupt from
 * its virtual interrupt controller) makes L0 end H_ENTER_NESTED with vector 0x500 or 0xea0.
 * tshype routes no device to itself yet, so the interrupt is accepted and ended at once through
 * the PAPR interrupt hcalls of QEMU's XICS (H_XIRR, then H_EOI with the same XIRR), leaving
 * nothing pending. Maintenance interrupts and hypervisor doorbells belong to L0 and never reach
 * L1: those vectors have nothing to service.
 */
import type { i64, u64 } from 'tsnc';

/** `sc 1` (entry.S): r3 = opcode, r4.. = arguments; returns r3 (the status). */
declare function paprHcall(opcode: u64, a1: u64, a2: u64, a3: u64, a4: u64): i64;
/** r4 of the last paprHcall (entry.S). */
declare function paprHcallOut(n: number): u64;

const H_EOI = 0x64n;
const H_XIRR = 0x74n;
const H_SUCCESS: i64 = 0n;
/** XIRR: the source number in the low 24 bits (0: none pending), the CPPR above. */
const XISR_MASK: u64 = 0xffffffn;

const VECTOR_EXTERNAL = 0x500;
const VECTOR_HV_VIRTUALIZATION = 0xea0;

/** Accept and end the pending external interrupt, if any; returns the XIRR (0: none). */
export function serviceInterrupt(vector: number): u64 {
  if (vector !== VECTOR_EXTERNAL && vector !== VECTOR_HV_VIRTUALIZATION) return 0n;
  if (paprHcall(H_XIRR, 0n, 0n, 0n, 0n) !== H_SUCCESS) return 0n;
  const xirr = paprHcallOut(0);
  if ((xirr & XISR_MASK) !== 0n) paprHcall(H_EOI, xirr, 0n, 0n, 0n);
  return xirr;
}
