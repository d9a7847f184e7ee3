/**
 * Benchmark kernel: hashed page table (HPT) PTEG search, as in the POWER ISA hashed page table
 * with 256 MiB segments and 4 KiB pages.
 *
 * The HPT is an array of PTEGs of 8 HPTEs; an HPTE is two doublewords, V (AVPN, H = secondary,
 * valid) and R (real page number and attributes). A virtual page number vpn = VSID || page
 * index (16 bits) hashes to hash = (VSID ^ page index) & 0x7fffffffff; the primary PTEG is
 * hash & mask, the secondary ~hash & mask (H set in the HPTE). Like Linux's hpte_encode_avpn,
 * V holds vpn >> 11 at bit 7 (the low 11 bits of the vpn are implied by the PTEG index).
 *
 * The kernel inserts INSERTS random translations (primary PTEG first, else secondary, else
 * dropped), then looks up LOOKUPS VPNs, three quarters of them inserted ones, and folds every
 * result (R or NOT_FOUND) into a checksum. The C twin is pteg.c.
 */
import type { u64 } from "tsnc";
import { not64 } from "tsnc";

const PTEG_COUNT = 2048;
const HPTES_PER_PTEG = 8;
const HTAB_MASK: u64 = 0x7ffn; // PTEG_COUNT - 1
const INSERTS = 12000;
const LOOKUPS = 100000;

const HPTE_V_VALID: u64 = 0x1n;
const HPTE_V_SECONDARY: u64 = 0x2n;
const HPTE_V_AVPN: u64 = 0x3fffffffffffff80n;
const HPTE_V_COMPARE: u64 = 0x3fffffffffffff83n; // AVPN | SECONDARY | VALID
const NOT_FOUND: u64 = 0xffffffffffffffffn;

/** The HPT: PTEG g, slot i has V at [16 * g + 2 * i] and R at [16 * g + 2 * i + 1]. */
const hpt = new BigUint64Array(PTEG_COUNT * HPTES_PER_PTEG * 2);
/** The VPNs inserted, looked up again later. */
const keys = new BigUint64Array(INSERTS);

let rngState: u64 = 0x2545f4914f6cdd1dn;

/** xorshift64 (13, 7, 17) */
function nextRandom(): u64 {
  let x: u64 = rngState;
  x ^= BigInt.asUintN(64, x << 13n);
  x ^= x >> 7n;
  x ^= BigInt.asUintN(64, x << 17n);
  rngState = x;
  return x;
}

/** The primary hash of a virtual page number. */
export function hptHash(vpn: u64): u64 {
  const vsid: u64 = vpn >> 16n;
  const pageIndex: u64 = vpn & 0xffffn;
  return (vsid ^ pageIndex) & 0x7fffffffffn;
}

/** V doubleword of a valid HPTE for vpn in its primary PTEG (AVPN and valid bit). */
function hpteV(vpn: u64): u64 {
  return (BigInt.asUintN(64, (vpn >> 11n) << 7n) & HPTE_V_AVPN) | HPTE_V_VALID;
}

/** Put (v, r) in the first free slot of PTEG `group`; false if the PTEG is full. */
function insertInGroup(group: number, v: u64, r: u64): boolean {
  const base = group * HPTES_PER_PTEG * 2;
  for (let i = 0; i < HPTES_PER_PTEG; i++) {
    const slot = base + 2 * i;
    if ((hpt[slot] & HPTE_V_VALID) === 0n) {
      hpt[slot + 1] = r;
      hpt[slot] = v;
      return true;
    }
  }
  return false;
}

/** Insert a translation vpn -> r: primary PTEG, else secondary; false if both are full. */
export function hpteInsert(vpn: u64, r: u64): boolean {
  const hash = hptHash(vpn);
  const v = hpteV(vpn);
  if (insertInGroup(Number(hash & HTAB_MASK), v, r)) return true;
  return insertInGroup(Number(not64(hash) & HTAB_MASK), v | HPTE_V_SECONDARY, r);
}

/** Index of the V doubleword in PTEG `group` whose compared bits equal `want`, or -1. */
function searchGroup(group: number, want: u64): number {
  const base = group * HPTES_PER_PTEG * 2;
  for (let i = 0; i < HPTES_PER_PTEG; i++) {
    const slot = base + 2 * i;
    if ((hpt[slot] & HPTE_V_COMPARE) === want) return slot;
  }
  return -1;
}

/** The R doubleword translating vpn, or NOT_FOUND. */
export function hpteLookup(vpn: u64): u64 {
  const hash = hptHash(vpn);
  const v = hpteV(vpn);
  let slot = searchGroup(Number(hash & HTAB_MASK), v);
  if (slot < 0) slot = searchGroup(Number(not64(hash) & HTAB_MASK), v | HPTE_V_SECONDARY);
  if (slot < 0) return NOT_FOUND;
  return hpt[slot + 1];
}

export function main(): u64 {
  for (let i = 0; i < INSERTS; i++) {
    const vpn: u64 = nextRandom() >> 12n; // 36-bit VSID, 16-bit page index
    keys[i] = vpn;
    const r: u64 = BigInt((0x100000 + i) * 4096) | 0x192n; // RPN, R/C, WIMG = M, PP = 2
    hpteInsert(vpn, r);
  }
  let sum: u64 = 0n;
  for (let i = 0; i < LOOKUPS; i++) {
    const rnd = nextRandom();
    const vpn: u64 = (i & 3) !== 3 ? keys[Number(rnd % BigInt(INSERTS))] : rnd >> 12n;
    sum = BigInt.asUintN(64, sum * 0x100000001b3n) ^ hpteLookup(vpn);
  }
  return sum;
}
