/**
 * Logical-LAN test partition (lpar/configs/lan-ts.ts): opens its l-lan port the way ibmveth
 * does (a buffer-list page, a receive queue and a filter page mapped through TCEs, receive
 * buffers posted one by one; ref/LINUX-GUEST.md B.5), sends FRAMES broadcast frames and FRAMES
 * unicast frames to each peer, and counts and checks what it receives from whom.
 *
 * Convention (the configuration keeps it): the stations of the segment are STATIONS
 * partitions whose MACs are MAC_BASE + 1 .. MAC_BASE + STATIONS; a partition learns its own from
 * its device tree (local-mac-address) and sends to the others. A frame carries its sender's
 * number and sequence and a pattern derived from both, which the receiver checks.
 *
 * Prints its counts and halts with 0 when no frame was malformed and no send failed, 1 otherwise.
 *
 * Bootargs: `frames=F` (F broadcast frames and F unicast frames to each peer; FRAMES when
 * absent); `crash=N`: a receiver that crashes with frames queued (docs/robustness.md): it opens
 * its port and posts its buffers like the others but sends nothing and never drains its queue;
 * once N frames wait in it, it executes an illegal instruction (it has no handler: it halts with
 * 0x10700) and the hypervisor closes its port; the others keep sending to it.
 */
import { load16, load32, load64, load8, store64, store8, type u64 } from 'tsnc';
import { Fdt, FdtStatus } from '../fdt';
import { hcall, hcallNoToken, illegalInstruction, printNumber, println } from './lib';
import { bootargNumber, readBootargs } from './bootargs';
import {
  H_ADD_LOGICAL_LAN_BUFFER, H_BUSY, H_DROPPED, H_REGISTER_LOGICAL_LAN, H_SEND_LOGICAL_LAN, VIO_UNIT,
  mapPages, yieldCpu,
} from './vio';

/** The segment's stations and their MACs (locally administered unicast 02:00:00:00:00:0k). */
const STATIONS = 3;
const MAC_BASE: u64 = 0x020000000000n;
const BROADCAST: u64 = 0xffffffffffffn;
/** Broadcast frames, and unicast frames to each peer, sent. */
const FRAMES = 8;
/** The frame: Ethernet header, sender number, sequence, pattern; its EtherType (local experimental). */
const FRAME_BYTES = 80;
const ETHERTYPE = 0x88b5;
const PAYLOAD = 16;
/** Memory (logical address = I/O address + AREA): buffer list, filter list, receive queue, transmit buffer, receive buffers. */
const AREA: u64 = 0x400000n;
const BUFFER_LIST: u64 = 0n;
const FILTER_LIST: u64 = 0x1000n;
const RXQ: u64 = 0x2000n;
const RXQ_ENTRIES = 128;
const TX: u64 = 0x3000n;
const RX_BUFFERS: u64 = 0x10000n;
const RX_COUNT = 64;
const RX_SIZE = 512;
/** Buffer descriptor bits (ibmveth). */
const BD_VALID: u64 = 0x8000000000000000n;
/** H_CONFERs after opening the port (so that every peer has opened its own) and of silence at the end. */
const SETTLE = 100;
const QUIET = 2000;

const tree = new Fdt();
let self = 0;
let rxIndex = 0;
let rxToggle = 1;
let bad = 0;
let sendFailures = 0;
let sentOk = 0;
let sentDropped = 0;
let received = 0;
const fromBroadcast = new Int32Array(STATIONS + 1);
const fromUnicast = new Int32Array(STATIONS + 1);

function descriptor(length: number, ioba: u64): u64 {
  return BD_VALID | BigInt.asUintN(64, BigInt(length) << 32n) | ioba;
}

function at(ioba: u64): u64 {
  return BigInt.asUintN(64, AREA + ioba);
}

/** Its own MAC from /vdevice/l-lan's local-mac-address (6 bytes, or 8 with it in bytes 2..7); 0 when absent. */
function ownMac(fdt: u64): u64 {
  if (tree.open(fdt, 0x10000) !== FdtStatus.Ok) return 0n;
  const node = tree.pathOffset('/vdevice/l-lan');
  if (node < 0) return 0n;
  const prop = tree.findProp(node, 'local-mac-address');
  if (prop < 0) return 0n;
  const skip = tree.propLen(prop) === 8 ? 2 : 0;
  let mac: u64 = 0n;
  for (let i = 0; i < 6; i++) mac = BigInt.asUintN(64, (mac << 8n) | BigInt(tree.propByte(prop, skip + i)));
  return mac;
}

/** Post receive buffer `i` (its first doubleword, the correlator, is its number). */
function postBuffer(i: number): boolean {
  const ioba: u64 = BigInt.asUintN(64, RX_BUFFERS + BigInt(i * RX_SIZE));
  store64(at(ioba), BigInt(i));
  return hcall(H_ADD_LOGICAL_LAN_BUFFER, VIO_UNIT, descriptor(RX_SIZE, ioba), 0n, 0n, 0n, 0n, 0n) === 0n;
}

/** Map the port's pages, register it with MAC `mac`, post the buffers; false on any failure. */
function open(mac: u64): boolean {
  const pages = Number(RX_BUFFERS >> 12n) + ((RX_COUNT * RX_SIZE) >>> 12);
  if (mapPages(VIO_UNIT, 0n, AREA, pages) !== 0) { println('lan: H_PUT_TCE failed'); return false; }
  const st = hcall(H_REGISTER_LOGICAL_LAN, VIO_UNIT, BUFFER_LIST, descriptor(RXQ_ENTRIES * 16, RXQ), FILTER_LIST, mac, 0n, 0n);
  if (st !== 0n) { printNumber('lan: H_REGISTER_LOGICAL_LAN status ', Number(BigInt.asIntN(64, st))); return false; }
  for (let i = 0; i < RX_COUNT; i++) if (!postBuffer(i)) { println('lan: H_ADD_LOGICAL_LAN_BUFFER failed'); return false; }
  return true;
}

function putMac(address: u64, mac: u64): void {
  for (let i = 0; i < 6; i++) store8(BigInt.asUintN(64, address + BigInt(i)), Number((mac >> BigInt(40 - 8 * i)) & 0xffn));
}

function patternByte(sender: number, seq: number, i: number): number {
  return (sender * 31 + seq * 7 + i * 3) & 0xff;
}

/** Send frame `seq` to `dst`; counts the outcome. */
function sendFrame(dst: u64, seq: number): void {
  const f = at(TX);
  putMac(f, dst);
  putMac(BigInt.asUintN(64, f + 6n), BigInt.asUintN(64, MAC_BASE + BigInt(self)));
  store8(BigInt.asUintN(64, f + 12n), ETHERTYPE >> 8);
  store8(BigInt.asUintN(64, f + 13n), ETHERTYPE & 0xff);
  store8(BigInt.asUintN(64, f + 14n), self);
  store8(BigInt.asUintN(64, f + 15n), seq);
  for (let i = PAYLOAD; i < FRAME_BYTES; i++) store8(BigInt.asUintN(64, f + BigInt(i)), patternByte(self, seq, i));
  let st = hcallNoToken(H_SEND_LOGICAL_LAN, VIO_UNIT, descriptor(FRAME_BYTES, TX), 0n, 0n, 0n, 0n, 0n);
  for (let i = 0; i < 1000 && st === H_BUSY; i++) {
    yieldCpu();
    st = hcallNoToken(H_SEND_LOGICAL_LAN, VIO_UNIT, descriptor(FRAME_BYTES, TX), 0n, 0n, 0n, 0n, 0n);
  }
  if (st === 0n) sentOk++;
  else if (st === H_DROPPED) sentDropped++;
  else { sendFailures++; printNumber('lan: H_SEND_LOGICAL_LAN status ', Number(BigInt.asIntN(64, st))); }
}

/** The MAC of the 6 bytes at `address`. */
function macAt(address: u64): u64 {
  let mac: u64 = 0n;
  for (let i = 0; i < 6; i++) mac = BigInt.asUintN(64, (mac << 8n) | BigInt(load8(BigInt.asUintN(64, address + BigInt(i)))));
  return mac;
}

/** Check and count the frame of `length` bytes at `f`. */
function checkFrame(f: u64, length: number): void {
  const dst = macAt(f);
  const src = macAt(BigInt.asUintN(64, f + 6n));
  const offset: u64 = BigInt.asUintN(64, src - MAC_BASE);
  const sender = offset <= BigInt(STATIONS) ? Number(offset) : 0;
  const seq = load8(BigInt.asUintN(64, f + 15n));
  let ok = length === FRAME_BYTES && sender >= 1 && sender <= STATIONS && sender !== self
    && load8(BigInt.asUintN(64, f + 14n)) === sender && load16(BigInt.asUintN(64, f + 12n)) === ETHERTYPE
    && (dst === BROADCAST || dst === BigInt.asUintN(64, MAC_BASE + BigInt(self)));
  for (let i = PAYLOAD; ok && i < FRAME_BYTES; i++) ok = load8(BigInt.asUintN(64, f + BigInt(i))) === patternByte(sender, seq, i);
  if (!ok) { bad++; return; }
  if (dst === BROADCAST) fromBroadcast[sender]++;
  else fromUnicast[sender]++;
}

/** Whether receive-queue entry `i` holds a frame of this lap (its toggle bit is rxToggle's). */
function entryValid(i: number): boolean {
  const flags = load8(BigInt.asUintN(64, at(RXQ) + BigInt(16 * i)));
  return ((flags & 0x80) !== 0 ? 1 : 0) === rxToggle && (flags & 0x40) !== 0;
}

/** crash=N: wait (yielding, never draining) until N frames are queued, then an illegal instruction. */
function crashWithFramesQueued(n: number): u64 {
  for (let i = 0; i < 100 * QUIET; i++) {
    if (entryValid(n - 1)) {
      printNumber('lan: crashing with frames queued ', n);
      illegalInstruction();
      println('lan: still alive after an illegal instruction (wrong)');
      return 1n;
    }
    yieldCpu();
  }
  println('lan: the frames to crash with never came');
  return 1n;
}

/** Take every frame the receive queue holds (re-posting its buffer); the number taken. */
function drain(): number {
  let n = 0;
  for (;;) {
    const entry: u64 = BigInt.asUintN(64, at(RXQ) + BigInt(16 * rxIndex));
    const flags = load8(entry);
    if (((flags & 0x80) !== 0 ? 1 : 0) !== rxToggle) return n;
    const offset = load16(BigInt.asUintN(64, entry + 2n));
    const length = load32(BigInt.asUintN(64, entry + 4n));
    const buffer = Number(load64(BigInt.asUintN(64, entry + 8n)));
    if ((flags & 0x40) === 0 || buffer < 0 || buffer >= RX_COUNT) {
      bad++;
    } else {
      checkFrame(BigInt.asUintN(64, at(RX_BUFFERS) + BigInt(buffer * RX_SIZE + offset)), length);
      if (!postBuffer(buffer)) bad++;
    }
    received++;
    n++;
    rxIndex++;
    if (rxIndex === RXQ_ENTRIES) { rxIndex = 0; rxToggle ^= 1; }
  }
}

/** "lan: from station K, broadcast|unicast frames N" (STATIONS is 3). */
function stationLine(k: number, unicast: boolean, n: number): void {
  if (k === 1) printNumber(unicast ? 'lan: from station 1, unicast frames ' : 'lan: from station 1, broadcast frames ', n);
  else if (k === 2) printNumber(unicast ? 'lan: from station 2, unicast frames ' : 'lan: from station 2, broadcast frames ', n);
  else printNumber(unicast ? 'lan: from station 3, unicast frames ' : 'lan: from station 3, broadcast frames ', n);
}

export function guestMain(fdt: u64): u64 {
  const mac = ownMac(fdt);
  const offset: u64 = BigInt.asUintN(64, mac - MAC_BASE);
  self = offset <= BigInt(STATIONS) ? Number(offset) : 0;
  if (self < 1) { println('lan: MAC outside the convention'); return 1n; }
  printNumber('lan: station ', self);
  readBootargs(fdt);
  const frames = bootargNumber('frames', FRAMES);
  const crashAt = bootargNumber('crash', 0);
  if (!open(mac)) return 1n;
  if (crashAt > 0 && crashAt <= RXQ_ENTRIES) return crashWithFramesQueued(crashAt);
  for (let i = 0; i < SETTLE; i++) { yieldCpu(); drain(); }
  for (let seq = 0; seq < frames; seq++) {
    sendFrame(BROADCAST, seq);
    drain();
    for (let k = 1; k <= STATIONS; k++) {
      if (k === self) continue;
      sendFrame(BigInt.asUintN(64, MAC_BASE + BigInt(k)), seq);
      drain();
    }
    yieldCpu();
  }
  const expected = (STATIONS - 1) * 2 * frames;
  for (let quiet = 0; quiet < QUIET && received < expected;) {
    if (drain() > 0) quiet = 0;
    else { quiet++; yieldCpu(); }
  }
  printNumber('lan: sent ', sentOk + sentDropped + sendFailures);
  printNumber('lan: sent delivered ', sentOk);
  printNumber('lan: sent dropped ', sentDropped);
  for (let k = 1; k <= STATIONS; k++) {
    if (k === self) continue;
    stationLine(k, false, fromBroadcast[k]);
    stationLine(k, true, fromUnicast[k]);
  }
  printNumber('lan: frames received ', received);
  printNumber('lan: bad frames ', bad);
  return bad === 0 && sendFailures === 0 ? 0n : 1n;
}
