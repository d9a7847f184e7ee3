/**
 * Recognising what a file is when it is not a tshype flash image (so that a refusal can say
 * "this is an ELF file" rather than "bad magic"), and reading the little of ELF that packing a
 * skiboot payload needs.
 */

interface Signature {
  bytes: number[];
  what: string;
}

/** Formats people mistake for a flash image, by their leading bytes. */
const SIGNATURES: Signature[] = [
  { bytes: [0x1f, 0x8b], what: 'a gzip-compressed file' },
  { bytes: [0xd0, 0x0d, 0xfe, 0xed], what: 'a flattened device tree blob (FDT/dtb, magic 0xd00dfeed)' },
  { bytes: [0x17, 0x08, 0x20, 0x11], what: 'an OpenPOWER secure boot container (magic 0x17082011)' },
  { bytes: [...Buffer.from('PART')], what: 'an OpenPOWER PNOR flash image (FFS partition table, magic "PART")' },
  { bytes: [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00], what: 'an xz-compressed file' },
  { bytes: [0x28, 0xb5, 0x2f, 0xfd], what: 'a zstd-compressed file' },
  { bytes: [...Buffer.from('BZh')], what: 'a bzip2-compressed file' },
  { bytes: [...Buffer.from('PK\x03\x04')], what: 'a zip archive' },
  { bytes: [0x27, 0x05, 0x19, 0x56], what: 'a U-Boot uImage' },
  { bytes: [...Buffer.from('07070')], what: 'a cpio archive' },
];

const ELF_MACHINES: Record<number, string> = {
  3: 'x86', 20: 'PowerPC', 21: 'PowerPC64', 22: 'S/390', 40: 'ARM', 62: 'x86-64', 183: 'AArch64', 243: 'RISC-V',
};
const ELF_TYPES: Record<number, string> = { 1: 'relocatable object', 2: 'executable', 3: 'shared object', 4: 'core dump' };
const EM_PPC64 = 21;
const PT_LOAD = 1;

const startsWith = (b: Uint8Array, sig: number[]): boolean => b.length >= sig.length && sig.every((x, i) => b[i] === x);

/** True if `b` begins with the ELF magic. */
export function isElf(b: Uint8Array): boolean {
  return startsWith(b, [0x7f, 0x45, 0x4c, 0x46]);
}

/** "64-bit big-endian PowerPC64 executable" for an ELF header, as far as `b` holds it. */
export function describeElf(b: Uint8Array): string {
  if (b.length < 20) return 'truncated';
  const bits = b[4] === 1 ? '32-bit' : b[4] === 2 ? '64-bit' : 'unknown-class';
  const be = b[5] === 2;
  const order = be ? 'big-endian' : b[5] === 1 ? 'little-endian' : 'unknown-byte-order';
  const u16 = (o: number): number => (be ? (b[o] << 8) | b[o + 1] : b[o] | (b[o + 1] << 8));
  const machine = ELF_MACHINES[u16(18)] ?? `machine ${u16(18)}`;
  return `${bits} ${order} ${machine} ${ELF_TYPES[u16(16)] ?? 'file'}`;
}

/**
 * What a file that is not a tshype image looks like, as a phrase ("an ELF file (64-bit
 * big-endian x86-64 executable)", "a gzip-compressed file", "an empty file"), or undefined if
 * nothing about it is recognisable.
 */
export function identifyForeign(b: Uint8Array): string | undefined {
  if (b.length === 0) return 'an empty file';
  if (isElf(b)) return `an ELF file (${describeElf(b)})`;
  const sig = SIGNATURES.find(s => startsWith(b, s.bytes));
  if (sig) return sig.what;
  const head = b.subarray(0, 4096);
  if (head.every(x => x === 0xff)) return 'erased flash (every byte 0xff)';
  if (head.every(x => x === 0)) return 'all zero bytes';
  if (head.every(x => x === 9 || x === 10 || x === 13 || (x >= 0x20 && x < 0x7f))) return 'a text file';
  return undefined;
}

/**
 * Where skiboot starts a kernel payload it runs in place: the offset into the file of e_entry,
 * found through the PT_LOAD segment whose [p_vaddr, p_vaddr + p_memsz] holds it
 * (e_entry - p_vaddr + p_offset). Returns the offset, or a message saying why `b` is not a
 * payload skiboot would start (not a 64-bit big-endian PowerPC64 ELF, no such segment, entry
 * outside the file).
 */
export function skibootEntryOffset(b: Buffer): bigint | string {
  if (!isElf(b)) return 'not an ELF file';
  if (b.length < 64 || b[4] !== 2 || b[5] !== 2 || b.readUInt16BE(18) !== EM_PPC64) {
    return `${describeElf(b)}, not a 64-bit big-endian PowerPC64 ELF`;
  }
  const entry = b.readBigUInt64BE(24);
  const phoff = b.readBigUInt64BE(32);
  const phentsize = b.readUInt16BE(54);
  const phnum = b.readUInt16BE(56);
  if (phentsize < 56 || phoff + BigInt(phentsize * phnum) > BigInt(b.length)) return 'ELF program headers lie outside the file';
  for (let i = 0; i < phnum; i++) {
    const ph = Number(phoff) + i * phentsize;
    if (b.readUInt32BE(ph) !== PT_LOAD) continue;
    const offset = b.readBigUInt64BE(ph + 8);
    const vaddr = b.readBigUInt64BE(ph + 16);
    const memsz = b.readBigUInt64BE(ph + 40);
    if (entry < vaddr || entry > vaddr + memsz) continue;
    const at = entry - vaddr + offset;
    return at < BigInt(b.length) ? at : `ELF entry 0x${entry.toString(16)} lies beyond the end of the file`;
  }
  return `no PT_LOAD segment contains the ELF entry 0x${entry.toString(16)}`;
}
