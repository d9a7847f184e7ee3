/**
 * Guest bundle reader: the one file that carries every external guest image (kernels,
 * initrds) to the hypervisor, read in place from physical memory. Format: docs/guest-bundle.md
 * (written by scripts/guest-bundle.ts). All fields are big-endian.
 *
 *   header block [0, 4096):
 *     +0  "TSHYBNDL"   +8 u32 version (1)   +12 u32 count (1..31)   +16 u64 total size
 *     +24 SHA-256 of [0, 4096) computed with these 32 bytes zeroed   +56 8 zero bytes
 *     +64 + 128 i: entry i: name[64] (ASCII, NUL-padded, 1..63 characters)  +64 u32 kind
 *                  +68 u32 flags (0)  +72 u64 offset  +80 u64 size  +88 SHA-256 of the image
 *                  +120 8 zero bytes
 *     unused entry slots and the rest of the block: zero
 *   images: each at its offset (a multiple of 64 KiB, so at least 64 KiB), inside the total size
 *
 * Trust: `open` checks the header's own hash and every entry's fields (name, kind, range,
 * alignment, overlaps, duplicates) and reads nothing but the header block. It does not hash
 * the images: `verify(i)` does that for one entry, when the hypervisor is about to use it, so a
 * corrupt image stops only the partition that needs it. Nothing here allocates after
 * initialisation.
 */
import type { u64 } from "tsnc";
import { load8, load32, load64, hi32, lo32 } from "tsnc";
import { Sha256 } from "../vtpm/crypto/sha256";

/** Result of bundle operations: Ok, or what is wrong with the bundle or an entry. */
export const enum BundleStatus {
  Ok = 0,
  /** Fewer bytes than the header block, or than the total size the header states. */
  Truncated,
  /** The first 8 bytes are not "TSHYBNDL". */
  BadMagic,
  /** A format version other than 1. */
  BadVersion,
  /** No entries, more than BUNDLE_MAX_ENTRIES, or (verify) no such entry index. */
  BadCount,
  /** The header's SHA-256 does not match, or a reserved field or unused byte is not zero, or
   *  the total size is smaller than the header. */
  HeaderCorrupt,
  /** An entry name that is empty, longer than 63 characters, not printable ASCII or not
   *  NUL-padded. */
  BadName,
  /** An entry kind other than 1 (ELF) or 2 (data), or non-zero flags. */
  BadKind,
  /** An entry's bytes are not inside [64 KiB, total size) (or their end wraps around). */
  EntryOutsideBundle,
  /** An entry's offset is not a multiple of 64 KiB. */
  EntryMisaligned,
  /** Two entries share a byte. */
  EntriesOverlap,
  /** Two entries have the same name. */
  DuplicateName,
  /** (verify) The image's SHA-256 differs from the one in its entry. */
  ImageCorrupt,
}

/** One English phrase per status, for messages of the form `file: phrase`. */
export function bundleStatusText(s: BundleStatus): string {
  switch (s) {
    case BundleStatus.Ok: return "valid guest bundle";
    case BundleStatus.Truncated: return "guest bundle truncated (shorter than its header or its stated size)";
    case BundleStatus.BadMagic: return "not a guest bundle (bad magic)";
    case BundleStatus.BadVersion: return "unsupported guest bundle version";
    case BundleStatus.BadCount: return "guest bundle has no entries, too many, or not this one";
    case BundleStatus.HeaderCorrupt: return "guest bundle header is corrupt (checksum or reserved fields)";
    case BundleStatus.BadName: return "guest bundle entry has an invalid name";
    case BundleStatus.BadKind: return "guest bundle entry has an unknown kind or flags";
    case BundleStatus.EntryOutsideBundle: return "guest bundle entry lies outside the bundle";
    case BundleStatus.EntryMisaligned: return "guest bundle entry is not 64 KiB aligned";
    case BundleStatus.EntriesOverlap: return "guest bundle entries overlap";
    case BundleStatus.DuplicateName: return "guest bundle has two entries of the same name";
    case BundleStatus.ImageCorrupt: return "image does not match its SHA-256 in the guest bundle (corrupt)";
  }
  return "unknown guest bundle status";
}

/** What an entry holds. */
export const enum BundleKind { Elf = 1, Data = 2 }

export const BUNDLE_HEADER_SIZE = 4096;
export const BUNDLE_VERSION = 1;
export const BUNDLE_ENTRIES_AT = 64;
export const BUNDLE_ENTRY_SIZE = 128;
export const BUNDLE_MAX_ENTRIES = 31;
export const BUNDLE_NAME_SIZE = 64;
export const BUNDLE_ALIGN = 0x10000n;
/** "TSHYBNDL" as two big-endian words. */
const MAGIC_HI = 0x54534859;
const MAGIC_LO = 0x424e444c;
/** Header offsets. */
const H_VERSION = 8;
const H_COUNT = 12;
const H_TOTAL = 16;
const H_SHA = 24;
const H_RESERVED = 56;
/** Entry field offsets. */
const E_KIND = 64;
const E_FLAGS = 68;
const E_OFFSET = 72;
const E_SIZE = 80;
const E_SHA = 88;
const E_RESERVED = 120;

// ---- SHA-256 of physical memory --------------------------------------------------------------

const PHYS_SHA = new Sha256();
const WORDS = new Uint32Array(16);
const TAIL = new Uint8Array(64);

/** Load the 64-byte block at `addr` into WORDS with eight load64s. */
function loadBlock(addr: u64): void {
  for (let i = 0; i < 8; i++) {
    const d = load64(BigInt.asUintN(64, addr + BigInt(8 * i)));
    WORDS[2 * i] = hi32(d);
    WORDS[2 * i + 1] = lo32(d);
  }
}

/** Absorb [addr, addr + len) into PHYS_SHA, whole blocks as words, the tail as bytes. */
function absorbPhysical(addr: u64, len: u64): void {
  let p = addr;
  let left = len;
  while (left >= 64n) {
    loadBlock(p);
    PHYS_SHA.updateWords(WORDS);
    p = BigInt.asUintN(64, p + 64n);
    left = BigInt.asUintN(64, left - 64n);
  }
  const n = Number(left);
  for (let i = 0; i < n; i++) TAIL[i] = load8(BigInt.asUintN(64, p + BigInt(i)));
  PHYS_SHA.update(TAIL, 0, n);
}

/**
 * SHA-256 of the `len` bytes of physical memory at `addr`, into out[0..31]. Reads each whole
 * 64-byte block with eight load64s (no per-byte calls); only a tail shorter than a block is
 * read byte by byte. Promise: the range is readable memory; `out` has 32 bytes.
 */
export function sha256Physical(addr: u64, len: u64, out: Uint8Array): void {
  PHYS_SHA.init();
  absorbPhysical(addr, len);
  PHYS_SHA.final(out);
}

/** SHA-256 of the header block at `addr` with its hash field (bytes 24..55, words 6..13) zeroed. */
function headerHash(addr: u64, out: Uint8Array): void {
  PHYS_SHA.init();
  loadBlock(addr);
  for (let i = H_SHA / 4; i < H_RESERVED / 4; i++) WORDS[i] = 0;
  PHYS_SHA.updateWords(WORDS);
  absorbPhysical(BigInt.asUintN(64, addr + 64n), BigInt(BUNDLE_HEADER_SIZE - 64));
  PHYS_SHA.final(out);
}

/**
 * One guest bundle in physical memory. `open` validates its header; the queries answer about
 * the opened bundle (count 0, -1, 0 or BadCount before that, and for an index out of range).
 */
export class GuestBundle {
  /** Entries in the opened bundle (0 when none is open). */
  count: number = 0;
  private base: u64 = 0n;
  private total: u64 = 0n;
  private readonly kinds: Uint32Array = new Uint32Array(BUNDLE_MAX_ENTRIES);
  private readonly offsets: BigUint64Array = new BigUint64Array(BUNDLE_MAX_ENTRIES);
  private readonly sizes: BigUint64Array = new BigUint64Array(BUNDLE_MAX_ENTRIES);
  private readonly digest: Uint8Array = new Uint8Array(32);

  /**
   * Validate the bundle of `size` bytes at physical address `addr`: magic, version, count,
   * total size, the header's SHA-256, then every entry. Returns Ok (the bundle is open) or the
   * first problem found (count 0). Reads only the 4096-byte header block.
   */
  open(addr: u64, size: u64): BundleStatus {
    this.count = 0;
    this.base = addr;
    let st = this.checkHeader(size);
    if (st !== BundleStatus.Ok) return st;
    const n = this.u32(H_COUNT);
    for (let i = 0; i < n && st === BundleStatus.Ok; i++) st = this.checkEntry(i);
    if (st === BundleStatus.Ok) st = this.checkPairs(n);
    if (st === BundleStatus.Ok) st = this.checkUnused(n);
    if (st !== BundleStatus.Ok) return st;
    for (let i = 0; i < n; i++) {
      const e = this.entry(i);
      this.kinds[i] = this.u32(e + E_KIND);
      this.offsets[i] = this.u64(e + E_OFFSET);
      this.sizes[i] = this.u64(e + E_SIZE);
    }
    this.count = n;
    return BundleStatus.Ok;
  }

  /** The header's total size of the opened bundle (0 when none is open). */
  totalSize(): u64 { return this.count > 0 ? this.total : 0n; }

  /** Index of the entry named `name` (compared byte for byte), or -1. */
  find(name: string): number {
    const len = name.length;
    if (len === 0 || len >= BUNDLE_NAME_SIZE) return -1;
    for (let i = 0; i < this.count; i++) {
      if (this.nameIs(i, name)) return i;
    }
    return -1;
  }

  /** Kind of entry i (BundleKind), or 0 for an index out of range. */
  kind(i: number): number { return this.has(i) ? this.kinds[i] : 0; }
  /** Offset of entry i's image from the start of the bundle, or 0. */
  offset(i: number): u64 { return this.has(i) ? this.offsets[i] : 0n; }
  /** Size in bytes of entry i's image, or 0. */
  size(i: number): u64 { return this.has(i) ? this.sizes[i] : 0n; }
  /** Physical address of entry i's image (bundle address + offset), or 0. */
  address(i: number): u64 { return this.has(i) ? BigInt.asUintN(64, this.base + this.offsets[i]) : 0n; }

  /**
   * Copy entry i's name (without NUL) into `out`; returns its length, or -1 for an index out
   * of range or an `out` too short (nothing copied).
   */
  name(i: number, out: Uint8Array): number {
    if (!this.has(i)) return -1;
    const e = this.entry(i);
    let n = 0;
    while (n < BUNDLE_NAME_SIZE && this.u8(e + n) !== 0) n++;
    if (n > out.length) return -1;
    for (let j = 0; j < n; j++) out[j] = this.u8(e + j);
    return n;
  }

  /**
   * SHA-256 of entry i's image in physical memory against the one in its entry: Ok or
   * ImageCorrupt (BadCount for an index out of range). Reads the whole image.
   */
  verify(i: number): BundleStatus {
    if (!this.has(i)) return BundleStatus.BadCount;
    sha256Physical(this.address(i), this.sizes[i], this.digest);
    const e = this.entry(i) + E_SHA;
    for (let j = 0; j < 32; j++) {
      if (this.digest[j] !== this.u8(e + j)) return BundleStatus.ImageCorrupt;
    }
    return BundleStatus.Ok;
  }

  /** Entry i's SHA-256 as its header gives it (what verify(i) checks the image against) into out[0..32). */
  entryDigest(i: number, out: Uint8Array): void {
    const e = this.entry(i) + E_SHA;
    for (let j = 0; j < 32; j++) out[j] = this.has(i) ? this.u8(e + j) : 0;
  }

  // ---- reading the header ----------------------------------------------------------------

  private has(i: number): boolean { return i >= 0 && i < this.count; }
  private entry(i: number): number { return BUNDLE_ENTRIES_AT + BUNDLE_ENTRY_SIZE * i; }
  private at(off: number): u64 { return BigInt.asUintN(64, this.base + BigInt(off)); }
  private u8(off: number): number { return load8(this.at(off)); }
  private u32(off: number): number { return load32(this.at(off)); }
  private u64(off: number): u64 { return load64(this.at(off)); }

  /** True when the `n` bytes at header offset `off` are all zero. */
  private zero(off: number, n: number): boolean {
    for (let j = 0; j < n; j++) {
      if (this.u8(off + j) !== 0) return false;
    }
    return true;
  }

  // ---- checks ----------------------------------------------------------------------------

  /** Magic, version, count, total size and the header's own hash. */
  private checkHeader(size: u64): BundleStatus {
    if (size < BigInt(BUNDLE_HEADER_SIZE)) return BundleStatus.Truncated;
    if (this.u32(0) !== MAGIC_HI || this.u32(4) !== MAGIC_LO) return BundleStatus.BadMagic;
    if (this.u32(H_VERSION) !== BUNDLE_VERSION) return BundleStatus.BadVersion;
    const n = this.u32(H_COUNT);
    if (n === 0 || n > BUNDLE_MAX_ENTRIES) return BundleStatus.BadCount;
    const total = this.u64(H_TOTAL);
    if (total > size) return BundleStatus.Truncated;
    if (total < BigInt(BUNDLE_HEADER_SIZE)) return BundleStatus.HeaderCorrupt;
    this.total = total;
    headerHash(this.base, this.digest);
    for (let j = 0; j < 32; j++) {
      if (this.digest[j] !== this.u8(H_SHA + j)) return BundleStatus.HeaderCorrupt;
    }
    if (!this.zero(H_RESERVED, 8)) return BundleStatus.HeaderCorrupt;
    return BundleStatus.Ok;
  }

  /** Entry i on its own: reserved bytes, name, kind and flags, alignment, range. */
  private checkEntry(i: number): BundleStatus {
    const e = this.entry(i);
    if (!this.zero(e + E_RESERVED, 8)) return BundleStatus.HeaderCorrupt;
    if (!this.nameValid(e)) return BundleStatus.BadName;
    const kind = this.u32(e + E_KIND);
    if ((kind !== BundleKind.Elf && kind !== BundleKind.Data) || this.u32(e + E_FLAGS) !== 0) {
      return BundleStatus.BadKind;
    }
    const off = this.u64(e + E_OFFSET);
    const len = this.u64(e + E_SIZE);
    if ((off & 0xffffn) !== 0n) return BundleStatus.EntryMisaligned;
    if (off < BUNDLE_ALIGN || off > this.total || len > BigInt.asUintN(64, this.total - off)) {
      return BundleStatus.EntryOutsideBundle;
    }
    return BundleStatus.Ok;
  }

  /** 1..63 printable ASCII characters (0x21..0x7e), then NULs to the end of the field. */
  private nameValid(e: number): boolean {
    let n = 0;
    while (n < BUNDLE_NAME_SIZE) {
      const c = this.u8(e + n);
      if (c === 0) break;
      if (c < 0x21 || c > 0x7e) return false;
      n++;
    }
    if (n === 0 || n === BUNDLE_NAME_SIZE) return false;
    return this.zero(e + n, BUNDLE_NAME_SIZE - n);
  }

  /** No two of the first `n` entries overlap or share a name. */
  private checkPairs(n: number): BundleStatus {
    for (let i = 0; i < n; i++) {
      const a = this.u64(this.entry(i) + E_OFFSET);
      const al = this.u64(this.entry(i) + E_SIZE);
      for (let j = i + 1; j < n; j++) {
        const b = this.u64(this.entry(j) + E_OFFSET);
        const bl = this.u64(this.entry(j) + E_SIZE);
        if (al > 0n && bl > 0n && a < BigInt.asUintN(64, b + bl) && b < BigInt.asUintN(64, a + al)) {
          return BundleStatus.EntriesOverlap;
        }
        if (this.sameName(this.entry(i), this.entry(j))) return BundleStatus.DuplicateName;
      }
    }
    return BundleStatus.Ok;
  }

  /** Unused entry slots and the rest of the header block are zero. */
  private checkUnused(n: number): BundleStatus {
    const from = this.entry(n);
    return this.zero(from, BUNDLE_HEADER_SIZE - from) ? BundleStatus.Ok : BundleStatus.HeaderCorrupt;
  }

  /** The names at entry offsets `a` and `b` are equal (both validated, NUL-padded). */
  private sameName(a: number, b: number): boolean {
    for (let j = 0; j < BUNDLE_NAME_SIZE; j++) {
      const c = this.u8(a + j);
      if (c !== this.u8(b + j)) return false;
      if (c === 0) return true;
    }
    return true;
  }

  /** Entry i's name equals `s` (1..63 characters, checked by the caller). */
  private nameIs(i: number, s: string): boolean {
    const e = this.entry(i);
    for (let j = 0; j < s.length; j++) {
      if (this.u8(e + j) !== s.charCodeAt(j)) return false;
    }
    return this.u8(e + s.length) === 0;
  }
}
