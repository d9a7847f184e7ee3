/**
 * vTPM test client (Program.VtpmClient): drives its vTPM instance over its `IBM,vtpm20` device
 * exactly as Linux's tpm_ibmvtpm does (CRQ init handshake, GET_VERSION, GET_RTCE_BUFFER_SIZE,
 * then TPM commands whose bytes sit in an RTCE buffer mapped in its DMA window), and prints
 * what the host checks (test/system/vtpm.test.ts):
 *
 *   vtpm-client: version N, rtce N             the transport's answers
 *   vtpm-client: pcr 17 <hex> ... pcr 20       PCR_Read of the launch PCRs after Startup(CLEAR)
 *   vtpm-client: ak <hex>                      the quote key's TPM2B_PUBLIC, in 32-byte lines
 *   vtpm-client: attest <hex>                  Quote over PCRs 17..20, qualifying data QUOTE_NONCE:
 *   vtpm-client: signature <hex>               the TPMS_ATTEST and the TPMT_SIGNATURE
 *   vtpm-client: nv found <hex> | nv absent    NV index NV_INDEX before this run wrote it
 *   vtpm-client: nv wrote <hex>                what it reads back after writing its bootargs' nv=
 *   vtpm-client: loop rounds with errors N     with loop=N: N GetRandom rounds, errors counted,
 *   vtpm-client: loop rounds answered after…   the rounds after the last error, and NV_INDEX
 *   vtpm-client: nv after loop <hex>           read again after them
 *   vtpm-client: done                          then halts 0 (1 when a step failed)
 *
 * Bootargs: `nv=WORD` (up to 16 characters; "client" if none), `loop=N` (0 if none), `seconds=S`
 * (loop for S seconds instead), `delay=R`
 * (rounds of yielding before the loop).
 */
import { mftb, type u64 } from 'tsnc';
import { Fdt, FdtStatus } from '../fdt';
import { H_SUCCESS, benchMarkA, hcall, printHex, printNumber, println } from './lib';
import {
  CRQ_COMMAND, CRQ_INIT, CRQ_TRANSPORT, H_CLOSED, H_REG_CRQ, QUEUE, QUEUE_BYTES, QUEUE_IOBA, TCE_PAGE, VIO_UNIT, crqWord, mapPages,
  message, poll, readBytes, send, waitMessage, writeBytes, yieldCpu,
} from './vio';
import { Writer, getU32 } from '../../vtpm/tpm/marshal';
import {
  ST_NO_SESSIONS, ST_SESSIONS, beginCommand, createParams, finishCommand, passwordSession, pcrSelection,
} from '../../vtpm/tpm/build';

/** The RTCE buffer: logical address, and its I/O address in the window (the queue is at 0). */
const RTCE: u64 = 0x410000n;
const RTCE_IOBA: u64 = 0x1000n;
/** Polls (yielding between them) for one answer of the vTPM. */
const TRIES = 20000;
/** The launch PCRs: 17 (image), 18 (initrd), 19 (device tree), 20 (label). */
const LAUNCH_MASK = 0x1e0000;
const QUOTE_NONCE = new Uint8Array([0x74, 0x73, 0x68, 0x79, 0x70, 0x65, 0x2d, 0x71]);   // "tshype-q"
const NV_INDEX = 0x01500001;
const NV_SIZE = 16;
const RH_OWNER = 0x40000001;

const CMD = new Uint8Array(4096);
const RSP = new Uint8Array(4096);
const W = new Writer(CMD);
const KEY = new Uint8Array(512);
const WORD = new Uint8Array(NV_SIZE);
/** Timebase ticks per second (QEMU's pseries and powernv alike). */
const TB_HZ: u64 = 512000000n;
const tree = new Fdt();
const args = new Uint8Array(256);
let argsLength = 0;
let failures = 0;
let rspLength = 0;
let reinitialisations = 0;

/** Wait for the next message of the vTPM; its format (byte 1), or -1 (none, or a transport event). */
function answer(): number {
  if (!waitMessage(TRIES)) return -1;
  const valid = Number(message[0] >> 56n);
  if (valid === CRQ_TRANSPORT) return -1;
  return Number((message[0] >> 48n) & 0xffn);
}

/** Send the CRQ's first message, waiting (yielding) while the vTPM has not registered its end yet. */
function sendInit(): boolean {
  for (let i = 0; i < TRIES; i++) {
    const st = send(crqWord(CRQ_INIT, 0x01, 0, 0), 0n);
    if (st === H_SUCCESS) return true;
    if (st !== H_CLOSED) return false;   // H_CLOSED: not connected yet
    yieldCpu();
  }
  return false;
}

/** The handshake again after the vTPM went away (its transport event, or a closed pair): until it answers. */
function reinitialise(): void {
  reinitialisations++;
  while (poll()) { /* drop what the old conversation left */ }
  if (!sendInit() || answer() !== 0x01) return;
  send(crqWord(CRQ_INIT, 0x02, 0, 0), 0n);
  answer();
}

/** The CRQ handshake and the two queries; false when the vTPM does not answer as tpm_ibmvtpm expects. */
function connect(): boolean {
  if (mapPages(VIO_UNIT, QUEUE_IOBA, QUEUE, 1) + mapPages(VIO_UNIT, RTCE_IOBA, RTCE, 1) !== 0) return false;
  const reg = hcall(H_REG_CRQ, VIO_UNIT, QUEUE_IOBA, BigInt(QUEUE_BYTES), 0n, 0n, 0n, 0n);
  if (reg !== H_SUCCESS && reg !== H_CLOSED) { printNumber('vtpm-client: H_REG_CRQ status ', Number(BigInt.asIntN(64, reg))); return false; }
  if (!sendInit() || answer() !== 0x01) return false;
  if (send(crqWord(CRQ_INIT, 0x02, 0, 0), 0n) !== H_SUCCESS || answer() !== 0x02) return false;
  if (send(crqWord(CRQ_COMMAND, 0x01, 0, 0), 0n) !== H_SUCCESS || answer() !== 0x81) return false;
  const version = Number(message[0] & 0xffffffffn);
  if (send(crqWord(CRQ_COMMAND, 0x03, 0, 0), 0n) !== H_SUCCESS || answer() !== 0x83) return false;
  const rtce = Number((message[0] >> 32n) & 0xffffn);
  printNumber('vtpm-client: version ', version);
  printNumber('vtpm-client: rtce ', rtce);
  return version === 2 && rtce >= TCE_PAGE;
}

/**
 * Send the command of `len` bytes in CMD; its response into RSP. The response code, or -1 when
 * the vTPM did not answer it: its partition went away (the transport event "partner failed"),
 * or the pair is closed. The conversation is then initialised again, as tpm_ibmvtpm does
 * after a reset, so that the next command can reach the restarted vTPM.
 */
function transact(len: number): number {
  writeBytes(CMD, 0, RTCE, len);
  if (send(crqWord(CRQ_COMMAND, 0x02, len, Number(RTCE_IOBA)), 0n) !== H_SUCCESS) {
    reinitialise();
    return -1;
  }
  const f = answer();
  if (f !== 0x82) {
    if (f === 0xff) printNumber('vtpm-client: transport error ', Number(message[0] & 0xffffffffn));
    if (f < 0) reinitialise();
    return -1;
  }
  rspLength = Number((message[0] >> 32n) & 0xffffn);
  if (rspLength < 10 || rspLength > RSP.length) return -1;
  readBytes(RTCE, RSP, 0, rspLength);
  return getU32(RSP, 6);
}

/** transact, counting and printing a failure under `what` when the response code is not 0. */
function must(what: string, len: number): boolean {
  const rc = transact(len);
  if (rc === 0) return true;
  failures++;
  printNumber(what, rc);
  return false;
}

/** Print bytes[off..off+len) as lines `label hex` of 32 bytes each (the host joins them in order). */
function printPieces(label: string, bytes: Uint8Array, off: number, len: number): void {
  for (let i = 0; i * 32 < len; i++) printHex(label, bytes, off + 32 * i, len - 32 * i < 32 ? len - 32 * i : 32);
}

function startup(): number {
  beginCommand(W, CMD, ST_NO_SESSIONS, 0x144);
  W.u16(0);
  return transact(finishCommand(W, CMD));
}

function readLaunchPcrs(): void {
  if (!must('vtpm-client: PCR_Read failed, rc ', buildPcrRead())) return;
  // header 10, update counter 4, selection 10, digest count 4, then TPM2B digests
  let at = 28;
  for (let pcr = 17; pcr <= 20; pcr++) {
    printNumber('vtpm-client: pcr ', pcr);
    printHex('vtpm-client: value ', RSP, at + 2, 32);
    at += 34;
  }
}

/** CreatePrimary (storage), Create + Load a restricted signing key; its handle (0 on failure). Prints its public area. */
function makeKey(): number {
  beginCommand(W, CMD, ST_SESSIONS, 0x131);
  W.u32(RH_OWNER);
  passwordSession(W);
  createParams(W, true);
  if (!must('vtpm-client: CreatePrimary failed, rc ', finishCommand(W, CMD))) return 0;
  const parent = getU32(RSP, 10);
  beginCommand(W, CMD, ST_SESSIONS, 0x153);
  W.u32(parent);
  passwordSession(W);
  createParams(W, false);
  if (!must('vtpm-client: Create failed, rc ', finishCommand(W, CMD))) return 0;
  const privLen = 2 + ((RSP[14] << 8) | RSP[15]);
  const pubAt = 14 + privLen;
  const pubLen = 2 + ((RSP[pubAt] << 8) | RSP[pubAt + 1]);
  for (let i = 0; i < privLen + pubLen; i++) KEY[i] = RSP[14 + i];
  printPieces('vtpm-client: ak ', RSP, pubAt, pubLen);
  beginCommand(W, CMD, ST_SESSIONS, 0x157);
  W.u32(parent);
  passwordSession(W);
  W.bytes(KEY, 0, privLen + pubLen);
  if (!must('vtpm-client: Load failed, rc ', finishCommand(W, CMD))) return 0;
  return getU32(RSP, 10);
}

/** Quote the launch PCRs with `key`; prints the attestation and the signature. */
function quote(key: number): void {
  if (!must('vtpm-client: Quote failed, rc ', buildQuote(key))) return;
  const attestLen = (RSP[14] << 8) | RSP[15];
  printPieces('vtpm-client: attest ', RSP, 16, attestLen);
  printPieces('vtpm-client: signature ', RSP, 16 + attestLen, rspLength - 16 - attestLen);
}

/** NV: report what NV_INDEX holds (a previous run's word), then define it if needed and write WORD. */
function nvRoundTrip(): void {
  const rc = transact(buildNvRead());
  if (rc === 0) printBytesLine('vtpm-client: nv found ', 16);
  else {
    printNumber('vtpm-client: nv absent, rc ', rc);
    beginCommand(W, CMD, ST_SESSIONS, 0x12a);
    W.u32(RH_OWNER);
    passwordSession(W);
    W.u16(0);
    W.u16(14);
    W.u32(NV_INDEX);
    W.u16(0x000b);
    W.u32(0x00060006);   // ownerwrite|authwrite|ownerread|authread
    W.u16(0);
    W.u16(NV_SIZE);
    if (!must('vtpm-client: NV_DefineSpace failed, rc ', finishCommand(W, CMD))) return;
  }
  beginCommand(W, CMD, ST_SESSIONS, 0x137);
  W.u32(NV_INDEX);
  W.u32(NV_INDEX);
  passwordSession(W);
  W.u16(NV_SIZE);
  W.bytes(WORD, 0, NV_SIZE);
  W.u16(0);
  if (!must('vtpm-client: NV_Write failed, rc ', finishCommand(W, CMD))) return;
  if (must('vtpm-client: NV_Read failed, rc ', buildNvRead())) printBytesLine('vtpm-client: nv wrote ', 16);
}

/** Print `label` then the NV_Read response's data (after header, parameterSize, size: 16), up to a zero byte. */
function printBytesLine(label: string, n: number): void {
  let len = 0;
  while (len < n && RSP[16 + len] !== 0) len++;
  for (let i = 0; i < len; i++) KEY[i] = RSP[16 + i];
  printHexText(label, KEY, len);
}

/** Print `label` and `len` printable characters of `bytes` on one line. */
function printHexText(label: string, bytes: Uint8Array, len: number): void {
  for (let i = 0; i < len; i++) if (bytes[i] < 0x20 || bytes[i] > 0x7e) bytes[i] = 0x3f;
  printHex(label, bytes, 0, len);
}

/**
 * `loop=N`: N rounds of GetRandom (after `delay=R` rounds of yielding, so that the other clients
 * are done first); with `seconds=S`, rounds until S seconds have passed instead (the soak). Prints how many rounds failed, how many passed after the last failure, and
 * how often the conversation was initialised again.
 */
function loop(rounds: number, delay: number, seconds: number): void {
  for (let i = 0; i < delay; i++) yieldCpu();
  let errors = 0, after = 0, done = 0;
  const end: u64 = BigInt.asUintN(64, mftb() + BigInt(seconds) * TB_HZ);
  for (let r = 0; seconds > 0 ? mftb() < end : r < rounds; r++) {
    done++;
    const rc = transact(buildGetRandom());
    if (rc === 0x100) startup();   // TPM_RC_INITIALIZE: the vTPM lost power; start it again
    if (rc !== 0) { errors++; after = 0; } else after++;
  }
  printNumber('vtpm-client: loop rounds ', done);
  printNumber('vtpm-client: loop rounds with errors ', errors);
  printNumber('vtpm-client: loop rounds answered after the last error ', after);
  printNumber('vtpm-client: reinitialisations ', reinitialisations);
}

/** Read NV_INDEX again and print it (`nv after loop <hex>`), or its response code. */
function nvReadBack(): void {
  const rc = transact(buildNvRead());
  if (rc === 0) printBytesLine('vtpm-client: nv after loop ', 16);
  else printNumber('vtpm-client: nv after loop failed, rc ', rc);
}

/** Build PCR_Read of the launch PCRs in CMD; its length. */
function buildPcrRead(): number {
  beginCommand(W, CMD, ST_NO_SESSIONS, 0x17e);
  pcrSelection(W, LAUNCH_MASK);
  return finishCommand(W, CMD);
}

/** Build PCR_Extend of PCR 23 (any locality) with one SHA-256 digest in CMD; its length. */
function buildPcrExtend(): number {
  beginCommand(W, CMD, ST_SESSIONS, 0x182);
  W.u32(23);
  passwordSession(W);
  W.u32(1);
  W.u16(0x000b);
  for (let i = 0; i < 32; i++) W.u8(i);
  return finishCommand(W, CMD);
}

/** Build NV_Read of NV_INDEX's NV_SIZE bytes (authorised by the index's own password) in CMD; its length. */
function buildNvRead(): number {
  beginCommand(W, CMD, ST_SESSIONS, 0x14e);
  W.u32(NV_INDEX);
  W.u32(NV_INDEX);
  passwordSession(W);
  W.u16(NV_SIZE);
  W.u16(0);
  return finishCommand(W, CMD);
}

/** Build GetRandom of 16 bytes in CMD; its length. */
function buildGetRandom(): number {
  beginCommand(W, CMD, ST_NO_SESSIONS, 0x17b);
  W.u16(16);
  return finishCommand(W, CMD);
}

/** Build a Quote of the launch PCRs with `key` in CMD; its length. */
function buildQuote(key: number): number {
  beginCommand(W, CMD, ST_SESSIONS, 0x158);
  W.u32(key);
  passwordSession(W);
  W.u16(QUOTE_NONCE.length);
  W.bytes(QUOTE_NONCE, 0, QUOTE_NONCE.length);
  W.u16(0x0010);   // TPM_ALG_NULL: the key's own scheme
  pcrSelection(W, LAUNCH_MASK);
  return finishCommand(W, CMD);
}

/**
 * `bench=N` (make bench-vtpm): N round trips each of PCR_Read, PCR_Extend and GetRandom and N/10
 * of Quote, each phase between two benchMarkA marks for the instruction-count plugin (the vTPM
 * partition marks its engine's part of every command with benchMarkB).
 */
function bench(rounds: number, key: number): void {
  const quotes = rounds >= 10 ? Math.trunc(rounds / 10) : 1;
  printNumber('vtpm-client: bench rounds ', rounds);
  printNumber('vtpm-client: bench quotes ', quotes);
  for (let phase = 0; phase < 4; phase++) {
    const n = phase === 3 ? quotes : rounds;
    const len = phase === 0 ? buildPcrRead() : phase === 1 ? buildPcrExtend() : phase === 2 ? buildGetRandom() : buildQuote(key);
    let bad = 0;
    benchMarkA();
    for (let i = 0; i < n; i++) if (transact(len) !== 0) bad++;
    benchMarkA();
    if (bad > 0) { failures++; printNumber('vtpm-client: bench commands failed ', bad); }
  }
}

/** The decimal number after `key=` in the bootargs, or `fallback`. */
function argNumber(key: string, fallback: number): number {
  const at = argAt(key);
  if (at < 0) return fallback;
  let v = 0;
  for (let i = at; i < argsLength && args[i] >= 0x30 && args[i] <= 0x39 && v < 100000000; i++) v = v * 10 + args[i] - 0x30;
  return v;
}

/** The index just after `key=` in the bootargs, or -1. */
function argAt(key: string): number {
  for (let i = 0; i + key.length < argsLength; i++) {
    let match = i === 0 || args[i - 1] === 0x20;
    for (let j = 0; j < key.length && match; j++) match = args[i + j] === key.charCodeAt(j);
    if (match && args[i + key.length] === 0x3d) return i + key.length + 1;
  }
  return -1;
}

function readArgs(fdt: u64): void {
  if (tree.open(fdt, 0x10000) !== FdtStatus.Ok) return;
  argsLength = tree.bootargs(args);
  const at = argAt('nv');
  const word = 'client';
  for (let i = 0; i < NV_SIZE; i++) {
    if (at >= 0) WORD[i] = at + i < argsLength && args[at + i] !== 0x20 ? args[at + i] : 0;
    else WORD[i] = i < word.length ? word.charCodeAt(i) : 0;
  }
}

export function guestMain(fdt: u64): u64 {
  readArgs(fdt);
  if (!connect()) {
    println('vtpm-client: the vTPM did not answer the CRQ handshake');
    return 1n;
  }
  const st = startup();   // the platform started the TPM already (TPM_RC_INITIALIZE), as firmware does
  if (st !== 0 && st !== 0x100) printNumber('vtpm-client: Startup rc ', st);
  const benchRounds = argNumber('bench', 0);
  if (benchRounds > 0) {
    const k = makeKey();
    if (k !== 0) bench(benchRounds, k);
    println(failures === 0 ? 'vtpm-client: done' : 'vtpm-client: failed');
    return failures === 0 ? 0n : 1n;
  }
  readLaunchPcrs();
  const key = makeKey();
  if (key !== 0) quote(key);
  nvRoundTrip();
  const rounds = argNumber('loop', 0);
  const seconds = argNumber('seconds', 0);
  if (rounds > 0 || seconds > 0) {
    loop(rounds, argNumber('delay', 0), seconds);
    nvReadBack();
  }
  println(failures === 0 ? 'vtpm-client: done' : 'vtpm-client: failed');
  return failures === 0 ? 0n : 1n;
}
