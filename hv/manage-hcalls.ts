/**
 * The management hcalls (tshype's own, "hcall-tshype"; docs/hcalls.md): a partition creates,
 * starts, stops, destroys, restarts, queries and lists the configuration's partitions and
 * changes their entitlements, each operation decided by the policy for the caller's label
 * (hv/manage.ts). A partition is named by its LPID (slot + 1). They live in hv/, not hcalls/,
 * because they create, load and stop partitions: the run loop's work.
 *
 *   H_TSHYPE_CREATE   r4 LPID, r5 image (-1: the definition's; else the image catalog index),
 *                     r6 memory MiB (0: the definition's), r7 vCPUs (0: the definition's)
 *   H_TSHYPE_START    r4 LPID
 *   H_TSHYPE_STOP     r4 LPID, r5 deadline in ms (0: 5000)
 *   H_TSHYPE_DESTROY  r4 LPID
 *   H_TSHYPE_RESTART  r4 LPID
 *   H_TSHYPE_QUERY    r4 LPID; or -1: the caller itself; or 0 and r5/r6 the logical address
 *                     and length of a partition's name
 *                     -> r4 state, r5 MiB, r6 vCPUs, r7 entitlement %, r8 hcalls, r9 CPU µs,
 *                        r10 LPID << 32 | flags (1 stop requested, 2 service, 4 autostart),
 *                        r11 crash reason << 32 | halt status
 *   H_TSHYPE_LIST     -> r4 the states, 4 bits per slot (LPID 1 in bits 0..3), r5 slots,
 *                        r6 KiB free in the page pool, r7 MiB of partition memory free
 *   H_TSHYPE_SET_ENTITLEMENT  r4 LPID, r5 percent of one processor, r6 mode (0 keep, 1 capped,
 *                     2 uncapped with weight r7, 0..255)
 *
 * Status: H_SUCCESS; H_PARAMETER for an LPID, image, size, count, deadline or name out of
 * range; H_STATE when the partition is not in a state the operation applies to; H_AUTHORITY
 * when the policy (or the Chinese Wall) refuses; H_NO_MEM without free partition memory;
 * H_NOT_FOUND when the image could not be loaded; H_RESOURCE when the entitlements would
 * exceed one processor. A refusal changes nothing.
 */
import type { u64 } from 'tsnc';
import { guestLoad8 } from '../lpar/memory';
import { MAX_PARTITIONS } from '../lpar/config';
import type { Partition } from '../lpar/partition';
import type { Vcpu } from '../lpar/vcpu';
import { H } from '../hcalls/status';
import {
  ManageStatus, QUERY_WORDS, manageCreate, manageDestroy, manageList, manageQuery, manageRestart, manageSetEntitlement,
  manageStart, manageStop, slotByName,
} from './manage';

/** Longest name H_TSHYPE_QUERY looks up. */
const NAME_MAX = 15;
const name = new Uint8Array(NAME_MAX);
const ok = new Uint8Array(1);
const answer = new BigUint64Array(QUERY_WORDS);

/** The PAPR status of a management outcome. */
export function manageHcallStatus(st: ManageStatus): number {
  switch (st) {
    case ManageStatus.Ok: return H.SUCCESS;
    case ManageStatus.NoSuchPartition: case ManageStatus.BadArgument: return H.PARAMETER;
    case ManageStatus.WrongState: return H.STATE;
    case ManageStatus.Denied: case ManageStatus.WallConflict: return H.AUTHORITY;
    case ManageStatus.NoMemory: return H.NO_MEM;
    case ManageStatus.LoadFailed: return H.NOT_FOUND;
    case ManageStatus.OverCommitted: return H.RESOURCE;
  }
  return H.HARDWARE;
}

/** The slot an LPID argument names, or -1 (which every operation refuses with H_PARAMETER). */
function slotOf(lpid: u64): number {
  return lpid >= 1n && lpid <= BigInt(MAX_PARTITIONS) ? Number(lpid) - 1 : -1;
}

/** A small signed argument (a register holding -1 .. 2^31 - 1), or -2 for anything else. */
function smallArg(r: u64): number {
  if (r === 0xffffffffffffffffn) return -1;
  return r < 0x80000000n ? Number(r) : -2;
}

/** H_TSHYPE_CREATE. @noinline */
export function hCreate(p: Partition, v: Vcpu): number {
  const image = smallArg(v.gpr[5]), mem = smallArg(v.gpr[6]), vcpus = smallArg(v.gpr[7]);
  if (image < -1 || mem < 0 || vcpus < 0) return H.PARAMETER;
  return manageHcallStatus(manageCreate(p.lpid - 1, p.ssidref, slotOf(v.gpr[4]), image, mem, vcpus));
}

/** H_TSHYPE_START. @noinline */
export function hStart(p: Partition, v: Vcpu): number {
  return manageHcallStatus(manageStart(p.lpid - 1, p.ssidref, slotOf(v.gpr[4])));
}

/** H_TSHYPE_STOP. @noinline */
export function hStop(p: Partition, v: Vcpu): number {
  const ms = smallArg(v.gpr[5]);
  if (ms < 0) return H.PARAMETER;
  return manageHcallStatus(manageStop(p.lpid - 1, p.ssidref, slotOf(v.gpr[4]), ms));
}

/** H_TSHYPE_DESTROY. @noinline */
export function hDestroy(p: Partition, v: Vcpu): number {
  return manageHcallStatus(manageDestroy(p.lpid - 1, p.ssidref, slotOf(v.gpr[4])));
}

/** H_TSHYPE_RESTART. @noinline */
export function hRestart(p: Partition, v: Vcpu): number {
  return manageHcallStatus(manageRestart(p.lpid - 1, p.ssidref, slotOf(v.gpr[4])));
}

/** H_TSHYPE_QUERY. @noinline */
export function hQuery(p: Partition, v: Vcpu): number {
  let slot = v.gpr[4] === 0xffffffffffffffffn ? p.lpid - 1 : slotOf(v.gpr[4]);
  if (v.gpr[4] === 0n) {
    const length = v.gpr[6];
    if (length < 1n || length > BigInt(NAME_MAX)) return H.PARAMETER;
    ok[0] = 1;
    for (let i = 0; i < Number(length); i++) name[i] = guestLoad8(p, BigInt.asUintN(64, v.gpr[5] + BigInt(i)), ok);
    if (ok[0] === 0) return H.PARAMETER;
    slot = slotByName(name, Number(length));
  }
  const st = manageQuery(p.lpid - 1, p.ssidref, slot, answer);
  if (st !== ManageStatus.Ok) return manageHcallStatus(st);
  for (let i = 0; i < QUERY_WORDS; i++) v.gpr[4 + i] = answer[i];
  return H.SUCCESS;
}

/** H_TSHYPE_LIST. @noinline */
export function hList(p: Partition, v: Vcpu): number {
  const st = manageList(p.lpid - 1, p.ssidref, answer);
  if (st !== ManageStatus.Ok) return manageHcallStatus(st);
  for (let i = 0; i < 4; i++) v.gpr[4 + i] = answer[i];
  return H.SUCCESS;
}

/** H_TSHYPE_SET_ENTITLEMENT. @noinline */
export function hSetEntitlement(p: Partition, v: Vcpu): number {
  const share = smallArg(v.gpr[5]), mode = smallArg(v.gpr[6]), weight = smallArg(v.gpr[7]);
  if (share < 0 || mode < 0 || weight < 0) return H.PARAMETER;
  return manageHcallStatus(manageSetEntitlement(p.lpid - 1, p.ssidref, slotOf(v.gpr[4]), share, mode, weight));
}
