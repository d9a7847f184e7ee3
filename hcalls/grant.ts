/**
 * Shared memory between partitions, mediated ("hcall-tshype"; lpar/grant.ts keeps the tables,
 * docs/hcalls.md has the ABI):
 *
 *   H_TSHYPE_GRANT(grantee LPID r4, page r5, flags r6) -> reference r4
 *   H_TSHYPE_MAP(owner LPID r4, reference r5, window address r6) -> writable r4
 *   H_TSHYPE_UNMAP(window address r4)
 *   H_TSHYPE_REVOKE(reference r4) -> mappings removed r4
 *
 * GRANT and MAP are decided ShareMemory through the policy (shype/security.ts admitSharing):
 * GRANT from the owner's label to the grantee's, MAP from the grantee's to the owner's, so a
 * policy reload that took the right away stops new mappings. UNMAP and REVOKE only take
 * sharing away and are not decided. Every handler checks everything first and changes
 * nothing when it refuses.
 */
import type { Partition } from '../lpar/partition';
import { partitions } from '../lpar/partition';
import type { Vcpu } from '../lpar/vcpu';
import {
  GRANT_WRITE, addGrant, freeGrantRef, freeMapping, grantIndex, grantLive, grantablePage, grants, mapGrant,
  mappingAt, revokeGrant, slotOfLpid, unmapGrant, windowSlot,
} from '../lpar/grant';
import { Op } from '../shype/ops';
import { admitSharing } from '../shype/security';
import { H } from './status';

/**
 * H_TSHYPE_GRANT: offer page r5 (4 KiB aligned, inside the caller's memory) to the partition
 * with LPID r4, read-write when r6 = GRANT_WRITE (1), read-only when 0. r4 <- the reference.
 * H_PARAMETER: r4 not another partition's LPID, r5 not a page of the caller, r6 has other bits;
 * H_NOT_FOUND: no partition is created or running under that LPID; H_AUTHORITY: the policy
 * denies ShareMemory from the caller's label to the grantee's (audited); H_RESOURCE: the caller
 * has GRANTS_PER_PARTITION grants outstanding.
 */
export function hGrant(p: Partition, v: Vcpu): number {
  const slot = slotOfLpid(v.gpr[4]);
  const page = v.gpr[5], flags = v.gpr[6];
  if (slot < 0 || slot === p.lpid - 1 || (flags & ~GRANT_WRITE) !== 0n || !grantablePage(p, page)) return H.PARAMETER;
  const grantee = partitions[slot];
  if (!grantLive(grantee)) return H.NOT_FOUND;
  if (!admitSharing(p, Op.ShareMemory, grantee.ssidref)) return H.AUTHORITY;
  const ref = freeGrantRef(p);
  if (ref < 0) return H.RESOURCE;
  addGrant(p, ref, grantee, page, flags === GRANT_WRITE);
  v.gpr[4] = BigInt(ref);
  return H.SUCCESS;
}

/**
 * H_TSHYPE_MAP: map grant r5 of the partition with LPID r4 at page r6 of the caller's grant
 * window. r4 <- 1 when the mapping is writable, 0 when read-only.
 * H_PARAMETER: r4 not another partition's LPID, r5 not a reference (0 .. 15), r6 not a page of
 * the window or already mapped; H_NOT_FOUND: no such owner, or it has no grant r5 to the
 * caller; H_AUTHORITY: the policy denies ShareMemory from the caller's label to the owner's
 * (audited; asked before the grant is looked up, so a denied caller learns nothing of grants);
 * H_RESOURCE: the caller has MAPPINGS_PER_PARTITION mappings; H_HARDWARE: the platform could
 * not write the mapping (the caller has no page table; nothing changed).
 */
export function hMap(p: Partition, v: Vcpu): number {
  const slot = slotOfLpid(v.gpr[4]);
  const page = windowSlot(v.gpr[6]);
  if (slot < 0 || slot === p.lpid - 1 || page < 0) return H.PARAMETER;
  const owner = partitions[slot];
  const gi = grantIndex(owner, v.gpr[5]);
  if (gi < 0) return H.PARAMETER;
  if (!grantLive(owner)) return H.NOT_FOUND;
  if (!admitSharing(p, Op.ShareMemory, owner.ssidref)) return H.AUTHORITY;
  if (grants[gi].grantee !== p.lpid - 1) return H.NOT_FOUND;
  if (mappingAt(p, page) >= 0) return H.PARAMETER;
  const mi = freeMapping(p);
  if (mi < 0) return H.RESOURCE;
  if (!mapGrant(p, mi, gi, page)) return H.HARDWARE;
  v.gpr[4] = grants[gi].writable ? 1n : 0n;
  return H.SUCCESS;
}

/**
 * H_TSHYPE_UNMAP: remove the caller's mapping at page r4 of its grant window; when this
 * returns the page is no longer reachable. H_PARAMETER: r4 not a page of the window;
 * H_NOT_FOUND: nothing is mapped there.
 */
export function hUnmap(p: Partition, v: Vcpu): number {
  const page = windowSlot(v.gpr[4]);
  if (page < 0) return H.PARAMETER;
  const mi = mappingAt(p, page);
  if (mi < 0) return H.NOT_FOUND;
  unmapGrant(p, mi);
  return H.SUCCESS;
}

/**
 * H_TSHYPE_REVOKE: withdraw the caller's grant r4; every mapping of it is removed (and the
 * grantee's cached translations discarded) before this returns, so the page may be reused.
 * r4 <- the number of mappings removed. H_PARAMETER: r4 not a reference (0 .. 15);
 * H_NOT_FOUND: the caller has no grant r4.
 */
export function hRevoke(p: Partition, v: Vcpu): number {
  const gi = grantIndex(p, v.gpr[4]);
  if (gi < 0) return H.PARAMETER;
  if (grants[gi].grantee < 0) return H.NOT_FOUND;
  v.gpr[4] = BigInt(revokeGrant(gi));
  return H.SUCCESS;
}
