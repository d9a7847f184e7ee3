/**
 * tshype's PNOR image (build/tshype.pnor): the flash of a QEMU powernv machine
 * (`-drive file=build/tshype.pnor,format=raw,if=mtd`), laid out as an OpenPOWER PNOR with an
 * FFS partition table (./ffs.ts) so that skiboot finds its boot payload in BOOTKERNEL and
 * `pflash` lists and rewrites it. docs/flash-image.md, "The PNOR image", is the reference.
 *
 *   0x0000000  part          32 KiB  the partition table (type 3)
 *   0x0008000  VERSION        4 KiB  "tshype-<version>\n", NUL-padded (skiboot: /ibm,firmware-versions)
 *   0x0010000  NVRAM        576 KiB  skiboot's NVRAM, erased: skiboot formats it at first boot
 *   0x0100000  TSHYPE_STATE   1 MiB  tshype's persistent state: two 512 KiB copies
 *   0x0200000  BOOTKERNEL    16 MiB  the powernv payload in a secure-boot container
 *   0x1200000  TSHYPE_VTPM  512 KiB  the non-volatile store: vTPM instance state (lpar/nvstore.ts)
 *   0x1280000  (free)      13.5 MiB  erased, to 32 MiB
 */
import { checkLayout, FfsTable, findPartition, MISC, Partition, PartType, readTable, writeTable } from './ffs';
import { declaredLength, Trust, verifyContainer } from './container';
import { skibootEntryOffset } from './foreign';

export const PNOR_SIZE = 32 * 1024 * 1024;
export const BLOCK_SIZE = 0x1000;
export const TABLE_SIZE = 0x1000;
export const BOOTKERNEL = 'BOOTKERNEL';
export const VERSION = 'VERSION';
export const STATE = 'TSHYPE_STATE';
/** Bytes of each of the two copies in TSHYPE_STATE (arch/ppc64/powernv/flashstore.ts). */
export const STATE_COPY_SIZE = 0x80000;
/** The non-volatile store's partition (arch/ppc64/powernv/opalflash.ts nvSize; lpar/nvstore.ts slots). */
export const VTPM_STORE = 'TSHYPE_VTPM';
export const VTPM_STORE_SIZE = 0x80000;

const part = (name: string, base: number, size: number, type = PartType.Data, miscflags = 0): Partition =>
  ({ name, base, size, actual: size, type, flags: 0, datainteg: 0, vercheck: 0, miscflags });

/** The partition layout of build/tshype.pnor (actual sizes of VERSION and BOOTKERNEL set when built). */
export function layout(): FfsTable {
  return {
    blockSize: BLOCK_SIZE,
    blockCount: PNOR_SIZE / BLOCK_SIZE,
    tableSize: TABLE_SIZE,
    partitions: [
      part('part', 0, 0x8000, PartType.Partition),
      part(VERSION, 0x8000, 0x1000),
      part('NVRAM', 0x10000, 0x90000, PartType.Data, MISC.preserved),
      part(STATE, 0x100000, 2 * STATE_COPY_SIZE, PartType.Data, MISC.preserved),
      part(BOOTKERNEL, 0x200000, 0x1000000),
      part(VTPM_STORE, 0x1200000, VTPM_STORE_SIZE, PartType.Data, MISC.preserved),
    ],
  };
}

/** The VERSION partition's text: one "key-value" line, as skiboot parses it. */
export function versionText(version: string): string {
  return `tshype-${version}\n`;
}

/**
 * The PNOR image: the table, VERSION, an erased NVRAM and state partition, and `container` (a
 * verified secure-boot container of a skiboot payload) in BOOTKERNEL; everything else 0xff.
 * Throws Error with the reason when `container` does not verify (against `trust`), its payload
 * is not a skiboot payload, or it does not fit.
 */
export function buildPnor(container: Buffer, version: string, trust: Trust): Buffer {
  const v = verifyContainer(container, trust);
  if (!v.ok) throw new Error(`the BOOTKERNEL container does not verify: ${v.message}`);
  const entry = skibootEntryOffset(container.subarray(0x1000));
  if (typeof entry === 'string') throw new Error(`the container's payload is not a skiboot payload: ${entry}`);
  const t = layout();
  const text = Buffer.from(versionText(version), 'ascii');
  const bk = findPartition(t, BOOTKERNEL)!, ver = findPartition(t, VERSION)!;
  if (container.length > bk.size) throw new Error(`the ${container.length}-byte container does not fit the ${bk.size}-byte BOOTKERNEL partition`);
  if (text.length > 80) throw new Error(`version '${version}' is too long for skiboot's VERSION parser (79 characters)`);
  // skiboot takes a partition's size from its actual size (flash_load_resource: ffs_part_info's
  // act argument) and refuses one under 4 KiB: VERSION keeps its full size, NUL-padded
  bk.actual = container.length;
  checkLayout(t);
  const img = Buffer.alloc(PNOR_SIZE, 0xff);
  writeTable(t).copy(img, 0);
  img.fill(0, ver.base, ver.base + ver.size);
  text.copy(img, ver.base);
  container.copy(img, bk.base);
  return img;
}

/**
 * Copy the preserved partitions (flag P: NVRAM, TSHYPE_STATE, TSHYPE_VTPM) of an older image into `img`, as
 * a firmware update keeps them: only when the old image has a valid table and the partition
 * has the same place and size in both. Returns the names copied.
 */
export function preservePartitions(img: Buffer, old: Buffer): string[] {
  let oldTable: FfsTable;
  try {
    oldTable = readTable(old);
  } catch {
    return [];
  }
  const table = readTable(img);
  const kept: string[] = [];
  for (const p of table.partitions) {
    if ((p.miscflags & MISC.preserved) === 0) continue;
    const q = findPartition(oldTable, p.name);
    if (!q || q.base !== p.base || q.size !== p.size) continue;
    old.copy(img, p.base, q.base, q.base + q.size);
    kept.push(p.name);
  }
  return kept;
}

/** What checkPnor found. */
export interface PnorReport {
  table: FfsTable;
  /** The BOOTKERNEL container as read back (its declared length), when there is one. */
  container?: Buffer;
  version?: string;
}

/**
 * Check a PNOR image: the table (ffs.readTable), the partitions tshype needs, the BOOTKERNEL
 * container (verified against `trust`; its tail after the declared length may be erased
 * flash). Throws Error with the first problem; `notImage` on the error when there is no table.
 */
export function checkPnor(img: Buffer, trust: Trust): PnorReport & { message: string } {
  const table = readTable(img);
  for (const name of [BOOTKERNEL, STATE, VERSION]) {
    if (!findPartition(table, name)) throw new Error(`no ${name} partition`);
  }
  const bk = findPartition(table, BOOTKERNEL)!;
  const raw = img.subarray(bk.base, bk.base + bk.size);
  const len = declaredLength(raw);
  if (len === undefined) {
    const v = verifyContainer(raw.subarray(0, 0x1000), trust);
    throw new Error(`BOOTKERNEL does not hold a secure-boot container: ${v.message}`);
  }
  if (len > bk.size) throw new Error(`BOOTKERNEL: the container declares ${len} bytes, the partition has ${bk.size}`);
  const container = Buffer.from(raw.subarray(0, len));
  const v = verifyContainer(container, trust);
  if (!v.ok) throw new Error(`BOOTKERNEL: ${v.message}`);
  const entry = skibootEntryOffset(container.subarray(0x1000));
  if (typeof entry === 'string') throw new Error(`BOOTKERNEL: the container's payload is not a skiboot payload: ${entry}`);
  const ver = findPartition(table, VERSION)!;
  const vtext = img.subarray(ver.base, ver.base + ver.size).toString('latin1');
  const m = /^tshype-([\x20-\x7e]+)\n/.exec(vtext);
  return { table, container, version: m?.[1], message: `OK: PNOR verified; BOOTKERNEL ${v.message.replace(/^OK: /, '')}` };
}
