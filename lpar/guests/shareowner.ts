/**
 * Shared-memory test, the owner (lpar/configs/share.ts): writes OWNER_VALUE into its page,
 * grants it read-write to the user (LPID 2), waits for the user's answer in the page, revokes
 * the grant (the user's mapping is removed before REVOKE returns) and halts with 0, or 1 when
 * something went wrong.
 */
import { load64, store64, type u64 } from 'tsnc';
import { hcall, hcallOut, printNumber, println } from './lib';
import {
  GRANT_WRITE, H_TSHYPE_GRANT, H_TSHYPE_REVOKE, OWNER_VALUE, PATIENCE, SHARED_PAGE, USER_LPID, signed, yieldTurn,
} from './share';

export function guestMain(_fdt: u64): u64 {
  store64(SHARED_PAGE, OWNER_VALUE);
  store64(BigInt.asUintN(64, SHARED_PAGE + 8n), 0n);
  const st = hcall(H_TSHYPE_GRANT, USER_LPID, SHARED_PAGE, GRANT_WRITE, 0n, 0n, 0n, 0n);
  const ref = hcallOut(0n);   // before printing: every print is an hcall
  printNumber('owner: grant status ', signed(st));
  if (st !== 0n) return 1n;
  printNumber('owner: grant reference ', Number(ref));
  let answer: u64 = 0n;
  for (let i = 0; i < PATIENCE && answer === 0n; i++) {
    yieldTurn();
    answer = load64(BigInt.asUintN(64, SHARED_PAGE + 8n));
  }
  printNumber('owner: the user wrote ', Number(answer & 0xffffffffn));
  const revoked = hcall(H_TSHYPE_REVOKE, ref, 0n, 0n, 0n, 0n, 0n, 0n);
  const removed = hcallOut(0n);
  printNumber('owner: revoke status ', signed(revoked));
  printNumber('owner: mappings removed ', Number(removed));
  printNumber('owner: revoke again status ', signed(hcall(H_TSHYPE_REVOKE, ref, 0n, 0n, 0n, 0n, 0n, 0n)));
  if (answer !== BigInt.asUintN(64, OWNER_VALUE + 1n) || revoked !== 0n || removed !== 1n) return 1n;
  println('owner: done');
  return 0n;
}
