// A tiny hashed page table: PTEGs of 8 two-doubleword entries in a BigUint64Array, primary and secondary
// hash, insert with eviction-free search, lookup, invalidate (like the POWER HPT, much smaller).
import type { u64 } from "tsnc";
import { opqU } from "./lib_opaque";

function mixU(acc: u64, x: u64): u64 {
  return BigInt.asUintN(64, (acc ^ x) * 0x100000001b3n);
}

const PTEG_COUNT = 64; // power of two
const HPT = new BigUint64Array(PTEG_COUNT * 8 * 2);
const VALID: u64 = 1n;
const SECONDARY: u64 = 2n;

function hash(vpn: u64): number {
  return Number((vpn ^ (vpn >> 11n)) & BigInt(PTEG_COUNT - 1));
}

function insert(vpn: u64, rpn: u64): number {
  const h1 = hash(vpn);
  const h2 = ~h1 & (PTEG_COUNT - 1);
  for (let pass = 0; pass < 2; pass++) {
    const group = pass === 0 ? h1 : h2;
    for (let slot = 0; slot < 8; slot++) {
      const idx = (group * 8 + slot) * 2;
      if ((HPT[idx] & VALID) === 0n) {
        HPT[idx + 1] = BigInt.asUintN(64, rpn << 12n) | 0x192n;
        HPT[idx] = BigInt.asUintN(64, vpn << 7n) | (pass === 1 ? SECONDARY : 0n) | VALID;
        return idx;
      }
    }
  }
  return -1;
}

function lookup(vpn: u64): u64 {
  const h1 = hash(vpn);
  for (let pass = 0; pass < 2; pass++) {
    const group = pass === 0 ? h1 : ~h1 & (PTEG_COUNT - 1);
    const want: u64 = BigInt.asUintN(64, vpn << 7n) | (pass === 1 ? SECONDARY : 0n) | VALID;
    for (let slot = 0; slot < 8; slot++) {
      const idx = (group * 8 + slot) * 2;
      if (HPT[idx] === want) return HPT[idx + 1] >> 12n;
    }
  }
  return 0xffffffffffffffffn;
}

function invalidate(vpn: u64): boolean {
  const h1 = hash(vpn);
  for (let pass = 0; pass < 2; pass++) {
    const group = pass === 0 ? h1 : ~h1 & (PTEG_COUNT - 1);
    for (let slot = 0; slot < 8; slot++) {
      const idx = (group * 8 + slot) * 2;
      if ((HPT[idx] & VALID) !== 0n && HPT[idx] >> 7n === vpn) {
        HPT[idx] = 0n;
        return true;
      }
    }
  }
  return false;
}

export function main(): u64 {
  let acc: u64 = 0xcbf29ce484222325n;
  HPT.fill(0n);
  let vpn: u64 = opqU(0x12345n);
  let failed = 0;
  for (let i = 0; i < 1100; i++) {
    vpn = BigInt.asUintN(64, vpn * 0x5851f42d4c957f2dn) & 0x000fffffffffffffn;
    const idx = insert(vpn, BigInt(i));
    if (idx < 0) failed++;
    acc = mixU(acc, BigInt.asUintN(64, BigInt(idx)));
  }
  acc = mixU(acc, BigInt(failed));
  vpn = 0x12345n;
  let found = 0;
  for (let i = 0; i < 1100; i++) {
    vpn = BigInt.asUintN(64, vpn * 0x5851f42d4c957f2dn) & 0x000fffffffffffffn;
    const r = lookup(vpn);
    if (r !== 0xffffffffffffffffn) found++;
    acc = mixU(acc, r);
    if ((i & 3) === 0) acc = mixU(acc, invalidate(vpn) ? 1n : 0n);
  }
  acc = mixU(acc, BigInt(found));
  let valid = 0;
  for (let i = 0; i < HPT.length; i += 2) {
    if ((HPT[i] & VALID) !== 0n) valid++;
  }
  acc = mixU(acc, BigInt(valid));
  return acc;
}
