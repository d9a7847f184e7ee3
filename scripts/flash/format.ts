/**
 * The tshype flash image header: layout, enums and byte-level encode/decode (docs/flash-image.md
 * is the reference; keep the two in step). All fields are big-endian.
 *
 *   offset  size  field
 *   0x000      8  magic "TSHYPEFW"                 ┐ the frame: identical in every format
 *   0x008      2  format major version             │ version, so any tool can check the
 *   0x00a      2  format minor version             │ header's integrity before it decides
 *   0x00c      4  header size (payload offset)     │ whether it understands the rest
 *   0x010     32  SHA-256 of the header            ┘ (computed with this field zeroed)
 *   0x030      4  flags (bits 0-15 compatible, 16-31 incompatible)
 *   0x034      2  target machine (Machine)
 *   0x036      2  image kind (ImageKind)
 *   0x038      8  payload size in bytes
 *   0x040      8  load address
 *   0x048      8  entry offset from the load address
 *   0x050      8  build time, seconds since the epoch (SOURCE_DATE_EPOCH)
 *   0x058      8  reserved, zero
 *   0x060     32  SHA-256 of the payload
 *   0x080     64  build version string, printable ASCII, NUL-padded (at least one NUL)
 *   0x0c0      …  reserved up to the header size, zero
 */
import { createHash } from 'crypto';

export const MAGIC = Buffer.from('TSHYPEFW', 'ascii');
/** The format this tool writes, and the newest it fully understands. */
export const FORMAT_MAJOR = 1;
export const FORMAT_MINOR = 0;
/** Header size this tool writes; the payload starts page-aligned right after it. */
export const HEADER_SIZE = 0x1000;
/** Header sizes a reader accepts: multiples of HEADER_ALIGN from HEADER_SIZE to HEADER_SIZE_MAX. */
export const HEADER_ALIGN = 0x1000;
export const HEADER_SIZE_MAX = 0x10000;
/** Largest payload a reader accepts (and pack produces). */
export const PAYLOAD_MAX = 64 * 1024 * 1024;
/** Bytes of the version string field, including at least one terminating NUL. */
export const VERSION_FIELD = 64;
/** Flag bits 16-31 change how the image must be interpreted: an unknown one refuses the image. */
export const FLAGS_INCOMPAT_MASK = 0xffff0000;
/** Flag bits this version of the format defines (none yet). */
export const FLAGS_KNOWN = 0;

/** Field offsets, as in the table above. */
export const OFF = {
  magic: 0x000, major: 0x008, minor: 0x00a, headerSize: 0x00c, headerSha256: 0x010,
  flags: 0x030, machine: 0x034, kind: 0x036, payloadSize: 0x038, loadAddress: 0x040,
  entryOffset: 0x048, buildTime: 0x050, reserved0: 0x058, payloadSha256: 0x060,
  version: 0x080, reservedTail: 0x0c0,
} as const;
/** Bytes of the version-invariant frame (magic, version, header size, header SHA-256). */
export const FRAME_SIZE = 0x030;

/** Target machine: which QEMU machine (or server) the payload is built for. */
export enum Machine { Pseries = 1, Powernv = 2 }
/** What the payload is and how it is started. */
export enum ImageKind {
  /** Raw binary, loaded at the load address and entered at load + entry (QEMU -bios). */
  Bios = 1,
  /** 64-bit big-endian ppc64 ELF that skiboot (OPAL) runs in place as its kernel payload. */
  SkibootElf = 2,
}

const MACHINE_NAMES: Record<Machine, string> = { [Machine.Pseries]: 'pseries', [Machine.Powernv]: 'powernv' };
const KIND_NAMES: Record<ImageKind, string> = { [ImageKind.Bios]: 'bios', [ImageKind.SkibootElf]: 'skiboot-elf' };

/** The name of a machine value ("pseries"), or "unknown machine N" for a value not in the enum. */
export function machineName(m: number): string {
  return MACHINE_NAMES[m as Machine] ?? `unknown machine ${m}`;
}

/** The name of an image kind ("bios"), or "unknown kind N" for a value not in the enum. */
export function kindName(k: number): string {
  return KIND_NAMES[k as ImageKind] ?? `unknown kind ${k}`;
}

/** The Machine named `name` (as on the command line), or undefined. */
export function parseMachine(name: string): Machine | undefined {
  const hit = Object.entries(MACHINE_NAMES).find(([, n]) => n === name);
  return hit ? (Number(hit[0]) as Machine) : undefined;
}

/** The ImageKind named `name` (as on the command line), or undefined. */
export function parseKind(name: string): ImageKind | undefined {
  const hit = Object.entries(KIND_NAMES).find(([, n]) => n === name);
  return hit ? (Number(hit[0]) as ImageKind) : undefined;
}

/** Every header field, decoded but not validated (enums stay raw numbers, 64-bit fields bigint). */
export interface FlashHeader {
  major: number;
  minor: number;
  headerSize: number;
  headerSha256: Buffer;
  flags: number;
  machine: number;
  kind: number;
  payloadSize: bigint;
  loadAddress: bigint;
  entryOffset: bigint;
  buildTime: bigint;
  reserved0: bigint;
  payloadSha256: Buffer;
  /** The raw 64-byte version field. */
  versionField: Buffer;
}

/** SHA-256 of `bytes`. */
export function sha256(bytes: Uint8Array): Buffer {
  return createHash('sha256').update(bytes).digest();
}

/**
 * The header SHA-256 of a header region (the first headerSize bytes of an image): SHA-256 of
 * the region with the header SHA-256 field taken as zeros. Does not modify `header`.
 */
export function headerDigest(header: Uint8Array): Buffer {
  const copy = Buffer.from(header);
  copy.fill(0, OFF.headerSha256, OFF.headerSha256 + 32);
  return sha256(copy);
}

/**
 * Recompute and store the header SHA-256 of `image` in place, over the header size that the
 * image's own header states (clamped to the image, so a nonsense size does not throw). For
 * tools and tests that edit a header field on purpose.
 */
export function sealHeader(image: Buffer): void {
  const size = Math.min(Math.max(image.readUInt32BE(OFF.headerSize), FRAME_SIZE), image.length);
  headerDigest(image.subarray(0, size)).copy(image, OFF.headerSha256);
}

/** Decode the fixed fields of a header. `bytes` must hold at least OFF.reservedTail bytes. */
export function decodeHeader(bytes: Buffer): FlashHeader {
  return {
    major: bytes.readUInt16BE(OFF.major),
    minor: bytes.readUInt16BE(OFF.minor),
    headerSize: bytes.readUInt32BE(OFF.headerSize),
    headerSha256: Buffer.from(bytes.subarray(OFF.headerSha256, OFF.headerSha256 + 32)),
    flags: bytes.readUInt32BE(OFF.flags),
    machine: bytes.readUInt16BE(OFF.machine),
    kind: bytes.readUInt16BE(OFF.kind),
    payloadSize: bytes.readBigUInt64BE(OFF.payloadSize),
    loadAddress: bytes.readBigUInt64BE(OFF.loadAddress),
    entryOffset: bytes.readBigUInt64BE(OFF.entryOffset),
    buildTime: bytes.readBigUInt64BE(OFF.buildTime),
    reserved0: bytes.readBigUInt64BE(OFF.reserved0),
    payloadSha256: Buffer.from(bytes.subarray(OFF.payloadSha256, OFF.payloadSha256 + 32)),
    versionField: Buffer.from(bytes.subarray(OFF.version, OFF.version + VERSION_FIELD)),
  };
}

/**
 * Encode a header of `h.headerSize` bytes (reserved bytes zero) and seal it: the headerSha256
 * given is ignored and replaced by the computed one. Values are written as given, unchecked,
 * so tests can build headers that a reader must refuse; packImage is the checked path.
 */
export function encodeHeader(h: FlashHeader): Buffer {
  const b = Buffer.alloc(h.headerSize);
  MAGIC.copy(b, OFF.magic);
  b.writeUInt16BE(h.major, OFF.major);
  b.writeUInt16BE(h.minor, OFF.minor);
  b.writeUInt32BE(h.headerSize, OFF.headerSize);
  b.writeUInt32BE(h.flags >>> 0, OFF.flags);
  b.writeUInt16BE(h.machine, OFF.machine);
  b.writeUInt16BE(h.kind, OFF.kind);
  b.writeBigUInt64BE(h.payloadSize, OFF.payloadSize);
  b.writeBigUInt64BE(h.loadAddress, OFF.loadAddress);
  b.writeBigUInt64BE(h.entryOffset, OFF.entryOffset);
  b.writeBigUInt64BE(h.buildTime, OFF.buildTime);
  b.writeBigUInt64BE(h.reserved0, OFF.reserved0);
  h.payloadSha256.copy(b, OFF.payloadSha256);
  h.versionField.copy(b, OFF.version, 0, VERSION_FIELD);
  sealHeader(b);
  return b;
}

/**
 * The version field for `version` (NUL-padded to VERSION_FIELD bytes), or an error message if
 * it is empty, longer than VERSION_FIELD - 1 bytes or not printable ASCII.
 */
export function encodeVersion(version: string): Buffer | string {
  if (version.length === 0) return 'version string is empty';
  if (!/^[\x20-\x7e]*$/.test(version)) return `version string ${JSON.stringify(version)} is not printable ASCII`;
  if (version.length > VERSION_FIELD - 1) return `version string is ${version.length} characters, at most ${VERSION_FIELD - 1} fit`;
  const b = Buffer.alloc(VERSION_FIELD);
  b.write(version, 'ascii');
  return b;
}

/**
 * The version string in a version field, or an error message if the field is not printable
 * ASCII followed by NUL padding (at least one NUL, nothing but NULs after the first).
 */
export function decodeVersion(field: Buffer): { version: string } | { error: string } {
  const nul = field.indexOf(0);
  if (nul < 0) return { error: 'version string is not NUL-terminated' };
  if (nul === 0) return { error: 'version string is empty' };
  if (field.subarray(nul).some(c => c !== 0)) return { error: 'version field has bytes after its NUL padding' };
  const s = field.subarray(0, nul).toString('latin1');
  if (!/^[\x20-\x7e]*$/.test(s)) return { error: 'version string is not printable ASCII' };
  return { version: s };
}

/** Lower-case hex of a 64-bit value, 0x-prefixed. */
export function hex64(v: bigint): string {
  return '0x' + v.toString(16).padStart(16, '0');
}
