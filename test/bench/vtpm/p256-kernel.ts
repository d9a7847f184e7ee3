/**
 * P-256 benchmark kernel (restricted TS, no main): `bench(op, iters)` runs `iters` ECDSA
 * signatures (op 0), verifications (op 1) or public-key derivations (op 2) on inputs that change
 * from iteration to iteration, and folds the results into a checksum. Driven by p256-bench.cjs,
 * in Node (timed) and natively (instruction counts of the p256_*.ts mains under qemu-ppc64).
 */
import type { u64 } from "tsnc";
import { ecdsaPublicKey, ecdsaSign, ecdsaVerify } from "../../../vtpm/crypto/p256ecdsa";

const D = new Uint8Array(32);
const NONCE = new Uint8Array(32);
const HASH = new Uint8Array(32);
const PUB = new Uint8Array(64);
const SIG = new Uint8Array(64);

function mix(acc: u64, x: number): u64 {
  return BigInt.asUintN(64, (acc ^ BigInt.asUintN(64, BigInt(x))) * 0x100000001b3n);
}

function fill(it: number): void {
  for (let i = 0; i < 32; i++) {
    D[i] = (Math.imul(i + 3, 0x9e3779b1) >>> 13) & 0xff;
    NONCE[i] = (Math.imul(i + 7 + it, 0x85ebca6b) >>> 11) & 0xff;
    HASH[i] = (Math.imul(i + 11 + 3 * it, 0xc2b2ae35) >>> 17) & 0xff;
  }
  D[0] = 0x5a;
  NONCE[0] = 0x3c;
}

/** Set up the key pair and one signature (not part of the measured loops). */
export function setup(): void {
  fill(0);
  ecdsaPublicKey(PUB, D);
  ecdsaSign(SIG, HASH, 0, 32, D, NONCE);
}

export function bench(op: number, iters: number): u64 {
  let acc: u64 = 0xcbf29ce484222325n;
  for (let it = 0; it < iters; it++) {
    if (op === 0) {
      fill(it);
      acc = mix(acc, ecdsaSign(SIG, HASH, 0, 32, D, NONCE) ? 1 : 0);
      acc = mix(acc, SIG[it & 63]);
    } else if (op === 1) {
      SIG[40] = SIG[40] ^ (it & 1); // alternately valid and invalid
      acc = mix(acc, ecdsaVerify(SIG, HASH, 0, 32, PUB) ? 1 : 0);
    } else {
      D[31] = it & 0xff;
      acc = mix(acc, ecdsaPublicKey(PUB, D) ? 1 : 0);
      acc = mix(acc, PUB[it & 63]);
    }
  }
  return acc;
}
