/**
 * An interrupt taken by the hypervisor itself (not by a partition): a bug, such as a failed
 * tsnc bounds check (`trap`, 0x700) or a stray access. Both platforms' vectors end here,
 * through hvHypervisorInterrupt (hv/main.ts), on a stack of their own.
 */
import type { u64 } from 'tsnc';
import { powerOff } from '@platform';
import { writeHex, writeLine, writeString } from '../lpar/console';

/** The status the machine is powered off with after an interrupt of the hypervisor itself. */
export const HYPERVISOR_INTERRUPT_STATUS = 1;

/**
 * Print `[hv] PANIC: hypervisor interrupt 0x<vector> at 0x<nip> (MSR 0x<msr>)` and power off
 * with HYPERVISOR_INTERRUPT_STATUS. Does not return.
 */
export function reportHypervisorInterrupt(vector: u64, nip: u64, msr: u64): void {
  writeString('[hv] PANIC: hypervisor interrupt 0x');
  writeHex(vector, vector < 0x1000n ? 3 : 4);
  writeString(' at 0x');
  writeHex(nip, 16);
  writeString(' (MSR 0x');
  writeHex(msr, 16);
  writeLine(')');
  powerOff(HYPERVISOR_INTERRUPT_STATUS);
}
