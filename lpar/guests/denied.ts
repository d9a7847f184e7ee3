/**
 * sHype test partition whose label may not use the console hcall class (shype/policies/deny.pol):
 * it tries to print, and halts with the negated status it got, so that the hypervisor's summary
 * shows it (status 10 = H_AUTHORITY) even though the partition itself cannot print.
 */
import type { u64 } from 'tsnc';
import { H_PUT_TERM_CHAR, CONSOLE, hcall } from './lib';

export function guestMain(_fdt: u64): u64 {
  const st = hcall(H_PUT_TERM_CHAR, CONSOLE, 3n, 0x6869_0a00_0000_0000n, 0n, 0n, 0n, 0n);   // "hi\n"
  return BigInt.asUintN(64, -BigInt.asIntN(64, st));
}
