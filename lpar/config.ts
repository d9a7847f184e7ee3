/**
 * Typed partition configuration. A configuration is a module in lpar/configs/<name>.ts that
 * builds one SystemConfig at module initialisation; `make CONFIG=<name>` selects it, tsc checks
 * its types, and validateSystem() (run at build time by scripts/check-config.ts and again at
 * boot) refuses inconsistent ones with a message naming the partition and the problem.
 */
import { pool } from 'tsnc';

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
}

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
  /** CPU entitlement: percent of one processor's time (1..100). */
  cpuShare = 0;
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
  /** Program.Elf: the kernel command line (/chosen/bootargs), "" for none. */
  bootargs = '';
  /** In use: set by SystemConfig.add. */
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
    slot.devices = Device.Vty;
    slot.baseMiB = -1;
    slot.timeLimitMs = 0;
    slot.vcpus = 1;
    slot.image = '';
    slot.initrd = '';
    slot.bootargs = '';
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
}
