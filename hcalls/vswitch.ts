/**
 * The virtual switch: one per logical-LAN segment, in the hypervisor. H_SEND_LOGICAL_LAN
 * (hcalls/llan.ts) hands it the sender's frame, described by buffer descriptors in the sender's
 * DMA window; it decides where the frame goes and DMA-writes it straight from the sender's
 * buffers into each receiver's posted buffer (one copy), then posts the receive-queue entry in
 * ibmveth's format (ref/LINUX-GUEST.md B.5) and raises the receiver's interrupt.
 *
 *   forwarding   unicast to the port that owns the destination MAC (registered by the port, or
 *                learnt from the source MAC of frames it sent), unknown unicast, broadcast and
 *                multicast to every other port of the segment in the frame's VLAN; multicast only
 *                to ports whose H_MULTICAST_CTRL filter accepts it; never back to the sender.
 *   VLANs        a port with PVID 0 is VLAN-unaware (tags are payload, it meets only other such
 *                ports); otherwise an untagged frame belongs to the port's PVID and a tagged one
 *                must carry the PVID or one of the port's VLANs. A receiver gets the frame
 *                untagged in its PVID and tagged in its other VLANs (the tag is removed or
 *                inserted on the way).
 *   policy       every delivery is SendFrame from the sender's label to the receiver's, through
 *                decide() and its cache. A denied frame is dropped and counted; the first denial
 *                per pair of ports per second is audited, the rest only counted.
 *   full pools   a receiver without a posted buffer large enough drops the frame (counted, and
 *                in its buffer list's dropped-frames counter, as ibmveth reads it).
 *   cap          a port's send cap is a token bucket on the timebase; a send without tokens is
 *                answered H_BUSY (Linux retries) and ends the vCPU's time slice, so the sender
 *                waits for the tokens its cap gives instead of spinning.
 */
import { load64, load8, mftb, store32, store64, store8, sync, type u64 } from 'tsnc';
import { MAX_PORTS, MAX_SEGMENTS } from '../lpar/config';
import { NO_ADDRESS } from '../lpar/memory';
import { DROP_REASONS, Drop, LanPort, MCAST_FILTERS, POOLS, POOL_CAPACITY, lanPorts } from '../lpar/lan';
import { partitions, type Partition } from '../lpar/partition';
import { timebaseHz } from '../lpar/time';
import {
  TCE_READ, TCE_WRITE, VioDevice, dmaCopy, dmaLoad64, dmaMapped, dmaStore64, signalDevice, tceTranslate, vdevices,
} from '../lpar/vio';
import { admitFlow } from '../shype/security';
import { Op } from '../shype/ops';
import { H } from './status';

/** Descriptors one H_SEND_LOGICAL_LAN passes (r5..r10). */
export const SEND_DESCRIPTORS = 6;
/** Buffer descriptor fields (Linux union ibmveth_buf_desc; QEMU vlan_bd_t). */
export const BD_VALID: u64 = 0x8000000000000000n;
export const BD_TOGGLE: u64 = 0x4000000000000000n;
const BD_LENGTH_SHIFT = 32n;
const BD_LENGTH_MASK: u64 = 0xffffffn;
export const BD_ADDRESS_MASK: u64 = 0xffffffffn;

/** The length field of buffer descriptor `bd` (bits 32..55). */
export function bdLength(bd: u64): number {
  return Number((bd >> BD_LENGTH_SHIFT) & BD_LENGTH_MASK);
}
/** Smallest frame (an Ethernet header) and largest (64 KiB, as QEMU's H_SEND_LOGICAL_LAN). */
export const MIN_FRAME = 14;
export const MAX_FRAME = 65536;
/** An 802.1Q tag: its TPID, and its length. */
const TPID_8021Q = 0x8100;
const TAG = 4;
/** The receive-queue entry's flags (the top byte of its first word) and the frame's offset in the buffer. */
const RXQ_TOGGLE = 0x80000000;
const RXQ_VALID = 0x40000000;
const RX_OFFSET = 8;
/** Offset in the buffer-list page of the dropped-frames counter (its last doubleword). */
export const BUFFER_LIST_DROPS = 4088n;
/** MAC addresses the switch remembers per segment. */
const MAC_TABLE = 32;
/** A MAC held in the low 48 bits, and its multicast (group) bit. */
const BROADCAST: u64 = 0xffffffffffffn;
const GROUP_BIT: u64 = 0x10000000000n;

// ---- the MAC table: per segment, (MAC, VLAN) -> port; replaced round-robin when full -------
// A port's own address (registered with the port, or changed by H_CHANGE_LOGICAL_LAN_MAC) is a
// static entry: learning never moves it, so a partition that sends with another port's address
// as its source cannot draw that port's traffic to itself.
const tableMac = new BigUint64Array(MAX_SEGMENTS * MAC_TABLE);
const tableStatic = new Uint8Array(MAX_SEGMENTS * MAC_TABLE);
const tableVlan = new Int32Array(MAX_SEGMENTS * MAC_TABLE);
const tablePort = new Int8Array(MAX_SEGMENTS * MAC_TABLE);
const tableNext = new Int32Array(MAX_SEGMENTS);
tablePort.fill(-1);

/** The port that owns `mac` in `vlan` of `segment`, or -1 when the switch does not know it. */
export function portOfMac(segment: number, mac: u64, vlan: number): number {
  const base = segment * MAC_TABLE;
  for (let i = base; i < base + MAC_TABLE; i++) {
    if (tablePort[i] >= 0 && tableMac[i] === mac && tableVlan[i] === vlan) return tablePort[i];
  }
  return -1;
}

/**
 * Remember that `mac` in `vlan` of `segment` is behind `port` (a new entry, or a learnt entry
 * that moved). A port's own address (`own`) is entered as static; a static entry of another port
 * is never moved.
 */
export function learn(segment: number, mac: u64, vlan: number, port: number, own: boolean): void {
  if ((mac & GROUP_BIT) !== 0n || mac === 0n) return;   // only unicast sources
  const base = segment * MAC_TABLE;
  for (let i = base; i < base + MAC_TABLE; i++) {
    if (tablePort[i] < 0 || tableMac[i] !== mac || tableVlan[i] !== vlan) continue;
    if (tableStatic[i] !== 0 && tablePort[i] !== port) return;   // another port's own address
    tablePort[i] = port;
    if (own) tableStatic[i] = 1;
    return;
  }
  let i = base + tableNext[segment];
  for (let k = 0; k < MAC_TABLE && tablePort[i] >= 0 && tableStatic[i] !== 0; k++) {   // never evict a port's own address
    tableNext[segment] = (tableNext[segment] + 1) % MAC_TABLE;
    i = base + tableNext[segment];
  }
  if (tablePort[i] >= 0 && tableStatic[i] !== 0) return;   // all static: nothing more is learnt
  tableNext[segment] = (tableNext[segment] + 1) % MAC_TABLE;
  tableMac[i] = mac;
  tableVlan[i] = vlan;
  tablePort[i] = port;
  tableStatic[i] = own ? 1 : 0;
}

/** Whether a port of `segment` other than `port` has `mac` as its own address. */
export function ownedByOther(segment: number, mac: u64, port: number): boolean {
  const base = segment * MAC_TABLE;
  for (let i = base; i < base + MAC_TABLE; i++) {
    if (tablePort[i] >= 0 && tablePort[i] !== port && tableStatic[i] !== 0 && tableMac[i] === mac) return true;
  }
  return false;
}

/**
 * `port` closed (H_FREE_LOGICAL_LAN, its partition stopped or restarting): forget the addresses
 * learnt behind it, but keep its own, so that a unicast frame to it is dropped and counted as
 * closed (H_DROPPED) rather than flooded to the segment's other ports as unknown unicast, and no
 * other port may take its address meanwhile. forgetPort() forgets the own address too.
 */
export function forgetLearnt(port: number): void {
  for (let i = 0; i < tablePort.length; i++) {
    if (tablePort[i] === port && tableStatic[i] === 0) tablePort[i] = -1;
  }
}

/** Forget every MAC behind `port`, its own address too (it registers or takes another). */
export function forgetPort(port: number): void {
  for (let i = 0; i < tablePort.length; i++) {
    if (tablePort[i] === port) {
      tablePort[i] = -1;
      tableStatic[i] = 0;
    }
  }
}

// ---- the frame being switched: the sender's descriptors --------------------------------------
const frameIoba = new BigUint64Array(SEND_DESCRIPTORS);
const frameLength = new Int32Array(SEND_DESCRIPTORS);
let frameParts = 0;
let frameTotal = 0;
let sender: Partition = partitions[0];
let senderDevice: VioDevice = vdevices[0];
const ok = new Uint8Array(1);
/**
 * The frame's first HEAD bytes (addresses, tag, TCI) as two big-endian doublewords, when the
 * first part holds them, aligned, within one TCE page (headValid): frameField reads them there
 * instead of translating each byte.
 */
const HEAD = 16;
let headValid = false;
let headHi: u64 = 0n;
let headLo: u64 = 0n;

/**
 * Take the descriptors bd[0..] (r5..r10 of H_SEND_LOGICAL_LAN) as the frame: they end at the
 * first without VALID. H_SUCCESS, or H_PARAMETER (a part not mapped readable, a frame shorter than
 * an Ethernet header), H_RESOURCE (longer than MAX_FRAME).
 */
export function takeFrame(p: Partition, d: VioDevice, bds: BigUint64Array): number {
  frameParts = 0;
  frameTotal = 0;
  headValid = false;
  for (let i = 0; i < SEND_DESCRIPTORS; i++) {
    const bd = bds[i];
    if ((bd & BD_VALID) === 0n) break;
    const length = bdLength(bd);
    const ioba: u64 = bd & BD_ADDRESS_MASK;
    if (length > MAX_FRAME - frameTotal) return H.RESOURCE;   // before walking its TCEs
    if (!dmaMapped(p, d, ioba, length, TCE_READ)) return H.PARAMETER;
    frameIoba[frameParts] = ioba;
    frameLength[frameParts] = length;
    frameParts++;
    frameTotal += length;
  }
  if (frameTotal < MIN_FRAME) return H.PARAMETER;
  sender = p;
  senderDevice = d;
  if (frameLength[0] >= HEAD) {
    const ra = tceTranslate(p, d, frameIoba[0], HEAD, TCE_READ);
    if (ra !== NO_ADDRESS && (ra & 7n) === 0n) {
      headHi = load64(ra);
      headLo = load64(BigInt.asUintN(64, ra + 8n));
      headValid = true;
    }
  }
  return H.SUCCESS;
}

/** Byte `k` of the frame (k < frameTotal; the parts were checked readable). */
function frameByte(k: number): number {
  let at = k;
  for (let i = 0; i < frameParts; i++) {
    if (at < frameLength[i]) {
      const ra = tceTranslate(sender, senderDevice, BigInt.asUintN(64, frameIoba[i] + BigInt(at)), 1, TCE_READ);
      return load8(ra);
    }
    at -= frameLength[i];
  }
  return 0;
}

/** `n` bytes of the frame from offset `from`, big-endian, as a number (n <= 6). */
function frameField(from: number, n: number): u64 {
  let v: u64 = 0n;
  if (headValid) {   // the usual case: a header field switchFrame reads, from what takeFrame read
    if (from === 0 && n === 6) return headHi >> 16n;                                                // destination
    if (from === 6 && n === 6) return BigInt.asUintN(64, (headHi & 0xffffn) << 32n) | (headLo >> 32n);   // source
    if (from === 12 && n === 2) return (headLo >> 16n) & 0xffffn;                                  // type / TPID
    if (from === 14 && n === 2) return headLo & 0xffffn;                                           // TCI
  }
  for (let i = 0; i < n; i++) v = BigInt.asUintN(64, (v << 8n) | BigInt(frameByte(from + i)));
  return v;
}

/** Copy frame bytes [from, from + n) to window `dd` of `dp` at `to` (mapped writable: checked before). */
function copyFrame(from: number, n: number, dp: Partition, dd: VioDevice, to: u64): void {
  let skip = from;
  let left = n;
  let out = to;
  for (let i = 0; i < frameParts && left > 0; i++) {
    if (skip >= frameLength[i]) { skip -= frameLength[i]; continue; }
    const chunk = Math.min(frameLength[i] - skip, left);
    dmaCopy(sender, senderDevice, BigInt.asUintN(64, frameIoba[i] + BigInt(skip)), dp, dd, out, chunk);
    out = BigInt.asUintN(64, out + BigInt(chunk));
    left -= chunk;
    skip = 0;
  }
}

// ---- delivery ---------------------------------------------------------------------------------

/** How the frame leaves for a receiver: as it came, with its tag removed, or with a tag added. */
const enum Egress {
  AsIs = 0,
  Strip = 1,
  Insert = 2,
  NotMember = 3,
}

/** The timebase of the last audited denial per (sender port, receiver port); 0: none yet. */
const lastAudit = new BigUint64Array(MAX_PORTS * MAX_PORTS);
/** Frames delivered, and frames not delivered by reason, over all ports (for the summary). */
export const switchStats = new Uint32Array(1 + DROP_REASONS);

/** How a frame of `vlan` (0: the VLAN-unaware domain), tagged or not, leaves through port `r`. */
function egressOf(r: LanPort, vlan: number, tagged: boolean): Egress {
  if (vlan === 0) return r.pvid === 0 ? Egress.AsIs : Egress.NotMember;
  if (r.pvid === vlan) return tagged ? Egress.Strip : Egress.AsIs;
  if (r.carriesTagged(vlan)) return tagged ? Egress.AsIs : Egress.Insert;
  return Egress.NotMember;
}

/** Whether port `r`'s multicast settings accept group address `mac`. */
function acceptsGroup(r: LanPort, mac: u64): boolean {
  if (mac === BROADCAST) return true;
  if (!r.multicast) return false;
  if (!r.filtering) return true;
  for (let i = 0; i < r.filterCount && i < MCAST_FILTERS; i++) if (r.filters[i] === mac) return true;
  return false;
}

/** Count a frame not delivered to `r` for `why`. */
function drop(r: LanPort, why: Drop): void {
  r.drops[why]++;
  switchStats[1 + why]++;
}

/** Pop the smallest posted buffer of `r` that holds `need` bytes: its descriptor, or 0n. */
function takeBuffer(r: LanPort, need: number): u64 {
  let best = -1;
  for (let k = 0; k < POOLS; k++) {
    if (r.poolCount[k] > 0 && r.poolSize[k] >= need && (best < 0 || r.poolSize[k] < r.poolSize[best])) best = k;
  }
  if (best < 0) return 0n;
  r.poolCount[best]--;
  return r.poolBuffers[best * POOL_CAPACITY + r.poolCount[best]];
}

/** Raise the dropped-frames counter in `r`'s buffer list (the guest reads it as rx_no_buffer). */
function countNoBuffer(rp: Partition, rd: VioDevice, r: LanPort): void {
  const at: u64 = BigInt.asUintN(64, r.bufferList + BUFFER_LIST_DROPS);
  ok[0] = 1;
  const n = dmaLoad64(rp, rd, at, ok);
  if (ok[0] !== 0) dmaStore64(rp, rd, at, BigInt.asUintN(64, n + 1n));
}

/**
 * Deliver the frame from port `s` to port `r` (same segment, VLAN member): the policy, a buffer,
 * the copy (with the tag removed or inserted as `egress` says), the queue entry, the interrupt.
 * True when it was delivered.
 */
function deliver(s: LanPort, r: LanPort, vlan: number, egress: Egress): boolean {
  if (!r.open) { drop(r, Drop.Closed); return false; }
  const rd = vdevices[r.device];
  const rp = partitions[rd.owner];
  const pair = s.index * MAX_PORTS + r.index;
  const now = mftb();
  const audit = lastAudit[pair] === 0n || BigInt.asUintN(64, now - lastAudit[pair]) >= timebaseHz;
  if (!admitFlow(sender, Op.SendFrame, rp.ssidref, audit)) {
    if (audit) lastAudit[pair] = now === 0n ? 1n : now;
    senderDevice.denied++;
    drop(r, Drop.Denied);
    return false;
  }
  const length = egress === Egress.Strip ? frameTotal - TAG : egress === Egress.Insert ? frameTotal + TAG : frameTotal;
  const bd = takeBuffer(r, length + RX_OFFSET);
  if (bd === 0n) { countNoBuffer(rp, rd, r); drop(r, Drop.NoBuffer); return false; }
  const buffer: u64 = bd & BD_ADDRESS_MASK;
  const entry: u64 = BigInt.asUintN(64, r.rxq + BigInt(r.rxqNext));
  const data: u64 = BigInt.asUintN(64, buffer + BigInt(RX_OFFSET));
  if (!dmaMapped(rp, rd, buffer, RX_OFFSET, TCE_READ) || !dmaMapped(rp, rd, data, length, TCE_WRITE) ||
      !dmaMapped(rp, rd, entry, 16, TCE_WRITE)) {
    drop(r, Drop.Unmapped);   // the buffer is given up: the guest unmapped it
    return false;
  }
  if (egress === Egress.AsIs) {
    copyFrame(0, frameTotal, rp, rd, data);
  } else if (egress === Egress.Strip) {
    copyFrame(0, 12, rp, rd, data);
    copyFrame(12 + TAG, frameTotal - 12 - TAG, rp, rd, BigInt.asUintN(64, data + 12n));
  } else {
    copyFrame(0, 12, rp, rd, data);
    writeTag(rp, rd, BigInt.asUintN(64, data + 12n), vlan);
    copyFrame(12, frameTotal - 12, rp, rd, BigInt.asUintN(64, data + 12n + BigInt(TAG)));
  }
  postEntry(rp, rd, r, entry, buffer, length);
  r.framesReceived++;
  r.bytesReceived += length;
  switchStats[0]++;
  signalDevice(rd);
  return true;
}

/** Write an 802.1Q tag for `vlan` at `to` (4 bytes, mapped writable). */
function writeTag(rp: Partition, rd: VioDevice, to: u64, vlan: number): void {
  for (let i = 0; i < TAG; i++) {
    const b = i === 0 ? TPID_8021Q >> 8 : i === 1 ? TPID_8021Q & 0xff : i === 2 ? (vlan >> 8) & 0x0f : vlan & 0xff;
    store8(tceTranslate(rp, rd, BigInt.asUintN(64, to + BigInt(i)), 1, TCE_WRITE), b);
  }
}

/**
 * Post the receive-queue entry for a frame of `length` bytes in the buffer at `buffer`: the
 * correlator (the buffer's first 8 bytes) and the length first, the flags word (with the valid
 * bit and the lap's toggle) last; then advance the queue, flipping the toggle at the wrap.
 */
function postEntry(rp: Partition, rd: VioDevice, r: LanPort, entry: u64, buffer: u64, length: number): void {
  ok[0] = 1;
  const correlator = dmaLoad64(rp, rd, buffer, ok);
  const ra = tceTranslate(rp, rd, entry, 16, TCE_WRITE);
  store64(BigInt.asUintN(64, ra + 8n), correlator);
  store32(BigInt.asUintN(64, ra + 4n), length);
  sync();
  store32(ra, ((r.rxqToggle === 0 ? RXQ_TOGGLE : 0) | RXQ_VALID | RX_OFFSET) >>> 0);
  r.rxqNext += 16;
  if (r.rxqNext >= r.rxqLength) {
    r.rxqNext = 0;
    r.rxqToggle ^= 1;
  }
}

/**
 * Take `tokens` bytes from port `s`'s cap. False when the bucket does not hold them yet.
 */
function spend(s: LanPort, bytes: number): boolean {
  if (s.capBytesPerSecond === 0) return true;
  const now = mftb();
  let elapsed: u64 = BigInt.asUintN(64, now - s.refilled);
  if (elapsed > timebaseHz) elapsed = timebaseHz;
  const gained = Math.floor(Number(elapsed) * s.capBytesPerSecond / Number(timebaseHz));
  if (gained > 0) {
    s.tokens = Math.min(s.depth, s.tokens + gained);
    s.refilled = now;
  }
  if (s.tokens < bytes) return false;
  s.tokens -= bytes;
  return true;
}

/** Fill `s`'s bucket (the port opened): depth 50 ms of its cap, at least two largest frames. */
export function fillBucket(s: LanPort): void {
  s.depth = Math.max(Math.floor(s.capBytesPerSecond / 20), 2 * MAX_FRAME);
  s.tokens = s.depth;
  s.refilled = mftb();
}

/**
 * Switch the frame takeFrame() accepted from port `s`. Returns H.SUCCESS when at least one port
 * got it, H.DROPPED when none did (as ibmveth expects: it counts it as sent), H.BUSY when the
 * port's cap holds it back (nothing was delivered; the sender retries).
 */
export function switchFrame(s: LanPort): number {
  if (!spend(s, frameTotal)) {
    s.throttled++;
    return H.BUSY;
  }
  s.framesSent++;
  s.bytesSent += frameTotal;
  // the header fields straight from what takeFrame read (frameField does the same, a call each)
  const dst = headValid ? headHi >> 16n : frameField(0, 6);
  const src = headValid ? BigInt.asUintN(64, (headHi & 0xffffn) << 32n) | (headLo >> 32n) : frameField(6, 6);
  const type = headValid ? Number((headLo >> 16n) & 0xffffn) : Number(frameField(12, 2));
  const tagged = type === TPID_8021Q && frameTotal >= MIN_FRAME + TAG;
  let vlan = 0;
  if (s.pvid !== 0) {
    vlan = tagged ? Number(frameField(14, 2)) & 0xfff : s.pvid;
    if (tagged && vlan !== s.pvid && !s.carriesTagged(vlan)) return H.DROPPED;   // not the port's VLAN
  }
  learn(s.segment, src, vlan, s.index, false);
  let delivered = 0;
  if ((dst & GROUP_BIT) === 0n) {
    const to = portOfMac(s.segment, dst, vlan);
    if (to >= 0) {
      if (to === s.index) return H.DROPPED;   // to itself: no loopback
      const r = lanPorts[to];
      const egress = egressOf(r, vlan, tagged);
      return egress !== Egress.NotMember && deliver(s, r, vlan, egress) ? H.SUCCESS : H.DROPPED;
    }
  }
  for (let i = 0; i < lanPorts.length; i++) {   // flood: group addresses and unknown unicast
    const r = lanPorts[i];
    if (i === s.index || r.segment !== s.segment || r.device < 0) continue;
    const egress = egressOf(r, vlan, tagged);
    if (egress === Egress.NotMember) continue;
    if ((dst & GROUP_BIT) !== 0n && !acceptsGroup(r, dst)) { if (r.open) drop(r, Drop.Filtered); continue; }
    if (deliver(s, r, vlan, egress)) delivered++;
  }
  return delivered > 0 ? H.SUCCESS : H.DROPPED;
}

/** Forget the switch's state (MAC table, audit times, totals): for tests and a fresh boot. */
export function resetSwitch(): void {
  tablePort.fill(-1);
  tableStatic.fill(0);
  tableNext.fill(0);
  lastAudit.fill(0n);
  switchStats.fill(0);
}
