/**
 * Test partition for hashed page tables (Program.HptTest; a partition with `hpt = true`,
 * powernv only): enters mappings with H_ENTER, reads them back with H_READ, loads its own SLB
 * entries and touches memory through them with data relocation on (arch/ppc64/guest/hpt.S),
 * protects, removes and bulk-removes them and checks that the removed or protected page then
 * faults (so the hypervisor invalidated the TLB), and checks every error path natively:
 * logical pages outside its memory, indexes outside the HPT, full slots, flags and encodings
 * not offered. Prints `hpt: N checks, M failures` and halts with M.
 */
import { load64, store64, type u64 } from 'tsnc';
import { Fdt, FdtStatus } from '../fdt';
import { hcall, hcallOut, H_SUCCESS, printNumber, println } from './lib';

/** SLB and relocated accesses (arch/ppc64/guest/hpt.S). */
declare function hptSlbSet(rs: u64, rb: u64): void;
declare function hptLoad(ea: u64): u64;
declare function hptStore(ea: u64, value: u64): void;
/** The vector that refused the last guarded access, 0 if it completed (vectors.S). */
declare function guardVector(): u64;

const H_REMOVE: u64 = 0x04n, H_ENTER: u64 = 0x08n, H_READ: u64 = 0x0cn, H_CLEAR_MOD: u64 = 0x10n;
const H_CLEAR_REF: u64 = 0x14n, H_PROTECT: u64 = 0x18n, H_BULK_REMOVE: u64 = 0x124n, H_CLEAR_HPT: u64 = 0x358n;
const H_PTEG_FULL: u64 = 0xfffffffffffffffan;   // -6
const H_PARAMETER: u64 = 0xfffffffffffffffcn;   // -4
const H_NOT_FOUND: u64 = 0xfffffffffffffff9n;   // -7
const H_EXACT: u64 = 0x8000000000n, H_READ_4: u64 = 0x2000000000n, H_AVPN: u64 = 0x80000000n;

const V_VALID: u64 = 0x1n, V_LARGE: u64 = 0x4n;
const R_R: u64 = 0x100n, R_C: u64 = 0x80n, R_I: u64 = 0x20n, R_M: u64 = 0x10n, PP_RW: u64 = 0x2n, PP_RO: u64 = 0x3n;
const LP_64K: u64 = 0x1000n;
const BULK_REQUEST: u64 = 0x4000000000000000n, BULK_END: u64 = 0xc000000000000000n;
const BULK_RESPONSE: u64 = 0x8000000000000000n, BULK_AVPN: u64 = 0x0200000000000000n;
const BULK_CODE: u64 = 0x3000000000000000n, BULK_TYPE: u64 = 0xc000000000000000n;

/** The two segments of the test: 256 MiB, 4 KiB pages at EA 0x10000000; 64 KiB pages at 0x20000000. */
const VSID_4K: u64 = 0x5a5a5n;
const VSID_64K: u64 = 0x6b6b6n;
const EA_4K: u64 = 0x10000000n;
const EA_64K: u64 = 0x20000000n;
const SLB_V: u64 = 0x8000000n;
const SLB_LLP_64K: u64 = 0x110n;
const VSID_SHIFT = 12n;
/** The data storage interrupt a refused relocated access takes. */
const DSI: u64 = 0x300n;

/** a + b, wrapped to 64 bits. */
function add(a: u64, b: u64): u64 {
  return BigInt.asUintN(64, a + b);
}

let checks = 0;
let failures = 0;

function check(what: string, ok: boolean): void {
  checks++;
  if (!ok) {
    failures++;
    println(what);
  }
}

function expectStatus(what: string, got: u64, want: u64): void {
  checks++;
  if (got !== want) {
    failures++;
    println(what);
    printNumber('  unexpected status, low 32 bits: ', Number(got & 0xffffffffn));
  }
}

function call(op: u64, a1: u64, a2: u64, a3: u64, a4: u64): u64 {
  return hcall(op, a1, a2, a3, a4, 0n, 0n, 0n);
}

/** What the tree says: memory size and log2 of the HPT size (ibm,pft-size). */
let memSize: u64 = 0n;
let hptOrder = 0;
const tree = new Fdt();

function readTree(fdt: u64): boolean {
  if (tree.open(fdt, 0x10000) !== FdtStatus.Ok) return false;
  const mem = tree.findProp(tree.pathOffset('/memory'), 'reg');
  const cpu = tree.firstChild(tree.pathOffset('/cpus'));
  if (mem < 0 || cpu < 0) return false;
  const pft = tree.findProp(cpu, 'ibm,pft-size');
  if (pft < 0) return false;
  memSize = tree.propCells(mem, 2, 2);
  hptOrder = tree.propCell(pft, 1);
  return true;
}

/** The first entry of the primary group of page `page` (of 2^shift bytes) in a 256 MiB segment. */
function groupOf(vsid: u64, page: u64): u64 {
  const groups: u64 = BigInt.asUintN(64, (1n << BigInt(hptOrder - 7)) - 1n);
  return BigInt.asUintN(64, ((vsid ^ page) & groups) << 3n);
}

/** Doubleword 0 of an entry in a 256 MiB segment at byte offset `off` of the segment. */
function pteh(vsid: u64, off: u64, large: boolean): u64 {
  return BigInt.asUintN(64, (vsid << VSID_SHIFT) | ((off >> 23n) << 7n)) | (large ? V_LARGE : 0n) | V_VALID;
}

/** Enter 4 KiB page `k` of the 4 KiB segment for logical page `la`; returns the slot (or ~0 on failure). */
function enter4k(k: u64, la: u64, pp: u64): u64 {
  const st = call(H_ENTER, 0n, groupOf(VSID_4K, k), pteh(VSID_4K, BigInt.asUintN(64, k << 12n), false), la | R_M | pp);
  expectStatus('H_ENTER 4 KiB', st, H_SUCCESS);
  return st === H_SUCCESS ? hcallOut(0n) : 0xffffffffffffffffn;
}

/** Enter, read back, touch through the SLB (load and store both ways) a 4 KiB and a 64 KiB page. */
function mapAndTouch(la: u64, la64: u64): u64 {
  hptSlbSet(BigInt.asUintN(64, VSID_4K << VSID_SHIFT), EA_4K | SLB_V | 1n);
  hptSlbSet(BigInt.asUintN(64, VSID_64K << VSID_SHIFT) | SLB_LLP_64K, EA_64K | SLB_V | 2n);
  const slot = enter4k(0n, la, PP_RW);
  check('H_ENTER chose a slot of the group', (slot & ~7n) === groupOf(VSID_4K, 0n));
  expectStatus('H_READ', call(H_READ, 0n, slot, 0n, 0n), H_SUCCESS);
  check('H_READ returns the entered doubleword 0', hcallOut(0n) === pteh(VSID_4K, 0n, false));
  check('H_READ returns the logical page', (hcallOut(1n) & 0x0ffffffffffff000n) === la);
  store64(la, 0x1122334455667788n);
  check('a load through the HPT reads what real mode wrote', hptLoad(EA_4K) === 0x1122334455667788n);
  check('  ... without a fault', guardVector() === 0n);
  hptStore(EA_4K + 8n, 0x0badc0ffeen);
  check('a store through the HPT lands in the logical page', load64(add(la, 8n)) === 0x0badc0ffeen);
  expectStatus('H_READ after the accesses', call(H_READ, 0n, slot, 0n, 0n), H_SUCCESS);
  check('the MMU set R and C in the entry', (hcallOut(1n) & (R_R | R_C)) === (R_R | R_C));

  const st64 = call(H_ENTER, 0n, groupOf(VSID_64K, 0n), pteh(VSID_64K, 0n, true), la64 | LP_64K | R_M | PP_RW);
  expectStatus('H_ENTER 64 KiB', st64, H_SUCCESS);
  store64(add(la64, 0x8000n), 0x6464646464646464n);
  check('a 64 KiB page maps its whole 64 KiB', hptLoad(EA_64K + 0x8000n) === 0x6464646464646464n);
  return slot;
}

/** H_PROTECT to read-only: loads work, a store faults and changes nothing. */
function protect(slot: u64, la: u64): void {
  const avpn: u64 = pteh(VSID_4K, 0n, false) & ~0x7fn;
  expectStatus('H_PROTECT wrong AVPN', call(H_PROTECT, H_AVPN | PP_RO, slot, avpn ^ 0x80n, 0n), H_NOT_FOUND);
  expectStatus('H_PROTECT read-only', call(H_PROTECT, H_AVPN | PP_RO, slot, avpn, 0n), H_SUCCESS);
  check('a protected page still reads', hptLoad(EA_4K) === 0x1122334455667788n);
  hptStore(EA_4K, 0x5555n);
  check('a store to a read-only page faults', guardVector() === DSI);
  check('  ... and changes nothing', load64(la) === 0x1122334455667788n);
  expectStatus('H_CLEAR_REF', call(H_CLEAR_REF, 0n, slot, 0n, 0n), H_SUCCESS);
  check('H_CLEAR_REF returns R set', (hcallOut(0n) & R_R) !== 0n);
  expectStatus('H_CLEAR_MOD', call(H_CLEAR_MOD, 0n, slot, 0n, 0n), H_SUCCESS);
  expectStatus('H_READ after the clears', call(H_READ, 0n, slot, 0n, 0n), H_SUCCESS);
  check('R and C are clear', (hcallOut(1n) & (R_R | R_C)) === 0n);
}

/** H_REMOVE: a wrong AVPN is H_NOT_FOUND; the right one removes it, and the page then faults. */
function remove(slot: u64): void {
  const avpn: u64 = pteh(VSID_4K, 0n, false) & ~0x7fn;
  expectStatus('H_REMOVE wrong AVPN', call(H_REMOVE, H_AVPN, slot, avpn ^ 0x100n, 0n), H_NOT_FOUND);
  expectStatus('H_REMOVE', call(H_REMOVE, H_AVPN, slot, avpn, 0n), H_SUCCESS);
  check('H_REMOVE returns the old doubleword 0', hcallOut(0n) === pteh(VSID_4K, 0n, false));
  hptLoad(EA_4K);
  check('a removed page faults (the TLB was invalidated)', guardVector() === DSI);
  expectStatus('H_REMOVE again', call(H_REMOVE, 0n, slot, 0n, 0n), H_NOT_FOUND);
}

/** H_BULK_REMOVE of three entered pages: each response SUCCESS, each page faults afterwards. */
function bulk(la: u64): void {
  const s1 = enter4k(1n, add(la, 0x1000n), PP_RW), s2 = enter4k(2n, add(la, 0x2000n), PP_RW), s3 = enter4k(3n, add(la, 0x3000n), PP_RW);
  store64(add(la, 0x2000n), 0x2222n);
  check('bulk: page 2 reads through the HPT', hptLoad(EA_4K + 0x2000n) === 0x2222n);
  expectStatus('H_READ_4', call(H_READ, H_READ_4, s1, 0n, 0n), H_SUCCESS);
  let valid = 0;
  for (let i = 0n; i < 8n; i = BigInt.asUintN(64, i + 2n)) if ((hcallOut(i) & V_VALID) !== 0n) valid++;
  check('H_READ_4 sees the entries of its aligned four', valid >= 1);
  const a1: u64 = pteh(VSID_4K, 0x1000n, false) & ~0x7fn;
  const st = hcall(H_BULK_REMOVE, BULK_REQUEST | BULK_AVPN | s1, a1, BULK_REQUEST | s2, 0n, BULK_REQUEST | s3, 0n, BULK_END);
  expectStatus('H_BULK_REMOVE', st, H_SUCCESS);
  for (let i = 0n; i < 6n; i = BigInt.asUintN(64, i + 2n)) {
    check('bulk: a SUCCESS response', (hcallOut(i) & (BULK_TYPE | BULK_CODE)) === BULK_RESPONSE);
  }
  hptLoad(EA_4K + 0x2000n);
  check('bulk: a removed page faults', guardVector() === DSI);
  const bad = hcall(H_BULK_REMOVE, BULK_REQUEST | s1, 0n, 0x1234n, 0n, BULK_END, 0n, 0n);
  expectStatus('H_BULK_REMOVE with a malformed specifier', bad, H_PARAMETER);
}

/** Every error path: pages outside the partition, indexes outside the HPT, encodings refused. */
function errors(la: u64): void {
  const entries: u64 = BigInt.asUintN(64, 1n << BigInt(hptOrder - 4));
  const v = pteh(VSID_4K, 0n, false);
  let refused = 0, tried = 0;
  for (let i = 0n; i < 64n; i = BigInt.asUintN(64, i + 1n)) {             // the pages just above the partition
    tried++;
    if (call(H_ENTER, 0n, 0n, v, BigInt.asUintN(64, memSize + (i << 12n)) | R_M) === H_PARAMETER) refused++;
  }
  for (let s = 0n; s < 48n; s = BigInt.asUintN(64, s + 1n)) {            // and every power of two from memSize up
    const page: u64 = BigInt.asUintN(64, 1n << s);
    if (page < memSize) continue;
    tried++;
    if (call(H_ENTER, 0n, 0n, v, page | R_M) === H_PARAMETER) refused++;
  }
  tried++;                                           // a 64 KiB page at the end: its first byte is outside
  if (call(H_ENTER, 0n, 0n, v | V_LARGE, memSize | LP_64K | R_M) === H_PARAMETER) refused++;
  check('every logical page outside the partition is refused with H_PARAMETER', refused === tried);
  printNumber('hpt: pages outside refused: ', refused);
  expectStatus('H_ENTER index outside the HPT', call(H_ENTER, 0n, entries, v, la | R_M), H_PARAMETER);
  expectStatus('H_ENTER cache-inhibited memory', call(H_ENTER, 0n, 0n, v, la | R_I | R_M), H_PARAMETER);
  expectStatus('H_ENTER page size not offered', call(H_ENTER, 0n, 0n, v | V_LARGE, la | 0x3000n | R_M), H_PARAMETER);
  expectStatus('H_ENTER in the VRMA segment', call(H_ENTER, 0n, 0n, 0x4001ffffff000001n, la | R_M), H_PARAMETER);
  expectStatus('H_ENTER unknown flag', call(H_ENTER, 0x100000n, 0n, v, la | R_M), H_PARAMETER);
  const slot = enter4k(5n, la, PP_RW);
  expectStatus('H_ENTER H_EXACT on a used slot', call(H_ENTER, H_EXACT, slot, v, la | R_M), H_PTEG_FULL);
  expectStatus('H_READ index outside the HPT', call(H_READ, 0n, entries, 0n, 0n), H_PARAMETER);
  expectStatus('H_REMOVE index outside the HPT', call(H_REMOVE, 0n, entries, 0n, 0n), H_PARAMETER);
  expectStatus('H_PROTECT index outside the HPT', call(H_PROTECT, 0n, entries, 0n, 0n), H_PARAMETER);
  expectStatus('H_CLEAR_REF index outside the HPT', call(H_CLEAR_REF, 0n, entries, 0n, 0n), H_PARAMETER);
  expectStatus('H_CLEAR_HPT', call(H_CLEAR_HPT, 0n, 0n, 0n, 0n), H_SUCCESS);
  hptLoad(EA_4K + 0x5000n);
  check('after H_CLEAR_HPT a mapped page faults', guardVector() === DSI);
  check('after H_CLEAR_HPT real mode still works (the VRMA stayed)', load64(la) === 0x1122334455667788n);
}

export function guestMain(fdt: u64): u64 {
  println('hpt: hashed page table test');
  if (!readTree(fdt)) {
    println('hpt: no ibm,pft-size or memory in the device tree');
    return 1n;
  }
  printNumber('hpt: HPT size log2 ', hptOrder);
  printNumber('hpt: memory MiB ', Number(memSize >> 20n));
  const la: u64 = (memSize >> 1n) & ~0xffffn;          // a page in the middle of the partition
  const la64: u64 = BigInt.asUintN(64, add(la, 0x100000n));
  const slot = mapAndTouch(la, la64);
  protect(slot, la);
  remove(slot);
  bulk(la);
  errors(la);
  printNumber('hpt: checks ', checks);
  printNumber('hpt: failures ', failures);
  return BigInt(failures);
}
