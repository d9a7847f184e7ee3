// CRC-32 (IEEE, reflected) with a table built at module level, over generated data; plus bitwise CRC.
import type { u64 } from "tsnc";
import { opq } from "./lib_opaque";

function mix(acc: u64, x: number): u64 {
  return BigInt.asUintN(64, (acc ^ BigInt.asUintN(64, BigInt(x))) * 0x100000001b3n);
}

const TABLE = new Uint32Array(256);
for (let n = 0; n < 256; n++) {
  let c = n;
  for (let k = 0; k < 8; k++) {
    if ((c & 1) !== 0) c = 0xedb88320 ^ (c >>> 1);
    else c = c >>> 1;
  }
  TABLE[n] = c >>> 0;
}

const DATA = new Uint8Array(1024);
const TEXT = "123456789";

function crc32(buf: Uint8Array, len: number): number {
  let crc = 0xffffffff;
  for (let i = 0; i < len; i++) crc = TABLE[(crc ^ buf[i]) & 0xff] ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

function crc32Bitwise(buf: Uint8Array, len: number): number {
  let crc = -1;
  for (let i = 0; i < len; i++) {
    crc ^= buf[i];
    for (let k = 0; k < 8; k++) crc = (crc >>> 1) ^ (0xedb88320 & -(crc & 1));
  }
  return ~crc >>> 0;
}

function crcString(s: string): number {
  let crc = 0xffffffff;
  for (let i = 0; i < s.length; i++) crc = TABLE[(crc ^ s.charCodeAt(i)) & 0xff] ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

export function main(): u64 {
  let acc: u64 = 0xcbf29ce484222325n;
  acc = mix(acc, crcString(TEXT)); // 0xcbf43926
  acc = mix(acc, crcString(TEXT) === 0xcbf43926 ? 1 : 0);
  let s = opq(1);
  for (let i = 0; i < DATA.length; i++) {
    s = (Math.imul(s, 1103515245) + 12345) | 0;
    DATA[i] = s >>> 16;
  }
  for (let len = 0; len <= 1024; len += 128) {
    const a = crc32(DATA, len);
    acc = mix(acc, a);
    acc = mix(acc, a === crc32Bitwise(DATA, len) ? 1 : 0);
  }
  return acc;
}
