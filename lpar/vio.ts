/**
 * Virtual I/O devices and their DMA windows: the l-lan ports and CRQ ends the configuration
 * gives partitions (lpar/config.ts addPort, addChannel), as PAPR's VIO bus describes them.
 *
 *   unit address   a partition's k-th device is VIO_UNIT_BASE + k under /vdevice (the vty is
 *                  VIO_UNIT_BASE - 1): the number its hcalls name it by;
 *   LIOBN          its DMA window's number, equal to its unit address (as QEMU does); a CRQ
 *                  server also names its client's window by REMOTE_LIOBN | unit (H_COPY_RDMA);
 *   interrupt      XICS source SOURCE_BASE + k of the owner, raised only while the guest has
 *                  enabled it with H_VIO_SIGNAL;
 *   TCE table      one entry per 4 KiB page of the window: the partition's logical page address
 *                  and the read/write bits (hcalls/tce.ts writes it; tceTranslate reads it).
 *
 * A TCE holds only a page of its owner's memory (hcalls/tce.ts checks it when it is written),
 * and every DMA through it is checked again against the owner's memory (realAddress), so no
 * window reaches outside the partition that owns it.
 */
import { load64, load8, pool, store64, store8, type u64 } from 'tsnc';
import { MAX_CHANNELS, MAX_PARTITIONS, MAX_PORTS, SystemConfig } from './config';
import { NO_ADDRESS, realAddress } from './memory';
import { partitions, type Partition } from './partition';
import { lanPorts } from './lan';
import { SOURCES } from './xics';

/** Most virtual devices one partition has (ports and channel ends; XICS sources 0..7). */
export const MAX_PARTITION_VDEVICES = 8;
/** Every device the configuration can define: each port, and both ends of each channel. */
export const MAX_VDEVICES = MAX_PORTS + 2 * MAX_CHANNELS;
/** Unit address of a partition's first virtual device (its vty is the one below). */
export const VIO_UNIT_BASE = 0x30000001;
/** Set in a LIOBN that names a CRQ server's partner's window (the second `ibm,my-dma-window`). */
export const REMOTE_LIOBN = 0x80000000;
/** A TCE's page size: 4 KiB, whatever the guest's page size (Linux vio_build_iommu_table). */
export const TCE_SHIFT = 12;
export const TCE_PAGE = 4096;
/** TCE permission bits (Linux asm/tce.h TCE_PCI_READ, TCE_PCI_WRITE). */
export const TCE_READ: u64 = 1n;
export const TCE_WRITE: u64 = 2n;
/** The page-address part of a TCE. */
export const TCE_ADDRESS_MASK: u64 = 0xfffffffffffff000n;
/** An l-lan port's DMA window: 64 MiB, room for ibmveth's default pools (LINUX-GUEST.md B.1). */
export const LAN_WINDOW_PAGES = 16384;
/** A CRQ end's DMA window: 16 MiB (its queue and the buffers it moves). */
export const CRQ_WINDOW_PAGES = 4096;
/** TCE entries for all windows together (1 MiB of hypervisor memory). */
export const TCE_POOL_ENTRIES = 131072;

/** What a virtual device is. */
export const enum VioKind {
  None = 0,
  /** An l-lan port (IBM,l-lan): Linux's ibmveth (hcalls/llan.ts). */
  Lan = 1,
  /** The client end of a CRQ pair (hcalls/crq.ts). */
  CrqClient = 2,
  /** The server end of a CRQ pair: may also H_COPY_RDMA through its client's window. */
  CrqServer = 3,
  /** A vTPM (IBM,vtpm20, Linux's tpm_ibmvtpm): the client end of a CRQ pair to the vTPM partition. */
  VtpmClient = 4,
  /** The vTPM partition's end of a client's vTPM pair (a CRQ server end bound to one instance). */
  VtpmServer = 5,
}

/** Whether a device of `kind` is the client end of a CRQ pair (a plain CRQ or a vTPM). */
export function isCrqClient(kind: VioKind): boolean {
  return kind === VioKind.CrqClient || kind === VioKind.VtpmClient;
}

/** Whether a device of `kind` is the server end of a CRQ pair. */
export function isCrqServer(kind: VioKind): boolean {
  return kind === VioKind.CrqServer || kind === VioKind.VtpmServer;
}

/** One virtual device of one partition. */
export class VioDevice {
  readonly index: number;
  kind: VioKind = VioKind.None;
  /** The owning partition's slot (Partition.lpid - 1); -1 when the device is free. */
  owner = -1;
  /** The k of its unit address VIO_UNIT_BASE + k, its XICS source and its LIOBN. */
  slot = 0;
  /** The configuration entry: PortConfig.index (Lan) or ChannelConfig.index (Crq*). */
  config = -1;
  /** The other end of a CRQ pair (a VioDevice index), -1 for others. */
  partner = -1;
  /** H_VIO_SIGNAL's mode: bit 0 set while the guest wants the device's interrupt. */
  signal = 0;
  /** Its window in the TCE pool: first entry and number of 4 KiB pages. */
  tceBase = 0;
  windowPages = 0;
  // ---- CRQ state (hcalls/crq.ts) ----
  /** A queue is registered (H_REG_CRQ) and not freed. */
  crqRegistered = false;
  /** The queue's I/O address in the device's window, its length in bytes, the next entry's offset. */
  crqIoba: u64 = 0n;
  crqLength = 0;
  crqNext = 0;
  /** The pair was decided (OpenChannel) and allowed: the two ends are connected. */
  connected = false;
  // ---- accounting ----
  /** Messages or frames sent and received, bytes moved, refusals by the policy, drops. */
  sent = 0;
  received = 0;
  bytes = 0;
  denied = 0;
  dropped = 0;
  /** Interrupts raised. */
  interrupts = 0;
  /** A vTPM pair: TPM commands its client sent, error answers (0x80/0xFF) its server sent. */
  tpmCommands = 0;
  tpmErrors = 0;

  constructor(index: number) {
    this.index = index;
  }

  /** Its unit address (the `reg` of its /vdevice node and the LIOBN of its window). */
  unit(): number {
    return VIO_UNIT_BASE + this.slot;
  }

  /** Its XICS source index in the owner's ICS. */
  source(): number {
    return this.slot;
  }
}

/** Every virtual device; free ones have owner -1. */
export const vdevices: VioDevice[] = pool(MAX_VDEVICES, VioDevice);

/** The TCE tables of all windows; a device's entries are tces[tceBase .. tceBase + windowPages). */
export const tces = new BigUint64Array(TCE_POOL_ENTRIES);

/** Per partition slot and device slot k: the VioDevice index, or -1. */
const bySlot = new Int8Array(MAX_PARTITIONS * MAX_PARTITION_VDEVICES);
bySlot.fill(-1);

/** The device (a vdevices index) partition `p` calls `unit` (its unit address or LIOBN), or -1. */
export function deviceOf(p: Partition, unit: u64): number {
  if (unit < BigInt(VIO_UNIT_BASE) || unit >= BigInt(VIO_UNIT_BASE + MAX_PARTITION_VDEVICES)) return -1;
  return bySlot[(p.lpid - 1) * MAX_PARTITION_VDEVICES + Number(unit) - VIO_UNIT_BASE];
}

/** The device (a vdevices index) of partition slot `owner` at device slot `k`, or -1. */
export function deviceAt(owner: number, k: number): number {
  if (k < 0 || k >= MAX_PARTITION_VDEVICES) return -1;
  return bySlot[owner * MAX_PARTITION_VDEVICES + k];
}

/** First free run of `pages` TCE entries in the pool, or -1 when none is left. */
function allocateWindow(pages: number): number {
  let base = 0;
  let moved = true;
  while (moved) {
    moved = false;
    for (let i = 0; i < vdevices.length; i++) {
      const d = vdevices[i];
      if (d.owner < 0 || d.windowPages === 0) continue;
      if (base < d.tceBase + d.windowPages && d.tceBase < base + pages) {
        base = d.tceBase + d.windowPages;
        moved = true;
      }
    }
  }
  return base + pages <= TCE_POOL_ENTRIES ? base : -1;
}

/** A free device of the table (its index), or -1. */
function freeDevice(): number {
  for (let i = 0; i < vdevices.length; i++) if (vdevices[i].owner < 0) return i;
  return -1;
}

/**
 * Give partition `p` (configuration partition `k` of `cfg`) its devices: its ports first, then
 * its channel ends, in configuration order, at device slots 0, 1, ... Each gets a cleared DMA
 * window and its XICS source. Check first: false (nothing attached) when the table or the TCE
 * pool is too small. CRQ partners are linked by linkChannels once every partition has its devices.
 */
export function attachDevices(p: Partition, cfg: SystemConfig, k: number): boolean {
  const owner = p.lpid - 1;
  let slot = 0;
  for (let i = 0; i < cfg.portCount; i++) {
    if (cfg.ports[i].partition !== k) continue;
    if (!attach(p, owner, slot++, VioKind.Lan, i, LAN_WINDOW_PAGES)) return detachFailed(owner);
    lanPorts[i].configure(cfg.ports[i], bySlot[owner * MAX_PARTITION_VDEVICES + slot - 1]);
  }
  for (let i = 0; i < cfg.channelCount; i++) {
    const c = cfg.channels[i];
    const client = c.vtpm ? VioKind.VtpmClient : VioKind.CrqClient;
    const server = c.vtpm ? VioKind.VtpmServer : VioKind.CrqServer;
    if (c.client === k && !attach(p, owner, slot++, client, i, CRQ_WINDOW_PAGES)) return detachFailed(owner);
    if (c.server === k && !attach(p, owner, slot++, server, i, CRQ_WINDOW_PAGES)) return detachFailed(owner);
  }
  return true;
}

/** Undo a partial attachDevices; returns false. */
function detachFailed(owner: number): boolean {
  detachDevices(owner);
  return false;
}

function attach(p: Partition, owner: number, slot: number, kind: VioKind, config: number, pages: number): boolean {
  if (slot >= MAX_PARTITION_VDEVICES || slot >= SOURCES) return false;
  const free = freeDevice();
  if (free < 0) return false;
  const d = vdevices[free];
  const base = allocateWindow(pages);
  if (base < 0) return false;
  d.kind = kind;
  d.owner = owner;
  d.slot = slot;
  d.config = config;
  d.partner = -1;
  d.tceBase = base;
  d.windowPages = pages;
  resetDevice(d);
  d.sent = 0;
  d.received = 0;
  d.bytes = 0;
  d.denied = 0;
  d.dropped = 0;
  d.interrupts = 0;
  d.tpmCommands = 0;
  d.tpmErrors = 0;
  bySlot[owner * MAX_PARTITION_VDEVICES + slot] = d.index;
  p.xics.claim(d.source());
  return true;
}

/**
 * Power-on state of a device: no TCEs, interrupt disabled, no queue. Its partner link and
 * counters stay. (hcalls/crq.ts and hcalls/llan.ts close what the partner must hear about
 * before they call this.)
 */
export function resetDevice(d: VioDevice): void {
  tces.fill(0n, d.tceBase, d.tceBase + d.windowPages);
  d.signal = 0;
  d.crqRegistered = false;
  d.crqIoba = 0n;
  d.crqLength = 0;
  d.crqNext = 0;
  d.connected = false;
}

/** Link the two ends of every channel of `cfg` whose partitions both have their devices. */
export function linkChannels(): void {
  for (let i = 0; i < vdevices.length; i++) {
    const d = vdevices[i];
    if (d.owner < 0 || !isCrqClient(d.kind)) continue;
    for (let j = 0; j < vdevices.length; j++) {
      const e = vdevices[j];
      if (e.owner >= 0 && isCrqServer(e.kind) && e.config === d.config) {
        d.partner = e.index;
        e.partner = d.index;
      }
    }
  }
}

/** Free every device of partition slot `owner` (its partners lose their link). */
export function detachDevices(owner: number): void {
  for (let k = 0; k < MAX_PARTITION_VDEVICES; k++) {
    const i = bySlot[owner * MAX_PARTITION_VDEVICES + k];
    if (i < 0) continue;
    const d = vdevices[i];
    if (d.partner >= 0) vdevices[d.partner].partner = -1;
    if (d.kind === VioKind.Lan) {
      lanPorts[d.config].close();
      lanPorts[d.config].device = -1;
      lanPorts[d.config].segment = -1;
    }
    resetDevice(d);
    d.owner = -1;
    d.kind = VioKind.None;
    d.partner = -1;
    d.windowPages = 0;
    bySlot[owner * MAX_PARTITION_VDEVICES + k] = -1;
  }
}

/** Devices of partition slot `owner` (device slots 0 .. n-1 are in use). */
export function deviceCount(owner: number): number {
  let n = 0;
  while (n < MAX_PARTITION_VDEVICES && bySlot[owner * MAX_PARTITION_VDEVICES + n] >= 0) n++;
  return n;
}

/**
 * The real address of `length` bytes at I/O address `ioba` of device `d`'s window, owned by
 * partition `p`, if one TCE maps them all with the permission `need` (TCE_READ: the hypervisor
 * reads the guest's bytes, TCE_WRITE: it writes them); NO_ADDRESS otherwise. The range must not
 * cross a 4 KiB page (callers split at TCE_PAGE boundaries).
 */
export function tceTranslate(p: Partition, d: VioDevice, ioba: u64, length: number, need: u64): u64 {
  const page: u64 = ioba >> BigInt(TCE_SHIFT);
  if (page >= BigInt(d.windowPages)) return NO_ADDRESS;
  const offset = Number(ioba & BigInt(TCE_PAGE - 1));
  if (length < 1 || offset + length > TCE_PAGE) return NO_ADDRESS;
  const tce = tces[d.tceBase + Number(page)];
  if ((tce & need) !== need) return NO_ADDRESS;
  return realAddress(p, BigInt.asUintN(64, (tce & TCE_ADDRESS_MASK) + BigInt(offset)), length);
}

/**
 * True when every byte of [ioba, ioba + length) of device `d`'s window (owned by `p`) is mapped
 * with permission `need`. length 0 is true; a range that wraps is false.
 */
export function dmaMapped(p: Partition, d: VioDevice, ioba: u64, length: number, need: u64): boolean {
  let at = ioba;
  let left = length;
  while (left > 0) {
    const chunk = Math.min(left, TCE_PAGE - Number(at & BigInt(TCE_PAGE - 1)));
    if (tceTranslate(p, d, at, chunk, need) === NO_ADDRESS) return false;
    at = BigInt.asUintN(64, at + BigInt(chunk));
    left -= chunk;
  }
  return true;
}

/**
 * Copy `n` bytes between real addresses, eight at a time where both are aligned.
 * @noinline a function of its own: make bench-lan counts the instructions executed in it (the
 * copy floor a frame's delivery is compared with)
 */
export function copyReal(to: u64, from: u64, n: number): void {
  let i = 0;
  if (((to | from) & 7n) === 0n) {
    for (; i + 8 <= n; i += 8) store64(BigInt.asUintN(64, to + BigInt(i)), load64(BigInt.asUintN(64, from + BigInt(i))));
  }
  for (; i < n; i++) store8(BigInt.asUintN(64, to + BigInt(i)), load8(BigInt.asUintN(64, from + BigInt(i))));
}

/**
 * DMA `length` bytes from window `sd` of `sp` at `sioba` (needs TCE_READ) to window `dd` of
 * `dp` at `dioba` (needs TCE_WRITE). Check, then act: when any page of either range is not
 * mapped as needed nothing is copied and the answer is false.
 */
export function dmaCopy(sp: Partition, sd: VioDevice, sioba: u64, dp: Partition, dd: VioDevice, dioba: u64, length: number): boolean {
  if (!dmaMapped(sp, sd, sioba, length, TCE_READ) || !dmaMapped(dp, dd, dioba, length, TCE_WRITE)) return false;
  let s = sioba, t = dioba;
  let left = length;
  while (left > 0) {
    const chunk = Math.min(Math.min(left, TCE_PAGE - Number(s & BigInt(TCE_PAGE - 1))), TCE_PAGE - Number(t & BigInt(TCE_PAGE - 1)));
    copyReal(tceTranslate(dp, dd, t, chunk, TCE_WRITE), tceTranslate(sp, sd, s, chunk, TCE_READ), chunk);
    s = BigInt.asUintN(64, s + BigInt(chunk));
    t = BigInt.asUintN(64, t + BigInt(chunk));
    left -= chunk;
  }
  return true;
}

/** Read the big-endian doubleword at `ioba` of `d`'s window (8-byte aligned); `ok[0]` cleared when unmapped. */
export function dmaLoad64(p: Partition, d: VioDevice, ioba: u64, ok: Uint8Array): u64 {
  const ra = (ioba & 7n) === 0n ? tceTranslate(p, d, ioba, 8, TCE_READ) : NO_ADDRESS;
  if (ra === NO_ADDRESS) { ok[0] = 0; return 0n; }
  return load64(ra);
}

/** Write a big-endian doubleword at `ioba` of `d`'s window (8-byte aligned); false when unmapped. */
export function dmaStore64(p: Partition, d: VioDevice, ioba: u64, value: u64): boolean {
  const ra = (ioba & 7n) === 0n ? tceTranslate(p, d, ioba, 8, TCE_WRITE) : NO_ADDRESS;
  if (ra === NO_ADDRESS) return false;
  store64(ra, value);
  return true;
}

/**
 * Device `d` has something for its owner (a CRQ entry, a received frame): raise its interrupt
 * if the guest enabled it (H_VIO_SIGNAL). A ceded vCPU the source is routed to then has work.
 */
export function signalDevice(d: VioDevice): void {
  if ((d.signal & 1) === 0 || d.owner < 0) return;
  partitions[d.owner].xics.raise(d.source());
  d.interrupts++;
}
