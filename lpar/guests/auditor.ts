/**
 * sHype test partition with the audit role: reads the audit log through H_TSHYPE_AUDIT_READ
 * (records into its own memory, two doublewords each) and prints how many there were and the
 * operation and verdict of each. It cedes first so that the other partitions run before it reads.
 */
import { load64, type u64 } from 'tsnc';
import { H_CONFER, hcall, hcallOut, printNumber, println } from './lib';

const H_TSHYPE_AUDIT_READ: u64 = 0x6f04n;
/** Where the records go in this partition's memory, and how many fit. */
const BUFFER: u64 = 0x100000n;
const MAX_RECORDS: u64 = 64n;

export function guestMain(_fdt: u64): u64 {
  // give the other partitions 50 turns first (H_CONFER ends this slice; H_CEDE would wait for work)
  for (let i = 0; i < 50; i++) hcall(H_CONFER, 0xffffffffffffffffn, 0n, 0n, 0n, 0n, 0n, 0n);
  const st = hcall(H_TSHYPE_AUDIT_READ, BUFFER, MAX_RECORDS, 0n, 0n, 0n, 0n, 0n);
  const n = Math.min(Number(hcallOut(0n) & 0xffn), Number(MAX_RECORDS));   // read before the next hcall
  printNumber('audit read status: ', Number(BigInt.asIntN(64, st)));
  printNumber('audit records: ', n);
  for (let i = 0; i < n; i++) {
    const dw1 = load64(BigInt.asUintN(64, BUFFER + BigInt(16 * i) + 8n));
    printNumber('record op: ', Number((dw1 >> 16n) & 0xffn));
  }
  println('auditor done');
  return 0n;
}
