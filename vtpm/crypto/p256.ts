/**
 * The NIST P-256 curve y^2 = x^3 - 3x + b over GF(p), in restricted TypeScript.
 *
 * Points are Jacobian (X, Y, Z) with affine x = X/Z^2, y = Y/Z^3; Z = 0 is the point at infinity.
 * Coordinates are field elements of p256field.ts's element heap (offsets into FH), in its 24-bit-limb
 * Montgomery form, loosely reduced. The exported functions pointMul, baseMul, isOnCurve,
 * pointFromBytes and toAffine take and return plain (non-Montgomery) affine coordinates as
 * 8 x 32-bit little-endian limbs.
 *
 * Formulas (a = -3), from the Explicit-Formulas Database:
 *   doubling      dbl-2001-b        (3M + 5S; here Z3 = 2 Y1 Z1, 4M + 4S)
 *   mixed add     madd-2004-hmv     (8M + 3S), second operand affine
 *   full add      add-1998-cmo-2    (12M + 4S)
 * (the variants with fewest additions and subtractions; fused helpers compute a - kb and k (a - b)).
 * The *Core versions are straight-line (no branch, no exceptional cases); pointAdd and
 * pointAddMixed add branches for infinity and equal or opposite operands, for public data.
 *
 * Scalar multiplication with a possibly secret scalar is constant time in structure: the sequence
 * of field operations and memory accesses does not depend on the scalar (no branch on it, no table
 * index computed from it: entries are chosen by reading every entry under masks), negations and
 * special cases are masked selections, recodings are branch-free.
 *
 * - k·G (combMul, baseMulJ, baseMul): fixed-base comb with a table built at module initialisation:
 *   the affine odd multiples (2e + 1) · 32^j · G, e < 16, for j = 0..50, and 2^255 · G. k is reduced
 *   mod n and made odd (k' = k, or n - k with the result negated), then recoded into regular odd
 *   digits k' = sum_{j<52} c_j 32^j, c_j odd in [-31, 31], c_51 = 1: 51 mixed additions, no
 *   doubling, no zero digit. The partial sums S_j = sum_{i<j} c_i 32^i are non-zero with
 *   |S_j| < 32^j <= |c_j 32^j|, and |S_j +- c_j 32^j| < 32^(j+1) <= 2^255 < n for j <= 50, so those
 *   additions never meet infinity or equal or opposite points. The last one adds 2^255 G to
 *   (k' - 2^255) G: equal points exactly for k' = 2^256 - n, whose doubling the step computes and
 *   selects by mask; opposite points exactly for k' = n (k = 0), giving Z = 0, infinity, correctly.
 * - k·P (scalarMulJ, pointMulJ, pointMul): k reduced mod n, recoded into signed 4-bit digits
 *   d_0..d_63 in [-8, 7] and d_64 in {0, 1}; a table of the Jacobian 1..8 · P; from d_64 down, four
 *   doublings and a full addition of ±|d_j| P, with the accumulator at infinity (all digits so far
 *   zero) and zero digits handled by masks. Before step j the accumulator is 16 T P with
 *   |16 T| < n/2 for j >= 1, which excludes equal and opposite operands; in the last step k = n - 2
 *   (d_0 = -1, accumulator -P) gives equal operands, so that step also computes the doubling and
 *   selects it by mask.
 * - u1·G + u2·Q in verification (mulPublicJoint): public scalars and point, variable time: Straus
 *   with shared doublings over width-7 and width-5 NAFs, with branches.
 *
 * Tables of odd multiples are built with co-Z additions (Meloni's ZADDU) and made affine with one
 * inversion per batch (Montgomery's trick).
 */
import { pool } from "tsnc";
import {
  cmov256, cmp256, feAdd, feAlloc, feCanon, feCmov, feCondNeg, feCopy, feEqMask, feFromMont, feFromU32, feFromWords,
  feInv, feIsZeroMask, feMul, feMulSmall, feNeg, feSetSmall, feSqr, feSub, feSubK, feSubMul, feToU32,
  feToWords, FE_ONE, FH, fromBytes256, P256_N, P256_P, scCanon, sub256, toBytes256,
} from "./p256field";

/** A field element of the heap, for pools. */
export class Elem {
  readonly v: number;
  constructor(id: number) {
    this.v = feAlloc();
  }
}

/** A Jacobian point: three field elements of the heap. */
export class JPoint {
  readonly x: number;
  readonly y: number;
  readonly z: number;
  constructor(id: number) {
    this.x = feAlloc();
    this.y = feAlloc();
    this.z = feAlloc();
  }
}

/** Curve constant b (plain). */
export const P256_B = new Uint32Array([
  0x27d2604b, 0x3bce3c3e, 0xcc53b0f6, 0x651d06b0, 0x769886bc, 0xb3ebbd55, 0xaa3a93e7, 0x5ac635d8,
]);
/** Base point G (plain affine coordinates). */
export const P256_GX = new Uint32Array([
  0xd898c296, 0xf4a13945, 0x2deb33a0, 0x77037d81, 0x63a440f2, 0xf8bce6e5, 0xe12c4247, 0x6b17d1f2,
]);
export const P256_GY = new Uint32Array([
  0x37bf51f5, 0xcbb64068, 0x6b315ece, 0x2bce3357, 0x7c0f9e16, 0x8ee7eb4a, 0xfe1a7f9b, 0x4fe342e2,
]);

const B_M = feAlloc();
const GX_M = feAlloc();
const GY_M = feAlloc();
feFromU32(B_M, P256_B);
feFromU32(GX_M, P256_GX);
feFromU32(GY_M, P256_GY);
const FE_ZERO = feAlloc();
feSetSmall(FE_ZERO, 0);

// Field temporaries for the formulas.
const A = feAlloc();
const Bt = feAlloc();
const C = feAlloc();
const D = feAlloc();
const E = feAlloc();
const G = feAlloc();
const H = feAlloc();
const I = feAlloc();
const J = feAlloc();
const R = feAlloc();
const V = feAlloc();
const X3 = feAlloc();
const Z3 = feAlloc();

export function setInfinity(p: JPoint): void {
  feSetSmall(p.x, 0);
  feSetSmall(p.y, 0);
  feSetSmall(p.z, 0);
}

export function isInfinity(p: JPoint): boolean {
  return feIsZeroMask(p.z) !== 0;
}

export function copyPoint(out: JPoint, p: JPoint): void {
  feCopy(out.x, p.x);
  feCopy(out.y, p.y);
  feCopy(out.z, p.z);
}

/** out = p if mask is -1, unchanged if 0 (no data-dependent branch). */
export function cmovPoint(out: JPoint, p: JPoint, mask: number): void {
  feCmov(out.x, p.x, mask);
  feCmov(out.y, p.y, mask);
  feCmov(out.z, p.z, mask);
}

/**
 * out = 2p (out may be p); straight-line, and Z = 0 stays Z = 0. dbl-2001-b for a = -3:
 * alpha = 3 (X - delta)(X + delta), X3 = alpha^2 - 8 beta, Y3 = alpha (4 beta - X3) - 8 gamma^2.
 */
export function pointDouble(out: JPoint, p: JPoint): void {
  feSqr(A, p.z); // delta
  feSqr(Bt, p.y); // gamma
  feMul(C, p.x, Bt); // beta
  feSubMul(D, p.x, A, 3);
  feAdd(E, p.x, A);
  feMul(D, D, E); // alpha
  feMul(Z3, p.y, p.z);
  feAdd(out.z, Z3, Z3); // Z3 = 2 Y Z
  feMulSmall(E, C, 4); // 4 beta
  feSqr(X3, D);
  feSubK(out.x, X3, E, 2); // X3 = alpha^2 - 8 beta
  feSub(E, E, out.x);
  feMul(E, D, E);
  feSqr(Bt, Bt);
  feSubK(out.y, E, Bt, 8); // Y3 = alpha (4 beta - X3) - 8 gamma^2
}

/**
 * out = p + (x2, y2), (x2, y2) affine in Montgomery form (out may be p); straight-line Jacobian
 * plus affine addition (madd-2004-hmv, 8M + 3S): H = x2 Z1^2 - X1, r = y2 Z1^3 - Y1,
 * X3 = r^2 - H^3 - 2 X1 H^2, Y3 = r (X1 H^2 - X3) - Y1 H^3, Z3 = Z1 H. Leaves H and r in the
 * temporaries H, R. Wrong for p at infinity and for p = ±(x2, y2) (H = 0; the result has Z = 0).
 */
export function pointAddMixedCore(out: JPoint, p: JPoint, x2: number, y2: number): void {
  feSqr(A, p.z); // Z1^2
  feMul(Bt, x2, A); // U2
  feMul(C, p.z, A);
  feMul(C, y2, C); // S2
  feSub(H, Bt, p.x); // H
  feSub(R, C, p.y); // r
  feSqr(I, H); // H^2
  feMul(J, H, I); // H^3
  feMul(V, p.x, I); // V = X1 H^2
  feMul(G, p.y, J); // Y1 H^3
  feMul(out.z, p.z, H); // Z3
  feSqr(X3, R);
  feSub(X3, X3, J);
  feSubK(out.x, X3, V, 2); // X3 = r^2 - H^3 - 2V
  feSub(E, V, out.x);
  feMul(E, R, E);
  feSub(out.y, E, G); // Y3 = r (V - X3) - Y1 H^3
}

/**
 * out = p + q, all Jacobian (out may be p or q); straight-line Jacobian addition (add-1998-cmo-2,
 * 12M + 4S): U1 = X1 Z2^2, U2 = X2 Z1^2, S1 = Y1 Z2^3, S2 = Y2 Z1^3, H = U2 - U1, r = S2 - S1,
 * X3 = r^2 - H^3 - 2 U1 H^2, Y3 = r (U1 H^2 - X3) - S1 H^3, Z3 = Z1 Z2 H. Leaves H and r in the
 * temporaries H, R (both zero when p = q). Wrong when p or q is at infinity or p = q (then the
 * result has Z = 0); right for p = -q (Z = 0, infinity).
 */
export function pointAddCore(out: JPoint, p: JPoint, q: JPoint): void {
  feSqr(A, p.z); // Z1^2
  feSqr(Bt, q.z); // Z2^2
  feMul(C, p.x, Bt); // U1
  feMul(D, q.x, A); // U2
  feMul(E, q.z, Bt);
  feMul(E, p.y, E); // S1
  feMul(G, p.z, A);
  feMul(G, q.y, G); // S2
  feSub(H, D, C); // H
  feSub(R, G, E); // r
  feMul(Z3, p.z, q.z);
  feSqr(I, H); // H^2
  feMul(J, H, I); // H^3
  feMul(V, C, I); // V = U1 H^2
  feMul(G, E, J); // S1 H^3
  feMul(out.z, Z3, H); // Z3
  feSqr(X3, R);
  feSub(X3, X3, J);
  feSubK(out.x, X3, V, 2); // X3 = r^2 - H^3 - 2V
  feSub(D, V, out.x);
  feMul(D, R, D);
  feSub(out.y, D, G); // Y3 = r (V - X3) - S1 H^3
}

const TMPP = new JPoint(0);

/** out = p + (x2, y2) for affine (x2, y2) in Montgomery form, any p (branches: public data only). */
export function pointAddMixed(out: JPoint, p: JPoint, x2: number, y2: number): void {
  if (isInfinity(p)) {
    feCopy(out.x, x2);
    feCopy(out.y, y2);
    feCopy(out.z, FE_ONE);
    return;
  }
  copyPoint(TMPP, p);
  pointAddMixedCore(out, p, x2, y2);
  if (feIsZeroMask(H) !== 0) {
    if (feIsZeroMask(R) !== 0) {
      pointDouble(out, TMPP);
    } else {
      setInfinity(out);
    }
  }
}

/** out = p + q, all Jacobian, any p and q (out may be p or q; branches: public data only). */
export function pointAdd(out: JPoint, p: JPoint, q: JPoint): void {
  if (isInfinity(p)) {
    copyPoint(out, q);
    return;
  }
  if (isInfinity(q)) {
    copyPoint(out, p);
    return;
  }
  copyPoint(TMPP, p);
  pointAddCore(out, p, q);
  if (feIsZeroMask(H) !== 0) {
    if (feIsZeroMask(R) !== 0) {
      pointDouble(out, TMPP);
    } else {
      setInfinity(out);
    }
  }
}

// ---- scalar recoding ----

const KL = feAlloc();
const KR = new Uint32Array(8);
/** Signed digits d_0..d_64 of the current scalar (see recode). */
const DIG = new Int32Array(65);

/** DIG = the signed 4-bit digits of the element FH[k] (normalised limbs, below 2^256), branch-free. */
function recode(k: number): void {
  let carry = 0;
  for (let j = 0; j < 64; j++) {
    const v = ((FH[k + ((j / 6) | 0)] >>> (4 * (j % 6))) & 15) + carry;
    carry = (v + 8) >> 4;
    DIG[j] = v - (carry << 4);
  }
  DIG[64] = carry;
}

// ---- fixed-base comb for k·G ----

/** Signed odd 5-bit digits c_0..c_51 of the current comb scalar (see recodeOdd). */
const DIG5 = new Int32Array(52);
const KO = feAlloc();
const KN = feAlloc();
/** n in 24-bit limbs. */
const N24 = new Int32Array([
  0x632551, 0xcac2fc, 0x84f3b9, 0xa7179e, 0xe6faad, 0xffffbc, 0xffffff, 0xffffff, 0x0, 0xffff00, 0xffff,
]);

/**
 * DIG5 = the regular signed-odd digits of the odd element FH[k] (normalised limbs, below 2^256):
 * k = sum c_j 32^j with c_j odd in [-31, 31] for j < 51 and c_51 = 1. With k_0 = k,
 * c_j = (k_j mod 64) - 32 and k_{j+1} = (k_j - c_j) / 32 = (k_j >> 5) | 1, so c_j is the 6 bits of k
 * from bit 5j, with the lowest set, minus 32; branch-free. (k_51 is odd and below 3.)
 */
function recodeOdd(k: number): void {
  for (let j = 0; j < 51; j++) {
    const bit = 5 * j;
    const l = (bit / 24) | 0;
    const s = bit - 24 * l;
    let w = FH[k + l] >>> s;
    if (s > 18) {
      w = w | (FH[k + l + 1] << (24 - s));
    }
    DIG5[j] = ((w & 63) | 1) - 32;
  }
  DIG5[51] = 1;
}

/**
 * Affine Montgomery (x, y) of (2e + 1) · 32^j · G, canonical, each packed into 8 x 32-bit words, at
 * GTAB[(16 j + e) * 16], x then y, for j < 51 and e = 0..15, and 2^255 G for j = 51, e = 0.
 */
const GTAB = new Int32Array(13072);
const SX = feAlloc();
const SY = feAlloc();
const ACC1 = new JPoint(0);
const ACC2 = new JPoint(0);

/**
 * FH[SX], FH[SY] = the comb entry e of position j (entries 0 .. 15: (2e + 1) 32^j G), every
 * entry read and masked, then unpacked from 8 x 32-bit words into 24-bit limbs.
 */
function combSelect(j: number, e: number): void {
  let x0 = 0, x1 = 0, x2 = 0, x3 = 0, x4 = 0, x5 = 0, x6 = 0, x7 = 0;
  let y0 = 0, y1 = 0, y2 = 0, y3 = 0, y4 = 0, y5 = 0, y6 = 0, y7 = 0;
  for (let i = 0; i < 16; i++) {
    const m = ((i ^ e) - 1) >> 31; // -1 when i = e
    const b = (16 * j + i) * 16;
    x0 = x0 | (GTAB[b] & m);
    x1 = x1 | (GTAB[b + 1] & m);
    x2 = x2 | (GTAB[b + 2] & m);
    x3 = x3 | (GTAB[b + 3] & m);
    x4 = x4 | (GTAB[b + 4] & m);
    x5 = x5 | (GTAB[b + 5] & m);
    x6 = x6 | (GTAB[b + 6] & m);
    x7 = x7 | (GTAB[b + 7] & m);
    y0 = y0 | (GTAB[b + 8] & m);
    y1 = y1 | (GTAB[b + 9] & m);
    y2 = y2 | (GTAB[b + 10] & m);
    y3 = y3 | (GTAB[b + 11] & m);
    y4 = y4 | (GTAB[b + 12] & m);
    y5 = y5 | (GTAB[b + 13] & m);
    y6 = y6 | (GTAB[b + 14] & m);
    y7 = y7 | (GTAB[b + 15] & m);
  }
  FH[SX] = x0 & 0xffffff;
  FH[SX + 1] = ((x0 >>> 24) | (x1 << 8)) & 0xffffff;
  FH[SX + 2] = ((x1 >>> 16) | (x2 << 16)) & 0xffffff;
  FH[SX + 3] = x2 >>> 8;
  FH[SX + 4] = x3 & 0xffffff;
  FH[SX + 5] = ((x3 >>> 24) | (x4 << 8)) & 0xffffff;
  FH[SX + 6] = ((x4 >>> 16) | (x5 << 16)) & 0xffffff;
  FH[SX + 7] = x5 >>> 8;
  FH[SX + 8] = x6 & 0xffffff;
  FH[SX + 9] = ((x6 >>> 24) | (x7 << 8)) & 0xffffff;
  FH[SX + 10] = x7 >>> 16;
  FH[SY] = y0 & 0xffffff;
  FH[SY + 1] = ((y0 >>> 24) | (y1 << 8)) & 0xffffff;
  FH[SY + 2] = ((y1 >>> 16) | (y2 << 16)) & 0xffffff;
  FH[SY + 3] = y2 >>> 8;
  FH[SY + 4] = y3 & 0xffffff;
  FH[SY + 5] = ((y3 >>> 24) | (y4 << 8)) & 0xffffff;
  FH[SY + 6] = ((y4 >>> 16) | (y5 << 16)) & 0xffffff;
  FH[SY + 7] = y5 >>> 8;
  FH[SY + 8] = y6 & 0xffffff;
  FH[SY + 9] = ((y6 >>> 24) | (y7 << 8)) & 0xffffff;
  FH[SY + 10] = y7 >>> 16;
}

/**
 * out = k · G for the element FH[k] (normalised limbs, below 2^256); constant time in structure.
 * k is reduced mod n, made odd (k' = k, or n - k with the result negated: a masked selection), and
 * recoded into odd digits, so every step is a mixed addition of a masked table entry, with no
 * zero digit and no point at infinity to handle (see the header for the bounds); the last step
 * also computes the doubling for its one equal-operand case.
 */
export function combMul(out: JPoint, k: number): void {
  // k mod n (k < 2^256 < 2n), then k' = k if odd, else n - k.
  scCanon(KO, k);
  let c = 0;
  for (let i = 0; i < 11; i++) {
    c = c + N24[i] - FH[KO + i];
    FH[KN + i] = c & 0xffffff;
    c = c >> 24;
  }
  const even = (FH[KO] & 1) - 1; // -1 when k is even
  feCmov(KO, KN, even);
  recodeOdd(KO);
  const acc = ACC1;
  for (let j = 0; j < 51; j++) {
    const d = DIG5[j];
    const s = d >> 31;
    combSelect(j, ((d ^ s) - s) >> 1);
    feCondNeg(SY, SY, s);
    if (j === 0) {
      feCopy(acc.x, SX);
      feCopy(acc.y, SY);
      feCopy(acc.z, FE_ONE);
    } else {
      pointAddMixedCore(acc, acc, SX, SY);
    }
  }
  // c_51 = 1: + 2^255 G. Equal operands exactly for k' = 2^256 - n: then the doubling is selected.
  // (k = 0 gives k' = n and opposite operands here: Z = 0, infinity, as it should.)
  unpackEntry(SX, SY, 51 * 16 * 16);
  pointAddMixedCore(ACC2, acc, SX, SY);
  const same = feIsZeroMask(H) & feIsZeroMask(R);
  pointDouble(acc, acc);
  cmovPoint(acc, ACC2, ~same);
  feCondNeg(acc.y, acc.y, even);
  copyPoint(out, acc);
}

/** FH[x], FH[y] = the packed affine entry at GTAB[at] (public). */
function unpackEntry(x: number, y: number, at: number): void {
  for (let l = 0; l < 8; l++) {
    WORDS[l] = GTAB[at + l] >>> 0;
  }
  feFromWords(x, WORDS);
  for (let l = 0; l < 8; l++) {
    WORDS[l] = GTAB[at + 8 + l] >>> 0;
  }
  feFromWords(y, WORDS);
}

// Table construction at module initialisation (public data, variable time).
const BATCH = pool(64, JPoint);
const PREFIX = pool(64, Elem);
const BASEP = new JPoint(0);
const TWOP = new JPoint(0);
const ZI = feAlloc();
const ZI2 = feAlloc();

/**
 * Store the first `count` points of BATCH (none at infinity) as affine (x, y) into tab from at:
 * packed (canonical, 8 words per coordinate, 16 per point) or as loosely reduced 24-bit limbs
 * (22 per point).
 */
function storeAffineBatch(count: number, tab: Int32Array, at: number, packed: boolean): void {
  // Montgomery's trick, one inversion for the batch: PREFIX[i] = Z_0 ... Z_i.
  feCopy(PREFIX[0].v, BATCH[0].z);
  for (let i = 1; i < count; i++) {
    feMul(PREFIX[i].v, PREFIX[i - 1].v, BATCH[i].z);
  }
  feInv(ZI, PREFIX[count - 1].v);
  for (let i = count - 1; i >= 0; i--) {
    const p = BATCH[i];
    if (i > 0) {
      feMul(ZI2, ZI, PREFIX[i - 1].v); // 1 / Z_i
      feMul(ZI, ZI, p.z); // 1 / (Z_0 ... Z_{i-1})
    } else {
      feCopy(ZI2, ZI);
    }
    feSqr(A, ZI2);
    feMul(Bt, ZI2, A);
    feMul(C, p.x, A);
    feMul(D, p.y, Bt);
    if (packed) {
      feCanon(C, C);
      feCanon(D, D);
      feToWords(WORDS, C);
      for (let l = 0; l < 8; l++) {
        tab[at + 16 * i + l] = WORDS[l];
      }
      feToWords(WORDS, D);
      for (let l = 0; l < 8; l++) {
        tab[at + 16 * i + 8 + l] = WORDS[l];
      }
    } else {
      for (let l = 0; l < 11; l++) {
        tab[at + 22 * i + l] = FH[C + l];
        tab[at + 22 * i + 11 + l] = FH[D + l];
      }
    }
  }
}
const WORDS = new Uint32Array(8);

/**
 * d = 2p, and bp = p in co-Z form with d (bp.z = d.z): dbl-2001-b gives Z3 = 2 Y Z, and p scaled
 * by 2Y is (4 beta, 8 gamma^2, Z3), both computed on the way. d and bp must not be p.
 */
function doubleCoZ(d: JPoint, bp: JPoint, p: JPoint): void {
  feSqr(A, p.z); // delta
  feSqr(Bt, p.y); // gamma
  feMul(C, p.x, Bt); // beta
  feSubMul(D, p.x, A, 3);
  feAdd(E, p.x, A);
  feMul(D, D, E); // alpha
  feMul(Z3, p.y, p.z);
  feAdd(d.z, Z3, Z3);
  feCopy(bp.z, d.z);
  feMulSmall(bp.x, C, 4); // 4 beta
  feSqr(X3, D);
  feSubK(d.x, X3, bp.x, 2);
  feSub(E, bp.x, d.x);
  feMul(E, D, E);
  feSqr(Bt, Bt);
  feMulSmall(bp.y, Bt, 8); // 8 gamma^2
  feSub(d.y, E, bp.y);
}

/**
 * Co-Z addition with update (Meloni): for p, q with the same Z, sum = p + q, and p is replaced by
 * itself scaled to sum's Z (5M + 2S): C = (X1 - X2)^2, W1 = X1 C, W2 = X2 C, A1 = Y1 (W1 - W2),
 * X3 = (Y1 - Y2)^2 - W1 - W2, Y3 = (Y1 - Y2)(W1 - X3) - A1, Z3 = Z (X1 - X2); p = (W1, A1, Z3).
 * Requires p != ±q; sum must not be p or q.
 */
function zaddu(sum: JPoint, p: JPoint, q: JPoint): void {
  feSub(A, p.x, q.x);
  feMul(sum.z, p.z, A); // Z3
  feSqr(Bt, A); // C
  feMul(C, p.x, Bt); // W1
  feMul(D, q.x, Bt); // W2
  feSub(E, p.y, q.y);
  feSub(G, C, D);
  feMul(I, p.y, G); // A1
  feSqr(J, E);
  feSub(X3, J, C);
  feSub(sum.x, X3, D); // X3
  feSub(V, C, sum.x);
  feMul(V, E, V);
  feSub(sum.y, V, I); // Y3
  feCopy(p.x, C);
  feCopy(p.y, I);
  feCopy(p.z, sum.z);
}

/**
 * BATCH[at .. at + count) = the odd multiples 1, 3, ..., 2 count - 1 of b (Jacobian, b not at
 * infinity, of order n), by a co-Z doubling and count - 1 co-Z additions; TWOP = 2b afterwards.
 */
function oddMultiples(at: number, count: number, b: JPoint): void {
  doubleCoZ(TWOP, BATCH[at], b);
  for (let i = 1; i < count; i++) {
    zaddu(BATCH[at + i], TWOP, BATCH[at + i - 1]);
  }
}

/** GTAB, position by position: the odd multiples of B = 32^j G; batches of 64 points. */
function buildCombTable(): void {
  feCopy(BASEP.x, GX_M);
  feCopy(BASEP.y, GY_M);
  feCopy(BASEP.z, FE_ONE);
  let at = 0;
  let nb = 0;
  for (let j = 0; j < 52; j++) {
    if (j < 51) {
      oddMultiples(nb, 16, BASEP);
      pointDouble(BASEP, TWOP);
      pointDouble(BASEP, BASEP);
      pointDouble(BASEP, BASEP);
      pointDouble(BASEP, BASEP); // 32 B
      nb += 16;
    } else {
      copyPoint(BATCH[nb], BASEP); // 2^255 G
      nb += 1;
    }
    if (nb === 64 || j === 51) {
      storeAffineBatch(nb, GTAB, at, true);
      at += 16 * nb;
      nb = 0;
    }
  }
}
buildCombTable();

/** Affine Montgomery (x, y) of the odd multiples (2i + 1) G, i < 32, at GODD[22 i] (for verification). */
const GODD = new Int32Array(704);

function buildOddTable(): void {
  feCopy(BASEP.x, GX_M);
  feCopy(BASEP.y, GY_M);
  feCopy(BASEP.z, FE_ONE);
  oddMultiples(0, 32, BASEP);
  storeAffineBatch(32, GODD, 0, false);
}
buildOddTable();

// ---- variable-base scalar multiplication, constant time in structure ----

const VT = pool(8, JPoint);
const SEL = new JPoint(0);
const DBL = new JPoint(0);

/**
 * out = k · (x, y) for (x, y) affine in Montgomery form (a curve point) and any 256-bit k
 * (8 x 32-bit limbs); constant time in structure in k (see the header).
 */
export function scalarMulJ(out: JPoint, k: Uint32Array, x: number, y: number): void {
  // k mod n: k < 2^256 < 2n, one masked subtraction.
  const br = sub256(KR, k, P256_N);
  cmov256(KR, k, -br);
  feFromWords(KL, KR);
  recode(KL);
  // VT[i] = (i + 1) · P.
  feCopy(VT[0].x, x);
  feCopy(VT[0].y, y);
  feCopy(VT[0].z, FE_ONE);
  pointDouble(VT[1], VT[0]);
  pointAddMixedCore(VT[2], VT[1], x, y);
  pointDouble(VT[3], VT[1]);
  pointAddMixedCore(VT[4], VT[3], x, y);
  pointDouble(VT[5], VT[2]);
  pointAddMixedCore(VT[6], VT[5], x, y);
  pointDouble(VT[7], VT[3]);
  let acc = ACC1;
  let t = ACC2;
  setInfinity(acc);
  let inf = -1;
  for (let j = 64; j >= 0; j--) {
    if (j < 64) {
      pointDouble(acc, acc);
      pointDouble(acc, acc);
      pointDouble(acc, acc);
      pointDouble(acc, acc);
    }
    const d = DIG[j];
    const s = d >> 31;
    const a = (d ^ s) - s;
    setInfinity(SEL);
    for (let e = 1; e <= 8; e++) {
      const m = ((e ^ a) - 1) >> 31;
      const q = VT[e - 1];
      for (let i = 0; i < 11; i++) {
        FH[SEL.x + i] = FH[SEL.x + i] | (FH[q.x + i] & m);
        FH[SEL.y + i] = FH[SEL.y + i] | (FH[q.y + i] & m);
        FH[SEL.z + i] = FH[SEL.z + i] | (FH[q.z + i] & m);
      }
    }
    feCondNeg(SEL.y, SEL.y, s);
    pointAddCore(t, acc, SEL);
    if (j === 0) {
      // The only possible equal-operand case (k = n - 2, see the header).
      const same = feIsZeroMask(H) & feIsZeroMask(R);
      pointDouble(DBL, acc);
      cmovPoint(t, DBL, same);
    }
    const nz = (a | -a) >> 31;
    cmovPoint(t, acc, ~nz);
    cmovPoint(t, SEL, inf & nz);
    inf = inf & ~nz;
    const swap = acc;
    acc = t;
    t = swap;
  }
  feCmov(acc.z, FE_ZERO, inf);
  copyPoint(out, acc);
}

// ---- variable-time u1·G + u2·Q for verification (public scalars and point) ----

/** Affine odd multiples 1, 3, ..., 15 of Q at QODD[22 i] (as GODD). */
const QODD = new Int32Array(176);
const NAF1 = new Int32Array(257);
const NAF2 = new Int32Array(257);
const NAFK = new Int32Array(11);
const GX2 = feAlloc();
const GY2 = feAlloc();

/**
 * naf = the width-w NAF of the element FH[u] (normalised limbs, below 2^256): digits odd in
 * (-2^(w-1), 2^(w-1)) or 0, at most one non-zero in any w consecutive; returns the index of the
 * top non-zero digit (-1 for u = 0). Variable time (public scalars only).
 */
function wnaf(naf: Int32Array, u: number, w: number): number {
  const full = 1 << w;
  const half = full >> 1;
  for (let l = 0; l < 11; l++) {
    NAFK[l] = FH[u + l];
  }
  let top = -1;
  for (let i = 0; i < 257; i++) {
    let d = 0;
    if ((NAFK[0] & 1) !== 0) {
      d = NAFK[0] & (full - 1);
      if (d > half) {
        d = d - full;
      }
      NAFK[0] = NAFK[0] - d; // limb 0 may exceed 2^24 a little; the halving below carries it
      top = i;
    }
    naf[i] = d;
    let c = 0; // NAFK = NAFK / 2, from the top limb down
    for (let l = 10; l >= 0; l--) {
      const v = NAFK[l] + c * 0x1000000;
      c = v & 1;
      NAFK[l] = Math.floor(v / 2);
    }
  }
  return top;
}

/**
 * out = u1 · G + u2 · (x, y) for public u1, u2 (elements, normalised limbs, below 2^256) and a
 * public affine Montgomery (x, y): Straus' method with shared doublings, width-7 NAF of u1 over the
 * affine odd multiples of G (GODD) and width-5 NAF of u2 over 1, 3, ..., 15 · Q (co-Z, then made
 * affine with one inversion), all additions mixed. Variable time.
 */
export function mulPublicJoint(out: JPoint, u1: number, u2: number, x: number, y: number): void {
  const top1 = wnaf(NAF1, u1, 7);
  const top2 = wnaf(NAF2, u2, 5);
  if (top2 >= 0) {
    feCopy(SEL.x, x);
    feCopy(SEL.y, y);
    feCopy(SEL.z, FE_ONE);
    oddMultiples(0, 8, SEL);
    storeAffineBatch(8, QODD, 0, false);
  }
  setInfinity(out);
  for (let i = top1 > top2 ? top1 : top2; i >= 0; i--) {
    pointDouble(out, out);
    const d2 = NAF2[i];
    if (d2 !== 0) {
      addOdd(out, QODD, d2);
    }
    const d1 = NAF1[i];
    if (d1 !== 0) {
      addOdd(out, GODD, d1);
    }
  }
}

/** out += d · P for odd d, with the affine odd multiples (2i + 1) P at tab[22 i] (variable time). */
function addOdd(out: JPoint, tab: Int32Array, d: number): void {
  const o = 11 * ((d > 0 ? d : -d) - 1); // 22 * (|d| - 1) / 2
  for (let l = 0; l < 11; l++) {
    FH[GX2 + l] = tab[o + l];
    FH[GY2 + l] = tab[o + 11 + l];
  }
  if (d < 0) {
    feNeg(GY2, GY2);
  }
  pointAddMixed(out, out, GX2, GY2);
}

/** out = u · (x, y) for a public u and public affine Montgomery (x, y); variable time. */
export function mulPublic(out: JPoint, u: number, x: number, y: number): void {
  mulPublicJoint(out, FE_ZERO, u, x, y);
}

// ---- affine conversion and the plain-coordinate interface ----

/** Plain affine coordinates of p; false (outputs zero) for the point at infinity. */
export function toAffine(outX: Uint32Array, outY: Uint32Array, p: JPoint): boolean {
  if (isInfinity(p)) {
    outX.fill(0);
    outY.fill(0);
    return false;
  }
  feInv(ZI, p.z);
  feSqr(ZI2, ZI);
  feMul(A, p.x, ZI2);
  feMul(ZI2, ZI2, ZI);
  feMul(Bt, p.y, ZI2);
  feToU32(outX, A);
  feToU32(outY, Bt);
  return true;
}

/** FH[ox], FH[oy] = canonical plain affine coordinates of p (not at infinity). */
export function toAffineFe(ox: number, oy: number, p: JPoint): void {
  feInv(ZI, p.z);
  feSqr(ZI2, ZI);
  feMul(ox, p.x, ZI2);
  feMul(ZI2, ZI2, ZI);
  feMul(oy, p.y, ZI2);
  feFromMont(ox, ox);
  feFromMont(oy, oy);
}

const PX_M = feAlloc();
const PY_M = feAlloc();
const RES = new JPoint(0);

/** (outX, outY) = k · (x, y), plain affine coordinates; false if the result is infinity. */
export function pointMul(outX: Uint32Array, outY: Uint32Array, k: Uint32Array, x: Uint32Array, y: Uint32Array): boolean {
  pointMulJ(RES, k, x, y);
  return toAffine(outX, outY, RES);
}

/** (outX, outY) = k · G; false if the result is infinity (k ≡ 0 mod n). */
export function baseMul(outX: Uint32Array, outY: Uint32Array, k: Uint32Array): boolean {
  baseMulJ(RES, k);
  return toAffine(outX, outY, RES);
}

/** Jacobian k · G for a 256-bit k (8 x 32-bit limbs). */
export function baseMulJ(out: JPoint, k: Uint32Array): void {
  feFromWords(KL, k);
  combMul(out, KL);
}

/** Jacobian k · (x, y) for plain affine (x, y). */
export function pointMulJ(out: JPoint, k: Uint32Array, x: Uint32Array, y: Uint32Array): void {
  feFromU32(PX_M, x);
  feFromU32(PY_M, y);
  scalarMulJ(out, k, PX_M, PY_M);
}

const L = feAlloc();
const Rr = feAlloc();

/** Plain affine (x, y) with x, y < p on the curve y^2 = x^3 - 3x + b. */
export function isOnCurve(x: Uint32Array, y: Uint32Array): boolean {
  if (cmp256(x, P256_P) >= 0 || cmp256(y, P256_P) >= 0) {
    return false;
  }
  feFromU32(PX_M, x);
  feFromU32(PY_M, y);
  return isOnCurveM(PX_M, PY_M);
}

/** (x, y) in Montgomery form satisfies y^2 = x^3 - 3x + b. */
export function isOnCurveM(x: number, y: number): boolean {
  feSqr(L, y);
  feSqr(Rr, x);
  feMul(Rr, Rr, x); // x^3
  feMulSmall(A, x, 3);
  feSub(Rr, Rr, A); // x^3 - 3x
  feAdd(Rr, Rr, B_M);
  return feEqMask(L, Rr) !== 0;
}

/** Read big-endian coordinates x at src[xOff..+32), y at src[yOff..+32); false if not a curve point. */
export function pointFromBytes(outX: Uint32Array, outY: Uint32Array, src: Uint8Array, xOff: number, yOff: number): boolean {
  fromBytes256(outX, src, xOff);
  fromBytes256(outY, src, yOff);
  return isOnCurve(outX, outY);
}

/** Write big-endian coordinates x at dst[xOff..+32), y at dst[yOff..+32). */
export function pointToBytes(dst: Uint8Array, xOff: number, yOff: number, x: Uint32Array, y: Uint32Array): void {
  toBytes256(dst, xOff, x);
  toBytes256(dst, yOff, y);
}
