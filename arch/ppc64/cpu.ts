/**
 * Processor facilities the portable code and the back ends use, on every platform.
 */
import { asm, mfspr, type u64 } from 'tsnc';

/** What `darn` returns when the random number generator has no value to give. */
export const DARN_FAILED: u64 = 0xffffffffffffffffn;

/** Processor version register. */
const SPR_PVR = 287;
/** PVR version fields (PVR bits 0..15). */
const PVR_POWER10 = 0x80n;

/**
 * 64 random bits from the processor's random number generator (`darn RT, 1`, POWER9 and
 * later), or DARN_FAILED.
 */
export function hardwareRandom(): u64 {
  return asm('darn $0, 1');
}

/** True on a POWER10 (or later) processor, by the version field of the PVR. */
export function isPower10(): boolean {
  return (mfspr(SPR_PVR) >> 16n) >= PVR_POWER10;
}
