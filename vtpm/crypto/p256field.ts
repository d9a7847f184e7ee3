/**
 * 256-bit modular arithmetic for ECC P-256, in restricted TypeScript.
 *
 * Representation: a 256-bit number is a Uint32Array(8) of 32-bit limbs, least significant limb
 * first. Products never exceed 2^53: multiplication splits every limb into two 16-bit halves, so
 * each partial product is below 2^32 and a column of up to 16 of them (plus carry) stays below 2^37.
 *
 * Reduction: Montgomery (R = 2^256), one generic implementation used for both the field prime p
 * and the group order n (class `Modulus`). REDC works digit by digit in 16-bit digits, so
 * m = t_i * (-mod^-1 mod 2^16) and every m * mod_j product is below 2^32. For p the constant
 * -p^-1 mod 2^16 is 1. Values inside a `Modulus` are kept in Montgomery form (a * R mod m) and fully
 * reduced (< m); `toMont`/`fromMont` convert. Inversion is Fermat: a^(m-2), a fixed
 * square-and-multiply over the public exponent bits.
 *
 * Every function takes its output first; outputs may alias inputs.
 */

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

export function copy256(out: Uint32Array, a: Uint32Array): void {
  for (let i = 0; i < 8; i++) {
    out[i] = a[i];
  }
}

export function set256(out: Uint32Array, small: number): void {
  out.fill(0);
  out[0] = small >>> 0;
}

/** Bit i (0 = least significant) of a. */
export function bit256(a: Uint32Array, i: number): number {
  return (a[i >>> 5] >>> (i & 31)) & 1;
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

// 16-bit digit scratch for the multiplier and the reducer.
const DA = new Uint32Array(16);
const DB = new Uint32Array(16);
const DT = new Uint32Array(34);
const T512 = new Uint32Array(16);

function splitDigits(d: Uint32Array, a: Uint32Array): void {
  for (let i = 0; i < 8; i++) {
    d[2 * i] = a[i] & 0xffff;
    d[2 * i + 1] = a[i] >>> 16;
  }
}

/** out (Uint32Array(16)) = a * b, the full 512-bit product (product scanning, 16-bit digits). */
export function mul512(out: Uint32Array, a: Uint32Array, b: Uint32Array): void {
  splitDigits(DA, a);
  splitDigits(DB, b);
  let acc = 0;
  for (let k = 0; k < 31; k++) {
    const lo = k < 16 ? 0 : k - 15;
    const hi = k < 16 ? k : 15;
    for (let i = lo; i <= hi; i++) {
      acc += DA[i] * DB[k - i];
    }
    DT[k] = acc % 65536;
    acc = Math.trunc(acc / 65536);
  }
  DT[31] = acc;
  for (let i = 0; i < 16; i++) {
    out[i] = (DT[2 * i] + DT[2 * i + 1] * 65536) >>> 0;
  }
}

/** A modulus m (odd, 2^255 < m < 2^256) with Montgomery arithmetic, R = 2^256. */
export class Modulus {
  readonly m: Uint32Array;
  /** m as 16-bit digits. */
  readonly md: Uint32Array;
  /** -m^-1 mod 2^16. */
  readonly minv: number;
  /** R mod m (Montgomery form of 1). */
  readonly one: Uint32Array;
  /** R^2 mod m. */
  readonly r2: Uint32Array;
  /** m - 2, the Fermat exponent. */
  readonly em2: Uint32Array;
  readonly t1: Uint32Array;
  readonly t2: Uint32Array;

  constructor(limbs: Uint32Array) {
    this.m = new Uint32Array(8);
    this.md = new Uint32Array(16);
    this.one = new Uint32Array(8);
    this.r2 = new Uint32Array(8);
    this.em2 = new Uint32Array(8);
    this.t1 = new Uint32Array(8);
    this.t2 = new Uint32Array(8);
    copy256(this.m, limbs);
    splitDigits(this.md, limbs);
    // Newton iteration for m0^-1 mod 2^16 (x := x(2 - m0 x)), then negate.
    const m0 = this.md[0];
    let x = 1;
    for (let i = 0; i < 5; i++) {
      const t = (2 - ((m0 * x) & 0xffff)) & 0xffff;
      x = (x * t) & 0xffff;
    }
    this.minv = (0x10000 - x) & 0xffff;
    // one = 2^256 mod m = 2^256 - m (as m > 2^255); r2 by 256 modular doublings of one.
    set256(this.t1, 0);
    sub256(this.one, this.t1, this.m);
    copy256(this.r2, this.one);
    for (let i = 0; i < 256; i++) {
      this.add(this.r2, this.r2, this.r2);
    }
    set256(this.t1, 2);
    sub256(this.em2, this.m, this.t1);
  }

  /** out = a mod m for any a < 2^256 (a single conditional subtraction, as 2^256 < 2m). */
  reduceOnce(out: Uint32Array, a: Uint32Array): void {
    copy256(out, a);
    if (cmp256(out, this.m) >= 0) {
      sub256(out, out, this.m);
    }
  }

  /** out = a + b mod m, for a, b < m. */
  add(out: Uint32Array, a: Uint32Array, b: Uint32Array): void {
    const c = add256(out, a, b);
    if (c !== 0 || cmp256(out, this.m) >= 0) {
      sub256(out, out, this.m);
    }
  }

  /** out = a - b mod m, for a, b < m. */
  sub(out: Uint32Array, a: Uint32Array, b: Uint32Array): void {
    const br = sub256(out, a, b);
    if (br !== 0) {
      add256(out, out, this.m);
    }
  }

  /** out = -a mod m. */
  neg(out: Uint32Array, a: Uint32Array): void {
    set256(this.t2, 0);
    this.sub(out, this.t2, a);
  }

  /** out = t * R^-1 mod m for a 512-bit t (Uint32Array(16)) with t < m * R. */
  redc(out: Uint32Array, t: Uint32Array): void {
    for (let i = 0; i < 16; i++) {
      DT[2 * i] = t[i] & 0xffff;
      DT[2 * i + 1] = t[i] >>> 16;
    }
    DT[32] = 0;
    DT[33] = 0;
    const md = this.md;
    const minv = this.minv;
    for (let i = 0; i < 16; i++) {
      const u = (DT[i] * minv) & 0xffff;
      let c = 0;
      for (let j = 0; j < 16; j++) {
        const s = DT[i + j] + u * md[j] + c;
        DT[i + j] = s & 0xffff;
        c = Math.trunc(s / 65536);
      }
      for (let j = i + 16; j < 34 && c !== 0; j++) {
        const s = DT[j] + c;
        DT[j] = s & 0xffff;
        c = s >>> 16;
      }
    }
    // Result is DT[16..32] (< 2m): 256 bits plus a possible top bit in DT[32].
    for (let i = 0; i < 8; i++) {
      out[i] = (DT[16 + 2 * i] + DT[17 + 2 * i] * 65536) >>> 0;
    }
    if (DT[32] !== 0 || cmp256(out, this.m) >= 0) {
      sub256(out, out, this.m);
    }
  }

  /** Montgomery product: out = a * b * R^-1 mod m. */
  mul(out: Uint32Array, a: Uint32Array, b: Uint32Array): void {
    mul512(T512, a, b);
    this.redc(out, T512);
  }

  sqr(out: Uint32Array, a: Uint32Array): void {
    mul512(T512, a, a);
    this.redc(out, T512);
  }

  /** out = a * R mod m, for a < 2^256 (a is reduced first). */
  toMont(out: Uint32Array, a: Uint32Array): void {
    this.reduceOnce(this.t1, a);
    this.mul(out, this.t1, this.r2);
  }

  /** out = a * R^-1 mod m. */
  fromMont(out: Uint32Array, a: Uint32Array): void {
    T512.fill(0);
    for (let i = 0; i < 8; i++) {
      T512[i] = a[i];
    }
    this.redc(out, T512);
  }

  /** Montgomery-form inverse: out = a^(m-2) (a in Montgomery form; 0 maps to 0). */
  inv(out: Uint32Array, a: Uint32Array): void {
    copy256(this.t2, a);
    copy256(this.t1, this.one);
    for (let i = 255; i >= 0; i--) {
      this.sqr(this.t1, this.t1);
      if (bit256(this.em2, i) !== 0) {
        this.mul(this.t1, this.t1, this.t2);
      }
    }
    copy256(out, this.t1);
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

/** Arithmetic mod p (field elements). */
export const fieldP = new Modulus(P256_P);
/** Arithmetic mod n (scalars). */
export const fieldN = new Modulus(P256_N);
