/**
 * SHA-512 (FIPS 180-4) in restricted TypeScript, over bytes in real memory: the hash the
 * secure-boot container records for the payload (firmware.ts checks the payload skiboot loaded
 * against it). 64-bit words are bigints, every sum wrapped with BigInt.asUintN(64, …).
 *
 *   sha512Memory(address, length, out)   out[0..64) = SHA-512 of the `length` bytes at `address`
 */
import type { u64 } from 'tsnc';
import { load8 } from 'tsnc';

const K = new BigUint64Array([
  0x428a2f98d728ae22n, 0x7137449123ef65cdn, 0xb5c0fbcfec4d3b2fn, 0xe9b5dba58189dbbcn, 0x3956c25bf348b538n,
  0x59f111f1b605d019n, 0x923f82a4af194f9bn, 0xab1c5ed5da6d8118n, 0xd807aa98a3030242n, 0x12835b0145706fben,
  0x243185be4ee4b28cn, 0x550c7dc3d5ffb4e2n, 0x72be5d74f27b896fn, 0x80deb1fe3b1696b1n, 0x9bdc06a725c71235n,
  0xc19bf174cf692694n, 0xe49b69c19ef14ad2n, 0xefbe4786384f25e3n, 0x0fc19dc68b8cd5b5n, 0x240ca1cc77ac9c65n,
  0x2de92c6f592b0275n, 0x4a7484aa6ea6e483n, 0x5cb0a9dcbd41fbd4n, 0x76f988da831153b5n, 0x983e5152ee66dfabn,
  0xa831c66d2db43210n, 0xb00327c898fb213fn, 0xbf597fc7beef0ee4n, 0xc6e00bf33da88fc2n, 0xd5a79147930aa725n,
  0x06ca6351e003826fn, 0x142929670a0e6e70n, 0x27b70a8546d22ffcn, 0x2e1b21385c26c926n, 0x4d2c6dfc5ac42aedn,
  0x53380d139d95b3dfn, 0x650a73548baf63den, 0x766a0abb3c77b2a8n, 0x81c2c92e47edaee6n, 0x92722c851482353bn,
  0xa2bfe8a14cf10364n, 0xa81a664bbc423001n, 0xc24b8b70d0f89791n, 0xc76c51a30654be30n, 0xd192e819d6ef5218n,
  0xd69906245565a910n, 0xf40e35855771202an, 0x106aa07032bbd1b8n, 0x19a4c116b8d2d0c8n, 0x1e376c085141ab53n,
  0x2748774cdf8eeb99n, 0x34b0bcb5e19b48a8n, 0x391c0cb3c5c95a63n, 0x4ed8aa4ae3418acbn, 0x5b9cca4f7763e373n,
  0x682e6ff3d6b2b8a3n, 0x748f82ee5defb2fcn, 0x78a5636f43172f60n, 0x84c87814a1f0ab72n, 0x8cc702081a6439ecn,
  0x90befffa23631e28n, 0xa4506cebde82bde9n, 0xbef9a3f7b2c67915n, 0xc67178f2e372532bn, 0xca273eceea26619cn,
  0xd186b8c721c0c207n, 0xeada7dd6cde0eb1en, 0xf57d4f7fee6ed178n, 0x06f067aa72176fban, 0x0a637dc5a2c898a6n,
  0x113f9804bef90daen, 0x1b710b35131c471bn, 0x28db77f523047d84n, 0x32caab7b40c72493n, 0x3c9ebe0a15c9bebcn,
  0x431d67c49c100d4cn, 0x4cc5d4becb3e42b6n, 0x597f299cfc657e2an, 0x5fcb6fab3ad6faecn, 0x6c44198c4a475817n,
]);

const H = new BigUint64Array(8);
const W = new BigUint64Array(80);
const block = new Uint8Array(128);

function rotr(x: u64, n: u64): u64 {
  return BigInt.asUintN(64, (x >> n) | BigInt.asUintN(64, x << BigInt.asUintN(64, 64n - n)));
}

/** Mix `block` into H. */
function compress(): void {
  for (let t = 0; t < 16; t++) {
    let w = 0n;
    for (let i = 0; i < 8; i++) w = BigInt.asUintN(64, (w << 8n) | BigInt(block[t * 8 + i]));
    W[t] = w;
  }
  for (let t = 16; t < 80; t++) {
    const x = W[t - 15], y = W[t - 2];
    const s0 = rotr(x, 1n) ^ rotr(x, 8n) ^ (x >> 7n);
    const s1 = rotr(y, 19n) ^ rotr(y, 61n) ^ (y >> 6n);
    W[t] = BigInt.asUintN(64, W[t - 16] + s0 + W[t - 7] + s1);
  }
  let a = H[0], b = H[1], c = H[2], d = H[3], e = H[4], f = H[5], g = H[6], h = H[7];
  for (let t = 0; t < 80; t++) {
    const S1 = rotr(e, 14n) ^ rotr(e, 18n) ^ rotr(e, 41n);
    const ch = (e & f) ^ (BigInt.asUintN(64, ~e) & g);
    const t1 = BigInt.asUintN(64, h + S1 + ch + K[t] + W[t]);
    const S0 = rotr(a, 28n) ^ rotr(a, 34n) ^ rotr(a, 39n);
    const maj = (a & b) ^ (a & c) ^ (b & c);
    const t2 = BigInt.asUintN(64, S0 + maj);
    h = g; g = f; f = e;
    e = BigInt.asUintN(64, d + t1);
    d = c; c = b; b = a;
    a = BigInt.asUintN(64, t1 + t2);
  }
  H[0] = BigInt.asUintN(64, H[0] + a); H[1] = BigInt.asUintN(64, H[1] + b);
  H[2] = BigInt.asUintN(64, H[2] + c); H[3] = BigInt.asUintN(64, H[3] + d);
  H[4] = BigInt.asUintN(64, H[4] + e); H[5] = BigInt.asUintN(64, H[5] + f);
  H[6] = BigInt.asUintN(64, H[6] + g); H[7] = BigInt.asUintN(64, H[7] + h);
}

/** out[0..64) = SHA-512 of the `length` bytes at real address `address` (length below 2^53). */
export function sha512Memory(address: u64, length: number, out: Uint8Array): void {
  H[0] = 0x6a09e667f3bcc908n; H[1] = 0xbb67ae8584caa73bn; H[2] = 0x3c6ef372fe94f82bn; H[3] = 0xa54ff53a5f1d36f1n;
  H[4] = 0x510e527fade682d1n; H[5] = 0x9b05688c2b3e6c1fn; H[6] = 0x1f83d9abfb41bd6bn; H[7] = 0x5be0cd19137e2179n;
  let done = 0;
  while (length - done >= 128) {
    for (let i = 0; i < 128; i++) block[i] = load8(BigInt.asUintN(64, address + BigInt(done + i)));
    compress();
    done += 128;
  }
  const rest = length - done;
  block.fill(0);
  for (let i = 0; i < rest; i++) block[i] = load8(BigInt.asUintN(64, address + BigInt(done + i)));
  block[rest] = 0x80;
  if (rest >= 112) {
    compress();
    block.fill(0);
  }
  const bits = BigInt.asUintN(64, BigInt(length) * 8n);
  for (let i = 0; i < 8; i++) block[127 - i] = Number((bits >> BigInt(8 * i)) & 0xffn);
  compress();
  for (let i = 0; i < 64; i++) out[i] = Number((H[i >> 3] >> BigInt(56 - 8 * (i & 7))) & 0xffn);
}
