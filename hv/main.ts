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
 *                     trip through the run loop;
 *   hvHypervisorInterrupt  the platform's vectors call it, on a stack of their own, for an
 *                     interrupt taken in the hypervisor itself (a bug): report, power off.
 *
 * These are the only calls from arch/ up into the portable hypervisor (the layering,
 * docs/layers.md). An image root that runs no partition may leave the last two out:
 * common/boot.S has weak stand-ins that stop the processor.
 */
import type { u64 } from 'tsnc';
import { powerOff } from '@platform';
import type { Partition } from '../lpar/partition';
import { boot } from './boot';
import { fastHcall } from './exits';
import { reportHypervisorInterrupt } from './panic';

/**
 * Boot the hypervisor. `fdt` is the real address of the flattened device tree the firmware
 * passed. Never returns: it ends in powerOff (status 0 when the hypervisor ran the
 * configuration to the end, non-zero after a hypervisor panic or when a test partition
 * reported an isolation leak with H_TSHYPE_REPORT).
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

/**
 * An interrupt arrived while the hypervisor itself ran (the platform's vectors): print
 * `[hv] PANIC: hypervisor interrupt 0x… at 0x…` and power off. Does not return.
 */
export function hvHypervisorInterrupt(vector: u64, nip: u64, msr: u64): void {
  reportHypervisorInterrupt(vector, nip, msr);
}
