/**
 * The state of each logical-LAN port (an l-lan vdevice, lpar/vio.ts), as the hcalls of
 * hcalls/llan.ts set it up and the virtual switch (hcalls/vswitch.ts) delivers into it:
 * the guest's receive queue and buffer list (ibmveth's formats, ref/LINUX-GUEST.md B.5), the
 * receive buffers it posted, sorted into pools by size as QEMU's spapr_llan does, its
 * multicast filter, its send cap and its counters. Ports are indexed as the configuration's.
 */
import { pool, type u64 } from 'tsnc';
import { MAX_PORT_VLANS, MAX_PORTS, PortConfig } from './config';

/** Pools of receive buffers per port (buffers of one size each; ibmveth uses up to five sizes). */
export const POOLS = 5;
/** Buffers one pool holds (ibmveth's largest default pool has 512). */
export const POOL_CAPACITY = 512;
/** Multicast addresses a port's filter holds (the `ibm,mac-address-filters` it is told). */
export const MCAST_FILTERS = 16;

/** Why a frame was not delivered to a port (indexes LanPort.drops). */
export const enum Drop {
  /** The policy refused SendFrame from the sender's label to the receiver's. */
  Denied = 0,
  /** The receiver had no posted buffer large enough (its buffer list's counter is raised too). */
  NoBuffer = 1,
  /** The receiver's port is not open (H_REGISTER_LOGICAL_LAN not made, or freed). */
  Closed = 2,
  /** Not for this port: another VLAN, a multicast group it filters out. */
  Filtered = 3,
  /** The receiver's buffer or queue is no longer mapped by its TCEs. */
  Unmapped = 4,
}
export const DROP_REASONS = 5;

/** One port's receive side, filter, cap and counters. */
export class LanPort {
  readonly index: number;
  /** The l-lan device (a VioDevice index), -1 when the port's partition has none. */
  device = -1;
  /** The configuration's: segment (-1: the port is not in use), PVID, tagged VLANs, configured MAC. */
  segment = -1;
  pvid = 0;
  readonly vlans = new Uint16Array(MAX_PORT_VLANS);
  vlanCount = 0;
  configuredMac: u64 = 0n;
  /** The segment's sHype label (ssidref; 0: none): opening the port is SendFrame to it. */
  segmentLabel = 0;
  /** H_REGISTER_LOGICAL_LAN made and not freed. */
  open = false;
  /** I/O addresses of the buffer-list page and the filter-list page. */
  bufferList: u64 = 0n;
  filterList: u64 = 0n;
  /** The receive queue: I/O address, length in bytes, offset of the next entry. */
  rxq: u64 = 0n;
  rxqLength = 0;
  rxqNext = 0;
  /** The toggle bit the hypervisor keeps for the queue: entries are written with its inverse. */
  rxqToggle = 0;
  /** The MAC the guest registered (or changed to), low 48 bits. */
  mac: u64 = 0n;
  /** Receive pools: buffer size (0: pool unused), buffers held, the buffers' descriptors (a stack). */
  readonly poolSize = new Int32Array(POOLS);
  readonly poolCount = new Int32Array(POOLS);
  readonly poolBuffers = new BigUint64Array(POOLS * POOL_CAPACITY);
  /** H_MULTICAST_CTRL: multicast reception on, filtering on, the filter's addresses. */
  multicast = true;
  filtering = false;
  readonly filters = new BigUint64Array(MCAST_FILTERS);
  filterCount = 0;
  /** Send cap (token bucket, in bytes at the timebase): tokens, bucket depth, last refill, bytes per second. */
  tokens = 0;
  depth = 0;
  refilled: u64 = 0n;
  capBytesPerSecond = 0;
  // ---- counters ----
  framesSent = 0;
  bytesSent = 0;
  framesReceived = 0;
  bytesReceived = 0;
  /** Sends held back by the cap (H_BUSY answers). */
  throttled = 0;
  /** Frames not delivered to this port, by Drop reason. */
  readonly drops = new Uint32Array(DROP_REASONS);

  constructor(index: number) {
    this.index = index;
  }

  /** Forget the receive side (queue, buffers, filter): the port is closed. Counters stay. */
  close(): void {
    this.open = false;
    this.bufferList = 0n;
    this.filterList = 0n;
    this.rxq = 0n;
    this.rxqLength = 0;
    this.rxqNext = 0;
    this.rxqToggle = 0;
    this.poolSize.fill(0);
    this.poolCount.fill(0);
    this.multicast = true;
    this.filtering = false;
    this.filterCount = 0;
  }

  /** Take the configuration's segment, VLANs, MAC and cap; the port is closed, its counters zero. */
  configure(cfg: PortConfig, device: number): void {
    this.device = device;
    this.segment = cfg.segment;
    this.pvid = cfg.pvid;
    this.vlanCount = Math.min(cfg.vlanCount, MAX_PORT_VLANS);
    for (let i = 0; i < this.vlanCount; i++) this.vlans[i] = cfg.vlans[i];
    this.configuredMac = cfg.mac;
    this.mac = cfg.mac;
    this.capBytesPerSecond = Math.floor(cfg.capBps / 8);
    this.close();
    this.resetCounters();
  }

  /** Whether the port carries VLAN `vid` tagged. */
  carriesTagged(vid: number): boolean {
    for (let i = 0; i < this.vlanCount; i++) if (this.vlans[i] === vid) return true;
    return false;
  }

  /** Zero every counter (a new tenant of the port). */
  resetCounters(): void {
    this.framesSent = 0;
    this.bytesSent = 0;
    this.framesReceived = 0;
    this.bytesReceived = 0;
    this.throttled = 0;
    this.drops.fill(0);
  }
}

/** The ports, indexed as SystemConfig.ports. */
export const lanPorts: LanPort[] = pool(MAX_PORTS, LanPort);
