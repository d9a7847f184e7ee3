/**
 * The hypervisor's entry point, the root file of every image build. The platform entry code
 * (arch/ppc64/<platform>/entry.S, then common/boot.S) calls hvMain on the boot CPU with the
 * stack, TOC and zeroed BSS set up and the module initialisers run.
 */
import type { u64 } from 'tsnc';
import { powerOff } from '@platform';
import { boot } from './boot';

/**
 * Boot the hypervisor. `fdt` is the real address of the flattened device tree the firmware
 * passed. Never returns: it ends in powerOff (status 0 when the hypervisor ran the
 * configuration to the end, non-zero after a hypervisor panic or when a test partition
 * reported an isolation leak with H_TSHYPE_REPORT).
 */
export function hvMain(fdt: u64): void {
  powerOff(boot(fdt));
}
