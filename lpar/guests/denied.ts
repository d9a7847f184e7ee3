/**
 * sHype test partition: its label may not use the Platform hcall class. It asks for a random
 * number (H_RANDOM, Platform), reports the status it got (H_AUTHORITY, -10, expected), then
 * tries to read the audit log without the audit role, reports that too, and halts.
 */
import type { u64 } from 'tsnc';
import { H_RANDOM, hcall, printNumber, println } from './lib';

const H_TSHYPE_AUDIT_READ: u64 = 0x6f04n;

export function guestMain(_fdt: u64): u64 {
  println('asking for a random number');
  const st = hcall(H_RANDOM, 0n, 0n, 0n, 0n, 0n, 0n, 0n);
  printNumber('H_RANDOM status: ', Number(BigInt.asIntN(64, st)));
  const audit = hcall(H_TSHYPE_AUDIT_READ, 0x100000n, 64n, 0n, 0n, 0n, 0n, 0n);
  printNumber('audit read status: ', Number(BigInt.asIntN(64, audit)));
  return 0n;
}
