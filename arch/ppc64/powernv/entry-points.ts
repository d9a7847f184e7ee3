/**
 * The TypeScript functions the powernv assembly calls. scripts/build-image.sh compiles this
 * file as a second tsnc root (beside hv/main.ts or a test root) whenever a platform has one,
 * so that its exported functions get their plain symbol names: an exported function of an
 * ordinary module is internal to the compiled object and assembly cannot call it.
 */
import type { u64 } from 'tsnc';
import { writeHex, writeLine, writeString } from '../../../hv/console';
import { powerOff } from './platform';

/** The status the machine is powered off with after an interrupt of the hypervisor itself. */
const HYPERVISOR_INTERRUPT_STATUS = 1;

/**
 * An interrupt arrived while the hypervisor itself ran (switch.S, from any vector): a bug,
 * e.g. a bounds-check `trap` (0x700) or a stray access. Print
 * `[hv] PANIC: hypervisor interrupt 0x<vector> at 0x<nip> (MSR 0x<msr>)` and power off with
 * a non-zero status. Called on an emergency stack; does not return.
 */
export function pnvHypervisorInterrupt(vector: u64, nip: u64, msr: u64): void {
  writeString('[hv] PANIC: hypervisor interrupt 0x');
  writeHex(vector, vector < 0x1000n ? 3 : 4);
  writeString(' at 0x');
  writeHex(nip, 16);
  writeString(' (MSR 0x');
  writeHex(msr, 16);
  writeLine(')');
  powerOff(HYPERVISOR_INTERRUPT_STATUS);
}
