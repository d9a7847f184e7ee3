/**
 * Entitlement and accounting: H_GET_PPP's registers as Linux's lparcfg reads them, H_TSHYPE_STATS
 * (own figures; another partition's only with ReadAudit, a refusal changing nothing), the
 * per-class hcall counters of the gate, the LAN and vTPM sums, and the `[hv] stats` line.
 */
import { expect } from 'chai';
import * as fs from 'fs';
import * as path from 'path';
import { host } from 'tsnc/host';
import { consoleText, resetPlatform } from '../fake/platform';
import { compilePolicy } from '../../scripts/tshype-cli/src/policy-compiler';
import { initSecurity, labelOf } from '../../shype/security';
import { dispatchHcall } from '../../hv/dispatch';
import { writePartitionStats } from '../../hv/accounting';
import { H } from '../../hcalls/status';
import { HCLASS_COUNT, H_GET_PPP, H_TSHYPE_STATS } from '../../hcalls/table';
import { Program, PartitionConfig } from '../../lpar/config';
import { HCALL_CLASSES, LparState, Partition, createPartition, haltPartition, partitions, startPartition } from '../../lpar/partition';
import { lanPorts } from '../../lpar/lan';
import { VioKind, vdevices } from '../../lpar/vio';
import { lanBytesReceived, lanBytesSent, tpmCommands } from '../../lpar/accounting';
import { Op } from '../../shype/ops';

const POLICIES = path.join(__dirname, '..', '..', 'shype', 'policies');
const DESCRIPTOR = 0x1000n, BLOB = 0x2000n;

/** Load policy `name` (shype/policies/NAME.pol) as the image's, or none for ''. */
function usePolicy(name: string): void {
  if (name === '') {
    host.write(DESCRIPTOR + 8n, 8, 0n);
  } else {
    const file = path.join(POLICIES, `${name}.pol`);
    const r = compilePolicy(fs.readFileSync(file, 'utf8'), file);
    expect(r.errors).to.deep.equal([]);
    host.writeBytes(BLOB, r.binary!);
    host.write(DESCRIPTOR, 8, BLOB);
    host.write(DESCRIPTOR + 8n, 8, BigInt(r.binary!.length));
  }
  (globalThis as unknown as { policyBlob: () => bigint }).policyBlob = () => DESCRIPTOR;
  expect(initSecurity()).to.equal(true);
}

/** A running partition in slot `i` named and labelled `name`. */
function partition(i: number, name: string, share: number, capped = true, weight = 128): Partition {
  const p = partitions[i];
  p.state = LparState.Empty;
  const cfg = new PartitionConfig(i);
  cfg.name = name;
  cfg.label = name;
  cfg.program = Program.Hello;
  cfg.memoryMiB = 16;
  cfg.cpuShare = share;
  cfg.capped = capped;
  cfg.weight = weight;
  expect(createPartition(p, cfg, BigInt(0x4000000 + 0x1000000 * i), 512000n, labelOf(name))).to.equal(true);
  expect(startPartition(p, 0n, 0n, 0n)).to.equal(true);
  return p;
}

function hcall(p: Partition, op: number, ...args: bigint[]): number {
  p.vcpu.gpr[3] = BigInt(op);
  for (let i = 0; i < 9; i++) p.vcpu.gpr[4 + i] = i < args.length ? args[i] : 0xdeadn;
  dispatchHcall(p, p.vcpu);
  return Number(BigInt.asIntN(64, p.vcpu.gpr[3]));
}

/** r4..r12 after the last call. */
const outs = (p: Partition): bigint[] => Array.from({ length: 9 }, (_, i) => p.vcpu.gpr[4 + i]);

describe('entitlement and accounting calls', () => {
beforeEach(() => {
  host.reset();
  resetPlatform();
  for (const p of partitions) p.state = LparState.Empty;
  usePolicy('');
});

after(() => usePolicy(''));

describe('H_GET_PPP', () => {
  it('the layout of PAPR / Linux lparcfg h_get_ppp: entitlement, unallocated, pool, capped bit and weight', () => {
    const a = partition(0, 'alpha', 20);
    partition(1, 'beta', 30, false, 200);
    expect(hcall(a, H_GET_PPP)).to.equal(H.SUCCESS);
    const r = outs(a);
    expect(r[0], 'R4 entitled capacity (hundredths)').to.equal(20n);
    expect(r[1], 'R5 unallocated capacity').to.equal(50n);
    expect(r[2], 'R6 group 0, pool 0').to.equal(0n);
    expect((r[3] >> 48n) & 1n, 'capped').to.equal(1n);
    expect((r[3] >> 40n) & 0xffn, 'weight').to.equal(128n);
    expect(r[3] & 0xffffn, 'active system processors').to.equal(1n);
    expect((r[3] >> 16n) & 0xffffn, 'active processors in the pool').to.equal(1n);
    expect(r[4]).to.equal((1n << 48n) | (100n << 24n) | 100n);
    const b = partitions[1];
    expect(hcall(b, H_GET_PPP)).to.equal(H.SUCCESS);
    expect(b.vcpu.gpr[4]).to.equal(30n);
    expect((b.vcpu.gpr[7] >> 48n) & 1n, 'uncapped').to.equal(0n);
    expect((b.vcpu.gpr[7] >> 40n) & 0xffn).to.equal(200n);
  });

  it('is refused from problem state (the gate) and changes nothing', () => {
    const a = partition(0, 'alpha', 20);
    a.vcpu.msr = 0x8000000000004000n;   // MSR[PR]
    expect(hcall(a, H_GET_PPP)).to.equal(H.PRIVILEGE);
    expect(a.vcpu.gpr[4]).to.equal(0xdeadn);
    expect(a.classCalls[Op.HcallProcessor]).to.equal(0);
  });
});

describe('H_TSHYPE_STATS and the accounting', () => {
  it('HCALL_CLASSES agrees with the hcall table', () => {
    expect(HCALL_CLASSES).to.equal(HCLASS_COUNT);
  });

  it('the caller\'s own figures: CPU time, lifetime, entitlement, hcalls by class, memory, LAN bytes, vTPM commands', () => {
    host.timebase = 1000n;
    const a = partition(0, 'alpha', 25, false, 77);
    a.runTicks = 123456n;
    hcall(a, 0x54, 0n);   // H_GET_TERM_CHAR: console
    hcall(a, 0x54, 0n);
    hcall(a, H_GET_PPP);  // processor
    hcall(a, 0x1c8);      // H_GET_CPU_CHARACTERISTICS: platform
    host.timebase = 51000n;
    expect(hcall(a, H_TSHYPE_STATS, 0n)).to.equal(H.SUCCESS);   // lifecycle (counted before it runs)
    const r = outs(a);
    expect(r[0]).to.equal(123456n);
    expect(r[1]).to.equal(50000n);
    expect(r[2]).to.equal(25n | (77n << 16n));
    expect(r[3]).to.equal((2n << 32n) | 1n);
    expect(r[4]).to.equal(1n << 32n);
    expect(r[5]).to.equal(1n);
    expect(r[6]).to.equal(16n << 32n);
    expect([r[7], r[8]]).to.deep.equal([0n, 0n]);
    expect(hcall(a, H_TSHYPE_STATS, BigInt(a.lpid)), 'its own LPID is itself').to.equal(H.SUCCESS);
    expect(a.vcpu.gpr[9]).to.equal(2n);
  });

  it('LAN bytes and vTPM commands are the sums over the partition\'s own devices', () => {
    const a = partition(0, 'alpha', 20), b = partition(1, 'beta', 20);
    const saved = [vdevices[0].owner, vdevices[0].kind, vdevices[1].owner, vdevices[1].kind, vdevices[2].owner, vdevices[2].kind];
    try {
      vdevices[0].owner = 0; vdevices[0].kind = VioKind.Lan;
      vdevices[1].owner = 0; vdevices[1].kind = VioKind.VtpmClient; vdevices[1].tpmCommands = 7;
      vdevices[2].owner = 1; vdevices[2].kind = VioKind.Lan;
      lanPorts[0].segment = 0; lanPorts[0].device = 0; lanPorts[0].bytesSent = 1500; lanPorts[0].bytesReceived = 300;
      lanPorts[1].segment = 0; lanPorts[1].device = 2; lanPorts[1].bytesSent = 64; lanPorts[1].bytesReceived = 9000;
      expect([lanBytesSent(a), lanBytesReceived(a), tpmCommands(a)]).to.deep.equal([1500, 300, 7]);
      expect([lanBytesSent(b), lanBytesReceived(b), tpmCommands(b)]).to.deep.equal([64, 9000, 0]);
      expect(hcall(a, H_TSHYPE_STATS, 0n)).to.equal(H.SUCCESS);
      expect([a.vcpu.gpr[10] & 0xffffffffn, a.vcpu.gpr[11], a.vcpu.gpr[12]]).to.deep.equal([7n, 1500n, 300n]);
    } finally {
      vdevices[0].owner = saved[0]; vdevices[0].kind = saved[1]; vdevices[1].owner = saved[2]; vdevices[1].kind = saved[3];
      vdevices[2].owner = saved[4]; vdevices[2].kind = saved[5]; vdevices[1].tpmCommands = 0;
      for (const i of [0, 1]) { lanPorts[i].segment = -1; lanPorts[i].device = -1; lanPorts[i].bytesSent = 0; lanPorts[i].bytesReceived = 0; }
    }
  });

  it('another partition\'s figures: without a policy H_AUTHORITY, registers untouched', () => {
    const a = partition(0, 'alpha', 20);
    partition(1, 'beta', 20);
    expect(hcall(a, H_TSHYPE_STATS, 2n)).to.equal(H.AUTHORITY);
    expect(outs(a).slice(1)).to.deep.equal(Array(8).fill(0xdeadn));
    expect(a.vcpu.gpr[4]).to.equal(2n);
  });

  it('with a policy: the admin role (ReadAudit) reads another partition; a label without it is refused; bad LPIDs are H_PARAMETER', () => {
    usePolicy('default');
    const a = partition(0, 'alpha', 20);
    const b = partition(1, 'beta', 30);
    b.runTicks = 999n;
    expect(hcall(a, H_TSHYPE_STATS, 2n)).to.equal(H.SUCCESS);
    expect(a.vcpu.gpr[4]).to.equal(999n);
    expect(a.vcpu.gpr[6]).to.equal(30n | 0x100n | (128n << 16n));
    expect(hcall(b, H_TSHYPE_STATS, 1n)).to.equal(H.AUTHORITY);
    expect(outs(b).slice(1)).to.deep.equal(Array(8).fill(0xdeadn));
    expect(hcall(b, H_TSHYPE_STATS, 0n), 'its own figures need no role').to.equal(H.SUCCESS);
    expect(b.vcpu.gpr[4]).to.equal(999n);
    for (const lpid of [3n, 9n, 0xffffffffffffffffn]) {
      expect(hcall(a, H_TSHYPE_STATS, lpid), `lpid ${lpid}`).to.equal(H.PARAMETER);
      expect(a.vcpu.gpr[5]).to.equal(0xdeadn);
    }
  });

  it('writePartitionStats: one [hv] line with the figures, the share to three decimals', () => {
    host.timebase = 1000n;
    const a = partition(0, 'alpha', 20);
    const b = partition(1, 'beta', 10, false, 64);
    a.runTicks = 200123n;
    hcall(a, 0x54, 0n);
    host.timebase = 1001000n;
    haltPartition(a, 0n);
    host.timebase = 5001000n;
    writePartitionStats(a);
    writePartitionStats(b);
    writePartitionStats(partitions[4]);   // an empty slot: nothing
    expect(consoleText().split('\n').filter(l => !l.startsWith('[hv] sHype'))).to.deep.equal([
      "[hv] stats 'alpha': entitled 20% capped, cpu 200123 of 1000000 ticks (20.012%), hcalls console 1 processor 0 platform 0 " +
        'memory 0 rtas 0 lifecycle 0 denied 0, memory 16 MiB, lan sent 0 received 0 bytes, vtpm commands 0',
      "[hv] stats 'beta': entitled 10% uncapped weight 64, cpu 0 of 5000000 ticks (0.000%), hcalls console 0 processor 0 " +
        'platform 0 memory 0 rtas 0 lifecycle 0 denied 0, memory 16 MiB, lan sent 0 received 0 bytes, vtpm commands 0',
      '']);
  });
});
});
