/**
 * Platform facilities: H_SET_MODE ("hcall-set-mode": interrupt endianness and address
 * translation mode for interrupts) and H_RANDOM ("hcall-random").
 */
import { DARN_FAILED, hardwareRandom } from '../arch/ppc64/cpu';
import type { Partition } from '../lpar/partition';
import type { Vcpu } from '../lpar/vcpu';
import { H } from './status';

/** H_SET_MODE resources (PAPR; Linux H_SET_MODE_RESOURCE_*). */
const enum ModeResource {
  SetCiabr = 1,
  SetDawr0 = 2,
  AddrTransMode = 3,
  LittleEndian = 4,
}

/** H_SET_MODE(mflags r4, resource r5, value1 r6, value2 r7). */
export function hSetMode(_p: Partition, v: Vcpu): number {
  const mflags = v.gpr[4], resource = v.gpr[5];
  if (resource === BigInt(ModeResource.LittleEndian)) {
    if (v.gpr[6] !== 0n) return H.P3;
    if (v.gpr[7] !== 0n) return H.P4;
    if (mflags > 1n) return H.UNSUPPORTED_FLAG;
    v.littleEndian = mflags === 1n;
    return H.SUCCESS;
  }
  if (resource === BigInt(ModeResource.AddrTransMode)) {
    if (v.gpr[6] !== 0n) return H.P3;
    if (v.gpr[7] !== 0n) return H.P4;
    if (mflags !== 0n && mflags !== 3n) return H.UNSUPPORTED_FLAG;   // AIL 0 or 3
    v.ail = Number(mflags);
    return H.SUCCESS;
  }
  return H.P2;   // CIABR, DAWR and unknown resources are not offered
}

/** H_RANDOM -> 64 random bits in r4. */
export function hRandom(_p: Partition, v: Vcpu): number {
  const r = hardwareRandom();
  if (r === DARN_FAILED) return H.HARDWARE;
  v.gpr[4] = r;
  return H.SUCCESS;
}
