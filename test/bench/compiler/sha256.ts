/**
 * Benchmark kernel: the SHA-256 compression function (FIPS 180-4, section 6.2.2).
 *
 * A 4 KiB message (64 blocks of 64 bytes) of pseudo-random bytes is compressed ROUNDS times
 * into one running state, as if hashing a message of ROUNDS * 4 KiB (without the final
 * padding block). The checksum folds the eight state words. The C twin is sha256.c.
 */
import type { u8, u32, u64 } from "tsnc";
import { rotr32, make64 } from "tsnc";

const BLOCKS = 64;
const ROUNDS = 32;

const K = new Uint32Array([
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
  0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
  0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
  0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
  0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
  0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
  0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
  0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
]);

const H0 = new Uint32Array([
  0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
]);

const state = new Uint32Array(8);
const W = new Uint32Array(64);
const message = new Uint8Array(BLOCKS * 64);

function fillMessage(seed: u32): void {
  let x: u32 = seed;
  for (let i = 0; i < message.length; i++) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    const b: u8 = x >>> 24;
    message[i] = b;
  }
}

/** Start a new hash: state = H(0). */
export function sha256Init(h: Uint32Array): void {
  for (let i = 0; i < 8; i++) h[i] = H0[i];
}

/** Compress the 64-byte block at data[off] into the state h. */
export function sha256Block(h: Uint32Array, data: Uint8Array, off: number): void {
  for (let t = 0; t < 16; t++) {
    const p = off + 4 * t;
    W[t] = ((data[p] << 24) | (data[p + 1] << 16) | (data[p + 2] << 8) | data[p + 3]) >>> 0;
  }
  for (let t = 16; t < 64; t++) {
    const w15 = W[t - 15];
    const w2 = W[t - 2];
    const s0 = rotr32(w15, 7) ^ rotr32(w15, 18) ^ (w15 >>> 3);
    const s1 = rotr32(w2, 17) ^ rotr32(w2, 19) ^ (w2 >>> 10);
    W[t] = (W[t - 16] + s0 + W[t - 7] + s1) >>> 0;
  }

  let a: u32 = h[0];
  let b: u32 = h[1];
  let c: u32 = h[2];
  let d: u32 = h[3];
  let e: u32 = h[4];
  let f: u32 = h[5];
  let g: u32 = h[6];
  let hh: u32 = h[7];
  for (let t = 0; t < 64; t++) {
    const S1 = rotr32(e, 6) ^ rotr32(e, 11) ^ rotr32(e, 25);
    const ch = (e & f) ^ (~e & g);
    const t1 = (hh + S1 + ch + K[t] + W[t]) >>> 0;
    const S0 = rotr32(a, 2) ^ rotr32(a, 13) ^ rotr32(a, 22);
    const maj = (a & b) ^ (a & c) ^ (b & c);
    const t2 = (S0 + maj) >>> 0;
    hh = g;
    g = f;
    f = e;
    e = (d + t1) >>> 0;
    d = c;
    c = b;
    b = a;
    a = (t1 + t2) >>> 0;
  }
  h[0] = h[0] + a;
  h[1] = h[1] + b;
  h[2] = h[2] + c;
  h[3] = h[3] + d;
  h[4] = h[4] + e;
  h[5] = h[5] + f;
  h[6] = h[6] + g;
  h[7] = h[7] + hh;
}

export function main(): u64 {
  fillMessage(7);
  sha256Init(state);
  for (let r = 0; r < ROUNDS; r++) {
    for (let blk = 0; blk < BLOCKS; blk++) {
      sha256Block(state, message, blk * 64);
    }
  }
  return make64(state[0], state[1]) ^ make64(state[2], state[3]) ^
    make64(state[4], state[5]) ^ make64(state[6], state[7]);
}
