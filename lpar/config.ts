/**
 * Typed partition configuration. A configuration is a module in lpar/configs/<name>.ts that
 * builds one SystemConfig at module initialisation; `make CONFIG=<name>` selects it, tsc checks
 * its types, and validateSystem() (run at build time by scripts/check-config.ts and again at
 * boot) refuses inconsistent ones with a message naming the partition and the problem.
 */
import { pool, type u64 } from 'tsnc';

/** Most partitions a configuration may define. */
export const MAX_PARTITIONS = 8;
/** Most vCPUs one partition may have. */
export const MAX_VCPUS = 8;
/** Longest path of an external image (a guest bundle entry's name, docs/guest-bundle.md). */
export const MAX_IMAGE_PATH = 63;
/** Longest kernel command line a partition's /chosen/bootargs may carry. */
export const MAX_BOOTARGS = 1023;

/** The guest programs an image can carry (built from lpar/guests/<name>.ts). */
export const enum Program {
  /** Prints a few lines through H_PUT_TERM_CHAR and halts with status 0. */
  Hello = 1,
  /** Calls every basic hcall, checks each result, reports, halts. */
  HcallTour = 2,
  /** Prints once, then loops forever without an hcall (the scheduler must preempt it). */
  Runaway = 3,
  /** Executes an illegal instruction. */
  Illegal = 4,
  /** Loads from an address outside its partition. */
  Trespass = 5,
  /** Benchmark: BENCH_CALLS null hcalls (H_GET_TERM_CHAR) in a loop, then halts. */
  NullCall = 6,
  /** Benchmark baseline: the same loop without the `sc 1`. */
  NullLoop = 7,
  /** Benchmark: BENCH_SWITCHES H_CONFERs in a loop (each yields to the next partition). */
  ConferLoop = 8,
  /** Benchmark baseline: halts at once. */
  Halt = 9,
  /** sHype test: makes a call of a class its label may not use, reports the status, halts. */
  Denied = 10,
  /** sHype test: reads the audit log through the hypervisor and prints what it found. */
  Auditor = 11,
  /**
   * Isolation attacker (lpar/guests/isolation.ts): fills every register it can touch, yields,
   * checks that nothing leaked in or out; hcalls from problem state; reports with H_TSHYPE_REPORT.
   */
  Isolation = 12,
  /**
   * An external ELF image from the guest bundle (PartitionConfig.image), with an optional
   * initrd and kernel command line: an unmodified PAPR kernel such as Debian's Linux.
   */
  Elf = 13,
  /**
   * CRQ test, client end (lpar/guests/crqclient.ts): sends a 64 KiB block's I/O address each
   * round and checks the checksum and the transformed data the server returns.
   */
  CrqClient = 14,
  /** CRQ test, server end (lpar/guests/crqserver.ts): pulls the block with H_COPY_RDMA, answers. */
  CrqServer = 15,
  /**
   * Logical-LAN test (lpar/guests/lanframes.ts): opens its port, sends broadcast and unicast
   * frames to its peers, counts and checks what it receives.
   */
  LanFrames = 16,
  /** LAN benchmark sender (make bench-lan): LAN_FRAMES frames of 1,500 bytes (named "lanbase": the baseline). */
  LanSend = 17,
  /** LAN benchmark receiver: posts buffers, yields until the sender's end frame arrives. */
  LanRecv = 18,
  /**
   * The hcall fuzzer (lpar/guests/fuzzer.ts): random and mutated hcalls, seeded by its
   * bootargs (`seed=S calls=N trace=T`); the hypervisor checks its invariants (hv/fuzz-check.ts).
   */
  Fuzzer = 19,
  /**
   * A fuzzer's victim (lpar/guests/victim.ts): keeps checksummed memory and CRQ traffic going
   * until the fuzzer is done, then reports mismatches with H_TSHYPE_REPORT.
   */
  Victim = 20,
  /**
   * The vTPM partition (lpar/guests/vtpm.ts over vtpm/): one TPM 2.0 instance per client that
   * SystemConfig.addVtpm binds to it, reached over the client's `IBM,vtpm20` CRQ.
   */
  Vtpm = 21,
  /**
   * vTPM test client (lpar/guests/vtpmclient.ts): drives its instance over tpm_ibmvtpm's CRQ
   * protocol (PCR_Read, NV, Quote) and prints what the host checks.
   */
  VtpmClient = 22,
  /**
   * The management partition (lpar/guests/manager.ts): runs the sequence of management
   * operations its kernel command line lists through the management hcalls and prints each
   * outcome; an example for users and the driver of the management system tests.
   */
  Manager = 23,
  /**
   * Hashed-page-table test (lpar/guests/hpttest.ts; a partition with `hpt = true`, powernv
   * only): H_ENTER/H_READ/H_PROTECT/H_REMOVE/H_BULK_REMOVE, its own SLB entries and accesses
   * with relocation on, every error path; prints its checks and failures, halts with the latter.
   */
  HptTest = 24,
  /**
   * HPT benchmark (lpar/guests/hptbench.ts; `hpt = true`, powernv only, make bench-hv): loops of
   * H_ENTER and H_REMOVE between instruction-count marks, each after its baseline loop.
   */
  HptBench = 25,
  /** Shared-memory test, the owner (lpar/guests/shareowner.ts): grants a page, revokes it. */
  ShareOwner = 26,
  /** Shared-memory test, the grantee (lpar/guests/shareuser.ts): maps the grant, answers through it. */
  ShareUser = 27,
  /** Shared-memory test, a partition the policy denies ShareMemory (lpar/guests/shareoutsider.ts). */
  ShareOutsider = 28,
  /**
   * Entitlement test (lpar/guests/spin.ts): for the wall time its bootargs give (`ms=N`) it
   * either computes without an hcall or (`cede=1`) idles in H_CEDE; then prints its loop count
   * and halts.
   */
  Spin = 29,
}

/** Most logical-LAN segments (virtual switches) a configuration may define. */
export const MAX_SEGMENTS = 4;
/** Most logical-LAN ports (l-lan devices) in a configuration. */
export const MAX_PORTS = 16;
/** Most CRQ pairs (a client and a server vdevice) in a configuration. */
export const MAX_CHANNELS = 8;
/** Most tagged VLANs one port may carry besides its PVID. */
export const MAX_PORT_VLANS = 8;
/** Highest 802.1Q VLAN id a port may name (4095 is reserved). */
export const MAX_VLAN_ID = 4094;

/** Largest uncapped weight (PowerVM's variable capacity weight is 0..255). */
export const MAX_WEIGHT = 255;
/** The uncapped weight a partition gets unless its configuration says otherwise (PowerVM's default). */
export const DEFAULT_WEIGHT = 128;

/** Virtual devices a partition can have (bit flags). */
export const enum Device {
  Vty = 1,
}

/** Memory granule: partition memory sizes and bases are multiples of 2 MiB (one radix PMD leaf). */
export const MEMORY_GRANULE_MIB = 2;

/** One partition of a configuration. */
export class PartitionConfig {
  /** Console prefix and identity; ASCII letters, digits and '-', 1..15 characters. */
  name = '';
  /** Which program the partition runs. */
  program: Program = Program.Hello;
  /** Memory size in MiB (a multiple of MEMORY_GRANULE_MIB). */
  memoryMiB = 0;
  /**
   * CPU entitlement: percent of one processor's time (1..100), that is `cpuShare / 100`
   * processing units in PowerVM's terms (20: 0.20 units). The configured partitions' entitlements
   * together may not exceed one processor (100).
   */
  cpuShare = 0;
  /**
   * Capped (PowerVM's capped mode): never more than the entitlement in a scheduling round, even
   * when the processor would otherwise idle. Uncapped: the entitlement, plus a part of the round's
   * time that others leave idle, in proportion to `weight` (hv/scheduler.ts).
   */
  capped = true;
  /** Uncapped weight, 0..MAX_WEIGHT (PowerVM's variable capacity weight; 0: never more than the entitlement). */
  weight = DEFAULT_WEIGHT;
  /** sHype label: a label name of the configuration's policy (defaults to the partition's name). */
  label = '';
  /** Devices (Device flags). */
  devices = 0;
  /** CPU time after which the hypervisor stops the partition, in ms (0: no limit). */
  timeLimitMs = 0;
  /** Fixed placement: partition memory starts this many MiB into machine memory (-1: placed automatically). */
  baseMiB = -1;
  /** Virtual processors (1..MAX_VCPUS); secondaries start stopped, as PAPR's RTAS start-cpu expects. */
  vcpus = 1;
  /** Program.Elf: the image's path as the guest bundle names it (scripts/guest-bundle.ts). */
  image = '';
  /** Program.Elf: an initrd (initramfs) from the bundle, "" for none. */
  initrd = '';
  /** The kernel command line (/chosen/bootargs), "" for none (Program.Elf, Program.Fuzzer). */
  bootargs = '';
  /**
   * Created and started at boot (true), or only defined (false): a definition, like an HMC
   * partition profile, that a management partition or the operator creates and starts at run
   * time (hv/manage.ts). Its slot, name, label, devices and entitlement are the definition's.
   */
  autostart = true;
  /**
   * Translation mode: true runs the partition with a hashed page table (HPT: PAPR's H_ENTER,
   * H_REMOVE, ... and a device tree offering hash only) instead of radix. powernv only: QEMU
   * 7.2's nested KVM-HV API runs only radix L2 guests, so pseries refuses it (lpar/validate.ts).
   */
  hpt = false;
  /** In use: set by SystemConfig.add. */
  used = false;
  readonly index: number;

  constructor(index: number) {
    this.index = index;
  }
}

/**
 * A logical-LAN segment: one virtual switch in the hypervisor (hcalls/vswitch.ts) joining the
 * ports configured on it. Frames never leave their segment.
 */
export class SegmentConfig {
  /** Its name (names the segment in the summary); same rules as a partition's name. */
  name = '';
  /**
   * Its sHype resource label (`lan NAME ...` in the policy), "" for none: with a label, a port
   * may open only if its partition may SendFrame to the segment's label.
   */
  label = '';
  used = false;
  readonly index: number;

  constructor(index: number) {
    this.index = index;
  }
}

/**
 * A port: an l-lan virtual device of a partition, on a segment. Linux's ibmveth drives it
 * (ref/LINUX-GUEST.md B.5).
 */
export class PortConfig {
  /** The partition (PartitionConfig.index) that has the device. */
  partition = -1;
  /** The segment (SegmentConfig.index) it is plugged into. */
  segment = -1;
  /** Its MAC address (low 48 bits): unicast, not zero, unique in the configuration. */
  mac: u64 = 0n;
  /** Port VLAN id (1..MAX_VLAN_ID): untagged frames of the port belong to it; 0: no VLANs (all frames untagged). */
  pvid = 0;
  /** 802.1Q VLANs the port may send and receive tagged, besides its PVID. */
  readonly vlans = new Uint16Array(MAX_PORT_VLANS);
  vlanCount = 0;
  /** Send cap in bits per second (token bucket on the timebase); 0: no cap. */
  capBps = 0;
  used = false;
  readonly index: number;

  constructor(index: number) {
    this.index = index;
  }

  /** Let the port carry VLAN `id` tagged (past MAX_PORT_VLANS the configuration is invalid). */
  allowVlan(id: number): PortConfig {
    this.vlans[Math.min(this.vlanCount, MAX_PORT_VLANS - 1)] = id;
    this.vlanCount++;
    return this;
  }
}

/**
 * A CRQ pair: a client vdevice in one partition and a server vdevice in another, joined by the
 * hypervisor (hcalls/crq.ts). The server also reaches the client's DMA window with H_COPY_RDMA.
 */
export class ChannelConfig {
  /** The partitions (PartitionConfig.index) of the two ends. */
  client = -1;
  server = -1;
  /**
   * A vTPM binding (SystemConfig.addVtpm): the client's device is a `vtpm` node (IBM,vtpm20,
   * Linux's tpm_ibmvtpm) and the server is the vTPM partition, whose instance for this client is
   * the one behind this channel's server end; decided as BindVtpm instead of OpenChannel.
   */
  vtpm = false;
  used = false;
  readonly index: number;

  constructor(index: number) {
    this.index = index;
  }
}

/** Most entries of a configuration's image catalog (SystemConfig.addImage). */
export const MAX_IMAGES = 8;

/**
 * An image the system carries, by name, for partitions created at run time (hv/manage.ts: the
 * management hcalls' and the operator's `create NAME IMAGE MEM`): a built-in program, or an ELF
 * of the guest bundle with its initrd and kernel command line.
 */
export class ImageConfig {
  /** The name `create` uses; same rules as a partition's name. */
  name = '';
  program: Program = Program.Hello;
  /** Program.Elf: the bundle path, initrd ("" for none) and kernel command line. */
  image = '';
  initrd = '';
  bootargs = '';
  used = false;
  readonly index: number;

  constructor(index: number) {
    this.index = index;
  }
}

/** A complete configuration: the partitions to create at boot. */
export class SystemConfig {
  readonly name: string;
  readonly partitions: PartitionConfig[] = pool(MAX_PARTITIONS, PartitionConfig);
  /** Number of partitions added. */
  count = 0;
  /** Memory the hypervisor keeps for itself below the partitions, in MiB. */
  hypervisorMiB = 64;
  /** Machine memory the configuration is meant for, in MiB (QEMU -m); checked again at boot. */
  machineMiB = 1024;
  /** The sHype policy built into the image: shype/policies/<policy>.pol ("" for none). */
  policy = '';
  readonly segments: SegmentConfig[] = pool(MAX_SEGMENTS, SegmentConfig);
  segmentCount = 0;
  readonly ports: PortConfig[] = pool(MAX_PORTS, PortConfig);
  portCount = 0;
  readonly channels: ChannelConfig[] = pool(MAX_CHANNELS, ChannelConfig);
  channelCount = 0;
  readonly images: ImageConfig[] = pool(MAX_IMAGES, ImageConfig);
  imageCount = 0;
  /**
   * The sHype label the operator at the console holds (hv/operator.ts): its management commands
   * are decided as this label's. "" (the default): the console takes no management commands.
   */
  operatorLabel = '';

  constructor(name: string) {
    this.name = name;
  }

  /**
   * Add a partition and return its configuration to fill in; past MAX_PARTITIONS it returns
   * the last slot again and marks the configuration invalid (validateSystem reports it).
   */
  add(name: string, program: Program, memoryMiB: number, cpuShare: number): PartitionConfig {
    const slot = this.partitions[Math.min(this.count, MAX_PARTITIONS - 1)];
    this.count++;
    slot.used = true;
    slot.name = name;
    slot.label = name;   // the sHype label defaults to the partition's name
    slot.program = program;
    slot.memoryMiB = memoryMiB;
    slot.cpuShare = cpuShare;
    slot.capped = true;
    slot.weight = DEFAULT_WEIGHT;
    slot.devices = Device.Vty;
    slot.baseMiB = -1;
    slot.timeLimitMs = 0;
    slot.vcpus = 1;
    slot.image = '';
    slot.initrd = '';
    slot.bootargs = '';
    slot.autostart = true;
    return slot;
  }

  /**
   * Add built-in program `program` to the image catalog as `name` (past MAX_IMAGES: invalid);
   * set `bootargs` on the result if it takes any.
   */
  addImage(name: string, program: Program): ImageConfig {
    const slot = this.images[Math.min(this.imageCount, MAX_IMAGES - 1)];
    this.imageCount++;
    slot.used = true;
    slot.name = name;
    slot.program = program;
    slot.image = '';
    slot.initrd = '';
    slot.bootargs = '';
    return slot;
  }

  /** Add the guest bundle's ELF `path` to the image catalog as `name`; set `initrd` and `bootargs` on the result. */
  addImageElf(name: string, path: string): ImageConfig {
    const slot = this.addImage(name, Program.Elf);
    slot.image = path;
    return slot;
  }

  /**
   * Add a partition running the external ELF image `path` (its name in the guest bundle, the
   * path the build packs it from); set `initrd`, `bootargs` and `vcpus` on the result.
   */
  addElf(name: string, path: string, memoryMiB: number, cpuShare: number): PartitionConfig {
    const slot = this.add(name, Program.Elf, memoryMiB, cpuShare);
    slot.image = path;
    return slot;
  }

  /** Add a logical-LAN segment (past MAX_SEGMENTS the configuration is invalid). */
  addSegment(name: string): SegmentConfig {
    const slot = this.segments[Math.min(this.segmentCount, MAX_SEGMENTS - 1)];
    this.segmentCount++;
    slot.used = true;
    slot.name = name;
    slot.label = '';
    return slot;
  }

  /** Give `partition` an l-lan port on `segment` with MAC `mac` (past MAX_PORTS: invalid). */
  addPort(partition: PartitionConfig, segment: SegmentConfig, mac: u64): PortConfig {
    const slot = this.ports[Math.min(this.portCount, MAX_PORTS - 1)];
    this.portCount++;
    slot.used = true;
    slot.partition = partition.index;
    slot.segment = segment.index;
    slot.mac = mac;
    slot.pvid = 0;
    slot.vlanCount = 0;
    slot.capBps = 0;
    return slot;
  }

  /** Join a client vdevice in `client` to a server vdevice in `server` (past MAX_CHANNELS: invalid). */
  addChannel(client: PartitionConfig, server: PartitionConfig): ChannelConfig {
    const slot = this.channels[Math.min(this.channelCount, MAX_CHANNELS - 1)];
    this.channelCount++;
    slot.used = true;
    slot.client = client.index;
    slot.server = server.index;
    slot.vtpm = false;
    return slot;
  }

  /**
   * Give `client` a vTPM: an `IBM,vtpm20` device whose CRQ partner is an instance in `vtpm`
   * (a partition running Program.Vtpm). A channel like addChannel's (past MAX_CHANNELS: invalid).
   */
  addVtpm(client: PartitionConfig, vtpm: PartitionConfig): ChannelConfig {
    const slot = this.addChannel(client, vtpm);
    slot.vtpm = true;
    return slot;
  }
}
