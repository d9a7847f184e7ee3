/**
 * FFS, the partition table of an OpenPOWER PNOR flash ("FSP Flash Structure"): writing and
 * checking it, byte for byte in the layout skiboot's libflash reads (libflash/ffs.h) and
 * Debian's `pflash` lists. docs/flash-image.md, "The PNOR image", is the reference.
 *
 * The table sits at flash offset 0. All integers are big-endian.
 *
 *   header (48 bytes)                     entry (128 bytes), entry_count of them after the header
 *   0x00 magic "PART" (0x50415254)        0x00 name, 15 characters + NUL
 *   0x04 version 1                        0x10 base    (blocks)
 *   0x08 size of the table (blocks)       0x14 size    (blocks)
 *   0x0c entry size, 128                  0x18 pid     0xffffffff: top level
 *   0x10 entry count                      0x1c id      index + 1
 *   0x14 block size (bytes)               0x20 type    1 data, 2 logical, 3 partition (the table)
 *   0x18 block count (flash size)         0x24 flags
 *   0x1c reserved[4], zero                0x28 actual  bytes of content
 *   0x2c checksum                         0x2c reserved[4]
 *                                         0x3c user: chip, compress, data integrity (be16),
 *                                              version check, misc flags, 2 + 56 bytes zero
 *                                         0x7c checksum
 *
 * A checksum is the XOR of the structure's 32-bit words with the checksum word set so that the
 * XOR of all its words, checksum included, is zero (libflash ffs_checksum).
 */

export const FFS_MAGIC = 0x50415254;
export const FFS_VERSION = 1;
export const HEADER_BYTES = 48;
export const ENTRY_BYTES = 128;
/** Longest partition name (the field holds 15 characters and a NUL). */
export const NAME_MAX = 15;
export const PID_TOPLEVEL = 0xffffffff;

export enum PartType { Data = 1, Logical = 2, Partition = 3 }

/** user.datainteg: the partition carries ECC bytes (libflash FFS_ENRY_INTEG_ECC). */
export const INTEG_ECC = 0x8000;
/** user.vercheck bits. */
export const VERCHECK_SHA512V = 0x80;
export const VERCHECK_SHA512EC = 0x40;
/** user.miscflags bits, and the letters pflash prints for them, in pflash's order. */
export const MISC = { preserved: 0x80, readonly: 0x40, backup: 0x20, reprovision: 0x10, volatile: 0x08, clearEcc: 0x04, golden: 0x01 } as const;

/** One partition, sizes in bytes. */
export interface Partition {
  name: string;
  base: number;
  size: number;
  /** Bytes of content (pflash updates it when it writes the partition). */
  actual: number;
  type: PartType;
  flags: number;
  datainteg: number;
  vercheck: number;
  miscflags: number;
}

/** A whole table, sizes in bytes. */
export interface FfsTable {
  blockSize: number;
  blockCount: number;
  /** Bytes the table occupies (a multiple of the block size). */
  tableSize: number;
  partitions: Partition[];
}

/** A table that cannot be written or read: `message` says why (without the file name). */
export class FfsError extends Error {}

const OFF = {
  magic: 0x00, version: 0x04, size: 0x08, entrySize: 0x0c, entryCount: 0x10, blockSize: 0x14,
  blockCount: 0x18, reserved: 0x1c, checksum: 0x2c,
} as const;
const EOFF = {
  name: 0x00, base: 0x10, size: 0x14, pid: 0x18, id: 0x1c, type: 0x20, flags: 0x24, actual: 0x28,
  reserved: 0x2c, chip: 0x3c, compress: 0x3d, datainteg: 0x3e, vercheck: 0x40, miscflags: 0x41,
  userReserved: 0x42, checksum: 0x7c,
} as const;

/** XOR of the big-endian 32-bit words of `b` (its length is a multiple of 4). */
export function xorWords(b: Uint8Array): number {
  let x = 0;
  for (let i = 0; i < b.length; i += 4) x ^= (b[i] << 24) | (b[i + 1] << 16) | (b[i + 2] << 8) | b[i + 3];
  return x >>> 0;
}

/** "BOOTKERNEL" fits: 1–15 characters of A-Z a-z 0-9 _ - (what OpenPOWER layouts use). */
export function validName(name: string): boolean {
  return /^[A-Za-z0-9_-]{1,15}$/.test(name);
}

/** The flags column pflash prints ("----------", "E---------" …; libflash ffs_entry_user_to_string). */
export function userFlagString(p: Pick<Partition, 'datainteg' | 'vercheck' | 'miscflags'>): string {
  const on = [
    (p.datainteg & INTEG_ECC) !== 0, (p.vercheck & VERCHECK_SHA512V) !== 0, (p.vercheck & VERCHECK_SHA512EC) !== 0,
    (p.miscflags & MISC.preserved) !== 0, (p.miscflags & MISC.readonly) !== 0, (p.miscflags & MISC.backup) !== 0,
    (p.miscflags & MISC.reprovision) !== 0, (p.miscflags & MISC.golden) !== 0, (p.miscflags & MISC.clearEcc) !== 0,
    (p.miscflags & MISC.volatile) !== 0,
  ];
  return on.map((v, i) => (v ? 'ELIPRBFGCV'[i] : '-')).join('');
}

/**
 * Check a table's layout as the reader does (names, alignment, no overlap, inside the flash);
 * throws FfsError with the first problem.
 */
export function checkLayout(t: FfsTable): void {
  const { blockSize, blockCount, tableSize } = t;
  if (!Number.isInteger(blockSize) || blockSize < 512 || blockSize > 0x10000 || (blockSize & (blockSize - 1)) !== 0) {
    throw new FfsError(`block size ${blockSize} is not a power of two from 512 to 65536`);
  }
  if (!Number.isInteger(blockCount) || blockCount < 1 || blockCount * blockSize > 0x100000000) {
    throw new FfsError(`block count ${blockCount} does not give a flash of 1 block to 4 GiB`);
  }
  if (tableSize % blockSize !== 0 || tableSize < HEADER_BYTES + ENTRY_BYTES * t.partitions.length) {
    throw new FfsError(`a ${tableSize}-byte table cannot hold ${t.partitions.length} entries in whole blocks`);
  }
  const flashBytes = blockCount * blockSize;
  const seen = new Set<string>();
  const sorted = [...t.partitions].sort((a, b) => a.base - b.base);
  for (const p of t.partitions) {
    if (!validName(p.name)) throw new FfsError(`partition name '${p.name}' is not 1–15 characters of A-Z a-z 0-9 _ -`);
    if (seen.has(p.name)) throw new FfsError(`partition name '${p.name}' appears twice`);
    seen.add(p.name);
    if (p.base % blockSize !== 0 || p.size % blockSize !== 0) throw new FfsError(`partition ${p.name}: base 0x${p.base.toString(16)} or size 0x${p.size.toString(16)} is not a multiple of the 0x${blockSize.toString(16)}-byte block`);
    if (p.size === 0) throw new FfsError(`partition ${p.name} is empty (size 0)`);
    if (p.base + p.size > flashBytes) throw new FfsError(`partition ${p.name} (0x${p.base.toString(16)}..0x${(p.base + p.size).toString(16)}) runs past the end of the 0x${flashBytes.toString(16)}-byte flash`);
    if (p.actual > p.size) throw new FfsError(`partition ${p.name}: actual size 0x${p.actual.toString(16)} is larger than the partition (0x${p.size.toString(16)})`);
    if (!(p.type in PartType)) throw new FfsError(`partition ${p.name}: type ${p.type} is not 1 (data), 2 (logical) or 3 (partition)`);
  }
  for (let i = 1; i < sorted.length; i++) {
    const a = sorted[i - 1], b = sorted[i];
    if (a.base + a.size > b.base) throw new FfsError(`partitions ${a.name} (0x${a.base.toString(16)}..0x${(a.base + a.size).toString(16)}) and ${b.name} (0x${b.base.toString(16)}..0x${(b.base + b.size).toString(16)}) overlap`);
  }
  const toc = t.partitions.find(p => p.type === PartType.Partition);
  if (!toc || toc.base !== 0 || toc.size < tableSize) throw new FfsError('no partition of type 3 (the table itself) covers the table at offset 0');
}

/** The table's bytes (tableSize of them: header, entries, zero to the end). Throws FfsError. */
export function writeTable(t: FfsTable): Buffer {
  checkLayout(t);
  const out = Buffer.alloc(t.tableSize);
  out.writeUInt32BE(FFS_MAGIC, OFF.magic);
  out.writeUInt32BE(FFS_VERSION, OFF.version);
  out.writeUInt32BE(t.tableSize / t.blockSize, OFF.size);
  out.writeUInt32BE(ENTRY_BYTES, OFF.entrySize);
  out.writeUInt32BE(t.partitions.length, OFF.entryCount);
  out.writeUInt32BE(t.blockSize, OFF.blockSize);
  out.writeUInt32BE(t.blockCount, OFF.blockCount);
  out.writeUInt32BE(xorWords(out.subarray(0, HEADER_BYTES)), OFF.checksum);
  t.partitions.forEach((p, i) => {
    const e = out.subarray(HEADER_BYTES + i * ENTRY_BYTES, HEADER_BYTES + (i + 1) * ENTRY_BYTES);
    e.write(p.name, EOFF.name, 'ascii');
    e.writeUInt32BE(p.base / t.blockSize, EOFF.base);
    e.writeUInt32BE(p.size / t.blockSize, EOFF.size);
    e.writeUInt32BE(PID_TOPLEVEL, EOFF.pid);
    e.writeUInt32BE(i + 1, EOFF.id);
    e.writeUInt32BE(p.type, EOFF.type);
    e.writeUInt32BE(p.flags, EOFF.flags);
    e.writeUInt32BE(p.actual, EOFF.actual);
    e.writeUInt16BE(p.datainteg, EOFF.datainteg);
    e[EOFF.vercheck] = p.vercheck;
    e[EOFF.miscflags] = p.miscflags;
    e.writeUInt32BE(xorWords(e), EOFF.checksum);
  });
  return out;
}

/** Bytes of `b` from `at`, `n` of them, all zero? */
function zero(b: Uint8Array, at: number, n: number): boolean {
  for (let i = at; i < at + n; i++) if (b[i] !== 0) return false;
  return true;
}

/**
 * Read and check the table at the start of `flash` (the whole image, or at least its table);
 * `flashSize` is the image's length when `flash` holds only a prefix. Throws FfsError with the
 * first problem: no table (magic; an erased flash is named as such), version, header checksum,
 * entry size, a table larger than its own size field or than the flash, a block count that
 * disagrees with the file's size, an entry checksum, a bad name, reserved bytes, an entry past
 * the end, overlapping partitions.
 */
export function readTable(flash: Uint8Array, flashSize = flash.length): FfsTable {
  const b = Buffer.from(flash.buffer, flash.byteOffset, flash.byteLength);
  if (b.length < HEADER_BYTES) throw new FfsError(`${b.length} bytes: too short for an FFS header (${HEADER_BYTES} bytes)`);
  const magic = b.readUInt32BE(OFF.magic);
  if (magic !== FFS_MAGIC) {
    if (b.subarray(0, HEADER_BYTES).every(x => x === 0xff)) throw new FfsError('no partition table: the flash is erased (all 0xff) at offset 0');
    throw new FfsError(`no partition table: magic 0x${magic.toString(16).padStart(8, '0')} at offset 0, expected 0x50415254 ("PART")`);
  }
  const version = b.readUInt32BE(OFF.version);
  if (version !== FFS_VERSION) throw new FfsError(`FFS version ${version}, only version 1 exists`);
  const hsum = xorWords(b.subarray(0, HEADER_BYTES));
  if (hsum !== 0) throw new FfsError(`header checksum mismatch (the header's words XOR to 0x${hsum.toString(16).padStart(8, '0')}, not 0)`);
  if (!zero(b, OFF.reserved, 16)) throw new FfsError('reserved header words are not zero');
  const entrySize = b.readUInt32BE(OFF.entrySize);
  if (entrySize !== ENTRY_BYTES) throw new FfsError(`entry size ${entrySize}, expected ${ENTRY_BYTES}`);
  const blockSize = b.readUInt32BE(OFF.blockSize);
  const blockCount = b.readUInt32BE(OFF.blockCount);
  const count = b.readUInt32BE(OFF.entryCount);
  const tableSize = b.readUInt32BE(OFF.size) * blockSize;
  if (blockSize < 512 || blockSize > 0x10000 || (blockSize & (blockSize - 1)) !== 0) throw new FfsError(`block size ${blockSize} is not a power of two from 512 to 65536`);
  if (blockCount * blockSize !== flashSize) throw new FfsError(`the table describes a 0x${(blockCount * blockSize).toString(16)}-byte flash (${blockCount} blocks of 0x${blockSize.toString(16)}), the image is 0x${flashSize.toString(16)} bytes`);
  if (tableSize === 0 || HEADER_BYTES + count * ENTRY_BYTES > tableSize) throw new FfsError(`${count} entries do not fit the ${tableSize}-byte table its header declares`);
  if (tableSize > b.length) throw new FfsError(`truncated: the ${tableSize}-byte table runs past the ${b.length} bytes read`);
  const partitions: Partition[] = [];
  for (let i = 0; i < count; i++) partitions.push(readEntry(b, i, blockSize));
  const t = { blockSize, blockCount, tableSize, partitions };
  checkLayout(t);
  return t;
}

function readEntry(b: Buffer, i: number, blockSize: number): Partition {
  const e = b.subarray(HEADER_BYTES + i * ENTRY_BYTES, HEADER_BYTES + (i + 1) * ENTRY_BYTES);
  const nul = e.indexOf(0, EOFF.name);
  const name = e.toString('latin1', EOFF.name, nul < 0 || nul > NAME_MAX ? NAME_MAX : nul);
  const sum = xorWords(e);
  if (sum !== 0) throw new FfsError(`entry ${i + 1} (${JSON.stringify(name)}): checksum mismatch (its words XOR to 0x${sum.toString(16).padStart(8, '0')}, not 0)`);
  if (nul < 0 || nul > NAME_MAX || !zero(e, nul, EOFF.base - nul)) throw new FfsError(`entry ${i + 1}: name is not NUL-terminated and NUL-padded within 16 bytes`);
  if (!validName(name)) throw new FfsError(`entry ${i + 1}: partition name ${JSON.stringify(name)} is not 1–15 characters of A-Z a-z 0-9 _ -`);
  const id = e.readUInt32BE(EOFF.id);
  if (id !== i + 1) throw new FfsError(`entry ${i + 1} (${name}): id ${id}, expected ${i + 1}`);
  if (e.readUInt32BE(EOFF.pid) !== PID_TOPLEVEL) throw new FfsError(`entry ${i + 1} (${name}): not a top-level partition (pid 0x${e.readUInt32BE(EOFF.pid).toString(16)}); sub-tables are not supported`);
  if (!zero(e, EOFF.reserved, 16) || !zero(e, EOFF.chip, 2) || !zero(e, EOFF.userReserved, EOFF.checksum - EOFF.userReserved)) throw new FfsError(`entry ${i + 1} (${name}): reserved bytes are not zero`);
  return {
    name,
    base: e.readUInt32BE(EOFF.base) * blockSize,
    size: e.readUInt32BE(EOFF.size) * blockSize,
    actual: e.readUInt32BE(EOFF.actual),
    type: e.readUInt32BE(EOFF.type),
    flags: e.readUInt32BE(EOFF.flags),
    datainteg: e.readUInt16BE(EOFF.datainteg),
    vercheck: e[EOFF.vercheck],
    miscflags: e[EOFF.miscflags],
  };
}

/** The partition called `name`, or undefined. */
export function findPartition(t: FfsTable, name: string): Partition | undefined {
  return t.partitions.find(p => p.name === name);
}

/** The lines pflash -i prints for a table (its "ID=.." lines), to compare with pflash's own. */
export function describeTable(t: FfsTable): string[] {
  const hex = (n: number): string => `0x${n.toString(16).padStart(8, '0')}`;
  return t.partitions.map((p, i) => `ID=${String(i).padStart(2, '0')} ${p.name.padStart(15)} ${hex(p.base)}..${hex(p.base + p.size)} (actual=${hex(p.actual)}) [${userFlagString(p)}]`);
}
