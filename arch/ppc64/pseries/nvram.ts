/**
 * The pseries non-volatile store: QEMU's spapr-nvram, through L0's RTAS "nvram-fetch" and
 * "nvram-store", called with QEMU's private hcall KVMPPC_H_RTAS as rtc.ts calls get-time-of-day.
 * tshype is the partition firmware, so the whole NVRAM is its own (its partitions get no nvram
 * device); lpar/nvstore.ts lays its slots out from offset 0.
 *
 * QEMU 7.2 facts (hw/nvram/spapr_nvram.c, include/hw/ppc/spapr.h):
 * - tokens RTAS_TOKEN_BASE + 0x12 = 0x2012 (nvram-fetch) and + 0x13 = 0x2013 (nvram-store), also
 *   the /rtas properties of those names; both take 3 arguments (offset, buffer's real address,
 *   length) and 2 returns (status, bytes done); anything else is status -3;
 * - a range past the NVRAM's end is status -3 (parameter error), a failed file I/O -1;
 * - the NVRAM is a `-drive if=pflash,format=raw,file=F`'s file, of F's size, which must be
 *   8 KiB .. 1 MiB (QEMU refuses to start otherwise); without such a drive, 64 KiB of memory
 *   that is lost when QEMU exits. A store writes the file (blk_pwrite) before it returns.
 * The size is not handed to the firmware except in the device tree's /vdevice/nvram "#bytes";
 * it is found here by asking nvram-fetch for one byte at offsets in a binary search.
 */
import type { u64 } from 'tsnc';
import { bytesAddress } from '../common/buffers';
import { rtasCall } from './rtas';

const RTAS_NVRAM_FETCH = 0x2012;
const RTAS_NVRAM_STORE = 0x2013;
/** QEMU's bounds for the NVRAM's size (MIN_NVRAM_SIZE, MAX_NVRAM_SIZE). */
const NVRAM_MIN = 0x2000;
const NVRAM_MAX = 0x100000;
/** The store's unit (lpar/nvstore.ts NV_BLOCK): the size offered is rounded down to it. */
const BLOCK = 0x1000;

/** RTAS argument buffer: token, nargs = 3, nret = 2, offset, buffer, length, status, done. */
const nvArgs = new Uint32Array(8);
const probe = new Uint8Array(8);

/** The NVRAM's size: -1 until probed, then the bytes found (0: none). */
let size = -1;

/** nvram-fetch or nvram-store of `length` bytes at `offset` from/to the real address `buffer`: the RTAS status. */
function nvramCall(token: number, offset: number, buffer: u64, length: number): number {
  if (buffer > 0xffffffffn) return -1;   // RTAS arguments are 32-bit; the image lives below 8 MiB
  nvArgs.fill(0);
  nvArgs[3] = offset;
  nvArgs[4] = Number(buffer & 0xffffffffn);
  nvArgs[5] = length;
  return rtasCall(nvArgs, token, 3, 2);
}

/** True when the NVRAM has a byte at `offset`. */
function hasByte(offset: number): boolean {
  return nvramCall(RTAS_NVRAM_FETCH, offset, bytesAddress(probe), 1) === 0;
}

/** The NVRAM's size: the first offset without a byte, found by binary search in QEMU's bounds. */
function probeSize(): number {
  if (!hasByte(0) || !hasByte(NVRAM_MIN - 1)) return 0;
  if (hasByte(NVRAM_MAX - 1)) return NVRAM_MAX;
  let lo = NVRAM_MIN, hi = NVRAM_MAX;   // the size is at least lo (a byte at lo - 1) and below hi
  while (hi - lo > 1) {
    const mid = lo + Math.trunc((hi - lo) / 2);
    if (hasByte(mid - 1)) lo = mid; else hi = mid;
  }
  return lo;
}

/** Bytes of NVRAM offered as the store (api.ts): its size rounded down to 4 KiB; 0 when none. */
export function nvSize(): number {
  if (size < 0) size = probeSize();
  return size - (size % BLOCK);
}

export function nvStoreName(): string {
  return nvSize() > 0 ? 'pseries NVRAM' : '';
}

/** True when [offset, offset + length) lies in the store and in `buf`. */
function inRange(offset: number, buf: Uint8Array, length: number): boolean {
  return offset >= 0 && length >= 0 && length <= buf.length && offset + length <= nvSize();
}

/** Read [offset, offset + length) of the NVRAM into out (api.ts). */
export function nvRead(offset: number, out: Uint8Array, length: number): boolean {
  if (!inRange(offset, out, length)) return false;
  return length === 0 || nvramCall(RTAS_NVRAM_FETCH, offset, bytesAddress(out), length) === 0;
}

/** Write src[0..length) at `offset` of the NVRAM (api.ts); QEMU has written its file when this returns true. */
export function nvWrite(offset: number, src: Uint8Array, length: number): boolean {
  if (!inRange(offset, src, length) || offset % BLOCK !== 0) return false;
  return length === 0 || nvramCall(RTAS_NVRAM_STORE, offset, bytesAddress(src), length) === 0;
}
