/**
 * Shared-processor calls ("hcall-splpar"): H_CEDE, H_CONFER, H_PROD — enough for a guest's
 * idle loop and lock spinning. The scheduler (hv/scheduler.ts) acts on the flags they set.
 */
import type { Partition } from '../lpar/partition';
import type { Vcpu } from '../lpar/vcpu';
import { H } from './status';

/** H_CEDE: give up the processor until prodded or the next time slice. */
export function hCede(_p: Partition, v: Vcpu): number {
  v.ceded = true;
  return H.SUCCESS;
}

/** H_CONFER(procno r4, dispatch count r5): yield the rest of this time slice. */
export function hConfer(_p: Partition, v: Vcpu): number {
  const target = v.gpr[4];
  if (target !== 0xffffffffffffffffn && target >= 1n) return H.PARAMETER;   // -1: any; else a vCPU of ours
  v.yielded = true;
  return H.SUCCESS;
}

/** H_PROD(procno r4): wake a ceded vCPU of the same partition. */
export function hProd(p: Partition, v: Vcpu): number {
  if (v.gpr[4] !== 0n) return H.PARAMETER;   // one vCPU per partition for now: procno 0
  p.vcpu.ceded = false;
  return H.SUCCESS;
}
