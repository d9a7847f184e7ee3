/**
 * The vTPM partition's non-volatile store calls (tshype's private "hcall-tshype" set), kept in
 * the platform's store by lpar/nvstore.ts, instance i in slot FIRST_VTPM_SLOT + i, two copies
 * each (docs/vtpm.md "Where instance state is kept"):
 *
 *   H_TSHYPE_VTPM_SAVE  r4 = instance (0 .. VTPM_INSTANCES - 1), r5 = partition address of the
 *                       image, r6 = its length (1 .. IMAGE_MAX = 16448: a state image of up
 *                       to vtpm/tpm/state.ts STATE_MAX and vtpm/manager.ts's slot header)
 *                       -> H_SUCCESS once the image is written and read back intact
 *   H_TSHYPE_VTPM_LOAD  r4 = instance, r5 = partition address of a buffer, r6 = its room (≥ 1)
 *                       -> H_SUCCESS, r4 = length of the newest complete image copied there
 *                       (0: none stored)
 *
 * Refusals, checked in this order, each before anything is read or written:
 *   H_PRIVILEGE     the caller does not run Program.Vtpm. A fact of the configuration, not a
 *                   policy decision: the function exists for one program (as PAPR refuses a
 *                   call a partition is not privileged for); the gate has already let the call
 *                   through as HcallLifecycle, and H_AUTHORITY stays the answer of the policy
 *                   (audited) alone
 *   H_PARAMETER     instance, length or room out of range, or the range [r5, r5 + length) (LOAD:
 *                   [r5, r5 + min(room, IMAGE_MAX))) not inside the caller's memory; LOAD also
 *                   when the stored image is longer than the room (nothing copied)
 *   H_NOT_AVAILABLE the store has no room for this instance (a pseries NVRAM too small)
 *   H_HARDWARE      the store failed (SAVE: the write or its read-back; the previous image is
 *                   still the instance's), or either copy could not be read (SAVE then writes nothing; LOAD
 *                   does not answer with the other copy, which could be the older one)
 */
import { load8, store8, type u64 } from 'tsnc';
import { realAddress, NO_ADDRESS } from '../lpar/memory';
import type { Partition } from '../lpar/partition';
import type { Vcpu } from '../lpar/vcpu';
import { Program } from '../lpar/config';
import { FIRST_VTPM_SLOT, IMAGE_MAX, NV_IO_ERROR, slotExists, slotLoad, slotSave } from '../lpar/nvstore';
import { H } from './status';

/** Instances a vTPM partition may keep: one per server end (lpar/config.ts MAX_CHANNELS). */
export const VTPM_INSTANCES = 8;

/** The image on its way between the caller's memory and the store. */
const image = new Uint8Array(IMAGE_MAX);

/** True when `p` is a vTPM partition (its configuration runs Program.Vtpm). */
export function isVtpmPartition(p: Partition): boolean {
  return p.program === Program.Vtpm;
}

/** The store slot of instance `instance` (already checked to be below VTPM_INSTANCES). */
function slotOf(instance: u64): number {
  return FIRST_VTPM_SLOT + Number(instance);
}

/**
 * H_TSHYPE_VTPM_SAVE(instance r4, image r5, length r6).
 * @noinline out of line, so that the hot dispatch path does not pay for its registers
 */
export function hVtpmSave(p: Partition, v: Vcpu): number {
  if (!isVtpmPartition(p)) return H.PRIVILEGE;
  const instance = v.gpr[4], length = v.gpr[6];
  if (instance >= BigInt(VTPM_INSTANCES) || length < 1n || length > BigInt(IMAGE_MAX)) return H.PARAMETER;
  const ra = realAddress(p, v.gpr[5], Number(length));
  if (ra === NO_ADDRESS) return H.PARAMETER;
  if (!slotExists(slotOf(instance))) return H.NOT_AVAILABLE;
  const n = Number(length);
  for (let i = 0; i < n; i++) image[i] = load8(BigInt.asUintN(64, ra + BigInt(i)));
  return slotSave(slotOf(instance), image, n) ? H.SUCCESS : H.HARDWARE;
}

/**
 * H_TSHYPE_VTPM_LOAD(instance r4, buffer r5, room r6) -> r4 = image length.
 * @noinline out of line, so that the hot dispatch path does not pay for its registers
 */
export function hVtpmLoad(p: Partition, v: Vcpu): number {
  if (!isVtpmPartition(p)) return H.PRIVILEGE;
  const instance = v.gpr[4];
  if (instance >= BigInt(VTPM_INSTANCES) || v.gpr[6] < 1n) return H.PARAMETER;
  const room = v.gpr[6] > BigInt(IMAGE_MAX) ? IMAGE_MAX : Number(v.gpr[6]);
  const ra = realAddress(p, v.gpr[5], room);
  if (ra === NO_ADDRESS) return H.PARAMETER;
  if (!slotExists(slotOf(instance))) return H.NOT_AVAILABLE;
  const length = slotLoad(slotOf(instance), image);
  if (length === NV_IO_ERROR || length < 0) return H.HARDWARE;
  if (length > room) return H.PARAMETER;
  for (let i = 0; i < length; i++) store8(BigInt.asUintN(64, ra + BigInt(i)), image[i]);
  v.gpr[4] = BigInt(length);
  return H.SUCCESS;
}
