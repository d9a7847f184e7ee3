/**
 * The scheduler: rounds of time slices driven by the hypervisor decrementer. In every round
 * (ROUND_MS of timebase) each runnable partition gets `share` percent of the round, in one
 * slice that the HDEC ends even if the partition never makes an hcall; H_CEDE and H_CONFER end a
 * slice early. So a partition that loops forever gets its share and no more.
 */
import { mftb, type u64 } from 'tsnc';
import { runVcpu } from '@platform';
import { Partition, partitions } from '../lpar/partition';
import { enforceTimeLimit, handleExit } from './exits';
import { releasePartition } from '../shype/security';
import { timebaseHz } from '../lpar/time';

/** Length of a scheduling round. */
const ROUND_MS = 10n;

/** Timebase ticks of `p`'s slice per round. */
export function sliceTicks(p: Partition): u64 {
  const round: u64 = BigInt.asUintN(64, timebaseHz * ROUND_MS) / 1000n;
  return BigInt.asUintN(64, round * BigInt(p.share)) / 100n;
}

/** Run one slice of partition `p`: enter it until the slice is used up or it stops or yields. */
export function runSlice(p: Partition, slice: u64): void {
  const start = mftb();
  const v = p.vcpu;
  v.ceded = false;
  v.yielded = false;
  while (p.runnable() && !v.ceded && !v.yielded) {
    const used: u64 = BigInt.asUintN(64, mftb() - start);
    if (used >= slice) break;
    const t0 = mftb();
    const vector = runVcpu(p, BigInt.asUintN(64, slice - used));
    p.runTicks = BigInt.asUintN(64, p.runTicks + BigInt.asUintN(64, mftb() - t0));
    handleExit(p, vector);
    if (enforceTimeLimit(p)) break;
  }
  if (!p.runnable()) releasePartition(p);   // halted or crashed in this slice: its types stop running
}

/** True while some partition can run. */
export function anyRunnable(): boolean {
  for (let i = 0; i < partitions.length; i++) if (partitions[i].runnable()) return true;
  return false;
}

/** Run rounds until every partition has halted or crashed. Returns the number of rounds. */
export function runAll(): number {
  let rounds = 0;
  while (anyRunnable()) {
    rounds++;
    for (let i = 0; i < partitions.length; i++) {
      const p = partitions[i];
      if (p.runnable()) runSlice(p, sliceTicks(p));
    }
  }
  return rounds;
}
