/**
 * Processor facilities the portable code uses, on every platform.
 */
import { asm, type u64 } from 'tsnc';

/** What `darn` returns when the random number generator has no value to give. */
export const DARN_FAILED: u64 = 0xffffffffffffffffn;

/**
 * 64 random bits from the processor's random number generator (`darn RT, 1`, POWER9 and
 * later), or DARN_FAILED.
 */
export function hardwareRandom(): u64 {
  return asm('darn $0, 1');
}
