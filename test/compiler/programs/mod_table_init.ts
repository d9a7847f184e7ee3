// Module-level statements initialise tables: a CRC32 table by a module-level for loop, a sieve, squares.
import type { u64 } from "tsnc";
import { opq } from "./lib_opaque";

function mix(acc: u64, x: number): u64 {
  return BigInt.asUintN(64, (acc ^ BigInt.asUintN(64, BigInt(x))) * 0x100000001b3n);
}

const CRC_TABLE = new Uint32Array(256);
for (let n = 0; n < 256; n++) {
  let c = n;
  for (let k = 0; k < 8; k++) c = (c & 1) !== 0 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  CRC_TABLE[n] = c;
}

const SIEVE = new Uint8Array(1000);
SIEVE[0] = 1;
SIEVE[1] = 1;
for (let i = 2; i * i < 1000; i++) {
  if (SIEVE[i] === 0) {
    for (let j = i * i; j < 1000; j += i) SIEVE[j] = 1;
  }
}

const SQUARES = new BigUint64Array(64);
let filled = 0;
while (filled < SQUARES.length) {
  SQUARES[filled] = BigInt.asUintN(64, BigInt(filled) * BigInt(filled)) * 0x100000001n;
  filled++;
}

export function main(): u64 {
  let acc: u64 = 0xcbf29ce484222325n;
  for (let i = 0; i < 256; i++) acc = mix(acc, CRC_TABLE[opq(i)]);
  let primes = 0;
  let lastPrime = 0;
  for (let i = 0; i < 1000; i++) {
    if (SIEVE[i] === 0) {
      primes++;
      lastPrime = i;
    }
  }
  acc = mix(acc, primes);
  acc = mix(acc, lastPrime);
  for (let i = 0; i < 64; i++) acc = BigInt.asUintN(64, (acc ^ SQUARES[i]) * 0x100000001b3n);
  acc = mix(acc, filled);
  return acc;
}
