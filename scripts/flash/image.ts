/**
 * Packing and verifying tshype flash images (format: ./format.ts, docs/flash-image.md).
 *
 * verifyImage runs a fixed sequence of checks, cheapest and most fundamental first: is it one of
 * ours at all (magic), is the frame sane and the header intact (header SHA-256, before any other
 * field is trusted), do we understand it (format version, flags), are the fields sensible, is
 * the file exactly header + payload, is the payload intact (payload SHA-256) and of the kind the
 * header says, and finally is it what the caller asked for (machine, kind). The first failing
 * check decides the status and the message.
 */
import {
  decodeHeader, decodeVersion, encodeHeader, encodeVersion, FLAGS_INCOMPAT_MASK, FLAGS_KNOWN, FlashHeader,
  FORMAT_MAJOR, FORMAT_MINOR, HEADER_ALIGN, HEADER_SIZE, HEADER_SIZE_MAX, headerDigest, hex64, ImageKind,
  kindName, Machine, machineName, MAGIC, OFF, PAYLOAD_MAX, sha256,
} from './format';
import { describeElf, identifyForeign, isElf, skibootEntryOffset } from './foreign';

/** Outcome class of a verification. */
export enum VerifyStatus {
  Ok = 'ok',
  /** Not a tshype flash image at all (wrong magic). */
  NotImage = 'not-image',
  /** Damaged, truncated, trailing data, checksum mismatch or an invalid header. */
  Corrupt = 'corrupt',
  /** Intact, but for another machine (or kind) than the caller expects. */
  WrongMachine = 'wrong-machine',
  /** Intact, but in a format version or with feature flags this tool does not understand. */
  Unsupported = 'unsupported',
}

/** Process exit codes of tshype-flash, one per class (1 is left to crashes). */
export const EXIT = { ok: 0, usage: 2, io: 3, notImage: 4, corrupt: 5, wrongMachine: 6, unsupported: 7 } as const;

/** The exit code tshype-flash uses for a verification status. */
export function exitCodeFor(status: VerifyStatus): number {
  switch (status) {
    case VerifyStatus.Ok: return EXIT.ok;
    case VerifyStatus.NotImage: return EXIT.notImage;
    case VerifyStatus.Corrupt: return EXIT.corrupt;
    case VerifyStatus.WrongMachine: return EXIT.wrongMachine;
    case VerifyStatus.Unsupported: return EXIT.unsupported;
  }
}

/** What the caller knows and expects about an image. */
export interface Expectations {
  /** Name used at the start of every message (the file name); default "<image>". */
  name?: string;
  /** Refuse an image built for another machine. */
  machine?: Machine;
  /** Refuse an image of another kind. */
  kind?: ImageKind;
  /** The file's real length, when `bytes` holds only its beginning (see MAX_IMAGE_BYTES). */
  fileSize?: number;
}

/** Largest file that can be a valid image; readers need never load more than this. */
export const MAX_IMAGE_BYTES = HEADER_SIZE_MAX + PAYLOAD_MAX;

export interface VerifyResult {
  status: VerifyStatus;
  /** "OK: image verified", or the reason for refusal, starting with the name. */
  message: string;
  /** Things accepted but worth saying (newer minor format version, unknown compatible flags). */
  notes: string[];
  /** The decoded header, once its SHA-256 has been checked (also on later failures). */
  header?: FlashHeader;
  /** The decoded version string, once the header's fields have been checked. */
  version?: string;
}

interface Failure { status: VerifyStatus; message: string }

interface State {
  name: string;
  bytes: Buffer;
  /** File length (bytes may be only a prefix when it exceeds MAX_IMAGE_BYTES). */
  total: number;
  expect: Expectations;
  notes: string[];
  h?: FlashHeader;
  version?: string;
}

const CORRUPT = 'image corrupt, do not flash';
const short = (d: Buffer): string => d.toString('hex').slice(0, 16) + '…';
const hexBytes = (b: Uint8Array): string => Buffer.from(b).toString('hex').replace(/(..)(?!$)/g, '$1 ');
const bitCount = (x: number): number => { let n = 0; for (; x; x &= x - 1) n++; return n; };

function corrupt(s: State, what: string, tail = CORRUPT): Failure {
  return { status: VerifyStatus.Corrupt, message: `${s.name}: ${what} (${tail})` };
}

function checkMagic(s: State): Failure | undefined {
  const head = s.bytes.subarray(0, MAGIC.length);
  if (head.equals(MAGIC)) return undefined;
  if (head.length > 0 && head.length < MAGIC.length && MAGIC.subarray(0, head.length).equals(head)) {
    return corrupt(s, `truncated: ${s.total} bytes, shorter than the ${HEADER_SIZE}-byte header`);
  }
  const flipped = head.length === MAGIC.length ? head.reduce((n, x, i) => n + bitCount(x ^ MAGIC[i]), 0) : 99;
  if (flipped <= 3) {
    return corrupt(s, `damaged magic: found ${JSON.stringify(head.toString('latin1'))} (${hexBytes(head)}), expected "${MAGIC}"`);
  }
  const what = identifyForeign(s.bytes);
  const message = what
    ? `this is ${what}, not a tshype flash image`
    : `not a tshype flash image: starts with ${hexBytes(head)}, expected the magic "${MAGIC}"`;
  return { status: VerifyStatus.NotImage, message: `${s.name}: ${message}` };
}

function checkFrame(s: State): Failure | undefined {
  if (s.total < HEADER_SIZE) return corrupt(s, `truncated: ${s.total} bytes, shorter than the ${HEADER_SIZE}-byte header`);
  const size = s.bytes.readUInt32BE(OFF.headerSize);
  if (size < HEADER_SIZE || size > HEADER_SIZE_MAX || size % HEADER_ALIGN !== 0) {
    return corrupt(s, `header size field is ${size}; a header is a multiple of ${HEADER_ALIGN} bytes from ${HEADER_SIZE} to ${HEADER_SIZE_MAX}`, 'header corrupt, do not flash');
  }
  if (s.total < size) return corrupt(s, `truncated: ${s.total} bytes, shorter than its own ${size}-byte header`);
  return undefined;
}

function checkHeaderDigest(s: State): Failure | undefined {
  const size = s.bytes.readUInt32BE(OFF.headerSize);
  const stored = s.bytes.subarray(OFF.headerSha256, OFF.headerSha256 + 32);
  const actual = headerDigest(s.bytes.subarray(0, size));
  if (!actual.equals(stored)) {
    return corrupt(s, `header SHA-256 mismatch: header says ${short(Buffer.from(stored))}, header is ${short(actual)}`, 'header corrupt, do not flash');
  }
  s.h = decodeHeader(s.bytes);
  return undefined;
}

function checkFormat(s: State): Failure | undefined {
  const h = s.h!;
  const v = `${h.major}.${h.minor}`;
  if (h.major !== FORMAT_MAJOR) {
    const why = h.major > FORMAT_MAJOR ? 'is newer than this tool understands' : 'is not supported';
    return {
      status: VerifyStatus.Unsupported,
      message: `${s.name}: format version ${v} ${why} (this tool reads ${FORMAT_MAJOR}.x); use a tshype-flash that knows format ${h.major}`,
    };
  }
  if (h.minor > FORMAT_MINOR) {
    s.notes.push(`${s.name}: note: format version ${v} is newer than this tool's ${FORMAT_MAJOR}.${FORMAT_MINOR}; accepted, but fields added after ${FORMAT_MAJOR}.${FORMAT_MINOR} were not checked`);
  }
  const unknown = (h.flags & ~FLAGS_KNOWN) >>> 0;
  const incompat = (unknown & FLAGS_INCOMPAT_MASK) >>> 0;
  if (incompat) {
    return {
      status: VerifyStatus.Unsupported,
      message: `${s.name}: flags 0x${h.flags.toString(16).padStart(8, '0')} require features this tool does not know (incompatible bits 0x${incompat.toString(16)}); use a newer tshype-flash`,
    };
  }
  if (unknown) s.notes.push(`${s.name}: note: ignoring unknown compatible flag bits 0x${unknown.toString(16)}`);
  return undefined;
}

/** Why a payload size is unacceptable, or undefined. */
export function payloadSizeProblem(size: bigint): string | undefined {
  if (size === 0n) return 'empty payload (payload size 0)';
  if (size > BigInt(PAYLOAD_MAX)) return `payload size ${size} bytes exceeds the ${PAYLOAD_MAX >> 20} MiB limit`;
  return undefined;
}

/** Why a machine/kind combination is not defined, or undefined. */
export function comboProblem(machine: Machine, kind: ImageKind): string | undefined {
  if (machine === Machine.Pseries && kind === ImageKind.SkibootElf) {
    return 'kind skiboot-elf is only defined for powernv (pseries starts tshype with -bios)';
  }
  return undefined;
}

/** Why a raw (bios) payload's load address and entry offset are unacceptable, or undefined. */
export function biosPlacementProblem(size: bigint, load: bigint, entry: bigint): string | undefined {
  if (entry >= size) return `entry offset ${hex64(entry)} lies outside the ${size}-byte payload`;
  if (entry % 4n !== 0n) return `entry offset ${hex64(entry)} is not a multiple of 4`;
  if (load % 4n !== 0n) return `load address ${hex64(load)} is not a multiple of 4`;
  if (load + size > 1n << 64n) return `payload at load address ${hex64(load)} runs past the end of the address space`;
  return undefined;
}

function reservedProblem(s: State): string | undefined {
  const h = s.h!;
  if (h.minor > FORMAT_MINOR) return undefined; // a newer minor may use reserved space
  if (h.reserved0 !== 0n) return `reserved header field at 0x${OFF.reserved0.toString(16)} is not zero`;
  const at = s.bytes.subarray(OFF.reservedTail, h.headerSize).findIndex(x => x !== 0);
  return at < 0 ? undefined : `reserved header byte at 0x${(OFF.reservedTail + at).toString(16)} is not zero`;
}

function checkFields(s: State): Failure | undefined {
  const h = s.h!;
  const invalid = (what: string): Failure => corrupt(s, what, 'invalid header, do not flash');
  const reserved = reservedProblem(s);
  if (reserved) return invalid(reserved);
  const unknown = !(h.machine in Machine) ? `machine ${h.machine}` : !(h.kind in ImageKind) ? `kind ${h.kind}` : undefined;
  if (unknown && h.minor <= FORMAT_MINOR) return invalid(`${unknown} is not defined in format ${h.major}.${h.minor}`);
  if (unknown) {
    return {
      status: VerifyStatus.Unsupported,
      message: `${s.name}: ${unknown} is unknown to this tool (format ${h.major}.${h.minor} is newer than ${FORMAT_MAJOR}.${FORMAT_MINOR}); use a newer tshype-flash`,
    };
  }
  const problem = comboProblem(h.machine, h.kind) ?? payloadSizeProblem(h.payloadSize)
    ?? (h.kind === ImageKind.Bios ? biosPlacementProblem(h.payloadSize, h.loadAddress, h.entryOffset) : undefined);
  if (problem) return invalid(problem);
  const v = decodeVersion(h.versionField);
  if ('error' in v) return invalid(v.error);
  s.version = v.version;
  return undefined;
}

function checkSizes(s: State): Failure | undefined {
  const h = s.h!;
  const end = h.headerSize + Number(h.payloadSize);
  if (s.total < end) {
    return corrupt(s, `truncated: header declares a ${h.payloadSize}-byte payload, but only ${s.total - h.headerSize} bytes follow the header`);
  }
  if (s.total > end) {
    return corrupt(s, `${s.total - end} bytes of trailing data after the ${h.payloadSize}-byte payload (file is ${s.total} bytes, header + payload ${end})`);
  }
  return undefined;
}

function checkPayload(s: State): Failure | undefined {
  const h = s.h!;
  const payload = s.bytes.subarray(h.headerSize, h.headerSize + Number(h.payloadSize));
  const actual = sha256(payload);
  if (!actual.equals(h.payloadSha256)) {
    return corrupt(s, `payload SHA-256 mismatch: header says ${short(h.payloadSha256)}, payload is ${short(actual)}`);
  }
  const invalid = (what: string): Failure => corrupt(s, what, 'invalid image, do not flash');
  if (h.kind === ImageKind.Bios && isElf(payload)) {
    return invalid(`kind is bios but the payload is an ELF file (${describeElf(payload)}), which -bios would load raw`);
  }
  if (h.kind === ImageKind.SkibootElf) {
    const entry = skibootEntryOffset(payload);
    if (typeof entry === 'string') return invalid(`kind is skiboot-elf but the payload is not a skiboot payload: ${entry}`);
    if (entry !== h.entryOffset) return invalid(`entry offset ${hex64(h.entryOffset)} disagrees with the payload's ELF entry at offset ${hex64(entry)}`);
  }
  return undefined;
}

function checkExpectations(s: State): Failure | undefined {
  const h = s.h!;
  const { machine, kind } = s.expect;
  if (machine !== undefined && h.machine !== machine) {
    return { status: VerifyStatus.WrongMachine, message: `${s.name}: built for ${machineName(h.machine)}, not ${machineName(machine)} (wrong machine, do not flash)` };
  }
  if (kind !== undefined && h.kind !== kind) {
    return { status: VerifyStatus.WrongMachine, message: `${s.name}: a ${kindName(h.kind)} image, not ${kindName(kind)} (wrong kind, do not flash)` };
  }
  return undefined;
}

const CHECKS: ((s: State) => Failure | undefined)[] = [
  checkMagic, checkFrame, checkHeaderDigest, checkFormat, checkFields, checkSizes, checkPayload, checkExpectations,
];

/**
 * Verify a flash image held in `bytes`: the whole file, or, for a file longer than
 * MAX_IMAGE_BYTES (which can only be refused), at least its first HEADER_SIZE_MAX bytes with
 * `expect.fileSize` giving the real length; RangeError otherwise. Never modifies `bytes`.
 * Returns status Ok with the message "OK: image verified", or the first failed check's status
 * and a message naming `expect.name` and what is wrong; `header` is set once the header's own
 * SHA-256 has passed.
 */
export function verifyImage(bytes: Uint8Array, expect: Expectations = {}): VerifyResult {
  const total = expect.fileSize ?? bytes.byteLength;
  if (bytes.byteLength < total && (total <= MAX_IMAGE_BYTES || bytes.byteLength < HEADER_SIZE_MAX)) {
    throw new RangeError('verifyImage: pass the whole file, or for a file over MAX_IMAGE_BYTES at least HEADER_SIZE_MAX bytes of it');
  }
  const s: State = {
    name: expect.name ?? '<image>',
    bytes: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength),
    total,
    expect,
    notes: [],
  };
  for (const check of CHECKS) {
    const f = check(s);
    if (f) return { ...f, notes: s.notes, header: s.h, version: s.version };
  }
  return { status: VerifyStatus.Ok, message: 'OK: image verified', notes: s.notes, header: s.h, version: s.version };
}

/** Refusal to pack, with a message for the user (tshype-flash exits 2). */
export class PackError extends Error {}

export interface PackInput {
  machine: Machine;
  kind: ImageKind;
  payload: Uint8Array;
  /** Build version string: 1 to 63 printable ASCII characters. */
  version: string;
  /** Build time in seconds since the epoch (SOURCE_DATE_EPOCH for reproducible builds). */
  buildTime: bigint;
  /** Default: where QEMU places the payload (0 for -bios, 0x20000000 for a skiboot payload). */
  loadAddress?: bigint;
  /** Default: 0x100 (pseries -bios), 0x10 (powernv -bios), the ELF entry (skiboot-elf). */
  entryOffset?: bigint;
}

/** Where QEMU places and enters each kind of payload (shared/ref/platform-probes). */
export const DEFAULT_PLACEMENT = {
  pseriesBios: { load: 0n, entry: 0x100n },
  powernvBios: { load: 0n, entry: 0x10n },
  skibootPayloadLoad: 0x20000000n,
} as const;

function placement(input: PackInput): { load: bigint; entry: bigint } {
  const size = BigInt(input.payload.byteLength);
  if (input.kind === ImageKind.SkibootElf) {
    const entry = skibootEntryOffset(Buffer.from(input.payload));
    if (typeof entry === 'string') throw new PackError(`not a skiboot payload: ${entry}`);
    if (input.entryOffset !== undefined && input.entryOffset !== entry) {
      throw new PackError(`entry offset ${hex64(input.entryOffset)} disagrees with the ELF entry at offset ${hex64(entry)}`);
    }
    return { load: input.loadAddress ?? DEFAULT_PLACEMENT.skibootPayloadLoad, entry };
  }
  const def = input.machine === Machine.Pseries ? DEFAULT_PLACEMENT.pseriesBios : DEFAULT_PLACEMENT.powernvBios;
  const load = input.loadAddress ?? def.load;
  const entry = input.entryOffset ?? def.entry;
  const problem = biosPlacementProblem(size, load, entry);
  if (problem) throw new PackError(problem);
  return { load, entry };
}

function checkPackInput(input: PackInput): void {
  if (!(input.machine in Machine)) throw new PackError(`${machineName(input.machine)}`);
  if (!(input.kind in ImageKind)) throw new PackError(`${kindName(input.kind)}`);
  const problem = comboProblem(input.machine, input.kind) ?? payloadSizeProblem(BigInt(input.payload.byteLength));
  if (problem) throw new PackError(problem);
  if (Buffer.from(input.payload.subarray(0, MAGIC.length)).equals(MAGIC)) {
    throw new PackError('the input is already a tshype flash image');
  }
  if (input.kind === ImageKind.Bios && isElf(input.payload)) {
    throw new PackError(`the input is an ELF file (${describeElf(input.payload)}); kind bios needs the raw binary `
      + '(objcopy -O binary), or pack the ELF as --kind skiboot-elf for powernv');
  }
  if (input.buildTime < 0n || input.buildTime >= 1n << 64n) throw new PackError(`build time ${input.buildTime} is out of range`);
}

/**
 * A flash image of `input.payload`: a sealed HEADER_SIZE-byte header, then the payload. Output
 * depends only on the input (no clock, no environment), so equal inputs give equal bytes.
 * Throws PackError, with a message for the user, on an unsuitable payload or option.
 */
export function packImage(input: PackInput): Buffer {
  checkPackInput(input);
  const versionField = encodeVersion(input.version);
  if (typeof versionField === 'string') throw new PackError(versionField);
  const { load, entry } = placement(input);
  const header = encodeHeader({
    major: FORMAT_MAJOR, minor: FORMAT_MINOR, headerSize: HEADER_SIZE, headerSha256: Buffer.alloc(32),
    flags: 0, machine: input.machine, kind: input.kind, payloadSize: BigInt(input.payload.byteLength),
    loadAddress: load, entryOffset: entry, buildTime: input.buildTime, reserved0: 0n,
    payloadSha256: sha256(input.payload), versionField,
  });
  const image = Buffer.concat([header, input.payload]);
  const check = verifyImage(image, { machine: input.machine, kind: input.kind });
  if (check.status !== VerifyStatus.Ok) throw new Error(`internal error: packed image does not verify: ${check.message}`);
  return image;
}

/** The build time as "2024-01-01T00:00:00Z (1704067200)". */
export function formatBuildTime(t: bigint): string {
  const ms = t * 1000n;
  const iso = ms <= 8_640_000_000_000_000n ? new Date(Number(ms)).toISOString().replace('.000Z', 'Z') : 'out of range';
  return `${iso} (${t})`;
}

/** Lines describing a decoded header, as `verify` and `info` print them. */
export function describeHeader(h: FlashHeader, version: string | undefined): string[] {
  const start = h.loadAddress + h.entryOffset;
  return [
    `format      ${h.major}.${h.minor}, header ${h.headerSize} bytes, flags 0x${h.flags.toString(16).padStart(8, '0')}`,
    `machine     ${machineName(h.machine)}`,
    `kind        ${kindName(h.kind)}`,
    `payload     ${h.payloadSize} bytes at file offset 0x${h.headerSize.toString(16)}`,
    `load        ${hex64(h.loadAddress)}, entry offset ${hex64(h.entryOffset)} (starts at ${hex64(start & ((1n << 64n) - 1n))})`,
    `version     ${version ?? JSON.stringify(h.versionField.toString('latin1').replace(/\0+$/, ''))}`,
    `built       ${formatBuildTime(h.buildTime)}`,
    `sha256      ${h.payloadSha256.toString('hex')}`,
    `header-sha  ${h.headerSha256.toString('hex')}`,
  ];
}
