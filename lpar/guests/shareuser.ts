/**
 * Shared-memory test, the user (lpar/configs/share.ts): maps the owner's grant 0 at the first
 * page of its grant window (retrying while it is not granted yet), reads the owner's value
 * through the mapping and writes it plus one back, then keeps reading the page, a turn at a
 * time, until the owner's REVOKE removes the mapping: the next read is a storage violation the
 * hypervisor reports (the test expects that crash). Halts with 1 if the mapping outlives PATIENCE
 * turns or something else fails.
 */
import { load64, store64, type u64 } from 'tsnc';
import { hcall, hcallOut, printNumber, println } from './lib';
import {
  GRANT_WINDOW, H_TSHYPE_MAP, H_TSHYPE_UNMAP, OWNER_LPID, PATIENCE, signed, yieldTurn,
} from './share';

const H_NOT_FOUND: u64 = 0xfffffffffffffff9n;   // -7

export function guestMain(_fdt: u64): u64 {
  let st: u64 = H_NOT_FOUND;
  for (let i = 0; i < PATIENCE && st === H_NOT_FOUND; i++) {
    st = hcall(H_TSHYPE_MAP, OWNER_LPID, 0n, GRANT_WINDOW, 0n, 0n, 0n, 0n);
    if (st === H_NOT_FOUND) yieldTurn();
  }
  const writable = hcallOut(0n);   // before printing: every print is an hcall
  printNumber('user: map status ', signed(st));
  if (st !== 0n) return 1n;
  printNumber('user: writable ', Number(writable));
  const empty = BigInt.asUintN(64, GRANT_WINDOW + 0x1000n);
  printNumber('user: unmap of an empty window page, status ', signed(hcall(H_TSHYPE_UNMAP, empty, 0n, 0n, 0n, 0n, 0n, 0n)));
  const value = load64(GRANT_WINDOW);
  printNumber('user: read through the mapping ', Number(value & 0xffffffffn));
  store64(BigInt.asUintN(64, GRANT_WINDOW + 8n), BigInt.asUintN(64, value + 1n));
  println('user: wrote the answer; reading until the owner revokes');
  for (let i = 0; i < PATIENCE; i++) {
    yieldTurn();
    if (load64(GRANT_WINDOW) !== value) return 1n;
  }
  println('user: still mapped after the owner revoked (wrong)');
  return 1n;
}
