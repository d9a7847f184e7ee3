/**
 * ECDSA over P-256 (FIPS 186-4 6.4), in restricted TypeScript.
 *
 * Signing takes the per-signature nonce k from the caller (the TPM's DRBG supplies it); a k
 * outside [1, n-1], or one giving r = 0 or s = 0, makes the call fail and the caller draws again.
 * Signatures are r || s, each 32 bytes big-endian (IEEE P1363). The digest is converted with
 * bits2int: its leftmost min(len, 32) bytes as a big-endian integer, then reduced mod n.
 * Verification computes u1·G + u2·Q as two scalar multiplications and a Jacobian addition.
 */
import { copy256, fieldN, fromBytes256, isZero256, cmp256, P256_N, toBytes256 } from "./p256field";
import { JPoint, baseMulJ, pointAdd, pointFromBytes, pointMulJ, toAffine } from "./p256";

const NF = fieldN;
const Z = new Uint32Array(8);
const Dk = new Uint32Array(8);
const K = new Uint32Array(8);
const Rx = new Uint32Array(8);
const Ry = new Uint32Array(8);
const Rm = new Uint32Array(8);
const Sm = new Uint32Array(8);
const T = new Uint32Array(8);
const U1 = new Uint32Array(8);
const U2 = new Uint32Array(8);
const QX = new Uint32Array(8);
const QY = new Uint32Array(8);
const P1 = new JPoint(0);
const P2 = new JPoint(0);

/** z = bits2int(hash[off .. off+len)) mod n. */
function digestToScalar(out: Uint32Array, hash: Uint8Array, off: number, len: number): void {
  const n = len < 32 ? len : 32;
  out.fill(0);
  for (let i = 0; i < n; i++) {
    const b = hash[off + i];
    const pos = n - 1 - i; // byte position from the least significant end
    out[pos >>> 2] = (out[pos >>> 2] | (b << (8 * (pos & 3)))) >>> 0;
  }
  NF.reduceOnce(out, out);
}

/** 1 <= a < n. */
export function isValidScalar(a: Uint32Array): boolean {
  return !isZero256(a) && cmp256(a, P256_N) < 0;
}

/** Public key (x || y, 64 bytes big-endian) for private key d (32 bytes); false if d is not in [1, n-1]. */
export function ecdsaPublicKey(pub: Uint8Array, d: Uint8Array): boolean {
  fromBytes256(Dk, d, 0);
  if (!isValidScalar(Dk)) {
    return false;
  }
  baseMulJ(P1, Dk);
  toAffine(QX, QY, P1);
  toBytes256(pub, 0, QX);
  toBytes256(pub, 32, QY);
  return true;
}

/**
 * sig (64 bytes, r || s) = ECDSA signature of the digest hash[hashOff .. +hashLen) with private key
 * d (32 bytes) and nonce k (32 bytes). False, sig zeroed, if d or k is out of range or r or s is 0.
 */
export function ecdsaSign(sig: Uint8Array, hash: Uint8Array, hashOff: number, hashLen: number, d: Uint8Array, k: Uint8Array): boolean {
  sig.fill(0, 0, 64);
  fromBytes256(Dk, d, 0);
  fromBytes256(K, k, 0);
  if (!isValidScalar(Dk) || !isValidScalar(K)) {
    return false;
  }
  digestToScalar(Z, hash, hashOff, hashLen);
  baseMulJ(P1, K);
  if (!toAffine(Rx, Ry, P1)) {
    return false;
  }
  NF.reduceOnce(Rx, Rx); // r = x mod n
  if (isZero256(Rx)) {
    return false;
  }
  // s = k^-1 (z + r d) mod n, in Montgomery form.
  NF.toMont(Rm, Rx);
  NF.toMont(T, Dk);
  NF.mul(T, Rm, T); // r d
  NF.toMont(Sm, Z);
  NF.add(Sm, Sm, T); // z + r d
  NF.toMont(T, K);
  NF.inv(T, T); // k^-1
  NF.mul(Sm, Sm, T);
  NF.fromMont(Sm, Sm);
  if (isZero256(Sm)) {
    return false;
  }
  toBytes256(sig, 0, Rx);
  toBytes256(sig, 32, Sm);
  return true;
}

/**
 * True if sig (64 bytes, r || s) is a valid signature of hash[hashOff .. +hashLen) under the public
 * key pub (64 bytes, x || y). Rejects r or s outside [1, n-1] and a key not on the curve.
 */
export function ecdsaVerify(sig: Uint8Array, hash: Uint8Array, hashOff: number, hashLen: number, pub: Uint8Array): boolean {
  fromBytes256(Rx, sig, 0);
  fromBytes256(Sm, sig, 32);
  if (!isValidScalar(Rx) || !isValidScalar(Sm)) {
    return false;
  }
  if (!pointFromBytes(QX, QY, pub, 0, 32)) {
    return false;
  }
  digestToScalar(Z, hash, hashOff, hashLen);
  NF.toMont(T, Sm);
  NF.inv(T, T); // w = s^-1 (Montgomery form)
  NF.toMont(U1, Z);
  NF.mul(U1, U1, T);
  NF.fromMont(U1, U1); // u1 = z w
  NF.toMont(U2, Rx);
  NF.mul(U2, U2, T);
  NF.fromMont(U2, U2); // u2 = r w
  baseMulJ(P1, U1);
  pointMulJ(P2, U2, QX, QY);
  pointAdd(P1, P1, P2);
  if (!toAffine(QX, QY, P1)) {
    return false;
  }
  NF.reduceOnce(QX, QX);
  copy256(T, Rx);
  return cmp256(QX, T) === 0;
}
