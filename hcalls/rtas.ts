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
import { consoleByte, consoleFinish } from '../lpar/console';
import { guestLoad32, guestStore32, realAddress, NO_ADDRESS } from '../lpar/memory';
import { Partition, haltPartition } from '../lpar/partition';
import type { Vcpu } from '../lpar/vcpu';
import { RtasToken } from '../lpar/devtree';
import { H } from './status';

/** RTAS status words (PAPR): success, hardware error, parameter error. */
const RTAS_OK = 0;
const RTAS_PARAMETER_ERROR = -3;
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
  }
  return fail(p, rets);
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
