/**
 * The scheduler: rounds of time slices driven by the hypervisor decrementer. In every round
 * (ROUND_MS of timebase) each runnable partition gets `share` percent of the round, in one
 * slice that the HDEC ends even if the partition never makes an hcall; H_CEDE and H_CONFER end a
 * slice early. So a partition that loops forever gets its share and no more.
 *
 * A vCPU that ceded (H_CEDE) is not run again until it has work: an interrupt its XICS
 * presents, its decrementer's expiry, or an H_PROD. Before every entry the vCPU is given the
 * external interrupt its XICS presents if it has MSR[EE] set; if it has not, the entry is
 * kept short (PENDING_RECHECK_US) so that the interrupt is delivered soon after the guest
 * enables it (QEMU 7.2 ignores LPCR[MER], ref/LINUX-GUEST.md A.9). The VPA's dispatch counter
 * is even while the vCPU runs its slice and odd while it does not.
 */
import { mftb, type u64 } from 'tsnc';
import { decExpiry, runVcpu } from '@platform';
import { MSR_EE } from '../arch/ppc64/bits';
import { GuestVector, injectInterrupt } from '../arch/ppc64/inject';
import { guestStore32 } from '../lpar/memory';
import { Partition, partitions } from '../lpar/partition';
import type { Vcpu } from '../lpar/vcpu';
import { enforceTimeLimit, handleExit } from './exits';
import { pollConsoleInput } from './focus';
import { restartPartition } from './launch';
import { resetVirtualIo } from './vio';
import { releasePartition } from '../shype/security';
import { releaseGrants } from '../lpar/grant';
import { timebaseHz } from '../lpar/time';
import { fuzzCheckPeriodic } from './fuzz-check';
import { enforceStops } from './manage';

/** Length of a scheduling round. */
const ROUND_MS = 10n;
/** Longest entry while an interrupt waits for the vCPU to enable external interrupts. */
const PENDING_RECHECK_US = 50n;
/** Offset of the VPA's dispatch counter (a be32; PAPR, Linux struct lppaca yield_count). */
const VPA_DISPATCH_COUNT = 0x100n;

/** External interrupts given to partitions (synthesised at their vector 0x500). */
export let externalInterrupts = 0;

/** Timebase ticks of `p`'s slice per round. */
export function sliceTicks(p: Partition): u64 {
  const round: u64 = BigInt.asUintN(64, timebaseHz * ROUND_MS) / 1000n;
  return BigInt.asUintN(64, round * BigInt(p.share)) / 100n;
}

/** True when ceded vCPU `v` of `p` has work: a prod, a presented interrupt, an expired decrementer. */
export function hasWork(p: Partition, v: Vcpu): boolean {
  if (v.prodded || p.xics.output(v.index)) return true;
  return BigInt.asIntN(64, BigInt.asUintN(64, mftb() - decExpiry(v))) >= 0n;
}

/** Count a dispatch (`running`) or undispatch of `v` in its VPA, if it registered one. */
function countDispatch(p: Partition, v: Vcpu, running: boolean): void {
  if (v.vpa === 0n) return;
  if (((v.dispatchCount & 1) === 0) === running) return;   // already even (running) or odd
  v.dispatchCount = (v.dispatchCount + 1) >>> 0;
  guestStore32(p, BigInt.asUintN(64, v.vpa + VPA_DISPATCH_COUNT), v.dispatchCount);
}

/**
 * Give `v` the external interrupt its XICS presents if it can take it now (MSR[EE] = 1).
 * Returns true when an interrupt is still waiting for the vCPU to enable it.
 */
function deliverExternal(p: Partition, v: Vcpu): boolean {
  if (!p.xics.output(v.index)) return false;
  if ((v.msr & MSR_EE) === 0n) return true;
  injectInterrupt(v, GuestVector.External, 0n);
  externalInterrupts++;
  return false;
}

/**
 * Run one slice of partition `p`: its started vCPUs in turn, each for an equal part of the
 * slice (or until it stops, yields or cedes).
 */
export function runSlice(p: Partition, slice: u64): void {
  let started = 0;
  for (let i = 0; i < p.vcpuCount; i++) if (p.vcpus[i].started) started++;
  if (started === 0) return;
  const part: u64 = slice / BigInt(started);
  for (let i = 0; i < p.vcpuCount && p.runnable(); i++) {
    const v = p.vcpus[i];
    if (v.started) runVcpuSlice(p, v, part);
  }
  if (!p.runnable()) {   // halted or crashed in this slice: its types stop running, its devices close, its sharing ends
    releasePartition(p);
    resetVirtualIo(p);
    releaseGrants(p);
  }
}

/** Run vCPU `v` of `p` for up to `slice` ticks (nothing when it ceded and has no work). */
function runVcpuSlice(p: Partition, v: Vcpu, slice: u64): void {
  const start = mftb();
  if (v.ceded) {
    if (!hasWork(p, v)) return;
    v.ceded = false;
    v.prodded = false;
  }
  v.yielded = false;
  p.current = v;
  countDispatch(p, v, true);
  const recheck: u64 = BigInt.asUintN(64, timebaseHz * PENDING_RECHECK_US) / 1000000n;
  while (p.runnable() && v.started && !v.ceded && !v.yielded) {
    const used: u64 = BigInt.asUintN(64, mftb() - start);
    if (used >= slice) break;
    let ticks: u64 = BigInt.asUintN(64, slice - used);
    if (deliverExternal(p, v) && ticks > recheck) ticks = recheck;
    const t0 = mftb();
    const vector = runVcpu(p, ticks);
    p.runTicks = BigInt.asUintN(64, p.runTicks + BigInt.asUintN(64, mftb() - t0));
    handleExit(p, vector);
    if (p.restartRequested) {
      restartPartition(p);
      break;
    }
    if (v.ceded && hasWork(p, v)) {   // a cede with work already waiting returns at once
      v.ceded = false;
      v.prodded = false;
    }
    if (enforceTimeLimit(p)) break;
  }
  countDispatch(p, v, false);
}

/** True while some partition other than a service (the vTPM) can run. */
export function anyRunnable(): boolean {
  for (let i = 0; i < partitions.length; i++) if (partitions[i].runnable() && !partitions[i].isService()) return true;
  return false;
}

/** Run rounds until every partition but the services has halted or crashed. Returns the number of rounds. */
export function runAll(): number {
  let rounds = 0;
  while (anyRunnable()) {
    rounds++;
    pollConsoleInput();   // once a round (10 ms at most; at most once a millisecond when idle)
    fuzzCheckPeriodic();   // the fuzzing run's invariants, once a round (nothing without a fuzzer)
    enforceStops();   // management stops whose deadline passed
    for (let i = 0; i < partitions.length; i++) {
      const p = partitions[i];
      if (p.runnable()) runSlice(p, sliceTicks(p));
    }
  }
  return rounds;
}
