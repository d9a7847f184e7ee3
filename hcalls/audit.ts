/**
 * H_TSHYPE_AUDIT_READ (tshype's private call, "hcall-tshype"): a partition whose label holds the
 * ReadAudit role copies the sHype audit log into its own memory.
 *
 *   r4 = partition address of the buffer, r5 = most records it holds
 *   -> r4 = records copied (oldest first, AUDIT_RECORD_DWORDS doublewords each, shype/audit.ts)
 */
import { store64 } from 'tsnc';
import { admitOperation } from '../hv/security';
import { realAddress, NO_ADDRESS } from '../lpar/memory';
import type { Partition } from '../lpar/partition';
import type { Vcpu } from '../lpar/vcpu';
import { AUDIT_CAPACITY, AUDIT_RECORD_DWORDS, count, serialize } from '../shype/audit';
import { NO_OBJECT, Op } from '../shype/ops';
import { H } from './status';

const records = new BigUint64Array(AUDIT_CAPACITY * AUDIT_RECORD_DWORDS);

/** H_TSHYPE_AUDIT_READ(buffer r4, max records r5). */
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
