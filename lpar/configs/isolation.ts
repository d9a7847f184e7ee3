/**
 * Isolation attackers (`make run CONFIG=isolation`, test/system/isolation.test.ts): two
 * partitions run lpar/guests/isolation.ts, taking turns with H_CONFER. Each fills every register
 * it can touch with a pattern derived from its name, yields, and checks after resuming that it
 * sees its own values, after first checking that it started from the reset state; both make
 * hcalls from problem state. The hypervisor sums what they report into
 * `[hv] isolation: N checks, M leaks` and fails the run when M > 0.
 *
 * The last letter of a name is the partition's number (a = 1, b = 2): narrow register fields
 * (CTRL, PPR, VSCR, FPSCR, MMCR0) take their patterns from it, so the letters must differ.
 */
import { Program, SystemConfig } from '../config';

export const system = new SystemConfig('isolation');

system.add('iso-a', Program.Isolation, 32, 50);
system.add('iso-b', Program.Isolation, 32, 50);
