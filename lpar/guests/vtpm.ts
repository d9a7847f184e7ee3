/**
 * The vTPM partition: vtpm/ (the TPM 2.0 engine and its manager) serving one instance per
 * client over the clients' `IBM,vtpm20` CRQs (vtpm/transport.ts), as Linux's tpm_ibmvtpm
 * expects. Its k-th virtual device is the server end bound to client k's vTPM (lpar/config.ts
 * addVtpm): instance k.
 *
 * For each end it maps a queue page (I/O address 0) and a command buffer (I/O address
 * BUFFER_IOBA) into the end's DMA window, asks the hypervisor who the client is and what it
 * measured (H_TSHYPE_VTPM_LAUNCH), brings the instance's stored state back
 * (H_TSHYPE_VTPM_LOAD, only if it belongs to that client), seeds its DRBG from H_RANDOM and
 * registers the queue. Then it serves: a TPM command is pulled from the client's buffer with
 * H_COPY_RDMA, checked against the client's current launch (a new launch power-cycles the
 * instance with the new measurements), run, stored when it changed non-volatile state
 * (H_TSHYPE_VTPM_SAVE, before the client hears the answer), and its response pushed back into
 * the same buffer. It never halts: the hypervisor stops it when its clients are done.
 *
 * Fault injection for the tests (bootargs `fault=N`): when no instance had stored state at its
 * start (a first run, not the restart), the partition reboots itself (RTAS system-reboot) in the
 * middle of instance 0's N-th command: after pulling it (N mod 3 = 0), after running and storing
 * it (1), or after pushing the response back but before answering (2). The client must see its
 * command fail and then carry on against the restarted vTPM, which finds the stored state.
 */
import { load64, mftb, store32, store8, type u64 } from 'tsnc';
import { Fdt, FdtStatus } from '../fdt';
import { H_CONFER, H_RANDOM, H_RTAS, H_SUCCESS, benchMarkB, hcall, hcallOut, printNumber, println } from './lib';
import {
  H_CLOSED, H_COPY_RDMA, H_DROPPED, H_PUT_TCE, H_REG_CRQ, H_SEND_CRQ, REMOTE_LIOBN, TCE_PAGE, TCE_READ_WRITE, VIO_UNIT, readBytes, writeBytes,
} from './vio';
import {
  LAUNCH_ENTRY, MAX_INSTANCES, MAX_LAUNCH_ENTRIES, SLOT_HEADER, SLOT_MAX, SlotStatus, advanceClocks, applyLaunch, channels,
  clientFailed, launchCurrent, openInstance, restoreSlot, runCommand, saveNeeded, saveSlot, startupRc,
} from '../../vtpm/manager';
import { Action, ERROR_COPY_IN, ERROR_COPY_OUT, ERROR_NOT_BOUND, RTCE_BUFFER_SIZE } from '../../vtpm/transport';
import { STATE_MAX } from '../../vtpm/tpm/state';

const H_TSHYPE_VTPM_LAUNCH: u64 = 0x6f14n;
const H_TSHYPE_VTPM_SAVE: u64 = 0x6f18n;
const H_TSHYPE_VTPM_LOAD: u64 = 0x6f1cn;

/** Where its queues, buffers and scratch areas are (logical), above its program and data. */
const QUEUES: u64 = 0x1000000n;
const BUFFERS: u64 = 0x1100000n;
const SLOT_AREA: u64 = 0x1200000n;
const LAUNCH_AREA: u64 = 0x1210000n;
/** The command buffer's I/O address in each end's window (the queue is at 0). */
const BUFFER_IOBA: u64 = 0x1000n;
const QUEUE_BYTES = TCE_PAGE;
/** Timebase ticks per millisecond (the TPM clock's unit): from the tree's timebase-frequency. */
let ticksPerMs: u64 = 512000n;

const CMD = new Uint8Array(RTCE_BUFFER_SIZE);
const RSP = new Uint8Array(RTCE_BUFFER_SIZE);
const HEADER = new Uint8Array(SLOT_HEADER);
const IMAGE = new Uint8Array(STATE_MAX);
const RECORD = new Uint8Array(MAX_LAUNCH_ENTRIES * LAUNCH_ENTRY);
const ENTROPY = new Uint8Array(48);
/** Per end: the next queue entry's offset, the client's identity, whether its state is kept. */
const next = new Int32Array(MAX_INSTANCES);
const identity = new Uint32Array(MAX_INSTANCES);
let ends = 0;
let storeWorks = true;
let saveFailures = 0;
/** Fault injection (see the file comment): instance 0's command that reboots the partition, 0 for none. */
let faultAt = 0;
let restoredAny = false;
let instance0Commands = 0;
const RTAS_ARGS: u64 = 0x1220000n;
const tree = new Fdt();
const args = new Uint8Array(256);

/** `fault=N` from the bootargs, and the timebase frequency (the first cpu node's). */
function readTree(fdt: u64): void {
  if (tree.open(fdt, 0x10000) !== FdtStatus.Ok) return;
  const cpus = tree.pathOffset('/cpus');
  const cpu = cpus < 0 ? -1 : tree.firstChild(cpus);
  const hz = cpu < 0 ? 0 : tree.getU32(cpu, 'timebase-frequency', 0);
  if (hz >= 1000) ticksPerMs = BigInt(Math.trunc(hz / 1000));
  const n = tree.bootargs(args);
  for (let i = 0; i + 6 <= n; i++) {
    if (args[i] !== 0x66 || args[i + 1] !== 0x61 || args[i + 2] !== 0x75 || args[i + 3] !== 0x6c || args[i + 4] !== 0x74 || args[i + 5] !== 0x3d) continue;
    for (let j = i + 6; j < n && args[j] >= 0x30 && args[j] <= 0x39; j++) faultAt = faultAt * 10 + args[j] - 0x30;
    return;
  }
}

/** Reboot the partition now if this is the injected fault's command and `phase` its phase. */
function maybeFault(k: number, phase: number): void {
  if (k !== 0 || faultAt === 0 || restoredAny || instance0Commands !== faultAt || faultAt % 3 !== phase) return;
  printNumber('vtpm: injected fault: rebooting in the middle of a command, phase ', phase);
  const rtas = tree.pathOffset('/rtas');
  const token = rtas < 0 ? 0 : tree.getU32(rtas, 'system-reboot', 0);
  store32(RTAS_ARGS, token);
  store32(BigInt.asUintN(64, RTAS_ARGS + 4n), 0);   // no arguments
  store32(BigInt.asUintN(64, RTAS_ARGS + 8n), 1);   // one return (status)
  hcall(H_RTAS, RTAS_ARGS, 0n, 0n, 0n, 0n, 0n, 0n);
  for (;;) hcall(H_CONFER, 0xffffffffffffffffn, 0n, 0n, 0n, 0n, 0n, 0n);   // the reboot ends this run
}

function unit(k: number): u64 {
  return BigInt.asUintN(64, VIO_UNIT + BigInt(k));
}

function queue(k: number): u64 {
  return BigInt.asUintN(64, QUEUES + BigInt(k * QUEUE_BYTES));
}

function buffer(k: number): u64 {
  return BigInt.asUintN(64, BUFFERS + BigInt(k * RTCE_BUFFER_SIZE));
}

/** Map the queue and the buffer of end k; false when the partition has no end k. */
function mapEnd(k: number): boolean {
  const q = hcall(H_PUT_TCE, unit(k), 0n, queue(k) | TCE_READ_WRITE, 0n, 0n, 0n, 0n);
  if (q !== H_SUCCESS) return false;
  return hcall(H_PUT_TCE, unit(k), BUFFER_IOBA, buffer(k) | TCE_READ_WRITE, 0n, 0n, 0n, 0n) === H_SUCCESS;
}

/** Fill ENTROPY from H_RANDOM (the timebase mixed in); false when H_RANDOM refuses. */
function gatherEntropy(): boolean {
  for (let i = 0; i < ENTROPY.length; i += 8) {
    if (hcall(H_RANDOM, 0n, 0n, 0n, 0n, 0n, 0n, 0n) !== H_SUCCESS) return false;
    const r: u64 = BigInt.asUintN(64, hcallOut(0n) ^ mftb());
    for (let j = 0; j < 8; j++) ENTROPY[i + j] = Number((r >> BigInt(8 * j)) & 0xffn);
  }
  return true;
}

/**
 * Ask the hypervisor about end k's client (its identity, its launch); with `apply`, a launch the
 * instance was not measured for is applied. The launch generation (0: none; -1: the hypervisor
 * refused, e.g. the policy no longer lets the client bind to this vTPM).
 */
function checkLaunch(k: number, apply: boolean): number {
  if (hcall(H_TSHYPE_VTPM_LAUNCH, unit(k), LAUNCH_AREA, BigInt(RECORD.length), 0n, 0n, 0n, 0n) !== H_SUCCESS) return -1;
  const generation = Number(hcallOut(0n) & 0x7fffffffn);
  const count = Number(hcallOut(1n) & 0xffn);
  identity[k] = Number(hcallOut(2n) & 0xffffffffn);
  if (!apply || generation === 0 || launchCurrent(k, generation)) return generation;
  const n = count < MAX_LAUNCH_ENTRIES ? count : MAX_LAUNCH_ENTRIES;
  readBytes(LAUNCH_AREA, RECORD, 0, n * LAUNCH_ENTRY);
  applyLaunch(k, generation, n, RECORD);
  saveInstance(k);
  printNumber('vtpm: launch measurements applied, instance ', k);
  if (startupRc !== 0) printNumber('vtpm: the platform Startup(CLEAR) failed, rc ', startupRc);
  return generation;
}

/** Bring instance k's stored state back if the store has one for its client. */
function loadInstance(k: number): void {
  const st = hcall(H_TSHYPE_VTPM_LOAD, BigInt(k), SLOT_AREA, BigInt(SLOT_MAX), 0n, 0n, 0n, 0n);
  if (st !== H_SUCCESS) {
    storeWorks = false;
    printNumber('vtpm: no state store, instance state is not kept; H_TSHYPE_VTPM_LOAD status ', Number(BigInt.asIntN(64, st)));
    return;
  }
  const len = Number(hcallOut(0n) & 0xffffffffn);
  if (len < SLOT_HEADER || len > SLOT_MAX) {
    printNumber('vtpm: no stored state, new instance ', k);
    return;
  }
  readBytes(SLOT_AREA, HEADER, 0, SLOT_HEADER);
  readBytes(BigInt.asUintN(64, SLOT_AREA + BigInt(SLOT_HEADER)), IMAGE, 0, len - SLOT_HEADER);
  const r = restoreSlot(k, identity[k], HEADER, IMAGE, len - SLOT_HEADER);
  if (r === SlotStatus.Restored) restoredAny = true;
  if (r === SlotStatus.Restored) printNumber('vtpm: stored state restored, instance ', k);
  else printNumber('vtpm: stored state not used (another client or damaged), instance ', k);
}

/** Store instance k (after a command that changed its non-volatile state). */
function saveInstance(k: number): void {
  if (!storeWorks) return;
  const n = saveSlot(k, identity[k], HEADER, IMAGE);
  writeBytes(HEADER, 0, SLOT_AREA, SLOT_HEADER);
  writeBytes(IMAGE, 0, BigInt.asUintN(64, SLOT_AREA + BigInt(SLOT_HEADER)), n);
  const st = hcall(H_TSHYPE_VTPM_SAVE, BigInt(k), SLOT_AREA, BigInt(SLOT_HEADER + n), 0n, 0n, 0n, 0n);
  if (st !== H_SUCCESS) {
    saveFailures++;
    printNumber('vtpm: H_TSHYPE_VTPM_SAVE failed, status ', Number(BigInt.asIntN(64, st)));
  }
}

/** Send end k's reply. */
function reply(k: number): void {
  let st = hcall(H_SEND_CRQ, unit(k), channels[k].reply, 0n, 0n, 0n, 0n, 0n);
  for (let i = 0; i < 100 && st === H_DROPPED; i++) {   // the client's queue is full: let it drain
    hcall(H_CONFER, 0xffffffffffffffffn, 0n, 0n, 0n, 0n, 0n, 0n);
    st = hcall(H_SEND_CRQ, unit(k), channels[k].reply, 0n, 0n, 0n, 0n, 0n);
  }
}

/** Run the command channel k announced: pull, check the launch, run, store, push back, answer. */
function command(k: number): void {
  const c = channels[k];
  const n = c.commandLength;
  if (hcall(H_COPY_RDMA, BigInt(n), REMOTE_LIOBN | unit(k), c.commandIoba, unit(k), BUFFER_IOBA, 0n, 0n) !== H_SUCCESS) {
    c.copyFailed(ERROR_COPY_IN);
    reply(k);
    return;
  }
  readBytes(buffer(k), CMD, 0, n);
  if (k === 0) instance0Commands++;
  maybeFault(k, 0);
  if (checkLaunch(k, true) < 0) {
    c.copyFailed(ERROR_NOT_BOUND);
    reply(k);
    return;
  }
  benchMarkB();   // the engine's part of the command, for make bench-vtpm (a no-op otherwise)
  const m = runCommand(k, CMD, n, RSP);
  benchMarkB();
  if (saveNeeded) saveInstance(k);
  maybeFault(k, 1);
  writeBytes(RSP, 0, buffer(k), m);
  if (hcall(H_COPY_RDMA, BigInt(m), unit(k), BUFFER_IOBA, REMOTE_LIOBN | unit(k), c.commandIoba, 0n, 0n) !== H_SUCCESS) {
    c.copyFailed(ERROR_COPY_OUT);
    reply(k);
    return;
  }
  maybeFault(k, 2);
  c.commandDone(m);
  reply(k);
}

/** Serve end k's next entry, if any; false when its queue is empty. */
function serveOne(k: number): boolean {
  const at: u64 = BigInt.asUintN(64, queue(k) + BigInt(next[k]));
  const hi = load64(at);
  if ((hi >> 56n) === 0n) return false;
  store8(at, 0);   // the entry is consumed: its valid byte back to 0
  next[k] = (next[k] + 16) % QUEUE_BYTES;
  const action = channels[k].receive(hi);
  if (action === Action.Reply) reply(k);
  else if (action === Action.Command) command(k);
  else if (action === Action.PartnerFailed) clientFailed(k);
  return true;
}

export function guestMain(fdt: u64): u64 {
  readTree(fdt);
  while (ends < MAX_INSTANCES && mapEnd(ends)) ends++;
  printNumber('vtpm: TPM 2.0 instances: ', ends);
  if (!gatherEntropy()) {
    println('vtpm: H_RANDOM refused: no entropy, not serving');
    return 1n;
  }
  for (let k = 0; k < ends; k++) {
    checkLaunch(k, false);
    if (storeWorks) loadInstance(k);
    if (!openInstance(k, ENTROPY, ENTROPY.length)) return 1n;
    checkLaunch(k, true);
    gatherEntropy();   // every instance its own seed
    const st = hcall(H_REG_CRQ, unit(k), 0n, BigInt(QUEUE_BYTES), 0n, 0n, 0n, 0n);
    if (st !== H_SUCCESS && st !== H_CLOSED) printNumber('vtpm: H_REG_CRQ status ', Number(BigInt.asIntN(64, st)));
  }
  println('vtpm: serving');
  let last = mftb();
  for (;;) {
    let busy = false;
    for (let k = 0; k < ends; k++) while (serveOne(k)) busy = true;
    const now = mftb();
    const ms = Number(BigInt.asUintN(64, now - last) / ticksPerMs);
    if (ms > 0) {
      advanceClocks(ms, ends);
      last = BigInt.asUintN(64, last + BigInt.asUintN(64, BigInt(ms) * ticksPerMs));
    }
    if (!busy) hcall(H_CONFER, 0xffffffffffffffffn, 0n, 0n, 0n, 0n, 0n, 0n);
  }
  return 0n;
}
