// P-256 from vtpm/crypto, folded with mix into one checksum: k·G (fixed-base comb) and k·P
// (constant-time window) for edge and full-width scalars (k near n, k = n - 2, 2^256 - n,
// k >= n, k = 0), then 24 rounds of ECDSA with changing keys, nonces and digests: public key,
// signature, verification of it and of a tampered copy, and verification under the wrong key.
// Exercises the 24-bit-limb field heap (Montgomery mod p and mod n, folding additions), the
// Jacobian and co-Z formulas, the signed-digit recodings, safegcd inversion and the verifier's
// variable-time NAF.
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

/** The group order n. */
const N = new Uint32Array([
  0xfc632551, 0xf3b9cac2, 0xa7179e84, 0xbce6faad, 0xffffffff, 0xffffffff, 0x00000000, 0xffffffff,
]);
const K = new Uint32Array(8);
const X = new Uint32Array(8);
const Y = new Uint32Array(8);
const X2 = new Uint32Array(8);
const Y2 = new Uint32Array(8);
const D = new Uint8Array(32);
const NONCE = new Uint8Array(32);
const HASH = new Uint8Array(32);
const PUB = new Uint8Array(64);
const PUB2 = new Uint8Array(64);
const SIG = new Uint8Array(64);

/** K = n + delta (delta small, possibly negative; wraps mod 2^256). */
function nearN(delta: number): void {
  let c = delta;
  for (let i = 0; i < 8; i++) {
    const s = N[i] + c;
    K[i] = s >>> 0;
    c = Math.floor((s - (s >>> 0)) / 0x100000000);
  }
}

export function main(): u64 {
  let acc: u64 = 0xcbf29ce484222325n;
  // k·G for k = 1, 2, a full-width scalar, 2^256 - n (the comb's equal-operand case) and
  // k = n - 2 .. n + 2.
  for (let t = 0; t < 9; t++) {
    K.fill(0);
    if (t < 2) {
      K[0] = opq(t + 1);
    } else if (t === 8) {
      nearN(0);
      for (let i = 0; i < 8; i++) {
        K[i] = ~K[i] >>> 0; // 2^256 - 1 - n
      }
      K[0] = K[0] + opq(1);
    } else if (t === 2) {
      for (let i = 0; i < 8; i++) {
        K[i] = (Math.imul(opq(0x9e3779b9), i + 1) ^ 0x5bd1e995) >>> 0;
      }
      K[7] = K[7] & 0x7fffffff;
    } else {
      nearN(opq(t - 5));
    }
    const got = baseMul(X, Y, K);
    acc = mix(acc, got ? 1 : 0);
    acc = fold(acc, X);
    acc = fold(acc, Y);
  }
  // k·P for P = 2G and edge k.
  nearN(opq(2));
  baseMul(X, Y, K); // (n + 2)·G = 2G
  for (let t = 0; t < 7; t++) {
    if (t === 0) {
      for (let i = 0; i < 8; i++) {
        K[i] = (Math.imul(opq(0x85ebca6b), 2 * i + 3) ^ 0xc2b2ae35) >>> 0;
      }
    } else if (t === 1) {
      K.fill(0);
    } else {
      nearN(opq(t - 4)); // n - 2 (equal operands in the last step), n - 1, n, n + 1, n + 2
    }
    acc = mix(acc, pointMul(X2, Y2, K, X, Y) ? 1 : 0);
    acc = fold(acc, X2);
    acc = fold(acc, Y2);
  }
  // ECDSA rounds.
  for (let round = 0; round < 24; round++) {
    for (let i = 0; i < 32; i++) {
      D[i] = (opq(i) * 37 + 11 + round * 7) & 0xff;
      NONCE[i] = (opq(i) * 101 + 7 + round * 13) & 0xff;
      HASH[i] = (opq(i) * 13 + 201 + round) & 0xff;
    }
    D[0] = (0x3f + round) & 0xff;
    NONCE[0] = (0x41 + 5 * round) & 0xff;
    if (round === 5) {
      for (let i = 0; i < 5; i++) {
        NONCE[i] = 0xff; // nonce above n: rejected
      }
    }
    acc = mix(acc, ecdsaPublicKey(PUB, D) ? 1 : 0);
    acc = mix(acc, ecdsaSign(SIG, HASH, 0, 32 - (round & 3), D, NONCE) ? 1 : 0);
    for (let i = 0; i < 64; i++) {
      acc = mix(acc, PUB[i]);
      acc = mix(acc, SIG[i]);
    }
    acc = mix(acc, ecdsaVerify(SIG, HASH, 0, 32 - (round & 3), PUB) ? 1 : 0);
    acc = mix(acc, round > 0 && ecdsaVerify(SIG, HASH, 0, 32 - (round & 3), PUB2) ? 5 : 6);
    SIG[(round * 5) & 63] = SIG[(round * 5) & 63] ^ (1 << (round & 7));
    acc = mix(acc, ecdsaVerify(SIG, HASH, 0, 32 - (round & 3), PUB) ? 2 : 3);
    for (let i = 0; i < 64; i++) {
      PUB2[i] = PUB[i];
    }
  }
  return acc;
}
