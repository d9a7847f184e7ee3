// vtpm/crypto/aes.ts natively: AES-128 and AES-256 key expansion, block encryption (FIPS-197 C.1/C.3
// plaintext), CFB-128 encryption of a 53-byte range (three full blocks and a partial one) and its
// decryption back, every output byte and the chained IV folded into the checksum.
import type { u64 } from "tsnc";
import { opq } from "./lib_opaque";
import { AesKey, aesCfbEncrypt, aesCfbDecrypt } from "../../../vtpm/crypto/aes";

const K = new AesKey();
const KEY = new Uint8Array(32);
const IV = new Uint8Array(16);
const PT = new Uint8Array(64);
const CT = new Uint8Array(64);
const BACK = new Uint8Array(64);

function mix(acc: u64, x: number): u64 {
  return BigInt.asUintN(64, (acc ^ BigInt(x)) * 0x100000001b3n);
}

function foldBytes(acc: u64, b: Uint8Array, len: number): u64 {
  let a = acc;
  for (let i = 0; i < len; i++) {
    a = mix(a, b[i]);
  }
  return a;
}

function run(acc: u64, keyLen: number): u64 {
  let a = acc;
  for (let i = 0; i < 32; i++) {
    KEY[i] = opq(i);
  }
  for (let i = 0; i < 16; i++) {
    PT[i] = opq((i << 4) | i); // 00112233..ff
  }
  a = mix(a, K.setKey(KEY, 0, keyLen) ? 1 : 0);
  a = mix(a, K.rounds);
  K.encryptBlock(PT, 0, CT, 0);
  a = foldBytes(a, CT, 16);
  for (let i = 0; i < 64; i++) {
    PT[i] = opq((i * 37 + 11) & 0xff);
    CT[i] = 0;
    BACK[i] = 0;
  }
  for (let i = 0; i < 16; i++) {
    IV[i] = opq(i);
  }
  aesCfbEncrypt(K, IV, 0, PT, 3, CT, 3, 53);
  a = foldBytes(a, CT, 64);
  a = foldBytes(a, IV, 16);
  for (let i = 0; i < 16; i++) {
    IV[i] = opq(i);
  }
  aesCfbDecrypt(K, IV, 0, CT, 3, BACK, 3, 53);
  let same = 1;
  for (let i = 3; i < 56; i++) {
    if (BACK[i] !== PT[i]) {
      same = 0;
    }
  }
  a = mix(a, same);
  a = foldBytes(a, IV, 16);
  return a;
}

export function main(): u64 {
  let acc: u64 = 0xcbf29ce484222325n;
  acc = run(acc, 16);
  acc = run(acc, 32);
  acc = mix(acc, K.setKey(KEY, 0, 20) ? 1 : 0);
  K.clear();
  return acc;
}
