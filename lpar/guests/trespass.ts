/** Test partition: loads from a real address far beyond its own memory. */
import { load64, type u64 } from 'tsnc';
import { printNumber, println } from './lib';

export function guestMain(_fdt: u64): u64 {
  println('reading outside my partition');
  const v = load64(0x3fff0000n);   // 1 GiB - 64 KiB: beyond every partition of the test configurations
  printNumber('read succeeded (wrong): ', Number(v & 0xffffn));
  return 1n;
}
