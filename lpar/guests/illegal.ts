/**
 * Test partition: executes an undefined instruction. The hypervisor must not emulate it or stop
 * the partition for it: the partition takes the program interrupt a processor of its own
 * would give it (vector 0x700, SRR1 bit 44 "illegal instruction"), reports what it got and
 * halts with status 0x700 (0x10000 + the vector for anything else).
 */
import type { u64 } from 'tsnc';
import { halt, illegalInstruction, println } from './lib';

/** SRR1 bit 44: the program interrupt was for an illegal instruction. */
const SRR1_ILLEGAL: u64 = 0x80000n;

export function guestMain(_fdt: u64): u64 {
  println('about to execute an illegal instruction');
  illegalInstruction();
  println('still alive after an illegal instruction (wrong)');
  return 1n;
}

/** The interrupt the illegal instruction raised (arch/ppc64/guest/vectors.S calls it). */
export function guestInterrupt(vector: u64, _srr0: u64, srr1: u64): void {
  if (vector === 0x700n && (srr1 & SRR1_ILLEGAL) !== 0n) {
    println('program interrupt: illegal instruction');
    halt(0x700n);
  }
  println('unexpected interrupt');
  halt(BigInt.asUintN(64, 0x10000n + vector));
}
