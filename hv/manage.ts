/**
 * Partitions at run time: create, start, stop, destroy, restart, query, list and change the
 * entitlement of the partitions the configuration defines. The management hcalls
 * (hv/manage-hcalls.ts) and the operator's console commands (hv/operator.ts) both come here.
 *
 * A partition is one of the configuration's definitions (slot i is definition i, like an HMC
 * partition profile): its name, label, devices and entitlement are the definition's; `create`
 * chooses the image (the definition's own or one of the configuration's image catalog), the
 * memory and the vCPUs. Definitions with `autostart = false` are not created at boot.
 *
 * Every operation is a question (subject label, target label, operation) through decide():
 *   create                      CreatePartition
 *   start                       StartPartition, then the Chinese Wall of the target's start
 *   stop, restart               StartPartition (who may start a partition may stop it)
 *   destroy                     DestroyPartition
 *   query (another), list       ReadAudit (reading the machine's state is the auditor's right)
 *   set entitlement             CreatePartition (resources are given at creation)
 * Each checks its arguments and the target's state, then asks, then acts: a refusal changes
 * nothing but the decision's counters and audit record. Without a policy every operation is
 * refused (ManageStatus.Denied): management needs a policy that grants it.
 */
import { mftb, type u64 } from 'tsnc';
import { clearPartition } from '@platform';
import { poolFree, zeroRange } from '../arch/ppc64/common/pages';
import { releasePartitionHpt } from '../arch/ppc64/hash';
import { MAX_VCPUS, MEMORY_GRANULE_MIB, Program, SystemConfig } from '../lpar/config';
import { consoleFinish, writeDecimal, writeHex, writeLine, writeString } from '../lpar/console';
import { fdtAddress } from '../lpar/loader';
import {
  CrashReason, LparState, Partition, createPartition, crashPartition, destroyPartition, partitions, rearmPartition,
  startPartition,
} from '../lpar/partition';
import { setEntitlement } from '../lpar/accounting';
import { allocRegion, freeRegion, regionsFreeMiB, regionsTotalMiB } from '../lpar/regions';
import { releaseGrants } from '../lpar/grant';
import { timebaseHz } from '../lpar/time';
import { detachDevices, linkChannels } from '../lpar/vio';
import { NO_OBJECT, Op } from '../shype/ops';
import {
  abortLaunch, admitManagement, admitStart, commitLaunch, forgetCounters, forgetPartition, labelOf, releasePartition, securityActive,
} from '../shype/security';
import { loadProgram, prepareAndLoad, say } from './launch';
import { attachVirtualIo, resetVirtualIo } from './vio';

/** What a management operation answered. */
export const enum ManageStatus {
  Ok = 0,
  /** The target is not one of the configuration's partitions. */
  NoSuchPartition = 1,
  /** The target is not in a state the operation applies to (create needs Empty, start Created, …). */
  WrongState = 2,
  /** The policy refused (or there is no policy): audited by decide(). */
  Denied = 3,
  /** The Chinese Wall refused the start: a partition with a conflicting type runs. */
  WallConflict = 4,
  /** No free region of partition memory is large enough. */
  NoMemory = 5,
  /** An image index, memory size, vCPU count or entitlement out of range. */
  BadArgument = 6,
  /** The image could not be loaded (the console line says why); nothing was kept. */
  LoadFailed = 7,
  /** The entitlements of the partitions would add up to more than one processor. */
  OverCommitted = 8,
}

/** Text of a ManageStatus, for the console. */
export function manageStatusText(st: ManageStatus): string {
  switch (st) {
    case ManageStatus.Ok: return 'done';
    case ManageStatus.NoSuchPartition: return 'no such partition';
    case ManageStatus.WrongState: return 'not in a state that allows it';
    case ManageStatus.Denied: return 'refused by the policy';
    case ManageStatus.WallConflict: return 'refused by the Chinese Wall';
    case ManageStatus.NoMemory: return 'not enough free partition memory';
    case ManageStatus.BadArgument: return 'bad argument';
    case ManageStatus.LoadFailed: return 'its image could not be loaded';
    case ManageStatus.OverCommitted: return 'entitlements would exceed one processor';
  }
  return 'unknown status';
}

/** Smallest partition a run-time create accepts (the loader refuses one its image and device tree do not fit). */
export const MIN_PARTITION_MIB = MEMORY_GRANULE_MIB;
/** Largest partition a run-time create accepts. */
export const MAX_PARTITION_MIB = 65536;
/** A stop's deadline when none is given, and the longest one accepted. */
export const STOP_DEFAULT_MS = 5000;
export const STOP_MAX_MS = 600000;

/**
 * The configuration whose definitions are managed: the image's, set by boot (hv/boot.ts); a
 * unit test sets its own.
 */
let system = new SystemConfig('none');

/** Manage the definitions of `cfg` (boot passes the image's configuration). */
export function manageConfiguration(cfg: SystemConfig): void {
  system = cfg;
}

/** The configuration being managed. */
export function managedConfiguration(): SystemConfig {
  return system;
}

/** Partitions created and destroyed at run time since boot (for `stats` and the tests). */
export let createdAtRunTime = 0;
export let destroyedAtRunTime = 0;

/** The slot of the definition called by the bytes name[0..length), or -1. */
export function slotByName(name: Uint8Array, length: number): number {
  for (let i = 0; i < system.count; i++) {
    const n = system.partitions[i].name;
    if (n.length !== length) continue;
    let same = true;
    for (let j = 0; j < length && same; j++) same = n.charCodeAt(j) === name[j];
    if (same) return i;
  }
  return -1;
}

/** The index in the image catalog of the image called name[0..length), or -1. */
export function imageByName(name: Uint8Array, length: number): number {
  for (let i = 0; i < system.imageCount && i < system.images.length; i++) {
    const n = system.images[i].name;
    if (n.length !== length) continue;
    let same = true;
    for (let j = 0; j < length && same; j++) same = n.charCodeAt(j) === name[j];
    if (same) return i;
  }
  return -1;
}

/** The decision for `subject` (asking as slot `who`) doing `op` on slot `slot`'s label. */
function may(who: number, subject: number, op: Op, slot: number): boolean {
  return admitManagement(who, subject, op, labelOf(system.partitions[slot].label));
}

/**
 * Create the partition of definition `slot` (Empty) with image `image` (-1: the definition's
 * own; else an index of the configuration's image catalog), `memMiB` of memory (0: the
 * definition's) and `vcpus` vCPUs (0: the definition's). The partition is loaded and Created,
 * not started. Decided CreatePartition on its label.
 */
export function manageCreate(who: number, subject: number, slot: number, image: number, memMiB: number, vcpus: number): ManageStatus {
  if (slot < 0 || slot >= system.count) return ManageStatus.NoSuchPartition;
  const cfg = system.partitions[slot];
  const p = partitions[slot];
  if (p.state !== LparState.Empty) return ManageStatus.WrongState;
  if (image < -1 || image >= system.imageCount || image >= system.images.length) return ManageStatus.BadArgument;
  const mem = memMiB === 0 ? cfg.memoryMiB : memMiB;
  if (mem < MIN_PARTITION_MIB || mem > MAX_PARTITION_MIB || mem % MEMORY_GRANULE_MIB !== 0) return ManageStatus.BadArgument;
  const n = vcpus === 0 ? cfg.vcpus : vcpus;
  if (n < 1 || n > MAX_VCPUS) return ManageStatus.BadArgument;
  if (!securityActive() || !may(who, subject, Op.CreatePartition, slot)) return ManageStatus.Denied;
  if (!withinEntitlement(slot, cfg.cpuShare)) return ManageStatus.OverCommitted;
  const base = allocRegion(mem);
  if (base < 0) return ManageStatus.NoMemory;
  const memBase: u64 = BigInt.asUintN(64, BigInt(base) << 20n);
  createPartition(p, cfg, memBase, timebaseHz / 1000n, labelOf(cfg.label));
  p.memSize = BigInt.asUintN(64, BigInt(mem) << 20n);
  p.vcpuCount = n;
  p.xics.reset(n);
  if (image >= 0) {
    const img = system.images[image];
    p.program = img.program;
    p.image = img.image;
    p.initrd = img.initrd;
    p.bootargs = img.bootargs;
  }
  if (!attachVirtualIo(p, slot)) {
    say(p, 'not created: no room left for its virtual devices');
    writeLine('');
    giveBack(p);
    return ManageStatus.LoadFailed;
  }
  linkChannels();
  if (!prepareAndLoad(p)) {
    giveBack(p);
    return ManageStatus.LoadFailed;
  }
  createdAtRunTime++;
  say(p, 'created: ');
  writeDecimal(mem);
  writeString(' MiB at 0x');
  writeHex(memBase, 8);
  writeString(', ');
  writeDecimal(n);
  writeLine(n === 1 ? ' vCPU' : ' vCPUs');
  return ManageStatus.Ok;
}

/**
 * Give back what a created partition holds and empty its slot: its devices, its translation
 * (partition-table entry, page tables, then its HPT), its memory (scrubbed, then free), its
 * cached decisions. A run-time create that failed half way, and every destroy, end here.
 */
function giveBack(p: Partition): void {
  detachDevices(p.lpid - 1);
  clearPartition(p);   // nothing translates to its memory any more before it is scrubbed
  releasePartitionHpt(p);   // then its HPT (the entry no longer names it) goes back to the pool
  zeroRange(p.memBase, p.memSize);
  freeRegion(Number(p.memBase >> 20n), Number(p.memSize >> 20n));
  forgetPartition(p);
  destroyPartition(p);
}

/**
 * True when giving slot `slot` an entitlement of `share` percent keeps the sum over every
 * partition that exists (not Empty) at or below one processor (100).
 */
function withinEntitlement(slot: number, share: number): boolean {
  let total = share;
  for (let i = 0; i < partitions.length; i++) {
    if (i !== slot && partitions[i].state !== LparState.Empty) total += partitions[i].share;
  }
  return total <= 100;
}

/**
 * Start Created partition `slot`: decided StartPartition on its label, then the Chinese Wall of
 * its label's start; it runs from the next scheduling round.
 */
export function manageStart(who: number, subject: number, slot: number): ManageStatus {
  if (slot < 0 || slot >= system.count) return ManageStatus.NoSuchPartition;
  const p = partitions[slot];
  if (p.state !== LparState.Created) return ManageStatus.WrongState;
  if (!securityActive() || !may(who, subject, Op.StartPartition, slot)) return ManageStatus.Denied;
  return startCreated(p);
}

/** The Chinese Wall, then the start of Created partition `p`. */
function startCreated(p: Partition): ManageStatus {
  if (!admitStart(p)) return ManageStatus.WallConflict;
  if (!startPartition(p, p.entry, fdtAddress(p), p.loadBase)) {
    abortLaunch(p.ssidref);
    return ManageStatus.WrongState;
  }
  commitLaunch(p);
  say(p, 'started');
  writeLine('');
  return ManageStatus.Ok;
}

/**
 * Ask running partition `slot` to power off: it sees the request in its H_TSHYPE_QUERY flags
 * (MANAGE_FLAG_STOP) and is stopped when `deadlineMs` pass (0: STOP_DEFAULT_MS) if it has not
 * halted by then. Decided StartPartition on its label.
 */
export function manageStop(who: number, subject: number, slot: number, deadlineMs: number): ManageStatus {
  if (slot < 0 || slot >= system.count) return ManageStatus.NoSuchPartition;
  const p = partitions[slot];
  if (deadlineMs < 0 || deadlineMs > STOP_MAX_MS) return ManageStatus.BadArgument;
  if (p.state !== LparState.Running) return ManageStatus.WrongState;
  if (!securityActive() || !may(who, subject, Op.StartPartition, slot)) return ManageStatus.Denied;
  const ms = deadlineMs === 0 ? STOP_DEFAULT_MS : deadlineMs;
  p.stopRequested = true;
  p.stopDeadline = BigInt.asUintN(64, mftb() + BigInt.asUintN(64, timebaseHz * BigInt(ms)) / 1000n);
  say(p, 'asked to stop within ');
  writeDecimal(ms);
  writeLine(' ms');
  return ManageStatus.Ok;
}

/**
 * Stop every partition whose stop deadline has passed (the run loop calls it once a round):
 * crashed with CrashReason.Stopped, its types released, its devices reset.
 */
export function enforceStops(): void {
  const now = mftb();
  for (let i = 0; i < partitions.length; i++) {
    const p = partitions[i];
    if (!p.stopRequested || !p.runnable()) continue;
    if (BigInt.asIntN(64, BigInt.asUintN(64, now - p.stopDeadline)) < 0n) continue;
    stopNow(p);
  }
}

/** Stop running partition `p` at once (a stop's deadline, or a destroy), releasing what it runs with. */
function stopNow(p: Partition): void {
  consoleFinish(p);
  crashPartition(p, CrashReason.Stopped, p.current.nip, 0n);
  say(p, 'stopped by management');
  writeLine('');
  releaseRunning(p);
}

/**
 * What a partition that stopped running gives up: its types in the Chinese Wall, its devices'
 * state, its grants and its mappings of others' pages (lpar/grant.ts releaseGrants).
 */
function releaseRunning(p: Partition): void {
  releasePartition(p);
  resetVirtualIo(p);
  releaseGrants(p);
}

/**
 * Destroy partition `slot` (any state but Empty; a running one is stopped at once): decided
 * DestroyPartition on its label. Everything it held is given back: its devices (CRQ partners
 * see the partner-failed event; LAN ports close), its memory (scrubbed, then free), its slot,
 * its cached decisions. (A console focus on it moves to the hypervisor at the next byte typed,
 * hv/focus.ts.)
 */
export function manageDestroy(who: number, subject: number, slot: number): ManageStatus {
  if (slot < 0 || slot >= system.count) return ManageStatus.NoSuchPartition;
  const p = partitions[slot];
  if (p.state === LparState.Empty) return ManageStatus.WrongState;
  if (!securityActive() || !may(who, subject, Op.DestroyPartition, slot)) return ManageStatus.Denied;
  if (p.runnable()) stopNow(p);
  resetVirtualIo(p);
  releaseGrants(p);   // grants made to a partition that never ran, too
  forgetCounters(p);
  giveBack(p);
  destroyedAtRunTime++;
  say(p, 'destroyed');
  writeLine('');
  return ManageStatus.Ok;
}

/**
 * Restart partition `slot`: a running one reboots as if it had asked (RTAS system-reboot), a
 * halted or crashed one is loaded again and started (the Chinese Wall asked again). Decided
 * StartPartition on its label.
 */
export function manageRestart(who: number, subject: number, slot: number): ManageStatus {
  if (slot < 0 || slot >= system.count) return ManageStatus.NoSuchPartition;
  const p = partitions[slot];
  const st = p.state;
  if (st !== LparState.Running && st !== LparState.Halted && st !== LparState.Crashed) return ManageStatus.WrongState;
  if (!securityActive() || !may(who, subject, Op.StartPartition, slot)) return ManageStatus.Denied;
  if (st === LparState.Running) {
    p.restartRequested = true;   // the run loop reboots it after its next exit (hv/launch.ts restartPartition)
    return ManageStatus.Ok;
  }
  rearmPartition(p);
  resetVirtualIo(p);
  if (!loadProgram(p)) {
    p.state = LparState.Halted;   // back where it was: nothing to run
    return ManageStatus.LoadFailed;
  }
  const s = startCreated(p);
  if (s !== ManageStatus.Ok) p.state = LparState.Halted;
  return s;
}

/** QUERY's flag bits (the low half of out[6]). */
export const MANAGE_FLAG_STOP = 1;
export const MANAGE_FLAG_SERVICE = 2;
export const MANAGE_FLAG_AUTOSTART = 4;

/** The words a query answers (out[0..QUERY_WORDS)). */
export const QUERY_WORDS = 8;

/**
 * Describe partition `slot` into out[0..QUERY_WORDS): state, memory MiB, vCPUs, entitlement
 * percent, hcalls, CPU time in microseconds, its LPID << 32 | flags (MANAGE_FLAG_*), and its
 * crash reason << 32 | halt status. A partition may query itself freely; another needs
 * ReadAudit on its label.
 */
export function manageQuery(who: number, subject: number, slot: number, out: BigUint64Array): ManageStatus {
  if (slot < 0 || slot >= system.count) return ManageStatus.NoSuchPartition;
  if (slot !== who && (!securityActive() || !may(who, subject, Op.ReadAudit, slot))) return ManageStatus.Denied;
  const p = partitions[slot];
  const empty = p.state === LparState.Empty;
  out[0] = BigInt(p.state);
  out[1] = empty ? 0n : p.memSize >> 20n;
  out[2] = BigInt(empty ? 0 : p.vcpuCount);
  out[3] = BigInt(empty ? system.partitions[slot].cpuShare : p.share);
  out[4] = BigInt(empty ? 0 : p.hcalls);
  out[5] = empty ? 0n : BigInt.asUintN(64, p.runTicks * 1000000n) / timebaseHz;
  let flags = 0;
  if (p.stopRequested) flags |= MANAGE_FLAG_STOP;
  if (system.partitions[slot].program === Program.Vtpm) flags |= MANAGE_FLAG_SERVICE;
  if (system.partitions[slot].autostart) flags |= MANAGE_FLAG_AUTOSTART;
  out[6] = BigInt.asUintN(64, (BigInt(slot + 1) << 32n) | BigInt(flags));
  out[7] = BigInt.asUintN(64, (BigInt(p.crash) << 32n) | (p.haltStatus & 0xffffffffn));
  return ManageStatus.Ok;
}

/**
 * The partitions' states, 4 bits per slot (slot i in bits 4i..4i+3, LparState values; the
 * configuration's slots only), into out[0]; out[1] = the number of slots; out[2] = KiB free in
 * the page pool (partition and page tables); out[3] = MiB of partition memory free. Decided
 * ReadAudit with no object.
 */
export function manageList(who: number, subject: number, out: BigUint64Array): ManageStatus {
  if (!securityActive() || !admitManagement(who, subject, Op.ReadAudit, NO_OBJECT)) return ManageStatus.Denied;
  let states: u64 = 0n;
  for (let i = 0; i < system.count && i < partitions.length; i++) {
    states |= BigInt.asUintN(64, BigInt(partitions[i].state) << BigInt(4 * i));
  }
  out[0] = states;
  out[1] = BigInt(system.count);
  out[2] = poolFree() >> 10n;
  out[3] = BigInt(regionsFreeMiB());
  return ManageStatus.Ok;
}

/** How SET_ENTITLEMENT changes the mode (ManageEntitlement values). */
export const enum EntitlementMode {
  /** Keep the partition's mode and weight. */
  Keep = 0,
  Capped = 1,
  /** Uncapped, with the weight given. */
  Uncapped = 2,
}

/**
 * Give partition `slot` (created, running or stopped) an entitlement of `share` percent of one
 * processor (1..100), capped or uncapped with `weight` (0..255) as `mode` says; the sum over all
 * partitions stays at most 100 (lpar/accounting.ts setEntitlement). Decided CreatePartition.
 */
export function manageSetEntitlement(who: number, subject: number, slot: number, share: number, mode: EntitlementMode, weight: number): ManageStatus {
  if (slot < 0 || slot >= system.count) return ManageStatus.NoSuchPartition;
  const p = partitions[slot];
  if (share < 1 || share > 100 || mode < EntitlementMode.Keep || mode > EntitlementMode.Uncapped || weight < 0 || weight > 255) {
    return ManageStatus.BadArgument;
  }
  if (p.state === LparState.Empty) return ManageStatus.WrongState;
  if (!securityActive() || !may(who, subject, Op.CreatePartition, slot)) return ManageStatus.Denied;
  const capped = mode === EntitlementMode.Keep ? p.capped : mode === EntitlementMode.Capped;
  const w = mode === EntitlementMode.Uncapped ? weight : p.weight;
  if (!setEntitlement(p, share, capped, w)) return ManageStatus.OverCommitted;
  say(p, 'entitlement now ');
  writeDecimal(share);
  writeLine(capped ? '%, capped' : '%, uncapped');
  return ManageStatus.Ok;
}

/**
 * The summary's line about run-time management (nothing when none happened):
 * `[hv] management: created C, destroyed D at run time; partition memory F MiB free of T; page pool P KiB free`.
 */
export function manageSummary(): void {
  if (createdAtRunTime === 0 && destroyedAtRunTime === 0) return;
  writeString('[hv] management: created ');
  writeDecimal(createdAtRunTime);
  writeString(', destroyed ');
  writeDecimal(destroyedAtRunTime);
  writeString(' at run time; partition memory ');
  writeDecimal(regionsFreeMiB());
  writeString(' MiB free of ');
  writeDecimal(regionsTotalMiB());
  writeString('; page pool ');
  writeDecimal(Number(poolFree() >> 10n));
  writeLine(' KiB free');
}
