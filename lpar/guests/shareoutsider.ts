/**
 * Shared-memory test, the outsider (lpar/configs/share.ts): the policy gives it no ShareMemory
 * with the owner, so mapping the owner's grant 0 and granting the owner a page of its own are
 * both refused with H_AUTHORITY (-10) and audited. Halts with 0 when both were refused, else 1.
 */
import type { u64 } from 'tsnc';
import { hcall, printNumber } from './lib';
import { GRANT_WINDOW, H_TSHYPE_GRANT, H_TSHYPE_MAP, OWNER_LPID, SHARED_PAGE, signed } from './share';

const H_AUTHORITY: u64 = 0xfffffffffffffff6n;   // -10

export function guestMain(_fdt: u64): u64 {
  const map = hcall(H_TSHYPE_MAP, OWNER_LPID, 0n, GRANT_WINDOW, 0n, 0n, 0n, 0n);
  printNumber('outsider: map status ', signed(map));
  const grant = hcall(H_TSHYPE_GRANT, OWNER_LPID, SHARED_PAGE, 0n, 0n, 0n, 0n, 0n);
  printNumber('outsider: grant status ', signed(grant));
  return map === H_AUTHORITY && grant === H_AUTHORITY ? 0n : 1n;
}
