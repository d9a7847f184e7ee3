/**
 * Fuzzing the readers of guest images: the ELF reader (lpar/elf.ts) and the guest bundle reader
 * (lpar/bundle.ts), both reading physical memory, and the packer's ELF check
 * (scripts/guest-bundle.ts checkElfFile, which reads a file).
 *
 * ELF inputs: real clang-built images (ET_EXEC and ET_DYN, both byte orders), generated images
 * (0..20 program headers of every type with offsets, sizes and addresses at the edges: 0, 1,
 * the file size and one past it, 2^64-1, wrapping sums, the limit), each mutated or not (bytes,
 * header and program header fields at edge values); sizes and limits at and around the edges.
 * Bundle inputs: generated headers (1..31 entries, names, kinds, 64 KiB-aligned ranges) with
 * fields set to edge values, mostly re-hashed so that the entry checks are reached.
 *
 * Every input is read through fenced memory (reads outside [addr, addr + size) — for the bundle,
 * outside its 4096-byte header block — and any write fail it): open never throws and returns Ok
 * or a documented status with its phrase; an accepted ELF has its segments inside the file and
 * the limit, disjoint, the entry inside one; an accepted bundle has its entries inside the
 * bundle, aligned, disjoint, with valid names that find() finds. One input in 100 also goes
 * through the packer's checkElfFile, which must agree with the reader.
 *
 * FUZZ_N, FUZZ_SEED, FUZZ_ONLY as in test/unit/fuzz-helpers.ts.
 */
import { expect } from 'chai';
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ElfImage, ElfStatus, elfStatusText, ELF_MAX_SEGMENTS } from '../../lpar/elf';
import { GuestBundle, BundleStatus, BundleKind, bundleStatusText, BUNDLE_MAX_ENTRIES } from '../../lpar/bundle';
import { checkElfFile } from '../../scripts/guest-bundle';
import { realElf, makeElf, Phdr } from './elf-helpers';
import { Outcomes, Rng, edge32, edge64, forEachInput, fuzzRun, mutateBytes, report, withFencedInput } from './fuzz-helpers';

const ADDR = 0x7000000n;
const M64 = 0xffffffffffffffffn;

/** A generated ELF: random program headers whose fields sit at or near the interesting values. */
function generateElf(rng: Rng): Uint8Array {
  const size = rng.pick([0x400, 0x2000, 0x20000]);
  const n = rng.oneIn(10) ? rng.below(21) : 1 + rng.below(4);
  const S = BigInt(size);
  const val = (): bigint => rng.pick([0n, 0x100n, 0x1000n, 0x10000n, S, S - 1n, S + 1n, M64, 1n << 63n, 0xc000000000000000n,
    BigInt(rng.below(size)), 0x20000000n, 0x1fff0000n, rng.u64() & 0xffffffn]);
  const phdrs: Phdr[] = [];
  let at = 0n;
  for (let i = 0; i < n; i++) {
    const regular = !rng.oneIn(3);
    const filesz = regular ? BigInt(rng.below(0x100)) : val();
    const memsz = regular ? filesz + BigInt(rng.below(0x1000)) : val();
    const vaddr = regular ? 0xc000000000000000n + at : val();
    phdrs.push({
      type: rng.oneIn(5) ? rng.pick([0, 2, 4, 6, 0x6474e551, 0x70000001]) : 1,
      offset: regular ? BigInt(rng.below(size)) : val(), vaddr, paddr: regular ? at : val(), filesz, memsz,
    });
    at += (memsz + 0xffffn) & ~0xffffn;
  }
  const entryFrom = phdrs.find(p => p.type === 1);
  const entry = entryFrom && !rng.oneIn(5) ? entryFrom.vaddr + BigInt(rng.below(16)) * 4n : val();
  return makeElf({ le: rng.oneIn(2), type: rng.oneIn(4) ? 3 : 2, entry, phdrs, size: Math.max(size, 64 + 56 * n) });
}

/** Set a header or program header field to an edge value, in the image's byte order. */
function mutateElfField(b: Uint8Array, rng: Rng): Uint8Array {
  const c = b.slice();
  if (c.length < 64) return c;
  const dv = new DataView(c.buffer);
  const le = c[5] === 1;
  const phoff = Number(dv.getBigUint64(32, le) & 0xffffffn), phnum = dv.getUint16(56, le);
  if (rng.oneIn(3) || phnum === 0 || phoff + 56 > c.length) {
    const f = rng.pick([[4, 1], [5, 1], [6, 1], [16, 2], [18, 2], [20, 4], [24, 8], [32, 8], [52, 2], [54, 2], [56, 2]] as const);
    if (f[1] === 1) c[f[0]] = rng.pick([0, 1, 2, 3, 0xff]);
    else if (f[1] === 2) dv.setUint16(f[0], rng.pick([0, 1, 2, 3, 21, 55, 56, 64, 0xffff, ELF_MAX_SEGMENTS, ELF_MAX_SEGMENTS + 1, dv.getUint16(f[0], le) + 1]) & 0xffff, le);
    else if (f[1] === 4) dv.setUint32(f[0], edge32(rng, c.length, dv.getUint32(f[0], le)), le);
    else dv.setBigUint64(f[0], edge64(rng, c.length, dv.getBigUint64(f[0], le)), le);
    return c;
  }
  const ph = phoff + 56 * rng.below(Math.min(phnum, Math.floor((c.length - phoff) / 56)));
  const f = rng.pick([0, 8, 16, 24, 32, 40]);
  if (f === 0) dv.setUint32(ph, rng.pick([0, 1, 2, 0xffffffff]), le);
  else dv.setBigUint64(ph + f, edge64(rng, c.length, dv.getBigUint64(ph + f, le)), le);
  return c;
}

/** An accepted ELF's placement obeys the rules of lpar/elf.ts. */
function checkElf(elf: ElfImage, size: bigint, limit: bigint): void {
  if (elf.count < 1 || elf.count > ELF_MAX_SEGMENTS) throw new Error(`${elf.count} segments`);
  let entryInside = false;
  for (let i = 0; i < elf.count; i++) {
    const fo = elf.fileOffset[i], fs_ = elf.fileSize[i], ma = elf.memAddr[i], ms = elf.memSize[i];
    if (fo + fs_ > size) throw new Error(`segment ${i}: file bytes [${fo}, +${fs_}) outside the ${size}-byte file`);
    if (ma + ms > limit) throw new Error(`segment ${i}: memory [0x${ma.toString(16)}, +0x${ms.toString(16)}) past the limit 0x${limit.toString(16)}`);
    if (fs_ > ms || ms === 0n) throw new Error(`segment ${i}: filesz ${fs_} memsz ${ms}`);
    for (let j = 0; j < i; j++) {
      if (ma < elf.memAddr[j] + elf.memSize[j] && elf.memAddr[j] < ma + ms) throw new Error(`segments ${j} and ${i} overlap`);
    }
    if (elf.entry >= ma && elf.entry < ma + ms) entryInside = true;
  }
  if (!entryInside || elf.segmentAt(elf.entry) < 0) throw new Error(`entry 0x${elf.entry.toString(16)} in no segment`);
}

// ---- bundles ------------------------------------------------------------------------------------

const E = (i: number): number => 64 + 128 * i;

/** A generated bundle header block: n entries with names, kinds and aligned, disjoint ranges. */
function generateBundle(rng: Rng): { h: Uint8Array; total: bigint } {
  const h = Buffer.alloc(4096);
  const n = rng.oneIn(10) ? 1 + rng.below(BUNDLE_MAX_ENTRIES) : 1 + rng.below(4);
  h.write('TSHYBNDL', 0, 'latin1');
  h.writeUInt32BE(1, 8);
  h.writeUInt32BE(n, 12);
  let at = 0x10000n;
  for (let i = 0; i < n; i++) {
    const name = rng.oneIn(20) ? rng.pick(['', ' x', 'a'.repeat(64), 'a\x7f', 'k0']) : `k${i}/${'x'.repeat(rng.below(40))}`;
    h.write(name.slice(0, 64), E(i), 'latin1');
    h.writeUInt32BE(rng.oneIn(20) ? rng.pick([0, 3, 0xffffffff]) : 1 + rng.below(2), E(i) + 64);
    const size = BigInt(rng.pick([0, 1, 0xffff, 0x10000, 0x10001, rng.below(0x40000)]));
    h.writeBigUInt64BE(at, E(i) + 72);
    h.writeBigUInt64BE(size, E(i) + 80);
    crypto.randomFillSync(h, E(i) + 88, 32);
    at += (size + 0xffffn) & ~0xffffn;
    if (size === 0n) at += 0x10000n;
  }
  const total = rng.oneIn(4) ? at - BigInt(rng.below(0x20000)) : at;
  h.writeBigUInt64BE(total > 0n ? total : 0n, 16);
  return { h: rehash(h), total };
}

function rehash(h: Uint8Array): Uint8Array {
  const b = Buffer.from(h);
  b.fill(0, 24, 56);
  crypto.createHash('sha256').update(b).digest().copy(b, 24);
  return new Uint8Array(b);
}

/** An edit of a bundle header field at an edge value. */
function mutateBundleField(h: Uint8Array, rng: Rng): Uint8Array {
  const c = new Uint8Array(4096);
  c.set(h.subarray(0, 4096));
  const dv = new DataView(c.buffer);
  const n = Math.min(dv.getUint32(12), BUNDLE_MAX_ENTRIES);
  const e = E(Math.min(rng.below(Math.max(n, 1) + 1), BUNDLE_MAX_ENTRIES - 1));
  switch (rng.below(6)) {
    case 0: dv.setUint32(rng.pick([8, 12]), rng.pick([0, 1, 2, 31, 32, 0xffffffff, dv.getUint32(12) + 1, dv.getUint32(12) - 1]) >>> 0); break;
    case 1: dv.setBigUint64(16, edge64(rng, 0x10000, dv.getBigUint64(16))); break;
    case 2: dv.setBigUint64(e + rng.pick([72, 80]), edge64(rng, 0x10000, dv.getBigUint64(e + 72))); break;
    case 3: dv.setUint32(e + rng.pick([64, 68]), rng.pick([0, 1, 2, 3, 0x80000000])); break;
    case 4: c[e + rng.pick([0, 1, 5, 63, 120, 127])] = rng.pick([0, 0x20, 0x41, 0x7f, 0xff]); break;
    default: if (n >= 2) { const a = E(rng.below(n)), b = E(rng.below(n)); c.copyWithin(a, b, b + (rng.oneIn(2) ? 64 : 88)); }
  }
  return c;
}

/** An accepted bundle's entries obey the rules of lpar/bundle.ts. */
function checkBundle(gb: GuestBundle, size: bigint): void {
  if (gb.count < 1 || gb.count > BUNDLE_MAX_ENTRIES) throw new Error(`${gb.count} entries`);
  const name = new Uint8Array(64);
  for (let i = 0; i < gb.count; i++) {
    const off = gb.offset(i), len = gb.size(i);
    if (off % 0x10000n !== 0n || off < 0x10000n || off + len > size || off + len > gb.totalSize()) throw new Error(`entry ${i}: [0x${off.toString(16)}, +0x${len.toString(16)}) outside the bundle`);
    if (gb.kind(i) !== BundleKind.Elf && gb.kind(i) !== BundleKind.Data) throw new Error(`entry ${i}: kind ${gb.kind(i)}`);
    for (let j = 0; j < i; j++) {
      if (len > 0n && gb.size(j) > 0n && off < gb.offset(j) + gb.size(j) && gb.offset(j) < off + len) throw new Error(`entries ${j} and ${i} overlap`);
    }
    const n = gb.name(i, name);
    if (n < 1 || n > 63) throw new Error(`entry ${i}: name of ${n} bytes`);
    const s = Buffer.from(name.subarray(0, n)).toString('latin1');
    if (!/^[\x21-\x7e]+$/.test(s)) throw new Error(`entry ${i}: name ${JSON.stringify(s)}`);
    if (gb.find(s) !== i) throw new Error(`find(${s}) = ${gb.find(s)}, not ${i}`);
  }
  if (gb.kind(gb.count) !== 0 || gb.offset(-1) !== 0n || gb.name(gb.count, name) !== -1) throw new Error('an index out of range answered');
}

describe('fuzz: guest images (lpar/elf.ts, lpar/bundle.ts, the packer\'s ELF check)', function () {
  this.timeout(600_000);
  let dir = '';
  before(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tshype-fuzz-')); });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('ElfImage.open: FUZZ_N real, generated and mutated images through fenced memory; what is Ok is inside the file and the limit', () => {
    const run = fuzzRun('elf', 0xe1f64, 100_000);
    const real = (['exec-be', 'exec-le', 'dyn-be', 'dyn-le', 'x86'] as const).map(realElf);
    const outcomes = new Outcomes();
    const elf = new ElfImage();
    const t0 = Date.now();
    forEachInput(run, (rng, index) => {
      let b = rng.oneIn(4) ? rng.pick(real) : generateElf(rng);
      const edits = rng.oneIn(3) ? 0 : 1 + rng.below(3);
      for (let e = 0; e < edits; e++) b = rng.oneIn(3) ? mutateBytes(b, rng) : mutateElfField(b, rng);
      const size = rng.oneIn(8) ? BigInt(Math.min(b.length, rng.pick([0, 63, 64, 120, rng.below(b.length + 1)]))) : BigInt(b.length);
      const limit = rng.oneIn(3) ? rng.pick([0n, 0x1000n, 0x10000n, 0x20000n, 0x30000000n, M64, BigInt(rng.below(0x40000))]) : 512n << 20n;
      const st = withFencedInput(ADDR, b, Number(size), () => {
        const s = elf.open(ADDR, size, limit);
        if (s === ElfStatus.Ok) checkElf(elf, size, limit);
        return s;
      });
      expect(st, 'status').to.be.within(ElfStatus.Ok, ElfStatus.EntryOutsideSegments);
      if (st !== ElfStatus.Ok) expect(elf.count).to.equal(0);
      const text = elfStatusText(st);
      expect(text).to.not.equal('unknown ELF status');
      if (index % 100 === 0 && limit <= 512n << 20n && Number(size) === b.length) {
        const f = path.join(dir, 'fuzz.elf');
        fs.writeFileSync(f, b);
        expect(checkElfFile(f, limit), 'the packer agrees with the reader').to.equal(st);
      }
      outcomes.add(st === ElfStatus.Ok ? 'Ok' : text, st === ElfStatus.Ok);
    });
    report(run, outcomes, Date.now() - t0);
    if (run.only < 0 && run.n >= 1000) {
      expect(outcomes.accepted, 'accepted images').to.be.above(run.n / 20);
      expect(outcomes.refusals(), 'distinct refusals').to.be.at.least(13);
    }
  });

  it('GuestBundle.open: FUZZ_N generated and mutated headers through fenced memory; what is Ok is inside the bundle', () => {
    const run = fuzzRun('bundle', 0xb0d1e5, 30_000);
    const outcomes = new Outcomes();
    const gb = new GuestBundle();
    const t0 = Date.now();
    forEachInput(run, (rng) => {
      const g = generateBundle(rng);
      let h = g.h;
      const edits = rng.oneIn(3) ? 0 : 1 + rng.below(3);
      for (let e = 0; e < edits; e++) h = rng.oneIn(4) ? mutateBytes(h, rng) : mutateBundleField(h, rng);
      if (h.length !== 4096) { const p = new Uint8Array(4096); p.set(h.subarray(0, 4096)); h = p; }   // bytes shifted by insertions/deletions
      if (!rng.oneIn(5)) h = rehash(h);
      const declared = new DataView(h.buffer, h.byteOffset, h.byteLength).getBigUint64(16);
      const size = rng.oneIn(6) ? BigInt(rng.pick([0, 4095, 4096, rng.below(0x80000)])) : declared > 0x100000000n ? g.total : declared + BigInt(rng.below(3)) * 0x10000n;
      const st = withFencedInput(ADDR, h, Math.min(4096, Number(size)), () => {
        const s = gb.open(ADDR, size);
        if (s === BundleStatus.Ok) checkBundle(gb, size);
        return s;
      });
      expect(st, 'status').to.be.within(BundleStatus.Ok, BundleStatus.DuplicateName);
      if (st !== BundleStatus.Ok) expect(gb.count).to.equal(0);
      const text = bundleStatusText(st);
      expect(text).to.not.equal('unknown guest bundle status');
      outcomes.add(st === BundleStatus.Ok ? 'Ok' : text, st === BundleStatus.Ok);
    });
    report(run, outcomes, Date.now() - t0);
    if (run.only < 0 && run.n >= 1000) {
      expect(outcomes.accepted, 'accepted bundles').to.be.above(run.n / 20);
      expect(outcomes.refusals(), 'distinct refusals').to.be.at.least(11);
    }
  });
});
