// vTPM crypto natively: SHA-256 (one-shot and streamed in uneven pieces), HMAC-SHA-256 (short and
// longer-than-block keys) and KDFa over generated data, every digest byte folded into the checksum.
import type { u64 } from "tsnc";
import { opq } from "./lib_opaque";
import { Sha256, sha256 } from "../../../vtpm/crypto/sha256";
import { HmacSha256, hmacSha256 } from "../../../vtpm/crypto/hmac";
import { kdfa } from "../../../vtpm/crypto/kdf";

function mix(acc: u64, x: number): u64 {
  return BigInt.asUintN(64, (acc ^ BigInt.asUintN(64, BigInt(x))) * 0x100000001b3n);
}

function mixBytes(acc: u64, b: Uint8Array, off: number, len: number): u64 {
  let a = acc;
  for (let i = 0; i < len; i++) a = mix(a, b[off + i]);
  return a;
}

const DATA = new Uint8Array(1000);
const OUT = new Uint8Array(200);
const OUT2 = new Uint8Array(32);
const ABC = "abc";
const CTX = new Sha256();
const MAC = new HmacSha256();

export function main(): u64 {
  let acc: u64 = 0xcbf29ce484222325n;
  let s = opq(0x2545f491);
  for (let i = 0; i < DATA.length; i++) {
    s = (Math.imul(s, 1103515245) + 12345) | 0;
    DATA[i] = s >>> 16;
  }
  // "abc": ba7816bf…
  for (let i = 0; i < ABC.length; i++) OUT[i] = ABC.charCodeAt(i);
  sha256(OUT, 0, 3, OUT2, 0);
  acc = mixBytes(acc, OUT2, 0, 32);
  acc = mix(acc, OUT2[0] === 0xba && OUT2[31] === 0xad ? 1 : 0);
  // one-shot digests of several lengths around the block boundaries
  for (let len = 0; len <= 1000; len += opq(37)) {
    sha256(DATA, 0, len, OUT, 0);
    acc = mixBytes(acc, OUT, 0, 32);
    // the same message streamed in uneven pieces gives the same digest
    CTX.init();
    let p = 0;
    let step = 1;
    while (p < len) {
      const n = Math.min(step, len - p);
      CTX.update(DATA, p, n);
      p += n;
      step = (step * 5 + 3) % 97;
    }
    CTX.finalAt(OUT, 32);
    let same = 1;
    for (let i = 0; i < 32; i++) if (OUT[i] !== OUT[32 + i]) same = 0;
    acc = mix(acc, same);
  }
  // HMAC with keys of 0..150 bytes (beyond 64 the key is hashed first)
  for (let klen = 0; klen <= 150; klen += opq(25)) {
    hmacSha256(DATA, 500, klen, DATA, 0, 100 + klen, OUT, 0);
    acc = mixBytes(acc, OUT, 0, 32);
    MAC.init(DATA, 500, klen);
    MAC.update(DATA, 0, 50);
    MAC.update(DATA, 50, 50 + klen);
    MAC.final(OUT, 32);
    let same = 1;
    for (let i = 0; i < 32; i++) if (OUT[i] !== OUT[32 + i]) same = 0;
    acc = mix(acc, same);
  }
  // KDFa: label "STORAGE" (taken from DATA's first 7 bytes rewritten), 1..1100 bits
  for (let i = 0; i < 7; i++) OUT2[i] = "STORAGE".charCodeAt(i);
  for (let bits = 1; bits <= 1100; bits += opq(123)) {
    kdfa(DATA, 0, 32, OUT2, 0, 7, DATA, 100, 16, DATA, 200, 16, bits, OUT, 0);
    acc = mixBytes(acc, OUT, 0, (bits + 7) >> 3);
  }
  return acc;
}
