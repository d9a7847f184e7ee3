/** The vTPM test client (work in progress): says it does nothing yet and halts with status 1. */
import type { u64 } from 'tsnc';
import { println } from './lib';

export function guestMain(_fdt: u64): u64 {
  println('vtpm client: not written yet');
  return 1n;
}
