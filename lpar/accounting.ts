/**
 * Per-partition accounting, as the shutdown summary, the operator's `stats` and H_TSHYPE_STATS
 * report it: CPU time and lifetime (Partition.runTicks, startedAt/stoppedAt), admitted hcalls by
 * class (Partition.classCalls, counted by the gate), memory (memSize), logical-LAN bytes (the
 * sum of the partition's ports' counters, lpar/lan.ts) and vTPM commands (the sum of its vTPM
 * client devices' counters, lpar/vio.ts). The sums are taken when asked, from the counters the
 * virtual switch and the CRQ calls keep; nothing here is counted twice.
 */
import { mftb, type u64 } from 'tsnc';
import { LparState, Partition, partitions } from './partition';
import { validWeight } from './validate';
import { lanPorts } from './lan';
import { VioKind, vdevices } from './vio';

/** True when virtual device `d` (a vdevices index) belongs to `p`. */
function owns(p: Partition, d: number): boolean {
  return d >= 0 && d < vdevices.length && vdevices[d].owner === p.lpid - 1;
}

/** Bytes `p`'s logical-LAN ports have sent. */
export function lanBytesSent(p: Partition): number {
  let n = 0;
  for (let i = 0; i < lanPorts.length; i++) if (lanPorts[i].segment >= 0 && owns(p, lanPorts[i].device)) n += lanPorts[i].bytesSent;
  return n;
}

/** Bytes `p`'s logical-LAN ports have received. */
export function lanBytesReceived(p: Partition): number {
  let n = 0;
  for (let i = 0; i < lanPorts.length; i++) if (lanPorts[i].segment >= 0 && owns(p, lanPorts[i].device)) n += lanPorts[i].bytesReceived;
  return n;
}

/** TPM commands `p` sent to its vTPM (over its vTPM client devices). */
export function tpmCommands(p: Partition): number {
  let n = 0;
  for (let i = 0; i < vdevices.length; i++) {
    const d = vdevices[i];
    if (d.kind === VioKind.VtpmClient && d.owner === p.lpid - 1) n += d.tpmCommands;
  }
  return n;
}

/** Timebase ticks from `p`'s start to its halt or crash, or to now while it runs (0 if never started). */
export function lifetimeTicks(p: Partition): u64 {
  if (p.startedAt === 0n) return 0n;
  const end: u64 = p.stoppedAt !== 0n ? p.stoppedAt : mftb();
  return BigInt.asUintN(64, end - p.startedAt);
}

/**
 * Change `p`'s entitlement (`share` percent of the processor, 1..100), mode and uncapped weight
 * (0..255), effective from its next slice. Check-then-act: false, and nothing changed, when a
 * value is out of range, the slot is empty, or the entitlements of all non-empty partitions
 * would then add up to more than one processor (100). For the management hcalls (hv/manage.ts).
 */
export function setEntitlement(p: Partition, share: number, capped: boolean, weight: number): boolean {
  if (p.state === LparState.Empty) return false;
  if (share < 1 || share > 100 || (share | 0) !== share || !validWeight(weight)) return false;
  let total = share;
  for (let i = 0; i < partitions.length; i++) {
    const q = partitions[i];
    if (q !== p && q.state !== LparState.Empty) total += q.share;
  }
  if (total > 100) return false;
  p.share = share;
  p.capped = capped;
  p.weight = weight;
  return true;
}
