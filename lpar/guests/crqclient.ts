/**
 * CRQ test partition, the client end of a CRQ pair (lpar/configs/crq.ts): maps its queue and a
 * 64 KiB data block into its DMA window, registers its CRQ, sends the initialisation message
 * until the pair is connected (H_SEND_CRQ is H_CLOSED until the server has registered and the
 * policy allowed the pair), then runs ROUNDS rounds: it fills the block with the round's
 * pattern, sends its I/O address and length, and checks the server's answer: the checksum the
 * server computed over the block it pulled with H_COPY_RDMA must equal its own, and the block
 * must have come back xored with XOR_KEY. Halts with 0 on success; 3 when the channel never
 * opened (the policy-denied variant); 1, 2 or 4 on a failure.
 *
 * When the server goes away in the middle of a round (docs/robustness.md) the client gets the
 * transport event (0xFF, format 1 "partner failed") instead of an answer. It prints the event
 * and how much of its block had come back transformed, checks that an initialisation message
 * now finds the pair closed (H_CLOSED), frees and registers its queue again, and tries to
 * reconnect: when the server restarted it redoes the round and carries on; when the server is
 * gone for good it halts with 6 (the event seen, the pair closed), 7 if anything of that was
 * not as documented.
 *
 * Bootargs: `rounds=N` (ROUNDS when absent), `seconds=S` (rounds until S seconds have passed,
 * instead: the soak).
 */
import { load64, mftb, store64, type u64 } from 'tsnc';
import { hcall, printNumber, println } from './lib';
import { bootargNumber, readBootargs } from './bootargs';
import {
  BLOCK_BYTES, CRQ_COMMAND, CRQ_INIT, CRQ_TRANSPORT, H_CLOSED, H_FREE_CRQ, H_REG_CRQ, MSG_BLOCK, MSG_BLOCK_DONE, MSG_FINISH,
  MSG_INIT, MSG_INIT_COMPLETE, QUEUE, QUEUE_BYTES, QUEUE_IOBA, ROUNDS, TCE_PAGE, VIO_UNIT, XOR_KEY, checksumStep,
  crqWord, mapPages, message, pattern, resetQueue, send, waitMessage, yieldCpu,
} from './vio';

/** The data block: its logical address and its I/O address in the window (the queue is vio.ts's). */
const BLOCK: u64 = 0x410000n;
const BLOCK_IOBA: u64 = 0x10000n;
/** Initialisation messages tried (H_CONFER between tries) before the channel counts as closed. */
const CONNECT_TRIES = 1000;
/** Polls of the queue (H_CONFER between polls) before an answer counts as lost. */
const ANSWER_TRIES = 100000;
/** Timebase ticks per second (QEMU's pseries and powernv alike). */
const TB_HZ = 512000000;
/** What round() found: the answer right, a wrong answer, or the partner gone (a transport event). */
const ROUND_OK = 0;
const ROUND_FAILED = 1;
const ROUND_EVENT = 2;
/** The last transport event's format, and the doublewords of the block transformed when it came. */
let eventFormat = 0;
let transformedAtEvent = 0;

function format(): number {
  return Number((message[0] >> 48n) & 0xffn);
}

function valid(): number {
  return Number(message[0] >> 56n);
}

/** Send the initialisation message until the pair is connected; the tries it took, or -1. */
function connect(): number {
  for (let i = 0; i < CONNECT_TRIES; i++) {
    const st = send(crqWord(CRQ_INIT, MSG_INIT, 0, 0), 0n);
    if (st === 0n) return i + 1;
    if (st !== H_CLOSED) {
      printNumber('client: init send status ', Number(BigInt.asIntN(64, st)));
      return -1;
    }
    yieldCpu();
  }
  return -1;
}

/** Fill the block with round `round`'s pattern; its checksum. */
function fill(round: number): u64 {
  let sum: u64 = 0n;
  for (let j = 0; j < (BLOCK_BYTES >>> 3); j++) {
    const dw = pattern(round, j);
    store64(BigInt.asUintN(64, BLOCK + BigInt(8 * j)), dw);
    sum = checksumStep(sum, dw);
  }
  return sum;
}

/** Doublewords of the block that did not come back as the pattern xored with XOR_KEY. */
function wrongWords(round: number): number {
  let wrong = 0;
  for (let j = 0; j < (BLOCK_BYTES >>> 3); j++) {
    if (load64(BigInt.asUintN(64, BLOCK + BigInt(8 * j))) !== BigInt.asUintN(64, pattern(round, j) ^ XOR_KEY)) wrong++;
  }
  return wrong;
}

/** Take the transport event that ended a round (the send found the pair closed, or it came instead of the answer). */
function partnerGone(r: number, answered: boolean): number {
  if (!answered && !waitMessage(100)) { eventFormat = 0; return ROUND_EVENT; }
  eventFormat = valid() === CRQ_TRANSPORT ? format() : 0;
  transformedAtEvent = (BLOCK_BYTES >>> 3) - wrongWords(r);
  return ROUND_EVENT;
}

/** One round: ROUND_OK when the server's checksum and the returned block are right. */
function round(r: number): number {
  const sum = fill(r);
  const st = send(crqWord(CRQ_COMMAND, MSG_BLOCK, r, BLOCK_BYTES), BLOCK_IOBA);
  if (st === H_CLOSED) return partnerGone(r, false);
  if (st !== 0n) { printNumber('client: command send status ', Number(BigInt.asIntN(64, st))); return ROUND_FAILED; }
  if (!waitMessage(ANSWER_TRIES)) { printNumber('client: no answer in round ', r); return ROUND_FAILED; }
  if (valid() === CRQ_TRANSPORT) return partnerGone(r, true);
  if (valid() !== CRQ_COMMAND || format() !== MSG_BLOCK_DONE || Number((message[0] >> 32n) & 0xffffn) !== r) {
    printNumber('client: unexpected message in round ', r);
    printNumber('client:   valid byte ', valid());
    printNumber('client:   format ', format());
    return ROUND_FAILED;
  }
  let failed = ROUND_OK;
  if (message[1] !== sum) { printNumber('client: checksum mismatch in round ', r); failed = ROUND_FAILED; }
  const wrong = wrongWords(r);
  if (wrong !== 0) { printNumber('client: doublewords not transformed: ', wrong); failed = ROUND_FAILED; }
  return failed;
}

/** Register the queue (again); the H_REG_CRQ status. */
function register(): u64 {
  resetQueue();
  return hcall(H_REG_CRQ, VIO_UNIT, QUEUE_IOBA, BigInt(QUEUE_BYTES), 0n, 0n, 0n, 0n);
}

/**
 * Connect: initialisation messages until the pair is connected, then the server's answer (a
 * transport event left from the old connection is passed over). False when it never came.
 */
function handshake(): boolean {
  if (connect() < 0) return false;
  for (let i = 0; i < 4; i++) {
    if (!waitMessage(ANSWER_TRIES)) return false;
    if (valid() === CRQ_INIT && format() === MSG_INIT_COMPLETE) return true;
    if (valid() !== CRQ_TRANSPORT) return false;
  }
  return false;
}

/**
 * The partner went away in round `r`: report the event, then initialise again. The first
 * initialisation message finds the pair closed (H_CLOSED) unless the server has restarted and
 * registered already (then it is the handshake's first message: 0). Closed, the client frees
 * and registers its queue again (H_CLOSED: registered, no partner yet) and tries to connect.
 * 0 when the server answered; 6 when it is gone for good and everything was as documented
 * (event 0xFF/0x01, H_CLOSED for the send and for the new registration); 7 otherwise.
 */
function recover(r: number): number {
  printNumber('client: transport event in round ', r);
  printNumber('client:   format ', eventFormat);
  printNumber('client: doublewords transformed before the event ', transformedAtEvent);
  const closed = send(crqWord(CRQ_INIT, MSG_INIT, 0, 0), 0n);
  printNumber('client: send after the event, status ', Number(BigInt.asIntN(64, closed)));
  if (closed === 0n && waitMessage(ANSWER_TRIES) && valid() === CRQ_INIT && format() === MSG_INIT_COMPLETE) {
    println('client: reconnected');
    return 0;
  }
  const freed = hcall(H_FREE_CRQ, VIO_UNIT, 0n, 0n, 0n, 0n, 0n, 0n);
  printNumber('client: H_FREE_CRQ status ', Number(BigInt.asIntN(64, freed)));
  const reg = register();
  printNumber('client: H_REG_CRQ again, status ', Number(BigInt.asIntN(64, reg)));
  if (handshake()) { println('client: reconnected'); return 0; }
  println('client: partner gone for good');
  const documented = eventFormat === 1 && closed === H_CLOSED && freed === 0n && reg === H_CLOSED;
  return documented ? 6 : 7;
}

export function guestMain(fdt: u64): u64 {
  println('client: CRQ ping-pong');
  readBootargs(fdt);
  const rounds = bootargNumber('rounds', ROUNDS);
  const seconds = bootargNumber('seconds', 0);
  const end: u64 = BigInt.asUintN(64, mftb() + BigInt(seconds) * BigInt(TB_HZ));
  if (mapPages(VIO_UNIT, QUEUE_IOBA, QUEUE, 1) + mapPages(VIO_UNIT, BLOCK_IOBA, BLOCK, BLOCK_BYTES / TCE_PAGE) !== 0) {
    println('client: H_PUT_TCE failed');
    return 1n;
  }
  const reg = hcall(H_REG_CRQ, VIO_UNIT, QUEUE_IOBA, BigInt(QUEUE_BYTES), 0n, 0n, 0n, 0n);
  printNumber('client: H_REG_CRQ status ', Number(BigInt.asIntN(64, reg)));
  if (reg !== 0n && reg !== H_CLOSED) return 2n;
  const tries = connect();
  if (tries < 0) {
    printNumber('client: channel closed, gave up after tries: ', CONNECT_TRIES);
    return 3n;
  }
  println('client: connected');
  if (!waitMessage(ANSWER_TRIES) || valid() !== CRQ_INIT || format() !== MSG_INIT_COMPLETE) {
    println(valid() === CRQ_TRANSPORT ? 'client: transport event' : 'client: no initialisation answer');
    return 2n;
  }
  let failed = 0, done = 0, restarts = 0;
  for (let r = 0; seconds > 0 ? mftb() < end : r < rounds;) {
    const outcome = round(r & 0xffff);
    if (outcome === ROUND_EVENT) {
      const gone = recover(r);
      if (gone !== 0) { printNumber('client: rounds answered ', done); return BigInt(gone); }
      restarts++;
      continue;   // the same round again, against the restarted server
    }
    if (outcome === ROUND_FAILED) failed++;
    done++;
    r++;
  }
  send(crqWord(CRQ_COMMAND, MSG_FINISH, done, 0), 0n);
  printNumber('client: rounds ', done);
  printNumber('client: failed rounds ', failed);
  printNumber('client: partner restarts survived ', restarts);
  println(failed === 0 ? 'client: checksums match, data transformed' : 'client: FAILED');
  return failed === 0 ? 0n : 4n;
}
