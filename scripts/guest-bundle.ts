/**
 * The guest bundle tool: packs external guest images (kernels, initrds) into one guest bundle
 * (docs/guest-bundle.md), lists and verifies bundles. The header is checked by the same reader
 * the hypervisor uses (lpar/bundle.ts) and every ELF by the hypervisor's ELF reader
 * (lpar/elf.ts), run here against tsnc's host memory.
 *
 *   node -r ./scripts/tsnc/register.cjs scripts/guest-bundle.ts pack --out FILE.bundle [--elf FILE.elf]
 *        [--mem MiB] NAME=PATH[:elf|:data] ... [--mem MiB] NAME=PATH ...
 *   node -r ./scripts/tsnc/register.cjs scripts/guest-bundle.ts list FILE
 *   node -r ./scripts/tsnc/register.cjs scripts/guest-bundle.ts verify FILE
 *
 * pack: NAME is the path as the configuration names it (NAME= may be left out: the name is then
 *   PATH). The kind is :elf or :data, or, without a suffix, elf when the file starts with the
 *   ELF magic and data otherwise. Every ELF is checked for the partition memory given by the
 *   last --mem (alias --limit, --kernel-limit) before it, default 512 MiB; a refusal prints
 *   `PATH: message` and exits 2 before anything is written. The bundle is written to a
 *   temporary file and renamed. --elf also writes the bundle wrapped as a big-endian ELF64
 *   ET_EXEC for EM_PPC64 with one PT_LOAD (p_paddr 0, p_vaddr 0, p_offset 64 KiB,
 *   p_filesz = p_memsz = bundle size): what QEMU's pseries machine accepts as -kernel. QEMU 7.2
 *   loads it at 4 MiB and puts <0x400000 bundle-size> in /chosen/qemu,boot-kernel.
 * list: one line per entry: name, kind, size, SHA-256. Exit 1 for a bundle that does not open.
 * verify: every entry's SHA-256; `FILE: entry NAME: message` for each mismatch, exit 1.
 */
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { host } from 'tsnc/host';
import { ElfImage, ElfStatus, elfStatusText, ELF_HEADER_SIZE, ELF_PHDR_SIZE } from '../lpar/elf';
import {
  GuestBundle, BundleStatus, BundleKind, bundleStatusText, BUNDLE_HEADER_SIZE, BUNDLE_VERSION, BUNDLE_ENTRIES_AT,
  BUNDLE_ENTRY_SIZE, BUNDLE_MAX_ENTRIES, BUNDLE_NAME_SIZE, BUNDLE_ALIGN,
} from '../lpar/bundle';

const MiB = 1024 * 1024;
const ALIGN = Number(BUNDLE_ALIGN);
const DEFAULT_MEM_MIB = 512;
/** Offset of the bundle inside the ELF wrapper (the PT_LOAD's p_offset). */
export const WRAPPER_OFFSET = 0x10000;

/** One image to pack. */
export interface PackEntry { name: string; path: string; kind: BundleKind; limit: bigint }

/** A refusal: the message to print (`PATH: reason`) and the exit status. */
export class Refusal extends Error {
  constructor(message: string, readonly status = 2) { super(message); }
}

const alignUp = (n: number): number => Math.ceil(n / ALIGN) * ALIGN;
const sha256 = (b: Uint8Array): Buffer => crypto.createHash('sha256').update(b).digest();

/** Read `len` bytes of `fd` at `pos` (fewer at the end of the file). */
function readAt(fd: number, pos: number, len: number): Uint8Array {
  const b = new Uint8Array(len);
  const n = fs.readSync(fd, b, 0, len, pos);
  return b.subarray(0, n);
}

/**
 * Check an ELF file with the hypervisor's reader: its ELF header and program header table are
 * copied into tsnc's host memory at 0, the memory ends at the file's size, and ElfImage.open
 * runs with the file's size and the partition limit. Returns the status.
 */
export function checkElfFile(file: string, limit: bigint): ElfStatus {
  const size = fs.statSync(file).size;
  const fd = fs.openSync(file, 'r');
  try {
    host.reset();
    const head = readAt(fd, 0, ELF_HEADER_SIZE);
    host.writeBytes(0n, head);
    if (head.length === ELF_HEADER_SIZE && (head[5] === 1 || head[5] === 2)) {
      const v = new DataView(head.buffer, head.byteOffset, head.byteLength);
      const le = head[5] === 1;
      const phoff = v.getBigUint64(32, le);
      const tableLen = BigInt(v.getUint16(56, le) * ELF_PHDR_SIZE);
      if (phoff + tableLen <= BigInt(size)) host.writeBytes(phoff, readAt(fd, Number(phoff), Number(tableLen)));
    }
    host.memLimit = BigInt(size);
    return new ElfImage().open(0n, BigInt(size), limit);
  } finally {
    fs.closeSync(fd);
    host.reset();
  }
}

/** Kind of a file without a :elf/:data suffix: elf when it starts with the ELF magic. */
function guessKind(file: string): BundleKind {
  const fd = fs.openSync(file, 'r');
  try {
    const m = readAt(fd, 0, 4);
    return m.length === 4 && m[0] === 0x7f && m[1] === 0x45 && m[2] === 0x4c && m[3] === 0x46 ? BundleKind.Elf : BundleKind.Data;
  } finally {
    fs.closeSync(fd);
  }
}

/** Check the entries before anything is written: names, count, files, ELF images. */
export function checkEntries(entries: PackEntry[]): void {
  if (entries.length === 0) throw new Refusal('guest-bundle pack: no images given');
  if (entries.length > BUNDLE_MAX_ENTRIES) throw new Refusal(`guest-bundle pack: ${entries.length} images, at most ${BUNDLE_MAX_ENTRIES}`);
  const names = new Set<string>();
  for (const e of entries) {
    if (!/^[\x21-\x7e]{1,63}$/.test(e.name)) {
      throw new Refusal(`${e.name}: entry names are 1 to ${BUNDLE_NAME_SIZE - 1} printable ASCII characters without spaces`);
    }
    if (names.has(e.name)) throw new Refusal(`${e.name}: named twice`);
    names.add(e.name);
    let st: fs.Stats;
    try {
      st = fs.statSync(e.path);
    } catch {
      throw new Refusal(`${e.path}: cannot read the file`);
    }
    if (!st.isFile()) throw new Refusal(`${e.path}: not a regular file`);
    if (e.kind === BundleKind.Elf) {
      const s = checkElfFile(e.path, e.limit);
      if (s !== ElfStatus.Ok) throw new Refusal(`${e.path}: ${elfStatusText(s)}`);
    }
  }
}

/** The header block for `entries` whose images have the given sizes and hashes. */
function headerBlock(entries: PackEntry[], offsets: number[], sizes: number[], hashes: Buffer[], total: number): Buffer {
  const h = Buffer.alloc(BUNDLE_HEADER_SIZE);
  h.write('TSHYBNDL', 0, 'ascii');
  h.writeUInt32BE(BUNDLE_VERSION, 8);
  h.writeUInt32BE(entries.length, 12);
  h.writeBigUInt64BE(BigInt(total), 16);
  entries.forEach((e, i) => {
    const o = BUNDLE_ENTRIES_AT + BUNDLE_ENTRY_SIZE * i;
    h.write(e.name, o, 'ascii');
    h.writeUInt32BE(e.kind, o + 64);
    h.writeUInt32BE(0, o + 68);
    h.writeBigUInt64BE(BigInt(offsets[i]), o + 72);
    h.writeBigUInt64BE(BigInt(sizes[i]), o + 80);
    hashes[i].copy(h, o + 88);
  });
  sha256(h).copy(h, 24);
  return h;
}

/** The whole bundle: header, then each image at its 64 KiB-aligned offset. */
export function buildBundle(entries: PackEntry[]): Buffer {
  const images = entries.map(e => fs.readFileSync(e.path));
  const offsets: number[] = [];
  let at = alignUp(BUNDLE_HEADER_SIZE);
  for (const img of images) {
    offsets.push(at);
    at = alignUp(at + img.length);
  }
  const total = images.length === 0 ? BUNDLE_HEADER_SIZE : offsets[images.length - 1] + images[images.length - 1].length;
  const out = Buffer.alloc(total);
  headerBlock(entries, offsets, images.map(i => i.length), images.map(sha256), total).copy(out, 0);
  images.forEach((img, i) => img.copy(out, offsets[i]));
  return out;
}

/**
 * `bundle` wrapped as a big-endian ELF64 ET_EXEC for EM_PPC64 with one PT_LOAD: p_offset
 * WRAPPER_OFFSET, p_vaddr = p_paddr = 0, p_filesz = p_memsz = the bundle's size, e_entry 0.
 */
export function wrapElf(bundle: Buffer): Buffer {
  const out = Buffer.alloc(WRAPPER_OFFSET + bundle.length);
  out.set([0x7f, 0x45, 0x4c, 0x46, 2, 2, 1], 0);   // ELFCLASS64, ELFDATA2MSB, EV_CURRENT
  out.writeUInt16BE(2, 16);                           // ET_EXEC
  out.writeUInt16BE(21, 18);                          // EM_PPC64
  out.writeUInt32BE(1, 20);                           // e_version
  out.writeBigUInt64BE(0n, 24);                       // e_entry
  out.writeBigUInt64BE(BigInt(ELF_HEADER_SIZE), 32);  // e_phoff
  out.writeUInt32BE(2, 48);                           // e_flags: ELFv2
  out.writeUInt16BE(ELF_HEADER_SIZE, 52);
  out.writeUInt16BE(ELF_PHDR_SIZE, 54);
  out.writeUInt16BE(1, 56);                           // e_phnum
  out.writeUInt16BE(64, 58);                          // e_shentsize (no sections)
  const ph = ELF_HEADER_SIZE;
  out.writeUInt32BE(1, ph);                           // PT_LOAD
  out.writeUInt32BE(4, ph + 4);                       // PF_R
  out.writeBigUInt64BE(BigInt(WRAPPER_OFFSET), ph + 8);
  out.writeBigUInt64BE(0n, ph + 16);                  // p_vaddr
  out.writeBigUInt64BE(0n, ph + 24);                  // p_paddr
  out.writeBigUInt64BE(BigInt(bundle.length), ph + 32);
  out.writeBigUInt64BE(BigInt(bundle.length), ph + 40);
  out.writeBigUInt64BE(BigInt(ALIGN), ph + 48);
  bundle.copy(out, WRAPPER_OFFSET);
  return out;
}

/** Write `data` to `file` through a temporary file in the same folder and a rename. */
function writeAtomically(file: string, data: Buffer): void {
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.tmp-${process.pid}`);
  fs.writeFileSync(tmp, data);
  fs.renameSync(tmp, file);
}

/** Open the header of a bundle file with lpar/bundle.ts; throws a Refusal (status 1) if it does not open. */
export function openBundleFile(file: string): { bundle: GuestBundle; header: Uint8Array; size: number } {
  let size: number;
  let header: Uint8Array;
  try {
    size = fs.statSync(file).size;
    const fd = fs.openSync(file, 'r');
    header = readAt(fd, 0, BUNDLE_HEADER_SIZE);
    fs.closeSync(fd);
  } catch {
    throw new Refusal(`${file}: cannot read the file`, 1);
  }
  host.reset();
  host.writeBytes(0n, header);
  const bundle = new GuestBundle();
  const st = bundle.open(0n, BigInt(size));
  if (st !== BundleStatus.Ok) throw new Refusal(`${file}: ${bundleStatusText(st)}`, 1);
  return { bundle, header, size };
}

/** Entry i's name through the reader. */
function entryName(b: GuestBundle, i: number): string {
  const buf = new Uint8Array(BUNDLE_NAME_SIZE);
  return Buffer.from(buf.subarray(0, b.name(i, buf))).toString('ascii');
}

const KIND_NAMES: Record<number, string> = { [BundleKind.Elf]: 'elf', [BundleKind.Data]: 'data' };

function parsePack(args: string[]): { out: string; elf: string; entries: PackEntry[] } {
  let out = '';
  let elf = '';
  let limit = BigInt(DEFAULT_MEM_MIB * MiB);
  const entries: PackEntry[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === '--out' || a === '--elf') {
      const v = args[++i];
      if (!v) throw new Refusal(`guest-bundle pack: ${a} needs a file name`);
      if (a === '--out') out = v; else elf = v;
    } else if (a === '--mem' || a === '--limit' || a === '--kernel-limit') {
      const v = args[++i] ?? '';
      if (!/^[1-9][0-9]{0,6}$/.test(v)) throw new Refusal(`guest-bundle pack: ${a} ${v}: expected MiB, a positive integer`);
      limit = BigInt(v) * BigInt(MiB);
    } else if (a.startsWith('--')) {
      throw new Refusal(`guest-bundle pack: unknown option ${a}`);
    } else {
      const eq = a.indexOf('=');
      let name = eq >= 0 ? a.slice(0, eq) : '';
      let file = eq >= 0 ? a.slice(eq + 1) : a;
      let kind: BundleKind | 0 = 0;
      const m = /^(.*):(elf|data)$/.exec(file);
      if (m) {
        file = m[1];
        kind = m[2] === 'elf' ? BundleKind.Elf : BundleKind.Data;
      }
      if (eq < 0) name = file;
      if (!fs.existsSync(file)) throw new Refusal(`${file}: cannot read the file`);
      entries.push({ name, path: file, kind: kind || guessKind(file), limit });
    }
  }
  if (!out) throw new Refusal('guest-bundle pack: --out FILE.bundle is required');
  return { out, elf, entries };
}

/** `pack`: check everything, then write the bundle (and its ELF wrapper). */
function pack(args: string[]): number {
  const { out, elf, entries } = parsePack(args);
  checkEntries(entries);
  const bundle = buildBundle(entries);
  // the hypervisor's reader must accept what was built
  host.reset();
  host.writeBytes(0n, bundle.subarray(0, BUNDLE_HEADER_SIZE));
  const st = new GuestBundle().open(0n, BigInt(bundle.length));
  host.reset();
  if (st !== BundleStatus.Ok) throw new Refusal(`guest-bundle pack: internal error: ${bundleStatusText(st)}`, 1);
  writeAtomically(out, bundle);
  if (elf) writeAtomically(elf, wrapElf(bundle));
  console.log(`${out}: ${entries.length} image${entries.length === 1 ? '' : 's'}, ${bundle.length} bytes` +
    (elf ? `; ${elf}: ELF wrapper, ${bundle.length + WRAPPER_OFFSET} bytes` : ''));
  return 0;
}

/** `list`: name, kind, size, SHA-256 of every entry. */
function list(file: string): number {
  const { bundle, header } = openBundleFile(file);
  for (let i = 0; i < bundle.count; i++) {
    const sha = Buffer.from(header.subarray(BUNDLE_ENTRIES_AT + BUNDLE_ENTRY_SIZE * i + 88, BUNDLE_ENTRIES_AT + BUNDLE_ENTRY_SIZE * i + 120));
    console.log(`${entryName(bundle, i)}\t${KIND_NAMES[bundle.kind(i)]}\t${bundle.size(i)}\t${sha.toString('hex')}`);
  }
  return 0;
}

/** `verify`: every entry's SHA-256 (Node's crypto over the file; the header through the reader). */
function verify(file: string): number {
  const { bundle, header } = openBundleFile(file);
  const fd = fs.openSync(file, 'r');
  let bad = 0;
  try {
    for (let i = 0; i < bundle.count; i++) {
      const img = readAt(fd, Number(bundle.offset(i)), Number(bundle.size(i)));
      const o = BUNDLE_ENTRIES_AT + BUNDLE_ENTRY_SIZE * i + 88;
      if (!sha256(img).equals(Buffer.from(header.subarray(o, o + 32)))) {
        console.error(`${file}: entry ${entryName(bundle, i)}: ${bundleStatusText(BundleStatus.ImageCorrupt)}`);
        bad++;
      }
    }
  } finally {
    fs.closeSync(fd);
  }
  if (bad > 0) return 1;
  console.log(`${file}: ${bundle.count} image${bundle.count === 1 ? '' : 's'} verified`);
  return 0;
}

const USAGE = `usage: guest-bundle.ts pack --out FILE.bundle [--elf FILE.elf] [--mem MiB] NAME=PATH[:elf|:data] ...
       guest-bundle.ts list FILE
       guest-bundle.ts verify FILE`;

/** Run one command; returns the exit status (messages already printed). */
export function run(argv: string[]): number {
  const [cmd, ...rest] = argv;
  try {
    if (cmd === 'pack') return pack(rest);
    if ((cmd === 'list' || cmd === 'verify') && rest.length === 1) return cmd === 'list' ? list(rest[0]) : verify(rest[0]);
    console.error(USAGE);
    return 2;
  } catch (e) {
    if (e instanceof Refusal) {
      console.error(e.message);
      return e.status;
    }
    throw e;
  }
}

if (require.main === module) process.exit(run(process.argv.slice(2)));
