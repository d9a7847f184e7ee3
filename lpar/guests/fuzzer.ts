/**
 * The hcall fuzzer partition (lpar/configs/fuzz.ts, docs/fuzzing.md): makes `calls` hcalls
 * chosen by a seeded random stream (lpar/guests/fuzzrand.ts) and checks that it survives them;
 * the hypervisor checks everything else (hv/fuzz-check.ts). Its /chosen/bootargs say
 * `seed=S calls=N trace=T`: the same seed gives the same calls (no choice depends on a status),
 * and calls from number T on are printed, so a failure at call k is replayed with
 * `calls=k+1 trace=k-20`. Each call is one of:
 *
 *   - a row of the hcall table (hcalls/table.ts, so new hcalls are fuzzed as they are added)
 *     with edge-biased arguments;
 *   - an opcode no row has: a multiple of 4 near the table's ranges, or any 64-bit value;
 *   - a step of a valid sequence on one of its virtual devices (map TCEs, register a CRQ or
 *     open a LAN port, post buffers, send, copy, free), so that deep states are reached, with
 *     one argument mutated one time in four.
 *
 * It must not destroy itself, so before each call arguments that let the hypervisor write its
 * memory (H_PAGE_INIT's pages, a VPA, an audit buffer, an RTAS buffer, every TCE, a DABR) are
 * moved above SAFE_LOW when they point below it: its code, data and stack are far below. It
 * never halts itself early (H_TSHYPE_HALT becomes H_GET_TERM_CHAR), makes only H_TSHYPE_REPORTs
 * that are refused (r5 above 2^32: it reports its calls itself, at the end), calls
 * RTAS only with a buffer it wrote naming a harmless token, and cedes only with CPPR 0 and a
 * short decrementer, turning external interrupts off again as soon as H_CEDE returns. An
 * interrupt it did not expect is a crash: it prints the seed, the call number and the call, and
 * halts with status 0x10000 + vector. At the end it checks that its own code is as it was at the
 * start (a failure it reports with H_TSHYPE_REPORT, which the hypervisor counts as a violation).
 */
import { load64, mfmsr, mtmsrd, mtspr, store32, store64, store8, type u64 } from 'tsnc';
import { HCALLS, H_RTAS, H_TSHYPE_AUDIT_READ, H_TSHYPE_HALT, H_TSHYPE_REPORT } from '../../hcalls/table';
import { H_CEDE, H_GET_TERM_CHAR, hcall, hcallNoToken } from './lib';
import { endLine, put, putDecimal, putHex } from './line';
import { below, edgeValue, next64, oneIn, ownAddress, seedRandom, setLayout, tceValue, unitAddress } from './fuzzrand';
import { bootargNumber, readBootargs } from './bootargs';

/** Everything below this is the fuzzer's own image, data, stack and heap. */
const GUARD: u64 = 0x1000000n;
/** The RTAS argument buffer and the H_PUT_TCE_INDIRECT list: written only by the fuzzer. */
const RTAS_BUF: u64 = GUARD;
const TCE_LIST: u64 = GUARD + 0x1000n;
/** The lowest address the hypervisor may be asked to write (SAFE_LOW .. memory's end: scratch). */
const SAFE_LOW: u64 = GUARD + 0x10000n;
/** Each device's DMA buffers: 1 MiB blocks from SAFE_LOW; its window's first pages map them. */
const BLOCK_BYTES: u64 = 0x100000n;
const BLOCK_PAGES = 16;
/** The device tree's size at the top of memory (lpar/loader.ts FDT_SPACE). */
const FDT_SPACE: u64 = 0x10000n;

const UNIT_BASE: u64 = 0x30000001n;
const REMOTE_LIOBN: u64 = 0x80000000n;
/** The fuzzer's devices (lpar/configs/fuzz.ts): two LAN ports, a CRQ client, a CRQ server. */
const LAN_UNITS = 2;
const CRQ_CLIENT = 2;
const CRQ_SERVER = 3;
const DEVICES = 4;
/** Its ports' MACs (as the configuration gives them). */
const MAC_BASE: u64 = 0x0200000f0001n;

// opcodes the sanitiser knows
const H_PUT_TCE = 0x20;
const H_SET_DABR = 0x28;
const H_PAGE_INIT = 0x2c;
const H_CPPR = 0x68;
const H_REGISTER_VPA = 0xdc;
const H_REG_CRQ = 0xfc;
const H_FREE_CRQ = 0x100;
const H_VIO_SIGNAL = 0x104;
const H_SEND_CRQ = 0x108;
const H_COPY_RDMA = 0x110;
const H_REGISTER_LOGICAL_LAN = 0x114;
const H_FREE_LOGICAL_LAN = 0x118;
const H_ADD_LOGICAL_LAN_BUFFER = 0x11c;
const H_SEND_LOGICAL_LAN = 0x120;
const H_SET_XDABR = 0x134;
const H_STUFF_TCE = 0x138;
const H_PUT_TCE_INDIRECT = 0x13c;
const H_CONFER = 0xe4;
const H_SET_MODE = 0x31c;

/** RTAS tokens the fuzzer never names (power-off, reboot, stop-self, os-term). */
const RTAS_POWER_OFF = 0x2003;
const RTAS_REBOOT = 0x2004;
const RTAS_STOP_SELF = 0x2007;
const RTAS_OS_TERM = 0x201f;

const BD_VALID: u64 = 0x8000000000000000n;
const CRQ_COMMAND: u64 = 0x8000000000000000n;
/** The last message to a victim: the fuzzer is done (victim.ts). */
export const DONE_MAGIC: u64 = 0x46555a5a444f4e45n;   // "FUZZDONE"

/** The call being made: opcode and r4..r10. */
const args = new BigUint64Array(8);
let callNo = 0;
let seed: u64 = 1n;
let calls = 50000;
let traceFrom = -1;
let successes = 0;
/** The end of its memory, and the end of the device tree's guard band. */
let ownEnd: u64 = 0n;

// ---- configuration from /chosen/bootargs ----------------------------------------------------

function readConfig(fdt: u64): void {
  readBootargs(fdt);
  seed = BigInt(bootargNumber('seed', 1));
  calls = bootargNumber('calls', 50000);
  traceFrom = bootargNumber('trace', -1);
}

// ---- the sanitiser: what keeps the fuzzer alive -------------------------------------------

/** `a` moved above SAFE_LOW (keeping its low bits) when it points below it. */
function above(a: u64): u64 {
  return a < SAFE_LOW ? BigInt.asUintN(64, a + SAFE_LOW) : a;
}

/** A TCE whose page is not below SAFE_LOW (so no DMA reaches the fuzzer's image). */
function safeTce(t: u64): u64 {
  return (t & ~0xfffn) < SAFE_LOW ? BigInt.asUintN(64, t + SAFE_LOW) : t;
}

/** Write RTAS_BUF: a harmless token (or garbage that is not a dangerous one) and random counts. */
function rtasBuffer(): void {
  let token = oneIn(3) ? Number(next64() & 0xffffffffn) : 0x2000 + below(0x20);
  if (token === RTAS_POWER_OFF || token === RTAS_REBOOT || token === RTAS_STOP_SELF || token === RTAS_OS_TERM) token = 0x2001;
  store32(RTAS_BUF, token);
  store32(RTAS_BUF + 4n, oneIn(4) ? Number(next64() & 0xffffffffn) : below(9));
  store32(RTAS_BUF + 8n, oneIn(4) ? Number(next64() & 0xffffffffn) : below(10));
  for (let i = 0; i < 16; i++) store32(BigInt.asUintN(64, RTAS_BUF + 12n + BigInt(4 * i)), oneIn(2) ? below(4) : Number(next64() & 0xffffffffn));
}

/** Make the call in `args` one the fuzzer survives (see the file comment). */
function sanitize(): void {
  const op = args[0];
  if (op === BigInt(H_TSHYPE_HALT)) args[0] = H_GET_TERM_CHAR;
  else if (op === BigInt(H_TSHYPE_REPORT)) args[2] = args[2] | 0x100000000n;   // refused: reports only the calls made
  else if (op === BigInt(H_RTAS)) {
    if (args[1] < ownEnd) args[1] = RTAS_BUF;   // elsewhere in its memory a token would be whatever is there
    rtasBuffer();
  } else if (op === BigInt(H_PAGE_INIT)) {
    args[2] = above(args[2]);
    args[3] = above(args[3]);
  } else if (op === BigInt(H_REGISTER_VPA)) args[3] = above(args[3]);
  else if (op === BigInt(H_TSHYPE_AUDIT_READ)) args[1] = above(args[1]);
  else if (op === BigInt(H_SET_DABR) || op === BigInt(H_SET_XDABR)) {
    if (args[1] < ownEnd) args[1] = args[1] | 0x4000000000000000n;   // never on its own accesses
  } else if (op === BigInt(H_PUT_TCE) || op === BigInt(H_STUFF_TCE)) args[3] = safeTce(args[3]);
  else if (op === BigInt(H_PUT_TCE_INDIRECT)) {
    if (args[3] < ownEnd) args[3] = TCE_LIST + (args[3] & 0xfffn);   // only lists it wrote
  } else if (op === BigInt(H_SET_MODE)) {
    if (args[2] === 3n || args[2] === 4n) args[1] = args[1] > 3n ? args[1] : 0n;   // no AIL, no LE interrupts
  } else if (op === H_CEDE) prepareCede();
}

const SPR_DEC = 22;

/** Before H_CEDE: nothing may interrupt (CPPR 0) but the decrementer, soon. */
function prepareCede(): void {
  hcall(BigInt(H_CPPR), 0n, 0n, 0n, 0n, 0n, 0n, 0n);
  mtspr(SPR_DEC, BigInt(0x1000 + below(0x10000)));
}

const MSR_EE: u64 = 0x8000n;

/**
 * After H_CEDE: it returns with MSR[EE] set, and its decrementer may not have fired (a prod
 * ends it at once). External interrupts go off again before the next call can raise CPPR and
 * let one in (the vectors expect none).
 */
function afterCede(): void {
  const msr = mfmsr();
  if ((msr & MSR_EE) !== 0n) mtmsrd(msr & ~MSR_EE, 1);
}

// ---- making a call ----------------------------------------------------------------------

function clearArgs(op: u64): void {
  args[0] = op;
  for (let i = 1; i < 8; i++) args[i] = 0n;
}

/** Print the call in `args` (and its status): `fuzz: #N op a1 .. a7 -> status`. */
function printCall(status: u64): void {
  put('fuzz: #');
  putDecimal(callNo);
  put(' ');
  putHex(args[0]);
  for (let i = 1; i < 8; i++) {
    put(' ');
    putHex(args[i]);
  }
  put(' -> ');
  putHex(status);
  endLine();
}

/** Sanitise and make the call in `args`; counts it. */
function call(): void {
  sanitize();
  const status = oneIn(8) ? hcall(args[0], args[1], args[2], args[3], args[4], args[5], args[6], args[7])
    : hcallNoToken(args[0], args[1], args[2], args[3], args[4], args[5], args[6], args[7]);
  if (args[0] === H_CEDE) afterCede();
  if (status === 0n) successes++;
  if (traceFrom >= 0 && callNo >= traceFrom) printCall(status);
  callNo++;
}

/** With probability 1/4, replace one argument with an edge value: a valid call with one field wrong. */
function mutate(): void {
  if (oneIn(4)) args[1 + below(7)] = edgeValue();
}

// ---- call choices ----------------------------------------------------------------------

/** A row of the hcall table with edge-biased arguments. */
function tableCall(): void {
  clearArgs(BigInt(HCALLS[below(HCALLS.length)].opcode));
  for (let i = 1; i < 8; i++) args[i] = edgeValue();
  if (oneIn(2)) args[1] = unitAddress();
}

/** An opcode no row is likely to have. */
function randomOpcode(): void {
  const pick = below(4);
  const op: u64 = pick === 0 ? BigInt(4 * below(0x400)) : pick === 1 ? BigInt(0x6f00 + 4 * below(64))
    : pick === 2 ? BigInt(below(0x1000)) : next64();
  clearArgs(op);
  for (let i = 1; i < 8; i++) args[i] = edgeValue();
}

function unit(k: number): u64 {
  return BigInt.asUintN(64, UNIT_BASE + BigInt(k));
}

function block(k: number): u64 {
  return BigInt.asUintN(64, SAFE_LOW + BigInt(k) * BLOCK_BYTES);
}

/** Map device k's first BLOCK_PAGES window pages onto its block (indirect, stuffed or one page). */
function mapWindow(k: number): void {
  const how = below(3);
  if (how === 0) {
    for (let i = 0; i < BLOCK_PAGES; i++) store64(BigInt.asUintN(64, TCE_LIST + BigInt(8 * i)), BigInt.asUintN(64, block(k) + BigInt(i * 4096) + 3n));
    clearArgs(BigInt(H_PUT_TCE_INDIRECT));
    args[1] = unit(k);
    args[2] = 0n;
    args[3] = TCE_LIST;
    args[4] = BigInt(BLOCK_PAGES);
  } else if (how === 1) {
    const page = below(BLOCK_PAGES);
    clearArgs(BigInt(H_PUT_TCE));
    args[1] = unit(k);
    args[2] = BigInt(page * 4096);
    args[3] = block(k) + BigInt(page * 4096) + 3n;
  } else {
    clearArgs(BigInt(H_STUFF_TCE));
    args[1] = unit(k);
    args[2] = BigInt(4096 * below(BLOCK_PAGES * 2));
    args[3] = oneIn(2) ? 0n : tceValue();
    args[4] = BigInt(below(4));
  }
}

/** A CRQ step on device k (a CRQ end). */
function crqStep(k: number): void {
  const what = below(5);
  if (what === 0) {
    clearArgs(BigInt(H_REG_CRQ));
    args[1] = unit(k);
    args[3] = 4096n;
  } else if (what === 1) {
    clearArgs(BigInt(H_FREE_CRQ));
    args[1] = unit(k);
  } else if (what === 2 && k === CRQ_SERVER) {
    clearArgs(BigInt(H_COPY_RDMA));
    args[1] = BigInt(8 * below(64));
    args[2] = oneIn(2) ? unit(k) | REMOTE_LIOBN : unit(k);
    args[3] = BigInt(4096 * below(4));
    args[4] = oneIn(2) ? unit(k) | REMOTE_LIOBN : unit(k);
    args[5] = BigInt(4096 * below(4) + 8 * below(16));
  } else {
    clearArgs(BigInt(H_SEND_CRQ));
    args[1] = unit(k);
    args[2] = CRQ_COMMAND | (next64() & 0xffffffffffffn);
    args[3] = next64();
  }
}

/** Write a frame of `length` bytes to `dst` at ioba 0x8000 of port k's block. */
function writeFrame(k: number, dst: u64, length: number): void {
  const at: u64 = BigInt.asUintN(64, block(k) + 0x8000n);
  for (let i = 0; i < 6; i++) store8(BigInt.asUintN(64, at + BigInt(i)), Number((dst >> BigInt(40 - 8 * i)) & 0xffn));
  const src: u64 = BigInt.asUintN(64, MAC_BASE + BigInt(k));
  for (let i = 0; i < 6; i++) store8(BigInt.asUintN(64, at + 6n + BigInt(i)), Number((src >> BigInt(40 - 8 * i)) & 0xffn));
  store8(BigInt.asUintN(64, at + 12n), oneIn(4) ? 0x81 : 0x08);   // sometimes an 802.1Q tag
  store8(BigInt.asUintN(64, at + 13n), 0x00);
  for (let i = 14; i < length && i < 64; i++) store8(BigInt.asUintN(64, at + BigInt(i)), i);
}

/** A LAN step on port k. */
function lanStep(k: number): void {
  const what = below(6);
  if (what === 0) {
    clearArgs(BigInt(H_REGISTER_LOGICAL_LAN));
    args[1] = unit(k);
    args[2] = 0n;
    args[3] = BD_VALID | (BigInt(16 * (1 + below(64))) << 32n) | 0x2000n;
    args[4] = 0x1000n;
    args[5] = oneIn(4) ? edgeValue() : BigInt.asUintN(64, MAC_BASE + BigInt(k));
  } else if (what === 1) {
    clearArgs(BigInt(H_FREE_LOGICAL_LAN));
    args[1] = unit(k);
  } else if (what === 2) {
    clearArgs(BigInt(H_ADD_LOGICAL_LAN_BUFFER));
    args[1] = unit(k);
    args[2] = BD_VALID | (BigInt(64 + below(2048)) << 32n) | BigInt(0x4000 + 0x800 * below(8));
  } else {
    const length = 14 + below(1500);
    const dst: u64 = oneIn(4) ? 0xffffffffffffn : BigInt.asUintN(64, MAC_BASE + BigInt(below(LAN_UNITS)));
    writeFrame(k, dst, length);
    clearArgs(BigInt(H_SEND_LOGICAL_LAN));
    args[1] = unit(k);
    args[2] = BD_VALID | (BigInt(length) << 32n) | 0x8000n;
  }
}

/** One step of a valid sequence on a random device (or a few other valid calls). */
function validStep(): void {
  const k = below(DEVICES);
  const what = below(10);
  if (what < 3) mapWindow(k);
  else if (what < 7) {
    if (k < LAN_UNITS) lanStep(k);
    else crqStep(k);
  } else if (what === 7) {
    clearArgs(BigInt(H_VIO_SIGNAL));
    args[1] = unit(k);
    args[2] = BigInt(below(2));
  } else if (what === 8) {
    clearArgs(BigInt(H_PAGE_INIT));
    args[1] = oneIn(2) ? 0x8000n : 0x4000n;
    args[2] = ownAddress() & ~0xfffn;
    args[3] = ownAddress() & ~0xfffn;
  } else {
    clearArgs(BigInt(H_CONFER));
    args[1] = 0xffffffffffffffffn;
  }
  mutate();
}

/** The next call: a table row (60%), an unknown opcode (8%), a valid step (32%); cedes rarely. */
function nextCall(): void {
  const r = below(100);
  if (r < 60) tableCall();
  else if (r < 68) randomOpcode();
  else validStep();
  if (args[0] === H_CEDE && !oneIn(64)) args[0] = H_GET_TERM_CHAR;   // few, short cedes
}

// ---- the end: tell the victims ------------------------------------------------------------

/** Reconnect CRQ end k and send the victim DONE_MAGIC until it is queued (or give up). */
function finish(k: number): void {
  hcall(BigInt(H_FREE_CRQ), unit(k), 0n, 0n, 0n, 0n, 0n, 0n);
  hcall(BigInt(H_PUT_TCE), unit(k), 0n, BigInt.asUintN(64, block(k) + 3n), 0n, 0n, 0n, 0n);
  for (let i = 0; i < 4096; i += 8) store64(BigInt.asUintN(64, block(k) + BigInt(i)), 0n);
  hcall(BigInt(H_REG_CRQ), unit(k), 0n, 4096n, 0n, 0n, 0n, 0n);
  for (let i = 0; i < 2000; i++) {
    if (hcall(BigInt(H_SEND_CRQ), unit(k), CRQ_COMMAND, DONE_MAGIC, 0n, 0n, 0n, 0n) === 0n) return;
    hcall(BigInt(H_CONFER), 0xffffffffffffffffn, 0n, 0n, 0n, 0n, 0n, 0n);
  }
  put('fuzz: a victim was not told that the run is over, device ');
  putDecimal(k);
  endLine();
}

/** The first CODE_BYTES of the image: its code, which nothing may change (checked at the end). */
const CODE_BYTES = 0x8000;
let codeAtStart: u64 = 0n;

/** A checksum (FNV-1a over doublewords) of the fuzzer's code. */
function codeSum(): u64 {
  let h: u64 = 0xcbf29ce484222325n;
  for (let a = 0; a < CODE_BYTES; a += 8) h = BigInt.asUintN(64, (h ^ load64(BigInt(a))) * 0x100000001b3n);
  return h;
}

/** Print `s` as one console line. */
function printLine(s: string): void {
  put(s);
  endLine();
}

/** Print the seed and where a failure happened, and how to replay it. */
function printReplay(): void {
  put('fuzz: replay with bootargs "seed=');
  putDecimal(Number(seed));
  put(' calls=');
  putDecimal(callNo + 1);
  put(' trace=');
  putDecimal(callNo > 20 ? callNo - 20 : 0);
  put('"');
  endLine();
}

/** An interrupt the fuzzer did not expect: a crash. Print it, report, halt. */
export function guestInterrupt(vector: u64, srr0: u64, srr1: u64): void {
  put('fuzz: CRASH: interrupt ');
  putHex(vector);
  put(' at ');
  putHex(srr0);
  put(', SRR1 ');
  putHex(srr1);
  put(', seed ');
  putDecimal(Number(seed));
  put(', call #');
  putDecimal(callNo);
  endLine();
  printCall(0n);
  printReplay();
  hcall(BigInt(H_TSHYPE_REPORT), BigInt(callNo), 1n, 0n, 0n, 0n, 0n, 0n);
  hcall(BigInt(H_TSHYPE_HALT), BigInt.asUintN(64, 0x10000n + vector), 0n, 0n, 0n, 0n, 0n, 0n);
}

export function guestMain(fdt: u64): u64 {
  readConfig(fdt);
  const memSize: u64 = BigInt.asUintN(64, fdt + FDT_SPACE);
  for (let a: u64 = fdt; a < memSize; a = BigInt.asUintN(64, a + 8n)) store64(a, 0n);   // no stray RTAS tokens
  ownEnd = memSize;
  setLayout(memSize, SAFE_LOW);
  seedRandom(seed);
  codeAtStart = codeSum();
  put('fuzz: seed ');
  putDecimal(Number(seed));
  put(', ');
  putDecimal(calls);
  put(' calls, memory ');
  putHex(memSize);
  put(', scratch from ');
  putHex(SAFE_LOW);
  endLine();
  const step = calls >= 10 ? Math.trunc(calls / 10) : 1;
  while (callNo < calls) {
    nextCall();
    call();
    if (callNo % step === 0) {
      put('fuzz: ');
      putDecimal(callNo);
      put(' calls, ');
      putDecimal(successes);
      put(' succeeded');
      endLine();
    }
  }
  const made = callNo;
  hcall(BigInt(H_CPPR), 0n, 0n, 0n, 0n, 0n, 0n, 0n);
  for (let i = 0; i < 8; i++) hcall(BigInt(H_CONFER), 0xffffffffffffffffn, 0n, 0n, 0n, 0n, 0n, 0n);
  finish(CRQ_CLIENT);
  finish(CRQ_SERVER);
  const intact = codeSum() === codeAtStart;
  if (!intact) printLine('fuzz: FAILURE: its own code changed (the hypervisor wrote where it was not asked to)');
  hcall(BigInt(H_TSHYPE_REPORT), BigInt(made), intact ? 0n : 1n, 0n, 0n, 0n, 0n, 0n);
  put('fuzz: done: seed ');
  putDecimal(Number(seed));
  put(', ');
  putDecimal(made);
  put(' fuzzed hcalls, ');
  putDecimal(successes);
  put(' succeeded');
  endLine();
  return 0n;
}
