/** Test partition: executes an undefined instruction; the hypervisor must stop it. */
import type { u64 } from 'tsnc';
import { illegalInstruction, println } from './lib';

export function guestMain(_fdt: u64): u64 {
  println('about to execute an illegal instruction');
  illegalInstruction();
  println('still alive after an illegal instruction (wrong)');
  return 1n;
}
