/**
 * Run-time management in Node (hv/manage.ts, hv/manage-hcalls.ts, lpar/regions.ts): every
 * operation's success and each refusal, with nothing changed by a refusal; the Chinese Wall
 * at a run-time start; stop deadlines; destroy giving back memory (scrubbed), devices and the
 * slot; and a property test of random operation sequences by allowed and refused subjects.
 */
import { expect } from 'chai';
import * as fs from 'fs';
import * as path from 'path';
import { host } from 'tsnc/host';
import { consoleText, resetPlatform } from '../fake/platform';
import { compilePolicy } from '../../scripts/tshype-cli/src/policy-compiler';
import { initSecurity, labelOf } from '../../shype/security';
import { Program } from '../../lpar/config';
import { CrashReason, LparState, partitions } from '../../lpar/partition';
import { Vcpu } from '../../lpar/vcpu';
import { setTimebaseHz } from '../../lpar/time';
import { invalidateAll, misses, resetCounters } from '../../shype/cache';
import { Op, allows } from '../../shype/ops';
import { evaluate } from '../../shype/evaluator';
import * as audit from '../../shype/audit';
import {
  allocRegion, excludeRange, freeRegion, initRegions, regionsFreeMiB, regionsTotalMiB, reserveRegion,
} from '../../lpar/regions';
import { H } from '../../hcalls/status';
import * as manage from '../../hv/manage';
import { hGrant, hMap, hRevoke, hUnmap } from '../../hcalls/grant';
import { GRANTS_PER_PARTITION, grants, releaseGrants } from '../../lpar/grant';
import { GRANT_WINDOW_BASE } from '../../arch/ppc64/radix';
import { grantWindows } from '../fake/platform';
import * as hcalls from '../../hv/manage-hcalls';
import { system } from '../fixtures/configs/manage-unit';

const ROOT = path.join(__dirname, '..', '..');
const { ManageStatus: S } = { ManageStatus: { Ok: 0, NoSuchPartition: 1, WrongState: 2, Denied: 3, WallConflict: 4, NoMemory: 5, BadArgument: 6, LoadFailed: 7, OverCommitted: 8 } };

const DESCRIPTOR = 0x1000n, BLOB = 0x2000n, IMAGES = 0x3000n, IMAGE = 0x8000n;
/** Partition memory the unit tests manage: [64 MiB, 96 MiB). */
const FIRST_MIB = 64, END_MIB = 96;
const g = globalThis as unknown as { policyBlob: () => bigint; guestImageTable: () => bigint; guestImageCount: () => bigint };
const MGR = 0, BANK_A = 1, WORKER = 2, OTHER = 3, BANK_B = 4;

/** Boot state: policy `name` loaded, partitions empty, the region map fresh, 'mgr' not created. */
function boot(name = 'manage'): void {
  host.reset();
  resetPlatform();
  setTimebaseHz(512000000n);
  for (const p of partitions) { p.state = LparState.Empty; p.typesHeld = false; p.name = ''; }
  const file = path.join(ROOT, 'shype', 'policies', `${name}.pol`);
  const r = compilePolicy(fs.readFileSync(file, 'utf8'), file);
  expect(r.errors).to.deep.equal([]);
  host.writeBytes(BLOB, r.binary!);
  host.write(DESCRIPTOR, 8, BLOB);
  host.write(DESCRIPTOR + 8n, 8, BigInt(r.binary!.length));
  g.policyBlob = () => DESCRIPTOR;
  for (let k = 0; k < 32; k++) {   // every program a 64-byte image of 0x60000000 (nop)
    host.write(IMAGES + BigInt(16 * k), 8, IMAGE);
    host.write(IMAGES + BigInt(16 * k + 8), 8, 64n);
  }
  for (let i = 0; i < 64; i += 4) host.write(IMAGE + BigInt(i), 4, 0x60000000n);
  g.guestImageTable = () => IMAGES;
  g.guestImageCount = () => 32n;
  expect(initSecurity()).to.equal(true);
  invalidateAll();
  resetCounters();
  audit.clear();
  initRegions(FIRST_MIB, END_MIB);
  manage.manageConfiguration(system);
}

const mgmt = (): number => labelOf('mgmt');
const app = (): number => labelOf('app');

/** Create and start slot `slot` as 'mgmt' would. */
function run(slot: number): void {
  expect(manage.manageCreate(MGR, mgmt(), slot, -1, 0, 0)).to.equal(S.Ok);
  expect(manage.manageStart(MGR, mgmt(), slot)).to.equal(S.Ok);
}

/** What a refusal must leave as it was: every slot's state, the free memory, the audit count. */
function snapshot(): string {
  return JSON.stringify([partitions.map(p => [p.state, p.memBase.toString(), p.share, p.stopRequested, p.restartRequested]), regionsFreeMiB()]);
}

describe('partition memory regions (lpar/regions.ts)', () => {
  it('allocates first fit, frees, and refuses what is not its own', () => {
    initRegions(64, 96);
    expect(regionsTotalMiB()).to.equal(32);
    expect(allocRegion(4)).to.equal(64);
    expect(reserveRegion(70, 4)).to.equal(true);
    expect(reserveRegion(68, 4)).to.equal(false);          // overlaps 70
    expect(allocRegion(4)).to.equal(74);                   // 68..70 is too small
    expect(allocRegion(2)).to.equal(68);
    expect(allocRegion(3)).to.equal(-1);                   // not a granule multiple
    expect(allocRegion(64)).to.equal(-1);
    expect(freeRegion(64, 4)).to.equal(true);
    expect(freeRegion(64, 4)).to.equal(false);             // already free
    expect(freeRegion(63, 2)).to.equal(false);
    expect(freeRegion(96, 2)).to.equal(false);
    expect(regionsFreeMiB()).to.equal(32 - 10);
    excludeRange(0x5000000n, 0x100n);                      // 80 MiB: one granule taken
    expect(regionsFreeMiB()).to.equal(32 - 12);
    expect(reserveRegion(80, 2)).to.equal(false);
    excludeRange(0n, 0x1000n);                             // below the map: nothing
    expect(regionsFreeMiB()).to.equal(20);
  });
});

describe('run-time management (hv/manage.ts)', () => {
  after(() => {   // leave no policy and no partition behind for the files that follow
    host.reset();
    g.policyBlob = () => DESCRIPTOR;
    expect(initSecurity()).to.equal(true);   // a zero descriptor: sHype off
    invalidateAll();
    for (const p of partitions) { p.state = LparState.Empty; p.typesHeld = false; p.name = ''; }
  });

  it('create: the definition loaded and Created, its memory taken; start runs it', () => {
    boot();
    const free = regionsFreeMiB();
    expect(manage.manageCreate(MGR, mgmt(), WORKER, -1, 0, 0)).to.equal(S.Ok);
    const p = partitions[WORKER];
    expect(p.state).to.equal(LparState.Created);
    expect(p.name).to.equal('worker');
    expect(p.ssidref).to.equal(app());
    expect(regionsFreeMiB()).to.equal(free - 2);
    expect(host.read(p.memBase, 4)).to.equal(0x60000000n);   // the image is in
    expect(manage.manageStart(MGR, mgmt(), WORKER)).to.equal(S.Ok);
    expect(p.state).to.equal(LparState.Running);
    expect(p.typesHeld).to.equal(true);
    expect(consoleText()).to.contain("[hv] partition 'worker' created: 2 MiB at 0x04000000, 1 vCPU\n[hv] partition 'worker' started\n");
  });

  it('create with an image of the catalog, more memory and vCPUs', () => {
    boot();
    expect(manage.manageCreate(MGR, mgmt(), OTHER, 0, 8, 2)).to.equal(S.Ok);
    const p = partitions[OTHER];
    expect(p.program).to.equal(Program.HcallTour);
    expect(p.memSize).to.equal(8n << 20n);
    expect(p.vcpuCount).to.equal(2);
  });

  it('create refuses bad arguments, wrong states, the policy and a full memory, changing nothing', () => {
    boot();
    run(WORKER);
    const cases: [number, number, number, number, number, number][] = [
      [mgmt(), 9, -1, 0, 0, S.NoSuchPartition],
      [mgmt(), -1, -1, 0, 0, S.NoSuchPartition],
      [mgmt(), WORKER, -1, 0, 0, S.WrongState],
      [mgmt(), OTHER, 1, 0, 0, S.BadArgument],     // the catalog has one image
      [mgmt(), OTHER, -2, 0, 0, S.BadArgument],
      [mgmt(), OTHER, -1, 3, 0, S.BadArgument],    // not a granule multiple
      [mgmt(), OTHER, -1, 70000, 0, S.BadArgument],
      [mgmt(), OTHER, -1, 0, 9, S.BadArgument],
      [app(), OTHER, -1, 0, 0, S.Denied],
      [0, OTHER, -1, 0, 0, S.Denied],
      [mgmt(), OTHER, -1, 64, 0, S.NoMemory],
    ];
    for (const [subject, slot, image, mem, vcpus, want] of cases) {
      const before = snapshot(), records = audit.count();
      expect(manage.manageCreate(MGR, subject, slot, image, mem, vcpus), `${subject} ${slot} ${image} ${mem} ${vcpus}`).to.equal(want);
      expect(snapshot()).to.equal(before);
      expect(audit.count()).to.equal(records + (want === S.Denied ? 1 : 0));
    }
    expect(audit.opOf(audit.count() - 1)).to.equal(Op.CreatePartition);
  });

  it('create refuses entitlements above one processor', () => {
    boot();
    expect(manage.manageCreate(MGR, mgmt(), WORKER, -1, 0, 0)).to.equal(S.Ok);
    expect(manage.manageSetEntitlement(MGR, mgmt(), WORKER, 90, 0, 0)).to.equal(S.Ok);
    const before = snapshot();
    expect(manage.manageCreate(MGR, mgmt(), OTHER, -1, 0, 0)).to.equal(S.OverCommitted);   // 90 + 20
    expect(snapshot()).to.equal(before);
    expect(manage.manageSetEntitlement(MGR, mgmt(), WORKER, 101, 0, 0)).to.equal(S.BadArgument);
    expect(manage.manageSetEntitlement(MGR, app(), WORKER, 10, 0, 0)).to.equal(S.Denied);
    expect(manage.manageSetEntitlement(MGR, mgmt(), OTHER, 10, 0, 0)).to.equal(S.WrongState);
    expect(partitions[WORKER].share).to.equal(90);
    expect(manage.manageSetEntitlement(MGR, mgmt(), WORKER, 50, 2, 200)).to.equal(S.Ok);
    expect([partitions[WORKER].share, partitions[WORKER].capped, partitions[WORKER].weight]).to.deep.equal([50, false, 200]);
    expect(manage.manageSetEntitlement(MGR, mgmt(), WORKER, 50, 2, 256)).to.equal(S.BadArgument);
    expect(manage.manageSetEntitlement(MGR, mgmt(), WORKER, 50, 3 as manage.EntitlementMode, 0)).to.equal(S.BadArgument);
    expect(manage.manageSetEntitlement(MGR, mgmt(), WORKER, 40, 1, 0)).to.equal(S.Ok);
    expect([partitions[WORKER].share, partitions[WORKER].capped, partitions[WORKER].weight]).to.deep.equal([40, true, 200]);
  });

  it('start: the Chinese Wall refuses bank-b while bank-a runs, and admits it once bank-a is destroyed', () => {
    boot();
    run(BANK_A);
    expect(manage.manageCreate(MGR, mgmt(), BANK_B, -1, 0, 0)).to.equal(S.Ok);
    const records = audit.count();
    expect(manage.manageStart(MGR, mgmt(), BANK_B)).to.equal(S.WallConflict);
    expect(partitions[BANK_B].state).to.equal(LparState.Created);
    expect(partitions[BANK_B].typesHeld).to.equal(false);
    expect(audit.count()).to.equal(records + 1);
    expect(audit.opOf(records)).to.equal(Op.StartPartition);
    expect(consoleText()).to.contain("[hv] partition 'bank-b' refused by the Chinese Wall: bank_b conflicts with running bank_a");
    expect(manage.manageStart(MGR, app(), BANK_B)).to.equal(S.Denied);
    expect(manage.manageDestroy(MGR, mgmt(), BANK_A)).to.equal(S.Ok);
    expect(manage.manageStart(MGR, mgmt(), BANK_B)).to.equal(S.Ok);
    expect(manage.manageStart(MGR, mgmt(), BANK_B)).to.equal(S.WrongState);
  });

  it('stop: the partition sees the request; at the deadline it is stopped and its types released', () => {
    boot();
    run(BANK_A);
    expect(manage.manageStop(MGR, app(), BANK_A, 10)).to.equal(S.Denied);
    expect(manage.manageStop(MGR, mgmt(), BANK_A, 600001)).to.equal(S.BadArgument);
    expect(manage.manageStop(MGR, mgmt(), WORKER, 10)).to.equal(S.WrongState);
    expect(partitions[BANK_A].stopRequested).to.equal(false);
    expect(manage.manageStop(MGR, mgmt(), BANK_A, 10)).to.equal(S.Ok);
    const out = new BigUint64Array(manage.QUERY_WORDS);
    expect(manage.manageQuery(BANK_A, 0, BANK_A, out)).to.equal(S.Ok);     // itself: no right needed
    expect(Number(out[6] & 0xffffffffn) & manage.MANAGE_FLAG_STOP).to.equal(manage.MANAGE_FLAG_STOP);
    manage.enforceStops();
    expect(partitions[BANK_A].state).to.equal(LparState.Running);          // 10 ms have not passed
    host.timebase += 512000000n / 100n + 1n;
    manage.enforceStops();
    expect(partitions[BANK_A].state).to.equal(LparState.Crashed);
    expect(partitions[BANK_A].crash).to.equal(CrashReason.Stopped);
    expect(partitions[BANK_A].typesHeld).to.equal(false);
    expect(manage.manageCreate(MGR, mgmt(), BANK_B, -1, 0, 0)).to.equal(S.Ok);
    expect(manage.manageStart(MGR, mgmt(), BANK_B)).to.equal(S.Ok);      // bank_a no longer counts
  });

  it('destroy: scrubs the memory, frees it, gives back the slot; refused, it changes nothing', () => {
    boot();
    run(WORKER);
    const p = partitions[WORKER];
    const base = p.memBase, free = regionsFreeMiB();
    host.write(base + 0x1000n, 8, 0x5ec2e75ec2e7n);
    const before = snapshot();
    expect(manage.manageDestroy(MGR, app(), WORKER)).to.equal(S.Denied);
    expect(snapshot()).to.equal(before);
    expect(manage.manageDestroy(MGR, mgmt(), WORKER)).to.equal(S.Ok);
    expect(p.state).to.equal(LparState.Empty);
    expect(p.typesHeld).to.equal(false);
    expect(host.read(base + 0x1000n, 8)).to.equal(0n);
    expect(host.read(base, 4)).to.equal(0n);
    expect(regionsFreeMiB()).to.equal(free + 2);
    expect(manage.manageDestroy(MGR, mgmt(), WORKER)).to.equal(S.WrongState);
    expect(misses(WORKER)).to.equal(0);   // the slot's decision counters start again
    expect(consoleText()).to.contain("[hv] partition 'worker' stopped by management\n[hv] partition 'worker' destroyed\n");
    // the slot is reusable, at the same place
    expect(manage.manageCreate(MGR, mgmt(), WORKER, -1, 0, 0)).to.equal(S.Ok);
    expect(p.memBase).to.equal(base);
  });

  it('restart: a running partition reboots; a stopped one is loaded and started again', () => {
    boot();
    run(WORKER);
    expect(manage.manageRestart(MGR, app(), WORKER)).to.equal(S.Denied);
    expect(partitions[WORKER].restartRequested).to.equal(false);
    expect(manage.manageRestart(MGR, mgmt(), WORKER)).to.equal(S.Ok);
    expect(partitions[WORKER].restartRequested).to.equal(true);
    expect(manage.manageStop(MGR, mgmt(), WORKER, 1)).to.equal(S.Ok);
    host.timebase += 512000000n;
    manage.enforceStops();
    expect(partitions[WORKER].state).to.equal(LparState.Crashed);
    expect(manage.manageRestart(MGR, mgmt(), WORKER)).to.equal(S.Ok);
    expect(partitions[WORKER].state).to.equal(LparState.Running);
    expect(partitions[WORKER].crash).to.equal(CrashReason.None);
    expect(manage.manageRestart(MGR, mgmt(), OTHER)).to.equal(S.WrongState);
  });

  it('query and list: another partition needs ReadAudit; the answers describe it', () => {
    boot();
    run(WORKER);
    const out = new BigUint64Array(manage.QUERY_WORDS);
    expect(manage.manageQuery(MGR, app(), WORKER, out)).to.equal(S.Denied);
    expect(manage.manageQuery(MGR, mgmt(), WORKER, out)).to.equal(S.Ok);
    expect([...out.slice(0, 4)]).to.deep.equal([BigInt(LparState.Running), 2n, 1n, 20n]);
    expect(out[6] >> 32n).to.equal(BigInt(WORKER + 1));
    expect(manage.manageQuery(MGR, mgmt(), 7, out)).to.equal(S.NoSuchPartition);
    expect(manage.manageList(MGR, app(), out)).to.equal(S.Denied);
    expect(manage.manageList(MGR, mgmt(), out)).to.equal(S.Ok);
    expect(out[0]).to.equal(BigInt(LparState.Running) << BigInt(4 * WORKER));
    expect(out[1]).to.equal(5n);
    expect(out[3]).to.equal(BigInt(regionsFreeMiB()));
  });

  it('without a policy every management operation is refused', () => {
    boot();
    g.policyBlob = () => 0x100n;   // a descriptor of size 0: no policy
    host.write(0x100n, 8, 0n);
    host.write(0x108n, 8, 0n);
    expect(initSecurity()).to.equal(true);
    expect(manage.manageCreate(MGR, 0, WORKER, -1, 0, 0)).to.equal(S.Denied);
    expect(partitions[WORKER].state).to.equal(LparState.Empty);
  });

  it('the hcalls: registers in, statuses out; a name looked up in the caller\'s memory only', () => {
    boot();
    run(MGR);
    const caller = partitions[MGR];
    const v = new Vcpu(0);
    const call = (fn: (p: typeof caller, v: Vcpu) => number, ...regs: bigint[]): number => {
      regs.forEach((r, i) => { v.gpr[4 + i] = r; });
      return fn(caller, v);
    };
    expect(call(hcalls.hCreate, 3n, 0xffffffffffffffffn, 0n, 0n)).to.equal(H.SUCCESS);
    expect(call(hcalls.hCreate, 3n, 0xffffffffffffffffn, 0n, 0n)).to.equal(H.STATE);
    expect(call(hcalls.hCreate, 0n, 0n, 0n, 0n)).to.equal(H.PARAMETER);
    expect(call(hcalls.hCreate, 9n, 0n, 0n, 0n)).to.equal(H.PARAMETER);
    expect(call(hcalls.hCreate, 4n, 0x80000000n, 0n, 0n)).to.equal(H.PARAMETER);
    expect(call(hcalls.hStart, 3n)).to.equal(H.SUCCESS);
    expect(call(hcalls.hStop, 3n, 0xfffffffffn)).to.equal(H.PARAMETER);
    // QUERY by name: 'worker' written into the caller's own memory
    const at = 0x1000n;
    Buffer.from('worker').forEach((b, i) => host.write(caller.memBase + at + BigInt(i), 1, BigInt(b)));
    expect(call(hcalls.hQuery, 0n, at, 6n)).to.equal(H.SUCCESS);
    expect(v.gpr[10] >> 32n).to.equal(3n);
    expect(v.gpr[4]).to.equal(BigInt(LparState.Running));
    expect(call(hcalls.hQuery, 0n, caller.memSize - 3n, 6n)).to.equal(H.PARAMETER);   // runs off its memory
    expect(call(hcalls.hQuery, 0n, at, 16n)).to.equal(H.PARAMETER);
    expect(call(hcalls.hQuery, 0n, at, 5n)).to.equal(H.PARAMETER);                    // 'worke': no such name
    expect(call(hcalls.hQuery, 0xffffffffffffffffn)).to.equal(H.SUCCESS);              // itself
    expect(v.gpr[10] >> 32n).to.equal(1n);
    expect(call(hcalls.hList)).to.equal(H.SUCCESS);
    expect(call(hcalls.hSetEntitlement, 3n, 0n)).to.equal(H.PARAMETER);
    expect(call(hcalls.hDestroy, 3n)).to.equal(H.SUCCESS);
    expect(call(hcalls.hRestart, 3n)).to.equal(H.STATE);
    caller.ssidref = app();   // an application label: refused, H_AUTHORITY
    expect(call(hcalls.hCreate, 3n, 0xffffffffffffffffn, 0n, 0n)).to.equal(H.AUTHORITY);
  });

  it('property: random create/start/stop/destroy/restart/entitle/grant/map/unmap/revoke under each management policy: only what the policy grants succeeds, no page is in two partitions unless granted, memory accounting exact', () => {
    let seed = 0x9e3779b9;
    const rnd = (n: number): number => { seed ^= seed << 13; seed ^= seed >>> 17; seed ^= seed << 5; return (seed >>> 0) % n; };
    const v = new Vcpu(0);
    /** An hcall handler run for slot `slot` with r4.. = regs; its status, or 1 when the slot is empty. */
    const call = (fn: (p: (typeof partitions)[0], v: Vcpu) => number, slot: number, ...regs: bigint[]): number => {
      if (partitions[slot].state === LparState.Empty) return 1;
      regs.forEach((r, i) => { v.gpr[4 + i] = r; });
      return fn(partitions[slot], v);
    };
    /** Grants, mappings and windows: what a refusal must leave as it was. */
    const sharing = (): string => JSON.stringify([grants.map(g => [g.grantee, g.page.toString(), g.writable, g.mappings]),
      [...grantWindows.entries()].map(([k, w]) => [k, w.real.toString(), w.writable])]);
    for (const policy of ['manage', 'manage-deny']) {
      boot(policy);
      for (const p of partitions) releaseGrants(p);
      grantWindows.clear();
      const subjects = [mgmt(), app(), labelOf('operator'), labelOf('keeper'), 0];
      const out = new BigUint64Array(manage.QUERY_WORDS);
      const ops = [Op.CreatePartition, Op.StartPartition, Op.StartPartition, Op.DestroyPartition, Op.StartPartition, Op.CreatePartition];
      let shared = 0;
      if (policy === 'manage') for (const slot of [WORKER, OTHER, BANK_A]) run(slot);   // partitions that can share at once
      for (let step = 0; step < 300; step++) {
        const subject = subjects[rnd(subjects.length)];
        const kind = rnd(3) === 0 ? rnd(7) : 7 + rnd(4);   // mostly sharing calls, between the lifecycle operations
        // the sharing calls mostly between the partitions whose labels may share (bank-a, worker, other, bank-b)
        const slot = kind >= 7 && rnd(4) !== 0 ? 1 + rnd(4) : rnd(6) - (rnd(10) === 0 ? 1 : 0);
        const other = kind >= 7 && rnd(4) !== 0 ? 1 + rnd(4) : rnd(5);
        const before = snapshot() + sharing();
        let st = -1;
        switch (kind) {
          case 0: st = manage.manageCreate(MGR, subject, slot, rnd(3) - 1, [0, 2, 4, 3][rnd(4)], rnd(3)); break;
          case 1: st = manage.manageStart(MGR, subject, slot); break;
          case 2: st = manage.manageStop(MGR, subject, slot, rnd(3)); break;
          case 3: st = manage.manageDestroy(MGR, subject, slot); break;
          case 4: st = manage.manageRestart(MGR, subject, slot); break;
          case 5: st = manage.manageSetEntitlement(MGR, subject, slot, rnd(60), rnd(3), rnd(300)); break;
          case 6: host.timebase += 512000000n / 100n; manage.enforceStops(); break;
          case 7: if (slot >= 0) st = call(hGrant, slot, BigInt(other + 1), BigInt(rnd(3)) * 0x1000n, BigInt(rnd(2))); break;
          case 8: if (slot >= 0) st = call(hMap, slot, BigInt(other + 1), BigInt(rnd(3)), GRANT_WINDOW_BASE + BigInt(rnd(3)) * 0x1000n); break;
          case 9: if (slot >= 0) st = call(hUnmap, slot, GRANT_WINDOW_BASE + BigInt(rnd(3)) * 0x1000n); break;
          default: if (slot >= 0) st = call(hRevoke, slot, BigInt(rnd(3)));
        }
        const where = `${policy} step ${step} op ${kind} subject ${subject} slot ${slot}`;
        if (kind <= 5 && st > 0 && st !== S.LoadFailed) expect(snapshot() + sharing(), where).to.equal(before);   // a refusal changes nothing
        if (kind >= 7 && st !== 0) expect(snapshot() + sharing(), where).to.equal(before);
        if (kind <= 5 && st === S.Ok) {   // no operation outside the policy succeeds
          expect(allows(evaluate(subject, labelOf(system.partitions[slot].label), ops[kind])), where).to.equal(true);
        }
        if ((kind === 7 || kind === 8) && st === 0) {   // sharing only between labels ShareMemory allows
          expect(allows(evaluate(partitions[slot].ssidref, partitions[other].ssidref, Op.ShareMemory)), where).to.equal(true);
          shared++;
        }
        // memory of existing partitions disjoint and accounted; entitlements within one processor
        const live = partitions.filter(p => p.state !== LparState.Empty);
        const used = live.reduce((n, p) => n + Number(p.memSize >> 20n), 0);
        expect(regionsFreeMiB() + used, where).to.equal(END_MIB - FIRST_MIB);
        for (const a of live) for (const b of live) {
          if (a !== b) expect(a.memBase + a.memSize <= b.memBase || b.memBase + b.memSize <= a.memBase, where).to.equal(true);
        }
        expect(live.reduce((n, p) => n + p.share, 0)).to.be.at.most(100);
        // no page in two partitions unless granted: every window page maps a page of a live owner
        // that has a grant of exactly that page to the window's partition, which is live too
        for (const [key, w] of grantWindows) {
          const grantee = Number(key.split(':')[0]) - 1;
          expect(partitions[grantee].state, `${where}: window of an empty slot`).to.not.equal(LparState.Empty);
          const owner = partitions.findIndex(o => o.state !== LparState.Empty && w.real >= o.memBase && w.real < o.memBase + o.memSize);
          expect(owner, `${where}: ${key} maps no partition's page`).to.be.at.least(0);
          const granted = grants.some((g, gi) => Math.floor(gi / GRANTS_PER_PARTITION) === owner && g.grantee === grantee &&
            partitions[owner].memBase + g.page === w.real);
          expect(granted, `${where}: ${key} maps a page nobody granted`).to.equal(true);
        }
        for (let gi = 0; gi < grants.length; gi++) {   // no grant outlives its owner or its grantee
          if (grants[gi].grantee < 0) continue;
          expect(partitions[Math.floor(gi / GRANTS_PER_PARTITION)].state, where).to.not.equal(LparState.Empty);
          expect(partitions[grants[gi].grantee].state, where).to.not.equal(LparState.Empty);
        }
        // the Chinese Wall: never both banks running; types held exactly by running partitions
        const banks = partitions.filter(p => p.typesHeld && (p.label === 'bank-a' || p.label === 'bank-b'));
        expect(new Set(banks.map(p => p.label)).size, where).to.be.at.most(1);
        for (const p of partitions) if (p.typesHeld) expect(p.state, where).to.equal(LparState.Running);
        expect(manage.manageQuery(MGR, mgmt(), WORKER, out)).to.equal(S.Ok);   // ReadAudit in both policies
      }
      if (policy === 'manage') expect(shared, `${policy}: grants and mappings made`).to.be.above(5);
    }
    expect(system.count).to.equal(5);
  });
});
