/**
 * The isolation attacker (issue 9), run by every partition of lpar/configs/isolation.ts. The
 * scheduler runs partitions round robin in configuration order; H_CONFER(-1) hands the
 * processor to the next one. Each partition:
 *
 *   1. reads every register it can touch and keeps what it found (compared with the reset
 *      values a fresh partition must see, after step 2's first fill): the first partition to
 *      run sees a fresh processor, every later one proves that nothing of the ones before
 *      reached it;
 *   2. ROUNDS times: fills every register with a pattern of its own (from its name in the
 *      device tree, and the round) and sets DEC, reads it all back at once (the pattern must
 *      stick: this checks the test's model of each register, and state across any preemption),
 *      only then prints what the last comparisons found, spins SPIN_TICKS so that the other
 *      partitions' turns take measurable time, and yields; once it runs again it reads
 *      everything and compares it with its pattern, so a value another partition wrote, a
 *      reset value or any other change is found (SLB entries may also read as empty: a radix
 *      partition need not keep them). Filling before printing means that the next partition
 *      finds this one's pattern in whatever the hypervisor does not switch;
 *   3. makes hcalls from problem state, which must be refused with H_PRIVILEGE (or reflected to
 *      the partition as a system call) and change nothing;
 *   4. reports its totals with H_TSHYPE_REPORT (the hypervisor sums them into
 *      `[hv] isolation: N checks, M leaks` and fails the run if M > 0); tries H_TSHYPE_HALT
 *      (status 0xbad) from problem state, which must be refused too (if it is not, the
 *      partition halts there with 0xbad and never prints its totals), reports that check,
 *      prints its totals and halts (status 1 if it found leaks).
 *
 * A check is one register compared once: every VSR (the FPRs are their doubleword 0, the VRs
 * are VSR 32-63), FPSCR, VSCR, every row of state.S's SPR table, every SLB entry and DEC, in
 * every pass and every read-back, and each problem-state hcall. A register the hypervisor
 * refuses (a facility unavailable or program interrupt on access, which the issue allows for
 * PMU and EBB) cannot leak: it counts as a check and is printed once as `refused`. Every
 * mismatch prints a `leak:` line with the register, what was read and what was expected.
 */
import { load8, mftb, type u64 } from 'tsnc';
import {
  H_CONFER, H_PRIVILEGE, H_PUT_TERM_CHAR, H_REGISTER_PROC_TBL, H_SUCCESS, H_TSHYPE_HALT,
  H_TSHYPE_REPORT, CONSOLE, hcall,
} from './lib';
import {
  SLB_ENTRIES, SprField, guardVector, hcallReflected, problemStateHcall, stateDecRead, stateDecWrite,
  stateFacilities, stateFpscrRead, stateFpscrWrite, stateSlbRead, stateSlbWrite, stateSprCount,
  stateSprInfo, stateSprRead, stateSprWrite, stateVscrRead, stateVscrWrite, stateVsrLoad, stateVsrSave,
  userMapInit,
} from './cpustate';
import { endLine, put, putDecimal, putHex, putStringAt } from './line';
import { ALL, decPattern, identify, ordinal, pattern, seed } from './pattern';

/** Fill-yield-check rounds after the first (reset) pass. */
const ROUNDS = 3;
/**
 * Timebase ticks each partition spins before it yields (8 ms at QEMU's 512 MHz, more than a
 * slice of lpar/configs/isolation.ts, so the spin is also preempted): a DEC that stops while
 * its partition is away is then off by far more than DEC_SLACK.
 */
const SPIN_TICKS: u64 = 0x400000n;
/** How far DEC may be from "what was set minus the ticks since" (1 ms at 512 MHz). */
const DEC_SLACK: u64 = 0x80000n;
/** A fresh partition's DEC counts down from this... */
const DEC_RESET: u64 = 0x7fffffffn;
/** ...so its first read is at least this (0x1fffffff ticks, 1 s at 512 MHz, after it started). */
const DEC_FRESH: u64 = 0x60000000n;
/** Where userMapInit builds the problem-state map (above the image, its BSS and tsnc's arena). */
const USER_MAP: u64 = 0x400000n;
/** H_REGISTER_PROC_TBL flags: a new radix process table. */
const PROC_TABLE_NEW_RADIX: u64 = 0x1cn;

/** FPSCR fields a pattern sets: VE OE UE ZE XE NI RN (bits 56-63); no exception bit, so FEX stays 0. */
const FPSCR_MASK: u64 = 0xffn;
/** VSCR: NJ and SAT; NJ is set at reset. */
const VSCR_MASK: u64 = 0x10001n;
const VSCR_RESET: u64 = 0x10000n;

// The registers compared ("items"), each as two doublewords in the arrays: VSR i at 2i, 2i + 1
// (so that stateVsrSave/Load use the arrays directly), then FPSCR, VSCR, the SPR rows and the
// SLB entries (ESID, VSID).
const ITEM_FPSCR = 64;
const ITEM_VSCR = 65;
const ITEM_SPR = 66;
const MAX_SPRS = 64;
const MAX_ITEMS = ITEM_SPR + MAX_SPRS + SLB_ENTRIES;

/** What the pass capture (`seen`) must match: reset values, then this partition's last pattern. */
const expected = new BigUint64Array(2 * MAX_ITEMS);
/** The pattern fill() wrote last. */
const want = new BigUint64Array(2 * MAX_ITEMS);
/** The vector that refused an item's access (0: never refused), and whether that was printed. */
const refusedBy = new Int32Array(MAX_ITEMS);
const refusalPrinted = new Uint8Array(MAX_ITEMS);

let sprs = 0;
let items = 0;
/** DEC as fill() set it last, and the timebase then. */
let decSet: u64 = 0n;
let decSetTb: u64 = 0n;

let checks = 0;
let leaks = 0;
let reportedChecks = 0;
let reportedLeaks = 0;


// ---- items --------------------------------------------------------------------------------

function isSpr(item: number): boolean {
  return item >= ITEM_SPR && item < ITEM_SPR + sprs;
}

function isSlb(item: number): boolean {
  return item >= ITEM_SPR + sprs;
}

function sprInfo(item: number, field: SprField): u64 {
  return stateSprInfo(BigInt(item - ITEM_SPR), BigInt(field));
}

/** Append the item's name: "VSR 37 (VR 5)", "FPSCR", "PMC1", "SLB 4". */
function putItemName(item: number): void {
  if (item < 64) {
    put('VSR ');
    putDecimal(item);
    put(item < 32 ? ' (FPR ' : ' (VR ');
    putDecimal(item < 32 ? item : item - 32);
    put(')');
  } else if (item === ITEM_FPSCR) put('FPSCR');
  else if (item === ITEM_VSCR) put('VSCR');
  else if (isSpr(item)) putStringAt(sprInfo(item, SprField.Name));
  else {
    put('SLB ');
    putDecimal(item - ITEM_SPR - sprs);
  }
}

/** Append an item's value from `a`: one doubleword, or two (VSR, SLB ESID:VSID) joined by ':'. */
function putValue(a: BigUint64Array, item: number): void {
  putHex(a[2 * item]);
  if (item < 64 || isSlb(item)) {
    put(':');
    putHex(a[2 * item + 1]);
  }
}

/** The index of the SPR row called `s`, or -1. */
function sprRow(s: string): number {
  for (let j = 0; j < sprs; j++) {
    const at = stateSprInfo(BigInt(j), BigInt(SprField.Name));
    let same = true;
    for (let i = 0; i <= s.length && same; i++) {
      same = load8(BigInt.asUintN(64, at + BigInt(i))) === (i < s.length ? s.charCodeAt(i) : 0);
    }
    if (same) return j;
  }
  return -1;
}

// ---- reading and writing everything -------------------------------------------------------

/** One reading of every register: the values (as `want`), DEC, the timebase, DEC's allowed range. */
class Capture {
  readonly values = new BigUint64Array(2 * MAX_ITEMS);
  dec: u64 = 0n;
  tb: u64 = 0n;
  decLowest: u64 = 0n;
  decHighest: u64 = 0n;
}

/** The registers as found at the start of a pass, and as read back right after fill(). */
const seen = new Capture();
const back = new Capture();

/** Note that `item`'s access was refused, if it was (reportRefusals prints it). */
function noteRefusal(item: number): void {
  const v = Number(guardVector());
  if (v !== 0 && refusedBy[item] === 0) refusedBy[item] = v;
}

/** Print each refusal once. */
function reportRefusals(): void {
  for (let item = 0; item < items; item++) {
    if (refusedBy[item] === 0 || refusalPrinted[item] !== 0) continue;
    refusalPrinted[item] = 1;
    put('refused: ');
    putItemName(item);
    put(' (vector ');
    putHex(BigInt(refusedBy[item]));
    put(')');
    endLine();
  }
}

/**
 * Read every register into `c`, DEC and the timebase first, and work out the range DEC must be
 * in: [DEC_FRESH, DEC_RESET] at the start (`round` 0), else what fill() set minus the ticks
 * since, within DEC_SLACK. Prints nothing (no hcall, so no switch, between fill and its read-back).
 */
function capture(c: Capture, round: number): void {
  c.dec = stateDecRead() & 0xffffffffn;
  c.tb = mftb();
  const v = c.values;
  stateVsrSave(v);
  v[2 * ITEM_FPSCR] = stateFpscrRead();
  v[2 * ITEM_VSCR] = stateVscrRead();
  for (let j = 0; j < sprs; j++) {
    v[2 * (ITEM_SPR + j)] = stateSprRead(BigInt(j));
    noteRefusal(ITEM_SPR + j);
  }
  for (let k = 0; k < SLB_ENTRIES; k++) {
    const item = ITEM_SPR + sprs + k;
    v[2 * item] = stateSlbRead(BigInt(k), 0n);
    v[2 * item + 1] = stateSlbRead(BigInt(k), 1n);
    noteRefusal(item);
  }
  c.decLowest = DEC_FRESH;
  c.decHighest = DEC_RESET;
  if (round === 0) return;
  const dec: u64 = BigInt.asUintN(64, decSet - BigInt.asUintN(64, c.tb - decSetTb));
  c.decLowest = BigInt.asUintN(64, dec - DEC_SLACK);
  c.decHighest = BigInt.asUintN(64, dec + DEC_SLACK);
}

/** Set `expected` to what a fresh partition must read. */
function expectReset(): void {
  expected.fill(0n);
  expected[2 * ITEM_VSCR] = VSCR_RESET;
  for (let j = 0; j < sprs; j++) expected[2 * (ITEM_SPR + j)] = sprInfo(ITEM_SPR + j, SprField.Reset);
}

/** Set `expected` to the pattern written last (SLB entries as read back). */
function expectWant(): void {
  for (let i = 0; i < 2 * items; i++) expected[i] = want[i];
}

/** Set `want` to this partition's patterns for `round` and write them all, DEC last. */
function fill(round: number): void {
  for (let i = 0; i < 128; i++) want[i] = pattern(ALL, 0n, round, i);
  want[2 * ITEM_FPSCR] = pattern(FPSCR_MASK, 0n, round, 2 * ITEM_FPSCR);
  want[2 * ITEM_VSCR] = pattern(VSCR_MASK, VSCR_RESET, round, 2 * ITEM_VSCR);
  for (let j = 0; j < sprs; j++) {
    const item = ITEM_SPR + j;
    const mask = sprInfo(item, SprField.Mask);
    want[2 * item] = pattern(mask, sprInfo(item, SprField.Reset), round, 2 * item) | sprInfo(item, SprField.Set);
  }
  stateVsrLoad(want);
  stateFpscrWrite(want[2 * ITEM_FPSCR]);
  stateVscrWrite(want[2 * ITEM_VSCR]);
  for (let j = 0; j < sprs; j++) {
    stateSprWrite(BigInt(j), want[2 * (ITEM_SPR + j)]);
    noteRefusal(ITEM_SPR + j);
  }
  for (let k = 0; k < SLB_ENTRIES; k++) {
    const item = ITEM_SPR + sprs + k;
    stateSlbWrite(BigInt(k), pattern(ALL, 0n, round, 2 * item), pattern(ALL, 0n, round, 2 * item + 1));
    noteRefusal(item);
  }
  decSet = decPattern(round);
  stateDecWrite(decSet);
  decSetTb = mftb();
}

// ---- comparing ----------------------------------------------------------------------------

function putPhase(round: number): void {
  if (round === 0) put(' at start');
  else {
    put(' after switch ');
    putDecimal(round);
  }
}

/** Is `item` in `c` as in `ref` (or refused, or, after a switch, an SLB entry emptied)? */
function itemOk(c: Capture, item: number, ref: BigUint64Array, round: number): boolean {
  if (refusedBy[item] !== 0) return true;
  const hi = c.values[2 * item], lo = c.values[2 * item + 1];
  if (hi === ref[2 * item] && lo === ref[2 * item + 1]) return true;
  return round > 0 && isSlb(item) && hi === 0n && lo === 0n;
}

/** The reset value of `item` (what expectReset sets), for telling "state lost" from a foreign value. */
function resetHi(item: number): u64 {
  if (item === ITEM_VSCR) return VSCR_RESET;
  return isSpr(item) ? sprInfo(item, SprField.Reset) : 0n;
}

/** Start a line "<what>: <item> = <value in c> expected <value in ref>". */
function putMismatch(what: string, c: Capture, item: number, ref: BigUint64Array): void {
  put(what);
  putItemName(item);
  put(' = ');
  putValue(c.values, item);
  put(' expected ');
  putValue(ref, item);
}

/** Is DEC in `c` in its range? If not, start a line "<what>DEC = <dec> expected <range>". */
function decOk(c: Capture, what: string): boolean {
  if (c.dec >= c.decLowest && c.dec <= c.decHighest) return true;
  put(what);
  put('DEC = ');
  putHex(c.dec);
  put(' expected ');
  putHex(c.decLowest);
  put('..');
  putHex(c.decHighest);
  return false;
}

/** Compare every item of `seen` with `expected`, and DEC (pass `round`: 0 is the reset pass); print leaks. */
function compareAll(round: number): void {
  for (let item = 0; item < items; item++) {
    checks++;
    if (itemOk(seen, item, expected, round)) continue;
    leaks++;
    putMismatch('leak: ', seen, item, expected);
    putPhase(round);
    const v = seen.values;
    if (round > 0 && v[2 * item] === resetHi(item) && v[2 * item + 1] === 0n) put(' (reset value: state lost)');
    endLine();
  }
  checks++;
  if (decOk(seen, 'leak: ')) return;
  leaks++;
  putPhase(round);
  endLine();
}

/**
 * Compare what was read back right after fill() with what it wrote. Nothing the partition does
 * switches partitions in between, but the hypervisor may preempt it there: a mismatch is state
 * lost or leaked over that switch (or the test's idea of a register is wrong, which a run on a
 * correct hypervisor shows). SLB entries are kept as read back (the hardware's format), as long
 * as they read as valid.
 */
function checkReadBack(round: number): void {
  const v = back.values;
  for (let item = 0; item < items; item++) {
    checks++;
    if (isSlb(item)) {
      want[2 * item] = v[2 * item];
      want[2 * item + 1] = v[2 * item + 1];
      if (refusedBy[item] !== 0 || v[2 * item] !== 0n) continue;
    } else if (itemOk(back, item, want, 0)) continue;
    leaks++;
    putMismatch('leak: ', back, item, want);
    putJustWritten(round);
  }
  checks++;
  if (decOk(back, 'leak: ')) return;
  leaks++;
  putJustWritten(round);
}

function putJustWritten(round: number): void {
  put(' right after writing it in round ');
  putDecimal(round);
  endLine();
}

// ---- problem state ------------------------------------------------------------------------

/** Bytes of the console line a problem-state H_PUT_TERM_CHAR would print: "PR HCALL RAN\n". */
const MARKER_HI: u64 = 0x50522048_43414c4cn;
const MARKER_LO: u64 = 0x2052414e_0a000000n;
const MARKER_LENGTH: u64 = 13n;

/** Was a problem-state hcall's result a refusal (H_PRIVILEGE, or reflected as a system call)? */
function refused(status: u64): boolean {
  return status === H_PRIVILEGE || status === hcallReflected();
}

function leakHcall(what: string, status: u64): void {
  put('leak: problem-state ');
  put(what);
  put(' returned ');
  putHex(status);
  put(' expected H_PRIVILEGE');
  endLine();
}

/**
 * Map this code for problem state; false (and a line) if the hypervisor will not register the
 * process table. PIDR = 0 (quadrant 0 uses process-table entry PIDR), DEC far from expiring.
 */
function enterableProblemState(): boolean {
  userMapInit(USER_MAP);
  const st = hcall(H_REGISTER_PROC_TBL, PROC_TABLE_NEW_RADIX, USER_MAP, 0n, 0n, 0n, 0n, 0n);
  const pidr = sprRow('PIDR');
  if (pidr >= 0) stateSprWrite(BigInt(pidr), 0n);
  stateDecWrite(DEC_RESET);
  if (st === H_SUCCESS) return true;
  leaks++;
  put('cannot register the problem-state process table: ');
  putHex(st);
  endLine();
  return false;
}

/**
 * (b) hcalls from problem state: H_PUT_TERM_CHAR (it would print the marker line) and
 * H_TSHYPE_REPORT of one check and one leak (accepted, the hypervisor itself would count the
 * leak, so it is not counted here again) must come back refused.
 */
function problemStateHcalls(): void {
  const put1 = problemStateHcall(H_PUT_TERM_CHAR, CONSOLE, MARKER_LENGTH, MARKER_HI, MARKER_LO);
  checks++;
  if (!refused(put1)) {
    leaks++;
    leakHcall('H_PUT_TERM_CHAR', put1);
  }
  const report = problemStateHcall(H_TSHYPE_REPORT, 1n, 1n, 0n, 0n);
  if (report === H_SUCCESS) {
    leakHcall('H_TSHYPE_REPORT', report);   // counted by the hypervisor
    return;
  }
  checks++;
  if (!refused(report)) {
    leaks++;
    leakHcall('H_TSHYPE_REPORT', report);
  }
}

/** Send the checks and leaks not reported yet to the hypervisor. */
function reportTotals(): void {
  hcall(H_TSHYPE_REPORT, BigInt(checks - reportedChecks), BigInt(leaks - reportedLeaks), 0n, 0n, 0n, 0n, 0n);
  reportedChecks = checks;
  reportedLeaks = leaks;
}

// ---- the protocol -------------------------------------------------------------------------

function spin(ticks: u64): void {
  const t0 = mftb();
  while (BigInt.asUintN(64, mftb() - t0) < ticks) {
    // let time pass on this partition's clock
  }
}

/** The first line: how much is compared, the seed, facilities that could not be enabled. */
function sayHello(facilities: u64): void {
  put('attacking: ');
  putDecimal(items + 1);
  put(' registers per pass, partition number ');
  putDecimal(ordinal);
  put(', seed ');
  putHex(seed);
  if ((facilities & 1n) === 0n) put('; cannot enable FP, VMX and VSX');
  if ((facilities & 2n) === 0n) put('; cannot enable TM');
  endLine();
}

/** Entry point (r3 = the device tree). Returns 0, or 1 if it found leaks. */
export function guestMain(fdtAddr: u64): u64 {
  identify(fdtAddr);
  sprs = Math.min(Number(stateSprCount()), MAX_SPRS);
  items = ITEM_SPR + sprs + SLB_ENTRIES;
  const facilities = stateFacilities();
  capture(seen, 0);
  expectReset();
  // fill and read back first, compare and print after: the next partition must find this
  // one's pattern, and nothing may switch partitions between fill and read-back
  for (let round = 1; round <= ROUNDS; round++) {
    fill(round);
    capture(back, round);
    if (round === 1) sayHello(facilities);
    reportRefusals();
    compareAll(round - 1);
    checkReadBack(round);
    expectWant();
    spin(SPIN_TICKS);
    hcall(H_CONFER, 0xffffffffffffffffn, 0n, 0n, 0n, 0n, 0n, 0n);
    stateFacilities();
    capture(seen, round);
  }
  reportRefusals();
  compareAll(ROUNDS);
  if (enterableProblemState()) problemStateHcalls();
  reportTotals();
  const halted = problemStateHcall(H_TSHYPE_HALT, 0xbadn, 0n, 0n, 0n);
  checks++;
  if (!refused(halted)) {
    leaks++;
    leakHcall('H_TSHYPE_HALT', halted);
  }
  reportTotals();
  put('isolation: ');
  putDecimal(items + 1);
  put(' registers, ');
  putDecimal(2 * ROUNDS + 1);
  put(' passes, ');
  putDecimal(checks);
  put(' checks, ');
  putDecimal(leaks);
  put(' leaks');
  endLine();
  return leaks > 0 ? 1n : 0n;
}

/**
 * An interrupt the partition did not expect (vectors.S calls it, on its own stack): print it,
 * report it as a leak (the run must fail) and halt with status 0x10000 + vector.
 */
export function guestInterrupt(vector: u64, srr0: u64, srr1: u64): void {
  put('unexpected interrupt ');
  putHex(vector);
  put(' at ');
  putHex(srr0);
  put(', SRR1 ');
  putHex(srr1);
  endLine();
  leaks++;
  reportTotals();
  hcall(H_TSHYPE_HALT, BigInt.asUintN(64, 0x10000n + vector), 0n, 0n, 0n, 0n, 0n, 0n);
}
