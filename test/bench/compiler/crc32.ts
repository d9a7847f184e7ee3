/**
 * Benchmark kernel: table-driven CRC-32 (IEEE 802.3, reflected, polynomial 0xEDB88320).
 *
 * The 256-entry table is built at start-up, a 4 KiB buffer is filled with pseudo-random bytes,
 * then the CRC of the buffer is computed ROUNDS times, each round continuing from the previous
 * CRC. Every round's CRC is folded into a 64-bit checksum. The C twin is crc32.c.
 */
import type { u8, u32, u64 } from "tsnc";

const BUF_LEN = 4096;
const ROUNDS = 128;

const crcTable = new Uint32Array(256);
const buf = new Uint8Array(BUF_LEN);

function initTable(): void {
  for (let n = 0; n < 256; n++) {
    let c: u32 = n;
    for (let k = 0; k < 8; k++) {
      c = (c & 1) !== 0 ? ((c >>> 1) ^ 0xedb88320) >>> 0 : c >>> 1;
    }
    crcTable[n] = c;
  }
}

function fillBuffer(seed: u32): void {
  let x: u32 = seed;
  for (let i = 0; i < buf.length; i++) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    const b: u8 = x >>> 24;
    buf[i] = b;
  }
}

/** CRC-32 of `data`, continuing from `crc` (0 for a fresh CRC). */
export function crc32(data: Uint8Array, crc: u32): u32 {
  let c: u32 = ~crc >>> 0;
  for (let i = 0; i < data.length; i++) {
    c = crcTable[(c ^ data[i]) & 0xff] ^ (c >>> 8);
  }
  return ~c >>> 0;
}

export function main(): u64 {
  initTable();
  fillBuffer(1);
  let crc: u32 = 0;
  let sum: u64 = 0n;
  for (let r = 0; r < ROUNDS; r++) {
    crc = crc32(buf, crc);
    sum = BigInt.asUintN(64, sum * 0x100000001b3n) ^ BigInt(crc);
  }
  return sum;
}
