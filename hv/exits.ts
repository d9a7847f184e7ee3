/**
 * What the hypervisor does when a partition's vCPU stops running: dispatch an hcall, end the
 * time slice, service an interrupt that is the hypervisor's own (and let the partition go on),
 * or stop a partition that did something it must not (and say so on the console).
 */
import type { u64 } from 'tsnc';
import { serviceInterrupt } from '@platform';
import { dispatchFast, dispatchHcall } from './dispatch';
import { consoleFinish } from '../lpar/console';
import { CrashReason, Partition, crashPartition } from '../lpar/partition';
import { Exit } from '../arch/ppc64/exit';
import { GuestVector, SRR1_PROGRAM_ILLEGAL, guestVectorAddress, injectInterrupt } from '../arch/ppc64/inject';
import { writeDecimal, writeHex, writeLine, writeString } from '../lpar/console';

/** Interrupts the hypervisor serviced for itself while partitions ran, by kind (the index into hvInterrupts). */
export const enum HvInterrupt {
  External = 0,
  Maintenance = 1,
  Doorbell = 2,
}
/** Serviced interrupts so far, by HvInterrupt, for the shutdown summary. */
export const hvInterrupts = new Uint32Array(3);
/** The first few of each kind are logged with what the source reported; then only counted. */
const LOGGED_PER_KIND = 4;

/**
 * The hcall fast path (hv/main.ts hvHcallFastPath, called by the platforms' exit code): count
 * the exit, dispatch the hcall partition `p`'s vCPU made, and say whether the vCPU may go on at
 * once (true) or must go back to the scheduler (false: it halted, crashed, ceded or conferred,
 * or its translation changed and the platform must apply that before it runs on).
 * Only r3..r12 and the MSR of the vCPU are current when this runs (hcalls/dispatch.ts).
 */
export function fastHcall(p: Partition): boolean {
  const v = p.current;
  p.exits++;
  p.translationChanged = false;
  if (!dispatchFast(p, v)) {
    v.hcallDeferred = true;   // needs the whole state: handleExit dispatches it
    return false;
  }
  return p.runnable() && !v.ceded && !v.yielded && !p.translationChanged && !v.stateChanged;
}

/** Exits that came back to the scheduler, by kind (the fast path's hcalls are the rest). */
export const enum ExitKind {
  /** An hcall dispatched with the vCPU's whole state (HcallRow.fast = Fast.No, or no fast path). */
  SlowHcall = 0,
  Hdec = 1,
  HvInterrupt = 2,
  /** An instruction or facility the partition may not use: a program interrupt given. */
  Program = 3,
  Storage = 4,
  Other = 5,
}
/** Exits by ExitKind, all partitions, for the shutdown summary (`[hv] exits: ...`). */
export const exitKinds = new Uint32Array(6);

/** The kind of an exit vector that came back to the scheduler. */
function kindOf(vector: number): ExitKind {
  switch (vector) {
    case Exit.Hcall: case Exit.HcallHandled: return ExitKind.SlowHcall;
    case Exit.Hdec: return ExitKind.Hdec;
    case Exit.External: case Exit.HvVirtualization: case Exit.Hmi: case Exit.HvDoorbell: return ExitKind.HvInterrupt;
    case Exit.Hemu: case Exit.HvFacility: return ExitKind.Program;
    case Exit.Hdsi: case Exit.Hisi: return ExitKind.Storage;
  }
  return ExitKind.Other;
}

/** Handle one exit of partition `p` with interrupt vector `vector` (negative: entry refused). */
export function handleExit(p: Partition, vector: number): void {
  const v = p.current;
  v.stateChanged = false;
  if (vector === Exit.HcallHandled) {   // counted on the fast path, dispatched there unless deferred
    if (v.hcallDeferred) {
      v.hcallDeferred = false;
      exitKinds[ExitKind.SlowHcall]++;
      dispatchHcall(p, v);
    }
    return;
  }
  p.exits++;
  exitKinds[kindOf(vector)]++;
  switch (vector) {
    case Exit.Hcall: dispatchHcall(p, v); return;
    case Exit.Hdec: return;
    case Exit.External: case Exit.HvVirtualization: return service(vector, HvInterrupt.External);
    case Exit.Hmi: return service(vector, HvInterrupt.Maintenance);
    case Exit.HvDoorbell: return service(vector, HvInterrupt.Doorbell);
    case Exit.Hemu: return programInterrupt(p, vector);
    case Exit.Hdsi: case Exit.Hisi: return stop(p, CrashReason.StorageViolation, vector);
    case Exit.HvFacility: return programInterrupt(p, vector);
    case Exit.MachineCheck: return stop(p, CrashReason.MachineCheck, vector);
  }
  stop(p, CrashReason.UnexpectedExit, vector);
}

/** Service an interrupt that is the hypervisor's (the platform acknowledges it); log the first few. */
function service(vector: number, kind: HvInterrupt): void {
  const cause: u64 = serviceInterrupt(vector);
  hvInterrupts[kind]++;
  if (hvInterrupts[kind] > LOGGED_PER_KIND) return;
  writeString('[hv] interrupt 0x');
  writeVector(vector);
  writeString(' for the hypervisor serviced (source reported 0x');
  writeHex(cause, 16);
  writeLine('); the partition resumes');
}

/**
 * An instruction the partition may not execute (emulation assistance: illegal, or privileged
 * beyond what a partition is given; hypervisor facility unavailable: a facility HFSCR does not
 * give partitions): the vCPU takes the program interrupt a processor of its own would raise
 * for an illegal instruction (SRR1 bit 44), so its operating system handles it, as KVM does.
 * Only when the instruction is at the very vector it would go to (no handler is there: it
 * would loop) is the partition stopped and reported.
 */
function programInterrupt(p: Partition, vector: number): void {
  const v = p.current;
  if (v.nip === guestVectorAddress(v, GuestVector.Program)) {
    stop(p, vector === Exit.HvFacility ? CrashReason.FacilityUnavailable : CrashReason.IllegalInstruction, vector);
    return;
  }
  injectInterrupt(v, GuestVector.Program, SRR1_PROGRAM_ILLEGAL);
  programInterrupts++;
}
/** Program interrupts given to partitions for instructions they may not execute. */
export let programInterrupts = 0;

/** Stop `p` if it has used its CPU time limit; true if it was stopped. */
export function enforceTimeLimit(p: Partition): boolean {
  if (p.timeLimitTicks === 0n || p.runTicks < p.timeLimitTicks || !p.runnable()) return false;
  stop(p, CrashReason.TimeLimit, Exit.Hdec);
  return true;
}

function stop(p: Partition, reason: CrashReason, vector: number): void {
  const v = p.current;
  const addr: u64 = reason === CrashReason.StorageViolation ? (vector === Exit.Hdsi ? v.hdar : v.nip) : 0n;
  consoleFinish(p);
  crashPartition(p, reason, v.nip, addr);
  reportCrash(p, vector);
}

/** `[hv] partition 'x' crashed: <reason> at 0x… (vector 0x…)`. */
export function reportCrash(p: Partition, vector: number): void {
  writeString("[hv] partition '");
  writeString(p.name);
  writeString(p.crash === CrashReason.TimeLimit ? "' stopped: " : "' crashed: ");
  switch (p.crash) {
    case CrashReason.IllegalInstruction: writeString('illegal instruction'); break;
    case CrashReason.StorageViolation:
      writeString('access outside its memory to 0x');
      writeHex(p.crashAddr, 16);
      break;
    case CrashReason.MachineCheck: writeString('machine check'); break;
    case CrashReason.TimeLimit: writeString('CPU time limit reached'); break;
    case CrashReason.FacilityUnavailable: writeString('used a facility partitions are not given'); break;
    case CrashReason.OsTerm: writeString('its operating system terminated (ibm,os-term)'); break;
    default: writeString('unexpected exit');
  }
  writeString(' at nip 0x');
  writeHex(p.crashNip, 16);
  writeString(' (vector ');
  if (vector < 0) { writeString('entry refused, status '); writeDecimal(vector); }
  else { writeString('0x'); writeVector(vector); }
  writeLine(')');
}

/** An interrupt vector in hexadecimal: three digits, four from 0x1000 on. */
function writeVector(vector: number): void {
  writeHex(BigInt(vector), vector < 0x1000 ? 3 : 4);
}

/**
 * `[hv] exits: N in all, N hcalls on the fast path, N hcalls with the full state, N time slices
 * ended, N hypervisor interrupts, N program interrupts given, N storage, N other` for the
 * shutdown summary: what to make faster.
 */
export function exitSummary(totalExits: number): void {
  let scheduled = 0;
  for (let i = 0; i < exitKinds.length; i++) scheduled += exitKinds[i];
  writeString('[hv] exits: ');
  writeDecimal(totalExits);
  writeString(' in all, ');
  writeDecimal(Math.max(0, totalExits - scheduled));
  writeString(' hcalls on the fast path, ');
  writeDecimal(exitKinds[ExitKind.SlowHcall]);
  writeString(' hcalls with the full state, ');
  writeDecimal(exitKinds[ExitKind.Hdec]);
  writeString(' time slices ended, ');
  writeDecimal(exitKinds[ExitKind.HvInterrupt]);
  writeString(' hypervisor interrupts, ');
  writeDecimal(exitKinds[ExitKind.Program]);
  writeString(' program interrupts given, ');
  writeDecimal(exitKinds[ExitKind.Storage]);
  writeString(' storage, ');
  writeDecimal(exitKinds[ExitKind.Other]);
  writeLine(' other');
}

/** `[hv] hypervisor interrupts: …` for the shutdown summary, when there were any. */
export function interruptSummary(): void {
  if (hvInterrupts[HvInterrupt.External] + hvInterrupts[HvInterrupt.Maintenance] + hvInterrupts[HvInterrupt.Doorbell] === 0) return;
  writeString('[hv] interrupts serviced for the hypervisor: ');
  writeDecimal(hvInterrupts[HvInterrupt.External]);
  writeString(' external, ');
  writeDecimal(hvInterrupts[HvInterrupt.Maintenance]);
  writeString(' maintenance, ');
  writeDecimal(hvInterrupts[HvInterrupt.Doorbell]);
  writeLine(' doorbell');
}
