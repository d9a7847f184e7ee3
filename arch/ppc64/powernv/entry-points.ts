/**
 * The TypeScript functions the powernv assembly calls. scripts/build-image.sh compiles this
 * file as a second tsnc root (beside hv/main.ts or a test root) whenever a platform has one,
 * so that its exported functions get their plain symbol names: an exported function of an
 * ordinary module is internal to the compiled object and assembly cannot call it.
 */
import type { u64 } from 'tsnc';
import { reportHypervisorInterrupt } from '../common/interrupt';

/**
 * An interrupt arrived while the hypervisor itself ran (switch.S, from any vector): report it and
 * power off (arch/ppc64/common/interrupt.ts). Called on an emergency stack; does not return.
 */
export function pnvHypervisorInterrupt(vector: u64, nip: u64, msr: u64): void {
  reportHypervisorInterrupt(vector, nip, msr);
}
