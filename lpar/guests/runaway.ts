/** Test partition: prints once, then spins forever without an hcall; only the HDEC stops it. */
import type { u64 } from 'tsnc';
import { println } from './lib';

let spins: u64 = 0n;

export function guestMain(_fdt: u64): u64 {
  println('spinning forever');
  while (true) spins = BigInt.asUintN(64, spins + 1n);
}
