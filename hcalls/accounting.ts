/**
 * Entitlement and accounting calls:
 *
 *   H_GET_PPP (0xEC, "hcall-splpar")  the caller's processor entitlement, with the layout of
 *       PAPR and Linux's lparcfg (arch/powerpc/platforms/pseries/lparcfg.c h_get_ppp):
 *       r4 entitled capacity in hundredths of a processor (the partition's share: 20 = 0.20
 *          processing units)
 *       r5 unallocated capacity, hundredths of a processor: 100 less the entitlements of all
 *          non-empty partitions
 *       r6 group number (bits 16..31; 0) and shared-pool number (bits 0..15; 0, the one pool)
 *       r7 capped bit (bit 48), variable capacity weight (bits 40..47), unallocated weight
 *          (bits 32..39; 0), active processors in the pool (bits 16..31; 1) and on the platform
 *          (bits 0..15; 1)
 *       r8 processors allocated to virtualization (bits 48..63; 1), maximum and entitled
 *          capacity available to the pool in percent (bits 24..47 and 0..23; 100 each)
 *
 *   H_TSHYPE_STATS (0x6f40, "hcall-tshype")  a partition's accounting (lpar/accounting.ts).
 *       r4 = the partition's LPID, 0 for the caller itself. Another partition's needs a policy
 *       granting the caller ReadAudit (as H_TSHYPE_LAN_STATS): else H_AUTHORITY; an LPID that
 *       names no partition (empty slot, out of range) is H_PARAMETER. Out:
 *       r4  CPU time in timebase ticks
 *       r5  lifetime in timebase ticks (start to halt or crash, or to now)
 *       r6  entitlement: share percent (bits 0..7), capped (bit 8), uncapped weight (bits 16..23)
 *       r7  admitted hcalls of class console (bits 32..63) and processor (bits 0..31)
 *       r8  platform (bits 32..63) and memory (bits 0..31)
 *       r9  rtas (bits 32..63) and lifecycle (bits 0..31)   (each counter modulo 2^32)
 *       r10 memory in MiB (bits 32..63) and vTPM commands sent (bits 0..31)
 *       r11 logical-LAN bytes sent, r12 bytes received (all its ports)
 */
import type { u64 } from 'tsnc';
import { admitOperation } from '../shype/security';
import { NO_OBJECT, Op } from '../shype/ops';
import { LparState, Partition, partitions } from '../lpar/partition';
import type { Vcpu } from '../lpar/vcpu';
import { lanBytesReceived, lanBytesSent, lifetimeTicks, tpmCommands } from '../lpar/accounting';
import { H } from './status';

/** Entitlement of all non-empty partitions, in hundredths of a processor. */
function allocatedCapacity(): number {
  let n = 0;
  for (let i = 0; i < partitions.length; i++) if (partitions[i].state !== LparState.Empty) n += partitions[i].share;
  return n;
}

/**
 * H_GET_PPP: the caller's entitlement (header).
 * @noinline out of line, so that the hot dispatch path does not pay for its registers
 */
export function hGetPpp(p: Partition, v: Vcpu): number {
  const unallocated = Math.max(0, 100 - allocatedCapacity());
  v.gpr[4] = BigInt(p.share);
  v.gpr[5] = BigInt(unallocated);
  v.gpr[6] = 0n;   // group 0, pool 0
  v.gpr[7] = BigInt.asUintN(64, ((p.capped ? 1n : 0n) << 48n) | (BigInt(p.weight & 0xff) << 40n) | (1n << 16n) | 1n);
  v.gpr[8] = BigInt.asUintN(64, (1n << 48n) | (100n << 24n) | 100n);
  return H.SUCCESS;
}

/** Two 32-bit counters in one register: `hi` in bits 32..63, `lo` in 0..31. */
function pair(hi: number, lo: number): u64 {
  return BigInt.asUintN(64, (BigInt(hi >>> 0) << 32n) | BigInt(lo >>> 0));
}

/**
 * H_TSHYPE_STATS(lpid r4): a partition's accounting in r4..r12 (header).
 * @noinline out of line, so that the hot dispatch path does not pay for its registers
 */
export function hStats(p: Partition, v: Vcpu): number {
  const lpid = v.gpr[4];
  let q = p;
  if (lpid !== 0n && lpid !== BigInt(p.lpid)) {
    if (!admitOperation(p, Op.ReadAudit, NO_OBJECT)) return H.AUTHORITY;
    if (lpid > BigInt(partitions.length)) return H.PARAMETER;
    q = partitions[Number(lpid) - 1];
    if (q.state === LparState.Empty) return H.PARAMETER;
  }
  const c = q.classCalls;
  v.gpr[4] = q.runTicks;
  v.gpr[5] = lifetimeTicks(q);
  v.gpr[6] = BigInt((q.share & 0xff) | (q.capped ? 0x100 : 0) | ((q.weight & 0xff) << 16));
  v.gpr[7] = pair(c[0], c[1]);
  v.gpr[8] = pair(c[2], c[3]);
  v.gpr[9] = pair(c[4], c[5]);
  v.gpr[10] = pair(Number(q.memSize >> 20n), tpmCommands(q));
  v.gpr[11] = BigInt(lanBytesSent(q));
  v.gpr[12] = BigInt(lanBytesReceived(q));
  return H.SUCCESS;
}
