/**
 * Fuzzing the FDT reader (lpar/fdt.ts), the parser of the device tree the firmware hands the
 * hypervisor: generated trees (random nodes and the properties the hypervisor asks about, with
 * right and wrong sizes) and dtc-compiled fixtures, each mutated or not (bit flips, truncation,
 * inserted and deleted bytes, header fields and property lengths/name offsets at edge values).
 * For every input, read through fenced memory (a read outside [addr, addr + limit) or any write
 * fails it): open never throws and answers Ok or a documented refusal with its own phrase
 * (fdtStatusText); an opened tree answers every query without throwing, with nodes and property
 * values inside the structure block and results inside their containers.
 *
 * FUZZ_N (default 50,000 in `make test`; `make fuzz-parsers` runs 100,000), FUZZ_SEED and FUZZ_ONLY replay (test/unit/fuzz-helpers.ts).
 */
import { expect } from 'chai';
import { CpuTable, Fdt, FdtStatus, MemRanges, fdtStatusText, FDT_MAX_DEPTH } from '../../lpar/fdt';
import { dtbFixture } from './fdt-helpers';
import { Outcomes, Rng, edge32, forEachInput, fuzzRun, mutateBytes, report, withFencedInput } from './fuzz-helpers';

const ADDR = 0x3000000n;
const OPEN_REFUSALS = [FdtStatus.Truncated, FdtStatus.BadMagic, FdtStatus.BadVersion, FdtStatus.BadLayout, FdtStatus.Overlap,
  FdtStatus.BadRsvmap, FdtStatus.BadToken, FdtStatus.BadNesting, FdtStatus.NoEnd, FdtStatus.BadName, FdtStatus.BadProperty,
  FdtStatus.BadString, FdtStatus.TooDeep];
const QUERY_STATUSES = [FdtStatus.Ok, FdtStatus.NotFound, FdtStatus.BadValue, FdtStatus.NoSpace];
const PROPS = ['reg', 'device_type', 'compatible', '#address-cells', '#size-cells', 'status', 'timebase-frequency',
  'ibm,ppc-interrupt-server#s', 'bootargs', 'model', 'linux,initrd-start', 'name'];
const NODE_NAMES = ['cpus', 'cpu@0', 'cpu@8', 'PowerPC,POWER9@0', 'memory@0', 'memory', 'memory@40000000', 'reserved-memory',
  'ibm,firmware@30000000', 'chosen', 'ibm,opal', 'firmware', 'l2-cache@0', 'vdevice', 'x@', '@', 'a'];

/** A structure-aware tree: header, reservation map, nodes with the properties the hypervisor reads. */
function generate(rng: Rng): Uint8Array {
  const strs: string[] = [];
  const strOff = new Map<string, number>();
  let strLen = 0;
  const nameoff = (s: string): number => {
    if (!strOff.has(s)) { strOff.set(s, strLen); strs.push(s); strLen += s.length + 1; }
    return strOff.get(s)!;
  };
  const st: number[] = [];
  const u32 = (v: number): void => { st.push((v >>> 24) & 255, (v >>> 16) & 255, (v >>> 8) & 255, v & 255); };
  const pad = (): void => { while (st.length % 4 !== 0) st.push(0); };
  const str = (s: string): number[] => [...Buffer.from(s, 'latin1'), 0];
  const cells = (n: number): number[] => {
    const out: number[] = [];
    for (let i = 0; i < n; i++) { const v = rng.oneIn(3) ? rng.below(4) : rng.next(); out.push((v >>> 24) & 255, (v >>> 16) & 255, (v >>> 8) & 255, v & 255); }
    return out;
  };
  const value = (name: string): number[] => {
    switch (name) {
      case 'device_type': return str(rng.pick(['cpu', 'memory', 'chrp', 'cpux', '']));
      case 'compatible': return [...str(rng.pick(['qemu,pseries', 'ibm,powernv', 'qemu,powernv9', 'qemu,powernv'])), ...(rng.oneIn(2) ? str('x') : [])];
      case 'status': return rng.oneIn(4) ? [0x6f, 0x6b] : str(rng.pick(['okay', 'ok', 'disabled', 'fail']));
      case '#address-cells': case '#size-cells': return rng.oneIn(5) ? cells(rng.below(3)) : [0, 0, 0, rng.pick([0, 1, 2, 3])];
      case 'bootargs': case 'model': return rng.oneIn(5) ? [0x41, 0x42] : str('x'.repeat(rng.below(100)));
      default: return cells(rng.pick([0, 1, 2, 3, 4, 6, 8]));
    }
  };
  let nodes = 0;
  // one tree in 100 has a chain of nodes reaching FDT_MAX_DEPTH - 1 .. FDT_MAX_DEPTH + 1 levels
  const chain = rng.oneIn(100) ? FDT_MAX_DEPTH - 1 + rng.below(3) : 0;
  const node = (depth: number, name: string): void => {
    nodes++;
    u32(1); st.push(...Buffer.from(name, 'latin1'), 0); pad();
    const np = rng.below(6);
    for (let i = 0; i < np; i++) {
      if (rng.oneIn(10)) u32(4);
      const pname = rng.oneIn(12) ? `p${rng.below(5)}` : rng.pick(PROPS);
      const v = value(pname);
      u32(3); u32(v.length); u32(nameoff(pname)); st.push(...v); pad();
    }
    if (name === 'deep' || (depth === 1 && chain > 0 && name !== 'deep')) {
      if (depth < chain) node(depth + 1, 'deep');
    }
    const kids = depth === 0 ? 2 + rng.below(5) : rng.below(depth > 3 ? 1 : 3);
    for (let k = 0; k < kids && nodes < 60; k++) {
      node(depth + 1, rng.oneIn(8) ? `n${rng.below(9)}@${rng.below(3)}` : rng.pick(NODE_NAMES));
    }
    u32(2);
  };
  node(0, '');
  if (rng.oneIn(10)) u32(4);
  u32(9);
  const rsv: number[] = [];
  const nrsv = rng.below(4);
  for (let i = 0; i < nrsv; i++) rsv.push(...cells(4));
  rsv.push(...new Array(16).fill(0));
  const strBytes = strs.flatMap(s => str(s));
  const offStruct = 40 + rsv.length;
  const offStrings = offStruct + st.length;
  const total = offStrings + strBytes.length;
  const b = new Uint8Array(total);
  const dv = new DataView(b.buffer);
  [0xd00dfeed, total, offStruct, offStrings, 40, 17, 16, rng.below(4), strBytes.length, st.length].forEach((v, i) => dv.setUint32(4 * i, v));
  b.set(rsv, 40);
  b.set(st, offStruct);
  b.set(strBytes, offStrings);
  return b;
}

/** A mutation aimed at the format's fields: a header word, a token, a property length or name offset. */
function mutateField(b: Uint8Array, rng: Rng): Uint8Array {
  const c = b.slice();
  if (c.length < 44) return c;
  const dv = new DataView(c.buffer);
  if (rng.oneIn(2)) {
    const f = 4 * rng.below(10);
    dv.setUint32(f, edge32(rng, c.length, dv.getUint32(f)));
    return c;
  }
  const tokens: number[] = [];
  const off = dv.getUint32(8);
  for (let p = off; p + 4 <= Math.min(c.length, off + dv.getUint32(36)); p += 4) {
    const t = dv.getUint32(p);
    if (t >= 1 && t <= 9) tokens.push(p);
  }
  if (tokens.length === 0) return c;
  const p = rng.pick(tokens);
  if (dv.getUint32(p) === 3 && p + 12 <= c.length && !rng.oneIn(4)) {
    const field = p + 4 + 4 * rng.below(2);
    dv.setUint32(field, edge32(rng, c.length - p, dv.getUint32(field)));
  } else {
    dv.setUint32(p, rng.pick([1, 2, 3, 4, 9, 5, 0, 0xffffffff]));
  }
  return c;
}

/** Fail the input with `msg` unless `ok` (cheaper than chai in the hot loop). */
function need(ok: boolean, msg: string): void {
  if (!ok) throw new Error(msg);
}

/** Every query of an opened tree: nothing throws, everything stays inside the blob and the containers. */
function queries(fdt: Fdt, blob: Uint8Array, limit: number): void {
  const dv = new DataView(blob.buffer, blob.byteOffset, blob.byteLength);
  const offStruct = dv.getUint32(8), structEnd = offStruct + dv.getUint32(36);
  need(fdt.totalSize() <= limit && structEnd <= fdt.totalSize(), `totalsize ${fdt.totalSize()}, limit ${limit}, structure end ${structEnd}`);
  let visited = 0;
  const walk = (n: number, depth: number): void => {
    need(depth <= FDT_MAX_DEPTH, `depth ${depth}`);
    need(n >= offStruct && n + 4 <= structEnd && (n & 3) === 0, `node 0x${n.toString(16)} outside the structure block`);
    need(++visited < 20000, 'more than 20000 nodes visited');
    for (const name of PROPS) {
      const p = fdt.findProp(n, name);
      if (p === FdtStatus.NotFound) continue;
      need(p >= offStruct && p + 12 + fdt.propLen(p) <= structEnd, `property ${name} at ${p} (length ${fdt.propLen(p)}) outside the structure block`);
    }
    for (let c = fdt.firstChild(n); c >= 0; c = fdt.nextSibling(c)) walk(c, depth + 1);
  };
  walk(fdt.root(), 1);
  const m = new MemRanges(8), t = new CpuTable(8), out = new Uint8Array(48);
  for (const st of [fdt.memory(m), fdt.reserved(m), fdt.cpus(t)]) need(QUERY_STATUSES.includes(st), `query status ${st}`);
  need(m.count <= 8 && t.count <= 8, 'containers overfilled');
  for (let i = 0; i < t.count; i++) need(t.threads[i] >= 1, `cpu ${i}: ${t.threads[i]} threads`);
  const platform = fdt.platform();
  need(platform >= 0 && platform <= 2, `platform ${platform}`);
  for (const n of [fdt.bootargs(out), fdt.model(out)]) need(n <= out.length && n >= FdtStatus.NoSpace, `string length ${n}`);
  for (const path of ['/', '/cpus', '/memory', '/chosen', '/ibm,opal/firmware', '/reserved-memory/x', 'rel', '//cpus//']) {
    const n = fdt.pathOffset(path);
    need(n === FdtStatus.NotFound || n === FdtStatus.BadValue || (n >= offStruct && n < structEnd), `pathOffset ${path}: ${n}`);
  }
}

describe('fuzz: FDT reader (lpar/fdt.ts)', function () {
  this.timeout(600_000);

  it('open and every query: FUZZ_N generated and mutated trees through fenced memory, a documented status each', () => {
    const run = fuzzRun('fdt', 0xfd7f22, 50_000);
    const fixtures = ['pseries', 'powernv', 'cells1'].map(dtbFixture);
    const outcomes = new Outcomes();
    const fdt = new Fdt();
    const t0 = Date.now();
    forEachInput(run, (rng) => {
      let b = rng.oneIn(4) ? rng.pick(fixtures) : generate(rng);
      const mode = rng.below(3);   // 0: as generated, 1: format-field edits, 2: byte mutations (and both)
      const edits = mode === 0 ? 0 : 1 + rng.below(3);
      for (let e = 0; e < edits; e++) b = mode === 1 || rng.oneIn(2) ? mutateField(b, rng) : mutateBytes(b, rng);
      const limit = rng.oneIn(10) ? rng.below(b.length + 1) : b.length;
      const st = withFencedInput(ADDR, b, limit, () => {
        const s = fdt.open(ADDR, limit);
        if (s === FdtStatus.Ok) queries(fdt, b, limit);
        return s;
      });
      if (st !== FdtStatus.Ok) need(OPEN_REFUSALS.includes(st) && !fdt.isOpen() && fdt.root() === FdtStatus.NotOpen, `open status ${st}`);
      const text = fdtStatusText(st);
      need(text !== 'unknown device tree status', `no phrase for status ${st}`);
      outcomes.add(st === FdtStatus.Ok ? 'Ok' : text, st === FdtStatus.Ok);
    });
    report(run, outcomes, Date.now() - t0);
    if (run.only < 0 && run.n >= 1000) {
      expect(outcomes.accepted, 'accepted inputs').to.be.above(run.n / 20);
      expect(outcomes.refusals(), 'distinct refusals').to.be.at.least(run.n >= 20_000 ? OPEN_REFUSALS.length : 11);
    }
  });

  it('fdtStatusText: a distinct phrase for every status', () => {
    const seen = new Set<string>();
    for (let s = 0; s >= FdtStatus.BadState; s--) seen.add(fdtStatusText(s as FdtStatus));
    expect(seen.size).to.equal(1 - FdtStatus.BadState);
    expect(fdtStatusText(-99 as FdtStatus)).to.equal('unknown device tree status');
  });
});
