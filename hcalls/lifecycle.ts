/**
 * The partition's own lifecycle, tshype's private calls ("hcall-tshype"): H_TSHYPE_HALT stops
 * the calling partition with the status in r4; the hypervisor reports it and carries on.
 * H_TSHYPE_REPORT takes a test partition's isolation results for the shutdown summary.
 */
import type { u64 } from 'tsnc';
import { consoleFinish } from '../lpar/console';
import { Partition, haltPartition } from '../lpar/partition';
import type { Vcpu } from '../lpar/vcpu';
import { H } from './status';

/**
 * H_TSHYPE_HALT(status r4): never returns to the partition.
 * @noinline out of line, so that the hot dispatch path does not pay for its registers
 */
export function hHalt(p: Partition, v: Vcpu): number {
  consoleFinish(p);
  haltPartition(p, v.gpr[4]);
  return H.SUCCESS;
}

/** Largest count one H_TSHYPE_REPORT may carry. */
const REPORT_MAX: u64 = 0xffffffffn;
/** Largest total a partition may accumulate (keeps the sums exact integers). */
const TOTAL_MAX = 0x1000000000000;

/**
 * H_TSHYPE_REPORT(checks r4, leaks r5): a test partition's isolation results (registers
 * compared, leaks found), added to its totals for the shutdown summary (hv/boot.ts), which
 * fails the run when any partition reported a leak. H_PARAMETER, counting nothing, when a
 * count is above 2^32 - 1 or a total would pass 2^48.
 */
export function hReport(p: Partition, v: Vcpu): number {
  const checks = v.gpr[4], leaks = v.gpr[5];
  if (checks > REPORT_MAX || leaks > REPORT_MAX) return H.PARAMETER;
  if (p.reportedChecks + Number(checks) > TOTAL_MAX || p.reportedLeaks + Number(leaks) > TOTAL_MAX) return H.PARAMETER;
  p.reportedChecks += Number(checks);
  p.reportedLeaks += Number(leaks);
  p.reported = true;
  return H.SUCCESS;
}
