/**
 * The audit log: a fixed ring of the last CAPACITY decisions worth recording (decide() records
 * every denial). When the ring is full a new record overwrites the oldest, and lost() counts the
 * overwritten ones. Records are numbered from 0 in the order they were made; the ring holds
 * numbers lost() .. lost() + count() - 1, and readers address them by position i = 0 (oldest
 * held) .. count() - 1 (newest).
 *
 * A record is (time, who, subject, object, op, decision):
 *   time      the timebase when the decision was asked (u64)
 *   who       the asking partition's index (0..MAX_PARTITIONS-1)
 *   subject   its label's ssidref, object the object's ssidref (or NO_OBJECT), op an Op
 *   decision  the Decision (bit 0 allow, bits 1.. the deciding rule's index)
 *
 * Serialised form (serialize(), for the hcall that copies the log to a partition holding the
 * audit role, and entry()): two big-endian doublewords per record,
 *   dw0 = time
 *   dw1 = who << 56 | subject << 40 | object << 24 | op << 16 | decision
 *   bits   63..56     55..40          39..24         23..16     15..0
 * Each field is truncated to its width (who 8 bits, subject 16, object 16, op 8, decision 16:
 * allow bit and a 15-bit rule index); the accessors below return the fields in full.
 */
import type { u64 } from 'tsnc';
import type { Op } from './ops';

/** Records the ring holds. */
export const AUDIT_CAPACITY = 128;
/** Doublewords per serialised record. */
export const AUDIT_RECORD_DWORDS = 2;

const times = new BigUint64Array(AUDIT_CAPACITY);
const whos = new Uint8Array(AUDIT_CAPACITY);
const subjects = new Uint32Array(AUDIT_CAPACITY);
const objects = new Uint32Array(AUDIT_CAPACITY);
const ops = new Uint8Array(AUDIT_CAPACITY);
const decisions = new Uint32Array(AUDIT_CAPACITY);

/** Slot of the next record. */
let head = 0;
/** Records held (0..AUDIT_CAPACITY). */
let held = 0;
/** Records overwritten since the last clear(). */
let overwritten = 0;

/** Append a record; when the ring is full it replaces the oldest (and lost() grows by one). */
export function record(time: u64, who: number, subject: number, object: number, op: Op, decision: number): void {
  const slot = head & (AUDIT_CAPACITY - 1);
  times[slot] = time;
  whos[slot] = who;
  subjects[slot] = subject;
  objects[slot] = object;
  ops[slot] = op;
  decisions[slot] = decision;
  head = (head + 1) & (AUDIT_CAPACITY - 1);
  if (held < AUDIT_CAPACITY) held++;
  else overwritten++;
}

/** Forget every record and zero the lost counter. */
export function clear(): void {
  head = 0;
  held = 0;
  overwritten = 0;
}

/** Records held, 0..AUDIT_CAPACITY. */
export function count(): number {
  return held;
}

/** Records overwritten because the ring was full (also the number of the oldest record held). */
export function lost(): number {
  return overwritten;
}

/** The ring slot of position i (0 = oldest held). Promise: 0 <= i < count(). */
function slotOf(i: number): number {
  return (head - held + i) & (AUDIT_CAPACITY - 1);
}

/** Timebase of the record at position i (0 = oldest held). Promise: 0 <= i < count(). */
export function timeOf(i: number): u64 {
  return times[slotOf(i)];
}

/** Partition index of the record at position i. Promise: 0 <= i < count(). */
export function whoOf(i: number): number {
  return whos[slotOf(i)];
}

/** Subject ssidref of the record at position i. Promise: 0 <= i < count(). */
export function subjectOf(i: number): number {
  return subjects[slotOf(i)];
}

/** Object ssidref of the record at position i. Promise: 0 <= i < count(). */
export function objectOf(i: number): number {
  return objects[slotOf(i)];
}

/** Operation of the record at position i. Promise: 0 <= i < count(). */
export function opOf(i: number): Op {
  return ops[slotOf(i)];
}

/** Decision of the record at position i. Promise: 0 <= i < count(). */
export function decisionOf(i: number): number {
  return decisions[slotOf(i)];
}

/** dw1 of the serialised record in `slot` (layout in the file comment). */
function packedFields(slot: number): u64 {
  return BigInt.asUintN(64, (BigInt(whos[slot]) << 56n)
    | (BigInt(subjects[slot] & 0xffff) << 40n)
    | (BigInt(objects[slot] & 0xffff) << 24n)
    | (BigInt(ops[slot]) << 16n)
    | BigInt(decisions[slot] & 0xffff));
}

/**
 * Write the record at position i (0 = oldest held) as its two doublewords into out[0], out[1].
 * Returns false (out untouched) when i is not a held position or out is shorter than 2.
 */
export function entry(i: number, out: BigUint64Array): boolean {
  if (i < 0 || i >= held || out.length < AUDIT_RECORD_DWORDS) return false;
  const slot = slotOf(i);
  out[0] = times[slot];
  out[1] = packedFields(slot);
  return true;
}

/**
 * Serialise records from position `start` (0 = oldest held) on, two doublewords each, into `out`
 * from index 0: at most `max` records, at most what `out` can hold, at most what is held.
 * Returns the number of records written (0 when start is outside 0..count()-1).
 */
export function serialize(start: number, out: BigUint64Array, max: number): number {
  if (start < 0 || start >= held) return 0;
  const room = Math.trunc(out.length / AUDIT_RECORD_DWORDS);
  const n = Math.min(Math.min(held - start, max), room);
  for (let k = 0; k < n; k++) {
    const slot = slotOf(start + k);
    out[2 * k] = times[slot];
    out[2 * k + 1] = packedFields(slot);
  }
  return Math.max(n, 0);
}
