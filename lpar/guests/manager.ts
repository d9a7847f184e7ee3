/**
 * The management partition (Program.Manager): runs the management operations its kernel
 * command line lists, in order, through tshype's management hcalls (docs/hcalls.md), and prints
 * each outcome. An example of driving the hcalls, and the driver of the management system tests.
 * With `worker` on its command line it is instead a partition to be managed: it prints that it
 * runs, then polls its own H_TSHYPE_QUERY flags and halts (status 0) when asked to stop, unless
 * `deaf` is also given (then only the stop's deadline ends it); `polls=N` ends it after N polls.
 *
 * Operations (words of the command line; a TARGET is a partition's name or its LPID):
 *   create:TARGET[:IMAGE[:MEM[:VCPUS]]]   IMAGE a catalog index or '-' (the definition's own)
 *   start:TARGET  stop:TARGET[:MS]  destroy:TARGET  restart:TARGET  entitle:TARGET:PERCENT
 *   query:TARGET  list
 *   wait:TARGET:STATE     poll until the state is STATE (0 empty, 1 created, 2 running,
 *                         3 halted, 4 stopped/crashed), yielding in between; gives up after
 *                         WAIT_POLLS polls
 *   cycles:TARGET:N       N times create then destroy, each checked; prints how many succeeded
 *   pause:N               N yields (H_CONFER): the other partitions run meanwhile
 *   pool                  prints the page pool's free KiB and the free partition memory (LIST)
 * Each prints `manager: OP TARGET -> STATUS` (the hcall's status, signed decimal).
 */
import { store8, type u64 } from 'tsnc';
import { Fdt, FdtStatus } from '../fdt';
import { bootargNumber, readBootargs } from './bootargs';
import { H_CONFER, H_SUCCESS, hcall, hcallOut, println, printBytes, printNumber } from './lib';

const H_TSHYPE_CREATE: u64 = 0x6f20n;
const H_TSHYPE_START: u64 = 0x6f24n;
const H_TSHYPE_STOP: u64 = 0x6f28n;
const H_TSHYPE_DESTROY: u64 = 0x6f2cn;
const H_TSHYPE_RESTART: u64 = 0x6f30n;
const H_TSHYPE_QUERY: u64 = 0x6f34n;
const H_TSHYPE_LIST: u64 = 0x6f38n;
const H_TSHYPE_SET_ENTITLEMENT: u64 = 0x6f3cn;
/** QUERY's "the caller itself". */
const SELF: u64 = 0xffffffffffffffffn;
/** QUERY's flag: a management stop asked this partition to power off. */
const FLAG_STOP: u64 = 1n;
/** Where the name a QUERY looks up is put (logical address, inside every partition's memory). */
const NAME_AT: u64 = 0x200000n;
/** Polls of a wait before it gives up, and the worker's polls before it halts on its own (`polls=N`). */
const WAIT_POLLS = 200000;
const WORKER_POLLS = 50000000;

const args = new Uint8Array(1024);
let argsLength = 0;
const tree = new Fdt();
/** The current word: [start, end) of args, and its fields (split at ':'). */
const fieldStart = new Int32Array(6);
const fieldEnd = new Int32Array(6);
let fields = 0;
const line = new Uint8Array(96);
let failures = 0;

function readArgs(fdt: u64): void {
  readBootargs(fdt);   // the key=N words (polls=)
  if (tree.open(fdt, 0x10000) !== FdtStatus.Ok) return;
  argsLength = tree.bootargs(args);   // the operations: longer than bootargs.ts keeps
}

/** Whether the command line has the word `w`. */
function hasWord(w: string): boolean {
  let i = 0;
  while (i < argsLength) {
    while (i < argsLength && args[i] === 0x20) i++;
    const start = i;
    while (i < argsLength && args[i] !== 0x20) i++;
    if (i - start !== w.length) continue;
    let same = true;
    for (let j = 0; j < w.length && same; j++) same = args[start + j] === w.charCodeAt(j);
    if (same) return true;
  }
  return false;
}

/** Split args[start, end) at ':' into fields. */
function split(start: number, end: number): void {
  fields = 0;
  let s = start;
  for (let i = start; i <= end && fields < fieldStart.length; i++) {
    if (i === end || args[i] === 0x3a) {
      fieldStart[fields] = s;
      fieldEnd[fields] = i;
      fields++;
      s = i + 1;
    }
  }
}

function fieldIs(k: number, w: string): boolean {
  if (k >= fields || fieldEnd[k] - fieldStart[k] !== w.length) return false;
  for (let j = 0; j < w.length; j++) if (args[fieldStart[k] + j] !== w.charCodeAt(j)) return false;
  return true;
}

/** Field k as a decimal number, or -1 (absent or not a number). */
function fieldNumber(k: number): number {
  if (k >= fields || fieldEnd[k] === fieldStart[k] || fieldEnd[k] - fieldStart[k] > 9) return -1;
  let n = 0;
  for (let i = fieldStart[k]; i < fieldEnd[k]; i++) {
    if (args[i] < 0x30 || args[i] > 0x39) return -1;
    n = n * 10 + args[i] - 0x30;
  }
  return n;
}

/** The LPID of target field k: its number, or a QUERY by name; 0 when not found (printed). */
function target(k: number): u64 {
  const n = fieldNumber(k);
  if (n >= 0) return BigInt(n);
  const length = fieldEnd[k] - fieldStart[k];
  for (let i = 0; i < length; i++) store8(BigInt.asUintN(64, NAME_AT + BigInt(i)), args[fieldStart[k] + i]);
  const st = hcall(H_TSHYPE_QUERY, 0n, NAME_AT, BigInt(length), 0n, 0n, 0n, 0n);
  if (st !== H_SUCCESS) {
    report(k, st);
    return 0n;
  }
  return hcallOut(6n) >> 32n;
}

/** Print `manager: <op> <target> -> <status>` for the current word (target field k). */
function report(k: number, status: u64): void {
  let n = 0;
  const prefix = 'manager: ';
  for (let i = 0; i < prefix.length; i++) line[n++] = prefix.charCodeAt(i);
  for (let i = fieldStart[0]; i < fieldEnd[0] && n < 40; i++) line[n++] = args[i];
  if (k < fields) {
    line[n++] = 0x20;
    for (let i = fieldStart[k]; i < fieldEnd[k] && n < 70; i++) line[n++] = args[i];
  }
  const arrow = ' -> ';
  for (let i = 0; i < arrow.length; i++) line[n++] = arrow.charCodeAt(i);
  let v = Number(BigInt.asIntN(64, status));
  if (v < 0) { line[n++] = 0x2d; v = -v; }
  const at = n;
  do { line[n++] = 0x30 + (v % 10); v = Math.trunc(v / 10); } while (v > 0);
  for (let i = 0; at + i < n - 1 - i; i++) {   // the digits came out lowest first
    const t = line[at + i];
    line[at + i] = line[n - 1 - i];
    line[n - 1 - i] = t;
  }
  printBytes(line, n);
  if (status !== H_SUCCESS) failures++;
}

/** A numeric argument field k, or `fallback` when absent; -1 for '-'. */
function optional(k: number, fallback: number): u64 {
  if (k >= fields) return BigInt(fallback);
  if (fieldIs(k, '-')) return 0xffffffffffffffffn;
  const n = fieldNumber(k);
  return n < 0 ? 0xfffffffffffffffen : BigInt(n);
}

/** The state of partition `lpid` (QUERY), or -1 when the query is refused. */
function stateOf(lpid: u64): number {
  if (hcall(H_TSHYPE_QUERY, lpid, 0n, 0n, 0n, 0n, 0n, 0n) !== H_SUCCESS) return -1;
  return Number(hcallOut(0n));
}

function yieldOnce(): void {
  hcall(H_CONFER, 0xffffffffffffffffn, 0n, 0n, 0n, 0n, 0n, 0n);
}

/** Run the operation of args[start, end). */
function operation(start: number, end: number): void {
  split(start, end);
  if (fieldIs(0, 'list')) {
    const st = hcall(H_TSHYPE_LIST, 0n, 0n, 0n, 0n, 0n, 0n, 0n);
    const states = hcallOut(0n), slots = hcallOut(1n);   // before printing: the console hcall reuses r4..
    report(99, st);
    if (st !== H_SUCCESS) return;
    for (let i: u64 = 0n; i < slots && i < 16n; i = BigInt.asUintN(64, i + 1n)) {
      printNumber('manager: list state ', Number((states >> BigInt.asUintN(64, 4n * i)) & 15n));
    }
    return;
  }
  if (fieldIs(0, 'pool')) {
    const st = hcall(H_TSHYPE_LIST, 0n, 0n, 0n, 0n, 0n, 0n, 0n);
    const pool = hcallOut(2n), memory = hcallOut(3n);   // before printing
    report(99, st);
    if (st !== H_SUCCESS) return;
    printNumber('manager: page pool KiB free ', Number(pool));
    printNumber('manager: partition memory MiB free ', Number(memory));
    return;
  }
  if (fieldIs(0, 'pause')) {
    const n = fieldNumber(1);
    for (let i = 0; i < n; i++) yieldOnce();
    return;
  }
  if (fields < 2) { println('manager: an operation without a target'); failures++; return; }
  const lpid = target(1);
  if (lpid === 0n) return;
  let st: u64 = 0n;
  if (fieldIs(0, 'create')) st = hcall(H_TSHYPE_CREATE, lpid, optional(2, -1), optional(3, 0), optional(4, 0), 0n, 0n, 0n);
  else if (fieldIs(0, 'start')) st = hcall(H_TSHYPE_START, lpid, 0n, 0n, 0n, 0n, 0n, 0n);
  else if (fieldIs(0, 'stop')) st = hcall(H_TSHYPE_STOP, lpid, optional(2, 0), 0n, 0n, 0n, 0n, 0n);
  else if (fieldIs(0, 'destroy')) st = hcall(H_TSHYPE_DESTROY, lpid, 0n, 0n, 0n, 0n, 0n, 0n);
  else if (fieldIs(0, 'restart')) st = hcall(H_TSHYPE_RESTART, lpid, 0n, 0n, 0n, 0n, 0n, 0n);
  else if (fieldIs(0, 'entitle')) st = hcall(H_TSHYPE_SET_ENTITLEMENT, lpid, optional(2, 0), 0n, 0n, 0n, 0n, 0n);
  else if (fieldIs(0, 'query')) {
    st = hcall(H_TSHYPE_QUERY, lpid, 0n, 0n, 0n, 0n, 0n, 0n);
    const state = hcallOut(0n), mib = hcallOut(1n), share = hcallOut(3n);   // before printing
    if (st === H_SUCCESS) {
      printNumber('manager: state ', Number(state));
      printNumber('manager: memory MiB ', Number(mib));
      printNumber('manager: entitlement ', Number(share));
    }
  } else if (fieldIs(0, 'wait')) {
    const want = fieldNumber(2);
    let polls = 0;
    while (stateOf(lpid) !== want && polls < WAIT_POLLS) { yieldOnce(); polls++; }
    st = stateOf(lpid) === want ? H_SUCCESS : 0xfffffffffffffff9n;   // H_NOT_FOUND: the state never came
  } else if (fieldIs(0, 'cycles')) {
    const n = fieldNumber(2);
    let done = 0, poolAfterFirst = 0, memoryAfterFirst = 0;
    for (let i = 0; i < n; i++) {
      if (hcall(H_TSHYPE_CREATE, lpid, optional(3, -1), optional(4, 0), 0n, 0n, 0n, 0n) !== H_SUCCESS) break;
      if (hcall(H_TSHYPE_DESTROY, lpid, 0n, 0n, 0n, 0n, 0n, 0n) !== H_SUCCESS) break;
      done++;
      if (i === 0 && hcall(H_TSHYPE_LIST, 0n, 0n, 0n, 0n, 0n, 0n, 0n) === H_SUCCESS) {
        poolAfterFirst = Number(hcallOut(2n));
        memoryAfterFirst = Number(hcallOut(3n));
      }
    }
    printNumber('manager: create+destroy cycles ', done);
    if (hcall(H_TSHYPE_LIST, 0n, 0n, 0n, 0n, 0n, 0n, 0n) === H_SUCCESS) {
      const pool = Number(hcallOut(2n)), memory = Number(hcallOut(3n));
      printNumber('manager: page pool KiB after the first cycle ', poolAfterFirst);
      printNumber('manager: page pool KiB after the last cycle ', pool);
      printNumber('manager: partition memory MiB free after the first cycle ', memoryAfterFirst);
      printNumber('manager: partition memory MiB free after the last cycle ', memory);
    }
    st = done === n ? H_SUCCESS : 0xfffffffffffffff0n;   // H_RESOURCE: a cycle failed
  } else {
    println('manager: unknown operation');
    failures++;
    return;
  }
  report(1, st);
}

/** Whether args[start..] begins with `w`. */
function startsWith(start: number, w: string): boolean {
  if (start + w.length > argsLength) return false;
  for (let j = 0; j < w.length; j++) if (args[start + j] !== w.charCodeAt(j)) return false;
  return true;
}

/** The worker: say it runs, then poll its own stop flag. */
function worker(): u64 {
  println('worker: running');
  const deaf = hasWord('deaf');
  const polls = bootargNumber('polls', WORKER_POLLS);
  for (let i = 0; i < polls; i++) {
    if (!deaf && hcall(H_TSHYPE_QUERY, SELF, 0n, 0n, 0n, 0n, 0n, 0n) === H_SUCCESS && (hcallOut(6n) & FLAG_STOP) !== 0n) {
      println('worker: stopping on request');
      return 0n;
    }
    yieldOnce();
  }
  println('worker: done waiting');
  return 0n;
}

export function guestMain(fdt: u64): u64 {
  readArgs(fdt);
  if (hasWord('worker')) return worker();
  let i = 0;
  while (i < argsLength) {
    while (i < argsLength && args[i] === 0x20) i++;
    const start = i;
    while (i < argsLength && args[i] !== 0x20) i++;
    if (i > start && !startsWith(start, 'polls=')) operation(start, i);
  }
  printNumber('manager: failures ', failures);
  return failures === 0 ? 0n : 1n;
}
