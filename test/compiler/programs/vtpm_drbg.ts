// vtpm/crypto/drbg.ts natively: HMAC_DRBG (SP 800-90A, HMAC-SHA-256) on a NIST CAVP vector
// (drbgvectors_no_reseed HMAC_DRBG.rsp, [SHA-256] first section, COUNT = 0), then over generated
// seeds: requests of 0..1000 bytes and the largest one (65536), with and without additional input,
// reseeds, a forked copy, and the refusals (too long, reseed required, never seeded). Every output
// byte, the working state and every returned flag are folded into the checksum.
import type { u64 } from "tsnc";
import { opq } from "./lib_opaque";
import { HmacDrbg, DRBG_RESEED_INTERVAL } from "../../../vtpm/crypto/drbg";

const CAVP_ENTROPY = "ca851911349384bffe89de1cbdc46e6831e44d34a4fb935ee285dd14b71a7488";
const CAVP_NONCE = "659ba96c601dc69fc902940805ec0ca8";
// ReturnedBits in four 32-byte pieces (strings cannot be concatenated in the subset)
const CAVP_RETURNED_0 = "e528e9abf2dece54d47c7e75e5fe302149f817ea9fb4bee6f4199697d04d5b89";
const CAVP_RETURNED_1 = "d54fbb978a15b5c443c9ec21036d2460b6f73ebad0dc2aba6e624abf07745bc1";
const CAVP_RETURNED_2 = "07694bb7547bb0995f70de25d6b29e2d3011bb19d27676c07162c8b5ccde0668";
const CAVP_RETURNED_3 = "961df86803482cb37ed6d5c0bb8d50cf1f50d476aa0458bdaba806f48be9dcb8";

const A = new HmacDrbg();
const B = new HmacDrbg();
const DATA = new Uint8Array(600);
const HEX = new Uint8Array(128);
const OUT = new Uint8Array(65536 + 8);

function mix(acc: u64, x: number): u64 {
  return BigInt.asUintN(64, (acc ^ BigInt.asUintN(64, BigInt(x))) * 0x100000001b3n);
}

function mixBytes(acc: u64, b: Uint8Array, off: number, len: number): u64 {
  let a = acc;
  for (let i = 0; i < len; i++) a = mix(a, b[off + i]);
  return a;
}

function mixState(acc: u64, d: HmacDrbg): u64 {
  let a = mixBytes(acc, d.key, 0, 32);
  a = mixBytes(a, d.v, 0, 32);
  return mix(a, d.reseedCounter);
}

function nibble(c: number): number {
  return c <= 0x39 ? c - 0x30 : c - 0x61 + 10;
}

/** The hex string s (lower case) as bytes in HEX[at..]; returns the index after the last byte. */
function unhex(s: string, at: number): number {
  const n = s.length >> 1;
  for (let i = 0; i < n; i++) HEX[at + i] = (nibble(s.charCodeAt(2 * i)) << 4) | nibble(s.charCodeAt(2 * i + 1));
  return at + n;
}

function flag(b: boolean): number {
  return b ? 1 : 0;
}

export function main(): u64 {
  let acc: u64 = 0xcbf29ce484222325n;
  let s = opq(0x1b873593);
  for (let i = 0; i < DATA.length; i++) {
    s = (Math.imul(s, 1103515245) + 12345) | 0;
    DATA[i] = s >>> 16;
  }

  // CAVP: instantiate(entropy, nonce), generate 128 bytes twice, the second is ReturnedBits
  unhex(CAVP_ENTROPY, 0);
  for (let i = 0; i < 32; i++) DATA[500 + i] = HEX[i];
  unhex(CAVP_NONCE, 0);
  for (let i = 0; i < 16; i++) DATA[532 + i] = HEX[i];
  A.instantiate(DATA, 500, 32, DATA, 532, 16, DATA, 0, 0);
  acc = mixState(acc, A);
  acc = mix(acc, flag(A.generate(OUT, 0, 128, DATA, 0, 0)));
  acc = mix(acc, flag(A.generate(OUT, 0, 128, DATA, 0, 0)));
  const n = unhex(CAVP_RETURNED_3, unhex(CAVP_RETURNED_2, unhex(CAVP_RETURNED_1, unhex(CAVP_RETURNED_0, 0))));
  let same = 1;
  for (let i = 0; i < n; i++) if (OUT[i] !== HEX[i]) same = 0;
  acc = mix(acc, same);
  acc = mixBytes(acc, OUT, 0, 128);
  acc = mixState(acc, A);

  // generated seeds: entropy, nonce and personalization of varying lengths, then a run of requests
  for (let c = 0; c < 6; c++) {
    const eLen = 32 + opq(c * 7);
    const nLen = 16 + c;
    const pLen = (c & 1) === 0 ? 0 : 10 * c;
    A.instantiate(DATA, c, eLen, DATA, 100 + c, nLen, DATA, 200, pLen);
    acc = mixState(acc, A);
    for (let r = 0; r < 8; r++) {
      const len = opq((c * 131 + r * 61) % 1001);
      const aLen = ((c + r) % 3) === 0 ? 0 : opq((r * 17) % 90);
      const off = r & 7;
      OUT[off + len] = 0xa5;
      acc = mix(acc, flag(A.generate(OUT, off, len, DATA, 300 + r, aLen)));
      acc = mixBytes(acc, OUT, off, len);
      acc = mix(acc, OUT[off + len]);
      if (r === 4) {
        A.reseed(DATA, 400 + c, 32 + r, DATA, 450, c * 5);
        acc = mixState(acc, A);
      }
    }
    acc = mixState(acc, A);
  }

  // a fork gives the same stream; after a reseed of one of them the two differ
  B.copyFrom(A);
  acc = mix(acc, flag(A.generate(OUT, 0, 64, DATA, 10, 20)));
  acc = mixBytes(acc, OUT, 0, 64);
  acc = mix(acc, flag(B.generate(OUT, 64, 64, DATA, 10, 20)));
  same = 1;
  for (let i = 0; i < 64; i++) if (OUT[i] !== OUT[64 + i]) same = 0;
  acc = mix(acc, same);
  B.reseed(DATA, 20, 40, DATA, 0, 0);
  acc = mixState(acc, B);

  // limits: the largest request, one byte more (refused, nothing written), a negative length
  acc = mix(acc, flag(A.generate(OUT, 4, 65536, DATA, 0, 32)));
  acc = mixBytes(acc, OUT, 0, 8);
  acc = mixBytes(acc, OUT, 65532, 8);
  acc = mixState(acc, A);
  OUT.fill(0x5a);
  acc = mix(acc, flag(A.generate(OUT, 0, opq(65537), DATA, 0, 32)));
  acc = mix(acc, flag(A.generate(OUT, 0, opq(-1), DATA, 0, 0)));
  acc = mixBytes(acc, OUT, 0, 16);
  acc = mixState(acc, A);
  // reseed interval: the 2^48-th request is served, the next one refused until a reseed
  A.reseedCounter = DRBG_RESEED_INTERVAL;
  acc = mix(acc, flag(A.generate(OUT, 0, 32, DATA, 0, 0)));
  acc = mix(acc, flag(A.generate(OUT, 32, 32, DATA, 0, 0)));
  acc = mixBytes(acc, OUT, 0, 64);
  acc = mixState(acc, A);
  A.reseed(DATA, 40, 48, DATA, 0, 0);
  acc = mix(acc, flag(A.generate(OUT, 0, 32, DATA, 0, 0)));
  acc = mixBytes(acc, OUT, 0, 32);
  // never seeded again: refused
  A.uninstantiate();
  acc = mix(acc, flag(A.generate(OUT, 0, 32, DATA, 0, 0)));
  acc = mixState(acc, A);
  return acc;
}
