/**
 * Big-endian marshalling for TPM 2.0 structures, with a sticky error instead of exceptions.
 *
 * A Reader walks a byte range of an untrusted command. The first failure (too few bytes, a size
 * field above the structure's maximum, a value the caller rejects with fail()) is recorded in
 * `err` as a TPM response code, already numbered with the parameter being read (`param(n)`), and
 * every later read returns 0 and changes nothing, so a handler reads all its parameters and then
 * checks `err` once.
 *
 * A Writer fills a response buffer; writing past its end sets `overflow` (the engine answers
 * TPM_RC_FAILURE: response sizes are bounded by design, so that is a bug, never partial output).
 */
import { Rc, RC_N_SHIFT, RC_P } from "./tpm";

/** Copy n bytes src[sOff..] to dst[dOff..] (front to back; the ranges must not overlap backwards). */
export function copyBytes(dst: Uint8Array, dOff: number, src: Uint8Array, sOff: number, n: number): void {
  for (let i = 0; i < n; i++) dst[dOff + i] = src[sOff + i];
}

/** True if a[aOff..aOff+n) equals b[bOff..bOff+n), compared in time independent of the contents. */
export function equalBytes(a: Uint8Array, aOff: number, b: Uint8Array, bOff: number, n: number): boolean {
  let d = 0;
  for (let i = 0; i < n; i++) d = d | (a[aOff + i] ^ b[bOff + i]);
  return d === 0;
}

/** Length of a[off..off+len) without its trailing zero bytes (TPM authValues are compared so). */
export function trimZeros(a: Uint8Array, off: number, len: number): number {
  let n = len;
  while (n > 0 && a[off + n - 1] === 0) n--;
  return n;
}

/** Read a big-endian u32 at a[off] (unchecked; the caller knows the bytes are there). */
export function getU32(a: Uint8Array, off: number): number {
  return ((a[off] << 24) | (a[off + 1] << 16) | (a[off + 2] << 8) | a[off + 3]) >>> 0;
}

/** Write a big-endian u32 at a[off] (unchecked). */
export function putU32(a: Uint8Array, off: number, v: number): void {
  a[off] = v >>> 24;
  a[off + 1] = v >>> 16;
  a[off + 2] = v >>> 8;
  a[off + 3] = v;
}

/** Write a big-endian u16 at a[off] (unchecked). */
export function putU16(a: Uint8Array, off: number, v: number): void {
  a[off] = v >>> 8;
  a[off + 1] = v;
}

export class Reader {
  buf: Uint8Array;
  pos: number = 0;
  end: number = 0;
  /** first error, 0 while everything read was well formed */
  err: number = 0;
  /** the parameter number added to format-one errors (0: none) */
  paramNo: number = 0;

  constructor(buf: Uint8Array) {
    this.buf = buf;
  }

  /** Read buf[start..end). */
  reset(buf: Uint8Array, start: number, end: number): void {
    this.buf = buf;
    this.pos = start;
    this.end = end;
    this.err = 0;
    this.paramNo = 0;
  }

  /** Following errors belong to parameter n (1-based). */
  param(n: number): void {
    this.paramNo = n;
  }

  /** Record rc (format-one codes numbered with the current parameter) unless an error is already recorded. */
  fail(rc: number): void {
    if (this.err !== 0) return;
    if ((rc & 0x80) !== 0 && this.paramNo !== 0) {
      this.err = rc | RC_P | (this.paramNo << RC_N_SHIFT);
    } else {
      this.err = rc;
    }
    this.pos = this.end;
  }

  /** True when n more bytes are there; otherwise records TPM_RC_INSUFFICIENT. */
  need(n: number): boolean {
    if (this.err !== 0) return false;
    if (this.end - this.pos < n) {
      this.fail(Rc.INSUFFICIENT);
      return false;
    }
    return true;
  }

  remaining(): number {
    return this.end - this.pos;
  }

  atEnd(): boolean {
    return this.pos === this.end;
  }

  u8(): number {
    if (!this.need(1)) return 0;
    return this.buf[this.pos++];
  }

  u16(): number {
    if (!this.need(2)) return 0;
    const b = this.buf;
    const p = this.pos;
    this.pos = p + 2;
    return (b[p] << 8) | b[p + 1];
  }

  u32(): number {
    if (!this.need(4)) return 0;
    const v = getU32(this.buf, this.pos);
    this.pos += 4;
    return v;
  }

  /** Skip n bytes (recording TPM_RC_INSUFFICIENT if they are not there). */
  skip(n: number): void {
    if (this.need(n)) this.pos += n;
  }

  /** Copy n bytes to dst[dOff..]. */
  bytes(dst: Uint8Array, dOff: number, n: number): void {
    if (!this.need(n)) return;
    copyBytes(dst, dOff, this.buf, this.pos, n);
    this.pos += n;
  }

  /**
   * A TPM2B: a u16 size then that many bytes, copied to dst[dOff..]. Returns the size; a size above
   * `max` records TPM_RC_SIZE and returns 0.
   */
  tpm2b(dst: Uint8Array, dOff: number, max: number): number {
    const n = this.u16();
    if (this.err !== 0) return 0;
    if (n > max) {
      this.fail(Rc.SIZE);
      return 0;
    }
    this.bytes(dst, dOff, n);
    return this.err === 0 ? n : 0;
  }

  /**
   * A TPM2B left in place: returns the offset of its bytes in buf and sets `lastSize`; a size
   * above `max` records TPM_RC_SIZE.
   */
  tpm2bInPlace(max: number): number {
    const n = this.u16();
    if (this.err !== 0) return 0;
    if (n > max) {
      this.fail(Rc.SIZE);
      return 0;
    }
    const at = this.pos;
    this.skip(n);
    this.lastSize = this.err === 0 ? n : 0;
    return at;
  }

  /** size of the last tpm2bInPlace */
  lastSize: number = 0;
}

export class Writer {
  buf: Uint8Array;
  pos: number = 0;
  cap: number = 0;
  overflow: boolean = false;

  constructor(buf: Uint8Array) {
    this.buf = buf;
    this.cap = buf.length;
  }

  /** Write into buf[start..cap). */
  reset(buf: Uint8Array, start: number, cap: number): void {
    this.buf = buf;
    this.pos = start;
    this.cap = cap;
    this.overflow = false;
  }

  room(n: number): boolean {
    if (this.overflow || this.cap - this.pos < n) {
      this.overflow = true;
      return false;
    }
    return true;
  }

  u8(v: number): void {
    if (this.room(1)) this.buf[this.pos++] = v;
  }

  u16(v: number): void {
    if (!this.room(2)) return;
    putU16(this.buf, this.pos, v);
    this.pos += 2;
  }

  u32(v: number): void {
    if (!this.room(4)) return;
    putU32(this.buf, this.pos, v);
    this.pos += 4;
  }

  /** A u64 given as its high and low 32-bit halves. */
  u64(hi: number, lo: number): void {
    this.u32(hi);
    this.u32(lo);
  }

  bytes(src: Uint8Array, off: number, n: number): void {
    if (!this.room(n)) return;
    copyBytes(this.buf, this.pos, src, off, n);
    this.pos += n;
  }

  zeros(n: number): void {
    if (!this.room(n)) return;
    for (let i = 0; i < n; i++) this.buf[this.pos + i] = 0;
    this.pos += n;
  }

  /** A TPM2B: u16 size then the bytes. */
  tpm2b(src: Uint8Array, off: number, n: number): void {
    this.u16(n);
    this.bytes(src, off, n);
  }

  /** Reserve a u16 size field; returns its offset for endSize16. */
  beginSize16(): number {
    const at = this.pos;
    this.u16(0);
    return at;
  }

  /** Fill the u16 size field at `at` with the number of bytes written after it. */
  endSize16(at: number): void {
    if (!this.overflow) putU16(this.buf, at, this.pos - at - 2);
  }
}
