/**
 * RTAS services through H_RTAS (QEMU/KVM's private hcall 0xF000, kept so that a guest's RTAS
 * stub works unchanged): r4 is the partition address of an argument buffer
 * { be32 token, be32 nargs, be32 nret, be32 args[nargs], be32 rets[nret] }.
 * The tokens are lpar/devtree.ts's RtasToken (QEMU's numbering), published in each partition's
 * /rtas node; the services implemented here are the ones RTAS_DEFAULT_SERVICES offers.
 *
 * Statuses: a buffer that cannot be read, an unknown token or a wrong argument or result count
 * gets H_PARAMETER (and RTAS status -3 when there is a result word); a call RTAS understood but
 * refuses, such as set-time-of-day with a date that does not exist, gets H_SUCCESS with RTAS
 * status -3 in its first result, as under QEMU.
 *
 * Time of day: a partition's time is the hypervisor's wall clock (hv/time.ts: the platform's
 * clock at boot plus timebase ticks) plus its own offset, Partition.clockOffset, which only
 * set-time-of-day changes; one partition setting its clock leaves every other one's alone.
 */
import type { u64 } from 'tsnc';
import { mftb } from 'tsnc';
import { CIVIL_FIELDS, civilFromEpoch, epochAt, epochFromCivil, nanosAt, validCivil } from '../lpar/time';
import { consoleByte, consoleFinish, writeByte, writeLine, writeString } from '../lpar/console';
import { guestLoad8, guestLoad32, guestStore32, realAddress, NO_ADDRESS } from '../lpar/memory';
import { CrashReason, Partition, crashPartition, haltPartition } from '../lpar/partition';
import { PRIORITY_NONE } from '../lpar/xics';
import type { Vcpu } from '../lpar/vcpu';
import { RtasToken } from '../lpar/devtree';
import { H } from './status';

/** RTAS status words (PAPR): success, hardware error, parameter error. */
const RTAS_OK = 0;
const RTAS_HARDWARE_ERROR = -1;
const RTAS_PARAMETER_ERROR = -3;
/** The RTAS status of a call or parameter not offered (PAPR; QEMU RTAS_OUT_NOT_SUPPORTED). */
const RTAS_NOT_SUPPORTED = -3;
/** query-cpu-stopped-state's answers. */
const CPU_STOPPED = 0;
const CPU_RUNNING = 2;
/** Most arguments or results an RTAS call may declare. */
const MAX_CELLS = 16;

/** set-time-of-day's seventh argument, nanoseconds, is below this. */
const NANOS_PER_SECOND = 1000000000;

const ok = new Uint8Array(1);
const date = new Int32Array(CIVIL_FIELDS);

/**
 * H_RTAS(args r4).
 * @noinline out of line, so that the hot dispatch path does not pay for its registers
 */
export function hRtas(p: Partition, v: Vcpu): number {
  const buf = v.gpr[4];
  ok[0] = 1;
  const token = guestLoad32(p, buf, ok);
  const nargs = guestLoad32(p, BigInt.asUintN(64, buf + 4n), ok);
  const nret = guestLoad32(p, BigInt.asUintN(64, buf + 8n), ok);
  if (ok[0] === 0 || nargs > MAX_CELLS || nret > MAX_CELLS || nret < 1) return H.PARAMETER;
  if (realAddress(p, buf, 12 + 4 * (nargs + nret)) === NO_ADDRESS) return H.PARAMETER;
  const args: u64 = BigInt.asUintN(64, buf + 12n);
  const rets: u64 = BigInt.asUintN(64, args + BigInt(4 * nargs));
  switch (token) {
    case RtasToken.DisplayCharacter:
      if (nargs !== 1) return fail(p, rets);
      consoleByte(p, guestLoad32(p, args, ok));
      return done(p, rets, RTAS_OK);
    case RtasToken.GetTimeOfDay:
      if (nargs !== 0 || nret !== 8) return fail(p, rets);
      return timeOfDay(p, rets);
    case RtasToken.SetTimeOfDay:
      if (nargs !== 7 || nret !== 1) return fail(p, rets);
      return setTimeOfDay(p, args, rets);
    case RtasToken.PowerOff:
      if (nargs !== 2) return fail(p, rets);
      guestStore32(p, rets, RTAS_OK);
      consoleFinish(p);
      haltPartition(p, 0n);
      return H.SUCCESS;
    case RtasToken.SystemReboot:
      if (nargs !== 0) return fail(p, rets);
      guestStore32(p, rets, RTAS_OK);
      consoleFinish(p);
      p.restartRequested = true;   // the run loop restarts it after this call (hv/launch.ts restartPartition)
      return H.SUCCESS;
    case RtasToken.IbmOsTerm:
      if (nargs !== 1) return fail(p, rets);
      return osTerm(p, args, rets);
    case RtasToken.GetSystemParameter:
      if (nargs !== 3 || nret !== 1) return fail(p, rets);
      return done(p, rets, RTAS_NOT_SUPPORTED);   // no system parameter is offered (yet)
    case RtasToken.QueryCpuStoppedState:
      if (nargs !== 1 || nret !== 2) return fail(p, rets);
      return queryCpu(p, args, rets);
    case RtasToken.StartCpu:
      if (nargs !== 3 || nret !== 1) return fail(p, rets);
      return startCpu(p, args, rets);
    case RtasToken.StopSelf:
      if (nargs !== 0 || nret !== 1) return fail(p, rets);
      v.started = false;
      v.yielded = true;
      return H.SUCCESS;
    case RtasToken.SetXive:
      if (nargs !== 3 || nret !== 1) return fail(p, rets);
      return setXive(p, args, rets);
    case RtasToken.GetXive:
      if (nargs !== 1 || nret !== 3) return fail(p, rets);
      return getXive(p, args, rets);
    case RtasToken.IntOff:
    case RtasToken.IntOn:
      if (nargs !== 1 || nret !== 1) return fail(p, rets);
      return intOnOff(p, args, rets, token === RtasToken.IntOn);
  }
  return fail(p, rets);
}

/** The source index (lpar/xics.ts) named by argument word `at`, or -1. */
function sourceArg(p: Partition, at: u64): number {
  return p.xics.sourceIndex(guestLoad32(p, at, ok));
}

/** ibm,set-xive(irq, server, priority): route a source (priority 0xff masks it). */
function setXive(p: Partition, args: u64, rets: u64): number {
  const i = sourceArg(p, args);
  const server = guestLoad32(p, BigInt.asUintN(64, args + 4n), ok);
  const priority = guestLoad32(p, BigInt.asUintN(64, args + 8n), ok);
  if (i < 0 || !p.xics.validServer(BigInt(server)) || priority > PRIORITY_NONE) return done(p, rets, RTAS_PARAMETER_ERROR);
  p.xics.setXive(i, server, priority);
  return done(p, rets, RTAS_OK);
}

/** ibm,get-xive(irq) -> status, server, priority. */
function getXive(p: Partition, args: u64, rets: u64): number {
  const i = sourceArg(p, args);
  if (i < 0) return done(p, rets, RTAS_PARAMETER_ERROR);
  guestStore32(p, BigInt.asUintN(64, rets + 4n), p.xics.server[i]);
  guestStore32(p, BigInt.asUintN(64, rets + 8n), p.xics.priority[i]);
  return done(p, rets, RTAS_OK);
}

/** ibm,int-off(irq) / ibm,int-on(irq): mask a source, or unmask it at its saved priority. */
function intOnOff(p: Partition, args: u64, rets: u64, on: boolean): number {
  const i = sourceArg(p, args);
  if (i < 0) return done(p, rets, RTAS_PARAMETER_ERROR);
  if (on) p.xics.intOn(i);
  else p.xics.intOff(i);
  return done(p, rets, RTAS_OK);
}

/** query-cpu-stopped-state(cpu) -> status, state (0 stopped, 2 running). */
function queryCpu(p: Partition, args: u64, rets: u64): number {
  const cpu = guestLoad32(p, args, ok);
  if (cpu >= p.vcpuCount) return done(p, rets, RTAS_PARAMETER_ERROR);
  guestStore32(p, BigInt.asUintN(64, rets + 4n), p.vcpus[cpu].started ? CPU_RUNNING : CPU_STOPPED);
  return done(p, rets, RTAS_OK);
}

/**
 * start-cpu(cpu, start, r3): start a stopped vCPU of the partition at `start` (real mode,
 * 64-bit, big-endian as PAPR enters secondaries; the partition's interrupt byte order and
 * AIL) with r3 = the argument. A running vCPU is a hardware error, as under QEMU.
 */
function startCpu(p: Partition, args: u64, rets: u64): number {
  const cpu = guestLoad32(p, args, ok);
  const start = guestLoad32(p, BigInt.asUintN(64, args + 4n), ok);
  const r3 = guestLoad32(p, BigInt.asUintN(64, args + 8n), ok);
  if (cpu >= p.vcpuCount || BigInt(start) >= p.memSize) return done(p, rets, RTAS_PARAMETER_ERROR);
  const target = p.vcpus[cpu];
  if (target.started) return done(p, rets, RTAS_HARDWARE_ERROR);
  const le = p.vcpu.littleEndian, ail = p.vcpu.ail;
  target.reset(BigInt(start), BigInt(r3), 0n);
  target.littleEndian = le;
  target.ail = ail;
  return done(p, rets, RTAS_OK);
}

/** Longest ibm,os-term message printed. */
const OS_TERM_MAX = 200;

/**
 * ibm,os-term(message): the operating system gave up (Linux calls it from panic()). The
 * message (a NUL-terminated string in the partition) is printed on the hypervisor's line, and
 * the partition is stopped and reported; the others carry on.
 */
function osTerm(p: Partition, args: u64, rets: u64): number {
  const msg: u64 = BigInt(guestLoad32(p, args, ok));
  guestStore32(p, rets, RTAS_OK);
  consoleFinish(p);
  writeString("[hv] partition '");
  writeString(p.name);
  writeString("' os-term: ");
  for (let i = 0; i < OS_TERM_MAX; i++) {
    const c = guestLoad8(p, BigInt.asUintN(64, msg + BigInt(i)), ok);
    if (ok[0] === 0 || c === 0) break;
    if (c >= 0x20 && c < 0x7f) writeByte(c);
  }
  writeLine('');
  crashPartition(p, CrashReason.OsTerm, p.current.nip, 0n);
  return H.SUCCESS;
}

function done(p: Partition, rets: u64, status: number): number {
  guestStore32(p, rets, status);
  return H.SUCCESS;
}

function fail(p: Partition, rets: u64): number {
  guestStore32(p, rets, RTAS_PARAMETER_ERROR);
  return H.PARAMETER;
}

/** Partition p's time of day at timebase value `tb`: seconds since 1970. */
function partitionEpoch(p: Partition, tb: u64): u64 {
  return BigInt.asUintN(64, epochAt(tb) + p.clockOffset);
}

/**
 * get-time-of-day: status, year, month, day, hour, minute, second, nanoseconds of the
 * partition's clock.
 */
function timeOfDay(p: Partition, rets: u64): number {
  const tb = mftb();
  civilFromEpoch(partitionEpoch(p, tb), date);
  guestStore32(p, rets, RTAS_OK);
  for (let i = 0; i < CIVIL_FIELDS; i++) guestStore32(p, BigInt.asUintN(64, rets + BigInt(4 + 4 * i)), date[i]);
  guestStore32(p, BigInt.asUintN(64, rets + 28n), nanosAt(tb));
  return H.SUCCESS;
}

/**
 * set-time-of-day(year, month, day, hour, minute, second, nanoseconds): the partition's clock
 * reads that time from now on. A date or time that does not exist (hv/time.ts validCivil: years
 * 1970..9999, no leap second) or nanoseconds of a second or more get RTAS status -3 and change
 * nothing. The clock keeps whole seconds: within the second it ticks with the hypervisor's, so
 * the nanoseconds argument is checked but not kept (QEMU's spapr ignores it too).
 */
function setTimeOfDay(p: Partition, args: u64, rets: u64): number {
  for (let i = 0; i < CIVIL_FIELDS; i++) date[i] = guestLoad32(p, BigInt.asUintN(64, args + BigInt(4 * i)), ok);
  const nanos = guestLoad32(p, BigInt.asUintN(64, args + 24n), ok);
  if (!validCivil(date) || nanos >= NANOS_PER_SECOND) return done(p, rets, RTAS_PARAMETER_ERROR);
  p.clockOffset = BigInt.asUintN(64, epochFromCivil(date) - epochAt(mftb()));
  return done(p, rets, RTAS_OK);
}
