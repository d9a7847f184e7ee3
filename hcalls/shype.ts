/**
 * sHype management calls (tshype's private calls, "hcall-tshype"), each allowed only to a label
 * holding the matching role:
 *
 *   H_TSHYPE_AUDIT_READ     r4 = partition address of a buffer, r5 = most records it holds
 *                           -> r4 = records copied (oldest first, AUDIT_RECORD_DWORDS
 *                           doublewords each, shype/audit.ts)
 *   H_TSHYPE_POLICY_RELOAD  r4 = partition address of a compiled policy, r5 = its size in bytes
 *                           -> H_SUCCESS, or H_PARAMETER (invalid policy) / H_RESOURCE (the
 *                           running partitions do not fit it) with nothing changed
 *   H_TSHYPE_LAN_STATS      r4 = a logical-LAN port (its index in the configuration)
 *                           -> r4 frames sent, r5 bytes sent, r6 frames received, r7 bytes
 *                           received, r8 frames dropped as denied by the policy, r9 for want of
 *                           a buffer, r10 for other reasons (closed, filtered, unmapped), r11
 *                           sends held back by the port's cap; H_PARAMETER for no such port
 */
import { store64 } from 'tsnc';
import { admitOperation, replacePolicy } from '../shype/security';
import { PolicyStatus } from '../shype/policy';
import { realAddress, NO_ADDRESS } from '../lpar/memory';
import type { Partition } from '../lpar/partition';
import type { Vcpu } from '../lpar/vcpu';
import { AUDIT_CAPACITY, AUDIT_RECORD_DWORDS, count, serialize } from '../shype/audit';
import { NO_OBJECT, Op } from '../shype/ops';
import { Drop, lanPorts } from '../lpar/lan';
import { H } from './status';

const records = new BigUint64Array(AUDIT_CAPACITY * AUDIT_RECORD_DWORDS);

/**
 * H_TSHYPE_AUDIT_READ(buffer r4, max records r5).
 * @noinline out of line, so that the hot dispatch path does not pay for its registers
 */
export function hAuditRead(p: Partition, v: Vcpu): number {
  if (!admitOperation(p, Op.ReadAudit, NO_OBJECT)) return H.AUTHORITY;
  const max = v.gpr[5];
  if (max === 0n || max > BigInt(AUDIT_CAPACITY)) return H.PARAMETER;
  const n = Math.min(count(), Number(max));
  const bytes = 8 * AUDIT_RECORD_DWORDS * Math.max(n, 1);
  const ra = realAddress(p, v.gpr[4], bytes);
  if (ra === NO_ADDRESS) return H.PARAMETER;
  const copied = serialize(0, records, n);
  for (let i = 0; i < copied * AUDIT_RECORD_DWORDS; i++) store64(BigInt.asUintN(64, ra + BigInt(8 * i)), records[i]);
  v.gpr[4] = BigInt(copied);
  return H.SUCCESS;
}

/** Largest policy accepted from a partition (the compiled examples are a few hundred bytes). */
const MAX_POLICY_BYTES = 0x10000;

/**
 * H_TSHYPE_POLICY_RELOAD(policy r4, size r5).
 * @noinline out of line, so that the hot dispatch path does not pay for its registers
 */
export function hPolicyReload(p: Partition, v: Vcpu): number {
  if (!admitOperation(p, Op.ReloadPolicy, NO_OBJECT)) return H.AUTHORITY;
  const size = v.gpr[5];
  if (size === 0n || size > BigInt(MAX_POLICY_BYTES)) return H.PARAMETER;
  const ra = realAddress(p, v.gpr[4], Number(size));
  if (ra === NO_ADDRESS) return H.PARAMETER;
  const st = replacePolicy(p, ra, Number(size));
  if (st === PolicyStatus.Ok) return H.SUCCESS;
  if (st === PolicyStatus.ReplayConflict || st === PolicyStatus.ReplayUnknownLabel || st === PolicyStatus.Busy) return H.RESOURCE;
  return H.PARAMETER;
}

/**
 * H_TSHYPE_LAN_STATS(port r4): the port's counters in r4..r11 (the summary's figures).
 * @noinline out of line, so that the hot dispatch path does not pay for its registers
 */
export function hLanStats(p: Partition, v: Vcpu): number {
  if (!admitOperation(p, Op.ReadAudit, NO_OBJECT)) return H.AUTHORITY;
  if (v.gpr[4] >= BigInt(lanPorts.length)) return H.PARAMETER;
  const port = lanPorts[Number(v.gpr[4])];
  if (port.segment < 0) return H.PARAMETER;
  v.gpr[4] = BigInt(port.framesSent);
  v.gpr[5] = BigInt(port.bytesSent);
  v.gpr[6] = BigInt(port.framesReceived);
  v.gpr[7] = BigInt(port.bytesReceived);
  v.gpr[8] = BigInt(port.drops[Drop.Denied]);
  v.gpr[9] = BigInt(port.drops[Drop.NoBuffer]);
  v.gpr[10] = BigInt(port.drops[Drop.Closed] + port.drops[Drop.Filtered] + port.drops[Drop.Unmapped]);
  v.gpr[11] = BigInt(port.throttled);
  return H.SUCCESS;
}
