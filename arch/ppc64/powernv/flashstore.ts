/**
 * The format of tshype's persistent state in flash (the PNOR's TSHYPE_STATE partition,
 * scripts/flash/pnor.ts): two copies, each a header and the state's bytes, written in turn, so
 * that a write cut short (power lost, a torn write) damages only the copy being written and
 * the other, older one is still there. This module is only the format and the choice between
 * copies; opalflash.ts does the I/O through skiboot.
 *
 * A copy (big-endian), at the start of its half of the partition:
 *   0x00  magic "TSST" (0x54535354)
 *   0x04  version 1 (u16), 0x06 reserved 0 (u16)
 *   0x08  sequence number (u64): 1 for the first save, one more than the newest copy after
 *   0x10  length of the data (u32)
 *   0x14  CRC-32 (IEEE 802.3, as zlib) of bytes 0x00..0x14, 0x18..0x20 and the data
 *   0x18  reserved, zero (8 bytes)
 *   0x20  the data: records, each a tag (u16), a length (u16) and that many bytes; tag 0 ends
 *
 * A copy is valid when magic, version, reserved bytes, length (at most the copy's room) and
 * CRC all check; erased flash (0xff) is not valid. The newest valid copy (highest sequence
 * number) is the state; a save goes to the other copy with the next sequence number.
 */
import type { u64 } from 'tsnc';

export const COPY_MAGIC = 0x54535354;
export const COPY_VERSION = 1;
export const COPY_HEADER = 0x20;
/** Record tags. */
export const TAG_END = 0;
/** tshype's boot record: the number of boots that found this state (u64). */
export const TAG_BOOT_COUNT = 1;

/** Why a copy is not valid (or Valid). */
export const enum CopyStatus { Valid = 0, Erased = 1, BadMagic = 2, BadVersion = 3, BadLength = 4, BadCrc = 5 }

const crcTable = new Uint32Array(256);
let crcReady = false;

function crcInit(): void {
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = (c & 1) !== 0 ? (0xedb88320 ^ (c >>> 1)) >>> 0 : c >>> 1;
    crcTable[n] = c;
  }
  crcReady = true;
}

/** Continue a CRC-32 (start with 0) over bytes[from, to). */
export function crc32(crc: number, bytes: Uint8Array, from: number, to: number): number {
  if (!crcReady) crcInit();
  let c = (crc ^ 0xffffffff) >>> 0;
  for (let i = from; i < to; i++) c = (crcTable[(c ^ bytes[i]) & 0xff] ^ (c >>> 8)) >>> 0;
  return (c ^ 0xffffffff) >>> 0;
}

function get32(b: Uint8Array, at: number): number {
  return ((b[at] << 24) | (b[at + 1] << 16) | (b[at + 2] << 8) | b[at + 3]) >>> 0;
}

function put32(b: Uint8Array, at: number, v: number): void {
  b[at] = (v >>> 24) & 0xff;
  b[at + 1] = (v >>> 16) & 0xff;
  b[at + 2] = (v >>> 8) & 0xff;
  b[at + 3] = v & 0xff;
}

/** The u64 at b[at..at+8), big-endian. */
export function get64(b: Uint8Array, at: number): u64 {
  let v = 0n;
  for (let i = 0; i < 8; i++) v = BigInt.asUintN(64, (v << 8n) | BigInt(b[at + i]));
  return v;
}

function put64(b: Uint8Array, at: number, v: u64): void {
  for (let i = 0; i < 8; i++) b[at + i] = Number((v >> BigInt(56 - 8 * i)) & 0xffn);
}

/** The CRC a copy's header and `length` data bytes should carry (copy = header then data). */
function copyCrc(copy: Uint8Array, length: number): number {
  let c = crc32(0, copy, 0, 0x14);
  c = crc32(c, copy, 0x18, COPY_HEADER);
  return crc32(c, copy, COPY_HEADER, COPY_HEADER + length);
}

/**
 * Check the copy in `copy` (its header and as much data as it holds; `room` is the copy's
 * size in flash). Returns CopyStatus.Valid or why not.
 */
export function checkCopy(copy: Uint8Array, room: number): CopyStatus {
  let erased = true;
  for (let i = 0; i < COPY_HEADER; i++) if (copy[i] !== 0xff) erased = false;
  if (erased) return CopyStatus.Erased;
  if (get32(copy, 0) !== COPY_MAGIC) return CopyStatus.BadMagic;
  if (copy[4] !== 0 || copy[5] !== COPY_VERSION || copy[6] !== 0 || copy[7] !== 0) return CopyStatus.BadVersion;
  for (let i = 0x18; i < COPY_HEADER; i++) if (copy[i] !== 0) return CopyStatus.BadVersion;
  const length = get32(copy, 0x10);
  if (length > room - COPY_HEADER || COPY_HEADER + length > copy.length) return CopyStatus.BadLength;
  return copyCrc(copy, length) === get32(copy, 0x14) ? CopyStatus.Valid : CopyStatus.BadCrc;
}

/** A valid copy's sequence number. */
export function copySequence(copy: Uint8Array): u64 {
  return get64(copy, 0x08);
}

/** A valid copy's data length. */
export function copyLength(copy: Uint8Array): number {
  return get32(copy, 0x10);
}

/** Write the header for the `length` data bytes already at copy[COPY_HEADER..] as sequence `seq`. */
export function sealCopy(copy: Uint8Array, seq: u64, length: number): void {
  put32(copy, 0, COPY_MAGIC);
  copy[4] = 0;
  copy[5] = COPY_VERSION;
  copy[6] = 0;
  copy[7] = 0;
  put64(copy, 0x08, seq);
  put32(copy, 0x10, length);
  for (let i = 0x18; i < COPY_HEADER; i++) copy[i] = 0;
  put32(copy, 0x14, copyCrc(copy, length));
}

/**
 * Which copy holds the state: 0 or 1, the valid one with the higher sequence number; -1 when
 * neither is valid.
 */
export function newestCopy(valid0: boolean, seq0: u64, valid1: boolean, seq1: u64): number {
  if (valid0 && valid1) return seq1 > seq0 ? 1 : 0;
  if (valid0) return 0;
  if (valid1) return 1;
  return -1;
}

/** Where record `tag` starts in a copy holding `length` data bytes (its tag), or -1. */
export function findRecord(copy: Uint8Array, length: number, tag: number): number {
  let at = COPY_HEADER;
  const end = COPY_HEADER + length;
  while (at + 4 <= end) {
    const t = (copy[at] << 8) | copy[at + 1];
    const n = (copy[at + 2] << 8) | copy[at + 3];
    if (t === TAG_END || at + 4 + n > end) return -1;
    if (t === tag) return at;
    at += 4 + n;
  }
  return -1;
}

/** The u64 value of record `tag` (8 bytes) in a copy, or `otherwise` when it has none. */
export function recordU64(copy: Uint8Array, length: number, tag: number, otherwise: u64): u64 {
  const at = findRecord(copy, length, tag);
  if (at < 0 || ((copy[at + 2] << 8) | copy[at + 3]) !== 8) return otherwise;
  return get64(copy, at + 4);
}

/** Bytes of record data (after its 4-byte tag and length) of the record at `at`. */
function recordSize(copy: Uint8Array, at: number): number {
  return (copy[at + 2] << 8) | copy[at + 3];
}

/**
 * Remove record `tag` from a copy holding `length` data bytes, moving the records after it
 * down; returns the new data length (unchanged when there is no such record).
 */
export function removeRecord(copy: Uint8Array, length: number, tag: number): number {
  const at = findRecord(copy, length, tag);
  if (at < 0) return length;
  const gone = 4 + recordSize(copy, at);
  const end = COPY_HEADER + length;
  for (let i = at; i + gone < end; i++) copy[i] = copy[i + gone];
  return length - gone;
}

/**
 * Set record `tag` to src[0..n) (n at most 65535) in a copy holding `length` data bytes: the
 * old record, if any, is removed and the new one appended. Returns the new data length, or -1
 * when it does not fit (the copy is then unchanged).
 */
export function putRecordBytes(copy: Uint8Array, length: number, tag: number, src: Uint8Array, n: number): number {
  if (tag === TAG_END || n > 0xffff || n > src.length) return -1;
  const old = findRecord(copy, length, tag);
  const without = old < 0 ? length : length - 4 - recordSize(copy, old);
  if (COPY_HEADER + without + 4 + n > copy.length) return -1;
  const base = removeRecord(copy, length, tag);
  const at = COPY_HEADER + base;
  copy[at] = (tag >> 8) & 0xff;
  copy[at + 1] = tag & 0xff;
  copy[at + 2] = (n >> 8) & 0xff;
  copy[at + 3] = n & 0xff;
  for (let i = 0; i < n; i++) copy[at + 4 + i] = src[i];
  return base + 4 + n;
}

/**
 * Copy record `tag`'s bytes into `out`; returns their number, or -1 when there is no such
 * record or `out` is too small for it.
 */
export function recordBytes(copy: Uint8Array, length: number, tag: number, out: Uint8Array): number {
  const at = findRecord(copy, length, tag);
  if (at < 0) return -1;
  const n = recordSize(copy, at);
  if (n > out.length) return -1;
  for (let i = 0; i < n; i++) out[i] = copy[at + 4 + i];
  return n;
}

/**
 * Set record `tag` to the u64 `v` in a copy holding `length` data bytes (replacing it, or
 * appending it); returns the new data length, or -1 when the copy has no room.
 */
export function putRecordU64(copy: Uint8Array, length: number, tag: number, v: u64): number {
  let at = findRecord(copy, length, tag);
  let newLength = length;
  if (at < 0) {
    at = COPY_HEADER + length;
    if (at + 12 > copy.length) return -1;
    newLength = length + 12;
  }
  copy[at] = (tag >> 8) & 0xff;
  copy[at + 1] = tag & 0xff;
  copy[at + 2] = 0;
  copy[at + 3] = 8;
  put64(copy, at + 4, v);
  return newLength;
}
