/**
 * lpar/devtree.ts: the FDT writer and the PAPR guest tree. Every tree written is read back
 * with hv/fdt.ts and decompiled with dtc, which must accept it without a warning. Writes
 * that do not fit must fail with NoSpace and stay inside the limit (the simulated memory
 * ends there, so a store beyond it would throw).
 */
import { expect } from 'chai';
import { host } from 'tsnc/host';
import { Fdt, FdtStatus, MemRanges, CpuTable, Platform } from '../../lpar/fdt';
import {
  FdtWriter, StringList, GuestTreeParams, buildGuestTree, rtasBit, RtasToken, RTAS_SERVICES, GUEST_MAX_VCPUS,
} from '../../lpar/devtree';
import { decompile, dtbFromSource, getU32, ascii, H, Rng } from './fdt-helpers';

const ADDR = 0x400000n;
const LIMIT = 0x10000;

function blobAt(addr: bigint, size: number): Uint8Array {
  return host.readBytes(addr, size);
}

/** Decompile with dtc: no warnings or errors allowed; returns the dts text. */
function dtsOf(blob: Uint8Array): string {
  const r = decompile(blob);
  expect(r.stderr, 'dtc stderr').to.equal('');
  expect(r.status, 'dtc status').to.equal(0);
  return r.dts;
}

function openAt(addr: bigint, size: number): Fdt {
  const fdt = new Fdt();
  expect(fdt.open(addr, size)).to.equal(FdtStatus.Ok);
  return fdt;
}

/** The property lines of one node in dtc's output, e.g. nodeText(dts, 'rtas'). */
function nodeText(dts: string, name: string): string {
  const start = dts.search(new RegExp(`\\n\\s*${name.replace(/[,@.]/g, m => '\\' + m)} \\{`));
  expect(start, `node ${name} in dts`).to.be.at.least(0);
  return dts.slice(start, dts.indexOf('};', start));
}

const HYPERTAS = ['hcall-pft', 'hcall-term', 'hcall-dabr', 'hcall-interrupt', 'hcall-splpar', 'hcall-set-mode'];

function guestParams(vcpus: number): GuestTreeParams {
  const p = new GuestTreeParams();
  p.memSize = 0x20000000n;
  p.vcpus = vcpus;
  p.bootargs = 'console=hvc0 root=/dev/ram0';
  p.partitionName = 'lpar1';
  p.rtasBase = 0x1f000000;
  p.rtasSize = 0x1000;
  for (const s of HYPERTAS) expect(p.hypertas.add(s)).to.equal(true);
  return p;
}

describe('lpar/devtree writer', () => {
  beforeEach(() => host.reset());

  /** A small tree exercising every property kind. */
  function smallTree(w: FdtWriter, addr: bigint, limit: number): number {
    w.start(addr, limit);
    w.addReservation(0x1000n, 0x2000n);
    w.addReservation(0x100000000n, 0x10000n);
    w.beginNode('');
    w.propU32('#address-cells', 2);
    w.propU32('#size-cells', 2);
    w.propString('model', 'tshype test');
    w.beginNodeAt('memory', 0x100000000n);
    w.propString('device_type', 'memory');
    w.propBegin('reg');
    w.appendU64(0x100000000n);
    w.appendU64(0x40000000n);
    w.propEnd();
    w.endNode();
    w.beginNode('bus');
    w.propU32('#address-cells', 2);
    w.propU32('#size-cells', 2);
    w.propEmpty('ranges');
    w.propU64('big', 0x0123456789abcdefn);
    w.propCells('cells', new Uint32Array([1, 2, 3, 0xffffffff]), 3);
    w.propBytes('bytes', new Uint8Array([0xde, 0xad, 0xbe, 0xef, 0x42]), 5);
    const list = new StringList(64);
    list.add('one'); list.add('two'); list.add('one');
    w.propStrings('list', list);
    w.beginNode('dev@1f');
    w.propCells('reg', new Uint32Array([0, 0x1f, 0, 0x10]), 4);
    w.endNode();
    w.endNode();
    w.endNode();
    return w.finish(7);
  }

  it('finish: a tree with every property kind reads back and decompiles cleanly', () => {
    const w = new FdtWriter();
    const size = smallTree(w, ADDR, LIMIT);
    expect(size).to.be.greaterThan(0);
    const blob = blobAt(ADDR, size);
    expect(getU32(blob, H.magic)).to.equal(0xd00dfeed);
    expect(getU32(blob, H.totalsize)).to.equal(size);
    expect(getU32(blob, H.version)).to.equal(17);
    expect(getU32(blob, H.last_comp_version)).to.equal(16);
    expect(getU32(blob, H.boot_cpuid_phys)).to.equal(7);

    const fdt = openAt(ADDR, size);
    const node = fdt.pathOffset('/bus');
    expect(fdt.propCells(fdt.findProp(node, 'big'), 0, 2)).to.equal(0x0123456789abcdefn);
    const cells = fdt.findProp(node, 'cells');
    expect(fdt.propLen(cells)).to.equal(12);
    expect([0, 1, 2].map(i => fdt.propCell(cells, i))).to.deep.equal([1, 2, 3]);
    const bytes = fdt.findProp(node, 'bytes');
    expect([0, 1, 2, 3, 4].map(i => fdt.propByte(bytes, i))).to.deep.equal([0xde, 0xad, 0xbe, 0xef, 0x42]);
    expect(fdt.propLen(fdt.findProp(node, 'ranges'))).to.equal(0);
    expect(fdt.getU32(fdt.pathOffset('/bus/dev@1f'), 'reg', 0)).to.equal(FdtStatus.BadValue);
    expect(fdt.propCell(fdt.findProp(fdt.pathOffset('/bus/dev@1f'), 'reg'), 3)).to.equal(0x10);
    const m = new MemRanges(4);
    expect(fdt.memory(m)).to.equal(FdtStatus.Ok);
    expect([m.count, m.base[0], m.size[0]]).to.deep.equal([1, 0x100000000n, 0x40000000n]);
    expect(fdt.reserved(m)).to.equal(FdtStatus.Ok);
    expect([m.count, m.base[1], m.size[1]]).to.deep.equal([2, 0x100000000n, 0x10000n]);

    const dts = dtsOf(blob);
    expect(dts).to.contain('/memreserve/\t0x0000000000001000 0x0000000000002000;');
    expect(dts).to.contain('memory@100000000 {');
    expect(dts).to.contain('reg = <0x01 0x00 0x00 0x40000000>;');
    expect(dts).to.contain('big = <0x1234567 0x89abcdef>;');
    expect(dts).to.contain('cells = <0x01 0x02 0x03>;');
    expect(dts).to.contain('bytes = [de ad be ef 42];');
    expect(dts).to.contain('list = "one\\0two";');
    expect(dts).to.contain('ranges;');
    expect(dts).to.contain('dev@1f {');
  });

  it('finish: dtc round trip of the decompiled text gives the same text', () => {
    const w = new FdtWriter();
    const size = smallTree(w, ADDR, LIMIT);
    const dts = dtsOf(blobAt(ADDR, size));
    expect(dtsOf(dtbFromSource(dts))).to.equal(dts);
  });

  it('strings table: each property name is stored once', () => {
    const w = new FdtWriter();
    w.start(ADDR, LIMIT);
    w.beginNode('');
    w.propU32('#size-cells', 1);
    for (const n of ['a', 'b', 'c']) {
      w.beginNode(n);
      w.propU32('#size-cells', 0);
      w.propString('compatible', n);
      w.endNode();
    }
    w.endNode();
    const size = w.finish(0);
    const blob = blobAt(ADDR, size);
    expect(getU32(blob, H.size_dt_strings)).to.equal('#size-cells\0compatible\0'.length);
    const fdt = openAt(ADDR, size);
    expect(fdt.getU32(fdt.pathOffset('/b'), '#size-cells', 9)).to.equal(0);
    dtsOf(blob);
  });

  it('strings table: a name that ends another shares its bytes', () => {
    const w = new FdtWriter();
    w.start(ADDR, LIMIT);
    w.beginNode('');
    w.propU32('linux,rtas-entry', 1);
    w.propU32('rtas-entry', 2);
    w.endNode();
    const size = w.finish(0);
    expect(getU32(blobAt(ADDR, size), H.size_dt_strings)).to.equal('linux,rtas-entry\0'.length);
    const fdt = openAt(ADDR, size);
    expect(fdt.getU32(fdt.root(), 'rtas-entry', 0)).to.equal(2);
    expect(fdt.getU32(fdt.root(), 'linux,rtas-entry', 0)).to.equal(1);
  });

  it('finish: an empty root with no reservations is the smallest valid tree', () => {
    const w = new FdtWriter();
    w.start(ADDR, 72);
    w.beginNode('');
    w.endNode();
    const size = w.finish(0);
    expect(size).to.equal(40 + 16 + 16);
    openAt(ADDR, size);
    expect(dtsOf(blobAt(ADDR, size))).to.contain('/ {\n};');
  });

  it('beginNodeAt: unit addresses in lower-case hex without leading zeros', () => {
    const w = new FdtWriter();
    w.start(ADDR, LIMIT);
    w.beginNode('');
    for (const u of [0n, 0xan, 0x30000000n, 0xffffffffffffffffn]) { w.beginNodeAt('n', u); w.endNode(); }
    w.endNode();
    const size = w.finish(0);
    const fdt = openAt(ADDR, size);
    for (const p of ['/n@0', '/n@a', '/n@30000000', '/n@ffffffffffffffff']) expect(fdt.pathOffset(p), p).to.be.greaterThan(0);
  });

  it('addReservation: BadState after the first node', () => {
    const w = new FdtWriter();
    w.start(ADDR, LIMIT);
    w.beginNode('');
    w.addReservation(0x1000n, 0x1000n);
    w.endNode();
    expect(w.finish(0)).to.equal(FdtStatus.BadState);
  });

  it('endNode/finish: BadNesting for an extra endNode, an open node or no root', () => {
    const w = new FdtWriter();
    w.start(ADDR, LIMIT);
    w.beginNode('');
    w.endNode();
    w.endNode();
    expect(w.finish(0)).to.equal(FdtStatus.BadNesting);
    w.start(ADDR, LIMIT);
    w.beginNode('');
    w.beginNode('a');
    w.endNode();
    expect(w.finish(0)).to.equal(FdtStatus.BadNesting);
    w.start(ADDR, LIMIT);
    expect(w.finish(0)).to.equal(FdtStatus.BadNesting);
  });

  it('beginNode: BadState for a named or second root, BadName for invalid node names', () => {
    const w = new FdtWriter();
    w.start(ADDR, LIMIT);
    w.beginNode('root');
    expect(w.status()).to.equal(FdtStatus.BadState);
    w.start(ADDR, LIMIT);
    w.beginNode('');
    w.endNode();
    w.beginNode('');
    expect(w.status()).to.equal(FdtStatus.BadState);
    for (const bad of ['', 'a b', 'a@', '@1', 'x'.repeat(32), 'a/b', 'a@1@2']) {
      w.start(ADDR, LIMIT);
      w.beginNode('');
      w.beginNode(bad);
      expect(w.status(), JSON.stringify(bad)).to.equal(FdtStatus.BadName);
    }
    w.start(ADDR, LIMIT);
    w.beginNode('');
    w.beginNodeAt('vty@1', 1n);
    expect(w.status()).to.equal(FdtStatus.BadName);
  });

  it('propBegin: BadName for invalid property names, BadState outside a node or after a child', () => {
    const w = new FdtWriter();
    for (const bad of ['', 'a b', 'x'.repeat(64), 'a@b', 'a/b']) {
      w.start(ADDR, LIMIT);
      w.beginNode('');
      w.propU32(bad, 1);
      expect(w.status(), JSON.stringify(bad)).to.equal(FdtStatus.BadName);
    }
    w.start(ADDR, LIMIT);
    w.propU32('a', 1);
    expect(w.status()).to.equal(FdtStatus.BadState);
    w.start(ADDR, LIMIT);
    w.beginNode('');
    w.beginNode('child');
    w.endNode();
    w.propU32('late', 2);
    expect(w.status()).to.equal(FdtStatus.BadState);
  });

  it('propBegin: the value 2 (the END_NODE token) does not count as a closed child', () => {
    const w = new FdtWriter();
    w.start(ADDR, LIMIT);
    w.beginNode('');
    w.propU32('two', 2);
    w.propU32('three', 3);
    w.endNode();
    expect(w.finish(0)).to.be.greaterThan(0);
  });

  it('appendByte/propEnd: BadState outside a property, and nodes cannot open inside one', () => {
    const w = new FdtWriter();
    w.start(ADDR, LIMIT);
    w.beginNode('');
    w.appendByte(1);
    expect(w.status()).to.equal(FdtStatus.BadState);
    w.start(ADDR, LIMIT);
    w.beginNode('');
    w.propBegin('p');
    w.beginNode('n');
    expect(w.status()).to.equal(FdtStatus.BadState);
    w.start(ADDR, LIMIT);
    w.beginNode('');
    w.propBegin('p');
    w.endNode();
    expect(w.status()).to.equal(FdtStatus.BadState);
  });

  it('beginNode: TooDeep past 32 levels', () => {
    const w = new FdtWriter();
    w.start(ADDR, LIMIT);
    w.beginNode('');
    for (let i = 0; i < 31; i++) w.beginNode('n');
    expect(w.status()).to.equal(FdtStatus.Ok);
    w.beginNode('n');
    expect(w.status()).to.equal(FdtStatus.TooDeep);
  });

  it('start: BadValue for a limit below the smallest tree', () => {
    expect(new FdtWriter().start(ADDR, 71)).to.equal(FdtStatus.BadValue);
  });

  it('finish: NoSpace at every limit too small for the tree, never writing past the limit', () => {
    const w = new FdtWriter();
    const size = smallTree(w, ADDR, LIMIT);
    for (let limit = 72; limit < size; limit++) {
      host.reset();
      host.memLimit = ADDR + BigInt(limit);
      expect(smallTree(w, ADDR, limit), `limit ${limit}`).to.equal(FdtStatus.NoSpace);
    }
    host.reset();
    host.memLimit = ADDR + BigInt(size);
    expect(smallTree(w, ADDR, size)).to.equal(size);
  });

  it('finish: BadState when called twice; start makes the writer reusable', () => {
    const w = new FdtWriter();
    const size = smallTree(w, ADDR, LIMIT);
    expect(w.finish(0)).to.equal(FdtStatus.BadState);
    const first = blobAt(ADDR, size);
    expect(smallTree(w, ADDR + 0x10000n, LIMIT)).to.equal(size);
    expect(Buffer.from(blobAt(ADDR + 0x10000n, size)).equals(Buffer.from(first))).to.equal(true);
  });
});

describe('lpar/devtree writer fuzz', () => {
  beforeEach(() => host.reset());

  it('FdtWriter: 1500 random call sequences never throw or store past the limit; a size means a valid tree', () => {
    const rng = new Rng(0xdecafbad);
    const names = ['a', 'cpus', 'memory@0', 'b@1,2', '', 'bad name', 'x'.repeat(31), 'x'.repeat(32)];
    const props = ['reg', 'compatible', '#size-cells', 'linux,rtas-base', 'bad/name', '', 'ibm,ppc-interrupt-server#s'];
    const w = new FdtWriter();
    const fdt = new Fdt();
    let sizes = 0;
    for (let iter = 0; iter < 1500; iter++) {
      host.reset();
      const limit = 64 + rng.below(1200);
      host.memLimit = ADDR + BigInt(limit);
      let size = 0;
      try {
        w.start(ADDR, limit);
        if (rng.below(2) === 0) w.addReservation(BigInt(rng.next()), BigInt(rng.below(4)));
        w.beginNode('');
        let depth = 1;
        const steps = rng.below(40);
        for (let i = 0; i < steps; i++) {
          const r = rng.below(10);
          if (r === 0 && depth > 1) { w.endNode(); depth--; }
          else if (r === 1) { w.beginNode(names[rng.below(names.length)]); depth++; }
          else if (r === 2) { w.beginNodeAt('n', BigInt(rng.next())); depth++; }
          else if (r === 3) { w.propBegin(props[rng.below(props.length)]); w.appendHex(BigInt(rng.next())); w.appendByte(0); w.propEnd(); }
          else if (r === 4) w.propString(props[rng.below(props.length)], 'v'.repeat(rng.below(20)));
          else if (r === 5) w.propU64(props[rng.below(props.length)], BigInt(rng.next()));
          else if (r === 6 && rng.below(4) === 0) w.addReservation(1n, 1n);
          else w.propU32(props[rng.below(props.length)], rng.next());
        }
        while (depth-- > 0 && rng.below(8) !== 0) w.endNode();
        size = w.finish(rng.below(4));
      } catch (e) {
        throw new Error(`iteration ${iter}: ${(e as Error).message}`);
      }
      if (size > 0) {
        sizes++;
        expect(size).to.be.at.most(limit);
        expect(fdt.open(ADDR, size), `iteration ${iter}`).to.equal(FdtStatus.Ok);
      } else {
        expect(size).to.be.at.least(FdtStatus.BadState);
      }
    }
    expect(sizes).to.be.greaterThan(50);
  });
});

describe('lpar/devtree StringList', () => {
  it('add: appends distinct strings, ignores duplicates', () => {
    const l = new StringList(32);
    expect(l.add('hcall-term')).to.equal(true);
    expect(l.add('hcall-pft')).to.equal(true);
    expect(l.add('hcall-term')).to.equal(true);
    expect(l.count).to.equal(2);
    expect(ascii(l.bytes, l.used)).to.equal('hcall-term\0hcall-pft\0');
    expect(l.has('hcall-pft')).to.equal(true);
    expect(l.has('hcall-p')).to.equal(false);
  });

  it('add: false for empty or non-printable strings and when full', () => {
    const l = new StringList(8);
    expect(l.add('')).to.equal(false);
    expect(l.add('a\nb')).to.equal(false);
    expect(l.add('1234567')).to.equal(true);
    expect(l.add('x')).to.equal(false);
    expect(l.used).to.equal(8);
    l.clear();
    expect([l.used, l.count, l.has('1234567')]).to.deep.equal([0, 0, false]);
  });
});

describe('lpar/devtree guest tree', () => {
  beforeEach(() => host.reset());

  it('buildGuestTree: reads back as a pseries tree with its memory, CPUs, console and RTAS', () => {
    const p = guestParams(4);
    const size = buildGuestTree(new FdtWriter(), p, ADDR, LIMIT);
    expect(size).to.be.greaterThan(0);
    const fdt = openAt(ADDR, size);
    expect(fdt.platform()).to.equal(Platform.Pseries);
    expect(fdt.bootCpuId()).to.equal(0);
    const m = new MemRanges(4);
    expect(fdt.memory(m)).to.equal(FdtStatus.Ok);
    expect([m.count, m.base[0], m.size[0]]).to.deep.equal([1, 0n, 0x20000000n]);
    expect(fdt.reserved(m)).to.equal(FdtStatus.Ok);
    expect([m.count, m.base[0], m.size[0]]).to.deep.equal([1, 0x1f000000n, 0x1000n]);
    const t = new CpuTable(8);
    expect(fdt.cpus(t)).to.equal(FdtStatus.Ok);
    expect(t.count).to.equal(4);
    for (let i = 0; i < 4; i++) expect([t.reg[i], t.threads[i], t.timebaseHz[i]]).to.deep.equal([i, 1, 512000000n]);
    const out = new Uint8Array(64);
    expect(ascii(out, fdt.bootargs(out))).to.equal('console=hvc0 root=/dev/ram0');
    const rtas = fdt.pathOffset('/rtas');
    expect(fdt.getU32(rtas, 'power-off', 0)).to.equal(RtasToken.PowerOff);
    expect(fdt.getU32(rtas, 'linux,rtas-base', 0)).to.equal(0x1f000000);
    const ht = fdt.findProp(rtas, 'ibm,hypertas-functions');
    for (const s of HYPERTAS) expect(fdt.propListHas(ht, s, false), s).to.equal(true);
    const vty = fdt.pathOffset('/vdevice/vty@30000000');
    expect(fdt.isCompatible(vty, 'hvterm1', false)).to.equal(true);
    expect(fdt.getU32(vty, 'reg', 0)).to.equal(0x30000000);
  });

  it('buildGuestTree: dtc accepts it without warnings, with the expected nodes and properties', () => {
    const size = buildGuestTree(new FdtWriter(), guestParams(2), ADDR, LIMIT);
    const dts = dtsOf(blobAt(ADDR, size));
    expect(dts).to.contain('/memreserve/\t0x000000001f000000 0x0000000000001000;');
    expect(dts).to.contain('device_type = "chrp";');
    expect(dts).to.contain('compatible = "tshype,pseries\\0qemu,pseries";');
    expect(dts).to.contain('ibm,partition-name = "lpar1";');
    expect(dts).to.contain('tshype,grant-window = <0x80 0x00 0x00 0x200000>;');

    const chosen = nodeText(dts, 'chosen');
    expect(chosen).to.contain('bootargs = "console=hvc0 root=/dev/ram0";');
    expect(chosen).to.contain('linux,stdout-path = "/vdevice/vty@30000000";');
    expect(chosen).to.contain('stdout-path = "/vdevice/vty@30000000";');
    expect(chosen).to.contain('ibm,architecture-vec-5 = [19 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 40 00 40];');

    const mem = nodeText(dts, 'memory@0');
    expect(mem).to.contain('device_type = "memory";');
    expect(mem).to.contain('reg = <0x00 0x00 0x00 0x20000000>;');

    const cpus = nodeText(dts, 'cpus');
    expect(cpus).to.contain('#address-cells = <0x01>;');
    expect(cpus).to.contain('#size-cells = <0x00>;');
    for (const id of [0, 1]) {
      const cpu = nodeText(dts, `PowerPC,POWER9@${id}`);
      expect(cpu).to.contain('device_type = "cpu";');
      expect(cpu).to.contain(`reg = <0x${id.toString(16).padStart(2, '0')}>;`);
      expect(cpu).to.contain(`ibm,ppc-interrupt-server#s = <0x${id.toString(16).padStart(2, '0')}>;`);
      expect(cpu).to.contain('timebase-frequency = <0x1e848000>;');
      expect(cpu).to.contain('clock-frequency = <0x3b9aca00>;');
      expect(cpu).to.contain('d-cache-block-size = <0x80>;');
      // 68 bytes: dtc shows them as cells. Byte 42 (0x80 in the 11th cell) is the radix bit.
      expect(cpu).to.contain('ibm,pa-features = <0x4200f61f 0xc7c080f0 0x80000000 0x00 0x8000 0x80008000 0x8000 ' +
        '0x80008000 0x80008000 0xc0008000 0x80008000 0x80008000 0x80008000 0x80008000 0x80008000 0x80008000 0x80000000>;');
    }

    const vdev = nodeText(dts, 'vdevice');
    expect(vdev).to.contain('compatible = "IBM,vdevice";');
    expect(vdev).to.contain('device_type = "vdevice";');
    const vty = nodeText(dts, 'vty@30000000');
    expect(vty).to.contain('compatible = "hvterm1";');
    expect(vty).to.contain('device_type = "serial";');
    expect(vty).to.contain('reg = <0x30000000>;');

    const rtas = nodeText(dts, 'rtas');
    expect(rtas).to.contain(`ibm,hypertas-functions = "${HYPERTAS.join('\\0')}";`);
    expect(rtas).to.contain('linux,rtas-base = <0x1f000000>;');
    expect(rtas).to.contain('linux,rtas-entry = <0x1f000000>;');
    expect(rtas).to.contain('rtas-size = <0x1000>;');
    expect(rtas).to.contain('display-character = <0x2000>;');
    expect(rtas).to.contain('get-time-of-day = <0x2001>;');
    expect(rtas).to.contain('power-off = <0x2003>;');
    for (const [name, token] of [['system-reboot', 0x2004], ['query-cpu-stopped-state', 0x2005], ['start-cpu', 0x2006],
      ['stop-self', 0x2007], ['ibm,get-system-parameter', 0x2008], ['ibm,set-xive', 0x200a], ['ibm,get-xive', 0x200b],
      ['ibm,int-off', 0x200c], ['ibm,int-on', 0x200d], ['ibm,os-term', 0x201f]] as const) {
      expect(rtas).to.contain(`${name} = <0x${token.toString(16)}>;`);
    }
    expect(rtas, 'no service tshype does not implement').not.to.contain('event-scan');

    // what Linux's XICS and pseries code read (ref/LINUX-GUEST.md A.3)
    const xics = nodeText(dts, 'interrupt-controller');
    expect(xics).to.contain('compatible = "IBM,ppc-xicp";');
    expect(xics).to.contain('device_type = "PowerPC-External-Interrupt-Presentation";');
    expect(xics).to.contain('interrupt-controller;');
    expect(xics).to.contain('#interrupt-cells = <0x02>;');
    expect(xics).to.match(/ibm,interrupt-server-ranges = <0x00 0x0?\d+>;/);
    expect(nodeText(dts, 'vdevice')).to.contain('interrupt-controller;');
    expect(dts).to.contain('ibm,processor-radix-AP-encodings = <0x0c 0xa0000010 0x20000015 0x4000001e>;');
    expect(dts).to.contain('compatible = "ibm,random";');
  });

  it('buildGuestTree: rtasServices selects the token properties', () => {
    const p = guestParams(1);
    p.rtasServices = rtasBit(RtasToken.StartCpu) | rtasBit(RtasToken.StopSelf) | rtasBit(RtasToken.QueryCpuStoppedState) | rtasBit(RtasToken.IbmOsTerm);
    const size = buildGuestTree(new FdtWriter(), p, ADDR, LIMIT);
    const fdt = openAt(ADDR, size);
    const rtas = fdt.pathOffset('/rtas');
    for (let i = 0; i < RTAS_SERVICES.length; i++) {
      const want = (p.rtasServices & (1 << i)) !== 0 ? RTAS_SERVICES[i].token : -1;
      expect(fdt.getU32(rtas, RTAS_SERVICES[i].name, -1), RTAS_SERVICES[i].name).to.equal(want);
    }
    expect(fdt.getU32(rtas, 'ibm,os-term', 0)).to.equal(RtasToken.IbmOsTerm);
  });

  it('buildGuestTree: a hash guest clears the radix bits of pa-features and option vector 5', () => {
    const p = guestParams(1);
    p.radix = false;
    p.pvr = 0x0f000005;
    const size = buildGuestTree(new FdtWriter(), p, ADDR, LIMIT);
    const fdt = openAt(ADDR, size);
    const cpu = fdt.pathOffset('/cpus/PowerPC,POWER9@0');
    expect(fdt.propByte(fdt.findProp(cpu, 'ibm,pa-features'), 42)).to.equal(0);
    expect(fdt.getU32(cpu, 'cpu-version', 0)).to.equal(0x0f000005);
    const vec5 = fdt.findProp(fdt.pathOffset('/chosen'), 'ibm,architecture-vec-5');
    expect([fdt.propByte(vec5, 24), fdt.propByte(vec5, 26)]).to.deep.equal([0, 0]);
    dtsOf(blobAt(ADDR, size));
  });

  it('buildGuestTree: radix without GTSE clears only option vector 5 byte 26', () => {
    const p = guestParams(1);
    p.gtse = false;
    const fdt = openAt(ADDR, buildGuestTree(new FdtWriter(), p, ADDR, LIMIT));
    const vec5 = fdt.findProp(fdt.pathOffset('/chosen'), 'ibm,architecture-vec-5');
    expect([fdt.propByte(vec5, 24), fdt.propByte(vec5, 26)]).to.deep.equal([0x40, 0]);
    const cpu = fdt.pathOffset('/cpus/PowerPC,POWER9@0');
    expect(fdt.propByte(fdt.findProp(cpu, 'ibm,pa-features'), 42)).to.equal(0x80);
  });

  it('buildGuestTree: optional parts omitted (no bootargs, RTAS blob, hypertas or partition name)', () => {
    const p = new GuestTreeParams();
    p.memSize = 0x10000000n;
    p.memBase = 0x10000000n;
    p.vtyReg = 0x71000000;
    const size = buildGuestTree(new FdtWriter(), p, ADDR, LIMIT);
    const fdt = openAt(ADDR, size);
    const chosen = fdt.pathOffset('/chosen');
    expect(fdt.findProp(chosen, 'bootargs')).to.equal(FdtStatus.NotFound);
    expect(fdt.findProp(fdt.root(), 'ibm,partition-name')).to.equal(FdtStatus.NotFound);
    const rtas = fdt.pathOffset('/rtas');
    expect(fdt.findProp(rtas, 'linux,rtas-base')).to.equal(FdtStatus.NotFound);
    expect(fdt.findProp(rtas, 'ibm,hypertas-functions')).to.equal(FdtStatus.NotFound);
    expect(fdt.pathOffset('/memory@10000000')).to.be.greaterThan(0);
    const out = new Uint8Array(64);
    expect(ascii(out, fdt.copyString(chosen, 'stdout-path', out))).to.equal('/vdevice/vty@71000000');
    const m = new MemRanges(2);
    expect(fdt.reserved(m)).to.equal(FdtStatus.Ok);
    expect(m.count).to.equal(0);
    dtsOf(blobAt(ADDR, size));
  });

  it('buildGuestTree: caller reservations come first in the map', () => {
    const p = guestParams(1);
    p.reserves.add(0x400000n, 0x200000n);
    const fdt = openAt(ADDR, buildGuestTree(new FdtWriter(), p, ADDR, LIMIT));
    const m = new MemRanges(4);
    fdt.reserved(m);
    expect([m.count, m.base[0], m.size[0], m.base[1]]).to.deep.equal([2, 0x400000n, 0x200000n, 0x1f000000n]);
  });

  it(`buildGuestTree: ${GUEST_MAX_VCPUS} vCPUs fit in 128 KiB and read back in order`, () => {
    const p = guestParams(GUEST_MAX_VCPUS);
    const size = buildGuestTree(new FdtWriter(), p, ADDR, 0x20000);
    expect(size).to.be.greaterThan(0);
    const t = new CpuTable(GUEST_MAX_VCPUS);
    expect(openAt(ADDR, size).cpus(t)).to.equal(FdtStatus.Ok);
    expect(t.count).to.equal(GUEST_MAX_VCPUS);
    expect(t.reg[GUEST_MAX_VCPUS - 1]).to.equal(GUEST_MAX_VCPUS - 1);
    dtsOf(blobAt(ADDR, size));
  });

  it('buildGuestTree: BadValue for parameters out of range', () => {
    const cases: Array<(p: GuestTreeParams) => void> = [
      p => { p.vcpus = 0; }, p => { p.vcpus = GUEST_MAX_VCPUS + 1; }, p => { p.memSize = 0n; },
      p => { p.rtasBase = 0xfffff000; p.rtasSize = 0x2000; }, p => { p.timebaseHz = 0; },
      p => { p.vtyReg = 0x100000000; }, p => { p.clockHz = 0x100000000; },
    ];
    for (const change of cases) {
      const p = guestParams(1);
      change(p);
      expect(buildGuestTree(new FdtWriter(), p, ADDR, LIMIT)).to.equal(FdtStatus.BadValue);
    }
  });

  it('buildGuestTree: NoSpace when the limit is too small, with no store past the limit', () => {
    const p = guestParams(2);
    const size = buildGuestTree(new FdtWriter(), p, ADDR, LIMIT);
    for (const limit of [72, 256, size >> 1, size - 1]) {
      host.reset();
      host.memLimit = ADDR + BigInt(limit);
      expect(buildGuestTree(new FdtWriter(), p, ADDR, limit), `limit ${limit}`).to.equal(FdtStatus.NoSpace);
    }
    host.reset();
    host.memLimit = ADDR + BigInt(size);
    expect(buildGuestTree(new FdtWriter(), p, ADDR, size)).to.equal(size);
  });
});
