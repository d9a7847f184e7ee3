/** The vTPM partition (work in progress): says it does not serve yet and halts with status 1. */
import type { u64 } from 'tsnc';
import { println } from './lib';

export function guestMain(_fdt: u64): u64 {
  println('vtpm: not serving yet');
  return 1n;
}
