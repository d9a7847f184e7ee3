/**
 * SHA-256 (FIPS 180-4) in restricted TypeScript.
 *
 * 32-bit words are numbers: every sum is taken modulo 2^32 with `| 0` (all intermediate sums
 * stay far below 2^53), rotations use rotr32 from "tsnc", and the message schedule lives in a
 * fixed Uint32Array of the context. Nothing is allocated after construction.
 *
 * Streaming use:  ctx.init(); ctx.update(bytes, off, len) …; ctx.final(out)  (32 bytes).
 * Whole blocks can also be given as words: ctx.updateWords(sixteenWords) (see there).
 * After final the context must be init()-ed again before the next message.
 * One-shot use:   sha256(bytes, off, len, out, outOff).
 */
import { rotr32 } from "tsnc";

export const SHA256_DIGEST_SIZE = 32;
export const SHA256_BLOCK_SIZE = 64;

const K = new Uint32Array([
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
  0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
  0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
  0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
  0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
  0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
  0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
  0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
]);

export class Sha256 {
  /** chaining value H0..H7 */
  readonly h: Uint32Array = new Uint32Array(8);
  /** message schedule W0..W63 */
  readonly w: Uint32Array = new Uint32Array(64);
  /** partial block */
  readonly buf: Uint8Array = new Uint8Array(64);
  /** bytes in buf (0..63) */
  bufLen: number = 0;
  /** total message bytes so far (promise: below 2^50) */
  total: number = 0;

  constructor() {
    this.init();
  }

  /** Start a new message. */
  init(): void {
    const h = this.h;
    h[0] = 0x6a09e667; h[1] = 0xbb67ae85; h[2] = 0x3c6ef372; h[3] = 0xa54ff53a;
    h[4] = 0x510e527f; h[5] = 0x9b05688c; h[6] = 0x1f83d9ab; h[7] = 0x5be0cd19;
    this.bufLen = 0;
    this.total = 0;
  }

  /** Make this context an exact copy of `other` (same state, same partial block). */
  copyFrom(other: Sha256): void {
    for (let i = 0; i < 8; i++) this.h[i] = other.h[i];
    for (let i = 0; i < other.bufLen; i++) this.buf[i] = other.buf[i];
    this.bufLen = other.bufLen;
    this.total = other.total;
  }

  /** Absorb `len` bytes of `data` from `off`. Promise: the range is inside `data`. */
  update(data: Uint8Array, off: number, len: number): void {
    if (len <= 0) return;
    this.total += len;
    let p = off;
    const end = off + len;
    if (this.bufLen > 0) {
      const buf = this.buf;
      let n = this.bufLen;
      while (n < 64 && p < end) buf[n++] = data[p++];
      if (n < 64) {
        this.bufLen = n;
        return;
      }
      this.compress(buf, 0);
      this.bufLen = 0;
    }
    while (end - p >= 64) {
      this.compress(data, p);
      p += 64;
    }
    let n = 0;
    while (p < end) this.buf[n++] = data[p++];
    this.bufLen = n;
  }

  /** Finish the message and write the 32-byte digest to out[outOff..outOff+31]. */
  finalAt(out: Uint8Array, outOff: number): void {
    const buf = this.buf;
    let n = this.bufLen;
    const total = this.total;
    buf[n++] = 0x80;
    if (n > 56) {
      while (n < 64) buf[n++] = 0;
      this.compress(buf, 0);
      n = 0;
    }
    while (n < 56) buf[n++] = 0;
    // bit length, big-endian 64-bit: high word = total >> 29, low word = total << 3 (mod 2^32)
    const hi = Math.trunc(total / 0x20000000);
    const lo = total << 3;
    buf[56] = hi >>> 24; buf[57] = hi >>> 16; buf[58] = hi >>> 8; buf[59] = hi;
    buf[60] = lo >>> 24; buf[61] = lo >>> 16; buf[62] = lo >>> 8; buf[63] = lo;
    this.compress(buf, 0);
    this.bufLen = 0;
    const h = this.h;
    for (let i = 0; i < 8; i++) {
      const v = h[i];
      const o = outOff + 4 * i;
      out[o] = v >>> 24;
      out[o + 1] = v >>> 16;
      out[o + 2] = v >>> 8;
      out[o + 3] = v;
    }
  }

  /** Finish the message and write the 32-byte digest to out[0..31]. */
  final(out: Uint8Array): void {
    this.finalAt(out, 0);
  }

  /**
   * Absorb one whole 64-byte block given as 16 big-endian 32-bit words (word i = message bytes
   * 4i..4i+3), for callers that read the message a word at a time (physical memory, with
   * load64). Promise: no partial block is pending (every earlier update was a multiple of 64
   * bytes), so the block sits on a block boundary of the message.
   */
  updateWords(words: Uint32Array): void {
    const w = this.w;
    for (let i = 0; i < 16; i++) w[i] = words[i];
    this.total += 64;
    this.rounds();
  }

  /** One compression: the 64-byte block at src[p..p+63]. */
  compress(src: Uint8Array, p: number): void {
    const w = this.w;
    for (let i = 0; i < 16; i++) {
      const q = p + 4 * i;
      w[i] = (src[q] << 24) | (src[q + 1] << 16) | (src[q + 2] << 8) | src[q + 3];
    }
    this.rounds();
  }

  /** The message schedule from w[0..15] and the 64 rounds into the chaining value. */
  private rounds(): void {
    const w = this.w;
    for (let i = 16; i < 64; i++) {
      const x = w[i - 15];
      const y = w[i - 2];
      const s0 = rotr32(x, 7) ^ rotr32(x, 18) ^ (x >>> 3);
      const s1 = rotr32(y, 17) ^ rotr32(y, 19) ^ (y >>> 10);
      w[i] = (w[i - 16] + s0 + w[i - 7] + s1) | 0;
    }
    const h = this.h;
    let a = h[0];
    let b = h[1];
    let c = h[2];
    let d = h[3];
    let e = h[4];
    let f = h[5];
    let g = h[6];
    let hh = h[7];
    for (let i = 0; i < 64; i++) {
      const S1 = rotr32(e, 6) ^ rotr32(e, 11) ^ rotr32(e, 25);
      const ch = (e & f) ^ (~e & g);
      const t1 = (hh + S1 + ch + K[i] + w[i]) | 0;
      const S0 = rotr32(a, 2) ^ rotr32(a, 13) ^ rotr32(a, 22);
      const maj = (a & b) ^ (a & c) ^ (b & c);
      const t2 = (S0 + maj) | 0;
      hh = g;
      g = f;
      f = e;
      e = (d + t1) >>> 0;
      d = c;
      c = b;
      b = a;
      a = (t1 + t2) >>> 0;
    }
    h[0] = h[0] + a;
    h[1] = h[1] + b;
    h[2] = h[2] + c;
    h[3] = h[3] + d;
    h[4] = h[4] + e;
    h[5] = h[5] + f;
    h[6] = h[6] + g;
    h[7] = h[7] + hh;
  }
}

const ONE_SHOT = new Sha256();

/** SHA-256 of data[off..off+len-1] into out[outOff..outOff+31]. */
export function sha256(data: Uint8Array, off: number, len: number, out: Uint8Array, outOff: number): void {
  ONE_SHOT.init();
  ONE_SHOT.update(data, off, len);
  ONE_SHOT.finalAt(out, outOff);
}
