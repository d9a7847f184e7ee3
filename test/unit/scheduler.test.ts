/**
 * The scheduler and exit handling with a fake vCPU runner and a simulated timebase: shares are
 * honoured exactly, a partition that never makes an hcall cannot starve the others, cede and
 * confer end a slice early, faults stop the partition with a report, the time limit applies.
 */
import { expect } from 'chai';
import { host } from 'tsnc/host';
import type { u64 } from 'tsnc';
import { consoleText, resetPlatform, servicedInterrupts, setVcpuRunner } from '../fake/platform';
import { Program, PartitionConfig } from '../../lpar/config';
import { CrashReason, LparState, Partition, createPartition, partitions, startPartition } from '../../lpar/partition';
import { Exit } from '../../arch/ppc64/exit';
import { runAll, runSlice, sliceTicks } from '../../hv/scheduler';
import { HvInterrupt, fastHcall, handleExit, hvInterrupts } from '../../hv/exits';

/** Make partition slot `i` a running partition with `share` percent. */
function make(i: number, name: string, share: number, limitMs = 0): Partition {
  const p = partitions[i];
  p.state = LparState.Empty;
  const cfg = new PartitionConfig(i);
  cfg.name = name;
  cfg.program = Program.Hello;
  cfg.memoryMiB = 2;
  cfg.cpuShare = share;
  cfg.timeLimitMs = limitMs;
  createPartition(p, cfg, BigInt(0x4000000 + i * 0x200000), 512000n, 0);
  startPartition(p, 0n, 0n, 0n);
  return p;
}

/** A runner for a partition that computes without hcalls: it uses its whole slice. */
function spin(_p: Partition, ticks: u64): number {
  host.timebase += ticks;
  return Exit.Hdec;
}

beforeEach(() => {
  host.reset();
  resetPlatform();
  for (const p of partitions) p.state = LparState.Empty;
});

describe('scheduler', () => {
  it('sliceTicks: share percent of a 10 ms round of the 512 MHz timebase', () => {
    expect(sliceTicks(make(0, 'a', 50))).to.equal(2560000n);
    expect(sliceTicks(make(1, 'b', 1))).to.equal(51200n);
  });

  it('runSlice: two partitions that never yield get CPU time in the ratio of their shares', () => {
    const a = make(0, 'a', 60), b = make(1, 'b', 20);
    setVcpuRunner(spin);
    for (let round = 0; round < 50; round++) {
      runSlice(a, sliceTicks(a));
      runSlice(b, sliceTicks(b));
    }
    expect(a.runTicks).to.equal(3n * b.runTicks);
    expect(a.exits).to.equal(50);
  });

  it('runSlice: H_CEDE ends the slice at once; hcalls inside a slice keep running it', () => {
    const p = make(0, 'p', 50);
    let calls = 0;
    setVcpuRunner(q => {
      host.timebase += 1000n;
      calls++;
      q.vcpu.gpr[3] = calls < 5 ? 0x54n : 0xe0n;   // four H_GET_TERM_CHAR, then H_CEDE
      q.vcpu.gpr[4] = 0n;
      return Exit.Hcall;
    });
    runSlice(p, sliceTicks(p));
    expect(calls).to.equal(5);
    expect(p.vcpu.ceded).to.equal(true);
    expect(p.hcalls).to.equal(5);
  });

  it('runAll: a runaway partition is stopped at its time limit; the other finishes first', () => {
    const runaway = make(0, 'runaway', 50, 20);
    const worker = make(1, 'worker', 50);
    let workerCalls = 0;
    setVcpuRunner((p, ticks) => {
      if (p === runaway) return spin(p, ticks);
      host.timebase += 100000n;
      workerCalls++;
      p.vcpu.gpr[3] = workerCalls < 30 ? 0xe4n : 0x6f00n;   // confer 29 times, then halt
      p.vcpu.gpr[4] = workerCalls < 30 ? 0xffffffffffffffffn : 0n;
      return Exit.Hcall;
    });
    runAll();
    expect(worker.state).to.equal(LparState.Halted);
    expect(runaway.state).to.equal(LparState.Crashed);
    expect(runaway.crash).to.equal(CrashReason.TimeLimit);
    expect(consoleText()).to.contain("[hv] partition 'runaway' stopped: CPU time limit reached");
    expect(runaway.runTicks >= 20n * 512000n).to.equal(true);
  });
});

describe('exit handling', () => {
  it('handleExit: an emulation-assist exit gives the vCPU a program interrupt (SRR1 illegal instruction)', () => {
    const p = make(0, 'bad', 10);
    p.vcpu.nip = 0x1234n;
    p.vcpu.msr = 0x8000000000009033n;   // SF, EE, ME, IR, DR, RI, LE
    handleExit(p, Exit.Hemu);
    expect(p.state).to.equal(LparState.Running);
    expect(p.vcpu.nip).to.equal(0x700n);
    expect(p.vcpu.srr0).to.equal(0x1234n);
    expect(p.vcpu.srr1).to.equal(0x8000000000009033n | 0x80000n);
    expect(p.vcpu.msr).to.equal(0x8000000000001000n);   // 64-bit, machine checks on, nothing else
    expect(consoleText()).to.equal('');
  });

  it('handleExit: with AIL 3 and translation on, the program interrupt is taken relocated, in the interrupt byte order', () => {
    const p = make(0, 'rel', 10);
    p.vcpu.ail = 3;
    p.vcpu.littleEndian = true;
    p.vcpu.nip = 0xc000000000101234n;
    p.vcpu.msr = 0x8000000000000031n;   // SF, IR, DR, LE
    handleExit(p, Exit.Hemu);
    expect(p.vcpu.nip).to.equal(0xc000000000004700n);
    expect(p.vcpu.msr).to.equal(0x8000000000001031n);
  });

  it('handleExit: an illegal instruction at the program vector itself (no handler) stops the partition', () => {
    const p = make(0, 'bad', 10);
    p.vcpu.nip = 0x700n;
    handleExit(p, Exit.Hemu);
    expect(p.state).to.equal(LparState.Crashed);
    expect(consoleText()).to.equal("[hv] partition 'bad' crashed: illegal instruction at nip 0x0000000000000700 (vector 0xe40)\n");
  });

  it('handleExit: a storage exit reports the faulting address; an unknown vector is reported as such', () => {
    const p = make(0, 'ts', 10);
    p.vcpu.hdar = 0x40000000n;
    handleExit(p, Exit.Hdsi);
    expect(consoleText()).to.contain("'ts' crashed: access outside its memory to 0x0000000040000000");
    const q = make(1, 'odd', 10);
    handleExit(q, 0x1500);
    expect(consoleText()).to.contain("'odd' crashed: unexpected exit at nip 0x0000000000000000 (vector 0x1500)");
    const r = make(2, 'refused', 10);
    handleExit(r, -4);
    expect(consoleText()).to.contain("'refused' crashed: unexpected exit at nip 0x0000000000000000 (vector entry refused, status -4)");
  });

  it('handleExit: HDEC and external interrupts resume the partition', () => {
    const p = make(0, 'ok', 10);
    handleExit(p, Exit.Hdec);
    handleExit(p, 0x500);
    expect(p.state).to.equal(LparState.Running);
    expect(p.exits).to.equal(2);
  });

  it('handleExit: the hypervisor\'s own interrupts are serviced at the platform, logged, and the partition resumes', () => {
    const p = make(0, 'ok', 10);
    for (const vector of [Exit.External, Exit.HvVirtualization, Exit.Hmi, Exit.HvDoorbell]) handleExit(p, vector);
    expect(servicedInterrupts).to.deep.equal([0x500, 0xea0, 0xe60, 0xe80]);
    expect(p.state).to.equal(LparState.Running);
    expect(consoleText()).to.contain('[hv] interrupt 0xe60 for the hypervisor serviced (source reported 0x0000000000000000); the partition resumes');
    expect(hvInterrupts[HvInterrupt.External]).to.be.at.least(2);
  });

  it('handleExit: a hypervisor facility unavailable exit is a program interrupt; at the vector, it stops the partition', () => {
    const p = make(0, 'fac', 10);
    p.vcpu.nip = 0x2000n;
    handleExit(p, Exit.HvFacility);
    expect(p.state).to.equal(LparState.Running);
    expect(p.vcpu.nip).to.equal(0x700n);
    handleExit(p, Exit.HvFacility);
    expect(p.state).to.equal(LparState.Crashed);
    expect(p.crash).to.equal(CrashReason.FacilityUnavailable);
    expect(consoleText()).to.contain("'fac' crashed: used a facility partitions are not given");
  });

  it('handleExit: an hcall the fast path handled is neither counted nor dispatched again', () => {
    const p = make(0, 'fast', 10);
    p.vcpu.gpr[3] = 0x6f00n;   // H_TSHYPE_HALT: dispatching it again would halt the partition
    handleExit(p, Exit.HcallHandled);
    expect(p.exits).to.equal(0);
    expect(p.hcalls).to.equal(0);
    expect(p.state).to.equal(LparState.Running);
  });

  it('fastHcall: dispatches, and lets the vCPU go on unless the hcall ended its turn', () => {
    const p = make(0, 'fast', 10);
    p.vcpu.gpr[3] = 0x54n;   // H_GET_TERM_CHAR
    p.vcpu.gpr[4] = 0n;
    expect(fastHcall(p)).to.equal(true);
    expect(p.vcpu.gpr[3]).to.equal(0n);
    p.vcpu.gpr[3] = 0xe0n;   // H_CEDE
    expect(fastHcall(p)).to.equal(false);
    p.vcpu.ceded = false;
    p.vcpu.gpr[3] = 0x6f00n;
    expect(fastHcall(p)).to.equal(false);
    expect(p.state).to.equal(LparState.Halted);
    expect([p.exits, p.hcalls]).to.deep.equal([3, 3]);
  });
});
