/**
 * The hypervisor's entry points, the root file of every image build (its exported functions
 * get plain symbol names, which the platform's assembly calls):
 *
 *   hvMain            the platform entry code (arch/ppc64/<platform>/entry.S, then
 *                     common/boot.S) calls it on the boot CPU with the stack, TOC and zeroed
 *                     BSS set up and the module initialisers run;
 *   hvHcallFastPath   the platform's guest-exit code calls it for every hcall a partition
 *                     makes (powernv/switch.S, pseries/nested.ts) before returning to the
 *                     scheduler, so that an hcall that does not end the vCPU's turn costs no
 *                     trip through the run loop.
 */
import type { u64 } from 'tsnc';
import { powerOff } from '@platform';
import type { Partition } from '../lpar/partition';
import { boot } from './boot';
import { fastHcall } from './exits';

/**
 * Boot the hypervisor. `fdt` is the real address of the flattened device tree the firmware
 * passed. Never returns: it ends in powerOff (status 0 when the hypervisor ran the
 * configuration to the end, non-zero after a hypervisor panic).
 */
export function hvMain(fdt: u64): void {
  powerOff(boot(fdt));
}

/**
 * Dispatch the hcall partition `p`'s running vCPU just made (its r3..r12 and MSR are current);
 * true when the vCPU may resume at once, false when it must go back to the scheduler
 * (hv/exits.ts fastHcall).
 */
export function hvHcallFastPath(p: Partition): boolean {
  return fastHcall(p);
}
