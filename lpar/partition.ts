/**
 * Partitions: the fixed pool of logical partitions and their lifecycle.
 *
 *   Empty -> Created (create) -> Running (start) -> Halted (halt) | Crashed (crash)
 *
 * Every transition checks its precondition first and changes nothing when it fails.
 */
import { pool, type u64 } from 'tsnc';
import { MAX_PARTITIONS, PartitionConfig, Program } from './config';
import { Vcpu } from './vcpu';

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
}

/** Every hcall class allowed (the gate's default until a policy narrows it). */
export const ALL_CLASSES = 0x7fffffff;

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
  /** CPU entitlement, percent of one processor. */
  share = 0;
  /** Status given to H_TSHYPE_HALT or RTAS power-off. */
  haltStatus: u64 = 0n;
  crash: CrashReason = CrashReason.None;
  /** Instruction address (and data address for storage violations) of the crash. */
  crashNip: u64 = 0n;
  crashAddr: u64 = 0n;
  /** Bit (1 << class) set for every hcall class (Op.Hcall*) the partition may use. */
  allowedClasses = ALL_CLASSES;
  readonly vcpu: Vcpu = new Vcpu(0);
  /** The console line being assembled (printed with the `[name] ` prefix at newline). */
  readonly line = new Uint8Array(LINE_MAX);
  lineLength = 0;
  /** Process table registered with H_REGISTER_PROC_TBL (radix): the PATE second doubleword. */
  processTable: u64 = 0n;
  /** Guest translation shootdown enable (the guest may use tlbie itself): LPCR[GTSE]. */
  gtse = false;
  /**
   * Set by a handler that changed what the partition's translation is built from (the process
   * table): the vCPU must not be resumed on the hcall fast path, so that the platform's next
   * entry applies the change (hv/exits.ts fastHcall).
   */
  translationChanged = false;
  // accounting
  hcalls = 0;
  denials = 0;
  exits = 0;
  /** Timebase ticks spent running. */
  runTicks: u64 = 0n;
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
  }

  /** True while the partition can be scheduled. */
  runnable(): boolean {
    return this.state === LparState.Running;
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
  p.ssidref = ssidref;
  p.program = cfg.program;
  p.memBase = memBase;
  p.memSize = BigInt.asUintN(64, BigInt(cfg.memoryMiB) << 20n);
  p.share = cfg.cpuShare;
  p.haltStatus = 0n;
  p.crash = CrashReason.None;
  p.allowedClasses = ALL_CLASSES;   // nothing is inherited from an earlier tenant of the slot
  p.lineLength = 0;
  p.processTable = 0n;
  p.gtse = false;
  p.translationChanged = false;
  p.hcalls = 0;
  p.denials = 0;
  p.exits = 0;
  p.runTicks = 0n;
  p.timeLimitTicks = BigInt.asUintN(64, BigInt(cfg.timeLimitMs) * ticksPerMs);
  p.clockOffset = 0n;
  p.reportedChecks = 0;
  p.reportedLeaks = 0;
  p.reported = false;
  p.state = LparState.Created;
  return true;
}

/**
 * Start a created partition at logical address `entry` with its device tree at `fdt` (its
 * program loaded at logical address 0): its vCPU gets the full reset state (lpar/vcpu.ts).
 */
export function startPartition(p: Partition, entry: u64, fdt: u64): boolean {
  if (p.state !== LparState.Created) return false;
  p.vcpu.reset(entry, fdt, 0n);
  p.state = LparState.Running;
  return true;
}

/** Halt a running partition with a status (its own request). */
export function haltPartition(p: Partition, status: u64): boolean {
  if (p.state !== LparState.Running) return false;
  p.haltStatus = status;
  p.state = LparState.Halted;
  return true;
}

/** Stop a running partition that did something the hypervisor cannot let it continue. */
export function crashPartition(p: Partition, reason: CrashReason, nip: u64, addr: u64): boolean {
  if (p.state !== LparState.Running) return false;
  p.crash = reason;
  p.crashNip = nip;
  p.crashAddr = addr;
  p.state = LparState.Crashed;
  return true;
}

/** Return a halted or crashed partition's slot to Empty. */
export function destroyPartition(p: Partition): boolean {
  if (p.state !== LparState.Halted && p.state !== LparState.Crashed && p.state !== LparState.Created) return false;
  p.state = LparState.Empty;
  return true;
}
