/**
 * The partition programs built into the hypervisor image. scripts/build-image.sh generates the
 * table (build/<machine>/guest-images.S) from build/guests/<name>.bin: for Program value k,
 * doubleword 2k is the real address of the image and 2k+1 its size (0: not built in).
 */
import { load64, type u64 } from 'tsnc';
import type { Program } from './config';

/** Real address of the image table (generated assembly). */
declare function guestImageTable(): u64;
/** Number of entries in the table. */
declare function guestImageCount(): u64;

/** Real address of program `program`'s image (valid when imageSize is not 0). */
export function imageAddress(program: Program): u64 {
  if (BigInt(program) >= guestImageCount()) return 0n;
  return load64(BigInt.asUintN(64, guestImageTable() + BigInt(16 * program)));
}

/** Size in bytes of program `program`'s image; 0 when the image does not carry it. */
export function imageSize(program: Program): u64 {
  if (BigInt(program) >= guestImageCount()) return 0n;
  return load64(BigInt.asUintN(64, guestImageTable() + BigInt(16 * program + 8)));
}
