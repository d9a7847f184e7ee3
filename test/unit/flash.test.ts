/**
 * The flash image format and tshype-flash: pack/verify round trips, every refusal class with
 * its status, message and exit code, single-bit flips always detected, reproducible packing.
 * Payloads are synthetic (seeded random bytes, a hand-built ppc64 ELF).
 */
import { expect } from 'chai';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import {
  decodeHeader, encodeHeader, FlashHeader, HEADER_SIZE, HEADER_SIZE_MAX, ImageKind, Machine, MAGIC, OFF, PAYLOAD_MAX, sealHeader, sha256,
} from '../../scripts/flash/format';
import {
  EXIT, exitCodeFor, MAX_IMAGE_BYTES, packImage, PackError, PackInput, VerifyStatus, verifyImage,
} from '../../scripts/flash/image';
import { defaultVersion } from '../../scripts/flash/tshype-flash';

const CLI = path.join(__dirname, '..', '..', 'scripts', 'flash', 'tshype-flash.cjs');
const EPOCH = 1700000000n;

/** xorshift32: deterministic pseudo-random numbers for payloads and bit positions. */
function rng(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => { x ^= x << 13; x ^= x >>> 17; x ^= x << 5; return (x >>>= 0); };
}

function randomBytes(n: number, seed: number): Buffer {
  const next = rng(seed);
  return Buffer.from(Array.from({ length: n }, () => next() & 0xff));
}

/** A minimal 64-bit big-endian PowerPC64 executable: one PT_LOAD at file offset 0x100, vaddr 0x30000000, entry 0x30000040. */
function ppc64Elf(): Buffer {
  const b = Buffer.alloc(0x400);
  Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 2, 1]).copy(b);
  b.writeUInt16BE(2, 16); // ET_EXEC
  b.writeUInt16BE(21, 18); // EM_PPC64
  b.writeUInt32BE(1, 20);
  b.writeBigUInt64BE(0x30000040n, 24); // e_entry
  b.writeBigUInt64BE(64n, 32); // e_phoff
  b.writeUInt16BE(64, 52);
  b.writeUInt16BE(56, 54);
  b.writeUInt16BE(1, 56);
  b.writeUInt32BE(1, 64); // PT_LOAD
  b.writeBigUInt64BE(0x100n, 64 + 8); // p_offset
  b.writeBigUInt64BE(0x30000000n, 64 + 16); // p_vaddr
  b.writeBigUInt64BE(0x300n, 64 + 32); // p_filesz
  b.writeBigUInt64BE(0x300n, 64 + 40); // p_memsz
  return b;
}

function pack(over: Partial<PackInput> = {}): Buffer {
  return packImage({
    machine: Machine.Pseries, kind: ImageKind.Bios, payload: randomBytes(3000, 7), version: 'tshype-test 1.0', buildTime: EPOCH, ...over,
  });
}

/** A copy of `image` with `edit` applied to it and the header SHA-256 recomputed. */
function resealed(image: Buffer, edit: (b: Buffer) => void): Buffer {
  const b = Buffer.from(image);
  edit(b);
  sealHeader(b);
  return b;
}

/** A sealed image from explicit header fields (for headers pack would never write). */
function crafted(over: Partial<FlashHeader>, payload = randomBytes(3000, 7)): Buffer {
  const h: FlashHeader = {
    ...decodeHeader(pack()), payloadSize: BigInt(payload.length), payloadSha256: sha256(payload), ...over,
  };
  return Buffer.concat([encodeHeader(h), payload]);
}

function verifyAs(bytes: Buffer, machine?: Machine) {
  return verifyImage(bytes, { name: 'build/x.flash', machine });
}

function tempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'tshype-flash-'));
}

function cli(args: string[], env: NodeJS.ProcessEnv = {}): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', env: { ...process.env, SOURCE_DATE_EPOCH: '', ...env } });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('flash image', () => {
  describe('packImage', () => {
    it('packImage: lays out the header as documented, payload page-aligned after it', () => {
      const payload = randomBytes(3000, 1);
      const img = pack({ payload });
      expect(img.length).to.equal(HEADER_SIZE + 3000);
      expect(img.subarray(0, 8).toString('ascii')).to.equal('TSHYPEFW');
      expect(img.readUInt16BE(0x08)).to.equal(1);
      expect(img.readUInt16BE(0x0a)).to.equal(0);
      expect(img.readUInt32BE(0x0c)).to.equal(0x1000);
      expect(img.readUInt16BE(0x34)).to.equal(Machine.Pseries);
      expect(img.readUInt16BE(0x36)).to.equal(ImageKind.Bios);
      expect(img.readBigUInt64BE(0x38)).to.equal(3000n);
      expect(img.readBigUInt64BE(0x50)).to.equal(EPOCH);
      expect(img.subarray(0x60, 0x80).equals(sha256(payload))).to.equal(true);
      expect(img.subarray(0x80, 0x90).toString('ascii')).to.equal('tshype-test 1.0\0');
      expect(img.subarray(0x1000).equals(payload)).to.equal(true);
      const zeroed = Buffer.from(img.subarray(0, 0x1000));
      zeroed.fill(0, 0x10, 0x30);
      expect(img.subarray(0x10, 0x30).equals(sha256(zeroed))).to.equal(true);
      expect(img.subarray(0xc0, 0x1000).every(x => x === 0)).to.equal(true);
    });

    it('packImage: places each machine and kind where QEMU loads and enters it', () => {
      const at = (img: Buffer) => [img.readBigUInt64BE(OFF.loadAddress), img.readBigUInt64BE(OFF.entryOffset)];
      expect(at(pack())).to.deep.equal([0n, 0x100n]);
      expect(at(pack({ machine: Machine.Powernv }))).to.deep.equal([0n, 0x10n]);
      expect(at(pack({ machine: Machine.Powernv, kind: ImageKind.SkibootElf, payload: ppc64Elf() }))).to.deep.equal([0x20000000n, 0x140n]);
      expect(at(pack({ loadAddress: 0x4000n, entryOffset: 0x200n }))).to.deep.equal([0x4000n, 0x200n]);
    });

    it('packImage: output depends only on its input', () => {
      expect(pack().equals(pack())).to.equal(true);
      expect(pack().equals(pack({ buildTime: EPOCH + 1n }))).to.equal(false);
    });

    const refusals: [string, Partial<PackInput>, RegExp][] = [
      ['an empty payload', { payload: Buffer.alloc(0) }, /empty payload/],
      ['a payload over 64 MiB', { payload: Buffer.alloc(PAYLOAD_MAX + 1, 1) }, /exceeds the 64 MiB limit/],
      ['an ELF as bios', { payload: ppc64Elf() }, /input is an ELF file \(64-bit big-endian PowerPC64 executable\); kind bios needs the raw binary/],
      ['a raw binary as skiboot-elf', { machine: Machine.Powernv, kind: ImageKind.SkibootElf }, /not a skiboot payload: not an ELF file/],
      ['skiboot-elf for pseries', { kind: ImageKind.SkibootElf, payload: ppc64Elf() }, /only defined for powernv/],
      ['an already packed image', { payload: pack() }, /already a tshype flash image/],
      ['an empty version string', { version: '' }, /version string is empty/],
      ['a 64-character version string', { version: 'v'.repeat(64) }, /at most 63 fit/],
      ['a non-ASCII version string', { version: 'v1\n' }, /not printable ASCII/],
      ['an entry outside the payload', { entryOffset: 3000n }, /entry offset 0x0000000000000bb8 lies outside the 3000-byte payload/],
      ['a misaligned entry', { entryOffset: 0x102n }, /not a multiple of 4/],
      ['an entry that disagrees with the ELF', { machine: Machine.Powernv, kind: ImageKind.SkibootElf, payload: ppc64Elf(), entryOffset: 0x100n }, /disagrees with the ELF entry at offset 0x0000000000000140/],
    ];
    for (const [what, over, message] of refusals) {
      it(`packImage: refuses ${what}`, () => {
        expect(() => pack(over)).to.throw(PackError, message);
      });
    }
  });

  describe('verifyImage', () => {
    it('verify: accepts freshly packed images of every machine and kind (round trip)', () => {
      const cases: [Machine, ImageKind, Buffer][] = [
        [Machine.Pseries, ImageKind.Bios, randomBytes(3000, 2)],
        [Machine.Powernv, ImageKind.Bios, randomBytes(64, 3)],
        [Machine.Powernv, ImageKind.SkibootElf, ppc64Elf()],
      ];
      for (const [machine, kind, payload] of cases) {
        const r = verifyImage(pack({ machine, kind, payload }), { name: 'x', machine, kind });
        expect(r.status, r.message).to.equal(VerifyStatus.Ok);
        expect(r.message).to.equal('OK: image verified');
        expect(r.notes).to.deep.equal([]);
        expect(r.version).to.equal('tshype-test 1.0');
        expect(r.header!.machine).to.equal(machine);
        expect(r.header!.payloadSha256.equals(sha256(payload))).to.equal(true);
      }
    });

    it('verify: refuses an empty file as not an image', () => {
      const r = verifyAs(Buffer.alloc(0));
      expect(r.status).to.equal(VerifyStatus.NotImage);
      expect(r.message).to.equal('build/x.flash: this is an empty file, not a tshype flash image');
    });

    const foreign: [string, Buffer, string][] = [
      ['ELF', ppc64Elf(), 'an ELF file (64-bit big-endian PowerPC64 executable)'],
      ['gzip', Buffer.from([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3]), 'a gzip-compressed file'],
      ['FDT', Buffer.concat([Buffer.from([0xd0, 0x0d, 0xfe, 0xed]), Buffer.alloc(60)]), 'a flattened device tree blob (FDT/dtb, magic 0xd00dfeed)'],
      ['secure boot container', Buffer.concat([Buffer.from([0x17, 0x08, 0x20, 0x11]), Buffer.alloc(60)]), 'an OpenPOWER secure boot container'],
      ['PNOR', Buffer.concat([Buffer.from('PART'), Buffer.alloc(60)]), 'an OpenPOWER PNOR flash image'],
      ['xz', Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0, 0, 4]), 'an xz-compressed file'],
      ['erased flash', Buffer.alloc(8192, 0xff), 'erased flash (every byte 0xff)'],
      ['text', Buffer.from('#!/bin/sh\necho not firmware\n'), 'a text file'],
    ];
    for (const [what, bytes, phrase] of foreign) {
      it(`verify: names a foreign file: ${what}`, () => {
        const r = verifyAs(bytes);
        expect(r.status).to.equal(VerifyStatus.NotImage);
        expect(r.message).to.contain(`build/x.flash: this is ${phrase}`);
        expect(r.message).to.match(/, not a tshype flash image$/);
        expect(exitCodeFor(r.status)).to.equal(4);
      });
    }

    it('verify: refuses an unrecognised file, quoting its first bytes', () => {
      const r = verifyAs(Buffer.concat([Buffer.from([1, 2, 3, 0x84, 5, 6, 7, 8]), randomBytes(5000, 4)]));
      expect(r.status).to.equal(VerifyStatus.NotImage);
      expect(r.message).to.equal('build/x.flash: not a tshype flash image: starts with 01 02 03 84 05 06 07 08, expected the magic "TSHYPEFW"');
    });

    it('verify: refuses a damaged magic as corrupt, not as foreign', () => {
      const img = pack();
      img[3] ^= 0x20;
      const r = verifyAs(img);
      expect(r.status).to.equal(VerifyStatus.Corrupt);
      expect(r.message).to.equal('build/x.flash: damaged magic: found "TSHyPEFW" (54 53 48 79 50 45 46 57), expected "TSHYPEFW" (image corrupt, do not flash)');
    });

    it('verify: refuses a truncated image (shorter than the header)', () => {
      for (const n of [3, 100, HEADER_SIZE - 1]) {
        const r = verifyAs(pack().subarray(0, n));
        expect(r.status).to.equal(VerifyStatus.Corrupt);
        expect(r.message).to.equal(`build/x.flash: truncated: ${n} bytes, shorter than the 4096-byte header (image corrupt, do not flash)`);
      }
    });

    it('verify: refuses a truncated image (shorter than header + payload)', () => {
      const r = verifyAs(pack().subarray(0, HEADER_SIZE + 2999));
      expect(r.status).to.equal(VerifyStatus.Corrupt);
      expect(r.message).to.equal('build/x.flash: truncated: header declares a 3000-byte payload, but only 2999 bytes follow the header (image corrupt, do not flash)');
      expect(verifyAs(pack().subarray(0, HEADER_SIZE)).message).to.contain('but only 0 bytes follow the header');
    });

    it('verify: refuses trailing data after the payload', () => {
      const r = verifyAs(Buffer.concat([pack(), Buffer.alloc(512, 0xff)]));
      expect(r.status).to.equal(VerifyStatus.Corrupt);
      expect(r.message).to.equal('build/x.flash: 512 bytes of trailing data after the 3000-byte payload (file is 7608 bytes, header + payload 7096) (image corrupt, do not flash)');
    });

    it('verify: refuses a header whose own SHA-256 fails', () => {
      const img = pack();
      img.writeBigUInt64BE(0x10000n, OFF.loadAddress);
      const r = verifyAs(img);
      expect(r.status).to.equal(VerifyStatus.Corrupt);
      expect(r.message).to.match(/^build\/x\.flash: header SHA-256 mismatch: header says [0-9a-f]{16}…, header is [0-9a-f]{16}… \(header corrupt, do not flash\)$/);
      expect(r.header).to.equal(undefined);
    });

    it('verify: refuses a payload whose SHA-256 fails', () => {
      const img = pack();
      const good = img.subarray(OFF.payloadSha256, OFF.payloadSha256 + 8).toString('hex');
      img[HEADER_SIZE + 1500] ^= 0x80;
      const bad = sha256(img.subarray(HEADER_SIZE)).toString('hex').slice(0, 16);
      const r = verifyAs(img);
      expect(r.status).to.equal(VerifyStatus.Corrupt);
      expect(r.message).to.equal(`build/x.flash: payload SHA-256 mismatch: header says ${good}…, payload is ${bad}… (image corrupt, do not flash)`);
    });

    it('verify: refuses a header size field that is not a page multiple in range', () => {
      for (const size of [0, 0x800, 0x1001, 0x20000]) {
        const r = verifyAs(resealed(pack(), b => b.writeUInt32BE(size, OFF.headerSize)));
        expect(r.status).to.equal(VerifyStatus.Corrupt);
        expect(r.message).to.contain(`header size field is ${size}; a header is a multiple of 4096 bytes from 4096 to 65536`);
      }
    });

    it('verify: refuses a wrong target machine (or kind) when one is expected', () => {
      const r = verifyAs(pack({ machine: Machine.Powernv }), Machine.Pseries);
      expect(r.status).to.equal(VerifyStatus.WrongMachine);
      expect(r.message).to.equal('build/x.flash: built for powernv, not pseries (wrong machine, do not flash)');
      expect(verifyAs(pack({ machine: Machine.Powernv }), Machine.Powernv).status).to.equal(VerifyStatus.Ok);
      const k = verifyImage(pack(), { name: 'x', kind: ImageKind.SkibootElf });
      expect(k.status).to.equal(VerifyStatus.WrongMachine);
      expect(k.message).to.equal('x: a bios image, not skiboot-elf (wrong kind, do not flash)');
    });

    it('verify: refuses a newer (or retired) major format version', () => {
      const r = verifyAs(crafted({ major: 2, minor: 0 }));
      expect(r.status).to.equal(VerifyStatus.Unsupported);
      expect(r.message).to.equal('build/x.flash: format version 2.0 is newer than this tool understands (this tool reads 1.x); use a tshype-flash that knows format 2');
      expect(verifyAs(crafted({ major: 0, minor: 9 })).message).to.contain('format version 0.9 is not supported');
    });

    it('verify: accepts a newer minor format version with a note, even with reserved space in use', () => {
      const img = resealed(crafted({ minor: 3, reserved0: 5n }), b => b.fill(0xaa, 0x200, 0x240));
      const r = verifyAs(img);
      expect(r.status, r.message).to.equal(VerifyStatus.Ok);
      expect(r.notes).to.deep.equal(["build/x.flash: note: format version 1.3 is newer than this tool's 1.0; accepted, but fields added after 1.0 were not checked"]);
    });

    it('verify: refuses unknown incompatible flags and notes unknown compatible ones', () => {
      const r = verifyAs(crafted({ flags: 0x00020000 }));
      expect(r.status).to.equal(VerifyStatus.Unsupported);
      expect(r.message).to.contain('flags 0x00020000 require features this tool does not know');
      const c = verifyAs(crafted({ flags: 0x4 }));
      expect(c.status).to.equal(VerifyStatus.Ok);
      expect(c.notes).to.deep.equal(['build/x.flash: note: ignoring unknown compatible flag bits 0x4']);
    });

    it('verify: refuses an undefined machine or kind (invalid in 1.0, unsupported from a newer minor)', () => {
      const r = verifyAs(crafted({ machine: 3 }));
      expect(r.status).to.equal(VerifyStatus.Corrupt);
      expect(r.message).to.equal('build/x.flash: machine 3 is not defined in format 1.0 (invalid header, do not flash)');
      const n = verifyAs(crafted({ kind: 9, minor: 1 }));
      expect(n.status).to.equal(VerifyStatus.Unsupported);
      expect(n.message).to.contain('kind 9 is unknown to this tool (format 1.1 is newer than 1.0)');
    });

    it('verify: refuses a zero payload size', () => {
      const img = encodeHeader({ ...decodeHeader(pack()), payloadSize: 0n });
      const r = verifyAs(img);
      expect(r.status).to.equal(VerifyStatus.Corrupt);
      expect(r.message).to.equal('build/x.flash: empty payload (payload size 0) (invalid header, do not flash)');
    });

    it('verify: refuses an absurd payload size', () => {
      for (const size of [BigInt(PAYLOAD_MAX) + 1n, 1n << 63n]) {
        const r = verifyAs(crafted({ payloadSize: size }));
        expect(r.status).to.equal(VerifyStatus.Corrupt);
        expect(r.message).to.equal(`build/x.flash: payload size ${size} bytes exceeds the 64 MiB limit (invalid header, do not flash)`);
      }
    });

    it('verify: refuses non-zero reserved bytes in a 1.0 header', () => {
      expect(verifyAs(crafted({ reserved0: 1n })).message).to.contain('reserved header field at 0x58 is not zero');
      const r = verifyAs(resealed(pack(), b => { b[0xffc] = 1; }));
      expect(r.status).to.equal(VerifyStatus.Corrupt);
      expect(r.message).to.contain('reserved header byte at 0xffc is not zero');
    });

    it('verify: refuses a malformed version string', () => {
      const bad = (f: Buffer) => verifyAs(crafted({ versionField: f })).message;
      expect(bad(Buffer.alloc(64, 0x41))).to.contain('version string is not NUL-terminated');
      expect(bad(Buffer.alloc(64))).to.contain('version string is empty');
      expect(bad(Buffer.concat([Buffer.from('v1\0x'), Buffer.alloc(60)]))).to.contain('bytes after its NUL padding');
      expect(bad(Buffer.concat([Buffer.from('v\x01'), Buffer.alloc(62)]))).to.contain('not printable ASCII');
    });

    it('verify: refuses a payload that does not match its kind', () => {
      const elfAsBios = crafted({}, Buffer.concat([ppc64Elf(), Buffer.alloc(3000 - 0x400)]));
      expect(verifyAs(elfAsBios).message).to.contain('kind is bios but the payload is an ELF file (64-bit big-endian PowerPC64 executable)');
      const skiboot = pack({ machine: Machine.Powernv, kind: ImageKind.SkibootElf, payload: ppc64Elf() });
      const moved = verifyAs(resealed(skiboot, b => b.writeBigUInt64BE(0x144n, OFF.entryOffset)));
      expect(moved.status).to.equal(VerifyStatus.Corrupt);
      expect(moved.message).to.contain("entry offset 0x0000000000000144 disagrees with the payload's ELF entry at offset 0x0000000000000140");
    });

    it('verify: judges a file too big to be an image from its first bytes', () => {
      const img = pack();
      const prefix = Buffer.concat([img, Buffer.alloc(HEADER_SIZE_MAX - img.length)]);
      const r = verifyImage(prefix, { name: 'big', fileSize: MAX_IMAGE_BYTES + 1 });
      expect(r.status).to.equal(VerifyStatus.Corrupt);
      expect(r.message).to.contain(`${MAX_IMAGE_BYTES + 1 - img.length} bytes of trailing data`);
      expect(() => verifyImage(img, { fileSize: MAX_IMAGE_BYTES + 1 })).to.throw(RangeError);
      expect(() => verifyImage(img, { fileSize: img.length + 1 })).to.throw(RangeError);
    });

    it('verify: never modifies the bytes it checks', () => {
      const img = pack();
      img[HEADER_SIZE] ^= 1;
      const copy = Buffer.from(img);
      verifyAs(img);
      expect(img.equals(copy)).to.equal(true);
    });

    it('verify: detects every single-bit flip (exhaustive over the header fields, random over the whole image)', () => {
      const img = pack();
      const flips: number[] = [];
      for (let bit = 0; bit < OFF.reservedTail * 8; bit++) flips.push(bit);
      const next = rng(0x5eed);
      for (let i = 0; i < 4000; i++) flips.push(next() % (img.length * 8));
      const counts = new Map<string, number>();
      for (const bit of flips) {
        const b = Buffer.from(img);
        b[bit >> 3] ^= 0x80 >> (bit & 7);
        const r = verifyAs(b);
        expect(r.status, `bit ${bit} (byte 0x${(bit >> 3).toString(16)}): ${r.message}`).to.equal(VerifyStatus.Corrupt);
        const kind = r.message.replace(/^build\/x\.flash: /, '').replace(/[:;(].*$/, '');
        counts.set(kind, (counts.get(kind) ?? 0) + 1);
      }
      expect(flips.length).to.equal(5536);
      expect([...counts.keys()]).to.include.members(['damaged magic', 'header SHA-256 mismatch', 'payload SHA-256 mismatch', 'header size field is 0', 'truncated']);
    });

    it('verify: each status has its own exit code', () => {
      expect([VerifyStatus.Ok, VerifyStatus.NotImage, VerifyStatus.Corrupt, VerifyStatus.WrongMachine, VerifyStatus.Unsupported].map(exitCodeFor))
        .to.deep.equal([0, 4, 5, 6, 7]);
      expect(EXIT.usage).to.equal(2);
      expect(EXIT.io).to.equal(3);
    });
  });

  describe('tshype-flash command line', function () {
    this.timeout(60_000);
    let dir: string;
    before(() => {
      dir = tempDir();
      fs.writeFileSync(path.join(dir, 'tshype-pseries.bin'), randomBytes(5000, 11));
    });
    after(() => fs.rmSync(dir, { recursive: true, force: true }));
    const f = (name: string) => path.join(dir, name);

    it('tshype-flash pack/verify: round trip prints machine, kind, size, version, SHA-256 and OK', () => {
      const p = cli(['pack', '--machine', 'pseries', '--kind', 'bios', '--in', f('tshype-pseries.bin'), '--out', f('tshype-pseries.flash'), '--version', '0.1.0+gabc']);
      expect(p.stderr).to.equal('');
      expect(p.status).to.equal(0);
      expect(p.stdout).to.contain('packed pseries bios image, 5000-byte payload, version 0.1.0+gabc');
      const v = cli(['verify', f('tshype-pseries.flash'), '--machine', 'pseries']);
      expect(v.status).to.equal(0);
      const sum = sha256(randomBytes(5000, 11)).toString('hex');
      for (const line of [/machine +pseries/, /kind +bios/, /payload +5000 bytes/, /version +0\.1\.0\+gabc/, new RegExp(`sha256 +${sum}`)]) {
        expect(v.stdout).to.match(line);
      }
      expect(v.stdout.trim().split('\n').at(-1)).to.equal('OK: image verified');
    });

    it('tshype-flash verify: exits with the code of each refusal class and names the file', () => {
      const good = fs.readFileSync(f('tshype-pseries.flash'));
      const write = (name: string, bytes: Buffer) => { fs.writeFileSync(f(name), bytes); return f(name); };
      const corrupt = Buffer.from(good); corrupt[HEADER_SIZE + 10] ^= 4;
      const cases: [string[], number, RegExp][] = [
        [['verify'], 2, /expected exactly one IMAGE file/],
        [['verify', f('x'), '--machine', 'sparc'], 2, /--machine sparc: expected pseries or powernv/],
        [['verify', f('missing.flash')], 3, /missing\.flash: cannot open: no such file or directory \(ENOENT\)/],
        [['verify', write('elf.flash', ppc64Elf())], 4, /elf\.flash: this is an ELF file \(64-bit big-endian PowerPC64 executable\), not a tshype flash image/],
        [['verify', write('corrupt.flash', corrupt)], 5, /corrupt\.flash: payload SHA-256 mismatch: header says [0-9a-f]{16}…, payload is [0-9a-f]{16}… \(image corrupt, do not flash\)/],
        [['verify', write('short.flash', good.subarray(0, 5000))], 5, /short\.flash: truncated: header declares a 5000-byte payload, but only 904 bytes follow the header/],
        [['verify', f('tshype-pseries.flash'), '--machine', 'powernv'], 6, /tshype-pseries\.flash: built for pseries, not powernv \(wrong machine, do not flash\)/],
        [['verify', write('v2.flash', resealed(good, b => b.writeUInt16BE(2, OFF.major)))], 7, /v2\.flash: format version 2\.0 is newer than this tool understands/],
      ];
      for (const [args, code, message] of cases) {
        const r = cli(args);
        expect(r.status, `${args.join(' ')}: ${r.stderr}`).to.equal(code);
        expect(r.stderr).to.match(message);
        expect(r.stdout).to.equal('');
      }
    });

    it('tshype-flash verify: judges a huge (sparse) file without reading all of it', () => {
      const big = f('big.flash');
      fs.copyFileSync(f('tshype-pseries.flash'), big);
      fs.truncateSync(big, 200 * 1024 * 1024);
      const r = cli(['verify', big]);
      expect(r.status).to.equal(5);
      expect(r.stderr).to.contain(`${200 * 1024 * 1024 - HEADER_SIZE - 5000} bytes of trailing data`);
      fs.rmSync(big);
    });

    it('tshype-flash verify: writes nothing', () => {
      const snapshot = () => fs.readdirSync(dir).sort().map(n => {
        const st = fs.statSync(f(n));
        return `${n} ${st.size} ${st.mtimeMs} ${sha256(fs.readFileSync(f(n))).toString('hex')}`;
      });
      const before = snapshot();
      cli(['verify', f('tshype-pseries.flash')]);
      cli(['verify', f('corrupt.flash'), '--machine', 'powernv']);
      cli(['info', f('corrupt.flash')]);
      expect(snapshot()).to.deep.equal(before);
    });

    it('tshype-flash info: shows unverified fields of a damaged header and exits like verify', () => {
      const img = fs.readFileSync(f('tshype-pseries.flash'));
      img[OFF.machine + 1] = 2;
      fs.writeFileSync(f('hdr.flash'), img);
      const r = cli(['info', f('hdr.flash')]);
      expect(r.status).to.equal(5);
      expect(r.stdout).to.contain('the fields below are UNVERIFIED');
      expect(r.stdout).to.match(/machine +powernv/);
      expect(r.stdout).to.match(/header SHA-256 mismatch/);
      const ok = cli(['info', f('tshype-pseries.flash')]);
      expect(ok.status).to.equal(0);
      expect(ok.stdout).to.match(/built +\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ \(\d+\)/);
    });

    it('tshype-flash pack: is reproducible with SOURCE_DATE_EPOCH', () => {
      const args = (out: string) => ['pack', '--machine', 'powernv', '--in', f('tshype-pseries.bin'), '--out', f(out), '--version', 'r1'];
      expect(cli(args('a.flash'), { SOURCE_DATE_EPOCH: '1234567890' }).status).to.equal(0);
      expect(cli(args('b.flash'), { SOURCE_DATE_EPOCH: '1234567890' }).status).to.equal(0);
      const a = fs.readFileSync(f('a.flash'));
      expect(a.equals(fs.readFileSync(f('b.flash')))).to.equal(true);
      expect(a.readBigUInt64BE(OFF.buildTime)).to.equal(1234567890n);
      const t0 = Math.floor(Date.now() / 1000);
      expect(cli(args('c.flash')).status).to.equal(0);
      const t = Number(fs.readFileSync(f('c.flash')).readBigUInt64BE(OFF.buildTime));
      expect(t).to.be.within(t0, t0 + 60);
      const bad = cli(args('d.flash'), { SOURCE_DATE_EPOCH: '2024-01-01' });
      expect(bad.status).to.equal(2);
      expect(bad.stderr).to.contain('SOURCE_DATE_EPOCH=2024-01-01 is not a number of seconds');
      expect(fs.existsSync(f('d.flash'))).to.equal(false);
    });

    it('tshype-flash pack: refuses unsuitable input (2) and unreadable input (3) without writing', () => {
      fs.writeFileSync(f('k.elf'), ppc64Elf());
      const elf = cli(['pack', '--machine', 'pseries', '--in', f('k.elf'), '--out', f('k.flash')]);
      expect(elf.status).to.equal(2);
      expect(elf.stderr).to.contain('kind bios needs the raw binary (objcopy -O binary)');
      const missing = cli(['pack', '--machine', 'pseries', '--in', f('none.bin'), '--out', f('k.flash')]);
      expect(missing.status).to.equal(3);
      expect(fs.existsSync(f('k.flash'))).to.equal(false);
      const sk = cli(['pack', '--machine', 'powernv', '--kind', 'skiboot-elf', '--in', f('k.elf'), '--out', f('k.flash'), '--version', 'x']);
      expect(sk.status, sk.stderr).to.equal(0);
      expect(cli(['verify', f('k.flash'), '--machine', 'powernv']).stdout).to.match(/load +0x0000000020000000, entry offset 0x0000000000000140/);
      expect(fs.readdirSync(dir).filter(n => n.includes('.tmp-'))).to.deep.equal([]);
    });

    it('tshype-flash pack: default version string is the package version and git commit', () => {
      const v = defaultVersion();
      expect(v).to.match(/^(0\.1\.0\+g[0-9a-f]{12}|\S+-g[0-9a-f]{12}|\S+)(-dirty)?$/);
      expect(v.length).to.be.below(64);
      fs.writeFileSync(f('package.json'), '{"version": "9.8.7"}');
      expect(defaultVersion(dir)).to.equal('9.8.7');
      expect(MAGIC.toString()).to.equal('TSHYPEFW');
    });
  });
});
