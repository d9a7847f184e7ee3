/**
 * The scheduler and exit handling with a fake vCPU runner and a simulated timebase: shares are
 * honoured exactly, a partition that never makes an hcall cannot starve the others, cede and
 * confer end a slice early, faults stop the partition with a report, the time limit applies.
 */
import { expect } from 'chai';
import { setEntitlement } from '../../lpar/accounting';
import { host } from 'tsnc/host';
import type { u64 } from 'tsnc';
import { consoleText, resetPlatform, servicedInterrupts, setVcpuRunner } from '../fake/platform';
import { Program, PartitionConfig } from '../../lpar/config';
import { CrashReason, LparState, Partition, createPartition, partitions, startPartition } from '../../lpar/partition';
import { Exit } from '../../arch/ppc64/exit';
import {
  entitlementLeft, roundTicks, runAll, runRound, runSlice, sliceTicks, spareTicks,
} from '../../hv/scheduler';
import { HvInterrupt, fastHcall, handleExit, hvInterrupts } from '../../hv/exits';

/** Make partition slot `i` a running partition with `share` percent (capped unless `capped` is false). */
function make(i: number, name: string, share: number, limitMs = 0, capped = true, weight = 128): Partition {
  const p = partitions[i];
  p.state = LparState.Empty;
  const cfg = new PartitionConfig(i);
  cfg.name = name;
  cfg.program = Program.Hello;
  cfg.memoryMiB = 2;
  cfg.cpuShare = share;
  cfg.timeLimitMs = limitMs;
  cfg.capped = capped;
  cfg.weight = weight;
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
    host.tbStep = 100n;   // the idle part of a round passes (the timebase moves as on a machine)
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

/** Run `n` rounds (the timebase moving 50 ticks a read, so that idle time passes); returns the ticks they took. */
function rounds(n: number): bigint {
  host.tbStep = 50n;
  const t0 = host.timebase;
  for (let i = 0; i < n; i++) runRound();
  return host.timebase - t0;
}

/** A partition that halts at once when it first runs (its slot stays in the round, idle). */
function halter(p: Partition): number {
  p.vcpu.gpr[3] = 0x6f00n;
  p.vcpu.gpr[4] = 0n;
  return Exit.Hcall;
}

describe('entitlements (capped, uncapped, weights)', () => {
  const ROUND = 5120000n;   // 10 ms of the 512 MHz timebase
  /**
   * `actual` is `expected` less at most 0.1%: the hypervisor's own timebase reads in a slice (50
   * ticks each here) are charged to the partition's entitlement but are not its run time.
   */
  const near = (actual: bigint, expected: bigint, what = ''): void => {
    expect(Number(actual), what).to.be.within(Number(expected) * 0.999, Number(expected));
  };

  it('roundTicks, entitlementLeft: a round is 10 ms; what a partition used of its slice is subtracted', () => {
    const p = make(0, 'a', 30);
    expect(roundTicks()).to.equal(ROUND);
    expect(entitlementLeft(p)).to.equal(1536000n);
    p.roundUsed = 1000000n;
    expect(entitlementLeft(p)).to.equal(536000n);
    p.roundUsed = 2000000n;
    expect(entitlementLeft(p)).to.equal(0n);
  });

  it('spareTicks: idle time is split by weight, with a floor; weight 0 gets none', () => {
    expect(spareTicks(1024000n, 128, 192, 1000n)).to.equal(682666n);
    expect(spareTicks(1024000n, 64, 192, 1000n)).to.equal(341333n);
    expect(spareTicks(1024000n, 255, 255, 1000n)).to.equal(1024000n);
    expect(spareTicks(1024000n, 1, 256, 10240n)).to.equal(10240n);   // 4000 ticks: raised to the floor
    expect(spareTicks(1024000n, 0, 128, 1000n)).to.equal(0n);
  });

  it('three capped partitions at 20/30/50% that never yield get exactly their entitlements, round after round', () => {
    const a = make(0, 'a', 20), b = make(1, 'b', 30), c = make(2, 'c', 50);
    setVcpuRunner(spin);
    const elapsed = rounds(100);
    near(a.runTicks, 100n * ROUND / 5n, 'a');
    near(b.runTicks, 100n * ROUND * 3n / 10n, 'b');
    near(c.runTicks, 100n * ROUND / 2n, 'c');
    expect(Number(elapsed) / Number(100n * ROUND)).to.be.within(1, 1.01);
  });

  it('slices the HDEC ends late are paid back in the next rounds: the shares still hold', () => {
    const a = make(0, 'a', 20), b = make(1, 'b', 30), c = make(2, 'c', 50);
    setVcpuRunner((p, ticks) => spin(p, ticks + 1536000n));   // every slice 3 ms too long
    rounds(300);
    const total = Number(a.runTicks + b.runTicks + c.runTicks);
    const shares = [a, b, c].map(p => (100 * Number(p.runTicks)) / total);
    expect(shares[0], `${shares}`).to.be.within(19.5, 20.5);
    expect(shares[1], `${shares}`).to.be.within(29.5, 30.5);
    expect(shares[2], `${shares}`).to.be.within(49.5, 50.5);
  });

  it('a capped partition next to idle ones gets its entitlement and no more: the rest of the round is idle', () => {
    const a = make(0, 'capped', 20);
    const idle = make(1, 'idle', 50);
    setVcpuRunner((p, ticks) => (p === idle ? halter(p) : spin(p, ticks)));
    const elapsed = rounds(50);
    expect(idle.state).to.equal(LparState.Halted);
    near(a.runTicks, 50n * ROUND / 5n);
    expect(Number(elapsed), 'the rounds still took their 10 ms').to.be.at.least(Number(50n * ROUND));
  });

  it('an uncapped partition gets its entitlement plus the idle time; a capped one beside it does not', () => {
    const capped = make(0, 'capped', 10);
    const uncapped = make(1, 'uncapped', 10, 0, false);
    const idle = make(2, 'idle', 60);
    setVcpuRunner((p, ticks) => (p === idle ? halter(p) : spin(p, ticks)));
    const elapsed = rounds(50);
    near(capped.runTicks, 50n * ROUND / 10n);
    const share = Number(uncapped.runTicks) / Number(elapsed);
    expect(share, `uncapped share ${share}`).to.be.within(0.88, 0.9);
  });

  it('the idle time is shared among uncapped partitions in proportion to their weights; weight 0 is capped', () => {
    const heavy = make(0, 'heavy', 10, 0, false, 200);
    const light = make(1, 'light', 10, 0, false, 50);
    const zero = make(2, 'zero', 10, 0, false, 0);
    setVcpuRunner(spin);
    const elapsed = rounds(50);
    near(zero.runTicks, 50n * ROUND / 10n);
    const extraHeavy = Number(heavy.runTicks - 50n * ROUND / 10n), extraLight = Number(light.runTicks - 50n * ROUND / 10n);
    expect(extraHeavy / extraLight, `${extraHeavy} : ${extraLight}`).to.be.within(3.9, 4.1);
    expect((extraHeavy + extraLight) / Number(elapsed)).to.be.within(0.69, 0.7);
  });

  it('a ceded partition with entitlement left runs again in the same round once it has work', () => {
    const p = make(0, 'p', 40);
    let entries = 0;
    setVcpuRunner((q, ticks) => {
      entries++;
      if (entries === 1) {   // cede at once, the decrementer expiring 1 ms later
        q.vcpu.dec = 512000n;
        q.vcpu.decTimebase = host.timebase;
        q.vcpu.gpr[3] = 0xe0n;
        return Exit.Hcall;
      }
      return spin(q, ticks);
    });
    rounds(1);
    expect(entries).to.equal(2);
    const slice = Number(sliceTicks(p));   // less the few ticks the hypervisor's own reads took
    expect(Number(p.runTicks)).to.be.within(slice - 1000, slice);
    expect(Number(p.runTicks), 'woke after its 1 ms decrementer, not at the next round').to.be.above(slice / 2);
  });

  it('a polling partition (H_CONFER) gives its entitlement to an uncapped one, and is still dispatched every round', () => {
    make(0, 'poller', 50);
    const uncapped = make(1, 'uncapped', 10, 0, false);
    let polls = 0;
    setVcpuRunner((p, ticks) => {
      if (p === uncapped) return spin(p, ticks);
      polls++;
      host.timebase += 20000n;   // a short look at its queue, then H_CONFER
      p.vcpu.gpr[3] = 0xe4n;
      p.vcpu.gpr[4] = 0xffffffffffffffffn;
      return Exit.Hcall;
    });
    const elapsed = rounds(20);
    const share = Number(uncapped.runTicks) / Number(elapsed);
    expect(share, `uncapped share ${share}`).to.be.above(0.8);
    expect(polls, 'polled once a round (the uncapped partition always wants the processor)').to.equal(20);
  });

  it('without an uncapped partition, pollers are dispatched in turn until their entitlements are used', () => {
    const a = make(0, 'a', 30), b = make(1, 'b', 30);
    const order: string[] = [];
    setVcpuRunner(p => {
      order.push(p.name);
      host.timebase += 51200n;   // 0.1 ms, then H_CONFER
      p.vcpu.gpr[3] = 0xe4n;
      p.vcpu.gpr[4] = 0xffffffffffffffffn;
      return Exit.Hcall;
    });
    rounds(1);
    expect(order.slice(0, 6)).to.deep.equal(['a', 'b', 'a', 'b', 'a', 'b']);
    for (const p of [a, b]) {   // its 3 ms, give or take the last 0.1 ms look (the fake ignores the HDEC)
      expect(Number(p.runTicks), `${p.name} used its entitlement polling`).to.be.within(Number(sliceTicks(p)) - 51200, Number(sliceTicks(p)) + 51200);
    }
  });

  it('H_CONFER gives every other partition a turn first, even one that must wait for its next round', () => {
    const slow = make(0, 'slow', 30), poller = make(1, 'poller', 30);
    const order: string[] = [];
    setVcpuRunner((p, ticks) => {
      order.push(p.name);
      if (p === slow) return spin(p, ticks);   // a long job: its whole entitlement, every round
      host.timebase += 51200n;
      p.vcpu.gpr[3] = 0xe4n;
      p.vcpu.gpr[4] = 0xffffffffffffffffn;
      return Exit.Hcall;
    });
    rounds(5);
    expect(order.join(' ')).to.equal(Array(5).fill('slow poller').join(' '));
    expect(Number(slow.runTicks)).to.be.within(5 * 1536000 * 0.999, 5 * 1536000);
    expect(poller.state).to.equal(LparState.Running);
  });

  it('setEntitlement: changes share, mode and weight; a refusal changes nothing', () => {
    const a = make(0, 'a', 40), b = make(1, 'b', 40);
    const before = () => [a.share, a.capped, a.weight, b.share, b.capped, b.weight];
    const was = before();
    expect(setEntitlement(a, 61, false, 100), 'over 100 in total').to.equal(false);
    expect(setEntitlement(a, 0, true, 128)).to.equal(false);
    expect(setEntitlement(a, 101, true, 128)).to.equal(false);
    expect(setEntitlement(a, 10.5, true, 128)).to.equal(false);
    expect(setEntitlement(a, 10, false, 256)).to.equal(false);
    expect(setEntitlement(a, 10, false, -1)).to.equal(false);
    expect(setEntitlement(partitions[5], 10, true, 128), 'an empty slot').to.equal(false);
    expect(before()).to.deep.equal(was);
    expect(setEntitlement(a, 60, false, 200)).to.equal(true);
    expect([a.share, a.capped, a.weight]).to.deep.equal([60, false, 200]);
    expect(sliceTicks(a)).to.equal(ROUND * 6n / 10n);
    b.state = LparState.Halted;   // a halted partition keeps its entitlement until its slot is emptied
    expect(setEntitlement(a, 61, true, 128)).to.equal(false);
    b.state = LparState.Empty;
    expect(setEntitlement(a, 100, true, 128)).to.equal(true);
  });

  it('the VPA dispatch counter stays even while running and odd between slices across a round', () => {
    const p = make(0, 'vpa', 30);
    p.vcpu.vpa = 0x10000n;
    const VPA = 0x4000000n + 0x10000n + 0x100n;
    const seen: number[] = [];
    let entries = 0;
    setVcpuRunner((q, ticks) => {
      seen.push(Number(host.read(VPA, 4)));
      if (++entries % 2 === 1) { q.current.yielded = true; host.timebase += 1000n; return Exit.Hdec; }
      return spin(q, ticks);
    });
    rounds(3);
    expect(seen.length).to.be.at.least(6);
    expect(seen.every(c => c % 2 === 0), `even while running: ${seen}`).to.equal(true);
    expect(Number(host.read(VPA, 4)) % 2).to.equal(1);
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
