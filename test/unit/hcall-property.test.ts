/**
 * The hcall property test, in Node: 40,000 random and mutated hcalls from two partitions under a
 * real policy, shype/policies/deny.pol compiled by the project's policy compiler and loaded as
 * the image's: 'alpha' may make every hcall class, holds the admin role and runs Program.Vtpm
 * over the fake's store (so the audit-log reader, which stores into partition memory, the policy
 * reload and the vTPM store calls run too), 'beta' may not use the console and holds no role.
 * Both the gate's allow and deny paths are taken: every status
 * must be the policy's (alpha is never refused H_AUTHORITY; beta gets H_AUTHORITY exactly for
 * its console calls and the management calls, and the gate's Denied counter moves by exactly
 * its console calls), and every handler must have succeeded at least once for alpha (so the
 * test cannot pass by never getting past the argument checks). After every call nothing may
 * throw; no store of any call may land in another partition's memory (every store is watched),
 * and at the end every byte of the two victims' whole memory, and of the hypervisor's policy
 * blob, must be as it was. Half the calls get arguments shaped for their handler (shape()), the
 * rest are random. The partitions have virtual devices (wireDevices): frames and CRQ messages
 * inside a partition are allowed, between alpha and beta deny.pol refuses them, so the store
 * watch also checks that no denied delivery writes a byte.
 * The run-time management hcalls (H_TSHYPE_CREATE .. H_TSHYPE_SET_ENTITLEMENT) are left out:
 * alpha's admin role would let them destroy and scrub beta, which this test's store watch counts
 * as a foreign store; test/unit/manage.test.ts has their own property test (random operations by
 * allowed and refused labels, with the memory, slot and Chinese Wall invariants).
 */
import { expect } from 'chai';
import * as fs from 'fs';
import * as path from 'path';
import { host } from 'tsnc/host';
import { resetPlatform, setNvStore } from '../fake/platform';
import { MAX_SLOTS, SLOT_BYTES } from '../../lpar/nvstore';
import { compilePolicy } from '../../scripts/tshype-cli/src/policy-compiler';
import { initSecurity, labelOf } from '../../shype/security';
import { dispatchHcall } from '../../hv/dispatch';
import { H } from '../../hcalls/status';
import {
  HCALLS, H_RTAS, H_TSHYPE_AUDIT_READ, H_TSHYPE_CREATE, H_TSHYPE_GRANT, H_TSHYPE_LAN_STATS, H_TSHYPE_MAP,
  H_TSHYPE_POLICY_RELOAD, H_TSHYPE_REVOKE, H_TSHYPE_SET_ENTITLEMENT, H_TSHYPE_UNMAP, H_TSHYPE_VTPM_LAUNCH, H_TSHYPE_VTPM_LOAD,
  H_TSHYPE_VTPM_SAVE,
} from '../../hcalls/table';
import { RtasToken } from '../../lpar/devtree';
import { Program, PartitionConfig } from '../../lpar/config';
import { createPartition, LparState, Partition, partitions, startPartition } from '../../lpar/partition';
import { setPlatformClock } from '../fake/platform';
import { GateOutcome, gateStats } from '../../hv/gate';
import { Op } from '../../shype/ops';
import { SystemConfig } from '../../lpar/config';
import { REMOTE_LIOBN, VioKind, deviceOf, tces, vdevices } from '../../lpar/vio';
import { attachDevices, linkChannels } from '../../lpar/vio';
import { OP, bd, resetVio, unit } from './vio-helpers';
import { Drop, lanPorts } from '../../lpar/lan';
import { initPagePool } from '../../arch/ppc64/common/pages';
import { hptAcquire, hptResetPool } from '../../arch/ppc64/hash';

/** The hashed-page-table calls (hcalls/hpt.ts): alpha makes them in HPT mode, everything else in radix. */
const HPT_CALLS = new Set(['H_ENTER', 'H_REMOVE', 'H_READ', 'H_PROTECT', 'H_CLEAR_REF', 'H_CLEAR_MOD', 'H_BULK_REMOVE', 'H_CLEAR_HPT']);
/** Where alpha's HPT lies: a page pool outside every partition. */
const HPT_POOL = 0x10000000n;
import { GRANT_WINDOW_BASE } from '../../arch/ppc64/radix';
import { addGrant, freeGrantRef, releaseGrants } from '../../lpar/grant';

/** The real policy: alpha may do everything (admin role), beta may not use the console and has no role. */
const POLICY_FILE = path.join(__dirname, '..', '..', 'shype', 'policies', 'deny.pol');

const MiB = 0x100000n;
/** Partition memory: the fuzzed ones (slots 0 and 1) and two victims, 2 MiB each, from 64 MiB. */
const SIZE = 2n * MiB;
const BASES = [0x4200000n, 0x4000000n, 0x4400000n, 0x4600000n];
const DESCRIPTOR = 0x1000n, BLOB = 0x2000n;
const u64 = (n: number | bigint): bigint => BigInt.asUintN(64, BigInt(n));
/** The run-time management hcalls' opcodes (left out, see above). */
const RUNTIME_MANAGEMENT = new Set(HCALLS.filter(r => r.opcode >= H_TSHYPE_CREATE && r.opcode <= H_TSHYPE_SET_ENTITLEMENT).map(r => BigInt(r.opcode)));

/** A running partition in slot `i`, labelled `label`, at BASES[i]. */
function partition(i: number, name: string): Partition {
  const p = partitions[i];
  p.state = LparState.Empty;
  const cfg = new PartitionConfig(i);
  cfg.name = name;
  cfg.label = name;
  cfg.program = Program.Hello;
  cfg.memoryMiB = 2;
  cfg.cpuShare = 10;
  expect(createPartition(p, cfg, BASES[i], 512000n, labelOf(name))).to.equal(true);
  expect(startPartition(p, 0n, SIZE - 0x10000n, 0n)).to.equal(true);
  return p;
}

/** Make hcall `op` with arguments r4.. from `p`; returns the status, signed. */
function hcall(p: Partition, op: bigint, args: bigint[]): number {
  p.vcpu.gpr[3] = op;
  for (let i = 0; i < 9; i++) p.vcpu.gpr[4 + i] = i < args.length ? args[i] : 0n;
  dispatchHcall(p, p.vcpu);
  return Number(BigInt.asIntN(64, p.vcpu.gpr[3]));
}

/** A doubleword pattern for address `a` of partition `i` (so a copied word would not match). */
function canary(i: number, a: bigint): bigint {
  return BigInt.asUintN(64, (a * 0x9e3779b97f4a7c15n) ^ BigInt(0xa5a5 * (i + 1)));
}

describe('hcall property test', function () {
  this.timeout(120_000);
  let blob: Uint8Array;

  /** Load the fuzz policy as the image's (inside the test: other files' root hooks reset host memory). */
  function loadFuzzPolicy(): void {
    host.reset();
    resetPlatform();
    setPlatformClock([2031, 5, 1, 12, 0, 0]);
    for (const p of partitions) p.state = LparState.Empty;
    const r = compilePolicy(fs.readFileSync(POLICY_FILE, 'utf8'), 'deny.pol');
    expect(r.errors).to.deep.equal([]);
    blob = r.binary!;
    host.writeBytes(BLOB, blob);
    host.write(DESCRIPTOR, 8, BLOB);
    host.write(DESCRIPTOR + 8n, 8, BigInt(blob.length));
    (globalThis as unknown as { policyBlob: () => bigint }).policyBlob = () => DESCRIPTOR;
    expect(initSecurity()).to.equal(true);
  }

  after(() => {
    for (const p of partitions) releaseGrants(p);   // no grant outlives the test
    host.write(DESCRIPTOR + 8n, 8, 0n);   // no policy: sHype off for the test files that follow
    initSecurity();
    setPlatformClock(null);
  });

  it('property: 40,000 random hcalls under deny.pol reach every handler, are allowed and denied as the policy says, never throw, never write outside the partition', () => {
    for (const p of partitions) releaseGrants(p);
    loadFuzzPolicy();
    const alpha = partition(0, 'alpha');
    hptResetPool();
    initPagePool(HPT_POOL, HPT_POOL + 0x100000n);
    alpha.hptOrder = 18;
    alpha.hptBase = hptAcquire(18);
    setNvStore(MAX_SLOTS * SLOT_BYTES);   // alpha runs the vTPM (wireDevices): its store calls succeed too
    const beta = partition(1, 'beta');
    const fuzzers = [alpha, beta];
    const victims = [partition(2, 'beta'), partition(3, 'alpha')];
    const all = [...fuzzers, ...victims];
    wireDevices(all);
    host.onAsm('darn $0, 1', () => 42n);
    // the victims' whole memory as canaries, and audit records from a denied partition
    victims.forEach((p, k) => { for (let a = 0n; a < SIZE; a += 8n) host.write(p.memBase + a, 8, canary(k, a)); });
    for (let i = 0; i < 4; i++) expect(hcall(victims[0], 0x58n, [0n, 1n, 0x41n << 56n])).to.equal(H.AUTHORITY);

    // every store an hcall makes must land in the caller's own memory or outside all partitions
    let caller = alpha;
    const h = host as unknown as { write: (a: bigint, size: number, v: bigint) => void };
    const write = host.write.bind(host);
    let stores = 0;
    h.write = (a: bigint, size: number, v: bigint): void => {
      stores++;
      for (const p of all) {
        if (p !== caller && a + BigInt(size) > p.memBase && a < p.memBase + SIZE) {
          throw new Error(`a call by '${caller.name}' stored ${size} byte(s) at 0x${a.toString(16)}, in '${p.name}' (slot ${p.lpid - 1})`);
        }
      }
      write(a, size, v);
    };

    let x = 0x9e3779b97f4a7c15n;
    const next = (): bigint => { x ^= (x << 13n) & 0xffffffffffffffffn; x ^= x >> 7n; x ^= (x << 17n) & 0xffffffffffffffffn; return x; };
    const interesting = [0n, 1n, 4n, 16n, 17n, 0xfffn, 0x8000n, SIZE - 0x100n, SIZE - 4n, SIZE, SIZE + 8n,
      0xfffffffffffffffcn, 0x30000000n, BASES[1], BASES[2] - BASES[0]];
    const pick = (): bigint => (next() % 2n === 0n ? interesting[Number(next() % BigInt(interesting.length))] : next());
    const succeeded = new Set<string>();
    const betaSucceeded = new Set<string>();
    let consoleDenials = 0, roleDenials = 0;
    const denied0 = gateStats[GateOutcome.Denied];
    try {
      for (let n = 0; n < 40000; n++) {
        const p = next() % 3n === 0n ? beta : alpha;
        if (p.state !== LparState.Running) { p.state = LparState.Created; startPartition(p, 0n, SIZE - 0x10000n, 0n); }
        const row = HCALLS[Number(next() % BigInt(HCALLS.length))];
        const op = next() % 8n === 0n ? next() & 0xfffcn : u64(row.opcode);
        const args = Array.from({ length: 9 }, pick);
        if (RUNTIME_MANAGEMENT.has(op)) continue;
        p.hpt = p === alpha && HPT_CALLS.has(row.name);
        caller = p;   // shape() below writes the caller's memory, as the partition itself would
        if (next() % 2n === 0n) shape(p, op, args, next, blob);
        let status = 0;
        expect(() => { status = hcall(p, op, args); }, `call ${n} by ${p.name}: ${op.toString(16)}`).to.not.throw();
        const known = op === u64(row.opcode);
        // GRANT and MAP decide ShareMemory with the partition r4 names: refused (by the policy
        // or an earlier check) when that partition's label is not the caller's
        const crossLabel = known && (row.name === 'H_TSHYPE_GRANT' || row.name === 'H_TSHYPE_MAP') && otherLabel(p, args[0]);
        const management = row.name === 'H_TSHYPE_AUDIT_READ' || row.name === 'H_TSHYPE_POLICY_RELOAD' || row.name === 'H_TSHYPE_LAN_STATS' ||
          (row.name === 'H_TSHYPE_STATS' && args[0] !== 0n && args[0] !== BigInt(p.lpid));   // another partition's: ReadAudit
        if (p === alpha) {
          if (crossLabel) expect(status, `call ${n}: alpha shared across labels`).to.not.equal(H.SUCCESS);
          else expect(status, `call ${n}: alpha refused ${row.name}`).to.not.equal(H.AUTHORITY);
          if (status === H.SUCCESS && known) succeeded.add(row.name);
        } else if (known) {
          const deny = row.hclass === Op.HcallConsole || management;
          if (crossLabel) expect(status, `call ${n}: beta shared across labels`).to.not.equal(H.SUCCESS);
          else expect(status === H.AUTHORITY, `call ${n}: beta ${row.name} gave ${status}`).to.equal(deny);
          if (row.hclass === Op.HcallConsole) consoleDenials++; else if (management) roleDenials++;
          if (status === H.SUCCESS) betaSucceeded.add(row.name);
        }
      }
    } finally {
      delete (h as { write?: unknown }).write;
    }
    expect([...succeeded].sort(), 'every handler succeeded at least once')
      .to.deep.equal(HCALLS.filter(r => !RUNTIME_MANAGEMENT.has(BigInt(r.opcode))).map(r => r.name).sort());
    expect(stores, 'stores watched').to.be.above(1000);
    const received = (k: number[]): number => k.reduce((n, i) => n + lanPorts[i].framesReceived, 0);
    const denied = (k: number[]): number => k.reduce((n, i) => n + lanPorts[i].drops[Drop.Denied], 0);
    expect(received([0, 1]) + received([2, 3]), 'frames delivered inside a partition').to.be.above(0);
    expect(denied([0, 1, 2, 3]), 'frames between alpha and beta denied').to.be.above(0);
    expect(gateStats[GateOutcome.Denied] - denied0, "the gate's denials: beta's console calls").to.equal(consoleDenials);
    expect(consoleDenials, 'console denials').to.be.above(100);
    expect(roleDenials, 'management denials').to.be.above(20);
    expect(betaSucceeded.size, 'handlers beta may use succeeded').to.be.above(10);
    victims.forEach((p, k) => {
      for (let a = 0n; a < SIZE; a += 8n) {
        if (host.read(p.memBase + a, 8) !== canary(k, a)) expect.fail(`partition '${p.name}' (slot ${p.lpid - 1}) changed at 0x${a.toString(16)}`);
      }
    });
    for (let i = 0; i < blob.length; i++) expect(Number(host.read(BLOB + BigInt(i), 1)), `policy byte ${i}`).to.equal(blob[i]);
  });
});

/** Port MACs: alpha's two, beta's two, one per victim. */
const MACS = [0x020000000001n, 0x020000000002n, 0x020000000003n, 0x020000000004n, 0x020000000005n, 0x020000000006n];
const WINDOW_PAGES = 32;

/**
 * Virtual devices for the four partitions: one segment where alpha and beta have two ports each
 * and each victim one (never opened); a CRQ pair inside alpha and one inside beta (same label:
 * the policy allows them, so the CRQ calls can succeed), and a pair alpha -> beta that deny.pol
 * refuses (no common type), as it refuses every frame between them: no store of one fuzzer's
 * call may land in the other's memory. Windows' first pages mapped to the owner's memory.
 */
function wireDevices(all: Partition[]): void {
  resetVio();
  const cfg = new SystemConfig('fuzz');
  ['alpha', 'beta', 'beta2', 'alpha2'].forEach(n => cfg.add(n, Program.Hello, 2, 10));
  const seg = cfg.addSegment('lan0');
  [0, 0, 1, 1, 2, 3].forEach((k, i) => cfg.addPort(cfg.partitions[k], seg, MACS[i]));
  cfg.addChannel(cfg.partitions[0], cfg.partitions[0]);
  cfg.addChannel(cfg.partitions[1], cfg.partitions[1]);
  cfg.addChannel(cfg.partitions[0], cfg.partitions[1]);
  cfg.addVtpm(cfg.partitions[3], cfg.partitions[0]);   // alpha serves the alpha victim's vTPM
  all[0].program = Program.Vtpm;
  all.forEach((p, k) => { p.state = LparState.Running; expect(attachDevices(p, cfg, k)).to.equal(true); });
  linkChannels();
  for (const p of all.slice(0, 2)) {
    for (const i of devicesOf(p)) {
      const d = vdevices[i];
      for (let g = 0; g < WINDOW_PAGES; g++) tces[d.tceBase + g] = (0x100000n + BigInt(d.slot) * 0x20000n + BigInt(g) * 0x1000n) | 3n;
    }
  }
}

/** The vdevices indexes of `p`'s devices (of `kind`, or all). */
function devicesOf(p: Partition, kind?: VioKind): number[] {
  const out: number[] = [];
  for (let k = 0; k < 8; k++) {
    const i = deviceOf(p, unit(k));
    if (i >= 0 && (kind === undefined || vdevices[i].kind === kind || (kind === VioKind.CrqClient && vdevices[i].kind === VioKind.CrqServer))) out.push(i);
  }
  return out;
}

/** A unit of `p` (of `kind`; CrqClient: either CRQ end), as a bigint. */
function unitOf(p: Partition, next: () => bigint, kind?: VioKind): bigint {
  const ds = devicesOf(p, kind);
  if (ds.length === 0) return unit(0);
  return unit(vdevices[ds[Number(next() % BigInt(ds.length))]].slot);
}

/** An I/O address in the mapped part of a window, aligned to `align`. */
function ioba(next: () => bigint, align: bigint, room = 0n): bigint {
  return (next() % (BigInt(WINDOW_PAGES) * 0x1000n - room)) & ~(align - 1n);
}

/** Shape the arguments of a virtual-I/O call (H_PUT_TCE .. H_ENABLE_CRQ) so that it can succeed. */
function shapeVio(p: Partition, op: bigint, args: bigint[], next: () => bigint): void {
  const page = (): bigint => (next() % (SIZE / 0x1000n - 16n)) << 12n;
  const any = unitOf(p, next);
  switch (Number(op)) {
    case OP.PUT_TCE: case OP.STUFF_TCE:
      args.splice(0, 4, any, BigInt(next() % 64n) << 12n, page() | (next() % 8n === 0n ? 1n : 3n), 1n + next() % 4n);
      break;
    case OP.GET_TCE: args.splice(0, 2, any, BigInt(next() % 64n) << 12n); break;
    case OP.PUT_TCE_INDIRECT: {
      const list = page(), n = 1n + next() % 8n;
      for (let i = 0n; i < n; i++) host.write(p.memBase + list + 8n * i, 8, page() | 3n);
      args.splice(0, 4, any, BigInt(next() % 32n) << 12n, list, n);
      break;
    }
    case OP.VIO_SIGNAL: args.splice(0, 2, any, next() % 2n); break;
    case OP.REG_CRQ: args.splice(0, 3, unitOf(p, next, VioKind.CrqClient), ioba(next, 0x1000n, 0x1000n), 0x1000n); break;
    case OP.FREE_CRQ: case OP.ENABLE_CRQ: args[0] = unitOf(p, next, VioKind.CrqClient); break;
    case OP.FREE_LOGICAL_LAN: args[0] = unitOf(p, next, VioKind.Lan); break;
    case OP.SEND_CRQ: args.splice(0, 3, unitOf(p, next, VioKind.CrqClient), (next() % 2n === 0n ? 0x80n : 0xc0n) << 56n | (next() >> 8n), next()); break;
    case OP.COPY_RDMA: {
      const u = (): bigint => unitOf(p, next, VioKind.CrqClient) | (next() % 2n === 0n ? BigInt(REMOTE_LIOBN) : 0n);
      args.splice(0, 5, next() % 0x800n, u(), ioba(next, 1n, 0x800n), u(), ioba(next, 1n, 0x800n));
      break;
    }
    case OP.REGISTER_LOGICAL_LAN:
      args.splice(0, 5, unitOf(p, next, VioKind.Lan), 0n, bd(0x1000, 0x2000), 0x1000n, MACS[Number(next() % 4n)]);
      break;
    case OP.ADD_LOGICAL_LAN_BUFFER: args.splice(0, 2, unitOf(p, next, VioKind.Lan), bd(2048, 0x8000n + (next() % 16n) * 0x800n)); break;
    case OP.ADD_LOGICAL_LAN_BUFFERS:
      args[0] = unitOf(p, next, VioKind.Lan);
      for (let i = 1; i < 9; i++) args[i] = next() % 4n === 0n ? 0n : bd(2048, 0x8000n + (next() % 16n) * 0x800n);
      break;
    case OP.SEND_LOGICAL_LAN: {
      const u = unitOf(p, next, VioKind.Lan);
      const d = vdevices[deviceOf(p, u)];
      const at = 0x10000n + (next() % 8n) * 0x200n;
      const la = tces[d.tceBase + Number(at >> 12n)] & ~0xfffn;
      const dst = next() % 4n === 0n ? 0xffffffffffffn : MACS[Number(next() % 6n)];
      if (la + 0x1000n <= SIZE) host.write(p.memBase + la + (at & 0xfffn), 6, dst);
      args.splice(0, 8, u, bd(Number(14n + next() % 400n), at), 0n, 0n, 0n, 0n, 0n, 0n);
      break;
    }
    case OP.MULTICAST_CTRL: args.splice(0, 3, unitOf(p, next, VioKind.Lan), next() & 0xf0003n, 0x01005e000000n | (next() % 32n)); break;
    case OP.CHANGE_LOGICAL_LAN_MAC: args.splice(0, 2, unitOf(p, next, VioKind.Lan), MACS[Number(next() % 4n)]); break;
  }
}

/** H_SET_MODE, H_REGISTER_PROC_TBL, H_REGISTER_VPA and H_PAGE_INIT opcodes (hcalls/table.ts). */
const H_SET_MODE = 0x31cn, H_REGISTER_PROC_TBL = 0x37cn, H_REGISTER_VPA = 0xdcn, H_PAGE_INIT = 0x2cn;

/**
 * Make the random arguments of `op` well-formed enough to get past the first checks, so that
 * each handler's deeper paths (and its success) are reached: RTAS buffers with real tokens,
 * audit-log buffers, a staged policy, H_SET_MODE resources, process tables. Still random inside.
 */
function shape(p: Partition, op: bigint, args: bigint[], next: () => bigint, policy: Uint8Array): void {
  shapeVio(p, op, args, next);
  shapeGrant(p, op, args, next);
  if (op === 0x54n || op === 0x58n) { args[0] = 0n; args[1] = next() % 18n; }   // the console: terminal 0, up to 17 characters
  if (op === u64(H_RTAS)) args[0] = rtasBuffer(p, next);
  if (op === u64(H_TSHYPE_AUDIT_READ)) { args[0] = next() % (SIZE - 0x1000n); args[1] = 1n + next() % 4n; }
  if (op === u64(H_TSHYPE_LAN_STATS)) args[0] = next() % 8n;   // the ports of wireDevices, and two past them
  if (op === u64(H_TSHYPE_VTPM_LAUNCH)) { args[0] = unitOf(p, next, VioKind.VtpmServer); args[1] = next() % (SIZE - 0x1000n); args[2] = 160n; }
  if (op === u64(H_TSHYPE_VTPM_SAVE) || op === u64(H_TSHYPE_VTPM_LOAD)) {
    args[0] %= 9n;   // the eight instances and one past them
    args[2] = 1n + args[2] % 0x4800n;
    args[1] %= SIZE - args[2];
  }
  if (op === H_PAGE_INIT) {   // known flags, page-aligned pages inside the partition (or just past it)
    args[0] = [0n, 0x8000n, 0x4000n, 0xc00000n][Number(args[0] % 4n)];
    args[1] = (args[1] % (SIZE + 0x1000n)) & ~0xfffn;
    args[2] = (args[2] % SIZE) & ~0xfffn;
  }
  if (op === H_SET_MODE) { args[0] = [0n, 1n, 3n, 2n][Number(next() % 4n)]; args[1] = 3n + next() % 2n; args[2] = 0n; args[3] = 0n; }
  if (op === H_REGISTER_VPA) {
    args[0] = BigInt([1, 2, 3, 5, 6, 7][Number(next() % 6n)]) << 45n;
    args[1] = next() % 2n;
    args[2] = (next() % (SIZE - 0x1000n)) & ~0xfffn;
    host.write(p.memBase + args[2] + 4n, 2, 640n + next() % 0x200n);
  }
  shapeHpt(op, args, next);
  if (op === H_REGISTER_PROC_TBL) { args[0] = 0x18n | 0x4n | (next() & 1n); args[1] = (next() % 0x100n) << 12n; args[2] = 0n; args[3] = 0n; }
  if (op === u64(H_TSHYPE_POLICY_RELOAD)) {
    const la = (next() % (SIZE - 0x2000n)) & ~7n;
    host.writeBytes(p.memBase + la, policy);
    if (next() % 2n === 0n) host.write(p.memBase + la + (next() % BigInt(policy.length)), 1, next() & 0xffn);
    args[0] = la;
    args[1] = BigInt(policy.length);
  }
}

/** The HPT calls: an index in the first group, 4 KiB pages of the partition (or just past it). */
function shapeHpt(op: bigint, args: bigint[], next: () => bigint): void {
  const ptex = next() % 8n;
  switch (Number(op)) {
    case 0x08:   // H_ENTER
      args.splice(0, 4, next() % 4n === 0n ? 1n << 39n : 0n, ptex, ((next() % 64n) << 12n) | 1n, ((next() % (SIZE / 0x1000n + 2n)) << 12n) | 0x12n);
      break;
    case 0x04: case 0x0c: case 0x10: case 0x14: case 0x18: args.splice(0, 2, 0n, ptex); break;
    case 0x124: args.splice(0, 4, 0x4000000000000000n | ptex, 0n, 0xc000000000000000n, 0n); break;
  }
}

/** True when r4 = `lpid` names a partition slot whose label is not `p`'s. */
function otherLabel(p: Partition, lpid: bigint): boolean {
  return lpid >= 1n && lpid <= BigInt(partitions.length) && partitions[Number(lpid) - 1].ssidref !== p.ssidref;
}

/**
 * The grant calls: a partner of the caller's label (alpha: the victim in slot 3; beta: the one
 * in slot 2), pages of the caller's memory, the first references and window pages; before a MAP
 * the partner sometimes grants the caller a page (directly in lpar/grant.ts: the victims make
 * no hcalls), so that MAP, UNMAP and REVOKE succeed too.
 */
function shapeGrant(p: Partition, op: bigint, args: bigint[], next: () => bigint): void {
  const partner = partitions[p.lpid === 1 ? 3 : 2];
  const window = (): bigint => GRANT_WINDOW_BASE + (next() % 4n) * 0x1000n;
  if (op === u64(H_TSHYPE_GRANT)) { args[0] = BigInt(partner.lpid); args[1] = (next() % SIZE) & ~0xfffn; args[2] = next() % 3n; }
  if (op === u64(H_TSHYPE_MAP)) {
    const ref = freeGrantRef(partner);
    if (ref >= 0 && next() % 2n === 0n) addGrant(partner, ref, p, (next() % SIZE) & ~0xfffn, next() % 2n === 0n);
    args[0] = BigInt(partner.lpid); args[1] = next() % 4n; args[2] = window();
  }
  if (op === u64(H_TSHYPE_UNMAP)) args[0] = window();
  if (op === u64(H_TSHYPE_REVOKE)) args[0] = next() % 4n;
}

/**
 * An RTAS argument buffer inside the fuzzed partition: a real token most of the time, random
 * counts and arguments; returns its partition address.
 */
function rtasBuffer(p: Partition, next: () => bigint): bigint {
  const la = (next() % (SIZE - 0x200n)) & ~3n;
  const tokens = [RtasToken.DisplayCharacter, RtasToken.GetTimeOfDay, RtasToken.SetTimeOfDay, RtasToken.PowerOff, 0x2010,
    RtasToken.SystemReboot, RtasToken.QueryCpuStoppedState, RtasToken.StartCpu, RtasToken.StopSelf, RtasToken.GetSystemParameter,
    RtasToken.SetXive, RtasToken.GetXive, RtasToken.IntOff, RtasToken.IntOn, RtasToken.IbmOsTerm];
  const token = tokens[Number(next() % BigInt(tokens.length))];
  const nargs = next() % 4n === 0n ? next() & 0x1fn : BigInt([1, 0, 7, 2, 0, 0, 1, 3, 0, 3, 3, 1, 1, 1, 1][tokens.indexOf(token)]);
  const nret = next() % 4n === 0n ? next() & 0x1fn : BigInt([1, 8, 1, 1, 1, 1, 2, 1, 1, 1, 1, 3, 1, 1, 1][tokens.indexOf(token)]);
  const words = [BigInt(token), nargs, nret];
  for (let i = 0; i < 24; i++) words.push(next() % 3n === 0n ? next() & 0xffffffffn : next() % 61n);
  words.forEach((w, i) => host.write(p.memBase + la + BigInt(4 * i), 4, w));
  return la;
}
