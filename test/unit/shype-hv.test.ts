/**
 * sHype inside the hypervisor, in Node: the policy loaded as at boot, the gate deciding hcalls
 * through the cached decide() path, and H_TSHYPE_POLICY_RELOAD (role check, all-or-nothing
 * replay of the running partitions, cache flushed). The compiled policies come from the real
 * compiler; the image's policy descriptor (native: generated assembly) is a global in Node.
 */
import { expect } from 'chai';
import * as fs from 'fs';
import * as path from 'path';
import { host } from 'tsnc/host';
import { resetPlatform } from '../fake/platform';
import { compilePolicy } from '../../scripts/tshype-cli/src/policy-compiler';
import { initSecurity, labelOf, securityActive } from '../../shype/security';
import { dispatchHcall } from '../../hv/dispatch';
import { H } from '../../hcalls/status';
import { H_TSHYPE_POLICY_RELOAD } from '../../hcalls/table';
import { Program, PartitionConfig } from '../../lpar/config';
import { createPartition, LparState, Partition, partitions, startPartition } from '../../lpar/partition';
import { totalHits } from '../../shype/cache';

const POLICIES = path.join(__dirname, '..', '..', 'shype', 'policies');
const DESCRIPTOR = 0x1000n, BLOB = 0x2000n;

function compiled(name: string): Uint8Array {
  const file = path.join(POLICIES, `${name}.pol`);
  const r = compilePolicy(fs.readFileSync(file, 'utf8'), file);
  expect(r.errors).to.deep.equal([]);
  return r.binary!;
}

/** A running partition in slot `i` with label `label`, 2 MiB at 64 MiB + 2 MiB * i. */
function partition(i: number, label: string): Partition {
  const p = partitions[i];
  p.state = LparState.Empty;
  const cfg = new PartitionConfig(i);
  cfg.name = label;
  cfg.label = label;
  cfg.program = Program.Hello;
  cfg.memoryMiB = 2;
  cfg.cpuShare = 10;
  createPartition(p, cfg, BigInt(0x4000000 + 0x200000 * i), 512000n, labelOf(label));
  startPartition(p, 0n, 0n, 0n);
  return p;
}

function hcall(p: Partition, op: number, ...args: bigint[]): number {
  p.vcpu.gpr[3] = BigInt(op);
  args.forEach((a, i) => { p.vcpu.gpr[4 + i] = a; });
  dispatchHcall(p, p.vcpu);
  return Number(BigInt.asIntN(64, p.vcpu.gpr[3]));
}

/** Put a compiled policy into partition p's memory at logical 0x10000; returns its size. */
function stage(p: Partition, bytes: Uint8Array): bigint {
  host.writeBytes(p.memBase + 0x10000n, bytes);
  return BigInt(bytes.length);
}

describe('sHype in the hypervisor', () => {
  before(() => {
    host.reset();
    resetPlatform();
    for (const p of partitions) p.state = LparState.Empty;
    const blob = compiled('default');
    host.writeBytes(BLOB, blob);
    host.write(DESCRIPTOR, 8, BLOB);
    host.write(DESCRIPTOR + 8n, 8, BigInt(blob.length));
    (globalThis as unknown as { policyBlob: () => bigint }).policyBlob = () => DESCRIPTOR;
    expect(initSecurity()).to.equal(true);
  });

  it('initSecurity: loads the image policy; partitions get their labels', () => {
    expect(securityActive()).to.equal(true);
    expect(labelOf('alpha')).to.be.greaterThan(0);
    expect(labelOf('nobody')).to.equal(0);
  });

  it('gate: repeated hcalls are answered from the decision cache', () => {
    const beta = partition(1, 'beta');
    const before = totalHits();
    for (let i = 0; i < 5; i++) expect(hcall(beta, 0x54, 0n)).to.equal(H.SUCCESS);
    expect(totalHits() - before).to.be.at.least(4);
  });

  it('H_TSHYPE_POLICY_RELOAD: a label without the role gets H_AUTHORITY and nothing changes', () => {
    const beta = partition(1, 'beta');
    const size = stage(beta, compiled('deny'));
    expect(hcall(beta, H_TSHYPE_POLICY_RELOAD, 0x10000n, size)).to.equal(H.AUTHORITY);
    expect(hcall(beta, 0x54, 0n)).to.equal(H.SUCCESS);
  });

  it('H_TSHYPE_POLICY_RELOAD: a corrupt policy is H_PARAMETER and the active policy stays', () => {
    const alpha = partition(0, 'alpha');
    const beta = partition(1, 'beta');
    const bad = compiled('deny');
    bad[40] ^= 0xff;
    const size = stage(alpha, bad);
    expect(hcall(alpha, H_TSHYPE_POLICY_RELOAD, 0x10000n, size)).to.equal(H.PARAMETER);
    expect(hcall(alpha, H_TSHYPE_POLICY_RELOAD, 0x1ff000n, 0x2000n)).to.equal(H.PARAMETER);   // leaves the partition
    expect(hcall(beta, 0x54, 0n)).to.equal(H.SUCCESS);
  });

  it('H_TSHYPE_POLICY_RELOAD: a policy without a running partition\'s label is H_RESOURCE, nothing changes', () => {
    const alpha = partition(0, 'alpha');
    partition(1, 'beta');
    partition(2, 'gamma-less');   // label not in default: ssidref 0, refused by any replay
    const size = stage(alpha, compiled('deny'));
    expect(hcall(alpha, H_TSHYPE_POLICY_RELOAD, 0x10000n, size)).to.equal(H.RESOURCE);
    partitions[2].state = LparState.Empty;
  });

  it('H_TSHYPE_POLICY_RELOAD: with the role, the new policy replaces the old at once (cache flushed)', () => {
    const alpha = partition(0, 'alpha');
    const beta = partition(1, 'beta');
    expect(hcall(beta, 0x58, 0n, 0n, 0n, 0n)).to.equal(H.SUCCESS);    // console allowed, and now cached
    const size = stage(alpha, compiled('deny'));
    expect(hcall(alpha, H_TSHYPE_POLICY_RELOAD, 0x10000n, size)).to.equal(H.SUCCESS);
    expect(hcall(beta, 0x58, 0n, 0n, 0n, 0n)).to.equal(H.AUTHORITY);  // deny.pol: beta may not use the console
    expect(hcall(alpha, 0x58, 0n, 0n, 0n, 0n)).to.equal(H.SUCCESS);
  });
});
