/**
 * Test helpers for the device-tree reader and writer: compile and decompile with dtc,
 * place blobs in the host's simulated memory, patch header fields, and a tiny hand
 * assembler for blobs dtc would refuse to produce. Not restricted code.
 */
import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { host } from 'tsnc/host';

export const FIXTURES = path.join(__dirname, '..', 'fixtures', 'fdt');

/** Compile a .dts fixture (test/fixtures/fdt/NAME.dts) to a blob with dtc. */
export function dtbFixture(name: string): Uint8Array {
  return new Uint8Array(execFileSync('dtc', ['-q', '-I', 'dts', '-O', 'dtb', path.join(FIXTURES, `${name}.dts`)]));
}

/** Compile dts source text to a blob with dtc. */
export function dtbFromSource(source: string): Uint8Array {
  return new Uint8Array(execFileSync('dtc', ['-q', '-I', 'dts', '-O', 'dtb', '-'], { input: source }));
}

/** Decompile a blob with dtc: the dts text and whatever dtc printed on stderr. */
export function decompile(blob: Uint8Array): { dts: string; stderr: string; status: number } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tshype-fdt-'));
  const file = path.join(dir, 'tree.dtb');
  try {
    fs.writeFileSync(file, blob);
    const r = spawnSync('dtc', ['-I', 'dtb', '-O', 'dts', file], { encoding: 'utf8' });
    return { dts: r.stdout, stderr: r.stderr, status: r.status ?? -1 };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Copy a blob into simulated physical memory at `addr`. */
export function place(addr: bigint, blob: Uint8Array): void {
  host.writeBytes(addr, blob);
}

/**
 * Place `blob` at physical address 0 with the simulated memory ending right after it, so any
 * read outside [0, blob.length) throws (below 0 the address wraps to 2^64 - n, also outside).
 */
export function placeFenced(blob: Uint8Array): void {
  host.memLimit = 1n << 62n;
  host.writeBytes(0n, blob);
  host.memLimit = BigInt(blob.length);
}

/** Header fields by byte offset. */
export const H = {
  magic: 0, totalsize: 4, off_dt_struct: 8, off_dt_strings: 12, off_mem_rsvmap: 16, version: 20,
  last_comp_version: 24, boot_cpuid_phys: 28, size_dt_strings: 32, size_dt_struct: 36,
} as const;

export function getU32(blob: Uint8Array, off: number): number {
  return new DataView(blob.buffer, blob.byteOffset, blob.byteLength).getUint32(off, false);
}

/** A copy of `blob` with the big-endian u32 at `off` set to `value`. */
export function withU32(blob: Uint8Array, off: number, value: number): Uint8Array {
  const out = blob.slice();
  new DataView(out.buffer).setUint32(off, value >>> 0, false);
  return out;
}

/** Offset of the first PROP token (3) of the structure block whose nameoff names `name`. */
export function findPropToken(blob: Uint8Array, name: string): number {
  const st = getU32(blob, H.off_dt_struct);
  const end = st + getU32(blob, H.size_dt_struct);
  const strs = getU32(blob, H.off_dt_strings);
  let p = st;
  while (p < end) {
    const tag = getU32(blob, p);
    if (tag === 1) {
      p += 4;
      while (blob[p] !== 0) p++;
      p = (p + 4) & ~3;
    } else if (tag === 3) {
      const len = getU32(blob, p + 4);
      const nameoff = getU32(blob, p + 8);
      let s = '';
      for (let i = strs + nameoff; blob[i] !== 0; i++) s += String.fromCharCode(blob[i]);
      if (s === name) return p;
      p = (p + 12 + len + 3) & ~3;
    } else {
      p += 4;
    }
  }
  throw new Error(`no property ${name}`);
}

/** Words of a structure block for `assemble`: numbers are u32 tokens, strings are
 *  NUL-terminated names padded to 4 bytes, `{ raw }` is unpadded bytes. */
export type Word = number | string | { raw: number[] };

/**
 * Assemble a blob: header, reservation map (entries plus (0, 0)), structure block from
 * `words`, strings block. Header fields can be overridden afterwards with withU32.
 */
export function assemble(words: Word[], strings: string, rsv: Array<[bigint, bigint]> = []): Uint8Array {
  const bytes: number[] = [];
  const u32 = (v: number) => bytes.push((v >>> 24) & 255, (v >>> 16) & 255, (v >>> 8) & 255, v & 255);
  const u64 = (v: bigint) => { u32(Number(v >> 32n)); u32(Number(v & 0xffffffffn)); };
  for (let i = 0; i < 40; i++) bytes.push(0);
  for (const [a, s] of rsv) { u64(a); u64(s); }
  u64(0n); u64(0n);
  const offStruct = bytes.length;
  for (const w of words) {
    if (typeof w === 'number') u32(w);
    else if (typeof w === 'string') {
      for (const c of w) bytes.push(c.charCodeAt(0));
      bytes.push(0);
      while (bytes.length % 4 !== 0) bytes.push(0);
    } else bytes.push(...w.raw);
  }
  const offStrings = bytes.length;
  for (const c of strings) bytes.push(c.charCodeAt(0));
  const blob = new Uint8Array(bytes);
  const dv = new DataView(blob.buffer);
  const hdr = [0xd00dfeed, blob.length, offStruct, offStrings, 40, 17, 16, 0, strings.length, offStrings - offStruct];
  hdr.forEach((v, i) => dv.setUint32(i * 4, v, false));
  return blob;
}

/** Bytes to an ASCII string. */
export function ascii(bytes: Uint8Array, length: number): string {
  let s = '';
  for (let i = 0; i < length; i++) s += String.fromCharCode(bytes[i]);
  return s;
}

/** xorshift32: deterministic pseudo-random numbers for fuzzing. */
export class Rng {
  private x: number;
  constructor(seed: number) { this.x = seed >>> 0 || 1; }
  next(): number {
    let x = this.x;
    x ^= x << 13; x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5; x >>>= 0;
    this.x = x;
    return x;
  }
  /** 0 <= result < n */
  below(n: number): number { return this.next() % n; }
}
