/**
 * What the shared-memory test partitions agree on (lpar/configs/share.ts): the grant hcalls,
 * the LPIDs (configuration order: owner 1, user 2, outsider 3), the page the owner grants, the
 * grant window (arch/ppc64/radix.ts GRANT_WINDOW_BASE) and the values they exchange.
 */
import type { u64 } from 'tsnc';
import { H_CONFER, hcall } from './lib';

export const H_TSHYPE_GRANT: u64 = 0x6f48n;
export const H_TSHYPE_MAP: u64 = 0x6f4cn;
export const H_TSHYPE_UNMAP: u64 = 0x6f50n;
export const H_TSHYPE_REVOKE: u64 = 0x6f54n;
/** GRANT flag: read-write. */
export const GRANT_WRITE: u64 = 1n;

export const OWNER_LPID: u64 = 1n;
export const USER_LPID: u64 = 2n;
/** The owner's page it grants: 4 MiB into its 16 MiB, far above its program. */
export const SHARED_PAGE: u64 = 0x400000n;
/** The first page of every partition's grant window. */
export const GRANT_WINDOW: u64 = 0x8000000000n;
/** What the owner writes at the page's first doubleword; the user answers it plus one at the second. */
export const OWNER_VALUE: u64 = 20261207n;
/** Turns (H_CONFER) a partition waits for the other before it gives up. */
export const PATIENCE = 2000;

/** End this partition's turn. */
export function yieldTurn(): void {
  hcall(H_CONFER, 0xffffffffffffffffn, 0n, 0n, 0n, 0n, 0n, 0n);
}

/** An hcall status as a signed number for printing (H_AUTHORITY prints -10). */
export function signed(st: u64): number {
  return Number(BigInt.asIntN(64, st));
}
