/**
 * The partition's own lifecycle: H_TSHYPE_HALT (tshype's private call, "hcall-tshype") stops
 * the calling partition with the status in r4; the hypervisor reports it and carries on.
 */
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
