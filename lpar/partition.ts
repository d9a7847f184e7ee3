/**
 * Partitions: the fixed pool of logical partitions and their lifecycle.
 *
 *   Empty -> Created (create) -> Running (start) -> Halted (halt) | Crashed (crash)
 *
 * Every transition checks its precondition first and changes nothing when it fails.
 */
import { mftb, pool, type u64 } from 'tsnc';
import { DEFAULT_WEIGHT, MAX_PARTITIONS, MAX_VCPUS, PartitionConfig, Program } from './config';
import { Vcpu } from './vcpu';
import { Xics } from './xics';
import { LaunchRecord } from './measure';

export const enum LparState {
  Empty = 0,
  Created = 1,
  Running = 2,
  Halted = 3,
  Crashed = 4,
}

/** Why the hypervisor stopped a partition. */
export const enum CrashReason {
  None = 0,
  IllegalInstruction = 1,
  StorageViolation = 2,
  MachineCheck = 3,
  UnexpectedExit = 4,
  /** It used up the CPU time limit of its configuration. */
  TimeLimit = 5,
  /** It used a facility partitions are not given (a hypervisor facility unavailable exit). */
  FacilityUnavailable = 6,
  /** Its operating system gave up (RTAS ibm,os-term: a Linux panic). */
  OsTerm = 7,
  /** A management stop (hv/manage.ts) reached its deadline before the partition halted itself. */
  Stopped = 8,
}

/** Number of hcall classes (hcalls/table.ts HCLASS_COUNT; a unit test checks they agree). */
export const HCALL_CLASSES = 6;

/** Every hcall class allowed (the gate's default until a policy narrows it). */
export const ALL_CLASSES = 0x7fffffff;

/** Console input bytes kept for a partition that has not read them yet (more are dropped). */
export const INPUT_MAX = 256;

/** Longest console line a partition can print before the hypervisor breaks it. */
export const LINE_MAX = 160;

/** One logical partition. */
export class Partition {
  /** LPID: partition table index (1..MAX_PARTITIONS; 0 is the hypervisor). */
  readonly lpid: number;
  state: LparState = LparState.Empty;
  name = '';
  /** sHype label (ssidref in the active policy; 0 without a policy). */
  ssidref = 0;
  program: Program = Program.Hello;
  /** Real address and size of the partition's memory; its logical address 0 is memBase. */
  memBase: u64 = 0n;
  memSize: u64 = 0n;
  /** CPU entitlement, percent of one processor (share / 100 processing units; hv/scheduler.ts). */
  share = 0;
  /** Capped: never more than `share` per scheduling round. Uncapped: also idle time, by `weight`. */
  capped = true;
  /** Uncapped weight 0..255 (0: never more than the entitlement). */
  weight = DEFAULT_WEIGHT;
  /** Timebase ticks the scheduler has given the partition in the current round (hv/scheduler.ts). */
  roundUsed: u64 = 0n;
  /** Status given to H_TSHYPE_HALT or RTAS power-off. */
  haltStatus: u64 = 0n;
  crash: CrashReason = CrashReason.None;
  /** Instruction address (and data address for storage violations) of the crash. */
  crashNip: u64 = 0n;
  crashAddr: u64 = 0n;
  /** Bit (1 << class) set for every hcall class (Op.Hcall*) the partition may use. */
  allowedClasses = ALL_CLASSES;
  /** The partition's virtual processors; vcpus[i] is interrupt server i. */
  readonly vcpus: Vcpu[] = pool(MAX_VCPUS, Vcpu);
  /** The boot vCPU, vcpus[0]. */
  readonly vcpu: Vcpu;
  /**
   * The vCPU the scheduler runs now (or ran last): the one the platform's runVcpu enters and
   * whose exit the hypervisor handles.
   */
  current: Vcpu;
  /** vCPUs the partition has (its configuration's `vcpus`). */
  vcpuCount = 1;
  /** The partition's interrupt controller (lpar/xics.ts). */
  readonly xics = new Xics();
  /**
   * The partition asked to be restarted (RTAS system-reboot): the run loop reloads and restarts
   * it once the call that asked has returned.
   */
  restartRequested = false;
  /**
   * A management stop asked the partition to power off (hv/manage.ts): it sees the request in
   * its own H_TSHYPE_QUERY flags, and is stopped when the timebase reaches stopDeadline.
   */
  stopRequested = false;
  stopDeadline: u64 = 0n;
  /** Console input typed for the partition while it had the focus, not yet read (a ring). */
  readonly input = new Uint8Array(INPUT_MAX);
  inputHead = 0;
  inputCount = 0;
  /**
   * Its label's types count as running in the Chinese Wall (shype/security.ts commitLaunch),
   * until releasePartition gives them back, exactly once.
   */
  typesHeld = false;
  /** Its sHype label's name (its configuration's `label`). */
  label = '';
  /** What the hypervisor measured when it last loaded the partition (lpar/measure.ts). */
  readonly launch = new LaunchRecord();
  /** The image, initrd and kernel command line of a Program.Elf partition (its configuration's). */
  image = '';
  initrd = '';
  bootargs = '';
  /** Where the loaded program is entered and where it was loaded (logical addresses; lpar/loader.ts). */
  entry: u64 = 0n;
  loadBase: u64 = 0n;
  /** The console line being assembled (printed with the `[name] ` prefix at newline). */
  readonly line = new Uint8Array(LINE_MAX);
  lineLength = 0;
  /** Process table registered with H_REGISTER_PROC_TBL (radix): the PATE second doubleword. */
  processTable: u64 = 0n;
  /** Guest translation shootdown enable (the guest may use tlbie itself): LPCR[GTSE]. */
  gtse = false;
  /**
   * Translation mode: a hashed page table (its configuration's `hpt`, powernv only) instead of
   * radix. The HPT calls (hcalls/hpt.ts) answer H_FUNCTION to a radix partition.
   */
  hpt = false;
  /**
   * The partition's HPT (real address; 0: none) and log2 of its size in bytes (`ibm,pft-size`),
   * set by the platform's preparePartition (arch/ppc64/hash.ts). Not cleared by createPartition:
   * the next preparePartition of the slot gives a previous tenant's HPT back to the pool.
   */
  hptBase: u64 = 0n;
  hptOrder = 0;
  /**
   * Set by a handler that changed what the partition's translation is built from (the process
   * table): the vCPU must not be resumed on the hcall fast path, so that the platform's next
   * entry applies the change (hv/exits.ts fastHcall).
   */
  translationChanged = false;
  // accounting
  /** Hcalls the gate admitted, by hcall class (HClass, hcalls/table.ts; HCALL_CLASSES of them). */
  readonly classCalls = new Uint32Array(HCALL_CLASSES);
  hcalls = 0;
  denials = 0;
  exits = 0;
  /** Timebase ticks spent running. */
  runTicks: u64 = 0n;
  /** Timebase at its start and at its halt or crash (0: not yet): its lifetime, for the accounting. */
  startedAt: u64 = 0n;
  stoppedAt: u64 = 0n;
  /** Run time after which the partition is stopped (timebase ticks; 0: no limit). */
  timeLimitTicks: u64 = 0n;
  /**
   * Seconds added to the hypervisor's wall clock to give this partition's time of day (RTAS
   * set-time-of-day sets it), two's complement mod 2^64: negative for a date in the past.
   */
  clockOffset: u64 = 0n;
  /** H_TSHYPE_REPORT totals: registers compared and leaks found, and whether it reported at all. */
  reportedChecks = 0;
  reportedLeaks = 0;
  reported = false;

  constructor(index: number) {
    this.lpid = index + 1;
    this.vcpu = this.vcpus[0];
    this.current = this.vcpus[0];
  }

  /** True while the partition can be scheduled. */
  runnable(): boolean {
    return this.state === LparState.Running;
  }

  /**
   * A service partition (the vTPM) serves the others and never finishes on its own: the machine
   * powers off when every other partition is done, with the services still running.
   */
  isService(): boolean {
    return this.program === Program.Vtpm;
  }
}

/** The partition pool; slot i has LPID i + 1. */
export const partitions: Partition[] = pool(MAX_PARTITIONS, Partition);

/**
 * Create a partition from its configuration in an empty slot, with memory at real address
 * `memBase`. Returns false (and changes nothing) unless the slot is Empty.
 */
export function createPartition(p: Partition, cfg: PartitionConfig, memBase: u64, ticksPerMs: u64, ssidref: number): boolean {
  if (p.state !== LparState.Empty) return false;
  p.name = cfg.name;
  p.label = cfg.label;
  p.launch.launches = 0;
  p.ssidref = ssidref;
  p.program = cfg.program;
  p.memBase = memBase;
  p.memSize = BigInt.asUintN(64, BigInt(cfg.memoryMiB) << 20n);
  p.share = cfg.cpuShare;
  p.capped = cfg.capped;
  p.weight = cfg.weight;
  p.roundUsed = 0n;
  p.haltStatus = 0n;
  p.crash = CrashReason.None;
  p.allowedClasses = ALL_CLASSES;   // nothing is inherited from an earlier tenant of the slot
  p.lineLength = 0;
  p.inputHead = 0;
  p.inputCount = 0;
  p.image = cfg.image;
  p.initrd = cfg.initrd;
  p.bootargs = cfg.bootargs;
  p.processTable = 0n;
  p.gtse = false;
  p.hpt = cfg.hpt;
  p.translationChanged = false;
  p.classCalls.fill(0);
  p.hcalls = 0;
  p.denials = 0;
  p.exits = 0;
  p.runTicks = 0n;
  p.startedAt = 0n;
  p.stoppedAt = 0n;
  p.timeLimitTicks = BigInt.asUintN(64, BigInt(cfg.timeLimitMs) * ticksPerMs);
  p.clockOffset = 0n;
  p.reportedChecks = 0;
  p.reportedLeaks = 0;
  p.reported = false;
  p.vcpuCount = cfg.vcpus;
  p.current = p.vcpu;
  p.xics.reset(cfg.vcpus);
  p.restartRequested = false;
  p.stopRequested = false;
  p.stopDeadline = 0n;
  p.typesHeld = false;
  for (let i = 0; i < MAX_VCPUS; i++) p.vcpus[i].started = false;
  p.state = LparState.Created;
  return true;
}

/**
 * Make a halted or crashed partition Created again, to be loaded and started afresh (a
 * management restart, hv/manage.ts): its vCPUs stopped, its interrupt controller reset, its
 * halt status, crash and stop request forgotten; its memory, label and accounting kept.
 */
export function rearmPartition(p: Partition): boolean {
  if (p.state !== LparState.Halted && p.state !== LparState.Crashed) return false;
  for (let i = 0; i < MAX_VCPUS; i++) p.vcpus[i].started = false;
  p.xics.reset(p.vcpuCount);
  p.haltStatus = 0n;
  p.crash = CrashReason.None;
  p.restartRequested = false;
  p.stopRequested = false;
  p.stopDeadline = 0n;
  p.processTable = 0n;
  p.gtse = false;
  p.translationChanged = true;
  p.current = p.vcpu;
  p.state = LparState.Created;
  return true;
}

/**
 * Start a created partition at logical address `entry` with its device tree at `fdt` and its
 * program loaded at `loadAddress`: its boot vCPU gets the full reset state (lpar/vcpu.ts), the
 * others stay stopped until RTAS start-cpu.
 */
export function startPartition(p: Partition, entry: u64, fdt: u64, loadAddress: u64): boolean {
  if (p.state !== LparState.Created) return false;
  p.vcpu.reset(entry, fdt, loadAddress);
  p.startedAt = mftb();
  p.state = LparState.Running;
  return true;
}

/** Halt a running partition with a status (its own request). */
export function haltPartition(p: Partition, status: u64): boolean {
  if (p.state !== LparState.Running) return false;
  p.haltStatus = status;
  p.stoppedAt = mftb();
  p.state = LparState.Halted;
  return true;
}

/** Stop a running partition that did something the hypervisor cannot let it continue. */
export function crashPartition(p: Partition, reason: CrashReason, nip: u64, addr: u64): boolean {
  if (p.state !== LparState.Running) return false;
  p.crash = reason;
  p.crashNip = nip;
  p.crashAddr = addr;
  p.stoppedAt = mftb();
  p.state = LparState.Crashed;
  return true;
}

/** Return a halted or crashed partition's slot to Empty. */
export function destroyPartition(p: Partition): boolean {
  if (p.state !== LparState.Halted && p.state !== LparState.Crashed && p.state !== LparState.Created) return false;
  p.state = LparState.Empty;
  return true;
}
