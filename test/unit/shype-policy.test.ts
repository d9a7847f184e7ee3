/**
 * The sHype policy engine (shype/policy.ts) in Node against tsnc's host memory: every rule kind,
 * primary + secondary combination, Chinese Wall transactions, reload (build, replay, swap or
 * refuse), and the loader refusing corrupted binaries without ever reading outside the blob.
 */
import { expect } from 'chai';
import * as fs from 'fs';
import * as path from 'path';
import { host } from 'tsnc/host';
import {
  PolicyStatus, cwAbort, cwCommit, cwConflictMessage, cwConflictType, cwCountingTypes, cwExplain, cwPrepare,
  cwRelease, cwRunningCount, cwRunningType, evaluate, isPartitionLabel, labelByName, labelCount, loadPolicy,
  nameBytes, policyGeneration, policyNameBytes, reloadFailure, reloadPolicy, replay,
  ruleDescriptionBytes, ruleLine, stagePolicy, swapPolicy, typeNameBytes,
} from '../../shype/policy';
import { CONFIGURATION, NO_OBJECT, Op, allows, decision, ruleOf } from '../../shype/ops';
import {
  R_BLP_NO_FLOW, R_BLP_NO_READ_UP, R_BLP_NO_WRITE_DOWN, R_BLP_READ, R_BLP_WRITE, R_DEFAULT,
  R_HCALL_DEFAULT, R_NO_ROLE, R_STE_NO_COMMON_TYPE, R_UNKNOWN_OBJECT, R_UNKNOWN_OP, R_UNKNOWN_SUBJECT,
} from '../../shype/policy-format';
import { compilePolicy, policyChecksum } from '../../scripts/tshype-cli/src/policy-compiler';

const ADDR = 0x200000n;
const POLICIES = path.join(__dirname, '..', '..', 'shype', 'policies');

function compile(source: string): Uint8Array {
  const r = compilePolicy(source, 't.pol');
  expect(r.errors).to.deep.equal([]);
  return r.binary!;
}

function load(source: string): void {
  const bin = compile(source);
  host.writeBytes(ADDR, bin);
  expect(loadPolicy(ADDR, bin.length)).to.equal(PolicyStatus.Ok);
}

function example(name: string): string {
  return fs.readFileSync(path.join(POLICIES, name), 'latin1');
}

function text(f: (out: Uint8Array) => number): string {
  const out = new Uint8Array(128);
  return Buffer.from(out.subarray(0, f(out))).toString('latin1');
}

const L = (name: string): number => {
  const s = labelByName(name);
  expect(s, name).to.not.equal(0);
  return s;
};
/** Rule description of a decision, for readable expectations. */
const why = (d: number): string => text(out => ruleDescriptionBytes(ruleOf(d), out));

describe('shype policy engine', () => {
  beforeEach(() => host.reset());

  describe('evaluate', () => {
    it('hcall classes: default allow, a deny statement denies and names itself', () => {
      load(example('deny.pol'));
      const alpha = L('alpha');
      const beta = L('beta');
      expect(evaluate(alpha, NO_OBJECT, Op.HcallConsole)).to.equal(decision(true, R_HCALL_DEFAULT));
      const d = evaluate(beta, NO_OBJECT, Op.HcallConsole);
      expect(allows(d)).to.equal(false);
      expect(why(d)).to.equal('hcalls deny beta HcallConsole');
      expect(ruleLine(ruleOf(d))).to.equal(11);
      expect(evaluate(beta, NO_OBJECT, Op.HcallMemory)).to.equal(decision(true, R_HCALL_DEFAULT));
    });

    it('hcall classes: default deny, later statements override earlier ones, * and all', () => {
      load(example('roles.pol'));
      expect(evaluate(L('app'), NO_OBJECT, Op.HcallRtas)).to.equal(decision(false, R_HCALL_DEFAULT));
      expect(why(evaluate(L('app'), NO_OBJECT, Op.HcallConsole))).to.equal('hcalls allow * HcallConsole HcallProcessor HcallMemory HcallLifecycle');
      expect(why(evaluate(L('opsman'), NO_OBJECT, Op.HcallRtas))).to.equal('hcalls allow opsman all');
      load('type a\nlabel x types a\nhcalls deny x all\nhcalls allow x HcallConsole\n');
      expect(allows(evaluate(1, NO_OBJECT, Op.HcallConsole))).to.equal(true);
      expect(allows(evaluate(1, NO_OBJECT, Op.HcallPlatform))).to.equal(false);
    });

    it('roles: management operations need a role; objects of create/start/destroy must be partitions', () => {
      load(example('roles.pol'));
      const opsman = L('opsman');
      const sec = L('sec');
      const app = L('app');
      expect(allows(evaluate(opsman, app, Op.CreatePartition))).to.equal(true);
      expect(allows(evaluate(opsman, app, Op.StartPartition))).to.equal(true);
      expect(allows(evaluate(opsman, app, Op.DestroyPartition))).to.equal(true);
      expect(evaluate(opsman, NO_OBJECT, Op.ReloadPolicy)).to.equal(decision(false, R_NO_ROLE));
      expect(allows(evaluate(sec, NO_OBJECT, Op.ReloadPolicy))).to.equal(true);
      expect(allows(evaluate(sec, NO_OBJECT, Op.ReadAudit))).to.equal(true);
      expect(evaluate(sec, app, Op.CreatePartition)).to.equal(decision(false, R_NO_ROLE));
      expect(evaluate(app, NO_OBJECT, Op.ReadAudit)).to.equal(decision(false, R_NO_ROLE));
      expect(evaluate(opsman, NO_OBJECT, Op.CreatePartition)).to.equal(decision(false, R_UNKNOWN_OBJECT));
      expect(evaluate(opsman, 40, Op.StartPartition)).to.equal(decision(false, R_UNKNOWN_OBJECT));
    });

    it('ste: sharing iff a common type; the allow names the lowest common type', () => {
      load(example('ste.pol'));
      const [web, db, mail, front, shm] = ['web', 'db', 'mail', 'front', 'orders_shm'].map(L);
      for (const op of [Op.OpenChannel, Op.SendFrame, Op.ReadShared, Op.ShareMemory, Op.BindVtpm]) {
        expect(why(evaluate(web, db, op))).to.equal('ste: common type orders');
        expect(evaluate(mail, db, op)).to.equal(decision(false, R_STE_NO_COMMON_TYPE));
      }
      expect(why(evaluate(mail, front, Op.SendFrame))).to.equal('ste: common type mailflow');
      expect(allows(evaluate(db, shm, Op.ShareMemory))).to.equal(true);
      expect(allows(evaluate(mail, shm, Op.ShareMemory))).to.equal(false);
    });

    it('blp: no read up, no write down, read down and write up allowed, BindVtpm is no flow', () => {
      load(example('blp.pol'));
      const [intel, office, kiosk, drop] = ['intel', 'office', 'kiosk', 'drop'].map(L);
      for (const op of [Op.ReadShared, Op.OpenChannel]) {
        expect(evaluate(kiosk, intel, op)).to.equal(decision(false, R_BLP_NO_READ_UP));
        expect(evaluate(intel, kiosk, op)).to.equal(decision(true, R_BLP_READ));
        expect(evaluate(office, drop, op)).to.equal(decision(true, R_BLP_READ));
      }
      for (const op of [Op.SendFrame, Op.ShareMemory]) {
        expect(evaluate(intel, drop, op)).to.equal(decision(false, R_BLP_NO_WRITE_DOWN));
        expect(evaluate(kiosk, drop, op)).to.equal(decision(true, R_BLP_WRITE));
        expect(evaluate(office, drop, op)).to.equal(decision(true, R_BLP_WRITE));
      }
      expect(evaluate(intel, kiosk, Op.BindVtpm)).to.equal(decision(true, R_BLP_NO_FLOW));
    });

    it('primary + secondary: both must allow; the first denial decides', () => {
      load('primary blp\nsecondary ste\nlevels lo hi\ntype a b\n' +
        'label x types a level hi\nlabel y types b level lo\nlabel z types a level lo\n');
      const [x, y, z] = ['x', 'y', 'z'].map(L);
      expect(evaluate(x, y, Op.ReadShared)).to.equal(decision(false, R_STE_NO_COMMON_TYPE));   // blp allows, ste denies
      expect(evaluate(y, x, Op.ReadShared)).to.equal(decision(false, R_BLP_NO_READ_UP));       // both deny: primary
      expect(evaluate(z, x, Op.ReadShared)).to.equal(decision(false, R_BLP_NO_READ_UP));       // blp denies, ste allows
      expect(evaluate(x, z, Op.ReadShared)).to.equal(decision(true, R_BLP_READ));              // both allow: primary's rule
      load('primary chinese-wall\nsecondary ste\ntype a b\nlabel x types a\nlabel y types b\nconflict c a b\n');
      expect(evaluate(1, 2, Op.OpenChannel)).to.equal(decision(false, R_STE_NO_COMMON_TYPE)); // cw does not mediate sharing
      load('type a\nlabel x types a\nlabel y types a\n');
      expect(evaluate(1, 2, Op.OpenChannel)).to.equal(decision(true, R_DEFAULT));             // no policy: default
    });

    it('unknown subjects, objects and operations are denied by dedicated rules', () => {
      load(example('default.pol'));
      const vtpm = L('vtpm');
      for (const s of [0, -1, 3, 4, 64, 65, 1000]) {
        expect(evaluate(s, 1, Op.OpenChannel), `subject ${s}`).to.equal(decision(false, R_UNKNOWN_SUBJECT));
      }
      expect(vtpm).to.equal(3);
      expect(isPartitionLabel(vtpm)).to.equal(false);
      for (const o of [NO_OBJECT, 4, 64, 99, -2]) {
        expect(evaluate(1, o, Op.ShareMemory), `object ${o}`).to.equal(decision(false, R_UNKNOWN_OBJECT));
      }
      expect(evaluate(1, NO_OBJECT, 16)).to.equal(decision(false, R_UNKNOWN_OP));
      expect(evaluate(1, NO_OBJECT, -1)).to.equal(decision(false, R_UNKNOWN_OP));
    });

    it('configuration: every stock policy lets it create, start and destroy every partition label, and nothing else', () => {
      const stock = fs.readdirSync(POLICIES).filter(f => f.endsWith('.pol') && f !== 'launch.pol');
      expect(stock.length).to.be.at.least(6);
      for (const f of stock) {
        load(example(f));
        let partitionLabels = 0;
        for (let s = 1; s <= labelCount(); s++) {
          for (const op of [Op.CreatePartition, Op.StartPartition, Op.DestroyPartition]) {
            const d = evaluate(CONFIGURATION, s, op);
            expect(d, `${f} label ${s} op ${op}`).to.equal(isPartitionLabel(s) ? decision(true, R_DEFAULT) : decision(false, R_UNKNOWN_OBJECT));
          }
          if (isPartitionLabel(s)) partitionLabels++;
        }
        expect(partitionLabels, f).to.be.greaterThan(0);
        expect(evaluate(CONFIGURATION, NO_OBJECT, Op.StartPartition), f).to.equal(decision(false, R_UNKNOWN_OBJECT));
        expect(evaluate(CONFIGURATION, NO_OBJECT, Op.ReloadPolicy), f).to.equal(decision(false, R_NO_ROLE));
        expect(evaluate(CONFIGURATION, NO_OBJECT, Op.ReadAudit), f).to.equal(decision(false, R_NO_ROLE));
        expect(evaluate(CONFIGURATION, NO_OBJECT, Op.HcallConsole), f).to.equal(decision(false, R_UNKNOWN_SUBJECT));
        expect(evaluate(CONFIGURATION, 1, Op.OpenChannel), f).to.equal(decision(false, R_UNKNOWN_SUBJECT));
        expect(evaluate(CONFIGURATION, 1, 16), f).to.equal(decision(false, R_UNKNOWN_OP));
      }
    });

    it('configuration: `configuration launches` grants exactly the labels it names, by its rule', () => {
      load(example('launch.pol'));
      const [alpha, beta] = ['alpha', 'beta'].map(L);
      for (const op of [Op.CreatePartition, Op.StartPartition, Op.DestroyPartition]) {
        expect(allows(evaluate(CONFIGURATION, alpha, op))).to.equal(true);
        const d = evaluate(CONFIGURATION, beta, op);
        expect(allows(d)).to.equal(false);
        expect(why(d)).to.equal('configuration launches alpha');
        expect(ruleLine(ruleOf(d))).to.equal(12);
      }
      load('type a\nlabel x types a\nlabel y types a\nconfiguration launches none\n');
      expect(allows(evaluate(CONFIGURATION, 1, Op.StartPartition))).to.equal(false);
      load('type a\nlabel x types a\nlabel y types a\nconfiguration launches *\n');
      expect(evaluate(CONFIGURATION, 2, Op.StartPartition)).to.equal(decision(true, 12));
      expect(evaluate(1, 2, Op.StartPartition)).to.equal(decision(false, R_NO_ROLE));   // a label holds no role by it
      expect(text(out => nameBytes(CONFIGURATION, out))).to.equal('configuration');
      expect(labelByName('configuration')).to.equal(0);
    });

    it('names: labels, types, policy name and rule descriptions are copied out as bytes', () => {
      load(example('wall.pol'));
      expect(labelCount()).to.equal(3);
      expect(text(out => nameBytes(3, out))).to.equal('gamma');
      expect(nameBytes(4, new Uint8Array(8))).to.equal(0);
      expect(text(out => typeNameBytes(1, out))).to.equal('bank_b');
      expect(text(out => policyNameBytes(out))).to.equal('wall');
      expect(labelByName('nobody')).to.equal(0);
      const small = new Uint8Array(3);
      expect(nameBytes(3, small)).to.equal(3);   // truncated to the caller's buffer
    });
  });

  describe('chinese wall', () => {
    beforeEach(() => load(example('wall.pol')));

    it('cwPrepare/cwCommit/cwRelease: a conflicting type may not start while the other runs', () => {
      const [alpha, beta, gamma] = ['alpha', 'beta', 'gamma'].map(L);
      expect(cwPrepare(alpha)).to.equal(0);
      cwCommit(alpha);
      expect(cwPrepare(beta)).to.equal(0);
      cwCommit(beta);
      expect(cwRunningCount(2)).to.equal(2);    // neutral: alpha and beta
      const d = cwPrepare(gamma);
      expect(allows(d)).to.equal(false);
      expect(why(d)).to.equal('chinese wall: conflict banks bank_a bank_b');
      expect(ruleLine(ruleOf(d))).to.equal(14);
      expect(cwConflictType()).to.equal(1);
      expect(cwRunningType()).to.equal(0);
      expect(text(out => cwConflictMessage(out))).to.equal('bank_b conflicts with running bank_a (conflict set banks)');
      cwRelease(alpha);
      expect(cwRunningCount(0)).to.equal(0);
      expect(cwPrepare(gamma)).to.equal(0);
      cwCommit(gamma);
      expect(allows(cwPrepare(alpha))).to.equal(false);
    });

    it('counts: two instances of a type need two releases', () => {
      const [alpha, gamma] = ['alpha', 'gamma'].map(L);
      for (let i = 0; i < 2; i++) { expect(cwPrepare(alpha)).to.equal(0); cwCommit(alpha); }
      expect(cwRunningCount(0)).to.equal(2);
      cwRelease(alpha);
      expect(allows(cwPrepare(gamma))).to.equal(false);
      cwRelease(alpha);
      cwRelease(alpha);                          // an extra release never goes below zero
      expect(cwRunningCount(0)).to.equal(0);
      expect(cwPrepare(gamma)).to.equal(0);
    });

    it('cwAbort: a prepared start reserves its types until aborted', () => {
      const [alpha, gamma] = ['alpha', 'gamma'].map(L);
      expect(cwPrepare(alpha)).to.equal(0);
      expect(allows(cwPrepare(gamma))).to.equal(false);   // alpha's reservation counts
      cwAbort(alpha);
      expect(cwRunningCount(0)).to.equal(0);
      expect(cwPrepare(gamma)).to.equal(0);
      cwCommit(gamma);
      expect(cwRunningCount(1)).to.equal(1);
    });

    it('cwPrepare: an unknown or resource label is refused', () => {
      expect(cwPrepare(0)).to.equal(decision(false, R_UNKNOWN_SUBJECT));
      expect(cwPrepare(9)).to.equal(decision(false, R_UNKNOWN_SUBJECT));
    });

    it('evaluate: a label\'s own start (StartPartition, no object) is the wall\'s answer on what counts now', () => {
      const [alpha, beta, gamma] = ['alpha', 'beta', 'gamma'].map(L);
      expect(evaluate(gamma, NO_OBJECT, Op.StartPartition)).to.equal(decision(true, R_DEFAULT));
      expect(cwPrepare(alpha)).to.equal(0);                  // a reservation counts
      const d = evaluate(gamma, NO_OBJECT, Op.StartPartition);
      expect(d).to.equal(decision(false, 12));
      expect(text(out => cwConflictMessage(out))).to.equal('bank_b conflicts with running bank_a (conflict set banks)');
      expect(evaluate(beta, NO_OBJECT, Op.StartPartition)).to.equal(decision(true, R_DEFAULT));
      expect(evaluate(alpha, gamma, Op.StartPartition)).to.equal(decision(true, 13));   // the role: no wall in it
      expect(evaluate(CONFIGURATION, gamma, Op.StartPartition)).to.equal(decision(true, R_DEFAULT));
      cwAbort(alpha);
      expect(evaluate(gamma, NO_OBJECT, Op.StartPartition)).to.equal(decision(true, R_DEFAULT));
      load(example('default.pol'));                           // no chinese wall: every start is allowed
      expect(evaluate(L('alpha'), NO_OBJECT, Op.StartPartition)).to.equal(decision(true, R_DEFAULT));
      expect(evaluate(L('vtpm'), NO_OBJECT, Op.StartPartition)).to.equal(decision(false, R_UNKNOWN_SUBJECT));
    });

    it('cwExplain: the last conflict again, reserving nothing, for a denial answered from a cache', () => {
      const [alpha, beta, gamma] = ['alpha', 'beta', 'gamma'].map(L);
      expect(cwPrepare(gamma)).to.equal(0);
      cwCommit(gamma);
      expect(allows(cwPrepare(alpha))).to.equal(false);
      expect(cwPrepare(beta)).to.equal(0);                    // beta's prepare leaves the details as they were
      cwAbort(beta);
      expect(cwExplain(beta)).to.equal(0);
      expect(cwExplain(alpha)).to.equal(decision(false, 12));
      expect(text(out => cwConflictMessage(out))).to.equal('bank_a conflicts with running bank_b (conflict set banks)');
      expect(cwCountingTypes()).to.equal(0b010n);             // bank_b; neutral is in no conflict set
      expect([cwRunningCount(0), cwRunningCount(1), cwRunningCount(2)]).to.deep.equal([0, 1, 1]);
    });
  });

  describe('reload', () => {
    const NEW = 'policy next\nprimary chinese-wall\ntype t1 t2 t3\nlabel beta types t2\nlabel alpha types t1\n' +
      'label gamma types t3\nconflict c2 t2 t3\n';

    function stage(source: string): number {
      const bin = compile(source);
      host.writeBytes(ADDR + 0x10000n, bin);
      return bin.length;
    }

    function startAll(names: string[]): Uint16Array {
      const running = new Uint16Array(names.length);
      names.forEach((n, i) => { running[i] = L(n); expect(cwPrepare(running[i])).to.equal(0); cwCommit(running[i]); });
      return running;
    }

    it('reloadPolicy: replays the running labels, maps ssidrefs by name, swaps', () => {
      load(example('wall.pol'));
      const running = startAll(['alpha', 'beta']);
      const gen = policyGeneration();
      const mapped = new Uint16Array(2);
      const size = stage(NEW.replace('conflict c2 t2 t3', 'conflict c2 t1 t3'));
      expect(reloadPolicy(ADDR + 0x10000n, size, running, 2, mapped)).to.equal(PolicyStatus.Ok);
      expect(policyGeneration()).to.equal(gen + 1);
      expect(text(out => policyNameBytes(out))).to.equal('next');
      expect(Array.from(mapped)).to.deep.equal([2, 1]);                    // alpha is 2, beta 1 now
      expect(cwRunningCount(0)).to.equal(1);
      expect(allows(cwPrepare(L('gamma')))).to.equal(false);               // the new wall holds with replayed counts
    });

    it('replay: a running set that violates the new wall refuses the reload and leaves the active policy untouched', () => {
      load(example('wall.pol'));
      const running = startAll(['alpha', 'beta']);
      const before = [1, 2, 3].map(s => evaluate(s, NO_OBJECT, Op.HcallConsole));
      const gen = policyGeneration();
      const mapped = new Uint16Array(2);
      const size = stage(NEW.replace('label alpha types t1', 'label alpha types t3'));
      expect(reloadPolicy(ADDR + 0x10000n, size, running, 2, mapped)).to.equal(PolicyStatus.ReplayConflict);
      expect(reloadFailure()).to.equal(1);                                  // beta, replayed after alpha
      expect(text(out => cwConflictMessage(out))).to.equal('t2 conflicts with running t3 (conflict set c2)');
      expect(policyGeneration()).to.equal(gen);
      expect(text(out => policyNameBytes(out))).to.equal('wall');
      expect([1, 2, 3].map(s => evaluate(s, NO_OBJECT, Op.HcallConsole))).to.deep.equal(before);
      expect(cwRunningCount(0)).to.equal(1);
      expect(allows(cwPrepare(L('gamma')))).to.equal(false);
      expect(swapPolicy()).to.equal(PolicyStatus.NotStaged);
    });

    it('replay: a running label missing from the new policy refuses the reload', () => {
      load(example('wall.pol'));
      const running = startAll(['gamma']);
      const size = stage(NEW.replace('label gamma types t3\n', ''));
      expect(stagePolicy(ADDR + 0x10000n, size)).to.equal(PolicyStatus.Ok);
      expect(replay(running, 1, new Uint16Array(1))).to.equal(PolicyStatus.ReplayUnknownLabel);
      expect(reloadFailure()).to.equal(0);
      expect(swapPolicy()).to.equal(PolicyStatus.NotStaged);
      expect(text(out => policyNameBytes(out))).to.equal('wall');
    });

    it('replay: refused while a Chinese Wall transaction is open; a corrupt new policy changes nothing', () => {
      load(example('wall.pol'));
      expect(cwPrepare(L('alpha'))).to.equal(0);
      const size = stage(NEW);
      expect(reloadPolicy(ADDR + 0x10000n, size, new Uint16Array(0), 0, new Uint16Array(0))).to.equal(PolicyStatus.Busy);
      cwAbort(L('alpha'));
      store(ADDR + 0x10000n + 40n, 0xff);
      expect(reloadPolicy(ADDR + 0x10000n, size, new Uint16Array(0), 0, new Uint16Array(0))).to.equal(PolicyStatus.BadChecksum);
      expect(text(out => policyNameBytes(out))).to.equal('wall');
    });
  });

  describe('loader', () => {
    let good: Uint8Array;
    beforeEach(() => { good = compile(example('wall.pol')); });

    function tryLoad(bytes: Uint8Array, fixChecksum = true): number {
      const b = Buffer.from(bytes);
      if (fixChecksum && b.length >= 16) b.writeUInt32BE(policyChecksum(b), 12);
      host.writeBytes(ADDR, b);
      return loadPolicy(ADDR, b.length);
    }

    it('loadPolicy: refuses truncations at every length', () => {
      for (let n = 0; n < good.length; n++) {
        expect(tryLoad(good.subarray(0, n), false), `length ${n}`).to.not.equal(PolicyStatus.Ok);
      }
      expect(tryLoad(good)).to.equal(PolicyStatus.Ok);
    });

    it('loadPolicy: bad magic, version, size and checksum', () => {
      const bad = (off: number, v: number): Uint8Array => { const b = Buffer.from(good); b[off] ^= v; return b; };
      expect(tryLoad(bad(0, 1))).to.equal(PolicyStatus.BadMagic);
      expect(tryLoad(bad(5, 2))).to.equal(PolicyStatus.BadVersion);
      expect(tryLoad(bad(7, 8))).to.equal(PolicyStatus.BadSize);
      expect(tryLoad(bad(100, 1), false)).to.equal(PolicyStatus.BadChecksum);
      const longer = Buffer.concat([good, Buffer.alloc(8)]);
      longer.writeUInt32BE(longer.length, 8);
      expect(tryLoad(longer)).to.equal(PolicyStatus.BadSize);
    });

    it('loadPolicy: out-of-range indices and counts (checksum made valid)', () => {
      const b = Buffer.from(good);
      const labels = 32 + 16;                                 // 3 types: 12 bytes padded to 16
      const variants: [string, (x: Buffer) => void, PolicyStatus][] = [
        ['type count 0', x => { x[18] = 0; }, PolicyStatus.BadCount],
        ['label count 65', x => { x[19] = 65; }, PolicyStatus.BadCount],
        ['rule count 3', x => { x.writeUInt16BE(3, 22); }, PolicyStatus.BadCount],
        ['primary kind 9', x => { x[16] = 9; }, PolicyStatus.BadIndex],
        ['label type bit beyond the types', x => { x[labels + 7] |= 0x80; }, PolicyStatus.BadIndex],
        ['label without types', x => { x.writeBigUInt64BE(0n, labels); }, PolicyStatus.BadIndex],
        ['label name outside the pool', x => { x.writeUInt16BE(0xfff0, labels + 8); }, PolicyStatus.BadIndex],
        ['label kind 7', x => { x[labels + 10] = 7; }, PolicyStatus.BadIndex],
        ['label level beyond the levels', x => { x[labels + 11] = 1; }, PolicyStatus.BadIndex],
        ['decision naming a rule that does not exist', x => { x.writeUInt16BE(0xffff, labels + 16); }, PolicyStatus.BadIndex],
        ['configuration decision naming a rule that does not exist', x => { x.writeUInt16BE(999 << 1, labels + 38); }, PolicyStatus.BadIndex],
        ['version 1 (no configuration decision)', x => { x.writeUInt16BE(1, 4); }, PolicyStatus.BadVersion],
        ['type rule out of range', x => { x.writeUInt16BE(999, 32 + 2); }, PolicyStatus.BadIndex],
        ['duplicate label name', x => { x.writeUInt16BE(x.readUInt16BE(labels + 8), labels + 40 + 8); }, PolicyStatus.DuplicateLabel],
      ];
      for (const [what, mutate, status] of variants) {
        const x = Buffer.from(b);
        mutate(x);
        expect(tryLoad(x), what).to.equal(status);
      }
    });

    it('loadPolicy: a refused load leaves the active policy in place', () => {
      expect(tryLoad(good)).to.equal(PolicyStatus.Ok);
      const b = Buffer.from(good);
      b[0] = 0;
      expect(tryLoad(b)).to.equal(PolicyStatus.BadMagic);
      expect(text(out => policyNameBytes(out))).to.equal('wall');
      expect(labelByName('gamma')).to.equal(3);
    });

    it('loadPolicy: 3000 random mutations never throw and never read outside the blob', () => {
      // the blob ends exactly at host.memLimit: any read past its end throws in the host
      let seed = 0x1234567;
      const rand = (n: number): number => { seed = (Math.imul(seed, 1103515245) + 12345) >>> 0; return seed % n; };
      const small = compile('policy f\nprimary chinese-wall\nsecondary ste\ntype a b\nlabel x types a\nlabel y types b\nconflict c a b\n');
      const end = 0x10000000n;
      let accepted = 0;
      for (let i = 0; i < 3000; i++) {
        const b = Buffer.from(small);
        const edits = 1 + rand(4);
        for (let e = 0; e < edits; e++) b[rand(b.length)] = rand(256);
        const len = rand(10) === 0 ? rand(b.length + 1) : b.length;
        const blob = b.subarray(0, len);
        if (rand(2) === 0 && len >= 16) blob.writeUInt32BE(policyChecksum(blob), 12);
        host.reset();
        host.memLimit = end;
        const addr = end - BigInt(len);
        host.writeBytes(addr, blob);
        const st = loadPolicy(addr, len);
        if (st === PolicyStatus.Ok) {
          accepted++;
          for (let q = 0; q < 20; q++) evaluate(rand(70), rand(70), rand(18));
          cwPrepare(rand(4));
        }
      }
      expect(accepted).to.be.greaterThan(0);
    });
  });
});

function store(addr: bigint, v: number): void {
  host.write(addr, 1, BigInt(v));
}
