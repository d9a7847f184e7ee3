/**
 * The logical LAN ("hcall-lLAN"): the hcalls Linux's ibmveth driver makes on an l-lan vdevice
 * (ref/LINUX-GUEST.md B.5; QEMU hw/net/spapr_llan.c is the reference for the formats).
 *
 *   H_REGISTER_LOGICAL_LAN     open the port: buffer list, receive queue, filter list, MAC
 *   H_FREE_LOGICAL_LAN         close it (posted buffers and queue forgotten)
 *   H_ADD_LOGICAL_LAN_BUFFER   post one receive buffer; H_ADD_LOGICAL_LAN_BUFFERS up to eight
 *   H_SEND_LOGICAL_LAN         send a frame through the segment's switch (hcalls/vswitch.ts)
 *   H_MULTICAST_CTRL           multicast reception and filter
 *   H_CHANGE_LOGICAL_LAN_MAC   the port's address
 *
 * H_ILLAN_ATTRIBUTES is not offered (H_FUNCTION, as QEMU): ibmveth then uses no large send.
 * Every address is an I/O address in the port's own DMA window, checked through its TCEs; every
 * call checks everything before it changes anything.
 */
import type { u64 } from 'tsnc';
import { LanPort, MCAST_FILTERS, POOLS, POOL_CAPACITY, lanPorts } from '../lpar/lan';
import type { Partition } from '../lpar/partition';
import type { Vcpu } from '../lpar/vcpu';
import { unicastMac } from '../lpar/validate';
import { TCE_PAGE, TCE_READ, TCE_WRITE, VioKind, deviceOf, dmaMapped, dmaStore64, vdevices, type VioDevice } from '../lpar/vio';
import { admitSharing } from '../shype/security';
import { Op } from '../shype/ops';
import { H } from './status';
import {
  BD_ADDRESS_MASK, BD_TOGGLE, BD_VALID, SEND_DESCRIPTORS, bdLength, fillBucket, forgetLearnt, forgetPort, learn, ownedByOther, switchFrame,
  takeFrame,
} from './vswitch';

/** Smallest receive buffer (QEMU: 16 bytes) and the queue entry size. */
const MIN_BUFFER = 16;
const RXQ_ENTRY = 16;
/** Most descriptors one H_ADD_LOGICAL_LAN_BUFFERS posts (r5..r12). */
const ADD_MANY = 8;
/** H_MULTICAST_CTRL flags (Linux ibmveth.h IbmVethMcast*). */
const MCAST_RECEPTION_MODIFY: u64 = 0x80000n;
const MCAST_RECEPTION_ENABLE: u64 = 0x20000n;
const MCAST_FILTER_MODIFY: u64 = 0x40000n;
const MCAST_FILTER_ENABLE: u64 = 0x10000n;
const MCAST_COMMAND: u64 = 0x3n;
const MCAST_ADD = 1;
const MCAST_REMOVE = 2;
const MCAST_CLEAR = 3;
const MCAST_KNOWN: u64 = MCAST_RECEPTION_MODIFY | MCAST_RECEPTION_ENABLE | MCAST_FILTER_MODIFY | MCAST_FILTER_ENABLE | MCAST_COMMAND;
const MAC_MASK: u64 = 0xffffffffffffn;

/** The caller's l-lan device named `unit` (a vdevices index), or -1. */
function lanOf(p: Partition, unit: u64): number {
  const i = deviceOf(p, unit);
  return i < 0 || vdevices[i].kind !== VioKind.Lan ? -1 : i;
}

/** Zero `length` bytes (a multiple of 8) at `ioba` of `d`'s window, mapped writable (checked before). */
function zeroWindow(p: Partition, d: VioDevice, ioba: u64, length: number): void {
  for (let off = 0; off < length; off += 8) dmaStore64(p, d, BigInt.asUintN(64, ioba + BigInt(off)), 0n);
}

/**
 * H_REGISTER_LOGICAL_LAN(unit r4, buffer list r5, receive queue descriptor r6, filter list r7,
 * MAC r8): open the port. The two lists are 4 KiB-aligned pages, the queue a VALID descriptor of
 * whole 16-byte entries; all mapped for reading and writing. H_RESOURCE if the port is open
 * already, H_AUTHORITY if the policy refuses the partition the segment's label.
 * @noinline out of line, so that the hot dispatch path does not pay for its registers
 */
export function hRegisterLogicalLan(p: Partition, v: Vcpu): number {
  const i = lanOf(p, v.gpr[4]);
  if (i < 0) return H.PARAMETER;
  const d = vdevices[i];
  const port = lanPorts[d.config];
  if (port.open) return H.RESOURCE;
  const bufferList = v.gpr[5], rxqBd = v.gpr[6], filterList = v.gpr[7], mac = v.gpr[8] & MAC_MASK;
  const rxq: u64 = rxqBd & BD_ADDRESS_MASK;
  const rxqLength = bdLength(rxqBd);
  const rw = TCE_READ | TCE_WRITE;
  if ((bufferList & BigInt(TCE_PAGE - 1)) !== 0n || !dmaMapped(p, d, bufferList, TCE_PAGE, rw)) return H.PARAMETER;
  if ((filterList & BigInt(TCE_PAGE - 1)) !== 0n || !dmaMapped(p, d, filterList, TCE_PAGE, rw)) return H.PARAMETER;
  if ((rxqBd & BD_VALID) === 0n || (rxq & 15n) !== 0n || rxqLength < RXQ_ENTRY || rxqLength % RXQ_ENTRY !== 0) return H.PARAMETER;
  if (!dmaMapped(p, d, rxq, rxqLength, rw)) return H.PARAMETER;
  if (!unicastMac(mac) || ownedByOther(port.segment, mac, port.index)) return H.PARAMETER;
  if (port.segmentLabel !== 0 && !admitSharing(p, Op.SendFrame, port.segmentLabel)) return H.AUTHORITY;
  zeroWindow(p, d, rxq, rxqLength);
  zeroWindow(p, d, bufferList, TCE_PAGE);
  dmaStore64(p, d, bufferList, rxqBd & ~BD_TOGGLE);
  dmaStore64(p, d, BigInt.asUintN(64, bufferList + 8n), BD_VALID | (BigInt(TCE_PAGE) << 32n) | filterList);
  port.close();
  port.open = true;
  port.bufferList = bufferList;
  port.filterList = filterList;
  port.rxq = rxq;
  port.rxqLength = rxqLength;
  port.mac = mac;
  forgetPort(port.index);   // the address it had when it last closed, if it registers another
  learn(port.segment, mac, port.pvid, port.index, true);
  fillBucket(port);
  return H.SUCCESS;
}

/**
 * H_FREE_LOGICAL_LAN(unit r4): close the port; its posted buffers, queue and learnt addresses are
 * forgotten (its own address stays its own: frames to it are dropped as closed, vswitch.ts).
 * @noinline out of line, so that the hot dispatch path does not pay for its registers
 */
export function hFreeLogicalLan(p: Partition, v: Vcpu): number {
  const i = lanOf(p, v.gpr[4]);
  if (i < 0) return H.PARAMETER;
  const port = lanPorts[vdevices[i].config];
  port.close();
  forgetLearnt(port.index);
  return H.SUCCESS;
}

/** The pool of `port` for buffers of `length` bytes (an existing one, or a free one), or -1. */
function poolFor(port: LanPort, length: number): number {
  let free = -1;
  for (let k = 0; k < POOLS; k++) {
    if (port.poolSize[k] === length) return k;
    if (port.poolSize[k] === 0 && free < 0) free = k;
  }
  return free;
}

/** H_PARAMETER unless `bd` is a VALID buffer of at least MIN_BUFFER bytes, 4-byte aligned, mapped writable. */
function checkBuffer(p: Partition, d: VioDevice, bd: u64): number {
  const length = bdLength(bd);
  const ioba: u64 = bd & BD_ADDRESS_MASK;
  if ((bd & BD_VALID) === 0n || length < MIN_BUFFER || (ioba & 3n) !== 0n) return H.PARAMETER;
  if (!dmaMapped(p, d, ioba, length, TCE_READ | TCE_WRITE)) return H.PARAMETER;
  return H.SUCCESS;
}

/** Put checked buffer `bd` into pool `k` of `port` (which has room). */
function post(port: LanPort, k: number, bd: u64): void {
  port.poolSize[k] = bdLength(bd);
  port.poolBuffers[k * POOL_CAPACITY + port.poolCount[k]] = bd & ~BD_TOGGLE;
  port.poolCount[k]++;
}

/**
 * H_ADD_LOGICAL_LAN_BUFFER(unit r4, descriptor r5): post one receive buffer. H_RESOURCE when
 * the port is closed or its pool for that size (or a free pool) is full.
 * @noinline out of line, so that the hot dispatch path does not pay for its registers
 */
export function hAddLogicalLanBuffer(p: Partition, v: Vcpu): number {
  const i = lanOf(p, v.gpr[4]);
  if (i < 0) return H.PARAMETER;
  const d = vdevices[i];
  const port = lanPorts[d.config];
  if (!port.open) return H.RESOURCE;
  const bd = v.gpr[5];
  const st = checkBuffer(p, d, bd);
  if (st !== H.SUCCESS) return st;
  const k = poolFor(port, bdLength(bd));
  if (k < 0 || port.poolCount[k] >= POOL_CAPACITY) return H.RESOURCE;
  post(port, k, bd);
  return H.SUCCESS;
}

const pending = new BigUint64Array(ADD_MANY);
const pendingPool = new Int32Array(ADD_MANY);
const room = new Int32Array(POOLS);
const sizes = new Int32Array(POOLS);

/**
 * H_ADD_LOGICAL_LAN_BUFFERS(unit r4, descriptors r5..r12): post up to eight buffers (the list
 * ends at the first descriptor without VALID). All or none: every descriptor is checked, and
 * room found for all, before one is posted.
 * @noinline out of line, so that the hot dispatch path does not pay for its registers
 */
export function hAddLogicalLanBuffers(p: Partition, v: Vcpu): number {
  const i = lanOf(p, v.gpr[4]);
  if (i < 0) return H.PARAMETER;
  const d = vdevices[i];
  const port = lanPorts[d.config];
  if (!port.open) return H.RESOURCE;
  for (let k = 0; k < POOLS; k++) {
    sizes[k] = port.poolSize[k];
    room[k] = POOL_CAPACITY - port.poolCount[k];
  }
  let n = 0;
  for (; n < ADD_MANY; n++) {
    const bd = v.gpr[5 + n];
    if ((bd & BD_VALID) === 0n) break;
    const st = checkBuffer(p, d, bd);
    if (st !== H.SUCCESS) return st;
    let k = -1;
    for (let j = 0; j < POOLS && k < 0; j++) if (sizes[j] === bdLength(bd)) k = j;
    for (let j = 0; j < POOLS && k < 0; j++) if (sizes[j] === 0) { k = j; sizes[j] = bdLength(bd); }
    if (k < 0 || room[k] === 0) return H.RESOURCE;
    room[k]--;
    pending[n] = bd;
    pendingPool[n] = k;
  }
  for (let i = 0; i < n; i++) post(port, pendingPool[i], pending[i]);
  return H.SUCCESS;
}

const descriptors = new BigUint64Array(SEND_DESCRIPTORS);

/**
 * H_SEND_LOGICAL_LAN(unit r4, descriptors r5..r10, continuation token r11): send the frame the
 * descriptors hold. H_SUCCESS when a port got it; H_DROPPED when none did or the port is closed
 * (ibmveth counts both as sent); H_BUSY when the port's cap holds it back (the vCPU's slice ends
 * so that it waits for its tokens; ibmveth retries). A continuation token is not supported
 * (H_HARDWARE, as QEMU).
 * @noinline out of line, so that the hot dispatch path does not pay for its registers
 */
export function hSendLogicalLan(p: Partition, v: Vcpu): number {
  const i = lanOf(p, v.gpr[4]);
  if (i < 0) return H.PARAMETER;
  const d = vdevices[i];
  const port = lanPorts[d.config];
  v.gpr[4] = 0n;
  if (v.gpr[11] !== 0n) return H.HARDWARE;
  if (!port.open) return H.DROPPED;
  for (let i = 0; i < SEND_DESCRIPTORS; i++) descriptors[i] = v.gpr[5 + i];
  const st = takeFrame(p, d, descriptors);
  if (st !== H.SUCCESS) return st;
  const sent = switchFrame(port);
  if (sent === H.BUSY) v.yielded = true;
  else d.sent++;
  return sent;
}

/**
 * H_MULTICAST_CTRL(unit r4, flags r5, MAC r6): switch multicast reception and filtering, and add,
 * remove or clear filter entries. Adding to a full filter is H_NOT_ENOUGH_RESOURCES.
 * @noinline out of line, so that the hot dispatch path does not pay for its registers
 */
export function hMulticastCtrl(p: Partition, v: Vcpu): number {
  const i = lanOf(p, v.gpr[4]);
  if (i < 0) return H.PARAMETER;
  const port = lanPorts[vdevices[i].config];
  const flags = v.gpr[5], mac = v.gpr[6] & MAC_MASK;
  if ((flags & ~MCAST_KNOWN) !== 0n) return H.PARAMETER;
  const command = Number(flags & MCAST_COMMAND);
  let at = -1;
  for (let i = 0; i < port.filterCount; i++) if (port.filters[i] === mac) at = i;
  if (command === MCAST_ADD && at < 0 && port.filterCount >= MCAST_FILTERS) return H.NOT_ENOUGH_RESOURCES;
  if ((flags & MCAST_RECEPTION_MODIFY) !== 0n) port.multicast = (flags & MCAST_RECEPTION_ENABLE) !== 0n;
  if ((flags & MCAST_FILTER_MODIFY) !== 0n) port.filtering = (flags & MCAST_FILTER_ENABLE) !== 0n;
  if (command === MCAST_ADD && at < 0) port.filters[port.filterCount++] = mac;
  if (command === MCAST_REMOVE && at >= 0) port.filters[at] = port.filters[--port.filterCount];
  if (command === MCAST_CLEAR) port.filterCount = 0;
  return H.SUCCESS;
}

/**
 * H_CHANGE_LOGICAL_LAN_MAC(unit r4, MAC r5): the port's address (a unicast one, not another
 * port's own on the segment).
 * @noinline out of line, so that the hot dispatch path does not pay for its registers
 */
export function hChangeLogicalLanMac(p: Partition, v: Vcpu): number {
  const i = lanOf(p, v.gpr[4]);
  if (i < 0) return H.PARAMETER;
  const port = lanPorts[vdevices[i].config];
  const mac = v.gpr[5] & MAC_MASK;
  if (!unicastMac(mac) || ownedByOther(port.segment, mac, port.index)) return H.PARAMETER;
  forgetPort(port.index);
  port.mac = mac;
  if (port.open) learn(port.segment, mac, port.pvid, port.index, true);
  return H.SUCCESS;
}
