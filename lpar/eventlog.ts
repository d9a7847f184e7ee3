/**
 * The TCG event log of a partition's measured launch, in the crypto-agile format of the TCG PC
 * Client Platform Firmware Profile (PFP) with one bank, SHA-256. Linux's tpm_ibmvtpm finds it
 * through the vtpm node's `linux,sml-base` / `linux,sml-size` (see `putSmlBase`) and shows it
 * in /sys/kernel/security/tpm0/binary_bios_measurements; tpm2_eventlog reads the same bytes.
 *
 * Layout (every integer little-endian, as the PFP requires on every platform):
 *
 *   header, a TCG_PCR_EVENT (the SHA-1 era format), 65 bytes:
 *     +0 pcrIndex 0   +4 eventType EV_NO_ACTION (3)   +8 digest: 20 zero bytes   +28 eventSize 33
 *     +32 TCG_EfiSpecIdEventStruct: "Spec ID Event03\0" (16), platformClass u32 (0, client),
 *         specVersionMinor 0, specVersionMajor 2, specErrata 2, uintnSize 2 (UINTN is 64-bit),
 *         numberOfAlgorithms u32 1, {algorithmId 0x000B (SHA-256), digestSize 32},
 *         vendorInfoSize 0
 *   then one TCG_PCR_EVENT2 per measurement, 50 + data bytes:
 *     +0 pcrIndex   +4 eventType   +8 digests.count 1   +12 hashAlg 0x000B   +14 digest (32)
 *     +46 eventSize   +50 event data
 *   then EVENTLOG_TAIL_SIZE zero bytes (see below)
 *
 * specErrata 2 is what firmware following PFP 1.05 and later writes (EDK2, TF-A); Linux and
 * tpm2-tools do not look at it.
 *
 * Event type: EV_IPL (0x0D) for every measurement. The PFP defines it for "the IPL code and
 * data" a platform loads and hands control to (bootloaders log kernels, initrds and command
 * lines with it), and its event data is free-form. That is what the hypervisor does for a
 * partition: the digest is of the image, initrd, device tree or label bytes it launches with,
 * the event data an ASCII description without a NUL ("tshype kernel vmlinux", "tshype label
 * NAME"). EV_POST_CODE is for the platform's own firmware, EV_COMPACT_HASH for a digest logged
 * as its own data, EV_ACTION for fixed strings: none fits a loaded image.
 *
 * The zero tail: Linux 6.1 (drivers/char/tpm/eventlog/tpm2.c) shows an event only if it ends
 * strictly before the end of the area sml-size gives, and after the last event it parses
 * whatever follows. Sixteen zero bytes after the last event (a TCG_PCR_EVENT2 with count 0 and
 * eventSize 0) are inside the area, so the last event is shown, and they parse as the end of
 * the log, so nothing past the area is read. `areaSize()` (and `eventLogAreaSize`) include
 * them: that is the value for `linux,sml-size`.
 *
 * The writer keeps the area valid after every call: a refused call (the buffer too small)
 * writes nothing and returns false.
 */
import type { u64 } from "tsnc";

/** PFP event types. */
export const EV_NO_ACTION = 0x03;
export const EV_IPL = 0x0d;
/** TPM_ALG_SHA256 and its digest size. */
export const TPM_ALG_SHA256 = 0x000b;
export const SHA256_SIZE = 32;
/** PCRs of the measured launch (docs/vtpm.md): image, initrd, device tree, sHype label. */
export const PCR_IMAGE = 17;
export const PCR_INITRD = 18;
export const PCR_DEVTREE = 19;
export const PCR_LABEL = 20;
/** Size of the Spec ID event's data (TCG_EfiSpecIdEventStruct with one algorithm). */
export const SPEC_ID_EVENT_SIZE = 33;
/** Size of the header event (TCG_PCR_EVENT with the Spec ID event). */
export const EVENTLOG_HEADER_SIZE = 32 + SPEC_ID_EVENT_SIZE;
/** Bytes of a TCG_PCR_EVENT2 before its event data, with one SHA-256 digest. */
export const EVENT2_FIXED_SIZE = 50;
/** Zero bytes after the last event (see the file comment). */
export const EVENTLOG_TAIL_SIZE = 16;
/** Bytes of the `linux,sml-base` and `linux,sml-size` property values. */
export const SML_BASE_SIZE = 8;
export const SML_SIZE_SIZE = 4;

/** "Spec ID Event03" without its NUL. */
const SPEC_ID_SIGNATURE = "Spec ID Event03";
const PLATFORM_CLASS_CLIENT = 0;
const SPEC_VERSION_MINOR = 0;
const SPEC_VERSION_MAJOR = 2;
const SPEC_ERRATA = 2;
/** uintnSize 2: UINTN fields are 64-bit. */
const UINTN_SIZE_64 = 2;

/** Bytes one TCG_PCR_EVENT2 takes with `dataLen` bytes of event data. */
export function eventSize(dataLen: number): number {
  return EVENT2_FIXED_SIZE + dataLen;
}

/**
 * Bytes a log area takes with `count` events whose data lengths are `dataLens[0..count)`:
 * header, events and zero tail, i.e. the value of `linux,sml-size`. Returns -1 if `count` is
 * negative or more than `dataLens` holds.
 */
export function eventLogAreaSize(dataLens: Uint32Array, count: number): number {
  if (count < 0 || count > dataLens.length) return -1;
  let size = EVENTLOG_HEADER_SIZE + EVENTLOG_TAIL_SIZE;
  for (let i = 0; i < count; i++) size += eventSize(dataLens[i]);
  return size;
}

function put16(b: Uint8Array, at: number, v: number): void {
  b[at] = v & 0xff;
  b[at + 1] = (v >>> 8) & 0xff;
}

function put32(b: Uint8Array, at: number, v: number): void {
  b[at] = v & 0xff;
  b[at + 1] = (v >>> 8) & 0xff;
  b[at + 2] = (v >>> 16) & 0xff;
  b[at + 3] = (v >>> 24) & 0xff;
}

/**
 * Writes one log into a caller's buffer: `start`, then `append`/`appendText` per measurement.
 * After every successful call [off, off + areaSize()) is a complete log area.
 */
export class EventLogWriter {
  private buf: Uint8Array = new Uint8Array(0);
  private off: number = 0;
  private cap: number = 0;
  /** Bytes of header and events written (the tail not counted). */
  private used: number = 0;
  private events: number = 0;

  /**
   * Begin a log at `buf[off]` using at most `cap` bytes there (clamped to the buffer). Writes
   * the header and the tail. Returns false, writing nothing, if they do not fit or `off` or
   * `cap` is negative; later appends are then refused too.
   */
  start(buf: Uint8Array, off: number, cap: number): boolean {
    this.buf = buf;
    this.off = off;
    this.used = 0;
    this.events = 0;
    this.cap = 0;
    if (off < 0 || cap < 0 || off > buf.length) return false;
    const room = Math.min(cap, buf.length - off);
    if (room < EVENTLOG_HEADER_SIZE + EVENTLOG_TAIL_SIZE) return false;
    this.cap = room;
    this.writeHeader();
    this.used = EVENTLOG_HEADER_SIZE;
    this.buf.fill(0, off + this.used, off + this.used + EVENTLOG_TAIL_SIZE);
    return true;
  }

  private writeHeader(): void {
    const b = this.buf;
    const at = this.off;
    b.fill(0, at, at + EVENTLOG_HEADER_SIZE);
    put32(b, at + 4, EV_NO_ACTION);
    put32(b, at + 28, SPEC_ID_EVENT_SIZE);
    const s = at + 32;
    for (let i = 0; i < SPEC_ID_SIGNATURE.length; i++) b[s + i] = SPEC_ID_SIGNATURE.charCodeAt(i);
    put32(b, s + 16, PLATFORM_CLASS_CLIENT);
    b[s + 20] = SPEC_VERSION_MINOR;
    b[s + 21] = SPEC_VERSION_MAJOR;
    b[s + 22] = SPEC_ERRATA;
    b[s + 23] = UINTN_SIZE_64;
    put32(b, s + 24, 1);
    put16(b, s + 28, TPM_ALG_SHA256);
    put16(b, s + 30, SHA256_SIZE);
    b[s + 32] = 0;
  }

  /** Bytes of header and events so far (0 before a successful start). */
  length(): number { return this.used; }

  /** Bytes of the log area: length() plus the zero tail (0 before a successful start). */
  areaSize(): number { return this.used === 0 ? 0 : this.used + EVENTLOG_TAIL_SIZE; }

  /** Measurement events appended so far. */
  count(): number { return this.events; }

  /** Is there room for an event with `dataLen` bytes of data (and the tail after it)? */
  private fits(dataLen: number): boolean {
    return this.used !== 0 && dataLen >= 0 && dataLen <= 0x7fffffff &&
      this.used + eventSize(dataLen) + EVENTLOG_TAIL_SIZE <= this.cap;
  }

  /** Write an event's fixed part (data length `dataLen`) at the end; returns its data offset. */
  private putFixed(pcr: number, type: number, digest: Uint8Array, digestOff: number, dataLen: number): number {
    const b = this.buf;
    const at = this.off + this.used;
    put32(b, at, pcr);
    put32(b, at + 4, type);
    put32(b, at + 8, 1);
    put16(b, at + 12, TPM_ALG_SHA256);
    for (let i = 0; i < SHA256_SIZE; i++) b[at + 14 + i] = digest[digestOff + i];
    put32(b, at + 46, dataLen);
    return at + EVENT2_FIXED_SIZE;
  }

  /** Account for an event of `dataLen` data bytes just written, and write the tail after it. */
  private close(dataLen: number): void {
    this.used += eventSize(dataLen);
    this.events++;
    const end = this.off + this.used;
    this.buf.fill(0, end, end + EVENTLOG_TAIL_SIZE);
  }

  /**
   * Append a TCG_PCR_EVENT2: PCR `pcr` (0..23), event type `type`, the SHA-256 digest at
   * `digest[digestOff..+32)`, event data `data[dataOff..+dataLen)`. Returns false, writing
   * nothing, if there is no log, the event does not fit, or an argument is out of range.
   */
  append(pcr: number, type: number, digest: Uint8Array, digestOff: number,
    data: Uint8Array, dataOff: number, dataLen: number): boolean {
    if (!this.fits(dataLen) || pcr < 0 || pcr > 23 || digestOff < 0 ||
      digestOff + SHA256_SIZE > digest.length || dataOff < 0 || dataOff + dataLen > data.length) return false;
    const at = this.putFixed(pcr, type >>> 0, digest, digestOff, dataLen);
    for (let i = 0; i < dataLen; i++) this.buf[at + i] = data[dataOff + i];
    this.close(dataLen);
    return true;
  }

  /**
   * `append` with the event data the ASCII text `prefix` followed by `name` (no NUL), e.g.
   * ("tshype label ", "linux"). Returns false, writing nothing, as `append` does, or if a
   * character is outside printable ASCII.
   */
  appendText(pcr: number, type: number, digest: Uint8Array, digestOff: number,
    prefix: string, name: string): boolean {
    const dataLen = prefix.length + name.length;
    if (!this.fits(dataLen) || pcr < 0 || pcr > 23 || digestOff < 0 ||
      digestOff + SHA256_SIZE > digest.length || !printable(prefix) || !printable(name)) return false;
    const at = this.putFixed(pcr, type >>> 0, digest, digestOff, dataLen);
    for (let i = 0; i < prefix.length; i++) this.buf[at + i] = prefix.charCodeAt(i);
    for (let i = 0; i < name.length; i++) this.buf[at + prefix.length + i] = name.charCodeAt(i);
    this.close(dataLen);
    return true;
  }
}

function printable(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20 || c > 0x7e) return false;
  }
  return true;
}

/** Bytes of `appendText`'s event data for `prefix` and `name`. */
export function textDataLength(prefix: string, name: string): number {
  return prefix.length + name.length;
}

/**
 * The `linux,sml-base` property value (8 bytes at `out[off]`): the log area's real address in
 * the partition. Linux 6.1 reads it, and `linux,sml-size`, in its own CPU byte order for a node
 * compatible with "IBM,vtpm" or "IBM,vtpm20" (drivers/char/tpm/eventlog/of.c: on pseries,
 * SLOF's sml-handover writes them so) and big-endian for any other node: `littleEndian` true
 * for a little-endian guest (ppc64el), false for a big-endian one. Returns false (nothing
 * written) if the 8 bytes do not fit.
 */
export function putSmlBase(out: Uint8Array, off: number, base: u64, littleEndian: boolean): boolean {
  if (off < 0 || off + SML_BASE_SIZE > out.length) return false;
  for (let i = 0; i < SML_BASE_SIZE; i++) {
    const v = Number((base >> BigInt.asUintN(64, BigInt(8 * i))) & 0xffn);
    out[littleEndian ? off + i : off + SML_BASE_SIZE - 1 - i] = v;
  }
  return true;
}

/**
 * The `linux,sml-size` property value (4 bytes at `out[off]`), in the byte order `putSmlBase`
 * describes; `size` is the log area's size (`areaSize()`), 1..2^32-1. Returns false (nothing
 * written) if the bytes do not fit or the size is out of range.
 */
export function putSmlSize(out: Uint8Array, off: number, size: number, littleEndian: boolean): boolean {
  if (off < 0 || off + SML_SIZE_SIZE > out.length || size <= 0 || size > 0xffffffff) return false;
  for (let i = 0; i < SML_SIZE_SIZE; i++) {
    const v = (size >>> (8 * i)) & 0xff;
    out[littleEndian ? off + i : off + SML_SIZE_SIZE - 1 - i] = v;
  }
  return true;
}
