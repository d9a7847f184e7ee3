/**
 * lpar/bundle.ts (the guest bundle reader and sha256Physical) and scripts/guest-bundle.ts (the
 * packer): pack, then open, find and verify through tsnc's host memory; every BundleStatus from
 * a crafted header; a corrupt image; 5,000 header mutations; the packer's refusals and its ELF
 * wrapper for QEMU pseries.
 */
import { expect } from 'chai';
import { spawnSync } from 'child_process';
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { host } from 'tsnc/host';
import {
  GuestBundle, BundleStatus, BundleKind, bundleStatusText, sha256Physical, BUNDLE_MAX_ENTRIES,
} from '../../lpar/bundle';
import { ElfImage, ElfStatus, elfStatusText } from '../../lpar/elf';
import { buildBundle, PackEntry, WRAPPER_OFFSET } from '../../scripts/guest-bundle';
import { Rng } from './fdt-helpers';
import { realElf, realElfPath, makeElf, kernelSpec } from './elf-helpers';

const TOP = path.resolve(__dirname, '..', '..');
const ADDR = 0x400000n;
const MiB = 1n << 20n;
const LAST_STATUS = BundleStatus.ImageCorrupt;

let dir = '';
/** Write `data` to a file in this run's temporary folder; returns its path. */
function tmpFile(name: string, data: Uint8Array): string {
  const f = path.join(dir, name);
  fs.writeFileSync(f, data);
  return f;
}

/** Deterministic pseudo-random bytes. */
function bytes(n: number, seed: number): Uint8Array {
  const r = new Rng(seed);
  const b = new Uint8Array(n);
  for (let i = 0; i < n; i++) b[i] = r.next() & 0xff;
  return b;
}

/** A two-entry bundle: a real LE kernel-like ELF and 100,001 bytes of data. */
function sampleBundle(): { bundle: Buffer; elf: Uint8Array; data: Uint8Array } {
  const elf = realElf('exec-le');
  const data = bytes(100_001, 7);
  const entries: PackEntry[] = [
    { name: 'build/guests/kernel', path: tmpFile('kernel', elf), kind: BundleKind.Elf, limit: 512n * MiB },
    { name: 'build/guests/initrd.gz', path: tmpFile('initrd', data), kind: BundleKind.Data, limit: 512n * MiB },
  ];
  return { bundle: buildBundle(entries), elf, data };
}

/** Recompute the header's SHA-256 (bytes 24..55 zeroed while hashing). */
function rehash(b: Buffer): Buffer {
  b.fill(0, 24, 56);
  crypto.createHash('sha256').update(b.subarray(0, 4096)).digest().copy(b, 24);
  return b;
}

/** Open the header of `b` at ADDR, memory ending after the header block (reads beyond throw). */
function openHeader(b: Buffer, size = BigInt(b.length)): { st: BundleStatus; gb: GuestBundle } {
  host.reset();
  host.writeBytes(ADDR, b.subarray(0, Math.min(b.length, 4096)));
  host.memLimit = ADDR + 4096n;
  const gb = new GuestBundle();
  return { st: gb.open(ADDR, size), gb };
}

/** Status of `b` after `edit` and a re-hash of its header. */
function edited(b: Buffer, edit: (h: Buffer) => void): BundleStatus {
  const c = Buffer.from(b);
  edit(c);
  return openHeader(rehash(c)).st;
}

const E = (i: number): number => 64 + 128 * i;

/** Run the packer CLI. */
function cli(...args: string[]): { status: number | null; out: string; err: string } {
  const r = spawnSync('node', ['-r', './scripts/tsnc/register.cjs', 'scripts/guest-bundle.ts', ...args],
    { cwd: TOP, encoding: 'utf8' });
  return { status: r.status, out: r.stdout, err: r.stderr };
}

describe('lpar/bundle reader and scripts/guest-bundle packer', function () {
  this.timeout(120_000);
  let sample: ReturnType<typeof sampleBundle>;

  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tshype-bundle-'));
    sample = sampleBundle();
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));
  beforeEach(() => host.reset());

  describe('sha256Physical', () => {
    it('sha256Physical: equals Node\'s SHA-256 for lengths around block boundaries, at unaligned addresses', () => {
      const data = bytes(1000, 3);
      for (const base of [0x10000n, 0x10003n]) {
        host.writeBytes(base, data);
        for (const len of [0, 1, 55, 56, 63, 64, 65, 127, 128, 129, 1000]) {
          const out = new Uint8Array(32);
          sha256Physical(base, BigInt(len), out);
          const want = crypto.createHash('sha256').update(data.subarray(0, len)).digest();
          expect(Buffer.from(out).toString('hex'), `len ${len} at 0x${base.toString(16)}`).to.equal(want.toString('hex'));
        }
      }
    });
  });

  describe('round trip', () => {
    it('pack, open, find, verify: both entries where the packer put them, hashes good', () => {
      const { bundle, elf, data } = sample;
      host.writeBytes(ADDR, bundle);
      host.memLimit = ADDR + BigInt(bundle.length);
      const gb = new GuestBundle();
      expect(gb.open(ADDR, BigInt(bundle.length))).to.equal(BundleStatus.Ok);
      expect(gb.count).to.equal(2);
      expect(gb.totalSize()).to.equal(BigInt(bundle.length));
      const k = gb.find('build/guests/kernel');
      const d = gb.find('build/guests/initrd.gz');
      expect([k, d]).to.deep.equal([0, 1]);
      expect(gb.find('build/guests')).to.equal(-1);
      expect(gb.find('build/guests/kernelx')).to.equal(-1);
      expect(gb.find('')).to.equal(-1);
      expect([gb.kind(k), gb.kind(d)]).to.deep.equal([BundleKind.Elf, BundleKind.Data]);
      expect(gb.offset(k)).to.equal(0x10000n);
      expect(gb.size(k)).to.equal(BigInt(elf.length));
      expect(gb.offset(d) % 0x10000n).to.equal(0n);
      expect(gb.offset(d) >= gb.offset(k) + gb.size(k)).to.equal(true);
      expect(gb.size(d)).to.equal(BigInt(data.length));
      expect(gb.address(d)).to.equal(ADDR + gb.offset(d));
      expect(gb.offset(d) + gb.size(d)).to.equal(BigInt(bundle.length));
      expect(gb.verify(k)).to.equal(BundleStatus.Ok);
      expect(gb.verify(d)).to.equal(BundleStatus.Ok);
      const name = new Uint8Array(64);
      expect(Buffer.from(name.subarray(0, gb.name(d, name))).toString()).to.equal('build/guests/initrd.gz');
      expect(gb.name(d, new Uint8Array(5))).to.equal(-1);
      // the ELF entry is the image the ELF reader accepts, in place
      const img = new ElfImage();
      expect(img.open(gb.address(k), gb.size(k), 512n * MiB)).to.equal(ElfStatus.Ok);
      expect(img.entry).to.equal(0n);
      expect(Buffer.from(host.readBytes(gb.address(d), 64))).to.deep.equal(Buffer.from(data.subarray(0, 64)));
    });

    it('verify: a flipped byte in one image is ImageCorrupt for that entry only', () => {
      const b = Buffer.from(sample.bundle);
      host.writeBytes(ADDR, b);
      const gb = new GuestBundle();
      expect(gb.open(ADDR, BigInt(b.length))).to.equal(BundleStatus.Ok);
      const at = ADDR + gb.offset(1) + 12345n;
      host.write(at, 1, host.read(at, 1) ^ 0x10n);
      expect(gb.verify(0)).to.equal(BundleStatus.Ok);
      expect(gb.verify(1)).to.equal(BundleStatus.ImageCorrupt);
      // the header did not change: it still opens
      expect(gb.open(ADDR, BigInt(b.length))).to.equal(BundleStatus.Ok);
    });

    it('queries: out-of-range indexes and an unopened bundle answer nothing', () => {
      const gb = new GuestBundle();
      expect([gb.count, gb.find('x'), gb.kind(0), gb.verify(0)]).to.deep.equal([0, -1, 0, BundleStatus.BadCount]);
      expect(openHeader(sample.bundle).st).to.equal(BundleStatus.Ok);
      host.memLimit = 1n << 62n;
      const { gb: g2 } = openHeader(sample.bundle);
      expect([g2.kind(2), g2.kind(-1), g2.verify(2), g2.verify(-1)]).to.deep.equal([0, 0, BundleStatus.BadCount, BundleStatus.BadCount]);
      expect([g2.offset(2), g2.size(-1), g2.address(5)]).to.deep.equal([0n, 0n, 0n]);
    });

    it('open: reads the header block only (memory ends after it)', () => {
      expect(openHeader(sample.bundle).st).to.equal(BundleStatus.Ok);
    });
  });

  describe('refusals: every status', () => {
    it('Truncated: shorter than the header, or than the stated total size', () => {
      expect(openHeader(sample.bundle, 4095n).st).to.equal(BundleStatus.Truncated);
      expect(openHeader(sample.bundle, BigInt(sample.bundle.length - 1)).st).to.equal(BundleStatus.Truncated);
    });

    it('BadMagic', () => {
      expect(edited(sample.bundle, h => { h[7] = 0x4d; })).to.equal(BundleStatus.BadMagic);
    });

    it('BadVersion: 0 and 2', () => {
      expect(edited(sample.bundle, h => h.writeUInt32BE(0, 8))).to.equal(BundleStatus.BadVersion);
      expect(edited(sample.bundle, h => h.writeUInt32BE(2, 8))).to.equal(BundleStatus.BadVersion);
    });

    it('BadCount: 0 and 32', () => {
      expect(edited(sample.bundle, h => h.writeUInt32BE(0, 12))).to.equal(BundleStatus.BadCount);
      expect(edited(sample.bundle, h => h.writeUInt32BE(BUNDLE_MAX_ENTRIES + 1, 12))).to.equal(BundleStatus.BadCount);
    });

    it('HeaderCorrupt: a flipped bit anywhere in the header without a new hash', () => {
      for (const at of [24, 30, 55, 63, E(0) + 3, E(1) + 80, 4095]) {
        const c = Buffer.from(sample.bundle);
        c[at] ^= 0x01;
        expect(openHeader(c).st, `byte ${at}`).to.equal(BundleStatus.HeaderCorrupt);
      }
    });

    it('HeaderCorrupt: reserved fields, unused slots or a total below the header, even re-hashed', () => {
      expect(edited(sample.bundle, h => { h[60] = 1; })).to.equal(BundleStatus.HeaderCorrupt);
      expect(edited(sample.bundle, h => { h[E(1) + 127] = 1; })).to.equal(BundleStatus.HeaderCorrupt);
      expect(edited(sample.bundle, h => { h[E(2)] = 0x41; })).to.equal(BundleStatus.HeaderCorrupt);
      expect(edited(sample.bundle, h => { h[4095] = 1; })).to.equal(BundleStatus.HeaderCorrupt);
      expect(edited(sample.bundle, h => h.writeBigUInt64BE(4095n, 16))).to.equal(BundleStatus.HeaderCorrupt);
    });

    it('BadName: empty, a space, a byte above 0x7e, 64 characters, bytes after the NUL', () => {
      expect(edited(sample.bundle, h => h.fill(0, E(0), E(0) + 64))).to.equal(BundleStatus.BadName);
      expect(edited(sample.bundle, h => { h[E(0) + 5] = 0x20; })).to.equal(BundleStatus.BadName);
      expect(edited(sample.bundle, h => { h[E(1) + 2] = 0x80; })).to.equal(BundleStatus.BadName);
      expect(edited(sample.bundle, h => h.fill(0x61, E(0), E(0) + 64))).to.equal(BundleStatus.BadName);
      expect(edited(sample.bundle, h => { h[E(0) + 40] = 0x61; })).to.equal(BundleStatus.BadName);
    });

    it('BadKind: kind 0 and 3, flags 1', () => {
      expect(edited(sample.bundle, h => h.writeUInt32BE(0, E(0) + 64))).to.equal(BundleStatus.BadKind);
      expect(edited(sample.bundle, h => h.writeUInt32BE(3, E(1) + 64))).to.equal(BundleStatus.BadKind);
      expect(edited(sample.bundle, h => h.writeUInt32BE(1, E(0) + 68))).to.equal(BundleStatus.BadKind);
    });

    it('EntryMisaligned: an offset not a multiple of 64 KiB', () => {
      expect(edited(sample.bundle, h => h.writeBigUInt64BE(0x10001n, E(0) + 72))).to.equal(BundleStatus.EntryMisaligned);
      expect(edited(sample.bundle, h => h.writeBigUInt64BE(0x1000n, E(0) + 72))).to.equal(BundleStatus.EntryMisaligned);
    });

    it('EntryOutsideBundle: offset 0, past the total size, a size that wraps', () => {
      expect(edited(sample.bundle, h => h.writeBigUInt64BE(0n, E(0) + 72))).to.equal(BundleStatus.EntryOutsideBundle);
      const total = BigInt(sample.bundle.length);
      expect(edited(sample.bundle, h => h.writeBigUInt64BE(h.readBigUInt64BE(E(1) + 80) + 1n, E(1) + 80)))
        .to.equal(BundleStatus.EntryOutsideBundle);
      expect(edited(sample.bundle, h => h.writeBigUInt64BE((total + 0xffffn) & ~0xffffn, E(1) + 72)))
        .to.equal(BundleStatus.EntryOutsideBundle);
      expect(edited(sample.bundle, h => h.writeBigUInt64BE(0xffffffffffff0000n, E(0) + 80)))
        .to.equal(BundleStatus.EntryOutsideBundle);
    });

    it('EntriesOverlap: the second image starting inside the first', () => {
      expect(edited(sample.bundle, h => h.writeBigUInt64BE(0x10000n, E(1) + 72))).to.equal(BundleStatus.EntriesOverlap);
    });

    it('DuplicateName: two entries of the same name', () => {
      expect(edited(sample.bundle, h => {
        h.fill(0, E(1), E(1) + 64);
        h.write('build/guests/kernel', E(1), 'ascii');
      })).to.equal(BundleStatus.DuplicateName);
    });

    it('ImageCorrupt: covered by verify above; bundleStatusText: a distinct phrase for every status', () => {
      const seen = new Set<string>();
      for (let s = BundleStatus.Ok; s <= LAST_STATUS; s++) seen.add(bundleStatusText(s));
      expect(seen.size).to.equal(LAST_STATUS + 1);
      expect(bundleStatusText(77 as BundleStatus)).to.equal('unknown guest bundle status');
    });
  });

  describe('mutations', () => {
    it('open: 5,000 mutated headers (half re-hashed) never throw; what opens is consistent', () => {
      const rng = new Rng(0xb0d1e);
      const base = sample.bundle;
      const total = BigInt(base.length);
      const seen = new Set<BundleStatus>();
      const gb = new GuestBundle();
      for (let n = 0; n < 5000; n++) {
        const h = Buffer.from(base.subarray(0, 4096));
        const edits = 1 + rng.below(3);
        for (let e = 0; e < edits; e++) {
          const area = rng.below(4);
          const at = area === 0 ? rng.below(64) : area === 3 ? rng.below(4096) : E(rng.below(3)) + rng.below(128);
          if (rng.below(2) === 0) h[at] = rng.below(256); else h[at] ^= 1 << rng.below(8);
        }
        if (rng.below(2) === 0) rehash(h);
        const size = rng.below(6) === 0 ? BigInt(rng.below(base.length)) : total;
        host.reset();
        host.writeBytes(ADDR, h);
        host.memLimit = ADDR + 4096n;
        let st: BundleStatus;
        try {
          st = gb.open(ADDR, size);
        } catch (e) {
          throw new Error(`mutation ${n}: open threw ${(e as Error).message}`);
        }
        expect(st >= BundleStatus.Ok && st < BundleStatus.ImageCorrupt, `mutation ${n}: status ${st}`).to.equal(true);
        seen.add(st);
        if (st !== BundleStatus.Ok) {
          expect(gb.count).to.equal(0);
          continue;
        }
        expect(gb.count).to.be.within(1, BUNDLE_MAX_ENTRIES);
        for (let i = 0; i < gb.count; i++) {
          expect(gb.offset(i) % 0x10000n).to.equal(0n);
          expect(gb.offset(i) >= 0x10000n && gb.offset(i) + gb.size(i) <= size, `mutation ${n}: entry ${i}`).to.equal(true);
          expect([BundleKind.Elf, BundleKind.Data]).to.include(gb.kind(i));
        }
      }
      expect(seen.has(BundleStatus.Ok)).to.equal(true);
      expect(seen.size).to.be.at.least(8);
    });
  });

  describe('the packer (scripts/guest-bundle.ts)', () => {
    it('pack --elf, list, verify: the bundle and its ELF wrapper; a corrupt image named by verify', () => {
      const kernel = tmpFile('vmlinux', realElf('exec-be'));
      const initrd = tmpFile('initrd.img', bytes(70_000, 9));
      const out = path.join(dir, 'g.bundle');
      const elf = path.join(dir, 'g.bundle.elf');
      const r = cli('pack', '--out', out, '--elf', elf, '--mem', '64', `build/linux/vmlinux=${kernel}`, `initrd=${initrd}:data`);
      expect(r.status, r.err).to.equal(0);
      const bundle = fs.readFileSync(out);
      const l = cli('list', out);
      expect(l.status, l.err).to.equal(0);
      const sha = (f: string): string => crypto.createHash('sha256').update(fs.readFileSync(f)).digest('hex');
      expect(l.out.trim().split('\n')).to.deep.equal([
        `build/linux/vmlinux\telf\t${fs.statSync(kernel).size}\t${sha(kernel)}`,
        `initrd\tdata\t70000\t${sha(initrd)}`,
      ]);
      expect(cli('verify', out).status).to.equal(0);
      // the wrapper: a BE ELF64 EM_PPC64 ET_EXEC, one PT_LOAD at 0 holding the bundle from 64 KiB
      const w = fs.readFileSync(elf);
      expect(w.subarray(WRAPPER_OFFSET).equals(bundle)).to.equal(true);
      host.reset();
      host.writeBytes(0n, w.subarray(0, 4096));
      const img = new ElfImage();
      expect(img.open(0n, BigInt(w.length), 1n << 30n)).to.equal(ElfStatus.Ok);
      expect([img.littleEndian, img.type, img.count, img.entry]).to.deep.equal([false, 2, 1, 0n]);
      expect([img.fileOffset[0], img.fileSize[0], img.memAddr[0], img.memSize[0]])
        .to.deep.equal([BigInt(WRAPPER_OFFSET), BigInt(bundle.length), 0n, BigInt(bundle.length)]);
      // a flipped byte in the second image
      const bad = Buffer.from(bundle);
      bad[Number(bad.readBigUInt64BE(E(1) + 72)) + 5] ^= 0xff;
      const badFile = tmpFile('bad.bundle', bad);
      const v = cli('verify', badFile);
      expect(v.status).to.equal(1);
      expect(v.err.trim()).to.equal(`${badFile}: entry initrd: ${bundleStatusText(BundleStatus.ImageCorrupt)}`);
      // a broken header
      bad[30] ^= 1;
      const h = cli('list', tmpFile('bad2.bundle', bad));
      expect([h.status, h.err.trim()]).to.deep.equal([1, `${path.join(dir, 'bad2.bundle')}: ${bundleStatusText(BundleStatus.HeaderCorrupt)}`]);
    });

    /** Pack `file` and expect the refusal `file: message`, exit 2, and no output written. */
    function refused(file: string, status: ElfStatus, ...opts: string[]): void {
      const out = path.join(dir, 'refused.bundle');
      const r = cli('pack', '--out', out, '--elf', `${out}.elf`, ...opts, `k=${file}`);
      expect(r.status, r.err).to.equal(2);
      expect(r.err.trim()).to.equal(`${file}: ${elfStatusText(status)}`);
      expect(fs.existsSync(out) || fs.existsSync(`${out}.elf`)).to.equal(false);
    }

    it('pack: refuses a truncated ELF', () => {
      refused(tmpFile('trunc.elf', realElf('exec-le').subarray(0, 100)), ElfStatus.Truncated);
    });

    it('pack: refuses an x86-64 ELF (wrong machine)', () => {
      refused(realElfPath('x86'), ElfStatus.WrongMachine);
    });

    it('pack: refuses a segment outside the partition (default 512 MiB, and --mem)', () => {
      const s = kernelSpec();
      s.phdrs[0].paddr = 600n * MiB;
      s.entry = s.phdrs[0].vaddr;
      refused(tmpFile('high.elf', makeElf(s)), ElfStatus.SegmentOutsidePartition);
      // 2 MiB of memory from 0: refused in a 1 MiB partition, fine in a 2 MiB one
      const t = kernelSpec();
      t.phdrs[0].memsz = 2n * MiB;
      const two = tmpFile('two.elf', makeElf(t));
      refused(two, ElfStatus.SegmentOutsidePartition, '--mem', '1');
      const ok = cli('pack', '--out', path.join(dir, 'ok.bundle'), '--mem', '2', `k=${two}`);
      expect(ok.status, ok.err).to.equal(0);
    });

    it('pack: refuses bad names, a missing file and no images, writing nothing', () => {
      const out = path.join(dir, 'names.bundle');
      const f = tmpFile('data.bin', bytes(10, 1));
      for (const [args, msg] of [
        [[`a b=${f}`], 'a b: entry names are 1 to 63 printable ASCII characters without spaces'],
        [[`${'x'.repeat(64)}=${f}`], `${'x'.repeat(64)}: entry names are 1 to 63 printable ASCII characters without spaces`],
        [[`n=${f}`, `n=${f}`], 'n: named twice'],
        [[`n=${dir}/missing`], `${dir}/missing: cannot read the file`],
        [[], 'guest-bundle pack: no images given'],
      ] as Array<[string[], string]>) {
        const r = cli('pack', '--out', out, ...args);
        expect([r.status, r.err.trim()]).to.deep.equal([2, msg]);
        expect(fs.existsSync(out)).to.equal(false);
      }
    });
  });
});
