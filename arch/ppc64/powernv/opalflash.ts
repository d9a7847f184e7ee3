/**
 * tshype's persistent state on powernv under skiboot: the PNOR's TSHYPE_STATE partition
 * (scripts/flash/pnor.ts), reached through OPAL's flash calls, in the two-copy format of
 * flashstore.ts. The state lives in copyBuffer while the hypervisor runs: stateOpen loads it,
 * stateGet/statePut read and change its records, stateSave writes it as the next copy. Today
 * tshype keeps its boot count there (bootRecord).
 *
 * skiboot's flash calls (core/flash.c opal_flash_read/write/erase) take the flash id, an
 * offset in the flash, a buffer's real address, a size and a token; they do the work at once
 * and answer OPAL_ASYNC_COMPLETION, queueing a completion message with the token and the
 * result, which OPAL_CHECK_ASYNC_COMPLETION hands back. Writes do not erase first: a copy's
 * blocks are erased, then written, then read back and checked. The system flash is id 0
 * (core/flash.c numbers flashes in registration order; QEMU's powernv has one PNOR).
 *
 * The partition TSHYPE_VTPM is the platform's non-volatile store (api.ts nvSize, nvRead,
 * nvWrite), where lpar/nvstore.ts keeps the vTPM instances' state in slots of its own format.
 *
 * Without skiboot (-bios) there are no OPAL calls: QEMU maps the PNOR into the LPC firmware
 * space behind its BMC's HIOMAP protocol, which tshype does not drive; nothing is stored then.
 */
import type { i64, u64 } from 'tsnc';
import { bytesAddress } from '../common/buffers';
import {
  checkCopy, COPY_HEADER, copyLength, copySequence, CopyStatus, newestCopy, putRecordBytes, putRecordU64, recordBytes,
  recordU64, sealCopy, TAG_BOOT_COUNT,
} from './flashstore';

/** Call OPAL with five arguments (entry.S). */
declare function opalCall5(token: number, a0: u64, a1: u64, a2: u64, a3: u64, a4: u64): i64;
/** Call OPAL with up to three arguments (entry.S). */
declare function opalCall(token: number, a0: u64, a1: u64, a2: u64): i64;
/** OPAL's entry point as skiboot passed it (entry.S), 0 when booted by -bios. */
declare function opalEntry(): u64;

// skiboot include/opal-api.h
const OPAL_POLL_EVENTS = 10;
const OPAL_CHECK_ASYNC_COMPLETION = 86;
const OPAL_FLASH_READ = 110;
const OPAL_FLASH_WRITE = 111;
const OPAL_FLASH_ERASE = 112;
const OPAL_SUCCESS: i64 = 0n;
const OPAL_BUSY: i64 = -2n;
const OPAL_ASYNC_COMPLETION: i64 = -15n;
/** struct opal_msg: type, reserved, params[8]; params[1] of an async completion is the result. */
const OPAL_MSG_BYTES = 72;
const FLASH_ID = 0n;
const RETRIES = 100000;
const ERASE_BLOCK = 0x1000;

/** The partition that holds the state. */
const STATE_NAME = 'TSHYPE_STATE';
/**
 * Bytes of state kept in memory, header included (a copy's room in flash is half the
 * partition, 512 KiB). The vTPM's instance images are not records here but slots of
 * TSHYPE_VTPM (nvRead/nvWrite below).
 */
export const STATE_BUFFER = 0x40000;

/** Holds one copy (header and data) while it is read or written; the FFS table while it is searched. */
export const copyBuffer = new Uint8Array(STATE_BUFFER);
const message = new Uint8Array(OPAL_MSG_BYTES);
let nextToken = 1;

/** Where TSHYPE_STATE is (set by findStatePartition). */
let partBase = 0;
let partSize = 0;

/** Wait for the completion of the operation with `token`; its result. */
function completion(token: number): i64 {
  for (let i = 0; i < RETRIES; i++) {
    const rc = opalCall(OPAL_CHECK_ASYNC_COMPLETION, bytesAddress(message), BigInt(OPAL_MSG_BYTES), BigInt(token));
    if (rc === OPAL_SUCCESS) {
      let r = 0n;
      for (let b = 0; b < 8; b++) r = BigInt.asUintN(64, (r << 8n) | BigInt(message[16 + b]));
      return BigInt.asIntN(64, r);
    }
    if (rc !== OPAL_BUSY) return rc;
    opalCall(OPAL_POLL_EVENTS, 0n, 0n, 0n);
  }
  return OPAL_BUSY;
}

/** One flash call on copyBuffer[0..size) (buffer unused for erase); true on success. */
function flashOp(op: number, offset: number, size: number): boolean {
  return flashOpAt(op, offset, bytesAddress(copyBuffer), size);
}

/** One flash call on the buffer at real address `buffer` (unused for erase); true on success. */
function flashOpAt(op: number, offset: number, buffer: u64, size: number): boolean {
  for (let i = 0; i < RETRIES; i++) {
    const token = nextToken;
    nextToken++;
    const rc = op === OPAL_FLASH_ERASE
      ? opalCall5(op, FLASH_ID, BigInt(offset), BigInt(size), BigInt(token), 0n)
      : opalCall5(op, FLASH_ID, BigInt(offset), buffer, BigInt(size), BigInt(token));
    if (rc === OPAL_ASYNC_COMPLETION) return completion(token) === OPAL_SUCCESS;
    if (rc === OPAL_SUCCESS) return true;
    if (rc !== OPAL_BUSY) return false;
    opalCall(OPAL_POLL_EVENTS, 0n, 0n, 0n);
  }
  return false;
}

function be32(b: Uint8Array, at: number): number {
  return ((b[at] << 24) | (b[at + 1] << 16) | (b[at + 2] << 8) | b[at + 3]) >>> 0;
}

/** True when the 16-byte name field at `at` holds `name`, NUL-terminated. */
function nameIs(b: Uint8Array, at: number, name: string): boolean {
  for (let i = 0; i < name.length; i++) if (b[at + i] !== name.charCodeAt(i)) return false;
  return b[at + name.length] === 0;
}

/**
 * Find partition `name` in the flash's FFS table (libflash/ffs.h: header 48 bytes, entries 128,
 * every structure's words XOR to zero) and leave its place in foundBase, foundSize. False when
 * the flash cannot be read, has no valid table, or no such partition.
 */
function findPartition(name: string): boolean {
  if (!flashOp(OPAL_FLASH_READ, 0, 0x1000)) return false;
  const b = copyBuffer;
  if (be32(b, 0) !== 0x50415254 || be32(b, 4) !== 1 || be32(b, 12) !== 128) return false;
  let x = 0;
  for (let i = 0; i < 48; i += 4) x = (x ^ be32(b, i)) >>> 0;
  const count = be32(b, 16), block = be32(b, 20);
  if (x !== 0 || count > 31) return false;
  for (let e = 0; e < count; e++) {
    const at = 48 + e * 128;
    let sum = 0;
    for (let i = 0; i < 128; i += 4) sum = (sum ^ be32(b, at + i)) >>> 0;
    if (sum !== 0 || !nameIs(b, at, name)) continue;
    foundBase = be32(b, at + 16) * block;
    foundSize = be32(b, at + 20) * block;
    return true;
  }
  return false;
}
let foundBase = 0;
let foundSize = 0;

/** Find TSHYPE_STATE (findPartition); false also when it is too small for two copies. */
export function findStatePartition(): boolean {
  if (!findPartition(STATE_NAME)) return false;
  partBase = foundBase;
  partSize = foundSize;
  return partSize >= 2 * ERASE_BLOCK;
}

/** Bytes of flash each copy has: half the partition. */
function copyRoom(): number {
  return Math.trunc(partSize / 2);
}

/** Flash offset of copy `i` (0, 1). */
function copyBase(i: number): number {
  return partBase + i * (copyRoom());
}

/** Read copy `i` into copyBuffer and check it. */
function readCopy(i: number): CopyStatus {
  if (!flashOp(OPAL_FLASH_READ, copyBase(i), COPY_HEADER)) return CopyStatus.BadMagic;
  const head = checkCopy(copyBuffer, copyRoom());
  if (head === CopyStatus.Erased || head === CopyStatus.BadMagic || head === CopyStatus.BadVersion) return head;
  const length = be32(copyBuffer, 0x10);
  if (COPY_HEADER + length > copyBuffer.length || length > copyRoom() - COPY_HEADER) return CopyStatus.BadLength;
  if (!flashOp(OPAL_FLASH_READ, copyBase(i), COPY_HEADER + length)) return CopyStatus.BadMagic;
  return checkCopy(copyBuffer, copyRoom());
}

/** Erase copy `i`'s blocks, write copyBuffer's `bytes` there, read them back and check. */
function writeCopy(i: number, bytes: number): boolean {
  const erase = Math.floor((bytes + ERASE_BLOCK - 1) / ERASE_BLOCK) * ERASE_BLOCK;
  if (!flashOp(OPAL_FLASH_ERASE, copyBase(i), erase)) return false;
  if (!flashOp(OPAL_FLASH_WRITE, copyBase(i), bytes)) return false;
  return readCopy(i) === CopyStatus.Valid;
}

/** What the store found when it was opened and what the last save did (for the console). */
export class StoreState {
  open = false;
  found = false;
  status0: number = CopyStatus.Erased;
  status1: number = CopyStatus.Erased;
  /** The copy the state was read from (-1: none valid, the state starts empty) and its sequence number. */
  readFrom = -1;
  readSeq = 0n;
  /** The copy holding the state now and its sequence number (after the last save). */
  current = -1;
  currentSeq = 0n;
  /** Bytes of record data in copyBuffer. */
  length = 0;
  /** The copy the last save wrote (-1: none yet), and whether it was written and read back. */
  wroteTo = -1;
  saved = false;
  /** The boot count after bootRecord (0 when nothing could be kept). */
  bootCount = 0n;
}
export const store = new StoreState();

/**
 * Open the persistent state: find TSHYPE_STATE, check both copies and load the newest valid one
 * into copyBuffer (an empty state when neither is valid: a fresh or wholly damaged partition).
 * False when there is no state partition (then nothing can be kept).
 */
export function stateOpen(): boolean {
  const r = store;
  r.found = findStatePartition();
  r.open = false;
  if (!r.found) return false;
  r.status0 = readCopy(0);
  const seq0 = r.status0 === CopyStatus.Valid ? copySequence(copyBuffer) : 0n;
  r.status1 = readCopy(1);
  const seq1 = r.status1 === CopyStatus.Valid ? copySequence(copyBuffer) : 0n;
  r.readFrom = newestCopy(r.status0 === CopyStatus.Valid, seq0, r.status1 === CopyStatus.Valid, seq1);
  r.readSeq = 0n;
  r.length = 0;
  if (r.readFrom >= 0) {
    if (readCopy(r.readFrom) !== CopyStatus.Valid) r.readFrom = -1;   // changed under us: start empty
    else {
      r.readSeq = copySequence(copyBuffer);
      r.length = copyLength(copyBuffer);
    }
  }
  r.current = r.readFrom;
  r.currentSeq = r.readSeq;
  r.open = true;
  return true;
}

/**
 * Save the state in copyBuffer as the next copy: the one not holding the current state, with
 * the next sequence number; erased, written, read back and checked. Until it returns true the
 * previous copy is the state. False when the store is not open or the write failed.
 */
export function stateSave(): boolean {
  const r = store;
  if (!r.open) return false;
  const target = r.current === 0 ? 1 : 0;
  const seq = BigInt.asUintN(64, r.currentSeq + 1n);
  sealCopy(copyBuffer, seq, r.length);
  r.wroteTo = target;
  r.saved = writeCopy(target, COPY_HEADER + r.length);
  if (r.saved) {
    r.current = target;
    r.currentSeq = seq;
  }
  return r.saved;
}

/** Record `tag`'s bytes into `out` (their number), or -1 (no such record, `out` too small, store not open). */
export function stateGet(tag: number, out: Uint8Array): number {
  return store.open ? recordBytes(copyBuffer, store.length, tag, out) : -1;
}

/** Set record `tag` to src[0..n) in the state (saved by the next stateSave); false when it does not fit. */
export function statePut(tag: number, src: Uint8Array, n: number): boolean {
  if (!store.open) return false;
  const length = putRecordBytes(copyBuffer, store.length, tag, src, n);
  if (length < 0) return false;
  store.length = length;
  return true;
}

/**
 * Count this boot in the persistent state: open it, add one to its boot count (record
 * TAG_BOOT_COUNT; 0 in an empty state) and save it. False when there is no state partition.
 */
export function bootRecord(): boolean {
  if (!stateOpen()) return false;
  const count = BigInt.asUintN(64, recordU64(copyBuffer, store.length, TAG_BOOT_COUNT, 0n) + 1n);
  const length = putRecordU64(copyBuffer, store.length, TAG_BOOT_COUNT, count);
  if (length < 0) return true;
  store.length = length;
  store.bootCount = count;
  stateSave();
  return true;
}

// ---- the non-volatile store: TSHYPE_VTPM ------------------------------------------------------

const VTPM_NAME = 'TSHYPE_VTPM';
/** TSHYPE_VTPM's place in the flash; vtpmSize is -1 until looked for, 0 when there is none. */
let vtpmBase = 0;
let vtpmSize = -1;

/** Bytes of TSHYPE_VTPM (api.ts nvSize): 0 without OPAL or without such a partition. */
export function nvSize(): number {
  if (vtpmSize < 0) {
    vtpmSize = 0;
    if (opalEntry() !== 0n && findPartition(VTPM_NAME)) {
      vtpmBase = foundBase;
      vtpmSize = foundSize - (foundSize % ERASE_BLOCK);
    }
  }
  return vtpmSize;
}

export function nvStoreName(): string {
  return nvSize() > 0 ? 'PNOR TSHYPE_VTPM' : '';
}

function inStore(offset: number, buf: Uint8Array, length: number): boolean {
  return offset >= 0 && length >= 0 && length <= buf.length && offset + length <= nvSize();
}

/** Read TSHYPE_VTPM bytes [offset, offset + length) into out (api.ts). */
export function nvRead(offset: number, out: Uint8Array, length: number): boolean {
  if (!inStore(offset, out, length)) return false;
  return length === 0 || flashOpAt(OPAL_FLASH_READ, vtpmBase + offset, bytesAddress(out), length);
}

/**
 * Write src[0..length) at TSHYPE_VTPM offset `offset` (a multiple of the erase block): the
 * blocks it covers are erased, then written (api.ts). The caller reads back what it needs checked.
 */
export function nvWrite(offset: number, src: Uint8Array, length: number): boolean {
  if (!inStore(offset, src, length) || offset % ERASE_BLOCK !== 0) return false;
  if (length === 0) return true;
  const erase = Math.floor((length + ERASE_BLOCK - 1) / ERASE_BLOCK) * ERASE_BLOCK;
  if (offset + erase > nvSize()) return false;
  if (!flashOpAt(OPAL_FLASH_ERASE, vtpmBase + offset, 0n, erase)) return false;
  return flashOpAt(OPAL_FLASH_WRITE, vtpmBase + offset, bytesAddress(src), length);
}
