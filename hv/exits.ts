/**
 * What the hypervisor does when a partition's vCPU stops running: dispatch an hcall, end the
 * time slice, or stop a partition that did something it must not (and say so on the console).
 */
import type { u64 } from 'tsnc';
import { dispatchHcall } from '../hcalls/dispatch';
import { consoleFinish } from '../lpar/console';
import { CrashReason, Partition, crashPartition } from '../lpar/partition';
import { Exit } from '../lpar/vcpu';
import { writeDecimal, writeHex, writeLine, writeString } from './console';

/** Interrupts that only mean "the hypervisor had something to do": the guest just resumes. */
const EXTERNAL = 0x500;
const HV_VIRTUALIZATION = 0xea0;

/** Handle one exit of partition `p` with interrupt vector `vector` (negative: entry refused). */
export function handleExit(p: Partition, vector: number): void {
  p.exits++;
  switch (vector) {
    case Exit.Hcall: dispatchHcall(p, p.vcpu); return;
    case Exit.Hdec: return;
    case EXTERNAL: case HV_VIRTUALIZATION: return;
    case Exit.Hemu: return stop(p, CrashReason.IllegalInstruction, vector);
    case Exit.Hdsi: case Exit.Hisi: return stop(p, CrashReason.StorageViolation, vector);
    case Exit.MachineCheck: return stop(p, CrashReason.MachineCheck, vector);
  }
  stop(p, CrashReason.UnexpectedExit, vector);
}

/** Stop `p` if it has used its CPU time limit; true if it was stopped. */
export function enforceTimeLimit(p: Partition): boolean {
  if (p.timeLimitTicks === 0n || p.runTicks < p.timeLimitTicks || !p.runnable()) return false;
  stop(p, CrashReason.TimeLimit, Exit.Hdec);
  return true;
}

function stop(p: Partition, reason: CrashReason, vector: number): void {
  const v = p.vcpu;
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
    default: writeString('unexpected exit');
  }
  writeString(' at nip 0x');
  writeHex(p.crashNip, 16);
  writeString(' (vector ');
  if (vector < 0) { writeString('entry refused, status '); writeDecimal(vector); }
  else { writeString('0x'); writeHex(BigInt(vector), 3); }
  writeLine(')');
}
