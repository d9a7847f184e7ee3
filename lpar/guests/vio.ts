/**
 * What the virtual-I/O test partitions share: the hcalls of TCE windows, CRQs and the logical
 * LAN (ref/LINUX-GUEST.md B), the unit address convention (a partition's k-th virtual device is
 * VIO_UNIT + k, its DMA window's LIOBN the same number; lpar/vio.ts), waiting by H_CONFER, and
 * the CRQ client's and server's queue (poll, waitMessage, send).
 */
import { load64, load8, store64, store8, type u64 } from 'tsnc';
import { H_CONFER, hcall } from './lib';

export const H_PUT_TCE: u64 = 0x20n;
export const H_REG_CRQ: u64 = 0xfcn;
export const H_FREE_CRQ: u64 = 0x100n;
export const H_SEND_CRQ: u64 = 0x108n;
export const H_COPY_RDMA: u64 = 0x110n;
export const H_REGISTER_LOGICAL_LAN: u64 = 0x114n;
export const H_ADD_LOGICAL_LAN_BUFFER: u64 = 0x11cn;
export const H_SEND_LOGICAL_LAN: u64 = 0x120n;
export const H_CLOSED: u64 = 2n;
export const H_BUSY: u64 = 1n;
export const H_DROPPED: u64 = BigInt.asUintN(64, -12n);

/** The partition's first virtual device (its unit address and LIOBN). */
export const VIO_UNIT: u64 = 0x30000001n;
/** A CRQ server names its client's window by REMOTE_LIOBN | its own unit (H_COPY_RDMA). */
export const REMOTE_LIOBN: u64 = 0x80000000n;
/** TCE permission bits and page size. */
export const TCE_READ_WRITE: u64 = 3n;
export const TCE_PAGE = 4096;

/** CRQ valid bytes (byte 0 of an entry). */
export const CRQ_COMMAND = 0x80;
export const CRQ_INIT = 0xc0;
export const CRQ_TRANSPORT = 0xff;
/** Message formats (byte 1): the client's init, the server's answer; a round's command and its answer; done. */
export const MSG_INIT = 0x01;
export const MSG_INIT_COMPLETE = 0x02;
export const MSG_BLOCK = 0x10;
export const MSG_BLOCK_DONE = 0x90;
export const MSG_FINISH = 0x11;
/** The data block moved each round, and what the server xors into every doubleword of it. */
export const BLOCK_BYTES = 0x10000;
export const XOR_KEY: u64 = 0xa5a55a5a0ff0f00fn;
/** Rounds of the ping-pong. */
export const ROUNDS = 16;

/**
 * Map `pages` 4 KiB pages of this partition's memory from logical address `address` at
 * `ioba` of window `liobn`, readable and writable. The number of H_PUT_TCE failures.
 */
export function mapPages(liobn: u64, ioba: u64, address: u64, pages: number): number {
  let failed = 0;
  for (let i = 0; i < pages; i++) {
    const off: u64 = BigInt(i * TCE_PAGE);
    const st = hcall(H_PUT_TCE, liobn, BigInt.asUintN(64, ioba + off), BigInt.asUintN(64, address + off) | TCE_READ_WRITE, 0n, 0n, 0n, 0n);
    if (st !== 0n) failed++;
  }
  return failed;
}

/** Yield the processor to the other partitions (ends this time slice). */
export function yieldCpu(): void {
  hcall(H_CONFER, 0xffffffffffffffffn, 0n, 0n, 0n, 0n, 0n, 0n);
}

/** The doubleword `j` of round `round`'s data block (what the client writes). */
export function pattern(round: number, j: number): u64 {
  return BigInt.asUintN(64, BigInt.asUintN(64, BigInt(j + 1) * 0x9e3779b97f4a7c15n) ^ BigInt.asUintN(64, BigInt(round) << 40n));
}

/** A running checksum: rotate left by 5, add the next doubleword. */
export function checksumStep(sum: u64, dw: u64): u64 {
  const rotated: u64 = BigInt.asUintN(64, (sum << 5n) | (sum >> 59n));
  return BigInt.asUintN(64, rotated + dw);
}

/** The CRQ message's first doubleword: valid byte, format, 16-bit tag, 32-bit value. */
export function crqWord(valid: number, format: number, tag: number, value: number): u64 {
  return BigInt.asUintN(64, (BigInt(valid) << 56n) | (BigInt(format) << 48n) | (BigInt(tag & 0xffff) << 32n) | BigInt(value >>> 0));
}

/** The CRQ both test partitions register: one page at QUEUE of their memory, I/O address 0. */
export const QUEUE: u64 = 0x400000n;
export const QUEUE_IOBA: u64 = 0n;
export const QUEUE_BYTES = TCE_PAGE;

/** The last message taken from the queue: its two doublewords. */
export const message = new BigUint64Array(2);
let next = 0;

/** Forget the queue's entries and start reading it at its first (it is registered anew). */
export function resetQueue(): void {
  for (let i = 0; i < QUEUE_BYTES; i += 8) store64(BigInt.asUintN(64, QUEUE + BigInt(i)), 0n);
  next = 0;
}

/** Take the next valid entry of the queue into `message` (and free it); false when there is none. */
export function poll(): boolean {
  const at: u64 = BigInt.asUintN(64, QUEUE + BigInt(next));
  if (load8(at) === 0) return false;
  message[0] = load64(at);
  message[1] = load64(BigInt.asUintN(64, at + 8n));
  store8(at, 0);
  next = (next + 16) % QUEUE_BYTES;
  return true;
}

/** Wait (yielding) for a message; false after `tries` empty polls. */
export function waitMessage(tries: number): boolean {
  for (let i = 0; i < tries; i++) {
    if (poll()) return true;
    yieldCpu();
  }
  return false;
}

/** Send (hi, lo) to the partner, retrying while its queue is full; the final status. */
export function send(hi: u64, lo: u64): u64 {
  let st = hcall(H_SEND_CRQ, VIO_UNIT, hi, lo, 0n, 0n, 0n, 0n);
  for (let i = 0; i < 1000 && st === H_DROPPED; i++) {
    yieldCpu();
    st = hcall(H_SEND_CRQ, VIO_UNIT, hi, lo, 0n, 0n, 0n, 0n);
  }
  return st;
}

/**
 * Copy `n` bytes of this partition's memory at `from` into to[at..at+n), a doubleword at a time
 * where it can (big-endian: the first byte is the most significant).
 */
export function readBytes(from: u64, to: Uint8Array, at: number, n: number): void {
  let i = 0;
  for (; i + 8 <= n; i += 8) {
    const d = load64(BigInt.asUintN(64, from + BigInt(i)));
    for (let j = 0; j < 8; j++) to[at + i + j] = Number((d >> BigInt(56 - 8 * j)) & 0xffn);
  }
  for (; i < n; i++) to[at + i] = load8(BigInt.asUintN(64, from + BigInt(i)));
}

/** Copy from[at..at+n) into this partition's memory at `to`, a doubleword at a time where it can. */
export function writeBytes(from: Uint8Array, at: number, to: u64, n: number): void {
  let i = 0;
  for (; i + 8 <= n; i += 8) {
    let d: u64 = 0n;
    for (let j = 0; j < 8; j++) d = BigInt.asUintN(64, (d << 8n) | BigInt(from[at + i + j]));
    store64(BigInt.asUintN(64, to + BigInt(i)), d);
  }
  for (; i < n; i++) store8(BigInt.asUintN(64, to + BigInt(i)), from[at + i]);
}
