/**
 * ECDSA over P-256 (FIPS 186-4 6.4), in restricted TypeScript.
 *
 * Signing takes the per-signature nonce k from the caller (the TPM's DRBG supplies it); a k
 * outside [1, n-1], or one giving r = 0 or s = 0, makes the call fail and the caller draws again.
 * Signatures are r || s, each 32 bytes big-endian (IEEE P1363). The digest is converted with
 * bits2int: its leftmost min(len, 32) bytes as a big-endian integer, then reduced mod n.
 *
 * k·G and d·G use the fixed-base comb of p256.ts (constant time in structure). A signature then
 * needs one inversion mod p (the affine x) and one mod n (k^-1), both constant-time safegcd, and
 * a few multiplications mod n (24-bit Montgomery form of p256field.ts). Verification computes
 * u1·G + u2·Q in one variable-time pass with shared doublings (both scalars and Q are public; see
 * mulPublicJoint) and checks x(R) = r mod n projectively: X = r Z^2 or, when r + n < p,
 * X = (r + n) Z^2, without an inversion mod p.
 */
import {
  add256, cmp256, feAlloc, feEqMask, feFromWords, feIsZeroMask, feMul, feSqr, feToBytes, feToMont, fromBytes256,
  isZero256, P256_N, P256_P, scAdd, scCanon, scInv, scIsZeroMask, scMul, scToMont,
} from "./p256field";
import { JPoint, combMul, isOnCurveM, mulPublicJoint, toAffineFe } from "./p256";

const Z32 = new Uint32Array(8);
const D32 = new Uint32Array(8);
const K32 = new Uint32Array(8);
const R32 = new Uint32Array(8);
const S32 = new Uint32Array(8);
const T32 = new Uint32Array(8);
const Z = feAlloc();
const DL = feAlloc();
const KL = feAlloc();
const RL = feAlloc();
const SL = feAlloc();
const T = feAlloc();
const W = feAlloc();
const U1 = feAlloc();
const U2 = feAlloc();
const QX = feAlloc();
const QY = feAlloc();
const Z2 = feAlloc();
const FX = feAlloc();
const P1 = new JPoint(0);

/** FH[out] = bits2int(hash[off .. off+len)) mod n, canonical. */
function digestToScalar(out: number, hash: Uint8Array, off: number, len: number): void {
  const n = len < 32 ? len : 32;
  Z32.fill(0);
  for (let i = 0; i < n; i++) {
    const b = hash[off + i];
    const pos = n - 1 - i; // byte position from the least significant end
    Z32[pos >>> 2] = (Z32[pos >>> 2] | (b << (8 * (pos & 3)))) >>> 0;
  }
  feFromWords(out, Z32);
  scCanon(out, out);
}

/** 1 <= a < n. */
export function isValidScalar(a: Uint32Array): boolean {
  return !isZero256(a) && cmp256(a, P256_N) < 0;
}

/** Public key (x || y, 64 bytes big-endian) for private key d (32 bytes); false if d is not in [1, n-1]. */
export function ecdsaPublicKey(pub: Uint8Array, d: Uint8Array): boolean {
  fromBytes256(D32, d, 0);
  if (!isValidScalar(D32)) {
    return false;
  }
  feFromWords(DL, D32);
  combMul(P1, DL);
  toAffineFe(QX, QY, P1); // d in [1, n-1]: not at infinity
  feToBytes(pub, 0, QX);
  feToBytes(pub, 32, QY);
  return true;
}

/**
 * sig (64 bytes, r || s) = ECDSA signature of the digest hash[hashOff .. +hashLen) with private key
 * d (32 bytes) and nonce k (32 bytes). False, sig zeroed, if d or k is out of range or r or s is 0.
 */
export function ecdsaSign(sig: Uint8Array, hash: Uint8Array, hashOff: number, hashLen: number, d: Uint8Array, k: Uint8Array): boolean {
  sig.fill(0, 0, 64);
  fromBytes256(D32, d, 0);
  fromBytes256(K32, k, 0);
  if (!isValidScalar(D32) || !isValidScalar(K32)) {
    return false;
  }
  digestToScalar(Z, hash, hashOff, hashLen);
  feFromWords(DL, D32);
  feFromWords(KL, K32);
  combMul(P1, KL); // k in [1, n-1]: not at infinity
  toAffineFe(RL, QY, P1);
  scCanon(RL, RL); // r = x mod n (x < p < 2n)
  if (scIsZeroMask(RL) !== 0) {
    return false;
  }
  // s = k^-1 (z + r d) mod n. The Montgomery product of Montgomery r and plain d is plain r d.
  scToMont(T, RL);
  scMul(T, T, DL); // r d
  scAdd(T, T, Z); // z + r d
  scToMont(W, KL);
  scInv(W, W); // k^-1, Montgomery form
  scMul(SL, T, W); // plain s
  scCanon(SL, SL);
  if (scIsZeroMask(SL) !== 0) {
    return false;
  }
  feToBytes(sig, 0, RL);
  feToBytes(sig, 32, SL);
  return true;
}

/**
 * True if sig (64 bytes, r || s) is a valid signature of hash[hashOff .. +hashLen) under the public
 * key pub (64 bytes, x || y). Rejects r or s outside [1, n-1] and a key not on the curve.
 */
export function ecdsaVerify(sig: Uint8Array, hash: Uint8Array, hashOff: number, hashLen: number, pub: Uint8Array): boolean {
  fromBytes256(R32, sig, 0);
  fromBytes256(S32, sig, 32);
  if (!isValidScalar(R32) || !isValidScalar(S32)) {
    return false;
  }
  fromBytes256(T32, pub, 0);
  if (cmp256(T32, P256_P) >= 0) {
    return false;
  }
  feFromWords(QX, T32);
  fromBytes256(T32, pub, 32);
  if (cmp256(T32, P256_P) >= 0) {
    return false;
  }
  feFromWords(QY, T32);
  feToMont(QX, QX);
  feToMont(QY, QY);
  if (!isOnCurveM(QX, QY)) {
    return false;
  }
  digestToScalar(Z, hash, hashOff, hashLen);
  feFromWords(RL, R32);
  feFromWords(SL, S32);
  scToMont(W, SL);
  scInv(W, W); // w = s^-1, Montgomery form
  scMul(U1, Z, W); // u1 = z w (plain)
  scCanon(U1, U1);
  scMul(U2, RL, W); // u2 = r w (plain)
  scCanon(U2, U2);
  mulPublicJoint(P1, U1, U2, QX, QY);
  if (feIsZeroMask(P1.z) !== 0) {
    return false;
  }
  // x(R) = X / Z^2 (mod p) must be the x < p with x mod n = r: r, or r + n if that is below p.
  feSqr(Z2, P1.z);
  feToMont(FX, RL);
  feMul(T, FX, Z2);
  if (feEqMask(T, P1.x) !== 0) {
    return true;
  }
  if (add256(T32, R32, P256_N) === 0 && cmp256(T32, P256_P) < 0) {
    feFromWords(FX, T32);
    feToMont(FX, FX);
    feMul(T, FX, Z2);
    return feEqMask(T, P1.x) !== 0;
  }
  return false;
}
