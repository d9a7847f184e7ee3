/**
 * The scheduler: PowerVM's micro-partition model on one processor, in rounds of ROUND_MS of
 * timebase (PowerVM's dispatch window). A partition's entitlement is `share` percent of the
 * processor (share / 100 processing units): in every round it may run for sliceTicks() of it,
 * each slice ended by the HDEC even if the partition never makes an hcall. H_CEDE and H_CONFER end
 * a slice early; the partition is dispatched again in the same round, until its entitlement is
 * used, whenever it has work (a vCPU that ceded has once an interrupt, its decrementer or an
 * H_PROD wakes it). A partition whose slice ended with a yield (H_CONFER, or a LAN send its cap
 * held back) is polling: in the rest of the round it runs again only when no partition that is
 * not polling wants the processor (one out of entitlement waits for the next round, an uncapped
 * one for its idle time), so that an H_CONFER gives every other partition a turn first and the
 * time the caller does not use goes to the uncapped partitions (PowerVM's conferred cycles). What the round has left once no partition with entitlement
 * left can run is idle time:
 *
 *   capped     (the default) a capped partition never runs more than its entitlement in a round,
 *              even when the processor would otherwise idle;
 *   uncapped   an uncapped partition with a weight above 0 also gets idle time: each pass over
 *              the idle time hands out up to SPARE_PASS_MS of it among the uncapped partitions
 *              that can run, in proportion to their weights (0..255), then looks at the entitled
 *              partitions again (one may have woken up);
 *   idle       when nobody can use the time, the hypervisor waits for the round's end (polling
 *              the console) or for a partition with entitlement left to get work.
 *
 * So the same configuration gives the same shares, whatever the partitions run: a partition that
 * loops forever gets its entitlement and, capped, no more. A slice that ran past its end (the
 * HDEC arrives late on a loaded QEMU host: 2-3 ms measured) is paid back in the next round
 * (carriedOver), so the shares hold over many rounds. Time is charged as the wall time of
 * the partition's entries (Partition.runTicks, the accounting the summary and H_TSHYPE_STATS
 * report; the hcalls handled on the fast path included), not the hypervisor's work between
 * entries: a round lasts at least ROUND_MS, longer when the entitlements and that work need more.
 *
 * Before every entry the vCPU is given the external interrupt its XICS presents if it has MSR[EE]
 * set; if it has not, the entry is kept short (PENDING_RECHECK_US) so that the interrupt is
 * delivered soon after the guest enables it (QEMU 7.2 ignores LPCR[MER], ref/LINUX-GUEST.md
 * A.9). The VPA's dispatch counter is even while the vCPU runs its slice and odd while it does
 * not.
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

/** Length of a scheduling round (PowerVM's dispatch window is 10 ms too). */
export const ROUND_MS = 10n;
/** Shortest entry the scheduler makes: less entitlement than this left in a round is not given. */
const MIN_PIECE_US = 20n;
/**
 * Most time past its entitlement a partition pays back in later rounds, in rounds (carriedOver):
 * a second, so that even the long stalls of a loaded QEMU host (charged to whoever was running)
 * are paid back and the accounted shares hold.
 */
const CARRY_ROUNDS = 100n;
/** A round ends at the latest this many rounds' time after its start, entitlements served or not (a safeguard). */
const ROUND_LIMIT = 10n;
/** Idle time handed out to the uncapped partitions in one pass (hv/scheduler.ts header). */
const SPARE_PASS_MS = 2n;
/** Longest entry while an interrupt waits for the vCPU to enable external interrupts. */
const PENDING_RECHECK_US = 50n;
/** Offset of the VPA's dispatch counter (a be32; PAPR, Linux struct lppaca yield_count). */
const VPA_DISPATCH_COUNT = 0x100n;

/** External interrupts given to partitions (synthesised at their vector 0x500). */
export let externalInterrupts = 0;

/** Timebase ticks of a round. */
export function roundTicks(): u64 {
  return BigInt.asUintN(64, timebaseHz * ROUND_MS) / 1000n;
}

/** Timebase ticks of `p`'s entitlement per round (its slice). */
export function sliceTicks(p: Partition): u64 {
  return BigInt.asUintN(64, roundTicks() * BigInt(p.share)) / 100n;
}

/**
 * What `p` carries into the next round: the time it ran past its entitlement in this one (a slice
 * ends at the HDEC, which the machine may deliver late), at most CARRY_ROUNDS rounds' worth, so
 * that over many rounds it gets its entitlement and no more (and one very late HDEC does not
 * keep it off the processor for more than a second). Idle time an uncapped partition was given is not
 * charged to its entitlement.
 */
export function carriedOver(p: Partition): u64 {
  const slice = sliceTicks(p);
  if (p.roundUsed <= slice) return 0n;
  const over: u64 = BigInt.asUintN(64, p.roundUsed - slice);
  const most: u64 = BigInt.asUintN(64, roundTicks() * CARRY_ROUNDS);
  return over > most ? most : over;
}

/** Ticks of `p`'s entitlement not yet used in this round. */
export function entitlementLeft(p: Partition): u64 {
  const slice = sliceTicks(p);
  return p.roundUsed >= slice ? 0n : BigInt.asUintN(64, slice - p.roundUsed);
}

/**
 * The piece of `pass` ticks of idle time an uncapped partition of weight `weight` gets when the
 * uncapped partitions that can run have weights summing to `totalWeight`: pass * weight /
 * totalWeight, but at least `min` (an entry shorter than that is not worth making); 0 for weight 0.
 */
export function spareTicks(pass: u64, weight: number, totalWeight: number, min: u64): u64 {
  if (weight <= 0 || totalWeight <= 0) return 0n;
  const piece: u64 = BigInt.asUintN(64, pass * BigInt(weight)) / BigInt(totalWeight);
  return piece < min ? min : piece;
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

/** True when some started vCPU of running partition `p` can run now (it has not ceded, or has work). */
export function wantsToRun(p: Partition): boolean {
  if (!p.runnable()) return false;
  for (let i = 0; i < p.vcpuCount; i++) {
    const v = p.vcpus[i];
    if (v.started && (!v.ceded || hasWork(p, v))) return true;
  }
  return false;
}

/**
 * Run `p` for up to `ticks` of its entitlement and charge its run time in the slice (what
 * Partition.runTicks counts) to its round: the hypervisor's own work between entries, and the
 * time its host takes the processor away from it (QEMU under load), are charged to nobody.
 */
function runCharged(p: Partition, ticks: u64): void {
  const before = p.runTicks;
  runSlice(p, ticks);
  p.roundUsed = BigInt.asUintN(64, p.roundUsed + BigInt.asUintN(64, p.runTicks - before));
}

/**
 * Per partition slot: its last slice in this round ended with a yield (H_CONFER, a send held back
 * by its cap): it is polling, and gives the rest of its entitlement to whoever can use it.
 */
const yieldedLast = new Uint8Array(partitions.length);

/**
 * Run every partition that can run and has at least `min` ticks of entitlement left, in order;
 * those whose last slice ended with a yield only when `polling`. True if one ran.
 */
function serveEntitlements(min: u64, polling: boolean): boolean {
  let ran = false;
  for (let i = 0; i < partitions.length; i++) {
    const p = partitions[i];
    const left = entitlementLeft(p);
    if (left >= min && (polling || yieldedLast[i] === 0) && wantsToRun(p)) {
      runCharged(p, left);
      yieldedLast[i] = p.current.yielded ? 1 : 0;
      ran = true;
    }
  }
  return ran;
}

/**
 * True when a partition that is not polling wants to run (it can only be waiting for its next
 * round's entitlement, or for the next pass of idle time): a polling partition waits too, so that
 * an H_CONFER gives every other partition a turn before the caller's next one.
 */
function othersWaiting(): boolean {
  for (let i = 0; i < partitions.length; i++) if (yieldedLast[i] === 0 && wantsToRun(partitions[i])) return true;
  return false;
}

/** True when `p` takes part in sharing idle time now: uncapped, weight above 0, able to run. */
function takesSpare(p: Partition): boolean {
  return !p.capped && p.weight > 0 && wantsToRun(p);
}

/**
 * One pass over the idle time: up to SPARE_PASS_MS of the `left` ticks of the round shared among
 * the uncapped partitions that can run, by weight (spareTicks). True if one ran.
 */
function shareSpare(roundEnd: u64, min: u64): boolean {
  let total = 0;
  for (let i = 0; i < partitions.length; i++) if (takesSpare(partitions[i])) total += partitions[i].weight;
  if (total === 0) return false;
  const left: u64 = BigInt.asUintN(64, roundEnd - mftb());
  const passMax: u64 = BigInt.asUintN(64, timebaseHz * SPARE_PASS_MS) / 1000n;
  const pass: u64 = left < passMax ? left : passMax;
  let ran = false;
  for (let i = 0; i < partitions.length; i++) {
    const p = partitions[i];
    if (!takesSpare(p)) continue;
    const now = mftb();
    if (BigInt.asIntN(64, BigInt.asUintN(64, roundEnd - now)) < BigInt.asIntN(64, min)) break;
    let piece = spareTicks(pass, p.weight, total, min);
    const remaining: u64 = BigInt.asUintN(64, roundEnd - now);
    if (piece > remaining) piece = remaining;
    runSlice(p, piece);   // idle time: not charged to the entitlement
    yieldedLast[i] = p.current.yielded ? 1 : 0;
    ran = true;
  }
  return ran;
}

/** Shortest entry, in timebase ticks (MIN_PIECE_US). */
function minPiece(): u64 {
  return BigInt.asUintN(64, timebaseHz * MIN_PIECE_US) / 1000000n;
}

/**
 * One round (hv/scheduler.ts header): entitlements first, then idle time to the uncapped
 * partitions, else wait; ends after roundTicks() or when no partition but the services can run.
 */
export function runRound(): void {
  const start = mftb();
  const end: u64 = BigInt.asUintN(64, start + roundTicks());
  const hardEnd: u64 = BigInt.asUintN(64, start + roundTicks() * ROUND_LIMIT);
  const min = minPiece();
  for (let i = 0; i < partitions.length; i++) partitions[i].roundUsed = carriedOver(partitions[i]);
  yieldedLast.fill(0);
  for (;;) {
    if (!anyRunnable() || reached(hardEnd)) return;   // (a safeguard: never reached while partitions make progress)
    if (serveEntitlements(min, false)) continue;   // every entitlement is served, even past the round's end
    if (reached(end)) return;
    const spared = shareSpare(end, min);
    const polled = !othersWaiting() && serveEntitlements(min, true);   // those polling, when nobody else wants the processor
    if (spared || polled) continue;
    pollConsoleInput();   // idle: nobody can use the time now (at most once a millisecond)
  }
}

/** True once the timebase has reached `t`. */
function reached(t: u64): boolean {
  return BigInt.asIntN(64, BigInt.asUintN(64, mftb() - t)) >= 0n;
}

/** Run rounds until every partition but the services has halted or crashed. Returns the number of rounds. */
export function runAll(): number {
  let rounds = 0;
  while (anyRunnable()) {
    rounds++;
    pollConsoleInput();   // once a round (10 ms at most; at most once a millisecond when idle)
    fuzzCheckPeriodic();   // the fuzzing run's invariants, once a round (nothing without a fuzzer)
    enforceStops();   // management stops whose deadline passed
    runRound();
  }
  return rounds;
}
