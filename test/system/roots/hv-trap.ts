/**
 * A third image root for the system test: boots, then executes a `trap` in the hypervisor
 * itself, as a failed tsnc bounds check would. On powernv the program interrupt (0x700) must
 * reach the hypervisor's own vector and be reported (`[hv] PANIC: hypervisor interrupt 0x700
 * at 0x…`, then the exit-status marker), not vanish into unprogrammed vector space.
 */
import { trap, type u64 } from 'tsnc';
import { platformName } from '@platform';
import { writeLine, writeString } from '../../../lpar/console';
import { reportHypervisorInterrupt } from '../../../hv/panic';

/** Image entry point (common/boot.S): announce, then trap. */
export function hvMain(_fdt: u64): void {
  writeString('[hv] hypervisor trap test on ');
  writeLine(platformName());
  trap();
}

/** The platform's vectors report an interrupt of the hypervisor through this (hv/main.ts). */
export function hvHypervisorInterrupt(vector: u64, nip: u64, msr: u64): void {
  reportHypervisorInterrupt(vector, nip, msr);
}
