/**
 * lpar/eventlog.ts: the measured-launch event log, read back by the independent reader of
 * test/system/tpm-helpers.ts (every field, PCR replay) and by stock tpm2_eventlog (tpm2-tools,
 * installed by scripts/install-deps.sh), whose PCRs must equal the replay; refusals change
 * nothing; the sml-base/size property bytes.
 */
import { expect } from 'chai';
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { spawnSync } from 'child_process';
import {
  EventLogWriter, EV_IPL, EVENTLOG_HEADER_SIZE, EVENTLOG_TAIL_SIZE, PCR_IMAGE, PCR_INITRD, PCR_DEVTREE,
  PCR_LABEL, eventLogAreaSize, eventSize, textDataLength, putSmlBase, putSmlSize,
} from '../../lpar/eventlog';
import {
  parseEventLog, replayPcrs, launchPcr, extend, pcrsFromTpm2Eventlog, bytesFromOd, bytesFromBase64,
  pcrFromSysfs, ALG_SHA256, EV_NO_ACTION,
} from '../system/tpm-helpers';

const sha256 = (d: Uint8Array): Buffer => crypto.createHash('sha256').update(d).digest();
const ascii = (s: string): Buffer => Buffer.from(s, 'latin1');

/** Deterministic pseudo-random bytes (xorshift32). */
function prng(seed: number): (n: number) => Buffer {
  let s = seed >>> 0 || 1;
  return (n: number) => {
    const out = Buffer.alloc(n);
    for (let i = 0; i < n; i++) {
      s ^= s << 13; s >>>= 0; s ^= s >>> 17; s ^= s << 5; s >>>= 0;
      out[i] = s & 0xff;
    }
    return out;
  };
}

const rand = prng(0x5eed);
const KERNEL = rand(5000);
const INITRD = rand(3000);
const DEVTREE = rand(700);
const LABEL = 'linux';

interface Written { w: EventLogWriter; buf: Uint8Array; ok: boolean[] }

/** The launch log of a Linux partition (the initrd only when `withInitrd`) at buf[off]. */
function writeLaunchLog(buf: Uint8Array, off: number, cap: number, withInitrd = true): Written {
  const w = new EventLogWriter();
  const ok = [w.start(buf, off, cap)];
  ok.push(w.appendText(PCR_IMAGE, EV_IPL, sha256(KERNEL), 0, 'tshype kernel ', 'vmlinux'));
  if (withInitrd) ok.push(w.appendText(PCR_INITRD, EV_IPL, sha256(INITRD), 0, 'tshype initrd ', 'initrd.cpio.gz'));
  const dtText = ascii('tshype device tree');
  ok.push(w.append(PCR_DEVTREE, EV_IPL, sha256(DEVTREE), 0, dtText, 0, dtText.length));
  ok.push(w.appendText(PCR_LABEL, EV_IPL, sha256(ascii(LABEL)), 0, 'tshype label ', LABEL));
  return { w, buf, ok };
}

const EXPECTED_EVENTS = [
  { pcr: 17, data: 'tshype kernel vmlinux', measured: KERNEL },
  { pcr: 18, data: 'tshype initrd initrd.cpio.gz', measured: INITRD },
  { pcr: 19, data: 'tshype device tree', measured: DEVTREE },
  { pcr: 20, data: 'tshype label linux', measured: ascii(LABEL) },
];

/** The 65 header bytes, spelled out from the PFP's TCG_PCR_EVENT and TCG_EfiSpecIdEventStruct. */
const HEADER_HEX =
  '00000000' + '03000000' + '00'.repeat(20) + '21000000' +          // PCR 0, EV_NO_ACTION, zero digest, 33 bytes
  Buffer.from('Spec ID Event03\0', 'latin1').toString('hex') +       // signature
  '00000000' + '00' + '02' + '02' + '02' +                           // client, 2.0 errata 2, UINTN 64-bit
  '01000000' + '0b00' + '2000' + '00';                               // one algorithm: SHA-256, 32; no vendor info

function tpm2Eventlog(bytes: Uint8Array): { status: number | null; stdout: string; stderr: string } {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'evlog-')), 'log.bin');
  fs.writeFileSync(file, bytes);
  const r = spawnSync('tpm2_eventlog', [file], { encoding: 'latin1' });
  fs.rmSync(path.dirname(file), { recursive: true, force: true });
  if (r.error) throw new Error(`tpm2_eventlog (tpm2-tools; make deps installs it): ${r.error.message}`);
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('lpar/eventlog: the measured-launch event log', () => {
  it('start + appends: the header bytes exactly, every event field as the reader sees it, the zero tail', () => {
    const { w, buf, ok } = writeLaunchLog(new Uint8Array(1024).fill(0xee), 0, 1024);
    expect(ok).to.deep.equal([true, true, true, true, true]);
    const area = Buffer.from(buf.subarray(0, w.areaSize()));
    expect(area.subarray(0, EVENTLOG_HEADER_SIZE).toString('hex')).to.equal(HEADER_HEX);
    const log = parseEventLog(area);
    expect(log.header.specId).to.deep.include({ signature: 'Spec ID Event03', platformClass: 0, specVersionMinor: 0,
      specVersionMajor: 2, specErrata: 2, uintnSize: 2 });
    expect(log.header.specId.algorithms).to.deep.equal([{ algorithmId: ALG_SHA256, digestSize: 32 }]);
    expect(log.events.map(e => ({ pcr: e.pcrIndex, type: e.eventType, data: e.data.toString('latin1'),
      digests: e.digests.map(d => [d.algorithmId, d.digest.toString('hex')]) })))
      .to.deep.equal(EXPECTED_EVENTS.map(e => ({ pcr: e.pcr, type: EV_IPL, data: e.data,
        digests: [[ALG_SHA256, sha256(e.measured).toString('hex')]] })));
    expect(log.length).to.equal(w.length());
    expect(log.zeroTail).to.equal(EVENTLOG_TAIL_SIZE);
    expect(w.count()).to.equal(4);
    expect(buf[w.areaSize()], 'nothing written after the tail').to.equal(0xee);
  });

  it('replay: PCR n = SHA-256(zeros32 || SHA-256(measured bytes)) for 17..20', () => {
    const { w, buf } = writeLaunchLog(new Uint8Array(1024), 0, 1024);
    const pcrs = replayPcrs(parseEventLog(buf.subarray(0, w.length())));
    expect([...pcrs.keys()]).to.deep.equal([17, 18, 19, 20]);
    for (const e of EXPECTED_EVENTS) expect(pcrs.get(e.pcr)!.toString('hex')).to.equal(launchPcr(e.measured).toString('hex'));
    expect(launchPcr(KERNEL)).to.deep.equal(sha256(Buffer.concat([Buffer.alloc(32), sha256(KERNEL)])));
  });

  it('eventLogAreaSize and eventSize predict areaSize() and length() before writing (with and without an initrd)', () => {
    for (const withInitrd of [true, false]) {
      const lens = new Uint32Array([textDataLength('tshype kernel ', 'vmlinux'), textDataLength('tshype initrd ', 'initrd.cpio.gz'),
        'tshype device tree'.length, textDataLength('tshype label ', LABEL)]);
      const used = withInitrd ? lens : new Uint32Array([lens[0], lens[2], lens[3]]);
      const { w } = writeLaunchLog(new Uint8Array(1024), 0, 1024, withInitrd);
      expect(w.areaSize()).to.equal(eventLogAreaSize(used, used.length));
      expect(w.length()).to.equal(EVENTLOG_HEADER_SIZE + [...used].reduce((a, n) => a + eventSize(n), 0));
    }
    expect(eventLogAreaSize(new Uint32Array(0), 0)).to.equal(65 + 16);
    expect(eventLogAreaSize(new Uint32Array(2), 3)).to.equal(-1);
    expect(eventLogAreaSize(new Uint32Array(2), -1)).to.equal(-1);
  });

  it('stock tpm2_eventlog parses the log (exact and with its zero tail); its PCRs equal the replay', () => {
    const { w, buf } = writeLaunchLog(new Uint8Array(1024), 0, 1024);
    const replay = replayPcrs(parseEventLog(buf.subarray(0, w.length())));
    for (const bytes of [buf.subarray(0, w.length()), buf.subarray(0, w.areaSize())]) {
      const r = tpm2Eventlog(bytes);
      expect(r.status, r.stderr).to.equal(0);
      // tpm2-tools 5.4 expects EV_IPL in PCR 8, 9, 12 or 14 (UEFI boot chains) and says so, nothing else
      const stderr = r.stderr.split('\n').filter(l => l !== '');
      expect(stderr.filter(l => !/^WARN: Event [1-4] is unexectedly not extending either PCR 8, 9, 12 or 14$/.test(l)), r.stderr)
        .to.deep.equal([]);
      expect(r.stdout).to.contain('Signature: Spec ID Event03');
      for (const e of EXPECTED_EVENTS) expect(r.stdout).to.contain(`"${e.data}"`);
      expect((r.stdout.match(/EventType: EV_IPL/g) ?? []).length).to.equal(4);
      const theirs = pcrsFromTpm2Eventlog(r.stdout);
      expect([...theirs.keys()]).to.deep.equal([17, 18, 19, 20]);
      for (const [n, v] of replay) expect(theirs.get(n)!.toString('hex'), `PCR ${n}`).to.equal(v.toString('hex'));
    }
  });

  it('tpm2_eventlog and the reader agree on random logs (random PCRs, data lengths 0..300, offsets)', () => {
    const r = prng(77);
    for (let round = 0; round < 6; round++) {
      const n = 1 + (r(1)[0] % 12);
      const off = r(1)[0] % 40;
      const buf = new Uint8Array(off + 65 + 16 + n * 350);
      const w = new EventLogWriter();
      expect(w.start(buf, off, buf.length - off)).to.equal(true);
      const lens = new Uint32Array(n);
      for (let i = 0; i < n; i++) {
        const data = r(r(2).readUInt16LE(0) % 301);
        lens[i] = data.length;
        expect(w.append(r(1)[0] % 24, EV_IPL, sha256(data), 0, data, 0, data.length)).to.equal(true);
      }
      expect(w.areaSize()).to.equal(eventLogAreaSize(lens, n));
      const bytes = buf.subarray(off, off + w.length());
      const replay = replayPcrs(parseEventLog(bytes));
      const out = tpm2Eventlog(bytes);
      expect(out.status, out.stderr).to.equal(0);
      const theirs = pcrsFromTpm2Eventlog(out.stdout);
      expect([...theirs.keys()].sort((a, b) => a - b)).to.deep.equal([...replay.keys()].sort((a, b) => a - b));
      for (const [k, v] of replay) expect(theirs.get(k)!.toString('hex'), `round ${round} PCR ${k}`).to.equal(v.toString('hex'));
    }
  });

  it('refusals change nothing: too small for the header, for an event, bad PCR, digest or data range, non-ASCII text', () => {
    const full = writeLaunchLog(new Uint8Array(1024), 0, 1024).w.areaSize();
    // every capacity below the full size: the calls that fit succeed, the rest refuse and leave the area valid
    for (let cap = 0; cap < full; cap++) {
      const buf = new Uint8Array(1024).fill(0x5a);
      const { w, ok } = writeLaunchLog(buf, 3, cap);
      expect(ok.includes(false), `cap ${cap}`).to.equal(true);
      // an event is written exactly when it and the tail fit after what is already there
      let used = EVENTLOG_HEADER_SIZE;
      const expected = [cap >= used + EVENTLOG_TAIL_SIZE];
      for (const e of EXPECTED_EVENTS) {
        const size = eventSize(e.data.length);
        expected.push(expected[0] && used + size + EVENTLOG_TAIL_SIZE <= cap);
        if (expected[expected.length - 1]) used += size;
      }
      expect(ok, `cap ${cap}`).to.deep.equal(expected);
      expect(w.areaSize()).to.be.at.most(cap);
      expect(buf[0], 'nothing before the offset').to.equal(0x5a);
      for (let i = 3 + w.areaSize(); i < buf.length; i++) expect(buf[i], `cap ${cap}: byte ${i} past the area`).to.equal(0x5a);
      if (w.areaSize() > 0) {
        expect(parseEventLog(buf.subarray(3, 3 + w.areaSize())).events.length).to.equal(w.count());
      } else {
        expect(cap).to.be.below(EVENTLOG_HEADER_SIZE + EVENTLOG_TAIL_SIZE);
      }
    }
    expect(writeLaunchLog(new Uint8Array(1024), 0, full).ok).to.deep.equal([true, true, true, true, true]);
    // bad arguments on a log with room to spare
    const buf = new Uint8Array(512);
    const w = new EventLogWriter();
    expect(w.start(buf, 0, 512)).to.equal(true);
    const before = Buffer.from(buf);
    const d = sha256(KERNEL);
    expect(w.append(24, EV_IPL, d, 0, KERNEL, 0, 4)).to.equal(false);
    expect(w.append(-1, EV_IPL, d, 0, KERNEL, 0, 4)).to.equal(false);
    expect(w.append(17, EV_IPL, d, 1, KERNEL, 0, 4), 'digest past its array').to.equal(false);
    expect(w.append(17, EV_IPL, d, 0, KERNEL, KERNEL.length - 3, 4), 'data past its array').to.equal(false);
    expect(w.append(17, EV_IPL, d, 0, KERNEL, 0, -1)).to.equal(false);
    expect(w.appendText(20, EV_IPL, d, 0, 'tshype label ', 'caf\u00e9')).to.equal(false);
    expect(w.appendText(20, EV_IPL, d, 0, 'tshype\n', 'x')).to.equal(false);
    expect(Buffer.from(buf).equals(before)).to.equal(true);
    expect([w.length(), w.count()]).to.deep.equal([EVENTLOG_HEADER_SIZE, 0]);
    // start refusals: negative offset or capacity, offset past the buffer, buffer shorter than cap
    const small = new Uint8Array(100).fill(7);
    expect(new EventLogWriter().start(small, -1, 100)).to.equal(false);
    expect(new EventLogWriter().start(small, 0, -5)).to.equal(false);
    expect(new EventLogWriter().start(small, 101, 10)).to.equal(false);
    expect(new EventLogWriter().start(small, 30, 1000), 'only 70 bytes left in the buffer').to.equal(false);
    expect(small.every(x => x === 7)).to.equal(true);
    // appends after a refused start are refused
    const dead = new EventLogWriter();
    dead.start(small, 0, 10);
    expect(dead.appendText(17, EV_IPL, d, 0, 'a', 'b')).to.equal(false);
    expect([dead.length(), dead.areaSize(), dead.count()]).to.deep.equal([0, 0, 0]);
  });

  it('Linux 6.1 tpm2.c rules: every event is shown when sml-size = areaSize(); with the exact length the last one would not be', () => {
    // Linux shows an event only if it ends strictly before the end of the area, and stops at
    // the first bytes whose digest count differs from the Spec ID's (drivers/char/tpm/eventlog/tpm2.c)
    const shown = (area: Buffer): number => {
      const log = parseEventLog(area);
      let n = 0;
      for (const e of log.events) {
        if (e.offset + e.size >= area.length) break;
        n++;
      }
      const after = log.length < area.length && log.length + 12 <= area.length ? area.readUInt32LE(log.length + 8) : -1;
      expect(after, 'what follows the last event reads as a zero digest count, inside the area').to.be.oneOf([0, -1]);
      return n;
    };
    const { w, buf } = writeLaunchLog(new Uint8Array(1024).fill(0xff), 0, 1024);
    expect(shown(Buffer.from(buf.subarray(0, w.areaSize())))).to.equal(4);
    expect(shown(Buffer.from(buf.subarray(0, w.length())))).to.equal(3);
  });

  it('the reader can fail: truncation, a wrong digest count, a bad signature, a flipped digest bit', () => {
    const { w, buf } = writeLaunchLog(new Uint8Array(1024), 0, 1024);
    const good = Buffer.from(buf.subarray(0, w.length()));
    expect(() => parseEventLog(good.subarray(0, good.length - 1))).to.throw(/needs/);
    const count = Buffer.from(good); count.writeUInt32LE(2, 65 + 8);
    expect(() => parseEventLog(count)).to.throw(/digests/);
    const sig = Buffer.from(good); sig[32 + 14] = 0x34;
    expect(() => parseEventLog(sig)).to.throw(/not a crypto-agile log/);
    const flip = Buffer.from(good); flip[65 + 14] ^= 1;
    expect(replayPcrs(parseEventLog(flip)).get(17)).to.not.deep.equal(replayPcrs(parseEventLog(good)).get(17));
    expect(parseEventLog(good).events.every(e => e.eventType !== EV_NO_ACTION)).to.equal(true);
  });

  it('putSmlBase / putSmlSize: the property bytes in the guest\'s byte order (ppc64el: little-endian)', () => {
    const b = new Uint8Array(8);
    expect(putSmlBase(b, 0, 0x0000000012345000n, true)).to.equal(true);
    expect(Buffer.from(b).toString('hex')).to.equal('0050341200000000');
    expect(putSmlBase(b, 0, 0x0123456789abcdefn, false)).to.equal(true);
    expect(Buffer.from(b).toString('hex')).to.equal('0123456789abcdef');
    const s = new Uint8Array(4);
    expect(putSmlSize(s, 0, 0x1a3, true)).to.equal(true);
    expect(Buffer.from(s).toString('hex')).to.equal('a3010000');
    expect(putSmlSize(s, 0, 0xfedcba98, false)).to.equal(true);
    expect(Buffer.from(s).toString('hex')).to.equal('fedcba98');
    expect(putSmlSize(s, 1, 5, true)).to.equal(false);
    expect(putSmlSize(s, 0, 0, true)).to.equal(false);
    expect(putSmlSize(s, 0, 0x100000000, true)).to.equal(false);
    expect(putSmlBase(b, 1, 5n, true)).to.equal(false);
    expect(Buffer.from(s).toString('hex'), 'refusals wrote nothing').to.equal('fedcba98');
  });
});

describe('test/system/tpm-helpers: console dumps and PCR values', () => {
  it('bytesFromOd / bytesFromBase64 give back the bytes of od -An -tx1 -v and base64 output; stray lines throw', () => {
    const data = rand(70);
    const od: string[] = [];
    for (let i = 0; i < data.length; i += 16) {
      od.push(' ' + [...data.subarray(i, i + 16)].map(x => x.toString(16).padStart(2, '0')).join(' ') + '\r');
    }
    expect(bytesFromOd(od)).to.deep.equal(data);
    expect(() => bytesFromOd([...od, '[   12.3] tpm_ibmvtpm 30000003: CRQ initialized'])).to.throw(/unexpected line/);
    const b64 = data.toString('base64').match(/.{1,76}/g)!;
    expect(bytesFromBase64(b64)).to.deep.equal(data);
    expect(() => bytesFromBase64(['not base64!'])).to.throw(/not base64/);
  });

  it('pcrFromSysfs reads pcr-sha256/N; extend chains', () => {
    const v = launchPcr(KERNEL);
    expect(pcrFromSysfs(v.toString('hex').toUpperCase() + '\n')).to.deep.equal(v);
    expect(() => pcrFromSysfs('abc')).to.throw(/not a SHA-256/);
    expect(extend(Buffer.alloc(32), sha256(KERNEL))).to.deep.equal(v);
  });
});
