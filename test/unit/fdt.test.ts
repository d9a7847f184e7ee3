/**
 * hv/fdt.ts: the flattened-device-tree reader, against trees compiled by dtc from
 * test/fixtures/fdt (pseries-like, powernv-like, 1-cell addresses), hand-broken blobs (each
 * must give its status and never throw), and a fuzz run of random mutations with the
 * simulated memory ending at the blob, so a read outside it would throw.
 */
import { expect } from 'chai';
import { host } from 'tsnc/host';
import { Fdt, FdtStatus, MemRanges, CpuTable, Platform, fdtValidate, FDT_MAX_DEPTH } from '../../lpar/fdt';
import {
  dtbFixture, dtbFromSource, place, placeFenced, withU32, getU32, findPropToken, assemble, ascii, H, Rng,
} from './fdt-helpers';

const ADDR = 0x200000n;
const BEGIN = 1, END_NODE = 2, PROP = 3, NOP = 4, END = 9;

/** Open a fixture placed at ADDR; fails the test unless it opens. */
function openFixture(name: string): Fdt {
  const blob = dtbFixture(name);
  place(ADDR, blob);
  const fdt = new Fdt();
  expect(fdt.open(ADDR, blob.length)).to.equal(FdtStatus.Ok);
  return fdt;
}

/** Open `blob` fenced at address 0 (reads outside it throw). */
function openFenced(blob: Uint8Array, limit = blob.length): number {
  placeFenced(blob);
  return new Fdt().open(0n, limit);
}

function str(fdt: Fdt, get: (out: Uint8Array) => number): string {
  const out = new Uint8Array(256);
  const n = get(out);
  expect(n, 'string length').to.be.at.least(0);
  return ascii(out, n);
}

function ranges(m: MemRanges): Array<[bigint, bigint]> {
  const r: Array<[bigint, bigint]> = [];
  for (let i = 0; i < m.count; i++) r.push([m.base[i], m.size[i]]);
  return r;
}

function cpuRows(t: CpuTable): Array<[number, number, bigint]> {
  const r: Array<[number, number, bigint]> = [];
  for (let i = 0; i < t.count; i++) r.push([t.reg[i], t.threads[i], t.timebaseHz[i]]);
  return r;
}

describe('hv/fdt reader', () => {
  beforeEach(() => host.reset());

  describe('pseries-like tree', () => {
    it('open: validates a dtc-compiled QEMU pseries-like tree', () => {
      const fdt = openFixture('pseries');
      expect(fdt.isOpen()).to.equal(true);
      expect(fdt.totalSize()).to.equal(dtbFixture('pseries').length);
      expect(fdt.bootCpuId()).to.equal(0);
    });

    it('platform: "qemu,pseries" with device_type chrp is Pseries', () => {
      expect(openFixture('pseries').platform()).to.equal(Platform.Pseries);
    });

    it('model and bootargs: copied without their NUL', () => {
      const fdt = openFixture('pseries');
      expect(str(fdt, o => fdt.model(o))).to.equal('IBM pSeries (emulated by qemu)');
      expect(str(fdt, o => fdt.bootargs(o))).to.equal('console=hvc0 tshype.lpars=2');
    });

    it('bootargs: NoSpace (nothing copied) when the buffer is too short', () => {
      const fdt = openFixture('pseries');
      const out = new Uint8Array(4);
      expect(fdt.bootargs(out)).to.equal(FdtStatus.NoSpace);
      expect(Array.from(out)).to.deep.equal([0, 0, 0, 0]);
    });

    it('memory: the /memory@0 reg with 2+2 cells', () => {
      const m = new MemRanges(4);
      expect(openFixture('pseries').memory(m)).to.equal(FdtStatus.Ok);
      expect(ranges(m)).to.deep.equal([[0n, 0x40000000n]]);
    });

    it('cpus: reg, interrupt-server count and timebase of each cpu node', () => {
      const t = new CpuTable(8);
      expect(openFixture('pseries').cpus(t)).to.equal(FdtStatus.Ok);
      expect(cpuRows(t)).to.deep.equal([[0, 2, 512000000n], [2, 2, 512000000n]]);
    });

    it('reserved: an empty reservation map gives no ranges', () => {
      const m = new MemRanges(4);
      expect(openFixture('pseries').reserved(m)).to.equal(FdtStatus.Ok);
      expect(m.count).to.equal(0);
    });

    it('pathOffset: finds nodes by path, "memory" matches "memory@0", empty components skipped', () => {
      const fdt = openFixture('pseries');
      const cpus = fdt.pathOffset('/cpus');
      expect(cpus).to.be.greaterThan(0);
      expect(fdt.pathOffset('//cpus/')).to.equal(cpus);
      expect(fdt.pathOffset('/')).to.equal(fdt.root());
      expect(fdt.pathOffset('/memory')).to.equal(fdt.pathOffset('/memory@0'));
      expect(fdt.pathOffset('/vdevice/vty@71000000')).to.be.greaterThan(0);
      expect(fdt.pathOffset('/vdevice/vty')).to.equal(fdt.pathOffset('/vdevice/vty@71000000'));
      expect(fdt.pathOffset('/vdevice/vty@7100000')).to.equal(FdtStatus.NotFound);
      expect(fdt.pathOffset('/cpus/PowerPC,POWER9@2')).to.be.greaterThan(0);
      expect(fdt.pathOffset('/nonexistent')).to.equal(FdtStatus.NotFound);
      expect(fdt.pathOffset('/cpus/nonexistent/deeper')).to.equal(FdtStatus.NotFound);
      expect(fdt.pathOffset('cpus')).to.equal(FdtStatus.BadValue);
    });

    it('firstChild/nextSibling: iterate the root children in order', () => {
      const fdt = openFixture('pseries');
      const names: number[] = [];
      for (let n = fdt.firstChild(fdt.root()); n >= 0; n = fdt.nextSibling(n)) names.push(n);
      expect(names).to.deep.equal(['/chosen', '/memory@0', '/cpus', '/vdevice', '/rtas'].map(p => fdt.pathOffset(p)));
      expect(fdt.firstChild(fdt.pathOffset('/chosen'))).to.equal(FdtStatus.NotFound);
    });

    it('findProp/propCell/propCells: read cells; out-of-range cells give BadValue or 0n', () => {
      const fdt = openFixture('pseries');
      const reg = fdt.findProp(fdt.pathOffset('/memory@0'), 'reg');
      expect(fdt.propLen(reg)).to.equal(16);
      expect(fdt.propCells(reg, 2, 2)).to.equal(0x40000000n);
      expect(fdt.propCell(reg, 3)).to.equal(0x40000000);
      expect(fdt.propCell(reg, 4)).to.equal(FdtStatus.BadValue);
      expect(fdt.propCells(reg, 3, 2)).to.equal(0n);
      expect(fdt.propByte(reg, 15)).to.equal(0);
      expect(fdt.propByte(reg, 16)).to.equal(FdtStatus.BadValue);
      expect(fdt.findProp(fdt.root(), 'no-such-property')).to.equal(FdtStatus.NotFound);
      expect(fdt.findProp(fdt.root(), 'model')).to.be.greaterThan(0);
    });

    it('findProp: finds only the node\'s own properties, not its children\'s', () => {
      const fdt = openFixture('pseries');
      expect(fdt.findProp(fdt.pathOffset('/cpus'), 'reg')).to.equal(FdtStatus.NotFound);
    });

    it('getU32: value, default when absent, BadValue when not one cell', () => {
      const fdt = openFixture('pseries');
      expect(fdt.getU32(fdt.root(), '#address-cells', 7)).to.equal(2);
      expect(fdt.getU32(fdt.root(), '#interrupt-cells', 7)).to.equal(7);
      expect(fdt.getU32(fdt.root(), 'model', 7)).to.equal(FdtStatus.BadValue);
    });

    it('isCompatible/propListHas: whole strings of the list, prefixes only when asked', () => {
      const fdt = openFixture('pseries');
      const rtas = fdt.pathOffset('/rtas');
      const ht = fdt.findProp(rtas, 'ibm,hypertas-functions');
      expect(fdt.propListHas(ht, 'hcall-splpar', false)).to.equal(true);
      expect(fdt.propListHas(ht, 'hcall-set-mode', false)).to.equal(true);
      expect(fdt.propListHas(ht, 'hcall-s', false)).to.equal(false);
      expect(fdt.propListHas(ht, 'hcall-s', true)).to.equal(true);
      expect(fdt.propListHas(ht, 'hcall-pft', false)).to.equal(true);
      expect(fdt.isCompatible(fdt.root(), 'qemu,pseries', false)).to.equal(true);
      expect(fdt.isCompatible(fdt.root(), 'qemu,pseries2', false)).to.equal(false);
    });
  });

  describe('powernv-like tree', () => {
    it('platform: "qemu,powernv9" "ibm,powernv" is PowerNV', () => {
      expect(openFixture('powernv').platform()).to.equal(Platform.PowerNV);
    });

    it('memory: every available memory node, disabled ones skipped', () => {
      const m = new MemRanges(8);
      expect(openFixture('powernv').memory(m)).to.equal(FdtStatus.Ok);
      expect(ranges(m)).to.deep.equal([[0n, 0x80000000n], [0x1000000000n, 0x40000000n]]);
    });

    it('memory: NoSpace when the container is full', () => {
      const m = new MemRanges(1);
      expect(openFixture('powernv').memory(m)).to.equal(FdtStatus.NoSpace);
      expect(m.count).to.equal(1);
    });

    it('reserved: header map plus /reserved-memory, duplicates listed once', () => {
      const m = new MemRanges(8);
      expect(openFixture('powernv').reserved(m)).to.equal(FdtStatus.Ok);
      expect(ranges(m)).to.deep.equal([
        [0x30000000n, 0x1000000n], [0x31000000n, 0xc00000n], [0x2000000000n, 0x10000n],
        [0x31c00000n, 0x400000n],
      ]);
    });

    it('cpus: SMT4 cores, /cpus timebase inherited, 2-cell timebase, disabled and cache nodes skipped', () => {
      const t = new CpuTable(8);
      expect(openFixture('powernv').cpus(t)).to.equal(FdtStatus.Ok);
      expect(cpuRows(t)).to.deep.equal([[0, 4, 512000000n], [4, 4, 512000000n]]);
    });

    it('cpus: NoSpace when the table is full', () => {
      const t = new CpuTable(1);
      expect(openFixture('powernv').cpus(t)).to.equal(FdtStatus.NoSpace);
      expect(t.count).to.equal(1);
    });

    it('pathOffset: /ibm,opal and its firmware child', () => {
      const fdt = openFixture('powernv');
      const opal = fdt.pathOffset('/ibm,opal');
      expect(opal).to.be.greaterThan(0);
      expect(fdt.isCompatible(opal, 'ibm,opal-v3', false)).to.equal(true);
      const fw = fdt.pathOffset('/ibm,opal/firmware');
      expect(str(fdt, o => fdt.copyString(fw, 'version', o))).to.equal('skiboot-v7.0');
      const base = fdt.findProp(opal, 'opal-base-address');
      expect(fdt.propCells(base, 0, 2)).to.equal(0x30000000n);
    });

    it('bootargs: NotFound without /chosen', () => {
      const fdt = openFixture('powernv');
      expect(fdt.bootargs(new Uint8Array(16))).to.equal(FdtStatus.NotFound);
    });
  });

  describe('1-cell addresses', () => {
    it('memory: two ranges of one reg with #address-cells = #size-cells = 1, node found by name', () => {
      const m = new MemRanges(4);
      expect(openFixture('cells1').memory(m)).to.equal(FdtStatus.Ok);
      expect(ranges(m)).to.deep.equal([[0n, 0x10000000n], [0x20000000n, 0x8000000n]]);
    });

    it('cpus: a cpu without ibm,ppc-interrupt-server#s counts one thread', () => {
      const t = new CpuTable(2);
      expect(openFixture('cells1').cpus(t)).to.equal(FdtStatus.Ok);
      expect(cpuRows(t)).to.deep.equal([[0, 1, 25000000n]]);
    });

    it('reserved: the header map entry', () => {
      const m = new MemRanges(2);
      expect(openFixture('cells1').reserved(m)).to.equal(FdtStatus.Ok);
      expect(ranges(m)).to.deep.equal([[0n, 0x4000n]]);
    });

    it('platform: Unknown for other compatibles', () => {
      expect(openFixture('cells1').platform()).to.equal(Platform.Unknown);
    });
  });

  describe('address cells', () => {
    const tree = (ac: number, sc: number, reg: string) => dtbFromSource(
      `/dts-v1/; / { #address-cells = <${ac}>; #size-cells = <${sc}>; memory@0 { device_type = "memory"; reg = <${reg}>; }; };`);

    it('memory: 2 address cells and 1 size cell', () => {
      const blob = tree(2, 1, '0x1 0x0 0x1000');
      placeFenced(blob);
      const fdt = new Fdt();
      expect(fdt.open(0n, blob.length)).to.equal(FdtStatus.Ok);
      const m = new MemRanges(2);
      expect(fdt.memory(m)).to.equal(FdtStatus.Ok);
      expect(ranges(m)).to.deep.equal([[0x100000000n, 0x1000n]]);
    });

    it('memory: BadValue for #address-cells 3 or a reg that is not whole entries', () => {
      for (const [ac, reg] of [[3, '0 0 0 0 1'], [2, '0 0 0']] as Array<[number, string]>) {
        const blob = tree(ac, 2, reg);
        placeFenced(blob);
        const fdt = new Fdt();
        expect(fdt.open(0n, blob.length)).to.equal(FdtStatus.Ok);
        expect(fdt.memory(new MemRanges(2))).to.equal(FdtStatus.BadValue);
      }
    });

    it('memory: zero-size ranges are skipped', () => {
      const blob = tree(1, 1, '0x0 0x0 0x1000 0x2000');
      placeFenced(blob);
      const fdt = new Fdt();
      expect(fdt.open(0n, blob.length)).to.equal(FdtStatus.Ok);
      const m = new MemRanges(2);
      expect(fdt.memory(m)).to.equal(FdtStatus.Ok);
      expect(ranges(m)).to.deep.equal([[0x1000n, 0x2000n]]);
    });
  });

  describe('queries before open', () => {
    it('every query: NotOpen or an empty answer on an Fdt never opened', () => {
      const fdt = new Fdt();
      expect(fdt.isOpen()).to.equal(false);
      expect(fdt.root()).to.equal(FdtStatus.NotOpen);
      expect(fdt.pathOffset('/cpus')).to.equal(FdtStatus.NotOpen);
      expect(fdt.findProp(64, 'reg')).to.equal(FdtStatus.NotOpen);
      expect(fdt.firstChild(64)).to.equal(FdtStatus.NotOpen);
      expect(fdt.memory(new MemRanges(1))).to.equal(FdtStatus.NotOpen);
      expect(fdt.reserved(new MemRanges(1))).to.equal(FdtStatus.NotOpen);
      expect(fdt.cpus(new CpuTable(1))).to.equal(FdtStatus.NotOpen);
      expect(fdt.platform()).to.equal(Platform.Unknown);
      expect(fdt.model(new Uint8Array(8))).to.equal(FdtStatus.NotOpen);
    });

    it('open: a failed open forgets the tree opened before', () => {
      const fdt = openFixture('pseries');
      const blob = withU32(dtbFixture('pseries'), H.magic, 0);
      place(ADDR, blob);
      expect(fdt.open(ADDR, blob.length)).to.equal(FdtStatus.BadMagic);
      expect(fdt.isOpen()).to.equal(false);
      expect(fdt.pathOffset('/cpus')).to.equal(FdtStatus.NotOpen);
    });

    it('findProp: NotOpen for an offset that is not a node', () => {
      const fdt = openFixture('pseries');
      expect(fdt.findProp(fdt.root() + 4, 'model')).to.equal(FdtStatus.NotOpen);
      expect(fdt.findProp(1 << 30, 'model')).to.equal(FdtStatus.NotOpen);
    });
  });

  describe('malformed blobs', () => {
    const good = () => dtbFixture('pseries');

    it('fdtValidate: Ok for a good blob read through the fence', () => {
      const blob = good();
      placeFenced(blob);
      expect(fdtValidate(0n, blob.length)).to.equal(FdtStatus.Ok);
    });

    it('open: Truncated when the limit is below the header or below totalsize', () => {
      const blob = good();
      expect(openFenced(blob, 39)).to.equal(FdtStatus.Truncated);
      expect(openFenced(blob.slice(0, 39), 39)).to.equal(FdtStatus.Truncated);
      expect(openFenced(blob.slice(0, blob.length - 1))).to.equal(FdtStatus.Truncated);
      expect(openFenced(blob.slice(0, 40))).to.equal(FdtStatus.Truncated);
    });

    it('open: BadMagic for a wrong magic (also a byte-swapped one)', () => {
      expect(openFenced(withU32(good(), H.magic, 0xedfe0dd0))).to.equal(FdtStatus.BadMagic);
      expect(openFenced(new Uint8Array(64))).to.equal(FdtStatus.BadMagic);
    });

    it('open: BadVersion for version 16 and for last_comp_version 18', () => {
      expect(openFenced(withU32(good(), H.version, 16))).to.equal(FdtStatus.BadVersion);
      expect(openFenced(withU32(good(), H.last_comp_version, 18))).to.equal(FdtStatus.BadVersion);
    });

    it('open: BadLayout for misaligned, too small or out-of-range offsets and sizes', () => {
      const blob = good();
      const total = blob.length;
      expect(openFenced(withU32(blob, H.off_dt_struct, getU32(blob, H.off_dt_struct) + 2))).to.equal(FdtStatus.BadLayout);
      expect(openFenced(withU32(blob, H.size_dt_struct, getU32(blob, H.size_dt_struct) + 1))).to.equal(FdtStatus.BadLayout);
      expect(openFenced(withU32(blob, H.off_mem_rsvmap, 44))).to.equal(FdtStatus.BadLayout);
      expect(openFenced(withU32(blob, H.off_dt_struct, 32))).to.equal(FdtStatus.BadLayout);
      expect(openFenced(withU32(blob, H.off_dt_strings, 0))).to.equal(FdtStatus.BadLayout);
      expect(openFenced(withU32(blob, H.size_dt_strings, total))).to.equal(FdtStatus.BadLayout);
      expect(openFenced(withU32(blob, H.size_dt_struct, 0xfffffffc))).to.equal(FdtStatus.BadLayout);
      expect(openFenced(withU32(blob, H.off_dt_strings, 0xffffffff))).to.equal(FdtStatus.BadLayout);
      expect(openFenced(withU32(blob, H.totalsize, 8))).to.equal(FdtStatus.BadLayout);
    });

    it('open: Overlap when the strings block lies inside the structure block', () => {
      const blob = good();
      const bad = withU32(blob, H.off_dt_strings, getU32(blob, H.off_dt_struct) + 8);
      expect(openFenced(bad)).to.equal(FdtStatus.Overlap);
    });

    it('open: Overlap when the structure block starts inside the reservation map', () => {
      const blob = good();
      let bad = withU32(blob, H.off_dt_struct, getU32(blob, H.off_dt_struct) - 8);
      bad = withU32(bad, H.size_dt_struct, getU32(blob, H.size_dt_struct) + 8);
      expect(openFenced(bad)).to.equal(FdtStatus.Overlap);
    });

    it('open: BadRsvmap when the reservation map has no terminator before totalsize', () => {
      const blob = good();
      expect(openFenced(withU32(blob, H.off_mem_rsvmap, (blob.length - 8) & ~7))).to.equal(FdtStatus.BadRsvmap);
      // a map pointed at non-zero bytes (the strings block) up to the end of the blob
      const noZero = assemble([BEGIN, '', END_NODE, END], 'x'.repeat(64));
      const strings = getU32(noZero, H.off_dt_strings);
      expect(openFenced(withU32(noZero, H.off_mem_rsvmap, (strings + 7) & ~7))).to.equal(FdtStatus.BadRsvmap);
    });

    it('open: NoEnd when the FDT_END token is missing', () => {
      const blob = good();
      expect(openFenced(withU32(blob, H.size_dt_struct, getU32(blob, H.size_dt_struct) - 4))).to.equal(FdtStatus.NoEnd);
      expect(openFenced(assemble([BEGIN, '', END_NODE], ''))).to.equal(FdtStatus.NoEnd);
      expect(openFenced(assemble([], ''))).to.equal(FdtStatus.NoEnd);
    });

    it('open: BadNesting for END_NODE without BEGIN_NODE, END inside a node, or no root', () => {
      expect(openFenced(assemble([BEGIN, '', END_NODE, END_NODE, END], ''))).to.equal(FdtStatus.BadNesting);
      expect(openFenced(assemble([BEGIN, '', BEGIN, 'a', END_NODE, END], ''))).to.equal(FdtStatus.BadNesting);
      expect(openFenced(assemble([NOP, END], ''))).to.equal(FdtStatus.BadNesting);
    });

    it('open: BadToken for unknown tokens, a second root, properties outside or after subnodes', () => {
      expect(openFenced(assemble([BEGIN, '', 7, END_NODE, END], ''))).to.equal(FdtStatus.BadToken);
      expect(openFenced(assemble([BEGIN, '', END_NODE, BEGIN, '', END_NODE, END], ''))).to.equal(FdtStatus.BadToken);
      expect(openFenced(assemble([PROP, 0, 0, BEGIN, '', END_NODE, END], 'a\0'))).to.equal(FdtStatus.BadToken);
      expect(openFenced(assemble([BEGIN, '', BEGIN, 'c', END_NODE, PROP, 0, 0, END_NODE, END], 'a\0')))
        .to.equal(FdtStatus.BadToken);
      const blob = good();
      const off = getU32(blob, H.off_dt_struct);
      expect(openFenced(withU32(blob, off, 0x01000000))).to.equal(FdtStatus.BadToken);
    });

    it('open: NOP tokens anywhere are accepted', () => {
      const blob = assemble([NOP, BEGIN, '', NOP, PROP, 4, 0, 0x12345678, NOP, BEGIN, 'a', NOP, END_NODE, NOP, END_NODE, NOP, END], 'x\0');
      expect(openFenced(blob)).to.equal(FdtStatus.Ok);
      const fdt = new Fdt();
      fdt.open(0n, blob.length);
      expect(fdt.getU32(fdt.root(), 'x', 0)).to.equal(0x12345678);
      expect(fdt.pathOffset('/a')).to.be.greaterThan(0);
      expect(fdt.nextSibling(fdt.pathOffset('/a'))).to.equal(FdtStatus.NotFound);
    });

    it('open: BadName for a node name running past the structure block', () => {
      expect(openFenced(assemble([BEGIN, '', BEGIN, { raw: [0x61, 0x62, 0x63, 0x64] }], ''))).to.equal(FdtStatus.BadName);
    });

    it('open: BadProperty for a property length running past the block, or a cut property header', () => {
      const blob = good();
      const p = findPropToken(blob, 'model');
      expect(openFenced(withU32(blob, p + 4, 0x10000))).to.equal(FdtStatus.BadProperty);
      expect(openFenced(withU32(blob, p + 4, 0xffffffff))).to.equal(FdtStatus.BadProperty);
      expect(openFenced(assemble([BEGIN, '', PROP, 4], ''))).to.equal(FdtStatus.BadProperty);
    });

    it('open: BadString for a name offset outside the strings block or an unterminated name', () => {
      const blob = good();
      const p = findPropToken(blob, 'model');
      expect(openFenced(withU32(blob, p + 8, getU32(blob, H.size_dt_strings)))).to.equal(FdtStatus.BadString);
      expect(openFenced(withU32(blob, p + 8, 0x80000000))).to.equal(FdtStatus.BadString);
      expect(openFenced(assemble([BEGIN, '', PROP, 0, 0, END_NODE, END], 'abc'))).to.equal(FdtStatus.BadString);
      const cut = withU32(blob, H.size_dt_strings, getU32(blob, H.size_dt_strings) - 1);
      expect(openFenced(cut)).to.equal(FdtStatus.BadString);
    });

    it(`open: TooDeep beyond ${FDT_MAX_DEPTH} levels, Ok at exactly ${FDT_MAX_DEPTH}`, () => {
      const nest = (n: number) => `/dts-v1/; / { ${'a { '.repeat(n)}${'}; '.repeat(n)}};`;
      expect(openFenced(dtbFromSource(nest(FDT_MAX_DEPTH - 1)))).to.equal(FdtStatus.Ok);
      expect(openFenced(dtbFromSource(nest(FDT_MAX_DEPTH)))).to.equal(FdtStatus.TooDeep);
      const deep: Array<number | string> = [];
      for (let i = 0; i < 1000; i++) deep.push(BEGIN, 'n');
      expect(openFenced(assemble(deep, ''))).to.equal(FdtStatus.TooDeep);
    });

    it('queries: a property whose value is not NUL-terminated is BadValue as a string', () => {
      const blob = assemble([BEGIN, '', PROP, 3, 0, { raw: [0x61, 0x62, 0x63, 0] }, END_NODE, END], 'model\0');
      expect(openFenced(blob)).to.equal(FdtStatus.Ok);
      const fdt = new Fdt();
      fdt.open(0n, blob.length);
      expect(fdt.model(new Uint8Array(8))).to.equal(FdtStatus.BadValue);
    });
  });

  describe('fuzz', () => {
    /** Apply one random mutation to `b` (in place). */
    function mutate(b: Uint8Array, rng: Rng): void {
      const dv = new DataView(b.buffer);
      switch (rng.below(6)) {
        case 0: b[rng.below(b.length)] = rng.below(256); break;
        case 1: b[rng.below(b.length)] ^= 1 << rng.below(8); break;
        case 2: { // a header field: random, small, or near a block boundary
          const f = rng.below(10) * 4;
          const pick = [rng.next(), rng.below(b.length + 64), dv.getUint32(f) + rng.below(9) - 4, 0, 0xffffffff];
          dv.setUint32(f, pick[rng.below(pick.length)] >>> 0);
          break;
        }
        case 3: { // a structure word: token, length or name offset
          const off = (40 + rng.below(b.length - 43)) & ~3;
          const pick = [1, 2, 3, 4, 9, rng.next(), rng.below(256), 0];
          dv.setUint32(off, pick[rng.below(pick.length)] >>> 0);
          break;
        }
        case 4: { // a property length or name offset
          const off = (40 + rng.below(b.length - 43)) & ~3;
          if (dv.getUint32(off) === 3 && off + 12 <= b.length) {
            dv.setUint32(off + 4 + 4 * rng.below(2), rng.below(3) === 0 ? rng.next() >>> 0 : rng.below(512));
          }
          break;
        }
        default: b[rng.below(b.length)] = 0; break;
      }
    }

    it('open and queries: 3000 mutated blobs give a status, never throw, never read outside the blob', () => {
      const base = dtbFixture('powernv');
      const rng = new Rng(0x5eed1234);
      const seen = new Map<number, number>();
      const fdt = new Fdt();
      const m = new MemRanges(16), t = new CpuTable(16), out = new Uint8Array(64);
      for (let iter = 0; iter < 3000; iter++) {
        const b = base.slice();
        const n = 1 + rng.below(4);
        for (let i = 0; i < n; i++) mutate(b, rng);
        const limit = rng.below(8) === 0 ? rng.below(b.length + 1) : b.length;
        placeFenced(b);
        host.memLimit = BigInt(limit);
        let st = 0;
        try {
          st = fdt.open(0n, limit);
          if (st === FdtStatus.Ok) {
            fdt.memory(m); fdt.reserved(m); fdt.cpus(t); fdt.platform(); fdt.bootargs(out); fdt.model(out);
            for (const p of ['/cpus', '/ibm,opal/firmware', '/memory', '/reserved-memory/x']) fdt.pathOffset(p);
            for (let c = fdt.firstChild(fdt.root()); c >= 0; c = fdt.nextSibling(c)) fdt.findProp(c, 'reg');
          }
        } catch (e) {
          throw new Error(`iteration ${iter}: ${(e as Error).message}`);
        }
        expect(st).to.be.at.most(0).and.at.least(FdtStatus.BadState);
        seen.set(st, (seen.get(st) ?? 0) + 1);
      }
      if (process.env.FDT_FUZZ_STATS) console.log([...seen.entries()].sort((a, b) => b[0] - a[0]));
      // the mutations reach many different checks, and some blobs stay valid
      expect(seen.size).to.be.at.least(10);
      expect(seen.get(FdtStatus.Ok) ?? 0).to.be.greaterThan(0);
    });
  });
});
