/**
 * Fuzzing the sHype policy parsers: the compiler (scripts/tshype-cli/src/policy-compiler.ts)
 * with generated sources and mutated shipped policies (shype/policies/*.pol), and the engine's
 * loader of the binary (shype/policy.ts loadPolicy, reading physical memory) with mutated
 * compiled policies (bytes, and counts/references/decisions at edge values, re-checksummed so
 * that the deep checks are reached).
 *
 * Compiler, every input: never throws; either a binary or errors, never both; every error is
 * `FILE:LINE: message` with LINE inside the source. An accepted source: its binary loads in the
 * engine, has the primary/secondary kinds and the labels the source names, and evaluate()
 * answers every op for every subject without throwing, naming a rule of the policy.
 * Loader, every input, read through fenced memory (reads outside the blob and any write fail
 * it): never throws; Ok or a documented PolicyStatus with its phrase (policyStatusText); after
 * Ok every query answers within the policy's tables.
 *
 * FUZZ_N, FUZZ_SEED, FUZZ_ONLY as in test/unit/fuzz-helpers.ts.
 */
import { expect } from 'chai';
import * as fs from 'fs';
import * as path from 'path';
import { compilePolicy, policyChecksum } from '../../scripts/tshype-cli/src/policy-compiler';
import {
  PolicyStatus, evaluate, labelByName, labelCount, loadPolicy, nameBytes, policyNameBytes, policyStatusText,
  ruleDescriptionBytes, typeNameBytes,
} from '../../shype/policy';
import { CONFIGURATION, NO_OBJECT, OP_COUNT, ruleOf } from '../../shype/ops';
import { Outcomes, Rng, edge32, forEachInput, fuzzRun, mutateBytes, report, withFencedInput } from './fuzz-helpers';

const ADDR = 0x5000000n;
const POLICIES = path.join(__dirname, '..', '..', 'shype', 'policies');
const KINDS = ['none', 'chinese-wall', 'ste', 'blp'];
const OPS = ['HcallConsole', 'HcallProcessor', 'HcallPlatform', 'HcallMemory', 'HcallRtas', 'HcallLifecycle',
  'CreatePartition', 'StartPartition', 'DestroyPartition', 'ReloadPolicy', 'ReadAudit', 'OpenChannel', 'all'];
/** Words a hostile source may hold: keywords, names that exist, names of JavaScript's object machinery. */
const ODD = ['constructor', '__proto__', 'toString', 'hasOwnProperty', 'valueOf', 'prototype', '*', 'none', 'types',
  'level', 'labels', 'ops', 'configuration', '0', '99', 'x'.repeat(40), 'é', '-a', 'a\u0000b', ''];

/** A generated policy source: statements of every kind over a small vocabulary, mostly well formed. */
function generate(rng: Rng): string {
  const types = Array.from({ length: 1 + rng.below(5) }, (_, i) => `t${i}`);
  const labels = Array.from({ length: 1 + rng.below(5) }, (_, i) => `l${i}`);
  const levels = ['lo', 'mid', 'hi'].slice(0, 1 + rng.below(3));
  const some = (a: string[], min: number): string[] => { const n = min + rng.below(a.length - min + 1); return a.slice(0, n); };
  const word = (a: string[]): string => (rng.oneIn(15) ? rng.pick(ODD) : rng.pick(a));
  const lines: string[] = [];
  lines.push(`policy ${word(['p', 'fuzz'])}`);
  const primary = word(KINDS.slice(1));
  lines.push(`primary ${primary}`);
  if (rng.oneIn(2)) lines.push(`secondary ${word(KINDS)}`);
  lines.push(`type ${types.join(' ')}`);
  if (rng.oneIn(2)) lines.push(`levels ${levels.join(' ')}`);
  for (const l of labels) {
    const kind = rng.oneIn(4) ? rng.pick(['vdevice', 'vtpm', 'memory', 'lan']) : 'label';
    const lv = rng.oneIn(2) ? ` level ${word(levels)}` : '';
    lines.push(`${kind} ${l} types ${some(types, 1).map(t => (rng.oneIn(20) ? word(types) : t)).join(' ')}${lv}`);
  }
  if (rng.oneIn(3) && types.length >= 2) lines.push(`conflict c${rng.below(3)} ${some(types, 2).join(' ')}`);
  if (rng.oneIn(2)) lines.push(`role r${rng.below(3)} labels ${some(labels, 1).join(' ')} ops ${some(OPS.slice(6, 11), 1).join(' ')}`);
  if (rng.oneIn(2)) lines.push(`hcalls default ${rng.pick(['allow', 'deny'])}`);
  for (let i = rng.below(3); i > 0; i--) lines.push(`hcalls ${rng.pick(['allow', 'deny'])} ${word([...labels, '*'])} ${some(OPS.slice(0, 6), 1).join(' ')}`);
  if (rng.oneIn(3)) lines.push(`configuration launches ${rng.oneIn(3) ? rng.pick(['*', 'none']) : some(labels, 1).join(' ')}`);
  for (let i = rng.below(3); i > 0; i--) lines.splice(rng.below(lines.length + 1), 0, rng.pick(['# comment', '', '   ', 'label']));
  return lines.join(rng.oneIn(8) ? '\r\n' : '\n');
}

/** A line- or word-level mutation of a source. */
function mutateSource(src: string, rng: Rng): string {
  const lines = src.split('\n');
  const i = rng.below(lines.length);
  const words = lines[i].split(' ');
  switch (rng.below(8)) {
    case 0: lines.splice(i, 1); break;
    case 1: lines.splice(rng.below(lines.length), 0, lines[i]); break;
    case 2: words[rng.below(words.length)] = rng.pick(ODD); lines[i] = words.join(' '); break;
    case 3: words.splice(rng.below(words.length + 1), 0, rng.pick([...ODD, ...OPS, ...KINDS])); lines[i] = words.join(' '); break;
    case 4: words.splice(rng.below(words.length), 1); lines[i] = words.join(' '); break;
    case 5: lines[i] = lines[i].slice(0, rng.below(lines[i].length + 1)); break;
    case 6: { const c = String.fromCharCode(rng.below(0x180)); const p = rng.below(lines[i].length + 1); lines[i] = lines[i].slice(0, p) + c + lines[i].slice(p); break; }
    default: { const j = rng.below(lines.length); [lines[i], lines[j]] = [lines[j], lines[i]]; }
  }
  return lines.join('\n');
}

/** The engine's answers about the active policy: within its tables, never throwing. */
function queryEngine(rng: Rng, rules: number): void {
  const n = labelCount();
  expect(n).to.be.within(1, 64);
  const out = new Uint8Array(40);
  expect(policyNameBytes(out)).to.be.within(1, out.length);
  const subjects = [0, 1, n, n + 1, CONFIGURATION, 1 + rng.below(n), 254, -1];
  const objects = [NO_OBJECT, 1, n, n + 1, 1 + rng.below(n), CONFIGURATION];
  for (const s of subjects) {
    for (const o of objects) {
      for (let op = -1; op <= OP_COUNT; op++) {
        const d = evaluate(s, o, op);
        if (!(Number.isInteger(d) && d >= 0 && ruleOf(d) < rules)) throw new Error(`evaluate(${s}, ${o}, ${op}) = ${d}, rule outside ${rules}`);
      }
    }
    nameBytes(s, out);
  }
  for (let r = -1; r <= rules; r++) ruleDescriptionBytes(r, out);
  for (let t = -1; t < 65; t++) typeNameBytes(t, out);
}

/** Load `b` (size `size`, readable `readable`) through fenced memory; returns the status. */
function load(b: Uint8Array, size: number, rng: Rng): PolicyStatus {
  return withFencedInput(ADDR, b, Math.min(size, b.length), () => {
    const st = loadPolicy(ADDR, size);
    if (st === PolicyStatus.Ok) queryEngine(rng, (b[22] << 8) | b[23]);
    return st;
  });
}

describe('fuzz: sHype policy compiler and binary loader', function () {
  this.timeout(600_000);
  const shipped = fs.readdirSync(POLICIES).filter(f => f.endsWith('.pol')).map(f => fs.readFileSync(path.join(POLICIES, f), 'utf8'));

  it('compilePolicy: FUZZ_N generated and mutated sources never throw; errors are FILE:LINE: message; what compiles loads and decides', () => {
    const run = fuzzRun('policy_compiler', 0x5047ec, 50_000);
    const outcomes = new Outcomes();
    const t0 = Date.now();
    forEachInput(run, (rng) => {
      let src = rng.oneIn(3) ? rng.pick(shipped) : generate(rng);
      for (let e = rng.oneIn(3) ? 0 : 1 + rng.below(3); e > 0; e--) src = mutateSource(src, rng);
      const r = compilePolicy(src, 'fuzz.pol');
      const lines = src.split(/\r?\n/).length;
      if (r.binary === undefined) {
        expect(r.errors.length, 'errors of a refused source').to.be.above(0);
        for (const e of r.errors) {
          const m = /^fuzz\.pol:(\d+): (.+)$/.exec(e);
          expect(m, `error format: ${JSON.stringify(e)}`).to.not.equal(null);
          expect(Number(m![1]), `error line of ${JSON.stringify(e)}`).to.be.within(1, lines);
        }
        outcomes.add(r.errors[0].replace(/^fuzz\.pol:\d+: /, '').replace(/'[^']*'|"[^"]*"|\d+/g, '_'), false);
        return;
      }
      expect(r.errors).to.deep.equal([]);
      const b = r.binary;
      // the kinds and labels the source states are the binary's
      for (const [slot, at] of [['primary', 16], ['secondary', 17]] as const) {
        const stmt = src.split(/\r?\n/).map(l => l.replace(/#.*$/, '').trim().split(/\s+/)).find(w => w[0] === slot);
        const kind = stmt === undefined ? 0 : KINDS.indexOf(stmt[1]);
        expect(kind, `${slot} '${stmt?.[1]}' accepted`).to.be.at.least(0);
        expect(b[at], `${slot} kind in the binary`).to.equal(kind);
      }
      expect(policyChecksum(b)).to.equal(new DataView(b.buffer, b.byteOffset).getUint32(12));
      expect(load(b, b.length, rng), 'the engine loads what the compiler wrote').to.equal(PolicyStatus.Ok);
      for (const l of src.split(/\r?\n/).map(x => x.trim().split(/\s+/)).filter(w => ['label', 'vdevice', 'vtpm', 'memory', 'lan'].includes(w[0]))) {
        expect(labelByName(l[1]), `label ${l[1]}`).to.be.above(0);
      }
      outcomes.add('Ok', true);
    });
    report(run, outcomes, Date.now() - t0);
    if (run.only < 0 && run.n >= 1000) {
      expect(outcomes.accepted, 'accepted sources').to.be.above(run.n / 10);
      expect(outcomes.refusals(), 'distinct error messages').to.be.at.least(25);
    }
  });

  it('loadPolicy: FUZZ_N mutated binaries through fenced memory give Ok or a documented status, never throw', () => {
    const run = fuzzRun('policy_loader', 0x10ad, 100_000);
    const bases = shipped.map(s => compilePolicy(s, 'p.pol').binary!);
    const outcomes = new Outcomes();
    const t0 = Date.now();
    forEachInput(run, (rng) => {
      let b = rng.pick(bases);
      const edits = 1 + rng.below(3);
      for (let e = 0; e < edits; e++) b = rng.oneIn(2) ? mutateBytes(b, rng) : mutateField(b, rng);
      if (!rng.oneIn(4) && b.length >= 16) new DataView(b.buffer, b.byteOffset).setUint32(12, policyChecksum(b));
      const size = rng.oneIn(8) ? rng.below(b.length + 1) : b.length;
      const st = load(b, size, rng);
      expect(st, 'status').to.be.within(PolicyStatus.Ok, PolicyStatus.DuplicateLabel);
      const text = policyStatusText(st);
      expect(text).to.not.equal('unknown policy status');
      outcomes.add(st === PolicyStatus.Ok ? 'Ok' : text, st === PolicyStatus.Ok);
    });
    report(run, outcomes, Date.now() - t0);
    if (run.only < 0 && run.n >= 1000) {
      expect(outcomes.accepted, 'accepted binaries').to.be.above(run.n / 50);
      expect(outcomes.refusals(), 'distinct refusals').to.be.at.least(8);   // every load refusal
    }
  });
});

/** An edit of a binary policy's header counts, a table reference or a decision, at an edge value. */
function mutateField(b: Uint8Array, rng: Rng): Uint8Array {
  const c = b.slice();
  if (c.length < 48) return c;
  const dv = new DataView(c.buffer);
  const r = rng.below(5);
  const labels = 32 + ((c[18] * 4 + 7) & ~7);
  if (r === 4 && c[19] >= 2 && labels + 40 * c[19] <= c.length) {   // one label takes another's name
    const a = labels + 40 * rng.below(c[19]), b = labels + 40 * rng.below(c[19]);
    dv.setUint16(a + 8, dv.getUint16(b + 8));
  } else if (r === 0) { const f = 16 + rng.below(6); c[f] = rng.pick([0, 1, 2, 3, 4, 63, 64, 65, 255, c[f] + 1, c[f] - 1]) & 0xff; }
  else if (r === 1) { const f = rng.pick([4, 6, 22, 24, 26]); dv.setUint16(f, edge32(rng, c.length, dv.getUint16(f)) & 0xffff); }
  else if (r === 2) { const f = rng.below((c.length - 32) >> 1) * 2 + 32; dv.setUint16(f, rng.pick([0, 1, 0xffff, dv.getUint16(f) + 1, dv.getUint16(f) - 1, rng.below(c.length)]) & 0xffff); }
  else { const f = 32 + (rng.below((c.length - 40) >> 3) << 3); dv.setBigUint64(f, rng.pick([0n, 1n, 3n, 0xffffffffffffffffn, 1n << 63n, 1n << BigInt(rng.below(64))])); }
  return c;
}
