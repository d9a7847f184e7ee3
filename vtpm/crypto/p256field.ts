/**
 * 256-bit modular arithmetic for ECC P-256, in restricted TypeScript. Two parts:
 *
 * 1. Helpers on plain 256-bit numbers, Uint32Array(8) of 32-bit limbs, least significant first
 *    (scalars and coordinates as they come in and go out: comparisons, byte conversions).
 *    Every function takes its output first; outputs may alias inputs.
 *
 * 2. The P-256-specific arithmetic used by p256.ts and p256ecdsa.ts: 24-bit limbs on an element
 *    heap, a sparse Montgomery reduction for p, a generic one for n, folding additions and
 *    safegcd inversion (see the section comment below).
 */
import { trap } from "tsnc";

/** out = a + b mod 2^256; returns the carry (0 or 1). */
export function add256(out: Uint32Array, a: Uint32Array, b: Uint32Array): number {
  let c = 0;
  for (let i = 0; i < 8; i++) {
    const s = a[i] + b[i] + c;
    out[i] = s >>> 0;
    c = s > 0xffffffff ? 1 : 0;
  }
  return c;
}

/** out = a - b mod 2^256; returns the borrow (0 or 1). */
export function sub256(out: Uint32Array, a: Uint32Array, b: Uint32Array): number {
  let br = 0;
  for (let i = 0; i < 8; i++) {
    const d = a[i] - b[i] - br;
    out[i] = d >>> 0;
    br = d < 0 ? 1 : 0;
  }
  return br;
}

/** -1, 0 or 1 as a < b, a = b, a > b. */
export function cmp256(a: Uint32Array, b: Uint32Array): number {
  for (let i = 7; i >= 0; i--) {
    if (a[i] !== b[i]) {
      return a[i] < b[i] ? -1 : 1;
    }
  }
  return 0;
}

export function isZero256(a: Uint32Array): boolean {
  let x = 0;
  for (let i = 0; i < 8; i++) {
    x = x | a[i];
  }
  return x === 0;
}

/** out = a if mask is all ones (-1), out unchanged if mask is 0; no data-dependent branch. */
export function cmov256(out: Uint32Array, a: Uint32Array, mask: number): void {
  for (let i = 0; i < 8; i++) {
    out[i] = ((out[i] & ~mask) | (a[i] & mask)) >>> 0;
  }
}

/** Big-endian 32 bytes at src[off..off+32) into limbs. */
export function fromBytes256(out: Uint32Array, src: Uint8Array, off: number): void {
  for (let i = 0; i < 8; i++) {
    const p = off + 28 - 4 * i;
    out[i] = ((src[p] << 24) | (src[p + 1] << 16) | (src[p + 2] << 8) | src[p + 3]) >>> 0;
  }
}

/** Limbs into big-endian 32 bytes at dst[off..off+32). */
export function toBytes256(dst: Uint8Array, off: number, a: Uint32Array): void {
  for (let i = 0; i < 8; i++) {
    const p = off + 28 - 4 * i;
    const v = a[i];
    dst[p] = v >>> 24;
    dst[p + 1] = (v >>> 16) & 0xff;
    dst[p + 2] = (v >>> 8) & 0xff;
    dst[p + 3] = v & 0xff;
  }
}

/** The P-256 field prime p = 2^256 - 2^224 + 2^192 + 2^96 - 1. */
export const P256_P = new Uint32Array([
  0xffffffff, 0xffffffff, 0xffffffff, 0x00000000, 0x00000000, 0x00000000, 0x00000001, 0xffffffff,
]);
/** The P-256 group order n. */
export const P256_N = new Uint32Array([
  0xfc632551, 0xf3b9cac2, 0xa7179e84, 0xbce6faad, 0xffffffff, 0xffffffff, 0x00000000, 0xffffffff,
]);

// ---------------------------------------------------------------------------------------------
// P-256-specific arithmetic: 24-bit limbs in a field-element heap.
//
// Representation: an element is 11 limbs of 24 bits, least significant first (value =
// sum limb_i 2^(24 i), 264 bits of room), stored at FH[o .. o+11) of the module-level heap FH and
// named by its offset o (a number). Elements are reserved once, at module initialisation
// (feAlloc). Every function takes offsets, output first; outputs may alias inputs. (Natively a
// module-level array has a constant header, so element accesses need no reloads of an array
// header after each store; with Int32Array parameters every store forced them.)
//
// Exactness: products of two limbs are below 2^48 and a column of at most 11 of them, plus the
// reduction terms, stays below 2^53 (bounds at feMul, scMul), so both executions compute every
// product and column exactly as plain `number`s; carries are Math.floor(t / 2^24), an arithmetic
// shift natively.
//
// Invariant ("loosely reduced"): every limb in [0, 2^24), value below 2^257; congruent to the
// element, not necessarily below the modulus. All operations accept and return loosely reduced
// values; feCanon / scCanon give the representative below the modulus (for output, comparisons,
// zero tests).
//
// Reduction mod p: Montgomery with R = 2^264, specialised to p = 2^256 - 2^224 + 2^192 + 2^96 - 1:
// as p = -1 mod 2^96, -p^-1 mod 2^24 is 1, so each of the 11 digit steps takes m = the current low
// digit, and adding m p touches four limbs (see feMul). The reduction is interleaved with the
// product columns. Result < a b / 2^264 + p < 2^257 for a, b < 2^260: no final subtraction.
// Field elements of the curve code are in this Montgomery form (x 2^264 mod p).
//
// Reduction mod n: generic Montgomery (R = 2^264, -n^-1 mod 2^24 = 0xbc4f), 11 digit steps
// m = t_i 0xbc4f mod 2^24, t += m n 2^(24 i), also interleaved with the columns.
//
// Addition, subtraction, small multiples and the fused a - k b and k (a - b) fold the bits from
// 2^256 up back with 2^256 = 2^224 - 2^192 - 2^96 + 1 (mod p), resp. 2^256 = (2^256 - n) (mod n),
// q = the top limb >> 16 copies (an underestimate, as the carries from below are non-negative, so
// the result stays non-negative), then propagate carries once: the result is below
// 2^256 + 2^242 + q 2^224. Subtraction adds 4m (4km for a - k b) in limbs pre-borrowed so that
// every limb difference is non-negative.
//
// Inversion (feInv, scInv): Bernstein-Yang safegcd divsteps, 31 batches of 24 (744 >= 741, the
// bound for 256-bit inputs), each batch on the low limbs with a 2x2 transition matrix applied to
// (f, g) and, modulo m, to the Bezout coefficients (d, e).
//
// Nothing here branches on element values or indexes memory with them (constant time in
// structure); only the callers' decisions on feCanon/scCanon results and on the masks do.

/**
 * The element heap: room for 744 elements of 11 limbs (the curve code reserves about 360). The
 * straight-line arithmetic functions mask their offsets with HM (offsets are below 2^13 anyway),
 * and the array is 16 limbs longer, so the compiler can see that every index o + i (i < 11) is in
 * range and drops the bounds checks.
 */
export const FH = new Int32Array(8208);
const HM = 0x1fff;
let fhNext = 0;

/** Reserve an element of the heap (module initialisation); returns its offset. */
export function feAlloc(): number {
  const o = fhNext;
  fhNext += 11;
  if (fhNext > HM + 1) {
    trap();
  }
  return o;
}

/** FH[o] = the 11 limbs src[0..11) (any values; for tests and constants). */
export function feSetLimbs(o: number, src: Int32Array): void {
  for (let i = 0; i < 11; i++) {
    FH[o + i] = src[i];
  }
}

/** dst[0..11) = the limbs at FH[o]. */
export function feGetLimbs(dst: Int32Array, o: number): void {
  for (let i = 0; i < 11; i++) {
    dst[i] = FH[o + i];
  }
}

export function feCopy(o: number, a: number): void {
  for (let i = 0; i < 11; i++) {
    FH[o + i] = FH[a + i];
  }
}

/** FH[o] = small (a plain value below 2^24, not Montgomery form). */
export function feSetSmall(o: number, small: number): void {
  FH[o] = small;
  for (let i = 1; i < 11; i++) {
    FH[o + i] = 0;
  }
}

/** FH[o] = a if mask is -1, unchanged if mask is 0 (no data-dependent branch). */
export function feCmov(o: number, a: number, mask: number): void {
  for (let i = 0; i < 11; i++) {
    const x = FH[o + i];
    FH[o + i] = x ^ ((x ^ FH[a + i]) & mask);
  }
}

/** 8 x 32-bit limbs (any 256-bit value) into the 11 x 24-bit limbs at FH[o] (same value). */
export function feFromWords(o: number, a: Uint32Array): void {
  for (let j = 0; j < 11; j++) {
    const b = 24 * j;
    const w = b >>> 5;
    const s = b & 31;
    let v = a[w] >>> s;
    if (s > 8 && w < 7) {
      v = v | (a[w + 1] << (32 - s));
    }
    FH[o + j] = v & 0xffffff;
  }
}

/** The element at FH[o] (limbs normalised, value below 2^256) into 8 x 32-bit limbs. */
export function feToWords(out: Uint32Array, o: number): void {
  for (let w = 0; w < 8; w++) {
    const b = 32 * w;
    const j = (b / 24) | 0;
    const s = b - 24 * j;
    out[w] = ((FH[o + j] >>> s) | (FH[o + j + 1] << (24 - s))) >>> 0;
  }
}

/** The element at FH[o] (limbs normalised, value below 2^256) as big-endian 32 bytes at dst[off..off+32). */
export function feToBytes(dst: Uint8Array, off: number, o: number): void {
  for (let j = 0; j < 10; j++) {
    const q = off + 31 - 3 * j;
    const v = FH[o + j];
    dst[q] = v & 0xff;
    dst[q - 1] = (v >>> 8) & 0xff;
    dst[q - 2] = (v >>> 16) & 0xff;
  }
  dst[off + 1] = FH[o + 10] & 0xff;
  dst[off] = (FH[o + 10] >>> 8) & 0xff;
}

/** -1 if the limbs at FH[o] are all zero, else 0. */
function zeroMask(o: number): number {
  let x = 0;
  for (let i = 0; i < 11; i++) {
    x = x | FH[o + i];
  }
  return ((x | -x) >> 31) ^ -1;
}

/**
 * FH[o] = a b 2^-264 (mod p), the Montgomery product, loosely reduced (a, b loosely reduced).
 * Column k sums at most 11 limb products (< 2^48 each; those with a top limb < 2^41) and at most
 * four reduction terms (m, m, m 0xffff00 < 2^48, m 0xffff) plus the carry: below 2^52.
 * The reduction term for digit m_i is m_i (p + 1) / 2^(24 i) distributed as m_i at limbs i+4 and
 * i+8, m_i 0xffff00 at limb i+9 and m_i 0xffff at limb i+10 (2^256 - 2^224 = 2^216 (2^40 - 2^8)).
 */
export function feMul(o: number, a: number, b: number): void {
  o = o & HM;
  a = a & HM;
  b = b & HM;
  const a0 = FH[a], a1 = FH[a + 1], a2 = FH[a + 2], a3 = FH[a + 3], a4 = FH[a + 4], a5 = FH[a + 5];
  const a6 = FH[a + 6], a7 = FH[a + 7], a8 = FH[a + 8], a9 = FH[a + 9], a10 = FH[a + 10];
  const b0 = FH[b], b1 = FH[b + 1], b2 = FH[b + 2], b3 = FH[b + 3], b4 = FH[b + 4], b5 = FH[b + 5];
  const b6 = FH[b + 6], b7 = FH[b + 7], b8 = FH[b + 8], b9 = FH[b + 9], b10 = FH[b + 10];
  let t = 0;
  t = a0 * b0;
  const m0 = t & 0xffffff;
  t = Math.floor(t / 0x1000000) + a0 * b1 + a1 * b0;
  const m1 = t & 0xffffff;
  t = Math.floor(t / 0x1000000) + a0 * b2 + a1 * b1 + a2 * b0;
  const m2 = t & 0xffffff;
  t = Math.floor(t / 0x1000000) + a0 * b3 + a1 * b2 + a2 * b1 + a3 * b0;
  const m3 = t & 0xffffff;
  t = Math.floor(t / 0x1000000) + a0 * b4 + a1 * b3 + a2 * b2 + a3 * b1 + a4 * b0 + m0;
  const m4 = t & 0xffffff;
  t = Math.floor(t / 0x1000000) + a0 * b5 + a1 * b4 + a2 * b3 + a3 * b2 + a4 * b1 + a5 * b0 + m1;
  const m5 = t & 0xffffff;
  t = Math.floor(t / 0x1000000) + a0 * b6 + a1 * b5 + a2 * b4 + a3 * b3 + a4 * b2 + a5 * b1 +
    a6 * b0 + m2;
  const m6 = t & 0xffffff;
  t = Math.floor(t / 0x1000000) + a0 * b7 + a1 * b6 + a2 * b5 + a3 * b4 + a4 * b3 + a5 * b2 +
    a6 * b1 + a7 * b0 + m3;
  const m7 = t & 0xffffff;
  t = Math.floor(t / 0x1000000) + a0 * b8 + a1 * b7 + a2 * b6 + a3 * b5 + a4 * b4 + a5 * b3 +
    a6 * b2 + a7 * b1 + a8 * b0 + m4 + m0;
  const m8 = t & 0xffffff;
  t = Math.floor(t / 0x1000000) + a0 * b9 + a1 * b8 + a2 * b7 + a3 * b6 + a4 * b5 + a5 * b4 +
    a6 * b3 + a7 * b2 + a8 * b1 + a9 * b0 + m5 + m1 + m0 * 0xffff00;
  const m9 = t & 0xffffff;
  t = Math.floor(t / 0x1000000) + a0 * b10 + a1 * b9 + a2 * b8 + a3 * b7 + a4 * b6 + a5 * b5 +
    a6 * b4 + a7 * b3 + a8 * b2 + a9 * b1 + a10 * b0 + m6 + m2 + m1 * 0xffff00 + m0 * 0xffff;
  const m10 = t & 0xffffff;
  t = Math.floor(t / 0x1000000) + a1 * b10 + a2 * b9 + a3 * b8 + a4 * b7 + a5 * b6 + a6 * b5 +
    a7 * b4 + a8 * b3 + a9 * b2 + a10 * b1 + m7 + m3 + m2 * 0xffff00 + m1 * 0xffff;
  FH[o] = t & 0xffffff;
  t = Math.floor(t / 0x1000000) + a2 * b10 + a3 * b9 + a4 * b8 + a5 * b7 + a6 * b6 + a7 * b5 +
    a8 * b4 + a9 * b3 + a10 * b2 + m8 + m4 + m3 * 0xffff00 + m2 * 0xffff;
  FH[o + 1] = t & 0xffffff;
  t = Math.floor(t / 0x1000000) + a3 * b10 + a4 * b9 + a5 * b8 + a6 * b7 + a7 * b6 + a8 * b5 +
    a9 * b4 + a10 * b3 + m9 + m5 + m4 * 0xffff00 + m3 * 0xffff;
  FH[o + 2] = t & 0xffffff;
  t = Math.floor(t / 0x1000000) + a4 * b10 + a5 * b9 + a6 * b8 + a7 * b7 + a8 * b6 + a9 * b5 +
    a10 * b4 + m10 + m6 + m5 * 0xffff00 + m4 * 0xffff;
  FH[o + 3] = t & 0xffffff;
  t = Math.floor(t / 0x1000000) + a5 * b10 + a6 * b9 + a7 * b8 + a8 * b7 + a9 * b6 + a10 * b5 + m7 +
    m6 * 0xffff00 + m5 * 0xffff;
  FH[o + 4] = t & 0xffffff;
  t = Math.floor(t / 0x1000000) + a6 * b10 + a7 * b9 + a8 * b8 + a9 * b7 + a10 * b6 + m8 +
    m7 * 0xffff00 + m6 * 0xffff;
  FH[o + 5] = t & 0xffffff;
  t = Math.floor(t / 0x1000000) + a7 * b10 + a8 * b9 + a9 * b8 + a10 * b7 + m9 + m8 * 0xffff00 +
    m7 * 0xffff;
  FH[o + 6] = t & 0xffffff;
  t = Math.floor(t / 0x1000000) + a8 * b10 + a9 * b9 + a10 * b8 + m10 + m9 * 0xffff00 + m8 * 0xffff;
  FH[o + 7] = t & 0xffffff;
  t = Math.floor(t / 0x1000000) + a9 * b10 + a10 * b9 + m10 * 0xffff00 + m9 * 0xffff;
  FH[o + 8] = t & 0xffffff;
  t = Math.floor(t / 0x1000000) + a10 * b10 + m10 * 0xffff;
  FH[o + 9] = t & 0xffffff;
  FH[o + 10] = Math.floor(t / 0x1000000);
}

/** FH[o] = a^2 2^-264 (mod p): feMul with the 55 cross products doubled (66 products, not 121). */
export function feSqr(o: number, a: number): void {
  o = o & HM;
  a = a & HM;
  const a0 = FH[a], a1 = FH[a + 1], a2 = FH[a + 2], a3 = FH[a + 3], a4 = FH[a + 4], a5 = FH[a + 5];
  const a6 = FH[a + 6], a7 = FH[a + 7], a8 = FH[a + 8], a9 = FH[a + 9], a10 = FH[a + 10];
  const d0 = 2 * a0, d1 = 2 * a1, d2 = 2 * a2, d3 = 2 * a3, d4 = 2 * a4;
  const d5 = 2 * a5, d6 = 2 * a6, d7 = 2 * a7, d8 = 2 * a8, d9 = 2 * a9;
  let t = 0;
  t = a0 * a0;
  const m0 = t & 0xffffff;
  t = Math.floor(t / 0x1000000) + d0 * a1;
  const m1 = t & 0xffffff;
  t = Math.floor(t / 0x1000000) + d0 * a2 + a1 * a1;
  const m2 = t & 0xffffff;
  t = Math.floor(t / 0x1000000) + d0 * a3 + d1 * a2;
  const m3 = t & 0xffffff;
  t = Math.floor(t / 0x1000000) + d0 * a4 + d1 * a3 + a2 * a2 + m0;
  const m4 = t & 0xffffff;
  t = Math.floor(t / 0x1000000) + d0 * a5 + d1 * a4 + d2 * a3 + m1;
  const m5 = t & 0xffffff;
  t = Math.floor(t / 0x1000000) + d0 * a6 + d1 * a5 + d2 * a4 + a3 * a3 + m2;
  const m6 = t & 0xffffff;
  t = Math.floor(t / 0x1000000) + d0 * a7 + d1 * a6 + d2 * a5 + d3 * a4 + m3;
  const m7 = t & 0xffffff;
  t = Math.floor(t / 0x1000000) + d0 * a8 + d1 * a7 + d2 * a6 + d3 * a5 + a4 * a4 + m4 + m0;
  const m8 = t & 0xffffff;
  t = Math.floor(t / 0x1000000) + d0 * a9 + d1 * a8 + d2 * a7 + d3 * a6 + d4 * a5 + m5 + m1 +
    m0 * 0xffff00;
  const m9 = t & 0xffffff;
  t = Math.floor(t / 0x1000000) + d0 * a10 + d1 * a9 + d2 * a8 + d3 * a7 + d4 * a6 + a5 * a5 + m6 +
    m2 + m1 * 0xffff00 + m0 * 0xffff;
  const m10 = t & 0xffffff;
  t = Math.floor(t / 0x1000000) + d1 * a10 + d2 * a9 + d3 * a8 + d4 * a7 + d5 * a6 + m7 + m3 +
    m2 * 0xffff00 + m1 * 0xffff;
  FH[o] = t & 0xffffff;
  t = Math.floor(t / 0x1000000) + d2 * a10 + d3 * a9 + d4 * a8 + d5 * a7 + a6 * a6 + m8 + m4 +
    m3 * 0xffff00 + m2 * 0xffff;
  FH[o + 1] = t & 0xffffff;
  t = Math.floor(t / 0x1000000) + d3 * a10 + d4 * a9 + d5 * a8 + d6 * a7 + m9 + m5 + m4 * 0xffff00 +
    m3 * 0xffff;
  FH[o + 2] = t & 0xffffff;
  t = Math.floor(t / 0x1000000) + d4 * a10 + d5 * a9 + d6 * a8 + a7 * a7 + m10 + m6 +
    m5 * 0xffff00 + m4 * 0xffff;
  FH[o + 3] = t & 0xffffff;
  t = Math.floor(t / 0x1000000) + d5 * a10 + d6 * a9 + d7 * a8 + m7 + m6 * 0xffff00 + m5 * 0xffff;
  FH[o + 4] = t & 0xffffff;
  t = Math.floor(t / 0x1000000) + d6 * a10 + d7 * a9 + a8 * a8 + m8 + m7 * 0xffff00 + m6 * 0xffff;
  FH[o + 5] = t & 0xffffff;
  t = Math.floor(t / 0x1000000) + d7 * a10 + d8 * a9 + m9 + m8 * 0xffff00 + m7 * 0xffff;
  FH[o + 6] = t & 0xffffff;
  t = Math.floor(t / 0x1000000) + d8 * a10 + a9 * a9 + m10 + m9 * 0xffff00 + m8 * 0xffff;
  FH[o + 7] = t & 0xffffff;
  t = Math.floor(t / 0x1000000) + d9 * a10 + m10 * 0xffff00 + m9 * 0xffff;
  FH[o + 8] = t & 0xffffff;
  t = Math.floor(t / 0x1000000) + a10 * a10 + m10 * 0xffff;
  FH[o + 9] = t & 0xffffff;
  FH[o + 10] = Math.floor(t / 0x1000000);
}

/** FH[o] = a + b (mod p), loosely reduced. */
export function feAdd(o: number, a: number, b: number): void {
  o = o & HM;
  a = a & HM;
  b = b & HM;
  const t0 = FH[a] + FH[b], t1 = FH[a + 1] + FH[b + 1], t2 = FH[a + 2] + FH[b + 2];
  const t3 = FH[a + 3] + FH[b + 3], t4 = FH[a + 4] + FH[b + 4], t5 = FH[a + 5] + FH[b + 5];
  const t6 = FH[a + 6] + FH[b + 6], t7 = FH[a + 7] + FH[b + 7], t8 = FH[a + 8] + FH[b + 8];
  const t9 = FH[a + 9] + FH[b + 9], t10 = FH[a + 10] + FH[b + 10];
  const q = t10 >> 16;
  let c = t0 + q;
  FH[o] = c & 0xffffff;
  c = (c >> 24) + t1;
  FH[o + 1] = c & 0xffffff;
  c = (c >> 24) + t2;
  FH[o + 2] = c & 0xffffff;
  c = (c >> 24) + t3;
  FH[o + 3] = c & 0xffffff;
  c = (c >> 24) + t4 - q;
  FH[o + 4] = c & 0xffffff;
  c = (c >> 24) + t5;
  FH[o + 5] = c & 0xffffff;
  c = (c >> 24) + t6;
  FH[o + 6] = c & 0xffffff;
  c = (c >> 24) + t7;
  FH[o + 7] = c & 0xffffff;
  c = (c >> 24) + t8 - q;
  FH[o + 8] = c & 0xffffff;
  c = (c >> 24) + t9 + (q << 8);
  FH[o + 9] = c & 0xffffff;
  FH[o + 10] = (c >> 24) + (t10 & 0xffff);
}

/** FH[o] = a - b (mod p), loosely reduced: a + 4p - b with 4p pre-borrowed so every limb is non-negative. */
export function feSub(o: number, a: number, b: number): void {
  o = o & HM;
  a = a & HM;
  b = b & HM;
  const t0 = FH[a] - FH[b] + 0x1fffffc, t1 = FH[a + 1] - FH[b + 1] + 0x1fffffe;
  const t2 = FH[a + 2] - FH[b + 2] + 0x1fffffe, t3 = FH[a + 3] - FH[b + 3] + 0x1fffffe;
  const t4 = FH[a + 4] - FH[b + 4] + 0x1000002, t5 = FH[a + 5] - FH[b + 5] + 0xffffff;
  const t6 = FH[a + 6] - FH[b + 6] + 0xffffff, t7 = FH[a + 7] - FH[b + 7] + 0xffffff;
  const t8 = FH[a + 8] - FH[b + 8] + 0x1000003, t9 = FH[a + 9] - FH[b + 9] + 0x1fffbff;
  const t10 = FH[a + 10] - FH[b + 10] + 0x3fffe;
  const q = t10 >> 16;
  let c = t0 + q;
  FH[o] = c & 0xffffff;
  c = (c >> 24) + t1;
  FH[o + 1] = c & 0xffffff;
  c = (c >> 24) + t2;
  FH[o + 2] = c & 0xffffff;
  c = (c >> 24) + t3;
  FH[o + 3] = c & 0xffffff;
  c = (c >> 24) + t4 - q;
  FH[o + 4] = c & 0xffffff;
  c = (c >> 24) + t5;
  FH[o + 5] = c & 0xffffff;
  c = (c >> 24) + t6;
  FH[o + 6] = c & 0xffffff;
  c = (c >> 24) + t7;
  FH[o + 7] = c & 0xffffff;
  c = (c >> 24) + t8 - q;
  FH[o + 8] = c & 0xffffff;
  c = (c >> 24) + t9 + (q << 8);
  FH[o + 9] = c & 0xffffff;
  FH[o + 10] = (c >> 24) + (t10 & 0xffff);
}

/** FH[o] = -a (mod p), loosely reduced (4p - a). */
export function feNeg(o: number, a: number): void {
  o = o & HM;
  a = a & HM;
  const t0 = 0x1fffffc - FH[a], t1 = 0x1fffffe - FH[a + 1], t2 = 0x1fffffe - FH[a + 2];
  const t3 = 0x1fffffe - FH[a + 3], t4 = 0x1000002 - FH[a + 4], t5 = 0xffffff - FH[a + 5];
  const t6 = 0xffffff - FH[a + 6], t7 = 0xffffff - FH[a + 7], t8 = 0x1000003 - FH[a + 8];
  const t9 = 0x1fffbff - FH[a + 9], t10 = 0x3fffe - FH[a + 10];
  const q = t10 >> 16;
  let c = t0 + q;
  FH[o] = c & 0xffffff;
  c = (c >> 24) + t1;
  FH[o + 1] = c & 0xffffff;
  c = (c >> 24) + t2;
  FH[o + 2] = c & 0xffffff;
  c = (c >> 24) + t3;
  FH[o + 3] = c & 0xffffff;
  c = (c >> 24) + t4 - q;
  FH[o + 4] = c & 0xffffff;
  c = (c >> 24) + t5;
  FH[o + 5] = c & 0xffffff;
  c = (c >> 24) + t6;
  FH[o + 6] = c & 0xffffff;
  c = (c >> 24) + t7;
  FH[o + 7] = c & 0xffffff;
  c = (c >> 24) + t8 - q;
  FH[o + 8] = c & 0xffffff;
  c = (c >> 24) + t9 + (q << 8);
  FH[o + 9] = c & 0xffffff;
  FH[o + 10] = (c >> 24) + (t10 & 0xffff);
}

/** FH[o] = a - k b (mod p) for 1 <= k <= 8, loosely reduced (a + 4kp - k b). */
export function feSubK(o: number, a: number, b: number, k: number): void {
  o = o & HM;
  a = a & HM;
  b = b & HM;
  const t0 = FH[a] - FH[b] * k + 0x1fffffc * k, t1 = FH[a + 1] - FH[b + 1] * k + 0x1fffffe * k;
  const t2 = FH[a + 2] - FH[b + 2] * k + 0x1fffffe * k;
  const t3 = FH[a + 3] - FH[b + 3] * k + 0x1fffffe * k;
  const t4 = FH[a + 4] - FH[b + 4] * k + 0x1000002 * k;
  const t5 = FH[a + 5] - FH[b + 5] * k + 0xffffff * k;
  const t6 = FH[a + 6] - FH[b + 6] * k + 0xffffff * k;
  const t7 = FH[a + 7] - FH[b + 7] * k + 0xffffff * k;
  const t8 = FH[a + 8] - FH[b + 8] * k + 0x1000003 * k;
  const t9 = FH[a + 9] - FH[b + 9] * k + 0x1fffbff * k;
  const t10 = FH[a + 10] - FH[b + 10] * k + 0x3fffe * k;
  const q = t10 >> 16;
  let c = t0 + q;
  FH[o] = c & 0xffffff;
  c = (c >> 24) + t1;
  FH[o + 1] = c & 0xffffff;
  c = (c >> 24) + t2;
  FH[o + 2] = c & 0xffffff;
  c = (c >> 24) + t3;
  FH[o + 3] = c & 0xffffff;
  c = (c >> 24) + t4 - q;
  FH[o + 4] = c & 0xffffff;
  c = (c >> 24) + t5;
  FH[o + 5] = c & 0xffffff;
  c = (c >> 24) + t6;
  FH[o + 6] = c & 0xffffff;
  c = (c >> 24) + t7;
  FH[o + 7] = c & 0xffffff;
  c = (c >> 24) + t8 - q;
  FH[o + 8] = c & 0xffffff;
  c = (c >> 24) + t9 + (q << 8);
  FH[o + 9] = c & 0xffffff;
  FH[o + 10] = (c >> 24) + (t10 & 0xffff);
}

/** FH[o] = k (a - b) (mod p) for 1 <= k <= 8, loosely reduced. */
export function feSubMul(o: number, a: number, b: number, k: number): void {
  o = o & HM;
  a = a & HM;
  b = b & HM;
  const t0 = (FH[a] - FH[b] + 0x1fffffc) * k, t1 = (FH[a + 1] - FH[b + 1] + 0x1fffffe) * k;
  const t2 = (FH[a + 2] - FH[b + 2] + 0x1fffffe) * k, t3 = (FH[a + 3] - FH[b + 3] + 0x1fffffe) * k;
  const t4 = (FH[a + 4] - FH[b + 4] + 0x1000002) * k, t5 = (FH[a + 5] - FH[b + 5] + 0xffffff) * k;
  const t6 = (FH[a + 6] - FH[b + 6] + 0xffffff) * k, t7 = (FH[a + 7] - FH[b + 7] + 0xffffff) * k;
  const t8 = (FH[a + 8] - FH[b + 8] + 0x1000003) * k, t9 = (FH[a + 9] - FH[b + 9] + 0x1fffbff) * k;
  const t10 = (FH[a + 10] - FH[b + 10] + 0x3fffe) * k;
  const q = t10 >> 16;
  let c = t0 + q;
  FH[o] = c & 0xffffff;
  c = (c >> 24) + t1;
  FH[o + 1] = c & 0xffffff;
  c = (c >> 24) + t2;
  FH[o + 2] = c & 0xffffff;
  c = (c >> 24) + t3;
  FH[o + 3] = c & 0xffffff;
  c = (c >> 24) + t4 - q;
  FH[o + 4] = c & 0xffffff;
  c = (c >> 24) + t5;
  FH[o + 5] = c & 0xffffff;
  c = (c >> 24) + t6;
  FH[o + 6] = c & 0xffffff;
  c = (c >> 24) + t7;
  FH[o + 7] = c & 0xffffff;
  c = (c >> 24) + t8 - q;
  FH[o + 8] = c & 0xffffff;
  c = (c >> 24) + t9 + (q << 8);
  FH[o + 9] = c & 0xffffff;
  FH[o + 10] = (c >> 24) + (t10 & 0xffff);
}

/** FH[o] = -a (mod p) if mask is -1, a if mask is 0 (no data-dependent branch), loosely reduced. */
export function feCondNeg(o: number, a: number, mask: number): void {
  o = o & HM;
  a = a & HM;
  const t0 = FH[a] ^ ((FH[a] ^ (0x1fffffc - FH[a])) & mask);
  const t1 = FH[a + 1] ^ ((FH[a + 1] ^ (0x1fffffe - FH[a + 1])) & mask);
  const t2 = FH[a + 2] ^ ((FH[a + 2] ^ (0x1fffffe - FH[a + 2])) & mask);
  const t3 = FH[a + 3] ^ ((FH[a + 3] ^ (0x1fffffe - FH[a + 3])) & mask);
  const t4 = FH[a + 4] ^ ((FH[a + 4] ^ (0x1000002 - FH[a + 4])) & mask);
  const t5 = FH[a + 5] ^ ((FH[a + 5] ^ (0xffffff - FH[a + 5])) & mask);
  const t6 = FH[a + 6] ^ ((FH[a + 6] ^ (0xffffff - FH[a + 6])) & mask);
  const t7 = FH[a + 7] ^ ((FH[a + 7] ^ (0xffffff - FH[a + 7])) & mask);
  const t8 = FH[a + 8] ^ ((FH[a + 8] ^ (0x1000003 - FH[a + 8])) & mask);
  const t9 = FH[a + 9] ^ ((FH[a + 9] ^ (0x1fffbff - FH[a + 9])) & mask);
  const t10 = FH[a + 10] ^ ((FH[a + 10] ^ (0x3fffe - FH[a + 10])) & mask);
  const q = t10 >> 16;
  let c = t0 + q;
  FH[o] = c & 0xffffff;
  c = (c >> 24) + t1;
  FH[o + 1] = c & 0xffffff;
  c = (c >> 24) + t2;
  FH[o + 2] = c & 0xffffff;
  c = (c >> 24) + t3;
  FH[o + 3] = c & 0xffffff;
  c = (c >> 24) + t4 - q;
  FH[o + 4] = c & 0xffffff;
  c = (c >> 24) + t5;
  FH[o + 5] = c & 0xffffff;
  c = (c >> 24) + t6;
  FH[o + 6] = c & 0xffffff;
  c = (c >> 24) + t7;
  FH[o + 7] = c & 0xffffff;
  c = (c >> 24) + t8 - q;
  FH[o + 8] = c & 0xffffff;
  c = (c >> 24) + t9 + (q << 8);
  FH[o + 9] = c & 0xffffff;
  FH[o + 10] = (c >> 24) + (t10 & 0xffff);
}

/** FH[o] = k a (mod p) for 0 <= k <= 16, loosely reduced. */
export function feMulSmall(o: number, a: number, k: number): void {
  o = o & HM;
  a = a & HM;
  const t0 = FH[a] * k, t1 = FH[a + 1] * k, t2 = FH[a + 2] * k, t3 = FH[a + 3] * k;
  const t4 = FH[a + 4] * k, t5 = FH[a + 5] * k, t6 = FH[a + 6] * k, t7 = FH[a + 7] * k;
  const t8 = FH[a + 8] * k, t9 = FH[a + 9] * k, t10 = FH[a + 10] * k;
  const q = t10 >> 16;
  let c = t0 + q;
  FH[o] = c & 0xffffff;
  c = (c >> 24) + t1;
  FH[o + 1] = c & 0xffffff;
  c = (c >> 24) + t2;
  FH[o + 2] = c & 0xffffff;
  c = (c >> 24) + t3;
  FH[o + 3] = c & 0xffffff;
  c = (c >> 24) + t4 - q;
  FH[o + 4] = c & 0xffffff;
  c = (c >> 24) + t5;
  FH[o + 5] = c & 0xffffff;
  c = (c >> 24) + t6;
  FH[o + 6] = c & 0xffffff;
  c = (c >> 24) + t7;
  FH[o + 7] = c & 0xffffff;
  c = (c >> 24) + t8 - q;
  FH[o + 8] = c & 0xffffff;
  c = (c >> 24) + t9 + (q << 8);
  FH[o + 9] = c & 0xffffff;
  FH[o + 10] = (c >> 24) + (t10 & 0xffff);
}

/** FH[o] = a - p if a >= p, else a (branch-free; a loosely reduced). */
function condSubP(o: number, a: number): void {
  o = o & HM;
  a = a & HM;
  const a0 = FH[a], a1 = FH[a + 1], a2 = FH[a + 2], a3 = FH[a + 3], a4 = FH[a + 4], a5 = FH[a + 5];
  const a6 = FH[a + 6], a7 = FH[a + 7], a8 = FH[a + 8], a9 = FH[a + 9], a10 = FH[a + 10];
  let c = a0 - 0xffffff;
  const d0 = c & 0xffffff;
  c = (c >> 24) + a1 - 0xffffff;
  const d1 = c & 0xffffff;
  c = (c >> 24) + a2 - 0xffffff;
  const d2 = c & 0xffffff;
  c = (c >> 24) + a3 - 0xffffff;
  const d3 = c & 0xffffff;
  c = (c >> 24) + a4 - 0x0;
  const d4 = c & 0xffffff;
  c = (c >> 24) + a5 - 0x0;
  const d5 = c & 0xffffff;
  c = (c >> 24) + a6 - 0x0;
  const d6 = c & 0xffffff;
  c = (c >> 24) + a7 - 0x0;
  const d7 = c & 0xffffff;
  c = (c >> 24) + a8 - 0x1;
  const d8 = c & 0xffffff;
  c = (c >> 24) + a9 - 0xffff00;
  const d9 = c & 0xffffff;
  const d10 = (c >> 24) + a10 - 0xffff;
  const keep = d10 >> 31; // -1: a < m, keep a
  FH[o] = d0 ^ ((d0 ^ a0) & keep);
  FH[o + 1] = d1 ^ ((d1 ^ a1) & keep);
  FH[o + 2] = d2 ^ ((d2 ^ a2) & keep);
  FH[o + 3] = d3 ^ ((d3 ^ a3) & keep);
  FH[o + 4] = d4 ^ ((d4 ^ a4) & keep);
  FH[o + 5] = d5 ^ ((d5 ^ a5) & keep);
  FH[o + 6] = d6 ^ ((d6 ^ a6) & keep);
  FH[o + 7] = d7 ^ ((d7 ^ a7) & keep);
  FH[o + 8] = d8 ^ ((d8 ^ a8) & keep);
  FH[o + 9] = d9 ^ ((d9 ^ a9) & keep);
  FH[o + 10] = d10 ^ ((d10 ^ a10) & keep);
}

/**
 * FH[o] = a b 2^-264 (mod n), the Montgomery product, loosely reduced. Digit step i: m_i = t_i NINV
 * mod 2^24 (t_i NINV < 2^40), then t += m_i n 2^(24 i). Column k: at most 11 limb products and 10
 * reduction products m_i n_j (< 2^48 each) plus the carry: below 2^52.4.
 */
export function scMul(o: number, a: number, b: number): void {
  o = o & HM;
  a = a & HM;
  b = b & HM;
  const a0 = FH[a], a1 = FH[a + 1], a2 = FH[a + 2], a3 = FH[a + 3], a4 = FH[a + 4], a5 = FH[a + 5];
  const a6 = FH[a + 6], a7 = FH[a + 7], a8 = FH[a + 8], a9 = FH[a + 9], a10 = FH[a + 10];
  const b0 = FH[b], b1 = FH[b + 1], b2 = FH[b + 2], b3 = FH[b + 3], b4 = FH[b + 4], b5 = FH[b + 5];
  const b6 = FH[b + 6], b7 = FH[b + 7], b8 = FH[b + 8], b9 = FH[b + 9], b10 = FH[b + 10];
  let t = 0;
  t = a0 * b0;
  const m0 = ((t & 0xffffff) * 0xbc4f) & 0xffffff;
  t += m0 * 0x632551;
  t = Math.floor(t / 0x1000000) + a0 * b1 + a1 * b0 + m0 * 0xcac2fc;
  const m1 = ((t & 0xffffff) * 0xbc4f) & 0xffffff;
  t += m1 * 0x632551;
  t = Math.floor(t / 0x1000000) + a0 * b2 + a1 * b1 + a2 * b0 + m0 * 0x84f3b9 + m1 * 0xcac2fc;
  const m2 = ((t & 0xffffff) * 0xbc4f) & 0xffffff;
  t += m2 * 0x632551;
  t = Math.floor(t / 0x1000000) + a0 * b3 + a1 * b2 + a2 * b1 + a3 * b0 + m0 * 0xa7179e +
    m1 * 0x84f3b9 + m2 * 0xcac2fc;
  const m3 = ((t & 0xffffff) * 0xbc4f) & 0xffffff;
  t += m3 * 0x632551;
  t = Math.floor(t / 0x1000000) + a0 * b4 + a1 * b3 + a2 * b2 + a3 * b1 + a4 * b0 + m0 * 0xe6faad +
    m1 * 0xa7179e + m2 * 0x84f3b9 + m3 * 0xcac2fc;
  const m4 = ((t & 0xffffff) * 0xbc4f) & 0xffffff;
  t += m4 * 0x632551;
  t = Math.floor(t / 0x1000000) + a0 * b5 + a1 * b4 + a2 * b3 + a3 * b2 + a4 * b1 + a5 * b0 +
    m0 * 0xffffbc + m1 * 0xe6faad + m2 * 0xa7179e + m3 * 0x84f3b9 + m4 * 0xcac2fc;
  const m5 = ((t & 0xffffff) * 0xbc4f) & 0xffffff;
  t += m5 * 0x632551;
  t = Math.floor(t / 0x1000000) + a0 * b6 + a1 * b5 + a2 * b4 + a3 * b3 + a4 * b2 + a5 * b1 +
    a6 * b0 + m0 * 0xffffff + m1 * 0xffffbc + m2 * 0xe6faad + m3 * 0xa7179e + m4 * 0x84f3b9 +
    m5 * 0xcac2fc;
  const m6 = ((t & 0xffffff) * 0xbc4f) & 0xffffff;
  t += m6 * 0x632551;
  t = Math.floor(t / 0x1000000) + a0 * b7 + a1 * b6 + a2 * b5 + a3 * b4 + a4 * b3 + a5 * b2 +
    a6 * b1 + a7 * b0 + m0 * 0xffffff + m1 * 0xffffff + m2 * 0xffffbc + m3 * 0xe6faad +
    m4 * 0xa7179e + m5 * 0x84f3b9 + m6 * 0xcac2fc;
  const m7 = ((t & 0xffffff) * 0xbc4f) & 0xffffff;
  t += m7 * 0x632551;
  t = Math.floor(t / 0x1000000) + a0 * b8 + a1 * b7 + a2 * b6 + a3 * b5 + a4 * b4 + a5 * b3 +
    a6 * b2 + a7 * b1 + a8 * b0 + m1 * 0xffffff + m2 * 0xffffff + m3 * 0xffffbc + m4 * 0xe6faad +
    m5 * 0xa7179e + m6 * 0x84f3b9 + m7 * 0xcac2fc;
  const m8 = ((t & 0xffffff) * 0xbc4f) & 0xffffff;
  t += m8 * 0x632551;
  t = Math.floor(t / 0x1000000) + a0 * b9 + a1 * b8 + a2 * b7 + a3 * b6 + a4 * b5 + a5 * b4 +
    a6 * b3 + a7 * b2 + a8 * b1 + a9 * b0 + m0 * 0xffff00 + m2 * 0xffffff + m3 * 0xffffff +
    m4 * 0xffffbc + m5 * 0xe6faad + m6 * 0xa7179e + m7 * 0x84f3b9 + m8 * 0xcac2fc;
  const m9 = ((t & 0xffffff) * 0xbc4f) & 0xffffff;
  t += m9 * 0x632551;
  t = Math.floor(t / 0x1000000) + a0 * b10 + a1 * b9 + a2 * b8 + a3 * b7 + a4 * b6 + a5 * b5 +
    a6 * b4 + a7 * b3 + a8 * b2 + a9 * b1 + a10 * b0 + m0 * 0xffff + m1 * 0xffff00 + m3 * 0xffffff +
    m4 * 0xffffff + m5 * 0xffffbc + m6 * 0xe6faad + m7 * 0xa7179e + m8 * 0x84f3b9 + m9 * 0xcac2fc;
  const m10 = ((t & 0xffffff) * 0xbc4f) & 0xffffff;
  t += m10 * 0x632551;
  t = Math.floor(t / 0x1000000) + a1 * b10 + a2 * b9 + a3 * b8 + a4 * b7 + a5 * b6 + a6 * b5 +
    a7 * b4 + a8 * b3 + a9 * b2 + a10 * b1 + m1 * 0xffff + m2 * 0xffff00 + m4 * 0xffffff +
    m5 * 0xffffff + m6 * 0xffffbc + m7 * 0xe6faad + m8 * 0xa7179e + m9 * 0x84f3b9 + m10 * 0xcac2fc;
  FH[o] = t & 0xffffff;
  t = Math.floor(t / 0x1000000) + a2 * b10 + a3 * b9 + a4 * b8 + a5 * b7 + a6 * b6 + a7 * b5 +
    a8 * b4 + a9 * b3 + a10 * b2 + m2 * 0xffff + m3 * 0xffff00 + m5 * 0xffffff + m6 * 0xffffff +
    m7 * 0xffffbc + m8 * 0xe6faad + m9 * 0xa7179e + m10 * 0x84f3b9;
  FH[o + 1] = t & 0xffffff;
  t = Math.floor(t / 0x1000000) + a3 * b10 + a4 * b9 + a5 * b8 + a6 * b7 + a7 * b6 + a8 * b5 +
    a9 * b4 + a10 * b3 + m3 * 0xffff + m4 * 0xffff00 + m6 * 0xffffff + m7 * 0xffffff +
    m8 * 0xffffbc + m9 * 0xe6faad + m10 * 0xa7179e;
  FH[o + 2] = t & 0xffffff;
  t = Math.floor(t / 0x1000000) + a4 * b10 + a5 * b9 + a6 * b8 + a7 * b7 + a8 * b6 + a9 * b5 +
    a10 * b4 + m4 * 0xffff + m5 * 0xffff00 + m7 * 0xffffff + m8 * 0xffffff + m9 * 0xffffbc +
    m10 * 0xe6faad;
  FH[o + 3] = t & 0xffffff;
  t = Math.floor(t / 0x1000000) + a5 * b10 + a6 * b9 + a7 * b8 + a8 * b7 + a9 * b6 + a10 * b5 +
    m5 * 0xffff + m6 * 0xffff00 + m8 * 0xffffff + m9 * 0xffffff + m10 * 0xffffbc;
  FH[o + 4] = t & 0xffffff;
  t = Math.floor(t / 0x1000000) + a6 * b10 + a7 * b9 + a8 * b8 + a9 * b7 + a10 * b6 + m6 * 0xffff +
    m7 * 0xffff00 + m9 * 0xffffff + m10 * 0xffffff;
  FH[o + 5] = t & 0xffffff;
  t = Math.floor(t / 0x1000000) + a7 * b10 + a8 * b9 + a9 * b8 + a10 * b7 + m7 * 0xffff +
    m8 * 0xffff00 + m10 * 0xffffff;
  FH[o + 6] = t & 0xffffff;
  t = Math.floor(t / 0x1000000) + a8 * b10 + a9 * b9 + a10 * b8 + m8 * 0xffff + m9 * 0xffff00;
  FH[o + 7] = t & 0xffffff;
  t = Math.floor(t / 0x1000000) + a9 * b10 + a10 * b9 + m9 * 0xffff + m10 * 0xffff00;
  FH[o + 8] = t & 0xffffff;
  t = Math.floor(t / 0x1000000) + a10 * b10 + m10 * 0xffff;
  FH[o + 9] = t & 0xffffff;
  FH[o + 10] = Math.floor(t / 0x1000000);
}

/** FH[o] = a^2 2^-264 (mod n). */
export function scSqr(o: number, a: number): void {
  o = o & HM;
  a = a & HM;
  const a0 = FH[a], a1 = FH[a + 1], a2 = FH[a + 2], a3 = FH[a + 3], a4 = FH[a + 4], a5 = FH[a + 5];
  const a6 = FH[a + 6], a7 = FH[a + 7], a8 = FH[a + 8], a9 = FH[a + 9], a10 = FH[a + 10];
  const d0 = 2 * a0, d1 = 2 * a1, d2 = 2 * a2, d3 = 2 * a3, d4 = 2 * a4;
  const d5 = 2 * a5, d6 = 2 * a6, d7 = 2 * a7, d8 = 2 * a8, d9 = 2 * a9;
  let t = 0;
  t = a0 * a0;
  const m0 = ((t & 0xffffff) * 0xbc4f) & 0xffffff;
  t += m0 * 0x632551;
  t = Math.floor(t / 0x1000000) + d0 * a1 + m0 * 0xcac2fc;
  const m1 = ((t & 0xffffff) * 0xbc4f) & 0xffffff;
  t += m1 * 0x632551;
  t = Math.floor(t / 0x1000000) + d0 * a2 + a1 * a1 + m0 * 0x84f3b9 + m1 * 0xcac2fc;
  const m2 = ((t & 0xffffff) * 0xbc4f) & 0xffffff;
  t += m2 * 0x632551;
  t = Math.floor(t / 0x1000000) + d0 * a3 + d1 * a2 + m0 * 0xa7179e + m1 * 0x84f3b9 + m2 * 0xcac2fc;
  const m3 = ((t & 0xffffff) * 0xbc4f) & 0xffffff;
  t += m3 * 0x632551;
  t = Math.floor(t / 0x1000000) + d0 * a4 + d1 * a3 + a2 * a2 + m0 * 0xe6faad + m1 * 0xa7179e +
    m2 * 0x84f3b9 + m3 * 0xcac2fc;
  const m4 = ((t & 0xffffff) * 0xbc4f) & 0xffffff;
  t += m4 * 0x632551;
  t = Math.floor(t / 0x1000000) + d0 * a5 + d1 * a4 + d2 * a3 + m0 * 0xffffbc + m1 * 0xe6faad +
    m2 * 0xa7179e + m3 * 0x84f3b9 + m4 * 0xcac2fc;
  const m5 = ((t & 0xffffff) * 0xbc4f) & 0xffffff;
  t += m5 * 0x632551;
  t = Math.floor(t / 0x1000000) + d0 * a6 + d1 * a5 + d2 * a4 + a3 * a3 + m0 * 0xffffff +
    m1 * 0xffffbc + m2 * 0xe6faad + m3 * 0xa7179e + m4 * 0x84f3b9 + m5 * 0xcac2fc;
  const m6 = ((t & 0xffffff) * 0xbc4f) & 0xffffff;
  t += m6 * 0x632551;
  t = Math.floor(t / 0x1000000) + d0 * a7 + d1 * a6 + d2 * a5 + d3 * a4 + m0 * 0xffffff +
    m1 * 0xffffff + m2 * 0xffffbc + m3 * 0xe6faad + m4 * 0xa7179e + m5 * 0x84f3b9 + m6 * 0xcac2fc;
  const m7 = ((t & 0xffffff) * 0xbc4f) & 0xffffff;
  t += m7 * 0x632551;
  t = Math.floor(t / 0x1000000) + d0 * a8 + d1 * a7 + d2 * a6 + d3 * a5 + a4 * a4 + m1 * 0xffffff +
    m2 * 0xffffff + m3 * 0xffffbc + m4 * 0xe6faad + m5 * 0xa7179e + m6 * 0x84f3b9 + m7 * 0xcac2fc;
  const m8 = ((t & 0xffffff) * 0xbc4f) & 0xffffff;
  t += m8 * 0x632551;
  t = Math.floor(t / 0x1000000) + d0 * a9 + d1 * a8 + d2 * a7 + d3 * a6 + d4 * a5 + m0 * 0xffff00 +
    m2 * 0xffffff + m3 * 0xffffff + m4 * 0xffffbc + m5 * 0xe6faad + m6 * 0xa7179e + m7 * 0x84f3b9 +
    m8 * 0xcac2fc;
  const m9 = ((t & 0xffffff) * 0xbc4f) & 0xffffff;
  t += m9 * 0x632551;
  t = Math.floor(t / 0x1000000) + d0 * a10 + d1 * a9 + d2 * a8 + d3 * a7 + d4 * a6 + a5 * a5 +
    m0 * 0xffff + m1 * 0xffff00 + m3 * 0xffffff + m4 * 0xffffff + m5 * 0xffffbc + m6 * 0xe6faad +
    m7 * 0xa7179e + m8 * 0x84f3b9 + m9 * 0xcac2fc;
  const m10 = ((t & 0xffffff) * 0xbc4f) & 0xffffff;
  t += m10 * 0x632551;
  t = Math.floor(t / 0x1000000) + d1 * a10 + d2 * a9 + d3 * a8 + d4 * a7 + d5 * a6 + m1 * 0xffff +
    m2 * 0xffff00 + m4 * 0xffffff + m5 * 0xffffff + m6 * 0xffffbc + m7 * 0xe6faad + m8 * 0xa7179e +
    m9 * 0x84f3b9 + m10 * 0xcac2fc;
  FH[o] = t & 0xffffff;
  t = Math.floor(t / 0x1000000) + d2 * a10 + d3 * a9 + d4 * a8 + d5 * a7 + a6 * a6 + m2 * 0xffff +
    m3 * 0xffff00 + m5 * 0xffffff + m6 * 0xffffff + m7 * 0xffffbc + m8 * 0xe6faad + m9 * 0xa7179e +
    m10 * 0x84f3b9;
  FH[o + 1] = t & 0xffffff;
  t = Math.floor(t / 0x1000000) + d3 * a10 + d4 * a9 + d5 * a8 + d6 * a7 + m3 * 0xffff +
    m4 * 0xffff00 + m6 * 0xffffff + m7 * 0xffffff + m8 * 0xffffbc + m9 * 0xe6faad + m10 * 0xa7179e;
  FH[o + 2] = t & 0xffffff;
  t = Math.floor(t / 0x1000000) + d4 * a10 + d5 * a9 + d6 * a8 + a7 * a7 + m4 * 0xffff +
    m5 * 0xffff00 + m7 * 0xffffff + m8 * 0xffffff + m9 * 0xffffbc + m10 * 0xe6faad;
  FH[o + 3] = t & 0xffffff;
  t = Math.floor(t / 0x1000000) + d5 * a10 + d6 * a9 + d7 * a8 + m5 * 0xffff + m6 * 0xffff00 +
    m8 * 0xffffff + m9 * 0xffffff + m10 * 0xffffbc;
  FH[o + 4] = t & 0xffffff;
  t = Math.floor(t / 0x1000000) + d6 * a10 + d7 * a9 + a8 * a8 + m6 * 0xffff + m7 * 0xffff00 +
    m9 * 0xffffff + m10 * 0xffffff;
  FH[o + 5] = t & 0xffffff;
  t = Math.floor(t / 0x1000000) + d7 * a10 + d8 * a9 + m7 * 0xffff + m8 * 0xffff00 + m10 * 0xffffff;
  FH[o + 6] = t & 0xffffff;
  t = Math.floor(t / 0x1000000) + d8 * a10 + a9 * a9 + m8 * 0xffff + m9 * 0xffff00;
  FH[o + 7] = t & 0xffffff;
  t = Math.floor(t / 0x1000000) + d9 * a10 + m9 * 0xffff + m10 * 0xffff00;
  FH[o + 8] = t & 0xffffff;
  t = Math.floor(t / 0x1000000) + a10 * a10 + m10 * 0xffff;
  FH[o + 9] = t & 0xffffff;
  FH[o + 10] = Math.floor(t / 0x1000000);
}

/** FH[o] = a + b (mod n), loosely reduced (the bits from 2^256 up folded back as multiples of 2^256 - n). */
export function scAdd(o: number, a: number, b: number): void {
  o = o & HM;
  a = a & HM;
  b = b & HM;
  const t0 = FH[a] + FH[b], t1 = FH[a + 1] + FH[b + 1], t2 = FH[a + 2] + FH[b + 2];
  const t3 = FH[a + 3] + FH[b + 3], t4 = FH[a + 4] + FH[b + 4], t5 = FH[a + 5] + FH[b + 5];
  const t6 = FH[a + 6] + FH[b + 6], t7 = FH[a + 7] + FH[b + 7], t8 = FH[a + 8] + FH[b + 8];
  const t9 = FH[a + 9] + FH[b + 9], t10 = FH[a + 10] + FH[b + 10];
  const q = t10 >> 16;
  let c = t0 + q * 0x9cdaaf;
  FH[o] = c & 0xffffff;
  c = (c >> 24) + t1 + q * 0x353d03;
  FH[o + 1] = c & 0xffffff;
  c = (c >> 24) + t2 + q * 0x7b0c46;
  FH[o + 2] = c & 0xffffff;
  c = (c >> 24) + t3 + q * 0x58e861;
  FH[o + 3] = c & 0xffffff;
  c = (c >> 24) + t4 + q * 0x190552;
  FH[o + 4] = c & 0xffffff;
  c = (c >> 24) + t5 + q * 0x43;
  FH[o + 5] = c & 0xffffff;
  c = (c >> 24) + t6;
  FH[o + 6] = c & 0xffffff;
  c = (c >> 24) + t7;
  FH[o + 7] = c & 0xffffff;
  c = (c >> 24) + t8 + q * 0xffffff;
  FH[o + 8] = c & 0xffffff;
  c = (c >> 24) + t9 + q * 0xff;
  FH[o + 9] = c & 0xffffff;
  FH[o + 10] = (c >> 24) + (t10 & 0xffff);
}

/** FH[o] = a - b (mod n), loosely reduced (a + 4n - b). */
export function scSub(o: number, a: number, b: number): void {
  o = o & HM;
  a = a & HM;
  b = b & HM;
  const t0 = FH[a] - FH[b] + 0x18c9544, t1 = FH[a + 1] - FH[b + 1] + 0x12b0bf0;
  const t2 = FH[a + 2] - FH[b + 2] + 0x113cee6, t3 = FH[a + 3] - FH[b + 3] + 0x19c5e79;
  const t4 = FH[a + 4] - FH[b + 4] + 0x19beab5, t5 = FH[a + 5] - FH[b + 5] + 0x1fffef2;
  const t6 = FH[a + 6] - FH[b + 6] + 0x1fffffe, t7 = FH[a + 7] - FH[b + 7] + 0x1fffffe;
  const t8 = FH[a + 8] - FH[b + 8] + 0x1000002, t9 = FH[a + 9] - FH[b + 9] + 0x1fffbff;
  const t10 = FH[a + 10] - FH[b + 10] + 0x3fffe;
  const q = t10 >> 16;
  let c = t0 + q * 0x9cdaaf;
  FH[o] = c & 0xffffff;
  c = (c >> 24) + t1 + q * 0x353d03;
  FH[o + 1] = c & 0xffffff;
  c = (c >> 24) + t2 + q * 0x7b0c46;
  FH[o + 2] = c & 0xffffff;
  c = (c >> 24) + t3 + q * 0x58e861;
  FH[o + 3] = c & 0xffffff;
  c = (c >> 24) + t4 + q * 0x190552;
  FH[o + 4] = c & 0xffffff;
  c = (c >> 24) + t5 + q * 0x43;
  FH[o + 5] = c & 0xffffff;
  c = (c >> 24) + t6;
  FH[o + 6] = c & 0xffffff;
  c = (c >> 24) + t7;
  FH[o + 7] = c & 0xffffff;
  c = (c >> 24) + t8 + q * 0xffffff;
  FH[o + 8] = c & 0xffffff;
  c = (c >> 24) + t9 + q * 0xff;
  FH[o + 9] = c & 0xffffff;
  FH[o + 10] = (c >> 24) + (t10 & 0xffff);
}

/** FH[o] = a - n if a >= n, else a (branch-free). */
function condSubN(o: number, a: number): void {
  o = o & HM;
  a = a & HM;
  const a0 = FH[a], a1 = FH[a + 1], a2 = FH[a + 2], a3 = FH[a + 3], a4 = FH[a + 4], a5 = FH[a + 5];
  const a6 = FH[a + 6], a7 = FH[a + 7], a8 = FH[a + 8], a9 = FH[a + 9], a10 = FH[a + 10];
  let c = a0 - 0x632551;
  const d0 = c & 0xffffff;
  c = (c >> 24) + a1 - 0xcac2fc;
  const d1 = c & 0xffffff;
  c = (c >> 24) + a2 - 0x84f3b9;
  const d2 = c & 0xffffff;
  c = (c >> 24) + a3 - 0xa7179e;
  const d3 = c & 0xffffff;
  c = (c >> 24) + a4 - 0xe6faad;
  const d4 = c & 0xffffff;
  c = (c >> 24) + a5 - 0xffffbc;
  const d5 = c & 0xffffff;
  c = (c >> 24) + a6 - 0xffffff;
  const d6 = c & 0xffffff;
  c = (c >> 24) + a7 - 0xffffff;
  const d7 = c & 0xffffff;
  c = (c >> 24) + a8 - 0x0;
  const d8 = c & 0xffffff;
  c = (c >> 24) + a9 - 0xffff00;
  const d9 = c & 0xffffff;
  const d10 = (c >> 24) + a10 - 0xffff;
  const keep = d10 >> 31; // -1: a < m, keep a
  FH[o] = d0 ^ ((d0 ^ a0) & keep);
  FH[o + 1] = d1 ^ ((d1 ^ a1) & keep);
  FH[o + 2] = d2 ^ ((d2 ^ a2) & keep);
  FH[o + 3] = d3 ^ ((d3 ^ a3) & keep);
  FH[o + 4] = d4 ^ ((d4 ^ a4) & keep);
  FH[o + 5] = d5 ^ ((d5 ^ a5) & keep);
  FH[o + 6] = d6 ^ ((d6 ^ a6) & keep);
  FH[o + 7] = d7 ^ ((d7 ^ a7) & keep);
  FH[o + 8] = d8 ^ ((d8 ^ a8) & keep);
  FH[o + 9] = d9 ^ ((d9 ^ a9) & keep);
  FH[o + 10] = d10 ^ ((d10 ^ a10) & keep);
}


const TC = feAlloc();

/** FH[o] = the canonical representative (< p) of the loosely reduced a. */
export function feCanon(o: number, a: number): void {
  condSubP(o, a);
  condSubP(o, o); // a < 2^257 < 3p
}

/** -1 if a = 0 (mod p), else 0. */
export function feIsZeroMask(a: number): number {
  feCanon(TC, a);
  return zeroMask(TC);
}

/** -1 if a = b (mod p), else 0. */
export function feEqMask(a: number, b: number): number {
  feSub(TC, a, b);
  return feIsZeroMask(TC);
}

/** FH[o] = the canonical representative (< n) of the loosely reduced a. */
export function scCanon(o: number, a: number): void {
  condSubN(o, a);
  condSubN(o, o); // a < 2^257 < 3n
}

/** -1 if a = 0 (mod n), else 0. */
export function scIsZeroMask(a: number): number {
  scCanon(TC, a);
  return zeroMask(TC);
}

// ---- constant-time inversion (safegcd) ----

const SG_F = new Int32Array(11);
const SG_G = new Int32Array(11);
const SG_D = new Int32Array(11);
const SG_E = new Int32Array(11);
/** p and n as limbs, for the inversion. */
const MOD_P = new Int32Array([
  0xffffff, 0xffffff, 0xffffff, 0xffffff, 0x0, 0x0, 0x0, 0x0, 0x1, 0xffff00, 0xffff,
]);
const MOD_N = new Int32Array([
  0x632551, 0xcac2fc, 0x84f3b9, 0xa7179e, 0xe6faad, 0xffffbc, 0xffffff, 0xffffff, 0x0, 0xffff00, 0xffff,
]);

/**
 * FH[o] = x^-1 mod m, loosely reduced, for a canonical x < m at FH[x] (0 gives 0); m odd below
 * 2^256 given by its limbs and minv = -m^-1 mod 2^24. Constant time in structure.
 *
 * divstep(delta, f, g) = (1 - delta, g, (g - f) / 2) if delta > 0 and g is odd, else
 * (1 + delta, f, (g + (g mod 2) f) / 2), from (1, m, x); after 741 steps g = 0 and f = +-1.
 * Alongside, d and e with f = d x, g = e x (mod m), from (0, 1). A batch of 24 divsteps is run on
 * the low limbs of f and g (exact for 24 steps) while accumulating the matrix
 * [u v; q r] with 2^24 (f', g') = (u f + v g, q f + r g), |u| + |v| <= 2^24, |q| + |r| <= 2^24;
 * then f, g get the matrix and the exact division by 2^24 (a one-limb shift), and d, e the
 * matrix, plus a multiple k m (0 <= k < 2^24) making the low limb zero, and the shift. Products
 * are below 2^48 and sums below 2^50. |d|, |e| grow by at most m per batch, so stay below 32 m
 * (top limb signed, magnitude below 2^21); the result is (+-d mod m).
 */
function sgInv(o: number, x: number, m: Int32Array, minv: number): void {
  for (let i = 0; i < 11; i++) {
    SG_F[i] = m[i];
    SG_G[i] = FH[x + i];
    SG_D[i] = 0;
    SG_E[i] = 0;
  }
  SG_E[0] = 1;
  let delta = 1;
  for (let batch = 0; batch < 31; batch++) {
    let f = SG_F[0];
    let g = SG_G[0];
    let u = 1;
    let v = 0;
    let q = 0;
    let r = 1;
    for (let i = 0; i < 24; i++) {
      // sw = -1 when delta > 0 and g is odd: (f, g) = (g, (g - f) / 2), rows (2 (q, r), (q, r) - (u, v));
      // otherwise (f, g) = (f, (g + (g mod 2) f) / 2), rows (2 (u, v), (q, r) + (g mod 2) (u, v)).
      const odd = -(g & 1);
      const sw = odd & (-delta >> 31);
      const xf = (f ^ sw) - sw;
      const xu = (u ^ sw) - sw;
      const xv = (v ^ sw) - sw;
      f = f ^ ((f ^ g) & sw);
      u = (u ^ ((u ^ q) & sw)) * 2;
      v = (v ^ ((v ^ r) & sw)) * 2;
      g = (g + (xf & odd)) >> 1;
      q = q + (xu & odd);
      r = r + (xv & odd);
      delta = 1 + ((delta ^ sw) - sw);
    }
    // (f, g) = [u v; q r] (f, g) / 2^24.
    let cf = u * SG_F[0] + v * SG_G[0];
    let cg = q * SG_F[0] + r * SG_G[0];
    cf = Math.floor(cf / 0x1000000);
    cg = Math.floor(cg / 0x1000000);
    for (let i = 1; i < 11; i++) {
      const fi = SG_F[i];
      const gi = SG_G[i];
      cf = cf + u * fi + v * gi;
      cg = cg + q * fi + r * gi;
      SG_F[i - 1] = cf & 0xffffff;
      SG_G[i - 1] = cg & 0xffffff;
      cf = Math.floor(cf / 0x1000000);
      cg = Math.floor(cg / 0x1000000);
    }
    SG_F[10] = cf;
    SG_G[10] = cg;
    // (d, e) = ([u v; q r] (d, e) + (kd, ke) m) / 2^24 (mod m).
    let cd = u * SG_D[0] + v * SG_E[0];
    let ce = q * SG_D[0] + r * SG_E[0];
    const kd = ((cd & 0xffffff) * minv) & 0xffffff;
    const ke = ((ce & 0xffffff) * minv) & 0xffffff;
    cd = Math.floor((cd + kd * m[0]) / 0x1000000);
    ce = Math.floor((ce + ke * m[0]) / 0x1000000);
    for (let i = 1; i < 11; i++) {
      const di = SG_D[i];
      const ei = SG_E[i];
      const mi = m[i];
      cd = cd + u * di + v * ei + kd * mi;
      ce = ce + q * di + r * ei + ke * mi;
      SG_D[i - 1] = cd & 0xffffff;
      SG_E[i - 1] = ce & 0xffffff;
      cd = Math.floor(cd / 0x1000000);
      ce = Math.floor(ce / 0x1000000);
    }
    SG_D[10] = cd;
    SG_E[10] = ce;
  }
  // f = +-1: x^-1 = sign(f) d. Result = sign(f) d + 32 m (positive, below 2^262), normalised.
  const neg = SG_F[10] >> 31;
  let c = 0;
  for (let i = 0; i < 10; i++) {
    const di = SG_D[i];
    c = c + (di ^ ((di ^ -di) & neg)) + 32 * m[i];
    FH[o + i] = c & 0xffffff;
    c = Math.floor(c / 0x1000000);
  }
  const d10 = SG_D[10];
  FH[o + 10] = c + (d10 ^ ((d10 ^ -d10) & neg)) + 32 * m[10];
}

/** 2^264, 2^528 and 2^792 modulo p and n (canonical): Montgomery constants. */
export const FE_ONE = feAlloc();
export const FE_R2 = feAlloc();
const FE_R3 = feAlloc();
export const SC_ONE = feAlloc();
export const SC_R2 = feAlloc();
const SC_R3 = feAlloc();
/** The plain value 1. */
export const FE_PLAIN1 = feAlloc();
const TI = feAlloc();

/** FH[o] = a^-1 (mod p) in Montgomery form, for a in Montgomery form (0 gives 0). */
export function feInv(o: number, a: number): void {
  feCanon(TI, a);
  sgInv(TI, TI, MOD_P, 1);
  feFold(TI);
  feMul(o, TI, FE_R3); // (a R)^-1 R^3 / R = a^-1 R
}

/** FH[o] = a^-1 (mod n) in Montgomery form, for a in Montgomery form (0 gives 0). */
export function scInv(o: number, a: number): void {
  scCanon(TI, a);
  sgInv(TI, TI, MOD_N, 0xbc4f);
  scFold(TI);
  scMul(o, TI, SC_R3);
}

/** Normalised limbs below 2^262 at FH[o] folded to a loosely reduced value mod p. */
function feFold(o: number): void {
  feMulSmall(o, o, 1);
}

/** Normalised limbs below 2^262 at FH[o] folded to a loosely reduced value mod n. */
function scFold(o: number): void {
  scAdd(o, o, SC_ZERO);
}
const SC_ZERO = feAlloc();

/** FH[o] = Montgomery form of the plain 256-bit value a (8 x 32-bit limbs; any value, reduced mod p). */
export function feFromU32(o: number, a: Uint32Array): void {
  feFromWords(TC, a);
  feMul(o, TC, FE_R2);
}

/** out (8 x 32-bit limbs) = the canonical plain value of the Montgomery-form a. */
export function feToU32(out: Uint32Array, a: number): void {
  feFromMont(TC, a);
  feToWords(out, TC);
}

/** FH[o] = Montgomery form (mod p) of the plain loosely reduced a. */
export function feToMont(o: number, a: number): void {
  feMul(o, a, FE_R2);
}

/** FH[o] = the canonical plain value (< p) of the Montgomery-form a. */
export function feFromMont(o: number, a: number): void {
  feMul(o, a, FE_PLAIN1);
  feCanon(o, o);
}

/** FH[o] = Montgomery form (mod n) of the plain loosely reduced a. */
export function scToMont(o: number, a: number): void {
  scMul(o, a, SC_R2);
}

/** FH[o] = the canonical plain value (< n) of the Montgomery-form a. */
export function scFromMont(o: number, a: number): void {
  scMul(o, a, FE_PLAIN1);
  scCanon(o, o);
}

// Constants by doubling 1: 2^264 and 2^528 modulo p and n; then 2^792 = mont(2^528, 2^528).
function initConstants(): void {
  feSetSmall(FE_PLAIN1, 1);
  feSetSmall(SC_ZERO, 0);
  const tp = feAlloc();
  const tn = feAlloc();
  feSetSmall(tp, 1);
  feSetSmall(tn, 1);
  for (let i = 1; i <= 528; i++) {
    feAdd(tp, tp, tp);
    scAdd(tn, tn, tn);
    if (i === 264) {
      feCanon(FE_ONE, tp);
      scCanon(SC_ONE, tn);
    }
  }
  feCanon(FE_R2, tp);
  scCanon(SC_R2, tn);
  feMul(FE_R3, FE_R2, FE_R2);
  feCanon(FE_R3, FE_R3);
  scMul(SC_R3, SC_R2, SC_R2);
  scCanon(SC_R3, SC_R3);
}
initConstants();
