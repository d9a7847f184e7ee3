/**
 * Shared memory between partitions: the radix tables that can be given back and their grant
 * window (arch/ppc64/radix.ts, common/pages.ts), and the grant hcalls (hcalls/grant.ts,
 * lpar/grant.ts) through dispatch on the platform fake, whose grant windows record exactly
 * what the handlers asked the platform to map. Every refusal is checked to change nothing.
 */
import { expect } from 'chai';
import { host } from 'tsnc/host';
import { grantCalls, grantWindows, resetPlatform } from '../fake/platform';
import { allocPages, freePages, initPagePool, NO_PAGES, poolFree, poolTop } from '../../arch/ppc64/common/pages';
import {
  buildPartitionTree, forgetPartitionTrees, GRANT_WINDOW_BASE, GRANT_WINDOW_PAGES, mapWindowPage, MAX_TREE_MEMORY, partitionRoot,
  releasePartitionTree, unmapWindowPage, walkPartitionTree,
} from '../../arch/ppc64/radix';
import { H } from '../../hcalls/status';
import * as pnv from '../../arch/ppc64/powernv/partition';
import * as pseries from '../../arch/ppc64/pseries/nested';
// eslint-disable-next-line @typescript-eslint/no-require-imports
const buffers = require('../../arch/ppc64/common/buffers') as object;
import { H_TSHYPE_GRANT, H_TSHYPE_MAP, H_TSHYPE_REVOKE, H_TSHYPE_UNMAP } from '../../hcalls/table';
import { Program, SystemConfig } from '../../lpar/config';
import {
  GRANTS_PER_PARTITION, MAPPINGS_PER_PARTITION, grantMappings, grants, grantsOutstanding, mappingsHeld, releaseGrants,
} from '../../lpar/grant';
import { LparState, Partition, partitions } from '../../lpar/partition';
import { clear as auditClear, count as auditCount } from '../../shype/audit';
import { SIZE, baseOf, hcall, launch, loadPolicy, resetVio, u64 } from './vio-helpers';

const MiB = 0x100000n;
const GiB = 0x40000000n;
const WINDOW = GRANT_WINDOW_BASE;
const PAGE = 0x1000n;

/** owner and user share a type, outsider has its own: ShareMemory only between owner and user. */
const STE = `policy share
primary ste
type shared_t alone_t
label owner types shared_t
label user types shared_t
label outsider types alone_t
`;
/** The same labels, none sharing a type: a reload that takes ShareMemory away. */
const STE_APART = `policy apart
primary ste
type a_t b_t c_t
label owner types a_t
label user types b_t
label outsider types c_t
`;

describe('radix tables: reuse and the grant window', () => {
  const POOL = 0x1000000n, POOL_END = 0x3000000n;   // 32 MiB of simulated memory
  const BASE = 0x40000000n;
  beforeEach(() => {
    host.reset();
    initPagePool(POOL, POOL_END);
    forgetPartitionTrees();   // the kept roots were in the previous test's pool
  });

  it('buildPartitionTree: memory with 2 MiB leaves, nothing else; the window is empty until mapped', () => {
    const root = buildPartitionTree(1, BASE, 64n * MiB);
    expect(root).to.not.equal(NO_PAGES);
    expect(walkPartitionTree(root, 0n, true)).to.equal(BASE);
    expect(walkPartitionTree(root, 64n * MiB - 8n, true)).to.equal(BASE + 64n * MiB - 8n);
    expect(walkPartitionTree(root, 64n * MiB, false)).to.equal(NO_PAGES);
    expect(walkPartitionTree(root, WINDOW, false)).to.equal(NO_PAGES);
    expect(walkPartitionTree(root, GiB, false)).to.equal(NO_PAGES);
  });

  it('mapWindowPage: a 4 KiB leaf, read-only unless writable; unmapWindowPage removes it; outside the window refused', () => {
    const root = buildPartitionTree(2, BASE, 16n * MiB);
    const real = 0x7654000n;
    expect(mapWindowPage(2, 3, real, false)).to.equal(true);
    expect(walkPartitionTree(root, WINDOW + 3n * PAGE + 0x18n, false)).to.equal(real + 0x18n);
    expect(walkPartitionTree(root, WINDOW + 3n * PAGE + 0x18n, true), 'read-only').to.equal(NO_PAGES);
    expect(walkPartitionTree(root, WINDOW + 2n * PAGE, false), 'neighbour').to.equal(NO_PAGES);
    expect(walkPartitionTree(root, WINDOW + 4n * PAGE, false), 'neighbour').to.equal(NO_PAGES);
    expect(mapWindowPage(2, 3, real, true)).to.equal(true);
    expect(walkPartitionTree(root, WINDOW + 3n * PAGE + 0xff8n, true)).to.equal(real + 0xff8n);
    expect(unmapWindowPage(2, 3)).to.equal(true);
    expect(walkPartitionTree(root, WINDOW + 3n * PAGE, false)).to.equal(NO_PAGES);
    expect(mapWindowPage(2, GRANT_WINDOW_PAGES, real, true)).to.equal(false);
    expect(mapWindowPage(2, -1, real, true)).to.equal(false);
    expect(mapWindowPage(5, 0, real, true), 'an LPID without a tree').to.equal(false);
    expect(walkPartitionTree(root, WINDOW + BigInt(GRANT_WINDOW_PAGES) * PAGE, false)).to.equal(NO_PAGES);
  });

  it('a rebuild keeps the root, gives the old pages back and maps only the new size; the window starts empty again', () => {
    const root = buildPartitionTree(3, BASE, 3n * GiB);
    mapWindowPage(3, 0, 0x7000000n, true);
    const top = poolTop();
    expect(buildPartitionTree(3, BASE + 2n * MiB, 32n * MiB)).to.equal(root);
    expect(poolTop()).to.equal(top);
    expect(walkPartitionTree(root, 0n, false)).to.equal(BASE + 2n * MiB);
    expect(walkPartitionTree(root, 32n * MiB, false)).to.equal(NO_PAGES);
    expect(walkPartitionTree(root, 2n * GiB, false), 'the larger tree is gone').to.equal(NO_PAGES);
    expect(walkPartitionTree(root, WINDOW, false), 'the old window mapping is gone').to.equal(NO_PAGES);
    expect(freePages(), '3 GiB needs 3 PMDs, 32 MiB one').to.equal(2);
  });

  it('300 build/release cycles of random sizes up to the maximum, with window pages mapped, take nothing new from the pool', () => {
    const MAX = 2n * GiB;   // the largest tree of the run is built first on each LPID it uses
    for (let lpid = 1; lpid <= 3; lpid++) { buildPartitionTree(lpid, BASE, MAX); releasePartitionTree(lpid); }
    const top = poolTop(), free = poolFree();
    let seed = 12345;
    const rand = (n: number): number => { seed = (Math.imul(seed, 1103515245) + 12345) >>> 0; return seed % n; };
    for (let cycle = 0; cycle < 300; cycle++) {
      const lpid = 1 + rand(3);
      const size = BigInt(1 + rand(Number(MAX / (2n * MiB)))) * 2n * MiB;
      const root = buildPartitionTree(lpid, BASE, size);
      expect(root).to.equal(partitionRoot(lpid));
      expect(walkPartitionTree(root, size - 8n, false)).to.equal(BASE + size - 8n);
      expect(walkPartitionTree(root, size, false)).to.equal(NO_PAGES);
      if (rand(2) === 0) mapWindowPage(lpid, rand(GRANT_WINDOW_PAGES), 0x7000000n, true);
      releasePartitionTree(lpid);
    }
    expect(poolTop(), 'bump pointer').to.equal(top);
    expect(poolFree(), 'free bytes').to.equal(free);
  });

  it('buildPartitionTree: out of pool gives every page it took back; larger than the maximum is refused', () => {
    initPagePool(POOL, POOL + 0x10000n + 3n * PAGE);   // a root, a PUD and two PMDs' worth: no window
    const before = poolFree();
    expect(buildPartitionTree(4, BASE, 4n * GiB)).to.equal(NO_PAGES);
    expect(partitionRoot(4)).to.not.equal(0n);
    expect(poolFree()).to.equal(before - 0x10000n);   // only the kept root
    expect(buildPartitionTree(4, BASE, MAX_TREE_MEMORY + 2n * MiB)).to.equal(NO_PAGES);
  });

  it('allocPages: 4 KiB requests come from the free list first, zeroed', () => {
    const a = allocPages(PAGE, PAGE);
    host.write(a + 8n, 8, 0x1234n);
    const root = buildPartitionTree(6, BASE, 2n * MiB);
    releasePartitionTree(6);
    const top = poolTop();
    const b = allocPages(PAGE, PAGE);
    expect(poolTop()).to.equal(top);
    expect(host.read(b, 8)).to.equal(0n);
    expect(root).to.not.equal(NO_PAGES);
  });
});

describe('powernv back end: preparePartition, clearPartition, mapGrantPage', () => {
  const POOL = 0x1000000n, POOL_END = 0x3000000n, AREA = 0x800000n;
  const SPR_PTCR = 464;
  beforeEach(() => {
    host.reset();
    initPagePool(POOL, POOL_END);
    forgetPartitionTrees();
    (globalThis as unknown as { pnvCpuArea: () => bigint }).pnvCpuArea = () => AREA;
    expect(pnv.initPartitioning()).to.equal(true);
  });

  /** Partition slot `i` with `size` bytes of memory at 1 GiB (nothing else of it is needed). */
  function sized(i: number, size: bigint): Partition {
    const p = partitions[i];
    p.memBase = GiB;
    p.memSize = size;
    p.processTable = 0n;
    p.hpt = false;   // another test file may have left the slot in HPT mode
    return p;
  }

  /** tlbie operations since the last reset whose RS is `lpid`. */
  const tlbiesOf = (lpid: number): number => host.trace.filter(t => t.op === 'tlbie' && t.args[1] === BigInt(lpid)).length;

  it('prepare maps the memory, a grant page maps with a tlbie; clear leaves the entry invalid and invalidates', () => {
    const patb = host.getSpr(SPR_PTCR) & ~0xfffn;
    const p = sized(2, 32n * MiB);
    expect(pnv.preparePartition(p)).to.equal(true);
    const dw0 = host.read(patb + 16n * BigInt(p.lpid), 8);
    const root = dw0 & 0x00fffffffffff000n;
    expect(root).to.equal(partitionRoot(p.lpid));
    expect(walkPartitionTree(root, 0x1234n, true)).to.equal(GiB + 0x1234n);
    const before = tlbiesOf(p.lpid);
    expect(pnv.mapGrantPage(p, 7, 0x2345000n, false)).to.equal(true);
    expect(tlbiesOf(p.lpid), 'the map invalidated the LPID').to.be.greaterThan(before);
    expect(walkPartitionTree(root, WINDOW + 7n * PAGE + 4n, false)).to.equal(0x2345004n);
    const mapped = tlbiesOf(p.lpid);
    expect(pnv.unmapGrantPage(p, 7)).to.equal(true);
    expect(tlbiesOf(p.lpid)).to.be.greaterThan(mapped);
    expect(walkPartitionTree(root, WINDOW + 7n * PAGE, false)).to.equal(NO_PAGES);
    const unmapped = tlbiesOf(p.lpid);
    pnv.clearPartition(p);
    expect(host.read(patb + 16n * BigInt(p.lpid), 8)).to.equal(0n);
    expect(host.read(patb + 16n * BigInt(p.lpid) + 8n, 8)).to.equal(0n);
    expect(tlbiesOf(p.lpid), 'the clear invalidated the LPID').to.be.greaterThan(unmapped);
    expect(pnv.mapGrantPage(p, 7, 0x2345000n, true), 'a cleared partition has no window').to.equal(false);
  });

  it('1,000 prepare/clear cycles of random sizes up to the largest, on three slots, leave the pool as the first cycle did', () => {
    const MAX = 2n * GiB;
    for (let i = 0; i < 3; i++) { expect(pnv.preparePartition(sized(i, MAX))).to.equal(true); pnv.clearPartition(partitions[i]); }
    const top = poolTop(), free = poolFree();
    let seed = 99;
    const rand = (n: number): number => { seed = (Math.imul(seed, 1103515245) + 12345) >>> 0; return (seed >>> 8) % n; };
    for (let cycle = 0; cycle < 1000; cycle++) {
      const p = sized(rand(3), BigInt(1 + rand(Number(MAX / (2n * MiB)))) * 2n * MiB);
      expect(pnv.preparePartition(p)).to.equal(true);
      pnv.clearPartition(p);
    }
    expect(poolTop(), 'high-water mark').to.equal(top);
    expect(poolFree(), 'free bytes').to.equal(free);
  });
});

describe('pseries back end: H_TLB_INVALIDATE to L0 for grant pages and clears', () => {
  const POOL = 0x1000000n, POOL_END = 0x3000000n;
  /** Every hcall the back end made: opcode and first two arguments. */
  const calls: bigint[][] = [];
  beforeEach(() => {
    host.reset();
    initPagePool(POOL, POOL_END);
    forgetPartitionTrees();
    calls.length = 0;
    const g = globalThis as unknown as { paprHcall: (...a: bigint[]) => bigint };
    g.paprHcall = (op, a1, a2) => { calls.push([op, a1, a2]); return 0n; };
    // buffers.ts only declares bytesAddress (assembly defines it): give its module one in Node
    (buffers as unknown as { bytesAddress: () => bigint }).bytesAddress = () => 0x900000n;
    expect(pseries.initPartitioning()).to.equal(true);
  });

  /** H_TLB_INVALIDATE (0xf808) calls for `lpid`. */
  const invalidations = (lpid: number): number => calls.filter(c => c[0] === 0xf808n && c[2] === BigInt(lpid)).length;

  it('mapGrantPage, unmapGrantPage and clearPartition each have L0 discard the LPID; prepare/clear reuse the pages', () => {
    const p = partitions[1];
    p.memBase = GiB;
    p.memSize = 64n * MiB;
    p.processTable = 0n;
    expect(pseries.preparePartition(p)).to.equal(true);
    const top = poolTop();
    let n = invalidations(p.lpid);
    expect(pseries.mapGrantPage(p, 0, 0x2000000n, true)).to.equal(true);
    expect(walkPartitionTree(partitionRoot(p.lpid), WINDOW + 8n, true)).to.equal(0x2000008n);
    expect(invalidations(p.lpid)).to.be.greaterThan(n);
    n = invalidations(p.lpid);
    expect(pseries.unmapGrantPage(p, 0)).to.equal(true);
    expect(invalidations(p.lpid)).to.be.greaterThan(n);
    n = invalidations(p.lpid);
    pseries.clearPartition(p);
    expect(invalidations(p.lpid)).to.be.greaterThan(n);
    for (let i = 0; i < 50; i++) { expect(pseries.preparePartition(p)).to.equal(true); pseries.clearPartition(p); }
    expect(poolTop()).to.equal(top);
  });
});

/** The three partitions of the share configuration, running under `policy` (null: no policy). */
function threePartitions(policy: string | null): Partition[] {
  loadPolicy(policy);
  const cfg = new SystemConfig('granttest');
  for (const n of ['owner', 'user', 'outsider']) cfg.add(n, Program.Hello, 2, 10).label = n;
  return launch(cfg);
}

/** Everything a refusal must leave alone: the grant tables, the mappings and the fake's windows. */
function state(): string {
  return JSON.stringify({
    grants: grants.map(g => [g.grantee, g.page.toString(), g.writable, g.mappings]),
    mappings: grantMappings.map(m => [m.grant, m.slot]),
    windows: [...grantWindows.entries()].map(([k, w]) => [k, w.real.toString(), w.writable]).sort(),
    calls: grantCalls,
  });
}

/** Call `op` from `p` and expect `status` and no change at all. */
function refused(p: Partition, status: number, op: number, ...args: (number | bigint)[]): void {
  const before = state();
  const r4 = p.vcpu.gpr[4];
  expect(hcall(p, op, ...args), `0x${op.toString(16)}(${args.join(', ')})`).to.equal(status);
  expect(state(), `0x${op.toString(16)}(${args.join(', ')}) changed something`).to.equal(before);
  void r4;
}

/** The fake's window entry of partition `p` at window page `slot`. */
function windowOf(p: Partition, slot: number): { real: bigint; writable: boolean } | undefined {
  return grantWindows.get(`${p.lpid}:${slot}`);
}

describe('grant hcalls', () => {
  let owner: Partition, user: Partition, outsider: Partition;
  beforeEach(() => {
    for (const p of partitions) releaseGrants(p);
    host.reset();
    resetPlatform();
    resetVio();
    [owner, user, outsider] = threePartitions(STE);
  });
  after(() => { for (const p of partitions) releaseGrants(p); loadPolicy(null); resetVio(); });

  it('H_TSHYPE_GRANT: returns reference 0, then 1; the grantee maps it read-write where it asks', () => {
    expect(hcall(owner, H_TSHYPE_GRANT, user.lpid, 0x3000, 1)).to.equal(H.SUCCESS);
    expect(owner.vcpu.gpr[4]).to.equal(0n);
    expect(hcall(owner, H_TSHYPE_GRANT, user.lpid, SIZE - PAGE, 0)).to.equal(H.SUCCESS);
    expect(owner.vcpu.gpr[4]).to.equal(1n);
    expect(grantsOutstanding(owner)).to.equal(2);
    expect(grantWindows.size, 'granting maps nothing').to.equal(0);
    expect(hcall(user, H_TSHYPE_MAP, owner.lpid, 0, WINDOW + 5n * PAGE)).to.equal(H.SUCCESS);
    expect(user.vcpu.gpr[4], 'writable').to.equal(1n);
    expect(windowOf(user, 5)).to.deep.equal({ real: baseOf(0) + 0x3000n, writable: true });
    expect(hcall(user, H_TSHYPE_MAP, owner.lpid, 1, WINDOW)).to.equal(H.SUCCESS);
    expect(user.vcpu.gpr[4], 'read-only').to.equal(0n);
    expect(windowOf(user, 0)).to.deep.equal({ real: baseOf(0) + SIZE - PAGE, writable: false });
    expect(mappingsHeld(user)).to.equal(2);
  });

  it('H_TSHYPE_GRANT: H_PARAMETER for a bad LPID, itself, a page not its own or not aligned, unknown flags', () => {
    for (const lpid of [0n, 9n, BigInt(owner.lpid), 0x100000002n, u64(-1)]) refused(owner, H.PARAMETER, H_TSHYPE_GRANT, lpid, 0x3000, 1);
    for (const page of [0x3008n, SIZE, SIZE - 0x800n, u64(-PAGE), WINDOW]) refused(owner, H.PARAMETER, H_TSHYPE_GRANT, user.lpid, page, 1);
    for (const flags of [2n, 3n, 1n << 63n]) refused(owner, H.PARAMETER, H_TSHYPE_GRANT, user.lpid, 0x3000, flags);
  });

  it('H_TSHYPE_GRANT: H_NOT_FOUND to an empty, halted or crashed slot', () => {
    refused(owner, H.NOT_FOUND, H_TSHYPE_GRANT, 4, 0x3000, 1);
    outsider.state = LparState.Halted;
    refused(owner, H.NOT_FOUND, H_TSHYPE_GRANT, outsider.lpid, 0x3000, 1);
    outsider.state = LparState.Crashed;
    refused(owner, H.NOT_FOUND, H_TSHYPE_GRANT, outsider.lpid, 0x3000, 1);
  });

  it('H_TSHYPE_GRANT: H_AUTHORITY and an audit record when the policy denies ShareMemory', () => {
    auditClear();   // the ring may be full from earlier tests
    const audits = auditCount();
    refused(owner, H.AUTHORITY, H_TSHYPE_GRANT, outsider.lpid, 0x3000, 1);
    refused(outsider, H.AUTHORITY, H_TSHYPE_GRANT, owner.lpid, 0x3000, 0);
    expect(auditCount()).to.be.greaterThan(audits);
  });

  it('H_TSHYPE_GRANT: H_RESOURCE once GRANTS_PER_PARTITION are outstanding; a revoke frees a reference', () => {
    for (let i = 0; i < GRANTS_PER_PARTITION; i++) expect(hcall(owner, H_TSHYPE_GRANT, user.lpid, PAGE * BigInt(i), 1)).to.equal(H.SUCCESS);
    refused(owner, H.RESOURCE, H_TSHYPE_GRANT, user.lpid, 0x3000, 1);
    expect(hcall(owner, H_TSHYPE_REVOKE, 7)).to.equal(H.SUCCESS);
    expect(hcall(owner, H_TSHYPE_GRANT, user.lpid, 0x3000, 1)).to.equal(H.SUCCESS);
    expect(owner.vcpu.gpr[4]).to.equal(7n);
  });

  it('H_TSHYPE_MAP: H_PARAMETER for a bad owner or reference, an address outside the window or taken', () => {
    expect(hcall(owner, H_TSHYPE_GRANT, user.lpid, 0x3000, 1)).to.equal(H.SUCCESS);
    for (const lpid of [0n, 9n, BigInt(user.lpid)]) refused(user, H.PARAMETER, H_TSHYPE_MAP, lpid, 0, WINDOW);
    refused(user, H.PARAMETER, H_TSHYPE_MAP, owner.lpid, GRANTS_PER_PARTITION, WINDOW);
    for (const la of [WINDOW + 8n, WINDOW - PAGE, WINDOW + BigInt(GRANT_WINDOW_PAGES) * PAGE, 0x3000n, 0n]) {
      refused(user, H.PARAMETER, H_TSHYPE_MAP, owner.lpid, 0, la);
    }
    expect(hcall(user, H_TSHYPE_MAP, owner.lpid, 0, WINDOW)).to.equal(H.SUCCESS);
    refused(user, H.PARAMETER, H_TSHYPE_MAP, owner.lpid, 0, WINDOW);
  });

  it('H_TSHYPE_MAP: H_NOT_FOUND for a page nobody granted, a grant to someone else, or an owner that is gone', () => {
    refused(user, H.NOT_FOUND, H_TSHYPE_MAP, owner.lpid, 0, WINDOW);
    expect(hcall(user, H_TSHYPE_GRANT, owner.lpid, 0x3000, 1)).to.equal(H.SUCCESS);
    refused(user, H.NOT_FOUND, H_TSHYPE_MAP, owner.lpid, 0, WINDOW);   // user granted owner, not the reverse
    refused(owner, H.NOT_FOUND, H_TSHYPE_MAP, user.lpid, 1, WINDOW);   // no reference 1
    refused(user, H.NOT_FOUND, H_TSHYPE_MAP, 5, 0, WINDOW);
  });

  it('H_TSHYPE_MAP: H_AUTHORITY (audited) for a partition the policy denies, even for a grant it was given', () => {
    loadPolicy(null);
    expect(hcall(owner, H_TSHYPE_GRANT, outsider.lpid, 0x3000, 1)).to.equal(H.SUCCESS);   // no policy: allowed
    expect(hcall(owner, H_TSHYPE_GRANT, user.lpid, 0x4000, 1)).to.equal(H.SUCCESS);
    loadPolicy(STE);
    auditClear();
    const audits = auditCount();
    refused(outsider, H.AUTHORITY, H_TSHYPE_MAP, owner.lpid, 0, WINDOW);
    refused(outsider, H.AUTHORITY, H_TSHYPE_MAP, owner.lpid, 1, WINDOW);   // not told that grant 1 is someone else's
    expect(auditCount()).to.be.greaterThan(audits);
  });

  it('H_TSHYPE_MAP: a policy that no longer allows ShareMemory refuses a new mapping of an old grant', () => {
    expect(hcall(owner, H_TSHYPE_GRANT, user.lpid, 0x3000, 1)).to.equal(H.SUCCESS);
    loadPolicy(STE_APART);
    refused(user, H.AUTHORITY, H_TSHYPE_MAP, owner.lpid, 0, WINDOW);
  });

  it('H_TSHYPE_MAP: H_RESOURCE once MAPPINGS_PER_PARTITION are held', () => {
    expect(hcall(owner, H_TSHYPE_GRANT, user.lpid, 0x3000, 1)).to.equal(H.SUCCESS);
    for (let i = 0; i < MAPPINGS_PER_PARTITION; i++) expect(hcall(user, H_TSHYPE_MAP, owner.lpid, 0, WINDOW + PAGE * BigInt(i))).to.equal(H.SUCCESS);
    refused(user, H.RESOURCE, H_TSHYPE_MAP, owner.lpid, 0, WINDOW + PAGE * 100n);
    expect(grantWindows.size).to.equal(MAPPINGS_PER_PARTITION);
  });

  it('H_TSHYPE_UNMAP: removes the mapping (and invalidates); H_PARAMETER outside the window; H_NOT_FOUND where nothing is', () => {
    expect(hcall(owner, H_TSHYPE_GRANT, user.lpid, 0x3000, 1)).to.equal(H.SUCCESS);
    expect(hcall(user, H_TSHYPE_MAP, owner.lpid, 0, WINDOW + 2n * PAGE)).to.equal(H.SUCCESS);
    refused(user, H.PARAMETER, H_TSHYPE_UNMAP, WINDOW + 2n * PAGE + 8n);
    refused(user, H.PARAMETER, H_TSHYPE_UNMAP, 0x3000);
    refused(user, H.NOT_FOUND, H_TSHYPE_UNMAP, WINDOW + PAGE);
    refused(owner, H.NOT_FOUND, H_TSHYPE_UNMAP, WINDOW + 2n * PAGE);   // the owner has no mapping there
    expect(hcall(user, H_TSHYPE_UNMAP, WINDOW + 2n * PAGE)).to.equal(H.SUCCESS);
    expect(grantWindows.size).to.equal(0);
    expect(grantCalls.unmaps).to.equal(1);
    refused(user, H.NOT_FOUND, H_TSHYPE_UNMAP, WINDOW + 2n * PAGE);
    expect(grantsOutstanding(owner), 'the grant stays').to.equal(1);
  });

  it('H_TSHYPE_REVOKE: every mapping of the grant removed before it returns, r4 counts them; the reference is free', () => {
    expect(hcall(owner, H_TSHYPE_GRANT, user.lpid, 0x3000, 1)).to.equal(H.SUCCESS);
    expect(hcall(owner, H_TSHYPE_GRANT, user.lpid, 0x5000, 1)).to.equal(H.SUCCESS);
    expect(hcall(user, H_TSHYPE_MAP, owner.lpid, 0, WINDOW)).to.equal(H.SUCCESS);
    expect(hcall(user, H_TSHYPE_MAP, owner.lpid, 0, WINDOW + 9n * PAGE)).to.equal(H.SUCCESS);
    expect(hcall(user, H_TSHYPE_MAP, owner.lpid, 1, WINDOW + PAGE)).to.equal(H.SUCCESS);
    expect(hcall(owner, H_TSHYPE_REVOKE, 0)).to.equal(H.SUCCESS);
    expect(owner.vcpu.gpr[4]).to.equal(2n);
    expect([...grantWindows.keys()]).to.deep.equal([`${user.lpid}:1`]);
    refused(owner, H.NOT_FOUND, H_TSHYPE_REVOKE, 0);
    refused(user, H.NOT_FOUND, H_TSHYPE_REVOKE, 1);   // reference 1 is the owner's, not the user's
    refused(owner, H.PARAMETER, H_TSHYPE_REVOKE, GRANTS_PER_PARTITION);
    refused(owner, H.PARAMETER, H_TSHYPE_REVOKE, u64(-1));
    refused(user, H.NOT_FOUND, H_TSHYPE_MAP, owner.lpid, 0, WINDOW + 3n * PAGE);
  });

  it('releaseGrants: its grants revoked, its mappings removed, grants made to it withdrawn', () => {
    loadPolicy(null);
    expect(hcall(owner, H_TSHYPE_GRANT, user.lpid, 0x3000, 1)).to.equal(H.SUCCESS);
    expect(hcall(user, H_TSHYPE_GRANT, owner.lpid, 0x3000, 0)).to.equal(H.SUCCESS);
    expect(hcall(outsider, H_TSHYPE_GRANT, owner.lpid, 0x3000, 0)).to.equal(H.SUCCESS);
    expect(hcall(owner, H_TSHYPE_GRANT, outsider.lpid, 0x6000, 0)).to.equal(H.SUCCESS);
    expect(hcall(user, H_TSHYPE_MAP, owner.lpid, 0, WINDOW)).to.equal(H.SUCCESS);
    expect(hcall(owner, H_TSHYPE_MAP, user.lpid, 0, WINDOW)).to.equal(H.SUCCESS);
    expect(hcall(outsider, H_TSHYPE_MAP, owner.lpid, 1, WINDOW)).to.equal(H.SUCCESS);
    releaseGrants(owner);
    expect(grantsOutstanding(owner)).to.equal(0);
    expect(mappingsHeld(owner) + mappingsHeld(user) + mappingsHeld(outsider)).to.equal(0);
    expect(grantWindows.size).to.equal(0);
    expect(grantsOutstanding(user), "user's grant to owner withdrawn").to.equal(0);
    expect(grantsOutstanding(outsider), "outsider's grant to owner withdrawn").to.equal(0);
  });
});

describe('grant hcalls: property test', () => {
  after(() => { for (const p of partitions) releaseGrants(p); loadPolicy(null); resetVio(); });

  /** The invariants: the platform's windows equal the mappings, and each is of a live grant to its holder. */
  function checkInvariants(ps: Partition[]): void {
    let mapped = 0;
    for (const p of ps) {
      for (let k = 0; k < MAPPINGS_PER_PARTITION; k++) {
        const m = grantMappings[(p.lpid - 1) * MAPPINGS_PER_PARTITION + k];
        if (m.grant < 0) continue;
        mapped++;
        const g = grants[m.grant];
        const ownerSlot = Math.trunc(m.grant / GRANTS_PER_PARTITION);
        expect(g.grantee, 'a mapping of a grant to someone else').to.equal(p.lpid - 1);
        expect(windowOf(p, m.slot)).to.deep.equal({ real: baseOf(ownerSlot) + g.page, writable: g.writable });
      }
    }
    expect(grantWindows.size, 'a window page mapped without a mapping').to.equal(mapped);
    for (let gi = 0; gi < grants.length; gi++) {
      let n = 0;
      for (const m of grantMappings) if (m.grant === gi) n++;
      expect(grants[gi].mappings).to.equal(n);
      if (grants[gi].grantee < 0) expect(n, 'a mapping of a revoked grant').to.equal(0);
    }
  }

  /** What the policy allows: no policy, everything; STE, owner and user only; STE_APART, nothing. */
  function mayShare(policy: string | null, p: Partition, q: Partition): boolean {
    if (policy === null) return true;
    return policy === STE && p.name !== 'outsider' && q.name !== 'outsider';
  }

  it('random grant/map/unmap/revoke/release sequences under random policies keep the invariants', () => {
    let seed = Number(process.env.GRANT_SEED ?? 20261207);
    const rand = (n: number): number => { seed = (Math.imul(seed, 1103515245) + 12345) >>> 0; return (seed >>> 8) % n; };
    const successes = [0, 0, 0, 0, 0, 0, 0, 0];
    for (let run = 0; run < 20; run++) {
      for (const p of partitions) releaseGrants(p);
      host.reset();
      resetPlatform();
      resetVio();
      const policy = [STE, STE_APART, null][rand(3)];
      const ps = threePartitions(policy);
      for (let step = 0; step < 200; step++) {
        const pi = rand(3);
        const p = ps[pi], q = ps[rand(5) === 0 ? pi : (pi + 1 + rand(2)) % 3];   // mostly another partition
        const slot = rand(4);
        const before = state();
        let st = 0;
        let shares = false;
        const kind = rand(8);
        const ref = rand(8) === 0 ? GRANTS_PER_PARTITION : rand(4);
        switch (kind) {
          case 0: case 1: st = hcall(p, H_TSHYPE_GRANT, q.lpid, PAGE * BigInt(rand(600)), rand(3)); shares = true; break;
          case 2: case 3: case 4: st = hcall(p, H_TSHYPE_MAP, q.lpid, ref, WINDOW + PAGE * BigInt(slot)); shares = true; break;
          case 5: st = hcall(p, H_TSHYPE_UNMAP, WINDOW + PAGE * BigInt(slot)); break;
          case 6: {
            const gi = (p.lpid - 1) * GRANTS_PER_PARTITION + ref;
            st = hcall(p, H_TSHYPE_REVOKE, ref);
            if (ref < GRANTS_PER_PARTITION) for (const m of grantMappings) expect(m.grant, 'revoke left a mapping').to.not.equal(gi);
            else expect(st).to.equal(H.PARAMETER);
            break;
          }
          default:
            if (rand(4) === 0) {
              releaseGrants(p);
              expect(grantsOutstanding(p) + mappingsHeld(p)).to.equal(0);
              for (const g of grants) expect(g.grantee, 'a grant to a released partition').to.not.equal(p.lpid - 1);
              for (const key of grantWindows.keys()) expect(key.startsWith(`${p.lpid}:`)).to.equal(false);
            }
        }
        if (st !== H.SUCCESS) expect(state(), `refused with ${st} but changed something`).to.equal(before);
        if (st === H.SUCCESS && kind < 7) successes[kind]++;
        if (shares && !mayShare(policy, p, q)) expect(st, 'sharing outside the policy').to.not.equal(H.SUCCESS);
        checkInvariants(ps);
      }
    }
    console.log(`      successes by kind: ${successes}`);
    expect(successes[0] + successes[1], 'grants').to.be.greaterThan(50);
    expect(successes[2] + successes[3] + successes[4], 'maps').to.be.greaterThan(40);
    expect(successes[5], 'unmaps').to.be.greaterThan(5);
    expect(successes[6], 'revokes').to.be.greaterThan(15);
  });
});
