/**
 * Host-side pieces for tests of a partition's vTPM and its measured launch (docs/vtpm.md):
 *
 * - `parseEventLog`: a reader of the TCG crypto-agile event log (PC Client Platform Firmware
 *   Profile), written here from the specification's byte layout and independent of the writer
 *   (lpar/eventlog.ts), which the unit test checks with it; `replayPcrs` replays it.
 * - `launchPcr` / `expectedLaunchPcrs`: what PCR 17..20 must hold after TPM2_Startup(CLEAR):
 *   SHA-256(32 zero bytes || SHA-256(measured bytes)).
 * - Reading a guest's console: `bytesFromOd` / `bytesFromBase64` turn the output lines of
 *   `od -An -tx1 -v FILE` / `base64 FILE` (busybox, in the test initramfs) back into bytes,
 *   `pcrFromSysfs` reads /sys/class/tpm/tpm0/pcr-sha256/N.
 *
 * In a Linux guest (scripts/linux/fetch.sh's initramfs mounts securityfs), with a
 * ConsoleSession `s` (test/system/console.ts) and the partition named 'linux':
 *
 *   const lines = await s.shell('linux', `od -An -tx1 -v ${BIOS_MEASUREMENTS}`);
 *   const log = parseEventLog(bytesFromOd(lines));
 *   const pcrs = replayPcrs(log);
 *   expect(pcrs.get(17)).to.deep.equal(launchPcr(fs.readFileSync('build/linux/vmlinux')));
 *   const [v] = await s.shell('linux', 'cat /sys/class/tpm/tpm0/pcr-sha256/17');
 *   expect(pcrFromSysfs(v)).to.deep.equal(pcrs.get(17));
 *
 * Every function throws an Error naming the problem (and the byte offset) on malformed input.
 */
import * as crypto from 'crypto';
import * as fs from 'fs';

/** Where Linux exposes the firmware event log (drivers/char/tpm/eventlog/common.c). */
export const BIOS_MEASUREMENTS = '/sys/kernel/security/tpm0/binary_bios_measurements';
/** The shell command that dumps a file on the console in the form `bytesFromOd` reads. */
export function odCommand(path: string): string {
  return `od -An -tx1 -v ${path}`;
}

export const EV_NO_ACTION = 0x03;
export const EV_IPL = 0x0d;
export const ALG_SHA1 = 0x0004;
export const ALG_SHA256 = 0x000b;
/** The measured-launch PCRs (docs/vtpm.md). */
export const LAUNCH_PCRS = { image: 17, initrd: 18, devtree: 19, label: 20 };

export interface SpecIdEvent {
  signature: string;
  platformClass: number;
  specVersionMinor: number;
  specVersionMajor: number;
  specErrata: number;
  uintnSize: number;
  algorithms: { algorithmId: number; digestSize: number }[];
  vendorInfo: Buffer;
}

export interface LogEvent {
  /** Byte offset of the event in the log, and its size. */
  offset: number;
  size: number;
  pcrIndex: number;
  eventType: number;
  digests: { algorithmId: number; digest: Buffer }[];
  data: Buffer;
}

export interface EventLog {
  /** The first event (TCG_PCR_EVENT): PCR index, type, its 20-byte digest and the Spec ID event. */
  header: { pcrIndex: number; eventType: number; digest: Buffer; eventSize: number; specId: SpecIdEvent };
  /** The TCG_PCR_EVENT2 entries after it. */
  events: LogEvent[];
  /** Bytes of header and events. */
  length: number;
  /** How many zero bytes followed the last event (0 for Linux's binary_bios_measurements). */
  zeroTail: number;
}

/** Little-endian field reads that fail with the offset instead of reading past the end. */
class Cursor {
  constructor(readonly b: Buffer, public at: number) {}
  need(n: number, what: string): void {
    if (this.at + n > this.b.length) {
      throw new Error(`event log: ${what} at offset ${this.at} needs ${n} bytes, ${this.b.length - this.at} left`);
    }
  }
  u8(what: string): number { this.need(1, what); return this.b[this.at++]; }
  u16(what: string): number { this.need(2, what); const v = this.b.readUInt16LE(this.at); this.at += 2; return v; }
  u32(what: string): number { this.need(4, what); const v = this.b.readUInt32LE(this.at); this.at += 4; return v; }
  bytes(n: number, what: string): Buffer {
    this.need(n, what);
    const v = this.b.subarray(this.at, this.at + n);
    this.at += n;
    return Buffer.from(v);
  }
}

/** The TCG_EfiSpecIdEventStruct in `data` (the header event's data). */
function parseSpecId(data: Buffer): SpecIdEvent {
  const c = new Cursor(data, 0);
  const sig = c.bytes(16, 'Spec ID signature');
  if (sig.toString('latin1') !== 'Spec ID Event03\0') {
    throw new Error(`event log: not a crypto-agile log (signature ${JSON.stringify(sig.toString('latin1'))})`);
  }
  const platformClass = c.u32('platformClass');
  const specVersionMinor = c.u8('specVersionMinor');
  const specVersionMajor = c.u8('specVersionMajor');
  const specErrata = c.u8('specErrata');
  const uintnSize = c.u8('uintnSize');
  const n = c.u32('numberOfAlgorithms');
  if (n < 1 || n > 16) throw new Error(`event log: numberOfAlgorithms ${n}`);
  const algorithms = [];
  for (let i = 0; i < n; i++) {
    algorithms.push({ algorithmId: c.u16('algorithmId'), digestSize: c.u16('digestSize') });
  }
  const vendorInfo = c.bytes(c.u8('vendorInfoSize'), 'vendorInfo');
  if (c.at !== data.length) throw new Error(`event log: Spec ID event has ${data.length - c.at} bytes after vendorInfo`);
  return { signature: sig.toString('latin1', 0, 15), platformClass, specVersionMinor, specVersionMajor, specErrata,
    uintnSize, algorithms, vendorInfo };
}

/**
 * Parse a crypto-agile event log: the TCG_PCR_EVENT header (PCR 0, EV_NO_ACTION, zero digest,
 * Spec ID event), then TCG_PCR_EVENT2 entries until the bytes end. Zero bytes after the last
 * event (a writer's padding, at least 12 of them: a zero count) end the log. Throws on anything
 * else: a truncated event, a digest count other than the Spec ID's number of algorithms, an
 * algorithm it did not announce.
 */
export function parseEventLog(bytes: Uint8Array): EventLog {
  const b = Buffer.from(bytes);
  const c = new Cursor(b, 0);
  const pcrIndex = c.u32('header pcrIndex');
  const eventType = c.u32('header eventType');
  const digest = c.bytes(20, 'header digest');
  const eventSize = c.u32('header eventSize');
  if (pcrIndex !== 0 || eventType !== EV_NO_ACTION || !digest.equals(Buffer.alloc(20))) {
    throw new Error(`event log: first event is not the Spec ID event (PCR ${pcrIndex}, type ${eventType})`);
  }
  const specId = parseSpecId(c.bytes(eventSize, 'Spec ID event'));
  const sizes = new Map(specId.algorithms.map(a => [a.algorithmId, a.digestSize]));
  const events: LogEvent[] = [];
  for (;;) {
    if (c.at === b.length) break;
    const rest = b.subarray(c.at);
    if (rest.every(x => x === 0)) {
      if (rest.length < 12) throw new Error(`event log: ${rest.length} zero bytes after the last event (fewer than 12)`);
      break;
    }
    const offset = c.at;
    const ev: LogEvent = { offset, size: 0, pcrIndex: c.u32('pcrIndex'), eventType: c.u32('eventType'),
      digests: [], data: Buffer.alloc(0) };
    const count = c.u32('digest count');
    if (count !== specId.algorithms.length) {
      throw new Error(`event log: event at ${offset} has ${count} digests, the Spec ID event announces ${specId.algorithms.length}`);
    }
    for (let i = 0; i < count; i++) {
      const algorithmId = c.u16('hashAlg');
      const size = sizes.get(algorithmId);
      if (size === undefined) throw new Error(`event log: event at ${offset} has unannounced algorithm 0x${algorithmId.toString(16)}`);
      ev.digests.push({ algorithmId, digest: c.bytes(size, 'digest') });
    }
    ev.data = c.bytes(c.u32('eventSize'), 'event data');
    ev.size = c.at - offset;
    events.push(ev);
  }
  const length = events.length === 0 ? c.at : events[events.length - 1].offset + events[events.length - 1].size;
  return { header: { pcrIndex, eventType, digest, eventSize, specId }, events, length, zeroTail: b.length - length };
}

const sha256 = (data: Uint8Array): Buffer => crypto.createHash('sha256').update(data).digest();

/** PCR = SHA-256(pcr || digest). */
export function extend(pcr: Buffer, digest: Buffer): Buffer {
  return sha256(Buffer.concat([pcr, digest]));
}

/**
 * Replay the log's SHA-256 bank: every PCR an event names starts at 32 zero bytes and is
 * extended with each event's SHA-256 digest, in order; EV_NO_ACTION events extend nothing.
 * Returns the PCRs that were extended.
 */
export function replayPcrs(log: EventLog): Map<number, Buffer> {
  const pcrs = new Map<number, Buffer>();
  for (const ev of log.events) {
    if (ev.eventType === EV_NO_ACTION) continue;
    const d = ev.digests.find(x => x.algorithmId === ALG_SHA256);
    if (!d) throw new Error(`event log: event at ${ev.offset} has no SHA-256 digest`);
    pcrs.set(ev.pcrIndex, extend(pcrs.get(ev.pcrIndex) ?? Buffer.alloc(32), d.digest));
  }
  return pcrs;
}

/** A launch PCR after TPM2_Startup(CLEAR): SHA-256(32 zero bytes || SHA-256(data)). */
export function launchPcr(data: Uint8Array): Buffer {
  return extend(Buffer.alloc(32), sha256(data));
}

/**
 * The launch PCRs of a partition from its image and initrd files (PCR 17, and 18 when there
 * is an initrd); add 19 and 20 from `launchPcr(deviceTreeBytes)` and
 * `launchPcr(Buffer.from(labelName, 'latin1'))` when the test has them.
 */
export function expectedLaunchPcrs(imageFile: string, initrdFile?: string): Map<number, Buffer> {
  const pcrs = new Map<number, Buffer>([[LAUNCH_PCRS.image, launchPcr(fs.readFileSync(imageFile))]]);
  if (initrdFile !== undefined) pcrs.set(LAUNCH_PCRS.initrd, launchPcr(fs.readFileSync(initrdFile)));
  return pcrs;
}

/**
 * The bytes of `od -An -tx1 -v` output lines (`ConsoleSession.shell` lines): each line is
 * two-digit hex bytes separated by spaces. Throws on any other line, so a kernel message
 * mixed into the dump fails the test instead of corrupting the bytes.
 */
export function bytesFromOd(lines: string[]): Buffer {
  const out: number[] = [];
  for (const raw of lines) {
    const line = raw.trim();
    if (line === '') continue;
    if (!/^[0-9a-fA-F]{2}( +[0-9a-fA-F]{2})*$/.test(line)) throw new Error(`od dump: unexpected line ${JSON.stringify(raw)}`);
    for (const h of line.split(/ +/)) out.push(parseInt(h, 16));
  }
  return Buffer.from(out);
}

/** The bytes of `base64 FILE` output lines; throws on a line that is not base64. */
export function bytesFromBase64(lines: string[]): Buffer {
  const text = lines.map(l => l.trim()).filter(l => l !== '').join('');
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(text) || text.length % 4 !== 0) throw new Error(`base64 dump: not base64: ${JSON.stringify(text.slice(0, 80))}`);
  return Buffer.from(text, 'base64');
}

/** A PCR value as /sys/class/tpm/tpm0/pcr-sha256/N prints it (64 hex digits, upper case). */
export function pcrFromSysfs(line: string): Buffer {
  const t = line.trim();
  if (!/^[0-9a-fA-F]{64}$/.test(t)) throw new Error(`pcr-sha256: not a SHA-256 PCR value: ${JSON.stringify(line)}`);
  return Buffer.from(t, 'hex');
}

/** PCRs as tpm2_eventlog's YAML prints them (`pcrs: sha256: N : 0x…`). */
export function pcrsFromTpm2Eventlog(yaml: string): Map<number, Buffer> {
  const pcrs = new Map<number, Buffer>();
  const lines = yaml.split('\n');
  let i = lines.findIndex(l => l.trimEnd() === 'pcrs:');
  if (i < 0) return pcrs;
  while (++i < lines.length && lines[i].trim() !== 'sha256:') { /* other banks first */ }
  for (i++; i < lines.length; i++) {
    const m = /^\s+(\d+)\s*:\s*0x([0-9a-fA-F]+)\s*$/.exec(lines[i]);
    if (!m) break;
    pcrs.set(Number(m[1]), Buffer.from(m[2], 'hex'));
  }
  return pcrs;
}
