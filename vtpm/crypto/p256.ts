/**
 * The NIST P-256 curve y^2 = x^3 - 3x + b over GF(p), in restricted TypeScript.
 *
 * Points are Jacobian (X, Y, Z) with affine x = X/Z^2, y = Y/Z^3; Z = 0 is the point at infinity.
 * Coordinates are field elements in Montgomery form (see p256field.ts); the exported functions
 * take and return plain (non-Montgomery) affine coordinates as 8 x 32-bit little-endian limbs.
 *
 * Formulas (a = -3), from the Explicit-Formulas Database:
 *   doubling      dbl-2001-b      (3M + 5S)
 *   mixed add     madd-2007-bl    (7M + 4S), second operand affine (Z = 1)
 *   full add      add-2007-bl     (11M + 5S)
 * Exceptional cases (an operand at infinity, equal or opposite operands) branch.
 *
 * Scalar multiplication: fixed 4-bit window, most significant window first. A table of
 * 0·P … 15·P (Jacobian) is built with mixed additions; then for each of the 64 windows: four
 * doublings and one full addition of the table entry, which is selected by a masked scan of all 16
 * entries (no secret-dependent index). Constant-time-ish: the schedule of doublings and additions
 * is fixed, but the addition still branches when the accumulator or the entry is at infinity
 * (leading zero windows, zero windows), so it is not constant time.
 */
import { pool } from "tsnc";
import { cmov256, cmp256, copy256, fieldP, fromBytes256, isZero256, P256_P, toBytes256 } from "./p256field";

export class JPoint {
  readonly x: Uint32Array;
  readonly y: Uint32Array;
  readonly z: Uint32Array;
  constructor(id: number) {
    this.x = new Uint32Array(8);
    this.y = new Uint32Array(8);
    this.z = new Uint32Array(8);
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

const F = fieldP;
const B_M = new Uint32Array(8);
const GX_M = new Uint32Array(8);
const GY_M = new Uint32Array(8);
F.toMont(B_M, P256_B);
F.toMont(GX_M, P256_GX);
F.toMont(GY_M, P256_GY);

// Field temporaries for the formulas.
const A = new Uint32Array(8);
const Bt = new Uint32Array(8);
const C = new Uint32Array(8);
const D = new Uint32Array(8);
const E = new Uint32Array(8);
const G = new Uint32Array(8);
const H = new Uint32Array(8);
const I = new Uint32Array(8);
const J = new Uint32Array(8);
const R = new Uint32Array(8);
const V = new Uint32Array(8);
const X3 = new Uint32Array(8);
const Y3 = new Uint32Array(8);
const Z3 = new Uint32Array(8);

export function setInfinity(p: JPoint): void {
  p.x.fill(0);
  p.y.fill(0);
  p.z.fill(0);
}

export function isInfinity(p: JPoint): boolean {
  return isZero256(p.z);
}

export function copyPoint(out: JPoint, p: JPoint): void {
  copy256(out.x, p.x);
  copy256(out.y, p.y);
  copy256(out.z, p.z);
}

/** out = 2p (out may be p). dbl-2001-b for a = -3. */
export function pointDouble(out: JPoint, p: JPoint): void {
  F.sqr(A, p.z); // delta
  F.sqr(Bt, p.y); // gamma
  F.mul(C, p.x, Bt); // beta
  F.sub(D, p.x, A);
  F.add(E, p.x, A);
  F.mul(D, D, E);
  F.add(E, D, D);
  F.add(D, E, D); // alpha = 3(X - delta)(X + delta)
  F.add(Z3, p.y, p.z);
  F.sqr(Z3, Z3);
  F.sub(Z3, Z3, Bt);
  F.sub(Z3, Z3, A); // Z3 = (Y + Z)^2 - gamma - delta
  F.add(E, C, C);
  F.add(E, E, E); // 4 beta
  F.add(G, E, E); // 8 beta
  F.sqr(X3, D);
  F.sub(X3, X3, G); // X3 = alpha^2 - 8 beta
  F.sub(E, E, X3);
  F.mul(E, D, E); // alpha (4 beta - X3)
  F.sqr(Bt, Bt); // gamma^2
  F.add(Bt, Bt, Bt);
  F.add(Bt, Bt, Bt);
  F.add(Bt, Bt, Bt); // 8 gamma^2
  F.sub(out.y, E, Bt);
  copy256(out.x, X3);
  copy256(out.z, Z3);
}

/** out = p + (x2, y2) with (x2, y2) affine in Montgomery form (out may be p). madd-2007-bl. */
export function pointAddMixed(out: JPoint, p: JPoint, x2: Uint32Array, y2: Uint32Array): void {
  if (isInfinity(p)) {
    copy256(out.x, x2);
    copy256(out.y, y2);
    copy256(out.z, F.one);
    return;
  }
  F.sqr(A, p.z); // Z1Z1
  F.mul(Bt, x2, A); // U2
  F.mul(C, p.z, A);
  F.mul(C, y2, C); // S2
  F.sub(H, Bt, p.x); // H = U2 - X1
  F.sub(R, C, p.y);
  F.add(R, R, R); // r = 2 (S2 - Y1)
  if (isZero256(H)) {
    if (isZero256(R)) {
      pointDouble(out, p);
    } else {
      setInfinity(out);
    }
    return;
  }
  F.sqr(D, H); // HH
  F.add(I, D, D);
  F.add(I, I, I); // I = 4 HH
  F.mul(J, H, I); // J = H I
  F.mul(V, p.x, I); // V = X1 I
  F.sqr(X3, R);
  F.sub(X3, X3, J);
  F.sub(X3, X3, V);
  F.sub(X3, X3, V); // X3 = r^2 - J - 2V
  F.sub(E, V, X3);
  F.mul(E, R, E);
  F.mul(G, p.y, J);
  F.add(G, G, G);
  F.sub(Y3, E, G); // Y3 = r (V - X3) - 2 Y1 J
  F.add(Z3, p.z, H);
  F.sqr(Z3, Z3);
  F.sub(Z3, Z3, A);
  F.sub(Z3, Z3, D); // Z3 = (Z1 + H)^2 - Z1Z1 - HH
  copy256(out.x, X3);
  copy256(out.y, Y3);
  copy256(out.z, Z3);
}

/** out = p + q, all Jacobian (out may be p or q). add-2007-bl. */
export function pointAdd(out: JPoint, p: JPoint, q: JPoint): void {
  if (isInfinity(p)) {
    copyPoint(out, q);
    return;
  }
  if (isInfinity(q)) {
    copyPoint(out, p);
    return;
  }
  F.sqr(A, p.z); // Z1Z1
  F.sqr(Bt, q.z); // Z2Z2
  F.mul(C, p.x, Bt); // U1
  F.mul(D, q.x, A); // U2
  F.mul(E, q.z, Bt);
  F.mul(E, p.y, E); // S1 = Y1 Z2 Z2Z2
  F.mul(G, p.z, A);
  F.mul(G, q.y, G); // S2 = Y2 Z1 Z1Z1
  F.sub(H, D, C); // H = U2 - U1
  F.sub(R, G, E);
  F.add(R, R, R); // r = 2 (S2 - S1)
  if (isZero256(H)) {
    if (isZero256(R)) {
      pointDouble(out, p);
    } else {
      setInfinity(out);
    }
    return;
  }
  F.add(I, H, H);
  F.sqr(I, I); // I = (2H)^2
  F.mul(J, H, I); // J = H I
  F.mul(V, C, I); // V = U1 I
  F.sqr(X3, R);
  F.sub(X3, X3, J);
  F.sub(X3, X3, V);
  F.sub(X3, X3, V); // X3 = r^2 - J - 2V
  F.sub(D, V, X3);
  F.mul(D, R, D);
  F.mul(G, E, J);
  F.add(G, G, G);
  F.sub(Y3, D, G); // Y3 = r (V - X3) - 2 S1 J
  F.add(Z3, p.z, q.z);
  F.sqr(Z3, Z3);
  F.sub(Z3, Z3, A);
  F.sub(Z3, Z3, Bt);
  F.mul(Z3, Z3, H); // Z3 = ((Z1 + Z2)^2 - Z1Z1 - Z2Z2) H
  copy256(out.x, X3);
  copy256(out.y, Y3);
  copy256(out.z, Z3);
}

const TABLE = pool(16, JPoint);
const SEL = new JPoint(0);
const ACC = new JPoint(0);

/** out = k · (x, y) for (x, y) affine in Montgomery form and any 256-bit k. */
export function scalarMulJ(out: JPoint, k: Uint32Array, x: Uint32Array, y: Uint32Array): void {
  setInfinity(TABLE[0]);
  copy256(TABLE[1].x, x);
  copy256(TABLE[1].y, y);
  copy256(TABLE[1].z, F.one);
  for (let i = 2; i < 16; i++) {
    pointAddMixed(TABLE[i], TABLE[i - 1], x, y);
  }
  setInfinity(ACC);
  for (let w = 63; w >= 0; w--) {
    pointDouble(ACC, ACC);
    pointDouble(ACC, ACC);
    pointDouble(ACC, ACC);
    pointDouble(ACC, ACC);
    const d = (k[w >>> 3] >>> (4 * (w & 7))) & 15;
    for (let i = 0; i < 16; i++) {
      const mask = ((i ^ d) - 1) >> 31; // -1 when i === d, else 0
      cmov256(SEL.x, TABLE[i].x, mask);
      cmov256(SEL.y, TABLE[i].y, mask);
      cmov256(SEL.z, TABLE[i].z, mask);
    }
    pointAdd(ACC, ACC, SEL);
  }
  copyPoint(out, ACC);
}

const ZI = new Uint32Array(8);
const ZI2 = new Uint32Array(8);

/** Plain affine coordinates of p; false (outputs zero) for the point at infinity. */
export function toAffine(outX: Uint32Array, outY: Uint32Array, p: JPoint): boolean {
  if (isInfinity(p)) {
    outX.fill(0);
    outY.fill(0);
    return false;
  }
  F.inv(ZI, p.z);
  F.sqr(ZI2, ZI);
  F.mul(outX, p.x, ZI2);
  F.mul(ZI2, ZI2, ZI);
  F.mul(outY, p.y, ZI2);
  F.fromMont(outX, outX);
  F.fromMont(outY, outY);
  return true;
}

const PX_M = new Uint32Array(8);
const PY_M = new Uint32Array(8);
const RES = new JPoint(0);

/** (outX, outY) = k · (x, y), plain affine coordinates; false if the result is infinity. */
export function pointMul(outX: Uint32Array, outY: Uint32Array, k: Uint32Array, x: Uint32Array, y: Uint32Array): boolean {
  F.toMont(PX_M, x);
  F.toMont(PY_M, y);
  scalarMulJ(RES, k, PX_M, PY_M);
  return toAffine(outX, outY, RES);
}

/** (outX, outY) = k · G; false if the result is infinity (k ≡ 0 mod n). */
export function baseMul(outX: Uint32Array, outY: Uint32Array, k: Uint32Array): boolean {
  scalarMulJ(RES, k, GX_M, GY_M);
  return toAffine(outX, outY, RES);
}

/** Jacobian k · G (coordinates in Montgomery form). */
export function baseMulJ(out: JPoint, k: Uint32Array): void {
  scalarMulJ(out, k, GX_M, GY_M);
}

/** Jacobian k · (x, y) for plain affine (x, y). */
export function pointMulJ(out: JPoint, k: Uint32Array, x: Uint32Array, y: Uint32Array): void {
  F.toMont(PX_M, x);
  F.toMont(PY_M, y);
  scalarMulJ(out, k, PX_M, PY_M);
}

const L = new Uint32Array(8);
const Rr = new Uint32Array(8);

/** Plain affine (x, y) with x, y < p on the curve y^2 = x^3 - 3x + b. */
export function isOnCurve(x: Uint32Array, y: Uint32Array): boolean {
  if (cmp256(x, P256_P) >= 0 || cmp256(y, P256_P) >= 0) {
    return false;
  }
  F.toMont(PX_M, x);
  F.toMont(PY_M, y);
  F.sqr(L, PY_M);
  F.sqr(Rr, PX_M);
  F.mul(Rr, Rr, PX_M); // x^3
  F.sub(Rr, Rr, PX_M);
  F.sub(Rr, Rr, PX_M);
  F.sub(Rr, Rr, PX_M); // x^3 - 3x
  F.add(Rr, Rr, B_M);
  return cmp256(L, Rr) === 0;
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
