// P-256 from vtpm/crypto: a few scalar multiplications (k·G and k·P), an ECDSA sign and verify, all
// folded with mix into one checksum: Montgomery field arithmetic in 16-bit digits, Jacobian
// formulas, fixed-window scalar multiplication, Fermat inversion mod p and mod n.
import type { u64 } from "tsnc";
import { opq } from "./lib_opaque";
import { baseMul, pointMul } from "../../../vtpm/crypto/p256";
import { ecdsaPublicKey, ecdsaSign, ecdsaVerify } from "../../../vtpm/crypto/p256ecdsa";

function mix(acc: u64, x: number): u64 {
  return BigInt.asUintN(64, (acc ^ BigInt.asUintN(64, BigInt(x))) * 0x100000001b3n);
}

function fold(acc: u64, a: Uint32Array): u64 {
  let h = acc;
  for (let i = 0; i < 8; i++) {
    h = mix(h, a[i]);
  }
  return h;
}

const K = new Uint32Array(8);
const X = new Uint32Array(8);
const Y = new Uint32Array(8);
const X2 = new Uint32Array(8);
const Y2 = new Uint32Array(8);
const D = new Uint8Array(32);
const NONCE = new Uint8Array(32);
const HASH = new Uint8Array(32);
const PUB = new Uint8Array(64);
const SIG = new Uint8Array(64);

export function main(): u64 {
  let acc: u64 = 0xcbf29ce484222325n;
  // k·G for k = 1, 2, and a full-width scalar.
  for (let t = 0; t < 3; t++) {
    K.fill(0);
    if (t < 2) {
      K[0] = opq(t + 1);
    } else {
      for (let i = 0; i < 8; i++) {
        K[i] = (Math.imul(opq(0x9e3779b9), i + 1) ^ 0x5bd1e995) >>> 0;
      }
      K[7] = K[7] & 0x7fffffff;
    }
    const got = baseMul(X, Y, K);
    acc = mix(acc, got ? 1 : 0);
    acc = fold(acc, X);
    acc = fold(acc, Y);
  }
  // k·P for P the last point.
  for (let i = 0; i < 8; i++) {
    K[i] = (Math.imul(opq(0x85ebca6b), 2 * i + 3) ^ 0xc2b2ae35) >>> 0;
  }
  acc = mix(acc, pointMul(X2, Y2, K, X, Y) ? 1 : 0);
  acc = fold(acc, X2);
  acc = fold(acc, Y2);
  // ECDSA: key, signature with a given nonce, verification, and a rejected tampered signature.
  for (let i = 0; i < 32; i++) {
    D[i] = (opq(i) * 37 + 11) & 0xff;
    NONCE[i] = (opq(i) * 101 + 7) & 0xff;
    HASH[i] = (opq(i) * 13 + 201) & 0xff;
  }
  D[0] = 0x3f;
  NONCE[0] = 0x41;
  acc = mix(acc, ecdsaPublicKey(PUB, D) ? 1 : 0);
  acc = mix(acc, ecdsaSign(SIG, HASH, 0, 32, D, NONCE) ? 1 : 0);
  for (let i = 0; i < 64; i++) {
    acc = mix(acc, PUB[i]);
    acc = mix(acc, SIG[i]);
  }
  acc = mix(acc, ecdsaVerify(SIG, HASH, 0, 32, PUB) ? 1 : 0);
  SIG[50] = SIG[50] ^ 1;
  acc = mix(acc, ecdsaVerify(SIG, HASH, 0, 32, PUB) ? 2 : 3);
  return acc;
}
