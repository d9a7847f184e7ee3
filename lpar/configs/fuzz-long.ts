/**
 * `make fuzz`: lpar/configs/fuzz.ts with 1,000,000 fuzzed hcalls (minutes under TCG).
 */
import { SystemConfig } from '../config';
import { addFuzzPartitions } from './fuzz';

/** The long run: the same seed as lpar/configs/fuzz.ts, 1,000,000 fuzzed hcalls. */
export const FUZZ_LONG_BOOTARGS = 'seed=20261206 calls=1000000';

export const system = new SystemConfig('fuzz-long');
system.policy = 'fuzz';
addFuzzPartitions(system, FUZZ_LONG_BOOTARGS);
