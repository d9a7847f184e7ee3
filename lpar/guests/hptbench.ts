/**
 * Benchmark partition for the HPT calls (Program.HptBench, `hpt = true`, powernv only;
 * make bench-hv): HPT_BENCH_CALLS H_ENTERs of 4 KiB pages, one per group, then as many
 * H_REMOVEs of what they entered, and before both the same loop with the `sc 1` left out
 * (noHcall). Each loop lies between two benchMarkA marks, so the instruction-count plugin
 * (marks=1) gives the instructions of each loop in one run; scripts/bench/bench-hv.cjs
 * subtracts the baseline. Prints its failures and halts with their count.
 */
import type { u64 } from 'tsnc';
import { benchMarkA, hcall, hcallOut, noHcall, printNumber } from './lib';
import { HPT_BENCH_CALLS } from './bench';

const H_REMOVE: u64 = 0x04n, H_ENTER: u64 = 0x08n;
const VSID: u64 = 0x3c3c3n;
const R_M: u64 = 0x10n, PP_RW: u64 = 0x2n;
/** A logical page of the partition the mappings point at (every entry maps the same page). */
const PAGE: u64 = 0x800000n;

const slots = new BigUint64Array(HPT_BENCH_CALLS);

/** H_ENTER's arguments for call i: group i's first entry, page i of the segment. */
function pteh(i: number): u64 {
  return BigInt.asUintN(64, (VSID << 12n) | (BigInt(i >> 11) << 7n)) | 0x1n;
}

export function guestMain(_fdt: u64): u64 {
  let failures = 0;
  benchMarkA();
  for (let i = 0; i < HPT_BENCH_CALLS; i++) {
    if (noHcall(H_ENTER, 0n, BigInt(i * 8), pteh(i), PAGE | R_M | PP_RW, 0n, 0n, 0n) !== 0n) failures++;
    slots[i] = hcallOut(0n);
  }
  benchMarkA();
  benchMarkA();
  for (let i = 0; i < HPT_BENCH_CALLS; i++) {
    if (hcall(H_ENTER, 0n, BigInt(i * 8), pteh(i), PAGE | R_M | PP_RW, 0n, 0n, 0n) !== 0n) failures++;
    slots[i] = hcallOut(0n);
  }
  benchMarkA();
  benchMarkA();
  for (let i = 0; i < HPT_BENCH_CALLS; i++) {
    if (noHcall(H_REMOVE, 0n, slots[i], 0n, 0n, 0n, 0n, 0n) !== 0n) failures++;
  }
  benchMarkA();
  benchMarkA();
  for (let i = 0; i < HPT_BENCH_CALLS; i++) {
    if (hcall(H_REMOVE, 0n, slots[i], 0n, 0n, 0n, 0n, 0n) !== 0n) failures++;
  }
  benchMarkA();
  printNumber('hptbench: failures ', failures);
  return BigInt(failures);
}
