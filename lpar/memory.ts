/**
 * A partition's memory as handlers see it. Partition logical address 0 is real address
 * memBase; every access from a handler goes through realAddress(), which refuses ranges that
 * leave the partition (so no hcall argument can reach another partition's memory).
 */
import { load16, load32, load64, store32, store64, store8, load8, type u64 } from 'tsnc';
import type { Partition } from './partition';

/** Returned by realAddress for a range outside the partition. */
export const NO_ADDRESS: u64 = 0xffffffffffffffffn;

/**
 * The real address of the partition range [la, la + length), or NO_ADDRESS if any byte of it
 * lies outside the partition (or the range wraps). `length` must be at least 1.
 */
export function realAddress(p: Partition, la: u64, length: number): u64 {
  const len: u64 = BigInt(length);
  if (length < 1 || la >= p.memSize || len > BigInt.asUintN(64, p.memSize - la)) return NO_ADDRESS;
  return BigInt.asUintN(64, p.memBase + la);
}

/** Read a big-endian 32-bit word of the partition; `ok[0]` is cleared on an address outside it. */
export function guestLoad32(p: Partition, la: u64, ok: Uint8Array): number {
  const ra = realAddress(p, la, 4);
  if (ra === NO_ADDRESS) { ok[0] = 0; return 0; }
  return load32(ra);
}

/** Read a big-endian 16-bit halfword of the partition; `ok[0]` is cleared outside it. */
export function guestLoad16(p: Partition, la: u64, ok: Uint8Array): number {
  const ra = realAddress(p, la, 2);
  if (ra === NO_ADDRESS) { ok[0] = 0; return 0; }
  return load16(ra);
}

/** Read a big-endian 64-bit doubleword of the partition; `ok[0]` is cleared outside it. */
export function guestLoad64(p: Partition, la: u64, ok: Uint8Array): u64 {
  const ra = realAddress(p, la, 8);
  if (ra === NO_ADDRESS) { ok[0] = 0; return 0n; }
  return load64(ra);
}

/** Read one byte of the partition; `ok[0]` is cleared outside it. */
export function guestLoad8(p: Partition, la: u64, ok: Uint8Array): number {
  const ra = realAddress(p, la, 1);
  if (ra === NO_ADDRESS) { ok[0] = 0; return 0; }
  return load8(ra);
}

/** Write a big-endian 32-bit word into the partition; false (nothing written) outside it. */
export function guestStore32(p: Partition, la: u64, v: number): boolean {
  const ra = realAddress(p, la, 4);
  if (ra === NO_ADDRESS) return false;
  store32(ra, v);
  return true;
}

/** Write a big-endian 64-bit doubleword into the partition; false outside it. */
export function guestStore64(p: Partition, la: u64, v: u64): boolean {
  const ra = realAddress(p, la, 8);
  if (ra === NO_ADDRESS) return false;
  store64(ra, v);
  return true;
}

/** Write one byte into the partition; false outside it. */
export function guestStore8(p: Partition, la: u64, v: number): boolean {
  const ra = realAddress(p, la, 1);
  if (ra === NO_ADDRESS) return false;
  store8(ra, v);
  return true;
}
