/**
 * Configuration checks and memory placement. The same code runs at build time in Node
 * (scripts/check-config.ts turns the verdict into `file:line: message`) and at boot against
 * the memory the device tree reports.
 */
import type { u64 } from 'tsnc';
import { sameString } from './text';
import {
  Device, MAX_BOOTARGS, MAX_CHANNELS, MAX_IMAGE_PATH, MAX_PARTITIONS, MAX_PORT_VLANS, MAX_PORTS, MAX_SEGMENTS,
  MAX_VCPUS, MAX_VLAN_ID, MAX_WEIGHT, MEMORY_GRANULE_MIB, PartitionConfig, Program, SystemConfig,
} from './config';
import { CRQ_WINDOW_PAGES, LAN_WINDOW_PAGES, MAX_PARTITION_VDEVICES, TCE_POOL_ENTRIES } from './vio';

/** What is wrong with a configuration (Ok when nothing is). */
export const enum ConfigError {
  Ok = 0,
  NoPartitions,
  TooManyPartitions,
  BadName,
  /** The name is the hypervisor's own console prefix ("hv"): its lines could be forged. */
  ReservedName,
  DuplicateName,
  BadMemorySize,
  BadPlacement,
  Overlap,
  OutOfMemory,
  BadShare,
  OverCommittedShare,
  UnknownDevice,
  /** vCPUs outside 1..MAX_VCPUS. */
  BadVcpus,
  /** An ELF partition without an image path, a path too long or not printable ASCII, or an image on another program. */
  BadImage,
  /** A kernel command line (/chosen/bootargs) too long or not printable ASCII. */
  BadBootargs,
  /** The hypervisor's own memory (hypervisorMiB) is not a positive multiple of MEMORY_GRANULE_MIB. */
  BadHypervisorMemory,
  /** More than MAX_SEGMENTS segments, MAX_PORTS ports or MAX_CHANNELS CRQ pairs. */
  TooManySegments,
  TooManyPorts,
  TooManyChannels,
  /** A segment name that is not a valid name, or one used twice. */
  BadSegmentName,
  DuplicateSegment,
  /** A port or channel naming a partition or segment that the configuration does not have. */
  UnknownSegment,
  UnknownPartition,
  /** A MAC that is zero, multicast (bit 0 of the first byte) or wider than 48 bits. */
  BadMac,
  DuplicateMac,
  /** A PVID or tagged VLAN outside 1..MAX_VLAN_ID, more than MAX_PORT_VLANS, or tagged VLANs without a PVID. */
  BadVlan,
  /** A negative send cap. */
  BadCap,
  /** A CRQ pair whose two ends are the same partition. */
  SameEnds,
  /** A partition with more virtual devices (ports and channel ends) than MAX_PARTITION_VDEVICES. */
  TooManyDevices,
  /** The ports' and channel ends' DMA windows together need more TCEs than the pool has (TCE_POOL_ENTRIES). */
  TooManyWindows,
  /** A vTPM binding (addVtpm) whose server does not run Program.Vtpm, or whose client does. */
  NotVtpmServer,
  /** A partition given two vTPMs. */
  DuplicateVtpm,
  /** A second partition running Program.Vtpm (the instance slots of the store are one vTPM's). */
  SecondVtpmPartition,
  /** An uncapped weight outside 0..MAX_WEIGHT. */
  BadWeight,
}

/** What ConfigVerdict.item indexes. */
export const enum ConfigItem {
  None = 0,
  Segment = 1,
  Port = 2,
  Channel = 3,
}

/** The verdict on a configuration: the first problem found and the partition(s) involved. */
export class ConfigVerdict {
  error: ConfigError = ConfigError.Ok;
  /** Index of the partition at fault (-1 when the problem is global). */
  partition = -1;
  /** The other partition of a conflict (duplicate name, overlap), else -1. */
  other = -1;
  /** The segment, port or channel at fault (its index; -1: none) and which of them it is. */
  item = -1;
  itemKind: ConfigItem = ConfigItem.None;
  /** Computed placement: start of each partition's memory, in MiB from the start of machine memory. */
  readonly baseMiB = new Int32Array(MAX_PARTITIONS);

  /** Forget the previous verdict. */
  reset(): void {
    this.error = ConfigError.Ok;
    this.partition = -1;
    this.other = -1;
    this.item = -1;
    this.itemKind = ConfigItem.None;
    this.baseMiB.fill(0);
  }

  /** Record a problem unless one is recorded already; returns false (for `return v.fail(...)`). */
  fail(error: ConfigError, partition: number, other: number): boolean {
    if (this.error === ConfigError.Ok) {
      this.error = error;
      this.partition = partition;
      this.other = other;
    }
    return false;
  }

  /** Record a problem of a segment, port or channel (its `kind` and `item` index). */
  failItem(error: ConfigError, kind: ConfigItem, item: number, other: number): boolean {
    if (this.error === ConfigError.Ok) {
      this.error = error;
      this.itemKind = kind;
      this.item = item;
      this.other = other;
    }
    return false;
  }
}

const KNOWN_DEVICES = Device.Vty;
const MAX_NAME = 15;

/** True when `c` (a character code) may appear in a partition name. */
function isNameChar(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || c === 0x2d;
}

/** The hypervisor's console prefix (`[hv] `): no partition may print under it. */
const HYPERVISOR_NAME = 'hv';

/** True when `name` is the hypervisor's console prefix, in any letter case. */
export function reservedName(name: string): boolean {
  if (name.length !== HYPERVISOR_NAME.length) return false;
  for (let i = 0; i < name.length; i++) {
    if ((name.charCodeAt(i) | 0x20) !== HYPERVISOR_NAME.charCodeAt(i)) return false;
  }
  return true;
}

/** Names are 1..15 characters of [A-Za-z0-9-]. */
export function validName(name: string): boolean {
  if (name.length < 1 || name.length > MAX_NAME) return false;
  for (let i = 0; i < name.length; i++) if (!isNameChar(name.charCodeAt(i))) return false;
  return true;
}

function checkPartition(cfg: SystemConfig, p: PartitionConfig, v: ConfigVerdict): boolean {
  if (!validName(p.name)) return v.fail(ConfigError.BadName, p.index, -1);
  if (reservedName(p.name)) return v.fail(ConfigError.ReservedName, p.index, -1);
  for (let j = 0; j < p.index; j++) {
    if (sameString(cfg.partitions[j].name, p.name)) return v.fail(ConfigError.DuplicateName, p.index, j);
  }
  if (p.memoryMiB <= 0 || p.memoryMiB % MEMORY_GRANULE_MIB !== 0) return v.fail(ConfigError.BadMemorySize, p.index, -1);
  if (p.baseMiB !== -1 && (p.baseMiB < cfg.hypervisorMiB || p.baseMiB % MEMORY_GRANULE_MIB !== 0)) {
    return v.fail(ConfigError.BadPlacement, p.index, -1);
  }
  if (p.cpuShare < 1 || p.cpuShare > 100) return v.fail(ConfigError.BadShare, p.index, -1);
  if (!validWeight(p.weight)) return v.fail(ConfigError.BadWeight, p.index, -1);
  if ((p.devices & ~KNOWN_DEVICES) !== 0) return v.fail(ConfigError.UnknownDevice, p.index, -1);
  if (p.vcpus < 1 || p.vcpus > MAX_VCPUS) return v.fail(ConfigError.BadVcpus, p.index, -1);
  const elf = p.program === Program.Elf;
  if (elf ? !printable(p.image, 1, MAX_IMAGE_PATH) || !printable(p.initrd, 0, MAX_IMAGE_PATH)
    : p.image.length + p.initrd.length > 0) {
    return v.fail(ConfigError.BadImage, p.index, -1);
  }
  if (!printable(p.bootargs, 0, MAX_BOOTARGS)) return v.fail(ConfigError.BadBootargs, p.index, -1);
  return true;
}

/** True when `w` is an uncapped weight (an integer 0..MAX_WEIGHT). */
export function validWeight(w: number): boolean {
  return w >= 0 && w <= MAX_WEIGHT && (w | 0) === w;
}

/** True when `s` has min..max characters, all printable ASCII (space to '~'). */
export function printable(s: string, min: number, max: number): boolean {
  if (s.length < min || s.length > max) return false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20 || c > 0x7e) return false;
  }
  return true;
}

/** True when [a, a+al) and [b, b+bl) intersect. */
function overlaps(a: number, al: number, b: number, bl: number): boolean {
  return a < b + bl && b < a + al;
}

/** Placements are kept as 32-bit MiB counts (ConfigVerdict.baseMiB): nothing may end above 2 PiB. */
const MAX_PLACED_MIB = 0x7fffffff;

/** Place the partitions without a fixed base: first fit above the hypervisor, in order. */
function place(cfg: SystemConfig, machine: number, v: ConfigVerdict): boolean {
  const machineMiB = Math.min(machine, MAX_PLACED_MIB);
  for (let i = 0; i < cfg.count; i++) {
    const p = cfg.partitions[i];
    if (p.baseMiB !== -1) {
      for (let j = 0; j < i; j++) {
        const q = cfg.partitions[j];
        if (q.baseMiB !== -1 && overlaps(p.baseMiB, p.memoryMiB, q.baseMiB, q.memoryMiB)) return v.fail(ConfigError.Overlap, i, j);
      }
      v.baseMiB[i] = p.baseMiB;
      if (p.baseMiB + p.memoryMiB > machineMiB) return v.fail(ConfigError.OutOfMemory, i, -1);
    }
  }
  for (let i = 0; i < cfg.count; i++) {
    const p = cfg.partitions[i];
    if (p.baseMiB !== -1) continue;
    let base = cfg.hypervisorMiB;
    let moved = true;
    while (moved) {   // bump past every partition already placed that this one would overlap
      moved = false;
      for (let j = 0; j < cfg.count; j++) {
        const placed = j < i || cfg.partitions[j].baseMiB !== -1;
        if (j !== i && placed && overlaps(base, p.memoryMiB, v.baseMiB[j], cfg.partitions[j].memoryMiB)) {
          base = v.baseMiB[j] + cfg.partitions[j].memoryMiB;
          moved = true;
        }
      }
    }
    if (base + p.memoryMiB > machineMiB) return v.fail(ConfigError.OutOfMemory, i, -1);
    v.baseMiB[i] = base;
  }
  return true;
}

/** The verdict validateSystem fills in (one at a time: validation is not re-entrant). */
const verdict = new ConfigVerdict();

/**
 * Check a configuration against `machineMiB` of machine memory and compute the placement.
 * Returns the verdict (a shared object, valid until the next call); its `error` is Ok only if
 * every check passed.
 */
export function validateSystem(cfg: SystemConfig, machineMiB: number): ConfigVerdict {
  const v = verdict;
  v.reset();
  if (cfg.count <= 0) { v.fail(ConfigError.NoPartitions, -1, -1); return v; }
  if (cfg.count > MAX_PARTITIONS) { v.fail(ConfigError.TooManyPartitions, -1, -1); return v; }
  if (cfg.hypervisorMiB <= 0 || cfg.hypervisorMiB % MEMORY_GRANULE_MIB !== 0) {
    v.fail(ConfigError.BadHypervisorMemory, -1, -1);
    return v;
  }
  let share = 0;
  for (let i = 0; i < cfg.count; i++) {
    if (!checkPartition(cfg, cfg.partitions[i], v)) return v;
    share += cfg.partitions[i].cpuShare;
  }
  if (share > 100) { v.fail(ConfigError.OverCommittedShare, -1, -1); return v; }
  if (!checkVirtualIo(cfg, v)) return v;
  place(cfg, machineMiB, v);
  return v;
}

/** Largest MAC value (48 bits). */
const MAC_LIMIT: u64 = 0x1000000000000n;
/** The multicast bit of a MAC held in the low 48 bits of a u64 (bit 0 of the first byte). */
const MAC_MULTICAST: u64 = 0x10000000000n;

/** True when `mac` can be a port's own address: 48 bits, unicast, not zero. */
export function unicastMac(mac: u64): boolean {
  return mac !== 0n && mac < MAC_LIMIT && (mac & MAC_MULTICAST) === 0n;
}

/** The segments, ports and CRQ pairs: names, references, MACs, VLANs, caps, ends. */
function checkVirtualIo(cfg: SystemConfig, v: ConfigVerdict): boolean {
  if (cfg.segmentCount > MAX_SEGMENTS) return v.failItem(ConfigError.TooManySegments, ConfigItem.None, -1, -1);
  if (cfg.portCount > MAX_PORTS) return v.failItem(ConfigError.TooManyPorts, ConfigItem.None, -1, -1);
  if (cfg.channelCount > MAX_CHANNELS) return v.failItem(ConfigError.TooManyChannels, ConfigItem.None, -1, -1);
  for (let i = 0; i < cfg.segmentCount; i++) {
    const s = cfg.segments[i];
    if (!validName(s.name)) return v.failItem(ConfigError.BadSegmentName, ConfigItem.Segment, i, -1);
    for (let j = 0; j < i; j++) {
      if (sameString(cfg.segments[j].name, s.name)) return v.failItem(ConfigError.DuplicateSegment, ConfigItem.Segment, i, j);
    }
  }
  for (let i = 0; i < cfg.portCount; i++) if (!checkPort(cfg, i, v)) return false;
  for (let i = 0; i < cfg.channelCount; i++) {
    const c = cfg.channels[i];
    if (c.client < 0 || c.client >= cfg.count || c.server < 0 || c.server >= cfg.count) {
      return v.failItem(ConfigError.UnknownPartition, ConfigItem.Channel, i, -1);
    }
    if (c.client === c.server) return v.failItem(ConfigError.SameEnds, ConfigItem.Channel, i, -1);
    if (c.vtpm && !checkVtpm(cfg, i, v)) return false;
  }
  for (let k = 0; k < cfg.count; k++) {
    if (devicesOf(cfg, k) > MAX_PARTITION_VDEVICES) return v.fail(ConfigError.TooManyDevices, k, -1);
  }
  let vtpm = -1;
  for (let k = 0; k < cfg.count && k < MAX_PARTITIONS; k++) {
    if (cfg.partitions[k].program !== Program.Vtpm) continue;
    if (vtpm >= 0) return v.fail(ConfigError.SecondVtpmPartition, k, vtpm);
    vtpm = k;
  }
  if (windowPages(cfg) > TCE_POOL_ENTRIES) return v.failItem(ConfigError.TooManyWindows, ConfigItem.None, -1, -1);
  return true;
}

/** A vTPM binding: the server runs the vTPM program, the client does not and has no other vTPM. */
function checkVtpm(cfg: SystemConfig, i: number, v: ConfigVerdict): boolean {
  const c = cfg.channels[i];
  if (cfg.partitions[c.server].program !== Program.Vtpm || cfg.partitions[c.client].program === Program.Vtpm) {
    return v.failItem(ConfigError.NotVtpmServer, ConfigItem.Channel, i, -1);
  }
  for (let j = 0; j < i; j++) {
    if (cfg.channels[j].vtpm && cfg.channels[j].client === c.client) return v.failItem(ConfigError.DuplicateVtpm, ConfigItem.Channel, i, j);
  }
  return true;
}

/** TCE entries the DMA windows of all of `cfg`'s ports and channel ends need (lpar/vio.ts attachDevices). */
export function windowPages(cfg: SystemConfig): number {
  return Math.min(cfg.portCount, MAX_PORTS) * LAN_WINDOW_PAGES + 2 * Math.min(cfg.channelCount, MAX_CHANNELS) * CRQ_WINDOW_PAGES;
}

/** Port `i`: its partition and segment exist, its MAC is a unique unicast one, VLANs and cap in range. */
function checkPort(cfg: SystemConfig, i: number, v: ConfigVerdict): boolean {
  const port = cfg.ports[i];
  if (port.partition < 0 || port.partition >= cfg.count) return v.failItem(ConfigError.UnknownPartition, ConfigItem.Port, i, -1);
  if (port.segment < 0 || port.segment >= cfg.segmentCount) return v.failItem(ConfigError.UnknownSegment, ConfigItem.Port, i, -1);
  if (!unicastMac(port.mac)) return v.failItem(ConfigError.BadMac, ConfigItem.Port, i, -1);
  for (let j = 0; j < i; j++) {
    if (cfg.ports[j].mac === port.mac) return v.failItem(ConfigError.DuplicateMac, ConfigItem.Port, i, j);
  }
  if (port.vlanCount < 0 || port.vlanCount > MAX_PORT_VLANS || port.pvid < 0 || port.pvid > MAX_VLAN_ID) {
    return v.failItem(ConfigError.BadVlan, ConfigItem.Port, i, -1);
  }
  if (port.vlanCount > 0 && port.pvid === 0) return v.failItem(ConfigError.BadVlan, ConfigItem.Port, i, -1);
  for (let k = 0; k < port.vlanCount; k++) {
    const id = port.vlans[k];
    if (id < 1 || id > MAX_VLAN_ID) return v.failItem(ConfigError.BadVlan, ConfigItem.Port, i, -1);
  }
  if (port.capBps < 0) return v.failItem(ConfigError.BadCap, ConfigItem.Port, i, -1);
  return true;
}

/** Virtual devices (ports and channel ends) partition `k` of `cfg` gets. */
export function devicesOf(cfg: SystemConfig, k: number): number {
  let n = 0;
  for (let i = 0; i < cfg.portCount && i < MAX_PORTS; i++) if (cfg.ports[i].partition === k) n++;
  for (let i = 0; i < cfg.channelCount && i < MAX_CHANNELS; i++) {
    if (cfg.channels[i].client === k) n++;
    if (cfg.channels[i].server === k) n++;
  }
  return n;
}
