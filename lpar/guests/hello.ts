/** Test partition: prints a few lines and halts with status 0. */
import { load32, type u64 } from 'tsnc';
import { printNumber, println } from './lib';

/** Entry point (r3 = the device tree the hypervisor built for this partition). */
export function guestMain(fdt: u64): u64 {
  println('hello from a tshype partition');
  printNumber('device tree magic check: ', load32(fdt) === 0xd00dfeed ? 1 : 0);
  let sum = 0;
  for (let i = 1; i <= 100; i++) sum += i;
  printNumber('1 + 2 + ... + 100 = ', sum);
  println('goodbye');
  return 0n;
}
