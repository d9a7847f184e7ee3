/**
 * The launch of the configured partitions under sHype, in Node: hv/boot.ts launchPartition()
 * with the admission of hv/security.ts. Every step is a decide() question with the built-in
 * subject CONFIGURATION (CreatePartition, StartPartition, and DestroyPartition when a launch fails
 * half way), and the Chinese Wall is the started label's own question (StartPartition, no
 * object) through the same cache and audit, its cached answers dropped exactly when the types
 * that count change (shype/wall.ts). Refusals create nothing and reserve nothing.
 */
import { expect } from 'chai';
import * as fs from 'fs';
import * as path from 'path';
import { host } from 'tsnc/host';
import { consoleText, resetPlatform } from '../fake/platform';
import { compilePolicy } from '../../scripts/tshype-cli/src/policy-compiler';
import {
  admitDestroy, admitLaunch, initSecurity, labelOf, releasePartition, securitySummary,
} from '../../shype/security';
import { Program, PartitionConfig } from '../../lpar/config';
import { LparState, createPartition, haltPartition, partitions } from '../../lpar/partition';
import { CONFIGURATION, NO_OBJECT, Op, allows, decision, ruleOf } from '../../shype/ops';
import { cwCountingTypes, cwRunningCount, evaluate, ruleLine } from '../../shype/policy';
import { MISS, find, invalidateAll, misses, resetCounters, totalHits } from '../../shype/cache';
import { decide } from '../../shype/decide';
import { wallAbort, wallCommit, wallPrepare, wallRelease } from '../../shype/wall';
import * as audit from '../../shype/audit';

// hv/boot.ts imports the configuration as "@config" (an image is built for one); any will do here
const ROOT = path.join(__dirname, '..', '..');
(require('../../scripts/tsnc/register.cjs') as { alias(name: string, file: string): void })
  .alias('@config', path.join(ROOT, 'lpar', 'configs', 'wall.ts'));
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { launchPartition } = require('../../hv/boot') as typeof import('../../hv/boot');

const POLICIES = path.join(ROOT, 'shype', 'policies');
const DESCRIPTOR = 0x1000n, BLOB = 0x2000n, IMAGES = 0x3000n, IMAGE = 0x8000n;
const g = globalThis as unknown as { policyBlob: () => bigint; guestImageTable: () => bigint; guestImageCount: () => bigint };

/** Make `name`.pol (shype/policies) the image's policy and load it as at boot. */
function boot(name: string): void {
  host.reset();
  resetPlatform();
  for (const p of partitions) p.state = LparState.Empty;
  const file = path.join(POLICIES, `${name}.pol`);
  const r = compilePolicy(fs.readFileSync(file, 'utf8'), file);
  expect(r.errors).to.deep.equal([]);
  host.writeBytes(BLOB, r.binary!);
  host.write(DESCRIPTOR, 8, BLOB);
  host.write(DESCRIPTOR + 8n, 8, BigInt(r.binary!.length));
  g.policyBlob = () => DESCRIPTOR;
  // every program is a 64-byte image, except Illegal, which the image does not carry
  for (let k = 0; k < 16; k++) {
    host.write(IMAGES + BigInt(16 * k), 8, IMAGE);
    host.write(IMAGES + BigInt(16 * k + 8), 8, k === Program.Illegal ? 0n : 64n);
  }
  g.guestImageTable = () => IMAGES;
  g.guestImageCount = () => 16n;
  expect(initSecurity()).to.equal(true);
  invalidateAll();
  resetCounters();
  audit.clear();
}

/** A configured partition for slot i labelled (and named) `label`: 2 MiB at 64 MiB + 2 MiB * i. */
function configured(i: number, label: string, program = Program.Hello): PartitionConfig {
  const cfg = new PartitionConfig(i);
  cfg.name = label;
  cfg.label = label;
  cfg.program = program;
  cfg.memoryMiB = 2;
  cfg.cpuShare = 10;
  return cfg;
}

function launch(i: number, label: string, program = Program.Hello): boolean {
  return launchPartition(partitions[i], configured(i, label, program), BigInt(0x4000000 + 0x200000 * i));
}

/** The audit record at position i as [who, subject, object, op, allowed, rule]. */
function record(i: number): number[] {
  const d = audit.decisionOf(i);
  return [audit.whoOf(i), audit.subjectOf(i), audit.objectOf(i), audit.opOf(i), allows(d) ? 1 : 0, ruleOf(d)];
}

const WALL_RULE = 12;   // wall.pol: "conflict banks bank_a bank_b" is the first rule after the built-ins
const WALL_LINE = /\[hv\] partition 'gamma' refused by the Chinese Wall: bank_b conflicts with running bank_a \(conflict set banks\), rule 12\n/g;

describe('sHype launch of the configured partitions', () => {
  it('launchPartition: every stock policy lets the configuration launch its partitions (Create, Start, wall decided)', () => {
    for (const f of fs.readdirSync(POLICIES).filter(x => x.endsWith('.pol') && x !== 'launch.pol')) {
      boot(f.replace('.pol', ''));
      const labels = ['alpha', 'beta', 'gamma', 'web', 'db', 'mail', 'intel', 'office', 'kiosk', 'opsman', 'sec', 'app', 'nullcall', 'client',
        'server', 'lan-a', 'lan-b', 'lan-c', 'linux-a', 'linux-b', 'lansend', 'lanbase', 'lanrecv', 'fuzzer', 'victim-a', 'victim-b',
        'client-a', 'client-b', 'client-c', 'owner', 'user', 'outsider']
        .filter(l => labelOf(l) !== 0);
      expect(labels.length, f).to.be.greaterThan(0);
      labels.forEach((l, i) => {
        const started = launch(i, l);
        const walled = f === 'wall.pol' && l === 'gamma';      // the wall, not the configuration, refuses it
        expect(started, `${f} ${l}\n${consoleText()}`).to.equal(!walled);
        expect(partitions[i].state).to.equal(walled ? LparState.Empty : LparState.Running);
        expect(misses(i), `${f} ${l}`).to.equal(3);             // three questions: Create, Start, the wall
      });
      for (let i = 0; i < audit.count(); i++) expect(audit.subjectOf(i), f).to.not.equal(CONFIGURATION);
    }
  });

  it('launchPartition: a policy that says so denies the configuration; the refusal creates nothing and is audited', () => {
    boot('launch');
    expect(launch(0, 'alpha')).to.equal(true);
    expect(launch(1, 'beta')).to.equal(false);
    expect(consoleText()).to.contain("[hv] partition 'beta' refused: the configuration may not create it, rule 12 (line 12: configuration launches alpha)\n");
    expect(consoleText()).to.not.contain("partition 'beta' started");
    expect(partitions[1].state).to.equal(LparState.Empty);
    expect(audit.count()).to.equal(1);
    expect(record(0)).to.deep.equal([1, CONFIGURATION, labelOf('beta'), Op.CreatePartition, 0, 12]);
    resetPlatform();
    securitySummary();
    expect(consoleText()).to.contain('[hv]   audit: configuration op 6 on beta denied by rule 12 (line 12: configuration launches alpha)\n');
  });

  it('admitDestroy: DestroyPartition is decided with the configuration as the subject; a denial changes nothing', () => {
    boot('launch');
    const beta = partitions[1];
    expect(createPartition(beta, configured(1, 'beta'), 0x4200000n, 512000n, labelOf('beta'))).to.equal(true);
    expect(admitDestroy(beta)).to.equal(false);
    expect(beta.state).to.equal(LparState.Created);
    expect(consoleText()).to.contain("[hv] partition 'beta' not destroyed: the configuration may not destroy it, rule 12 (line 12: configuration launches alpha)\n");
    expect(record(0)).to.deep.equal([1, CONFIGURATION, labelOf('beta'), Op.DestroyPartition, 0, 12]);
    expect(misses(1)).to.equal(1);
    expect(admitDestroy(beta)).to.equal(false);                 // cached, audited again
    expect([misses(1), audit.count()]).to.deep.equal([1, 2]);
  });

  it('launchPartition: a load that fails gives the slot back through a decided DestroyPartition and drops the reservation', () => {
    boot('wall');
    expect(allows(decide(2, labelOf('gamma'), NO_OBJECT, Op.StartPartition))).to.equal(true);   // nothing runs: cached allow
    expect(launch(0, 'alpha', Program.Illegal)).to.equal(false);
    expect(consoleText()).to.contain("[hv] partition 'alpha' not started: cannot load its program, status 1\n");
    expect(partitions[0].state).to.equal(LparState.Empty);
    expect(misses(0)).to.equal(4);                              // Create, Start, the wall, then Destroy
    expect(find(CONFIGURATION, labelOf('alpha'), Op.DestroyPartition)).to.equal(decision(true, 0));
    expect(cwCountingTypes()).to.equal(0n);                     // aborted: nothing reserved, nothing running
    expect(find(labelOf('gamma'), NO_OBJECT, Op.StartPartition)).to.equal(MISS);   // the reservation dropped it
    expect(audit.count()).to.equal(0);
  });

  it('launchPartition: the Chinese Wall refusal, fresh and then from the cache, names the types and is audited', () => {
    boot('wall');
    expect(launch(0, 'alpha')).to.equal(true);
    expect(launch(1, 'beta')).to.equal(true);
    expect(launch(2, 'gamma')).to.equal(false);
    expect(consoleText().match(WALL_LINE)).to.have.length(1);
    expect(partitions[2].state).to.equal(LparState.Empty);
    expect(cwRunningCount(1)).to.equal(0);                      // bank_b: nothing reserved
    expect(misses(2)).to.equal(3);
    expect(audit.count()).to.equal(1);
    expect(record(0)).to.deep.equal([2, labelOf('gamma'), NO_OBJECT, Op.StartPartition, 0, WALL_RULE]);
    expect(ruleLine(WALL_RULE)).to.equal(14);
    const hits = totalHits();
    expect(launch(2, 'gamma')).to.equal(false);                 // every answer from the cache now
    expect(totalHits() - hits).to.equal(3);
    expect(misses(2)).to.equal(3);
    expect(consoleText().match(WALL_LINE)).to.have.length(2);
    expect(record(1)).to.deep.equal(record(0));
    resetPlatform();
    securitySummary();
    expect(consoleText()).to.match(/\[hv\] {3}audit: gamma op 7 denied by rule 12 \(line 14: chinese wall: conflict banks bank_a bank_b\)\n/);
  });

  it('releasePartition: a halted partition\'s types stop counting and the cached wall answers go with them', () => {
    boot('wall');
    expect(launch(0, 'alpha')).to.equal(true);
    expect(launch(2, 'gamma')).to.equal(false);
    expect(find(labelOf('gamma'), NO_OBJECT, Op.StartPartition)).to.not.equal(MISS);
    haltPartition(partitions[0], 0n);
    releasePartition(partitions[0]);
    expect(find(labelOf('gamma'), NO_OBJECT, Op.StartPartition)).to.equal(MISS);
    expect(find(CONFIGURATION, labelOf('gamma'), Op.StartPartition)).to.not.equal(MISS);  // the policy's answers stay
    expect(launch(2, 'gamma')).to.equal(true);
    expect(misses(2)).to.equal(4);                              // only the wall asked again
    expect(launch(0, 'alpha')).to.equal(false);                 // now alpha meets the wall
    expect(consoleText()).to.contain("[hv] partition 'alpha' refused by the Chinese Wall: bank_a conflicts with running bank_b (conflict set banks), rule 12\n");
  });

  it('admitLaunch: a refusal by the wall reserves nothing; an admission reserves until commit or abort', () => {
    boot('wall');
    const [alpha, gamma] = [labelOf('alpha'), labelOf('gamma')];
    expect(admitLaunch(partitions[0], 'alpha', alpha)).to.equal(true);
    expect(cwRunningCount(0)).to.equal(0);
    expect(cwRunningCount(2)).to.equal(0);
    expect(cwCountingTypes()).to.equal(0b001n);                 // bank_a reserved (neutral is in no conflict set)
    expect(admitLaunch(partitions[2], 'gamma', gamma)).to.equal(false);
    expect(cwCountingTypes()).to.equal(0b001n);
    expect(evaluate(gamma, NO_OBJECT, Op.StartPartition)).to.equal(decision(false, WALL_RULE));
    expect(audit.count()).to.equal(1);
  });
});

describe('shype/wall: the Chinese Wall transaction keeps the cached wall answers exact', () => {
  beforeEach(() => boot('wall'));

  /** Ask the wall about `label` through decide() (the answer is cached). */
  const ask = (label: string): boolean => allows(decide(5, labelOf(label), NO_OBJECT, Op.StartPartition));
  const cached = (label: string): boolean => find(labelOf(label), NO_OBJECT, Op.StartPartition) !== MISS;

  it('wallPrepare: a reservation that adds a walled type drops the cached wall answers; one that adds none keeps them', () => {
    expect(ask('gamma')).to.equal(true);
    expect(wallPrepare(labelOf('beta'))).to.equal(0);           // neutral, in no conflict set: nothing can change
    expect(cached('gamma')).to.equal(true);
    expect(ask('gamma')).to.equal(true);
    expect(wallPrepare(labelOf('alpha'))).to.equal(0);          // bank_a: it does
    expect(cached('gamma')).to.equal(false);
    expect(ask('gamma')).to.equal(false);
    expect(find(CONFIGURATION, labelOf('gamma'), Op.CreatePartition)).to.equal(MISS);   // never asked here
  });

  it('wallCommit: reserved to running changes no answer, so the cached ones stay (and stay right)', () => {
    expect(wallPrepare(labelOf('alpha'))).to.equal(0);
    expect(ask('gamma')).to.equal(false);
    wallCommit(labelOf('alpha'));
    expect(cached('gamma')).to.equal(true);
    expect(ask('gamma')).to.equal(false);
    expect(evaluate(labelOf('gamma'), NO_OBJECT, Op.StartPartition)).to.equal(decision(false, WALL_RULE));
  });

  it('wallAbort/wallRelease: dropping the last instance of a type drops the cached answers, not before', () => {
    expect(wallPrepare(labelOf('alpha'))).to.equal(0);
    wallCommit(labelOf('alpha'));
    expect(wallPrepare(labelOf('alpha'))).to.equal(0);          // a second alpha, reserved
    expect(ask('gamma')).to.equal(false);
    wallAbort(labelOf('alpha'));
    expect(cached('gamma')).to.equal(true);                     // the first alpha still runs
    expect(ask('gamma')).to.equal(false);
    wallRelease(labelOf('alpha'));
    expect(cached('gamma')).to.equal(false);
    expect(ask('gamma')).to.equal(true);
    expect(wallPrepare(labelOf('gamma'))).to.equal(0);
    wallAbort(labelOf('gamma'));
    expect(cached('gamma')).to.equal(false);                    // the abort took bank_b away again
    expect(ask('alpha')).to.equal(true);
  });

  it('wallPrepare: a start the wall refuses reserves nothing and invalidates nothing', () => {
    expect(wallPrepare(labelOf('alpha'))).to.equal(0);
    expect(ask('beta')).to.equal(true);
    const d = wallPrepare(labelOf('gamma'));
    expect(d).to.equal(decision(false, WALL_RULE));
    expect(cwCountingTypes()).to.equal(0b001n);
    expect(cached('beta')).to.equal(true);
  });
});
