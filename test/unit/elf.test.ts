/**
 * lpar/elf.ts: the ELF64 image reader. Real ppc64 images of both byte orders built by clang-19
 * (a vmlinux-like ET_EXEC and a position-independent ET_DYN), Debian's vmlinux when
 * scripts/linux/fetch.sh has been run, one hand-made image per refusal, and a mutation run.
 * Images sit at physical 0 with the simulated memory ending where the image ends, so a read
 * outside the image would throw.
 */
import { expect } from 'chai';
import * as fs from 'fs';
import { host } from 'tsnc/host';
import { ElfImage, ElfStatus, elfStatusText, ELF_MAX_SEGMENTS } from '../../lpar/elf';
import { placeFenced, Rng } from './fdt-helpers';
import { realElf, makeElf, kernelSpec, phdrTable, ElfSpec } from './elf-helpers';

const MiB = 1n << 20n;
const LIMIT = 512n * MiB;

/** Open `b` fenced at address 0, with `size` (default: its length) and `limit`. */
function open(b: Uint8Array, limit = LIMIT, size = BigInt(b.length)): { st: ElfStatus; elf: ElfImage } {
  placeFenced(b);
  const elf = new ElfImage();
  return { st: elf.open(0n, size, limit), elf };
}

/** Status of a hand-made image. */
function status(spec: ElfSpec, limit = LIMIT): ElfStatus {
  return open(makeElf(spec), limit).st;
}

/** The kept segments as [fileOffset, fileSize, memAddr, memSize] rows. */
function segments(elf: ElfImage): bigint[][] {
  const rows: bigint[][] = [];
  for (let i = 0; i < elf.count; i++) rows.push([elf.fileOffset[i], elf.fileSize[i], elf.memAddr[i], elf.memSize[i]]);
  return rows;
}

const LAST_STATUS = ElfStatus.EntryOutsideSegments;

/** The PT_LOAD headers of `b`, parsed here independently of the reader. */
function loadHeaders(b: Uint8Array): Array<{ offset: bigint; vaddr: bigint; filesz: bigint; memsz: bigint }> {
  const { phoff, phnum, le } = phdrTable(b);
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const out = [];
  for (let i = 0; i < phnum; i++) {
    const o = phoff + 56 * i;
    if (v.getUint32(o, le) !== 1) continue;
    out.push({ offset: v.getBigUint64(o + 8, le), vaddr: v.getBigUint64(o + 16, le),
      filesz: v.getBigUint64(o + 32, le), memsz: v.getBigUint64(o + 40, le) });
  }
  return out;
}

/** e_entry of `b`. */
function entryOf(b: Uint8Array): bigint {
  return new DataView(b.buffer, b.byteOffset, b.byteLength).getBigUint64(24, b[5] === 1);
}

describe('lpar/elf reader', () => {
  beforeEach(() => host.reset());

  describe('real images (clang-19, ld.lld)', () => {
    for (const kind of ['exec-le', 'exec-be'] as const) {
      it(`open: ${kind} vmlinux-like image placed at p_paddr, entry translated to physical 0`, () => {
        const { st, elf } = open(realElf(kind));
        expect(st, elfStatusText(st)).to.equal(ElfStatus.Ok);
        expect(elf.littleEndian).to.equal(kind === 'exec-le');
        expect(elf.type).to.equal(2);
        expect(elf.loadBase).to.equal(0n);
        expect(segments(elf)).to.deep.equal([
          [0x10000n, 8n, 0n, 8n],
          [0x20000n, 8n, 0x10000n, 0x1008n],
        ]);
        expect(elf.entry).to.equal(0n);
        expect([elf.lowest, elf.highest]).to.deep.equal([0n, 0x11008n]);
      });
    }

    for (const kind of ['dyn-le', 'dyn-be'] as const) {
      it(`open: ${kind} position-independent image at base 0, vaddr less the lowest rounded to 64 KiB`, () => {
        const { st, elf } = open(realElf(kind));
        expect(st, elfStatusText(st)).to.equal(ElfStatus.Ok);
        expect(elf.littleEndian).to.equal(kind === 'dyn-le');
        expect(elf.type).to.equal(3);
        expect(elf.loadBase).to.equal(0n);
        // linked at 0x12345000: every segment moves down by 0x12340000 (the lowest p_vaddr
        // rounded down to 64 KiB), so the first lands at 0x5000
        const rows = loadHeaders(realElf(kind)).map(p => [p.offset, p.filesz, p.vaddr - 0x12340000n, p.memsz]);
        expect(rows.length).to.equal(4);
        expect(rows[0][2]).to.equal(0x5000n);
        expect(segments(elf)).to.deep.equal(rows);
        expect(elf.entry).to.equal(entryOf(realElf(kind)) - 0x12340000n);
        expect(elf.lowest).to.equal(0x5000n);
        expect(elf.highest).to.equal(rows[3][2] + rows[3][3]);
        expect(elf.segmentAt(elf.entry)).to.equal(1);
      });
    }

    it('open: an x86-64 program is WrongMachine', () => {
      expect(open(realElf('x86')).st).to.equal(ElfStatus.WrongMachine);
    });

    const vmlinux = 'build/linux/vmlinux';
    (fs.existsSync(vmlinux) ? it : it.skip)('open: Debian\'s vmlinux (scripts/linux/fetch.sh): one PT_LOAD at 0, entry 0', () => {
      const size = fs.statSync(vmlinux).size;
      const head = new Uint8Array(0x10000);
      const fd = fs.openSync(vmlinux, 'r');
      fs.readSync(fd, head, 0, head.length, 0);
      fs.closeSync(fd);
      host.memLimit = BigInt(size);
      host.writeBytes(0n, head);
      const elf = new ElfImage();
      expect(elf.open(0n, BigInt(size), LIMIT)).to.equal(ElfStatus.Ok);
      expect(elf.littleEndian).to.equal(true);
      expect(elf.count).to.equal(1);
      expect(elf.memAddr[0]).to.equal(0n);
      expect(elf.entry).to.equal(0n);
      expect(elf.fileOffset[0] + elf.fileSize[0] <= BigInt(size)).to.equal(true);
      expect(elf.memSize[0] > elf.fileSize[0]).to.equal(true);
      // a 40 MiB kernel does not fit a 32 MiB partition
      expect(elf.open(0n, BigInt(size), 32n * MiB)).to.equal(ElfStatus.SegmentOutsidePartition);
    });
  });

  describe('hand-made images', () => {
    it('open: the vmlinux-like spec is Ok in both byte orders', () => {
      expect(status(kernelSpec(true))).to.equal(ElfStatus.Ok);
      expect(status(kernelSpec(false))).to.equal(ElfStatus.Ok);
    });

    it('open: a segment ending exactly at the limit is Ok, one byte less of limit refuses it', () => {
      expect(status(kernelSpec(), 0x10000n)).to.equal(ElfStatus.Ok);
      expect(status(kernelSpec(), 0xffffn)).to.equal(ElfStatus.SegmentOutsidePartition);
    });

    it('open: program headers other than PT_LOAD, and PT_LOADs of memsz 0, are ignored', () => {
      const s = kernelSpec();
      s.phdrs = [
        { type: 4, offset: 0xfffffn, vaddr: 0n, paddr: 0xffffffffn, filesz: 0xffffffn, memsz: 0n }, // PT_NOTE
        { offset: 0n, vaddr: 0n, paddr: 0n, filesz: 0n, memsz: 0n },
        ...s.phdrs,
        { type: 0x6474e551, offset: 0n, vaddr: 0n, paddr: 0n, filesz: 0n, memsz: 0n }, // PT_GNU_STACK
      ];
      const { st, elf } = open(makeElf(s));
      expect(st).to.equal(ElfStatus.Ok);
      expect(elf.count).to.equal(1);
    });

    it('open: ELF_MAX_SEGMENTS PT_LOADs are Ok', () => {
      const s = kernelSpec();
      s.phdrs = [];
      for (let i = 0; i < ELF_MAX_SEGMENTS; i++) {
        const a = BigInt(i) * 0x10000n;
        s.phdrs.push({ offset: 0x1000n, vaddr: 0xc000000000000000n + a, paddr: a, filesz: 0x100n, memsz: 0x10000n });
      }
      s.size = 0x10000;
      const { st, elf } = open(makeElf(s));
      expect(st).to.equal(ElfStatus.Ok);
      expect(elf.count).to.equal(ELF_MAX_SEGMENTS);
      expect(elf.highest).to.equal(BigInt(ELF_MAX_SEGMENTS) * 0x10000n);
    });

    it('open: a failed open leaves no segments behind', () => {
      placeFenced(makeElf(kernelSpec()));
      const elf = new ElfImage();
      expect(elf.open(0n, 0x20000n, LIMIT)).to.equal(ElfStatus.Ok);
      expect(elf.count).to.equal(1);
      expect(elf.open(0n, 0x20000n, 0x1000n)).to.equal(ElfStatus.SegmentOutsidePartition);
      expect(elf.count).to.equal(0);
    });
  });

  describe('refusals: every status', () => {
    it('Truncated: shorter than the ELF header', () => {
      const b = makeElf(kernelSpec());
      expect(open(b.slice(0, 63)).st).to.equal(ElfStatus.Truncated);
      expect(open(b, LIMIT, 0n).st).to.equal(ElfStatus.Truncated);
    });

    it('Truncated: program header table past the end of the file', () => {
      const s = kernelSpec();
      expect(open(makeElf(s), LIMIT, 64n + 55n).st).to.equal(ElfStatus.Truncated);
      expect(status({ ...s, phoff: 0x20000n - 55n })).to.equal(ElfStatus.Truncated);
      expect(status({ ...s, phoff: 0xffffffffffffffc0n })).to.equal(ElfStatus.Truncated);
    });

    it('BadMagic: not 0x7f ELF', () => {
      const b = makeElf(kernelSpec());
      b[1] = 0x58;
      expect(open(b).st).to.equal(ElfStatus.BadMagic);
      expect(open(new Uint8Array(4096)).st).to.equal(ElfStatus.BadMagic);
    });

    it('NotElf64: ELFCLASS32', () => {
      expect(status({ ...kernelSpec(), cls: 1 })).to.equal(ElfStatus.NotElf64);
    });

    it('BadByteOrder: EI_DATA 0 or 3', () => {
      expect(status({ ...kernelSpec(), data: 0 })).to.equal(ElfStatus.BadByteOrder);
      expect(status({ ...kernelSpec(), data: 3 })).to.equal(ElfStatus.BadByteOrder);
    });

    it('BadVersion: EI_VERSION or e_version other than 1', () => {
      expect(status({ ...kernelSpec(), identVersion: 0 })).to.equal(ElfStatus.BadVersion);
      expect(status({ ...kernelSpec(), version: 2 })).to.equal(ElfStatus.BadVersion);
    });

    it('WrongMachine: EM_PPC (20) and EM_X86_64 (62), in the image\'s byte order', () => {
      expect(status({ ...kernelSpec(), machine: 20 })).to.equal(ElfStatus.WrongMachine);
      expect(status({ ...kernelSpec(false), machine: 62 })).to.equal(ElfStatus.WrongMachine);
      // 21 written in the other byte order is 0x1500: wrong machine too
      const b = makeElf(kernelSpec(true));
      b[18] = 0; b[19] = 21;
      expect(open(b).st).to.equal(ElfStatus.WrongMachine);
    });

    it('BadType: ET_REL, ET_CORE', () => {
      expect(status({ ...kernelSpec(), type: 1 })).to.equal(ElfStatus.BadType);
      expect(status({ ...kernelSpec(), type: 4 })).to.equal(ElfStatus.BadType);
    });

    it('BadHeaderSize: e_phentsize 32, e_ehsize 52', () => {
      expect(status({ ...kernelSpec(), phentsize: 32 })).to.equal(ElfStatus.BadHeaderSize);
      expect(status({ ...kernelSpec(), ehsize: 52 })).to.equal(ElfStatus.BadHeaderSize);
    });

    it('NoSegments: no program headers, or only empty and non-PT_LOAD ones', () => {
      expect(status({ ...kernelSpec(), phdrs: [] })).to.equal(ElfStatus.NoSegments);
      expect(status({
        ...kernelSpec(),
        phdrs: [{ type: 4, offset: 0n, vaddr: 0n, paddr: 0n, filesz: 0n, memsz: 0x1000n },
          { offset: 0n, vaddr: 0n, paddr: 0n, filesz: 0n, memsz: 0n }],
      })).to.equal(ElfStatus.NoSegments);
    });

    it('TooManySegments: ELF_MAX_SEGMENTS + 1 PT_LOADs, or e_phnum PN_XNUM', () => {
      const phdrs = [];
      for (let i = 0; i <= ELF_MAX_SEGMENTS; i++) {
        const a = BigInt(i) * 0x10000n;
        phdrs.push({ offset: 0n, vaddr: a, paddr: a, filesz: 0n, memsz: 0x1000n });
      }
      expect(status({ ...kernelSpec(), entry: 0n, phdrs })).to.equal(ElfStatus.TooManySegments);
      expect(open(makeElf({ ...kernelSpec(), phnum: 0xffff }), LIMIT, BigInt(64 + 56 * 0xffff)).st)
        .to.equal(ElfStatus.TooManySegments);
    });

    it('SegmentOutsideFile: file bytes past the end, or an offset that wraps', () => {
      const s = kernelSpec();
      const p = s.phdrs[0];
      expect(status({ ...s, phdrs: [{ ...p, offset: 0x18001n }] })).to.equal(ElfStatus.SegmentOutsideFile);
      expect(status({ ...s, phdrs: [{ ...p, offset: 0x30000n, filesz: 0n }] })).to.equal(ElfStatus.SegmentOutsideFile);
      expect(status({ ...s, phdrs: [{ ...p, offset: 0xfffffffffffff000n, filesz: 0x2000n }] }))
        .to.equal(ElfStatus.SegmentOutsideFile);
    });

    it('SegmentTooLarge: p_filesz > p_memsz', () => {
      const s = kernelSpec();
      expect(status({ ...s, phdrs: [{ ...s.phdrs[0], filesz: 0x8000n, memsz: 0x7fffn }] })).to.equal(ElfStatus.SegmentTooLarge);
    });

    it('SegmentOutsidePartition: past the limit, or an address that wraps', () => {
      const s = kernelSpec();
      const p = s.phdrs[0];
      expect(status({ ...s, phdrs: [{ ...p, paddr: LIMIT - 0x8000n }] })).to.equal(ElfStatus.SegmentOutsidePartition);
      expect(status({ ...s, phdrs: [{ ...p, paddr: 0xffffffffffff0000n, memsz: 0x20000n }] }))
        .to.equal(ElfStatus.SegmentOutsidePartition);
      expect(status({ ...s, phdrs: [{ ...p, vaddr: 0xfffffffffffff000n }] })).to.equal(ElfStatus.SegmentOutsidePartition);
      // ET_EXEC linked with p_paddr = p_vaddr in the kernel's virtual space
      expect(status({ ...s, phdrs: [{ ...p, paddr: p.vaddr }] })).to.equal(ElfStatus.SegmentOutsidePartition);
      // ET_DYN spanning more than the limit
      expect(status({
        ...s, type: 3, entry: 0n,
        phdrs: [{ ...p, vaddr: 0n }, { ...p, vaddr: LIMIT, paddr: 0n }],
      })).to.equal(ElfStatus.SegmentOutsidePartition);
    });

    it('SegmentsOverlap: two PT_LOADs sharing a byte, in either order', () => {
      const s = kernelSpec();
      const p = s.phdrs[0];
      expect(status({ ...s, phdrs: [p, { ...p, vaddr: 0xc000000000100000n, paddr: 0xffffn }] })).to.equal(ElfStatus.SegmentsOverlap);
      expect(status({ ...s, phdrs: [{ ...p, vaddr: 0xc000000000100000n, paddr: 0xffffn }, p] })).to.equal(ElfStatus.SegmentsOverlap);
      // touching is fine
      expect(status({ ...s, phdrs: [p, { ...p, vaddr: 0xc000000000100000n, paddr: 0x10000n }] })).to.equal(ElfStatus.Ok);
    });

    it('EntryOutsideSegments: e_entry in no PT_LOAD (just past the end, below the start)', () => {
      expect(status({ ...kernelSpec(), entry: 0xc000000000010000n })).to.equal(ElfStatus.EntryOutsideSegments);
      expect(status({ ...kernelSpec(), entry: 0xbfffffffffffffffn })).to.equal(ElfStatus.EntryOutsideSegments);
      expect(status({ ...kernelSpec(), entry: 0xc00000000000fffcn })).to.equal(ElfStatus.Ok);
    });

    it('elfStatusText: a distinct phrase for every status', () => {
      const seen = new Set<string>();
      for (let s = ElfStatus.Ok; s <= LAST_STATUS; s++) {
        const t = elfStatusText(s);
        expect(t.length, `status ${s}`).to.be.greaterThan(8);
        seen.add(t);
      }
      expect(seen.size).to.equal(LAST_STATUS + 1);
      expect(elfStatusText(99 as ElfStatus)).to.equal('unknown ELF status');
    });
  });

  describe('mutations', function () {
    this.timeout(120_000);

    it('open: 5,000 mutated headers never throw, and what is Ok is inside the file and the limit', () => {
      const rng = new Rng(0x5eed1);
      const bases = [realElf('exec-le'), realElf('dyn-be'), makeElf(kernelSpec(false))];
      const seen = new Set<ElfStatus>();
      const elf = new ElfImage();
      for (let n = 0; n < 5000; n++) {
        const base = bases[n % bases.length];
        const { phoff, phnum } = phdrTable(base);
        const headerEnd = Math.max(64, phoff + 56 * phnum);
        const b = base.slice();
        const dv = new DataView(b.buffer);
        const edits = 1 + rng.below(4);
        for (let e = 0; e < edits; e++) {
          const r = rng.below(3);
          if (r === 0) {
            b[rng.below(headerEnd)] = rng.below(256);
          } else if (r === 1) {
            b[rng.below(headerEnd)] ^= 1 << rng.below(8);
          } else {
            const off = rng.below(headerEnd - 8) & ~7;
            const vals = [0n, 0xffffffffffffffffn, 0x8000000000000000n, BigInt(b.length), 0x10000n, 0xc000000000000000n];
            dv.setBigUint64(off, vals[rng.below(vals.length)], rng.below(2) === 0);
          }
        }
        const size = rng.below(8) === 0 ? BigInt(rng.below(b.length)) : BigInt(b.length);
        const limit = rng.below(4) === 0 ? BigInt(rng.below(0x40000)) : LIMIT;
        // only the header bytes are rewritten: the reader must not look further
        host.reset();
        host.writeBytes(0n, b.subarray(0, Math.min(b.length, 0x1000)));
        host.memLimit = size;
        let st: ElfStatus;
        try {
          st = elf.open(0n, size, limit);
        } catch (e) {
          throw new Error(`mutation ${n}: open threw ${(e as Error).message}`);
        }
        expect(st >= ElfStatus.Ok && st <= LAST_STATUS, `mutation ${n}: status ${st}`).to.equal(true);
        seen.add(st);
        if (st !== ElfStatus.Ok) {
          expect(elf.count).to.equal(0);
          continue;
        }
        expect(elf.count).to.be.within(1, ELF_MAX_SEGMENTS);
        let entryInside = false;
        for (let i = 0; i < elf.count; i++) {
          expect(elf.fileOffset[i] + elf.fileSize[i] <= size, `mutation ${n}: segment ${i} in the file`).to.equal(true);
          expect(elf.memAddr[i] + elf.memSize[i] <= limit, `mutation ${n}: segment ${i} under the limit`).to.equal(true);
          expect(elf.fileSize[i] <= elf.memSize[i]).to.equal(true);
          for (let j = 0; j < i; j++) {
            const disjoint = elf.memAddr[i] + elf.memSize[i] <= elf.memAddr[j] || elf.memAddr[j] + elf.memSize[j] <= elf.memAddr[i];
            expect(disjoint, `mutation ${n}: segments ${j} and ${i}`).to.equal(true);
          }
          if (elf.entry >= elf.memAddr[i] && elf.entry < elf.memAddr[i] + elf.memSize[i]) entryInside = true;
        }
        expect(entryInside, `mutation ${n}: entry inside a segment`).to.equal(true);
      }
      // the run reached both acceptance and a good share of the refusals
      expect(seen.has(ElfStatus.Ok)).to.equal(true);
      expect(seen.size).to.be.at.least(10);
    });
  });
});
