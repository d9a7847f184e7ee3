/**
 * Grants: memory one partition shares with another, in the spirit of Xen's grant tables
 * (hcalls/grant.ts has the hcalls, docs/hcalls.md the ABI).
 *
 *   an owner offers one 4 KiB page of its memory to one grantee, read-only or read-write:
 *     a grant, named by the owner's LPID and a reference 0 .. GRANTS_PER_PARTITION - 1;
 *   the grantee maps a grant it was given at a page of its grant window (logical
 *     GRANT_WINDOW_BASE .., arch/ppc64/radix.ts): a mapping, one of at most
 *     MAPPINGS_PER_PARTITION, written into its partition-scoped page table (@platform
 *     mapGrantPage) with its cached translations discarded;
 *   unmapping removes one mapping; revoking a grant removes every mapping of it first.
 *
 * Invariant: a partition's grant window maps a page only through a mapping here, and a
 * mapping exists only for a grant that names that partition as grantee; the page is the
 * owner's, inside the owner's memory. releaseGrants keeps it when a partition stops.
 *
 * These functions act; the hcall handlers check (arguments, the policy) before calling them.
 * Grants are partition-scoped translations only: realAddress() (lpar/memory.ts) never covers
 * the grant window, so no hcall argument can name a page through it.
 */
import { pool, type u64 } from 'tsnc';
import { mapGrantPage, unmapGrantPage } from '@platform';
import { GRANT_WINDOW_BASE, GRANT_WINDOW_PAGES } from '../arch/ppc64/radix';
import { MAX_PARTITIONS } from './config';
import { LparState, Partition, partitions } from './partition';
import { NO_ADDRESS, realAddress } from './memory';

/** Grants one owner may have outstanding (references 0 .. 15). */
export const GRANTS_PER_PARTITION = 16;
/** Grants one partition may have mapped at once. */
export const MAPPINGS_PER_PARTITION = 16;
/** The size of a granted page. */
export const GRANT_PAGE: u64 = 0x1000n;
/** GRANT flag (r6): the grantee may write the page (else read only). */
export const GRANT_WRITE: u64 = 1n;

/** One grant: entry owner * GRANTS_PER_PARTITION + reference of `grants`. */
export class Grant {
  /** The grantee's slot (LPID - 1), or -1 while the reference is free. */
  grantee = -1;
  /** The owner's logical address of the page. */
  page: u64 = 0n;
  writable = false;
  /** Mappings of it in the grantee's window now. */
  mappings = 0;

  constructor(_index: number) {}
}

/** One mapping: entry grantee * MAPPINGS_PER_PARTITION + k of `grantMappings`. */
export class GrantMapping {
  /** Index in `grants` of the grant mapped, or -1 while the entry is free. */
  grant = -1;
  /** The grant-window page it occupies (0 .. GRANT_WINDOW_PAGES - 1). */
  slot = 0;

  constructor(_index: number) {}
}

export const grants: Grant[] = pool(MAX_PARTITIONS * GRANTS_PER_PARTITION, Grant);
export const grantMappings: GrantMapping[] = pool(MAX_PARTITIONS * MAPPINGS_PER_PARTITION, GrantMapping);

/** The partition with LPID `lpid` (a register value), or -1 unless 1 .. MAX_PARTITIONS. */
export function slotOfLpid(lpid: u64): number {
  return lpid >= 1n && lpid <= BigInt(MAX_PARTITIONS) ? Number(lpid) - 1 : -1;
}

/** Whether `p` can take part in a grant (created or running; not empty, halted or crashed). */
export function grantLive(p: Partition): boolean {
  return p.state === LparState.Created || p.state === LparState.Running;
}

/**
 * The grant-window page of logical address `la` (4 KiB aligned, inside the window), or -1.
 */
export function windowSlot(la: u64): number {
  if ((la & BigInt.asUintN(64, GRANT_PAGE - 1n)) !== 0n || la < GRANT_WINDOW_BASE) return -1;
  const page: u64 = BigInt.asUintN(64, la - GRANT_WINDOW_BASE) >> 12n;
  return page < BigInt(GRANT_WINDOW_PAGES) ? Number(page) : -1;
}

/** Whether `la` is a 4 KiB page of `p`'s own memory that `p` may grant. */
export function grantablePage(p: Partition, la: u64): boolean {
  return (la & BigInt.asUintN(64, GRANT_PAGE - 1n)) === 0n && realAddress(p, la, 4096) !== NO_ADDRESS;
}

/** Index in `grants` of `owner`'s reference `ref`, or -1 when `ref` is not 0 .. 15. */
export function grantIndex(owner: Partition, ref: u64): number {
  return ref < BigInt(GRANTS_PER_PARTITION) ? (owner.lpid - 1) * GRANTS_PER_PARTITION + Number(ref) : -1;
}

/** `owner`'s lowest free reference, or -1 when all are in use. */
export function freeGrantRef(owner: Partition): number {
  const first = (owner.lpid - 1) * GRANTS_PER_PARTITION;
  for (let r = 0; r < GRANTS_PER_PARTITION; r++) if (grants[first + r].grantee < 0) return r;
  return -1;
}

/** Record `owner`'s grant `ref` (free) of its page `page` to `grantee`. */
export function addGrant(owner: Partition, ref: number, grantee: Partition, page: u64, writable: boolean): void {
  const g = grants[(owner.lpid - 1) * GRANTS_PER_PARTITION + ref];
  g.grantee = grantee.lpid - 1;
  g.page = page;
  g.writable = writable;
  g.mappings = 0;
}

/** Index in `grantMappings` of `p`'s mapping at window page `slot`, or -1 when none is there. */
export function mappingAt(p: Partition, slot: number): number {
  const first = (p.lpid - 1) * MAPPINGS_PER_PARTITION;
  for (let k = 0; k < MAPPINGS_PER_PARTITION; k++) {
    const m = grantMappings[first + k];
    if (m.grant >= 0 && m.slot === slot) return first + k;
  }
  return -1;
}

/** Index in `grantMappings` of a free mapping entry of `p`, or -1 when it has MAPPINGS_PER_PARTITION. */
export function freeMapping(p: Partition): number {
  const first = (p.lpid - 1) * MAPPINGS_PER_PARTITION;
  for (let k = 0; k < MAPPINGS_PER_PARTITION; k++) if (grantMappings[first + k].grant < 0) return first + k;
  return -1;
}

/**
 * Map grant `gi` (whose grantee is `p`) at `p`'s window page `slot` using free mapping entry
 * `mi`. False, nothing changed, when the platform could not (p has no page table).
 */
export function mapGrant(p: Partition, mi: number, gi: number, slot: number): boolean {
  const g = grants[gi];
  const owner = partitions[Math.trunc(gi / GRANTS_PER_PARTITION)];
  const real = realAddress(owner, g.page, 4096);
  if (real === NO_ADDRESS || !mapGrantPage(p, slot, real, g.writable)) return false;
  grantMappings[mi].grant = gi;
  grantMappings[mi].slot = slot;
  g.mappings++;
  return true;
}

/** Remove mapping `mi` of partition `p` (its window page unmapped, its translations discarded). */
export function unmapGrant(p: Partition, mi: number): void {
  const m = grantMappings[mi];
  unmapGrantPage(p, m.slot);
  grants[m.grant].mappings--;
  m.grant = -1;
  m.slot = 0;
}

/**
 * Withdraw grant `gi`: every mapping of it removed from its grantee's window (and the
 * grantee's translations discarded) before the reference is freed. Returns how many mappings
 * were removed. Nothing happens to a free reference (0).
 */
export function revokeGrant(gi: number): number {
  const g = grants[gi];
  if (g.grantee < 0) return 0;
  const grantee = partitions[g.grantee];
  const first = g.grantee * MAPPINGS_PER_PARTITION;
  let removed = 0;
  for (let k = 0; k < MAPPINGS_PER_PARTITION; k++) {
    if (grantMappings[first + k].grant === gi) {
      unmapGrant(grantee, first + k);
      removed++;
    }
  }
  g.grantee = -1;
  g.page = 0n;
  g.writable = false;
  return removed;
}

/**
 * Partition `p` stops sharing (it halted, crashed, is stopped, restarted or destroyed): every
 * grant it made is revoked (the mappings in others removed), every mapping in its own window
 * is removed, and every grant made to it is withdrawn (its owner's reference becomes free), so
 * that nothing it shared or was offered survives into its slot's next tenant.
 */
export function releaseGrants(p: Partition): void {
  const slot = p.lpid - 1;
  for (let r = 0; r < GRANTS_PER_PARTITION; r++) revokeGrant(slot * GRANTS_PER_PARTITION + r);
  const first = slot * MAPPINGS_PER_PARTITION;
  for (let k = 0; k < MAPPINGS_PER_PARTITION; k++) if (grantMappings[first + k].grant >= 0) unmapGrant(p, first + k);
  for (let gi = 0; gi < grants.length; gi++) if (grants[gi].grantee === slot) revokeGrant(gi);
}

/** Grants `p` has outstanding (for the summary and tests). */
export function grantsOutstanding(p: Partition): number {
  const first = (p.lpid - 1) * GRANTS_PER_PARTITION;
  let n = 0;
  for (let r = 0; r < GRANTS_PER_PARTITION; r++) if (grants[first + r].grantee >= 0) n++;
  return n;
}

/** Mappings in `p`'s grant window now. */
export function mappingsHeld(p: Partition): number {
  const first = (p.lpid - 1) * MAPPINGS_PER_PARTITION;
  let n = 0;
  for (let k = 0; k < MAPPINGS_PER_PARTITION; k++) if (grantMappings[first + k].grant >= 0) n++;
  return n;
}
