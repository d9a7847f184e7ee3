/**
 * Crash-safe slots in the platform's non-volatile store (arch/ppc64/api.ts nvSize, nvRead,
 * nvWrite): the pseries NVRAM, or the PNOR's TSHYPE_VTPM partition under skiboot; on a platform
 * without one (powernv booted by -bios), in hypervisor memory, which outlives a restart of the
 * vTPM partition but not a power cycle (MEMORY_STORE). Each slot
 * keeps one image (up to IMAGE_MAX bytes) as two copies, written in turn, so that a write cut
 * short or torn damages only the copy being written and the other, complete, one is still
 * there. docs/vtpm.md "Where instance state is kept" is the reference.
 *
 * Layout: slot s occupies store bytes [s * SLOT_BYTES, (s + 1) * SLOT_BYTES), its copy c
 * (0 = "A", 1 = "B") the COPY_ROOM bytes at c * COPY_ROOM in it. Slot HV_SLOT is the
 * hypervisor's own (its boot count, hv/persist.ts); vTPM instance i is slot
 * FIRST_VTPM_SLOT + i. A copy (big-endian):
 *   0x00  magic "TSNV" (0x54534e56)
 *   0x04  version 1 (u16)
 *   0x06  the slot number (u16): a copy found in another slot's place is not valid there
 *   0x08  sequence number (u64): one more than the newest copy's at each save
 *   0x10  length of the image (u32, 1..IMAGE_MAX)
 *   0x14  reserved, zero (12 bytes)
 *   0x20  SHA-256 of bytes 0x00..0x20 and the image
 *   0x40  the image
 * A copy is valid when magic, version, slot, reserved bytes, length and digest all check; the
 * newest valid copy (sequence numbers compared modulo 2^64) is the slot's image. A save writes
 * the other copy, then reads it back and checks it.
 *
 * The digest detects damage (a torn or cut write, a flipped bit); it is not a secret-keyed
 * MAC: there is no secret the hypervisor could hold that the owner of the store's file lacks.
 */
import type { u64 } from 'tsnc';
import { nvRead, nvSize, nvWrite } from '@platform';
import { Sha256 } from '../vtpm/crypto/sha256';

/**
 * Largest image a slot keeps: a vTPM state image (vtpm/tpm/state.ts STATE_MAX, 16384 bytes) and
 * up to 64 bytes the vTPM partition puts before it (vtpm/manager.ts SLOT_HEADER, 8 bytes, names
 * the client); a unit test checks the sum still fits.
 */
export const IMAGE_MAX = 16384 + 64;
/** The store's write unit (a flash erase block): copies start on such a boundary. */
export const NV_BLOCK = 0x1000;
export const COPY_HEADER = 0x40;
/** Bytes of store per copy: the header and IMAGE_MAX, rounded up to NV_BLOCK. */
export const COPY_ROOM = 0x5000;
export const SLOT_BYTES = 2 * COPY_ROOM;
/** Slot of the hypervisor's own state (the boot count). */
export const HV_SLOT = 0;
/** Slot of vTPM instance 0; instance i is FIRST_VTPM_SLOT + i. */
export const FIRST_VTPM_SLOT = 1;
/** Most slots used: the hypervisor's and eight vTPM instances (a vTPM partition's server ends). */
export const MAX_SLOTS = 9;

export const NV_MAGIC = 0x54534e56;
export const NV_VERSION = 1;
const DIGEST_AT = 0x20;
const DIGEST_BYTES = 32;

/** Why a copy is not valid (or Valid). */
export const enum NvCopy { Valid = 0, Blank = 1, BadMagic = 2, BadVersion = 3, BadLength = 4, BadDigest = 5, ReadFailed = 6 }

/** slotLoad's answer when the store could not be read. */
export const NV_IO_ERROR = -1;
/** slotLoad's answer when the slot is not in the store (no store, or too small for it). */
export const NV_NO_SLOT = -2;

/** One buffer per copy: both are read to choose between them. */
const copyA = new Uint8Array(COPY_ROOM);
const copyB = new Uint8Array(COPY_ROOM);

/** The buffer of copy `c` (0: A, 1: B). */
function buffer(c: number): Uint8Array {
  return c === 0 ? copyA : copyB;
}
const digest = new Uint8Array(DIGEST_BYTES);
const hash = new Sha256();

/** What the last slotLoad or slotSave found and did, for the console (hv/persist.ts). */
export class SlotReport {
  /** NvCopy of copy A and copy B as found. */
  status = new Int32Array(2);
  seq = new BigUint64Array(2);
  /** The copy the image was read from (-1: none valid). */
  readFrom = -1;
  /** The copy the last save wrote (-1: none) and its sequence number. */
  wroteTo = -1;
  wroteSeq = 0n;
}
export const report = new SlotReport();

function get32(b: Uint8Array, at: number): number {
  return ((b[at] << 24) | (b[at + 1] << 16) | (b[at + 2] << 8) | b[at + 3]) >>> 0;
}

function put32(b: Uint8Array, at: number, v: number): void {
  b[at] = (v >>> 24) & 0xff;
  b[at + 1] = (v >>> 16) & 0xff;
  b[at + 2] = (v >>> 8) & 0xff;
  b[at + 3] = v & 0xff;
}

function get64(b: Uint8Array, at: number): u64 {
  let v = 0n;
  for (let i = 0; i < 8; i++) v = BigInt.asUintN(64, (v << 8n) | BigInt(b[at + i]));
  return v;
}

function put64(b: Uint8Array, at: number, v: u64): void {
  for (let i = 0; i < 8; i++) b[at + i] = Number((v >> BigInt(56 - 8 * i)) & 0xffn);
}

/** SHA-256 of a copy's header fields (bytes 0x00..0x20) followed by its `length` image bytes. */
function copyDigest(copy: Uint8Array, length: number, out: Uint8Array): void {
  hash.init();
  hash.update(copy, 0, DIGEST_AT);
  hash.update(copy, COPY_HEADER, length);
  hash.finalAt(out, 0);
}

/** Check the copy in `copy` as one of slot `slot`'s; NvCopy.Valid or why not. */
export function checkNvCopy(copy: Uint8Array, slot: number): NvCopy {
  let blank = true;
  for (let i = 0; i < COPY_HEADER && blank; i++) if (copy[i] !== 0 && copy[i] !== 0xff) blank = false;
  if (blank) return NvCopy.Blank;
  if (get32(copy, 0) !== NV_MAGIC) return NvCopy.BadMagic;
  if (((copy[4] << 8) | copy[5]) !== NV_VERSION || ((copy[6] << 8) | copy[7]) !== slot) return NvCopy.BadVersion;
  for (let i = 0x14; i < DIGEST_AT; i++) if (copy[i] !== 0) return NvCopy.BadVersion;
  const length = get32(copy, 0x10);
  if (length < 1 || length > IMAGE_MAX || COPY_HEADER + length > copy.length) return NvCopy.BadLength;
  copyDigest(copy, length, digest);
  for (let i = 0; i < DIGEST_BYTES; i++) if (digest[i] !== copy[DIGEST_AT + i]) return NvCopy.BadDigest;
  return NvCopy.Valid;
}

/** Write slot `slot`'s header, sequence `seq`, for the `length` image bytes already at copy[COPY_HEADER..]. */
export function sealNvCopy(copy: Uint8Array, slot: number, seq: u64, length: number): void {
  put32(copy, 0, NV_MAGIC);
  copy[4] = (NV_VERSION >> 8) & 0xff;
  copy[5] = NV_VERSION & 0xff;
  copy[6] = (slot >> 8) & 0xff;
  copy[7] = slot & 0xff;
  put64(copy, 0x08, seq);
  put32(copy, 0x10, length);
  for (let i = 0x14; i < DIGEST_AT; i++) copy[i] = 0;
  copyDigest(copy, length, digest);
  for (let i = 0; i < DIGEST_BYTES; i++) copy[DIGEST_AT + i] = digest[i];
}

/** A copy's sequence number and image length (meaningful for a valid copy). */
export function nvCopySequence(copy: Uint8Array): u64 {
  return get64(copy, 0x08);
}
export function nvCopyLength(copy: Uint8Array): number {
  return get32(copy, 0x10);
}

/** True when sequence number `a` is newer than `b`: (a - b) mod 2^64 is in 1 .. 2^63 - 1. */
export function seqNewer(a: u64, b: u64): boolean {
  return BigInt.asIntN(64, a - b) > 0n;
}

/**
 * The newest of two copies: 0 or 1, the valid one with the newer sequence number (copy A on
 * a tie, which a correct writer never makes); -1 when neither is valid.
 */
export function newestNvCopy(valid0: boolean, seq0: u64, valid1: boolean, seq1: u64): number {
  if (valid0 && valid1) return seqNewer(seq1, seq0) ? 1 : 0;
  if (valid0) return 0;
  if (valid1) return 1;
  return -1;
}

/**
 * Where the slots are when the platform has no store (powernv booted by -bios): in hypervisor
 * memory. That keeps a vTPM instance across restarts of the vTPM partition, not across a power
 * cycle; hv/persist.ts's boot line says which it is.
 */
const MEMORY_STORE = new Uint8Array(MAX_SLOTS * SLOT_BYTES);

/** Erase the hypervisor-memory store (every slot blank), as a power cycle does. */
export function eraseMemoryStore(): void {
  MEMORY_STORE.fill(0);
}

/** The platform has a store: its size; otherwise the slots are in MEMORY_STORE. */
function platformStore(): boolean {
  return nvSize() > 0;
}

/** Bytes of the store the slots are in (the platform's, or the hypervisor-memory one). */
export function storeSize(): number {
  return platformStore() ? nvSize() : MEMORY_STORE.length;
}

/** Whether the slots survive a power cycle (false: they are in hypervisor memory). */
export function storeIsNonVolatile(): boolean {
  return platformStore();
}

function storeRead(offset: number, out: Uint8Array, length: number): boolean {
  if (platformStore()) return nvRead(offset, out, length);
  if (offset < 0 || length < 0 || length > out.length || offset + length > MEMORY_STORE.length) return false;
  for (let i = 0; i < length; i++) out[i] = MEMORY_STORE[offset + i];
  return true;
}

function storeWrite(offset: number, src: Uint8Array, length: number): boolean {
  if (platformStore()) return nvWrite(offset, src, length);
  if (offset < 0 || length < 0 || length > src.length || offset + length > MEMORY_STORE.length) return false;
  for (let i = 0; i < length; i++) MEMORY_STORE[offset + i] = src[i];
  return true;
}

/** How many slots the store holds. */
export function nvSlots(): number {
  return Math.min(MAX_SLOTS, Math.trunc(storeSize() / SLOT_BYTES));
}

/** Store offset of slot `slot`'s copy `c`. */
function copyOffset(slot: number, c: number): number {
  return slot * SLOT_BYTES + c * COPY_ROOM;
}

/** Read copy `c` of `slot` into buffer(c) and check it (NvCopy.ReadFailed when the store failed). */
function readNvCopy(slot: number, c: number): NvCopy {
  if (!storeRead(copyOffset(slot, c), buffer(c), COPY_ROOM)) return NvCopy.ReadFailed;
  return checkNvCopy(buffer(c), slot);
}

/** Read and check both copies of `slot` into `report`; the newest valid copy (-1: none). */
function scanSlot(slot: number): number {
  const r = report;
  r.wroteTo = -1;
  for (let c = 0; c < 2; c++) {
    r.status[c] = readNvCopy(slot, c);
    r.seq[c] = r.status[c] === NvCopy.Valid ? nvCopySequence(buffer(c)) : 0n;
  }
  r.readFrom = newestNvCopy(r.status[0] === NvCopy.Valid, r.seq[0], r.status[1] === NvCopy.Valid, r.seq[1]);
  return r.readFrom;
}

/** True when `slot` exists in the store. */
export function slotExists(slot: number): boolean {
  return slot >= 0 && slot < nvSlots();
}

/**
 * Load slot `slot`'s newest complete image into out[0..): its length, 0 when the slot holds
 * none, NV_NO_SLOT when the store has no such slot, NV_IO_ERROR when either copy could not
 * be read. When `out` is smaller than the image, nothing is copied and the image's length is
 * returned (the caller compares it with its room).
 */
export function slotLoad(slot: number, out: Uint8Array): number {
  if (!slotExists(slot)) return NV_NO_SLOT;
  const newest = scanSlot(slot);
  // an unreadable copy might be the newest: answering with the other could roll the image back
  if (report.status[0] === NvCopy.ReadFailed || report.status[1] === NvCopy.ReadFailed) return NV_IO_ERROR;
  if (newest < 0) return 0;
  const length = nvCopyLength(buffer(newest));
  if (length > out.length) return length;
  for (let i = 0; i < length; i++) out[i] = buffer(newest)[COPY_HEADER + i];
  return length;
}

/**
 * Save src[0..length) (1..IMAGE_MAX bytes) as slot `slot`'s image: written to the copy that is
 * not the newest valid one, with the next sequence number, then read back and checked. True
 * only then; until it returns true the previous image is the slot's. False when the slot does
 * not exist, the length is out of range, either copy could not be read (then nothing is
 * written), or the write failed (report.wroteTo says which copy was being written; the other
 * one is untouched).
 */
export function slotSave(slot: number, src: Uint8Array, length: number): boolean {
  if (!slotExists(slot) || length < 1 || length > IMAGE_MAX || length > src.length) return false;
  const newest = scanSlot(slot);
  // without knowing both copies, the one written could be the newest: write nothing
  if (report.status[0] === NvCopy.ReadFailed || report.status[1] === NvCopy.ReadFailed) return false;
  const target = newest === 0 ? 1 : 0;
  const seq = newest < 0 ? 1n : BigInt.asUintN(64, report.seq[newest] + 1n);
  const copy = buffer(target);
  copy.fill(0xff);
  for (let i = 0; i < length; i++) copy[COPY_HEADER + i] = src[i];
  sealNvCopy(copy, slot, seq, length);
  report.wroteTo = target;
  report.wroteSeq = seq;
  if (!storeWrite(copyOffset(slot, target), copy, COPY_HEADER + length)) return false;
  return readNvCopy(slot, target) === NvCopy.Valid && nvCopySequence(buffer(target)) === seq;
}
