/**
 * The TypeScript functions the pseries assembly calls (compiled as a second tsnc root by
 * scripts/build-image.sh, so that they get plain symbol names).
 */
import type { u64 } from 'tsnc';
import { reportHypervisorInterrupt } from '../common/interrupt';

/**
 * An interrupt taken by tshype itself (vectors.S): report it and power off with a failure
 * status (ibm,os-term: QEMU exits 1). Called on the trap stack; does not return.
 */
export function pseriesHypervisorInterrupt(vector: u64, nip: u64, msr: u64): void {
  reportHypervisorInterrupt(vector, nip, msr);
}
