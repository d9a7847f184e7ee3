/**
 * RTAS services through H_RTAS (QEMU/KVM's private hcall 0xF000, kept so that a guest's RTAS
 * stub works unchanged): r4 is the partition address of an argument buffer
 * { be32 token, be32 nargs, be32 nret, be32 args[nargs], be32 rets[nret] }.
 * The tokens are lpar/devtree.ts's RtasToken (QEMU's numbering), published in each partition's
 * /rtas node; the services implemented here are the ones RTAS_DEFAULT_SERVICES offers.
 */
import type { u64 } from 'tsnc';
import { mftb } from 'tsnc';
import { civilFromDays, epochAt, nanosAt } from '../hv/time';
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

const ok = new Uint8Array(1);
const date = new Int32Array(3);

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

/** get-time-of-day: status, year, month, day, hour, minute, second, nanoseconds. */
function timeOfDay(p: Partition, rets: u64): number {
  const tb = mftb();
  const secs = epochAt(tb);
  const days = Number(secs / 86400n);
  const rest = Number(secs % 86400n);
  civilFromDays(days, date);
  guestStore32(p, rets, RTAS_OK);
  guestStore32(p, BigInt.asUintN(64, rets + 4n), date[0]);
  guestStore32(p, BigInt.asUintN(64, rets + 8n), date[1]);
  guestStore32(p, BigInt.asUintN(64, rets + 12n), date[2]);
  guestStore32(p, BigInt.asUintN(64, rets + 16n), Math.trunc(rest / 3600));
  guestStore32(p, BigInt.asUintN(64, rets + 20n), Math.trunc(rest / 60) % 60);
  guestStore32(p, BigInt.asUintN(64, rets + 24n), rest % 60);
  guestStore32(p, BigInt.asUintN(64, rets + 28n), nanosAt(tb));
  return H.SUCCESS;
}
