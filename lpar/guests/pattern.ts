/**
 * The register patterns of an isolation attacker (lpar/guests/isolation.ts): who the partition
 * is (identify, from its device tree) and the value it writes into each register in each round.
 * Two partitions' patterns differ in every register, so a value that crosses from one to the
 * other is seen.
 */
import { popcnt64, type u64 } from 'tsnc';
import { Fdt, FdtStatus } from '../fdt';

/** Every bit. */
export const ALL: u64 = 0xffffffffffffffffn;
/** Fields of at least this many bits get a new hashed pattern every round; narrower ones the partition's number. */
const WIDE_BITS = 16;
/** The partition's device tree: FDT_SPACE bytes at the top of its memory (lpar/loader.ts). */
const FDT_LIMIT = 0x10000;

/** The partition's identity (identify): a hash of its name, and a small number from its last letter. */
export let seed: u64 = 0n;
export let ordinal = 0;

const fdt = new Fdt();
const name = new Uint8Array(32);

/** splitmix64's finaliser: a well-mixed 64-bit value from `x`. */
function mix64(x: u64): u64 {
  let z: u64 = BigInt.asUintN(64, x + 0x9e3779b97f4a7c15n);
  z = BigInt.asUintN(64, (z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n);
  z = BigInt.asUintN(64, (z ^ (z >> 27n)) * 0x94d049bb133111ebn);
  return z ^ (z >> 31n);
}

/** The low bits of `v`, one per set bit of `mask`, placed at those bits (pdep). */
function deposit(v: u64, mask: u64): u64 {
  let out: u64 = 0n;
  let m = mask;
  let bit: u64 = 1n;
  while (m !== 0n) {
    const low: u64 = m & BigInt.asUintN(64, -m);
    if ((v & bit) !== 0n) out |= low;
    m ^= low;
    bit = BigInt.asUintN(64, bit << 1n);
  }
  return out;
}

/**
 * This partition's pattern for the `mask` bits of register `salt` in `round`. Wide fields get a
 * hash of seed, round and salt. Narrow ones (a few bits, where two partitions' hashes would
 * often agree) get the partition's number, flipped where the reset value has ones, the same
 * every round: two partitions then always differ, and from the reset value too unless the
 * field has a single bit (CTRL: partition 2's pattern is the reset value).
 */
export function pattern(mask: u64, reset: u64, round: number, salt: number): u64 {
  if (popcnt64(mask) < WIDE_BITS) return deposit(BigInt(ordinal), mask) ^ (reset & mask);
  return deposit(mix64(seed ^ BigInt.asUintN(64, BigInt(round) << 40n) ^ BigInt(salt)), mask);
}

/**
 * Read the partition's name (the root's `ibm,partition-name`) into `seed`, its FNV-1a hash, and
 * `ordinal`, the low five bits of its last character (iso-a 1, iso-b 2). Without a name: the
 * device tree's address hashed, and 1.
 */
export function identify(fdtAddr: u64): void {
  let n = -1;
  if (fdt.open(fdtAddr, FDT_LIMIT) === FdtStatus.Ok) {
    const prop = fdt.findProp(fdt.root(), 'ibm,partition-name');
    if (prop >= 0) n = fdt.propCopyString(prop, name);
  }
  seed = mix64(fdtAddr);
  ordinal = 1;
  if (n <= 0) return;
  let h: u64 = 0xcbf29ce484222325n;
  for (let i = 0; i < n; i++) h = BigInt.asUintN(64, (h ^ BigInt(name[i])) * 0x100000001b3n);
  seed = h;
  ordinal = name[n - 1] & 0x1f;
}

/** DEC's pattern: 0x2.., 0x3.., 0x4.. or 0x5... by the partition's number (below DEC_FRESH), plus the round. */
export function decPattern(round: number): u64 {
  return BigInt.asUintN(64, 0x20000000n + (BigInt(ordinal & 3) << 28n) + (BigInt(round) << 20n));
}
