/**
 * CRQ test partition, the client end of a CRQ pair (lpar/configs/crq.ts): maps its queue and a
 * 64 KiB data block into its DMA window, registers its CRQ, sends the initialisation message
 * until the pair is connected (H_SEND_CRQ is H_CLOSED until the server has registered and the
 * policy allowed the pair), then runs ROUNDS rounds: it fills the block with the round's
 * pattern, sends its I/O address and length, and checks the server's answer: the checksum the
 * server computed over the block it pulled with H_COPY_RDMA must equal its own, and the block
 * must have come back xored with XOR_KEY. Halts with 0 on success; 3 when the channel never
 * opened (the policy-denied variant); 1, 2 or 4 on a failure.
 */
import { load64, store64, type u64 } from 'tsnc';
import { hcall, printNumber, println } from './lib';
import {
  BLOCK_BYTES, CRQ_COMMAND, CRQ_INIT, CRQ_TRANSPORT, H_CLOSED, H_REG_CRQ, MSG_BLOCK, MSG_BLOCK_DONE, MSG_FINISH,
  MSG_INIT, MSG_INIT_COMPLETE, QUEUE, QUEUE_BYTES, QUEUE_IOBA, ROUNDS, TCE_PAGE, VIO_UNIT, XOR_KEY, checksumStep,
  crqWord, mapPages, message, pattern, send, waitMessage, yieldCpu,
} from './vio';

/** The data block: its logical address and its I/O address in the window (the queue is vio.ts's). */
const BLOCK: u64 = 0x410000n;
const BLOCK_IOBA: u64 = 0x10000n;
/** Initialisation messages tried (H_CONFER between tries) before the channel counts as closed. */
const CONNECT_TRIES = 1000;
/** Polls of the queue (H_CONFER between polls) before an answer counts as lost. */
const ANSWER_TRIES = 100000;

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

/** One round: 0 when the server's checksum and the returned block are right. */
function round(r: number): number {
  const sum = fill(r);
  const st = send(crqWord(CRQ_COMMAND, MSG_BLOCK, r, BLOCK_BYTES), BLOCK_IOBA);
  if (st !== 0n) { printNumber('client: command send status ', Number(BigInt.asIntN(64, st))); return 1; }
  if (!waitMessage(ANSWER_TRIES)) { printNumber('client: no answer in round ', r); return 1; }
  if (valid() !== CRQ_COMMAND || format() !== MSG_BLOCK_DONE || Number((message[0] >> 32n) & 0xffffn) !== r) {
    printNumber('client: unexpected message in round ', r);
    printNumber('client:   valid byte ', valid());
    printNumber('client:   format ', format());
    return 1;
  }
  let failed = 0;
  if (message[1] !== sum) { printNumber('client: checksum mismatch in round ', r); failed = 1; }
  const wrong = wrongWords(r);
  if (wrong !== 0) { printNumber('client: doublewords not transformed: ', wrong); failed = 1; }
  return failed;
}

export function guestMain(_fdt: u64): u64 {
  println('client: CRQ ping-pong');
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
  let failed = 0;
  for (let r = 0; r < ROUNDS; r++) failed += round(r);
  send(crqWord(CRQ_COMMAND, MSG_FINISH, ROUNDS, 0), 0n);
  printNumber('client: rounds ', ROUNDS);
  printNumber('client: failed rounds ', failed);
  println(failed === 0 ? 'client: checksums match, data transformed' : 'client: FAILED');
  return failed === 0 ? 0n : 4n;
}
