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
 *   doubling      dbl-2001-b      (3M + 5S; here Z3 = 2 Y1 Z1, 4M + 4S)
 *   mixed add     madd-2007-bl    (7M + 4S; here Z3 = 2 Z1 H, 8M + 3S), second operand affine
 *   full add      add-2007-bl     (11M + 5S; here Z3 = 2 Z1 Z2 H, 12M + 4S)
 * The *Core versions are straight-line (no branch, no exceptional cases); pointAdd and
 * pointAddMixed add branches for infinity and equal or opposite operands, for public data.
 *
 * Scalar multiplication with a possibly secret scalar is constant time in structure: the sequence
 * of field operations and memory accesses does not depend on the scalar; table entries are chosen
 * by reading all entries under masks; negation and the special cases (accumulator at infinity,
 * zero digit) are masked selections. Scalars are recoded branch-free into signed 4-bit digits
 * d_0..d_63 in [-8, 7] and a final carry d_64 in {0, 1} (k = sum d_j 16^j).
 *
 * - k·G (combMul, baseMulJ, baseMul): fixed-base comb. A table built at module initialisation
 *   holds the affine 1..8 · 16^j · G for j = 0..63, and 2^256 · G; k·G = sum_j d_j 16^j G takes 65
 *   mixed additions and no doubling. The partial sums S_j = sum_{i<j} d_i 16^i have |S_j| < 16^j,
 *   below |d_j| 16^j <= 8 · 16^j, and |S_j +- d_j 16^j| < 9 · 16^j < n for j < 64, so no addition
 *   meets equal or opposite points; for j = 64 (d_64 = 1, S_64 = k - 2^256 in (-2^255, 0)) the only
 *   case is k = n, opposite points, whose result Z = 0 is correct. The accumulator is at infinity
 *   exactly while all digits so far are zero, which a mask tracks. Valid for every 256-bit k.
 * - k·P (scalarMulJ, pointMulJ, pointMul): k is reduced mod n (a masked subtraction); a table of
 *   the Jacobian 1..8 · P; then from d_64 down, four doublings and a full addition of ±|d_j| P.
 *   Before step j the accumulator is 16 T P with |16 T| < n/2 for j >= 1, which excludes equal and
 *   opposite operands; in the last step k = n - 2 (d_0 = -1, accumulator -P) gives equal operands,
 *   so that step also computes the doubling and selects it by mask.
 * - u·Q in verification (mulPublic): public scalar and point, variable time: width-5 NAF.
 */
import { pool } from "tsnc";
import {
  cmov256, cmp256, feAdd, feAlloc, feCanon, feCmov, feCopy, feEqMask, feFromMont, feFromU32, feFromWords, feInv, feIsZeroMask,
  feMul, feMulSmall, feNeg, feSetSmall, feSqr, feSub, feToU32, FE_ONE, FH, fromBytes256, P256_N,
  P256_P, sub256, toBytes256,
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

/** out = 2p (out may be p); straight-line, and Z = 0 stays Z = 0. dbl-2001-b for a = -3. */
export function pointDouble(out: JPoint, p: JPoint): void {
  feSqr(A, p.z); // delta
  feSqr(Bt, p.y); // gamma
  feMul(C, p.x, Bt); // beta
  feSub(D, p.x, A);
  feAdd(E, p.x, A);
  feMul(D, D, E);
  feMulSmall(D, D, 3); // alpha = 3 (X - delta)(X + delta)
  feMul(Z3, p.y, p.z);
  feAdd(out.z, Z3, Z3); // Z3 = 2 Y Z
  feMulSmall(E, C, 4); // 4 beta
  feSqr(X3, D);
  feSub(X3, X3, E);
  feSub(out.x, X3, E); // X3 = alpha^2 - 8 beta
  feSub(E, E, out.x);
  feMul(E, D, E); // alpha (4 beta - X3)
  feSqr(Bt, Bt);
  feMulSmall(Bt, Bt, 8); // 8 gamma^2
  feSub(out.y, E, Bt);
}

/**
 * out = p + (x2, y2), (x2, y2) affine in Montgomery form (out may be p); straight-line madd-2007-bl.
 * Leaves H = x2 Z1^2 - X1 in the temporaries. Wrong for p at infinity and for p = ±(x2, y2)
 * (H = 0; the result has Z = 0).
 */
export function pointAddMixedCore(out: JPoint, p: JPoint, x2: number, y2: number): void {
  feSqr(A, p.z); // Z1Z1
  feMul(Bt, x2, A); // U2
  feMul(C, p.z, A);
  feMul(C, y2, C); // S2
  feSub(H, Bt, p.x); // H = U2 - X1
  feSub(R, C, p.y);
  feAdd(R, R, R); // r = 2 (S2 - Y1)
  feAdd(I, H, H);
  feSqr(I, I); // I = 4 H^2
  feMul(J, H, I); // J = H I
  feMul(V, p.x, I); // V = X1 I
  feMul(G, p.y, J);
  feAdd(G, G, G); // 2 Y1 J
  feMul(Z3, p.z, H);
  feAdd(out.z, Z3, Z3); // Z3 = 2 Z1 H
  feSqr(X3, R);
  feSub(X3, X3, J);
  feSub(X3, X3, V);
  feSub(out.x, X3, V); // X3 = r^2 - J - 2V
  feSub(E, V, out.x);
  feMul(E, R, E);
  feSub(out.y, E, G); // Y3 = r (V - X3) - 2 Y1 J
}

/**
 * out = p + q, all Jacobian (out may be p or q); straight-line add-2007-bl. Leaves H = U2 - U1 and
 * R = 2 (S2 - S1) in the temporaries (both zero when p = q). Wrong when p or q is at infinity or
 * p = q (then the result has Z = 0); right for p = -q (Z = 0, infinity).
 */
export function pointAddCore(out: JPoint, p: JPoint, q: JPoint): void {
  feSqr(A, p.z); // Z1Z1
  feSqr(Bt, q.z); // Z2Z2
  feMul(C, p.x, Bt); // U1
  feMul(D, q.x, A); // U2
  feMul(E, q.z, Bt);
  feMul(E, p.y, E); // S1 = Y1 Z2 Z2Z2
  feMul(G, p.z, A);
  feMul(G, q.y, G); // S2 = Y2 Z1 Z1Z1
  feSub(H, D, C); // H = U2 - U1
  feSub(R, G, E);
  feAdd(R, R, R); // r = 2 (S2 - S1)
  feMul(Z3, p.z, q.z);
  feMul(Z3, Z3, H);
  feAdd(I, H, H);
  feSqr(I, I); // I = (2H)^2
  feMul(J, H, I); // J = H I
  feMul(V, C, I); // V = U1 I
  feMul(G, E, J);
  feAdd(G, G, G); // 2 S1 J
  feAdd(out.z, Z3, Z3); // Z3 = 2 Z1 Z2 H
  feSqr(X3, R);
  feSub(X3, X3, J);
  feSub(X3, X3, V);
  feSub(out.x, X3, V); // X3 = r^2 - J - 2V
  feSub(D, V, out.x);
  feMul(D, R, D);
  feSub(out.y, D, G); // Y3 = r (V - X3) - 2 S1 J
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

/** Affine Montgomery (x, y) of d · 16^j · G at GTAB[(8 j + d - 1) * 22], x then y; 2^256 G last. */
const GTAB = new Int32Array(11286);
const SX = feAlloc();
const SY = feAlloc();
const NY = feAlloc();
const ACC1 = new JPoint(0);
const ACC2 = new JPoint(0);

/**
 * FH[SX], FH[SY] = the comb table entry |d| at position j (entries 1 .. count), all entries read
 * and masked; zero for d = 0.
 */
function combSelect(j: number, a: number, count: number): void {
  let x0 = 0, x1 = 0, x2 = 0, x3 = 0, x4 = 0, x5 = 0;
  let x6 = 0, x7 = 0, x8 = 0, x9 = 0, x10 = 0;
  let y0 = 0, y1 = 0, y2 = 0, y3 = 0, y4 = 0, y5 = 0;
  let y6 = 0, y7 = 0, y8 = 0, y9 = 0, y10 = 0;
  for (let e = 1; e <= count; e++) {
    const m = ((e ^ a) - 1) >> 31; // -1 when e = a
    const b = (8 * j + e - 1) * 22;
    x0 = x0 | (GTAB[b] & m);
    x1 = x1 | (GTAB[b + 1] & m);
    x2 = x2 | (GTAB[b + 2] & m);
    x3 = x3 | (GTAB[b + 3] & m);
    x4 = x4 | (GTAB[b + 4] & m);
    x5 = x5 | (GTAB[b + 5] & m);
    x6 = x6 | (GTAB[b + 6] & m);
    x7 = x7 | (GTAB[b + 7] & m);
    x8 = x8 | (GTAB[b + 8] & m);
    x9 = x9 | (GTAB[b + 9] & m);
    x10 = x10 | (GTAB[b + 10] & m);
    y0 = y0 | (GTAB[b + 11] & m);
    y1 = y1 | (GTAB[b + 12] & m);
    y2 = y2 | (GTAB[b + 13] & m);
    y3 = y3 | (GTAB[b + 14] & m);
    y4 = y4 | (GTAB[b + 15] & m);
    y5 = y5 | (GTAB[b + 16] & m);
    y6 = y6 | (GTAB[b + 17] & m);
    y7 = y7 | (GTAB[b + 18] & m);
    y8 = y8 | (GTAB[b + 19] & m);
    y9 = y9 | (GTAB[b + 20] & m);
    y10 = y10 | (GTAB[b + 21] & m);
  }
  FH[SX] = x0;
  FH[SX + 1] = x1;
  FH[SX + 2] = x2;
  FH[SX + 3] = x3;
  FH[SX + 4] = x4;
  FH[SX + 5] = x5;
  FH[SX + 6] = x6;
  FH[SX + 7] = x7;
  FH[SX + 8] = x8;
  FH[SX + 9] = x9;
  FH[SX + 10] = x10;
  FH[SY] = y0;
  FH[SY + 1] = y1;
  FH[SY + 2] = y2;
  FH[SY + 3] = y3;
  FH[SY + 4] = y4;
  FH[SY + 5] = y5;
  FH[SY + 6] = y6;
  FH[SY + 7] = y7;
  FH[SY + 8] = y8;
  FH[SY + 9] = y9;
  FH[SY + 10] = y10;
}

/** out = k · G for the element FH[k] (normalised limbs, below 2^256); constant time in structure. */
export function combMul(out: JPoint, k: number): void {
  recode(k);
  let acc = ACC1;
  let t = ACC2;
  setInfinity(acc);
  let inf = -1; // -1 while the accumulator is at infinity
  for (let j = 0; j < 65; j++) {
    const d = DIG[j];
    const s = d >> 31;
    const a = (d ^ s) - s; // |d|
    combSelect(j, a, j < 64 ? 8 : 1);
    feNeg(NY, SY);
    feCmov(SY, NY, s);
    pointAddMixedCore(t, acc, SX, SY);
    const nz = (a | -a) >> 31; // -1 when d != 0
    const first = inf & nz;
    const keep = ~nz;
    for (let i = 0; i < 11; i++) {
      let x = FH[t.x + i];
      x = x ^ ((x ^ FH[acc.x + i]) & keep);
      FH[t.x + i] = x ^ ((x ^ FH[SX + i]) & first);
      let y = FH[t.y + i];
      y = y ^ ((y ^ FH[acc.y + i]) & keep);
      FH[t.y + i] = y ^ ((y ^ FH[SY + i]) & first);
      let z = FH[t.z + i];
      z = z ^ ((z ^ FH[acc.z + i]) & keep);
      FH[t.z + i] = z ^ ((z ^ FH[FE_ONE + i]) & first);
    }
    inf = inf & keep;
    const swap = acc;
    acc = t;
    t = swap;
  }
  feCmov(acc.z, FE_ZERO, inf);
  copyPoint(out, acc);
}

// Table construction at module initialisation (public data, variable time).
const BATCH = pool(64, JPoint);
const PREFIX = pool(64, Elem);
const BASEP = new JPoint(0);
const ZI = feAlloc();
const ZI2 = feAlloc();

/** Store the first `count` points of BATCH (none at infinity) as affine entries from GTAB[at]. */
function storeAffineBatch(count: number, at: number): void {
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
    feCanon(C, C);
    feCanon(D, D);
    const o = at + 22 * i;
    for (let l = 0; l < 11; l++) {
      GTAB[o + l] = FH[C + l];
      GTAB[o + 11 + l] = FH[D + l];
    }
  }
}

function buildCombTable(): void {
  feCopy(BASEP.x, GX_M);
  feCopy(BASEP.y, GY_M);
  feCopy(BASEP.z, FE_ONE);
  for (let g = 0; g < 8; g++) {
    for (let jj = 0; jj < 8; jj++) {
      const e = 8 * jj;
      copyPoint(BATCH[e], BASEP);
      pointDouble(BATCH[e + 1], BATCH[e]);
      pointAdd(BATCH[e + 2], BATCH[e + 1], BATCH[e]);
      pointDouble(BATCH[e + 3], BATCH[e + 1]);
      pointAdd(BATCH[e + 4], BATCH[e + 3], BATCH[e]);
      pointDouble(BATCH[e + 5], BATCH[e + 2]);
      pointAdd(BATCH[e + 6], BATCH[e + 5], BATCH[e]);
      pointDouble(BATCH[e + 7], BATCH[e + 3]);
      pointDouble(BASEP, BATCH[e + 7]); // 16 · base
    }
    storeAffineBatch(64, g * 64 * 22);
  }
  copyPoint(BATCH[0], BASEP); // 16^64 G = 2^256 G
  storeAffineBatch(1, 512 * 22);
}
buildCombTable();

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
    feNeg(NY, SEL.y);
    feCmov(SEL.y, NY, s);
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

// ---- variable-time u·Q for verification (public scalar and point) ----

/** Odd multiples 1, 3, ..., 15 of Q (Jacobian). */
const WT = pool(8, JPoint);
const NAF = new Int32Array(257);
const WNEG = new JPoint(0);
const NAFK = new Int32Array(11);

/**
 * out = u · (x, y) for a public u (element FH[u], normalised limbs, below 2^256) and a public affine
 * Montgomery (x, y): width-5 NAF (odd digits in [-15, 15], at most one non-zero in five), one
 * doubling per bit and one addition per non-zero digit; variable time.
 */
export function mulPublic(out: JPoint, u: number, x: number, y: number): void {
  for (let l = 0; l < 11; l++) {
    NAFK[l] = FH[u + l];
  }
  let top = -1;
  for (let i = 0; i < 257; i++) {
    let d = 0;
    if ((NAFK[0] & 1) !== 0) {
      d = NAFK[0] & 31;
      if (d > 16) {
        d = d - 32;
      }
      NAFK[0] = NAFK[0] - d; // limb 0 may exceed 2^24 a little; the halving below carries it
      top = i;
    }
    NAF[i] = d;
    let c = 0; // NAFK = NAFK / 2, from the top limb down
    for (let l = 10; l >= 0; l--) {
      const v = NAFK[l] + c * 0x1000000;
      c = v & 1;
      NAFK[l] = Math.floor(v / 2);
    }
  }
  feCopy(WT[0].x, x);
  feCopy(WT[0].y, y);
  feCopy(WT[0].z, FE_ONE);
  pointDouble(DBL, WT[0]);
  for (let i = 1; i < 8; i++) {
    pointAdd(WT[i], WT[i - 1], DBL);
  }
  setInfinity(out);
  for (let i = top; i >= 0; i--) {
    pointDouble(out, out);
    const d = NAF[i];
    if (d > 0) {
      pointAdd(out, out, WT[(d - 1) >> 1]);
    } else if (d < 0) {
      copyPoint(WNEG, WT[(-d - 1) >> 1]);
      feNeg(WNEG.y, WNEG.y);
      pointAdd(out, out, WNEG);
    }
  }
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
