/**
 * CRQ test partition, the server end of a CRQ pair (lpar/configs/crq.ts): maps its queue and a
 * 64 KiB buffer into its own DMA window, registers its CRQ and serves the client: it answers
 * the initialisation message, and for each command pulls the client's block with H_COPY_RDMA
 * (source: the client's window, REMOTE_LIOBN | its own unit), checksums it, xors every
 * doubleword with XOR_KEY, pushes it back the same way and answers with the checksum. Halts
 * with 0 when the client said it finished; 3 when no client ever spoke (the policy-denied
 * variant); 1 on a failure; 5 when the client went away (a transport event) and did not come
 * back (a client that registers its queue again is served again: this end stays registered).
 *
 * Faults for the tests (bootargs, docs/robustness.md):
 *   fault=N   it stops in the middle of the N-th command, by N mod 3: 0 an illegal instruction
 *             as soon as the command arrived (the partition halts with 0x10700: no handler);
 *             1 a load outside its memory after pulling the block (the hypervisor stops it);
 *             2 H_TSHYPE_HALT(7) with the first half of the transformed block pushed back.
 *   reboot=N  after pulling every N-th command (of each run) it restarts itself (RTAS
 *             system-reboot) before answering: the soak's partition restarts.
 */
import { load64, store64, type u64 } from 'tsnc';
import { halt, hcall, illegalInstruction, printNumber, println, systemReboot } from './lib';
import { bootargNumber, readBootargs } from './bootargs';
import {
  BLOCK_BYTES, CRQ_COMMAND, CRQ_INIT, CRQ_TRANSPORT, H_CLOSED, H_COPY_RDMA, H_REG_CRQ, MSG_BLOCK, MSG_BLOCK_DONE,
  MSG_FINISH, MSG_INIT, MSG_INIT_COMPLETE, QUEUE, QUEUE_BYTES, QUEUE_IOBA, REMOTE_LIOBN, TCE_PAGE, VIO_UNIT, XOR_KEY,
  checksumStep, crqWord, mapPages, message, send, waitMessage,
} from './vio';

/** Its buffer: logical address and I/O address in its window (the queue is vio.ts's). */
const BUFFER: u64 = 0x410000n;
const BUFFER_IOBA: u64 = 0x10000n;
/** Polls (H_CONFER between them) for the first message, and for each later one. */
const FIRST_TRIES = 3000;
const NEXT_TRIES = 100000;

let rounds = 0;
let failures = 0;
/** fault=N and reboot=N from the bootargs (0: none), and the commands taken so far. */
let faultAt = 0;
let rebootEvery = 0;
let commands = 0;
let fdtAddress: u64 = 0n;
/** The I/O address of the command being served (a fault pushes half of it back). */
let currentIoba: u64 = 0n;
/** Where a trespass reads (beyond every partition of the test configurations), and the RTAS argument block. */
const OUTSIDE: u64 = 0x3fff0000n;
const RTAS_ARGS: u64 = 0x420000n;

/** Stop here if `fault=` names this command and `phase` is its phase (see the file comment). */
function maybeFault(phase: number): void {
  if (faultAt === 0 || commands !== faultAt || faultAt % 3 !== phase) return;
  printNumber('server: injected fault in the middle of a command, phase ', phase);
  if (phase === 0) illegalInstruction();
  if (phase === 1) printNumber('server: read outside (wrong) ', Number(load64(OUTSIDE) & 0xffn));
  if (phase === 2) {
    const half = BLOCK_BYTES / 2;
    const push = hcall(H_COPY_RDMA, BigInt(half), VIO_UNIT, BUFFER_IOBA, REMOTE_LIOBN | VIO_UNIT, currentIoba, 0n, 0n);
    printNumber('server: half of the block pushed back, status ', Number(BigInt.asIntN(64, push)));
    halt(7n);
  }
}

/** Restart (RTAS system-reboot) after pulling every `reboot=`-th command. */
function maybeReboot(): void {
  if (rebootEvery === 0 || commands % rebootEvery !== 0) return;
  printNumber('server: restarting in the middle of command ', commands);
  systemReboot(fdtAddress, RTAS_ARGS);
}

/** Serve one block command: pull, checksum, transform, push back, answer. */
function serve(tag: number, length: number, ioba: u64): void {
  const n = Math.min(length, BLOCK_BYTES);
  commands++;
  currentIoba = ioba;
  maybeFault(0);
  const pull = hcall(H_COPY_RDMA, BigInt(n), REMOTE_LIOBN | VIO_UNIT, ioba, VIO_UNIT, BUFFER_IOBA, 0n, 0n);
  if (pull !== 0n) { printNumber('server: H_COPY_RDMA pull status ', Number(BigInt.asIntN(64, pull))); failures++; }
  let sum: u64 = 0n;
  for (let j = 0; j < (n >>> 3); j++) {
    const at: u64 = BigInt.asUintN(64, BUFFER + BigInt(8 * j));
    const dw = load64(at);
    sum = checksumStep(sum, dw);
    store64(at, BigInt.asUintN(64, dw ^ XOR_KEY));
  }
  maybeFault(1);
  maybeFault(2);
  maybeReboot();
  const push = hcall(H_COPY_RDMA, BigInt(n), VIO_UNIT, BUFFER_IOBA, REMOTE_LIOBN | VIO_UNIT, ioba, 0n, 0n);
  if (push !== 0n) { printNumber('server: H_COPY_RDMA push status ', Number(BigInt.asIntN(64, push))); failures++; }
  const st = send(crqWord(CRQ_COMMAND, MSG_BLOCK_DONE, tag, 0), sum);
  if (st !== 0n) { printNumber('server: answer status ', Number(BigInt.asIntN(64, st))); failures++; }
  rounds++;
}

/** Handle the message in `message`: 1 when the client finished, -1 on a transport event, else 0. */
function handle(): number {
  const valid = Number(message[0] >> 56n);
  const format = Number((message[0] >> 48n) & 0xffn);
  if (valid === CRQ_INIT && format === MSG_INIT) {
    if (send(crqWord(CRQ_INIT, MSG_INIT_COMPLETE, 0, 0), 0n) !== 0n) failures++;
    println('server: client initialised');
    return 0;
  }
  if (valid === CRQ_COMMAND && format === MSG_BLOCK) {
    serve(Number((message[0] >> 32n) & 0xffffn), Number(message[0] & 0xffffffffn), message[1]);
    return 0;
  }
  if (valid === CRQ_COMMAND && format === MSG_FINISH) return 1;
  if (valid === CRQ_TRANSPORT) { printNumber('server: transport event ', format); return -1; }
  printNumber('server: unexpected valid byte ', valid);
  failures++;
  return 0;
}

/**
 * The client went away (a transport event). The queue stays registered: when the client
 * registers again the hypervisor connects the pair, and its initialisation message arrives here.
 * Wait for its first message (left in `message` for handle()); false when none comes.
 */
function reopen(): boolean {
  if (waitMessage(FIRST_TRIES)) return true;
  println('server: the client did not come back');
  return false;
}

export function guestMain(fdt: u64): u64 {
  println('server: CRQ ping-pong');
  fdtAddress = fdt;
  readBootargs(fdt);
  faultAt = bootargNumber('fault', 0);
  rebootEvery = bootargNumber('reboot', 0);
  if (mapPages(VIO_UNIT, QUEUE_IOBA, QUEUE, 1) + mapPages(VIO_UNIT, BUFFER_IOBA, BUFFER, BLOCK_BYTES / TCE_PAGE) !== 0) {
    println('server: H_PUT_TCE failed');
    return 1n;
  }
  const reg = hcall(H_REG_CRQ, VIO_UNIT, QUEUE_IOBA, BigInt(QUEUE_BYTES), 0n, 0n, 0n, 0n);
  printNumber('server: H_REG_CRQ status ', Number(BigInt.asIntN(64, reg)));
  if (reg !== 0n && reg !== H_CLOSED) return 1n;
  if (!waitMessage(FIRST_TRIES)) {
    println('server: no client message');
    return 3n;
  }
  let state = handle();
  while (state <= 0) {
    if (state < 0) {
      if (!reopen()) return 5n;   // the client went away: its next message, once it is back
    } else if (!waitMessage(NEXT_TRIES)) {
      println('server: client went quiet');
      return 1n;
    }
    state = handle();
  }
  printNumber('server: rounds served ', rounds);
  printNumber('server: failures ', failures);
  return failures === 0 && rounds > 0 ? 0n : 1n;
}
