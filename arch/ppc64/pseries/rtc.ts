/**
 * The pseries platform clock: L0's RTAS "get-time-of-day", called through QEMU's private hcall
 * KVMPPC_H_RTAS as platform.ts calls power-off (there is no RTAS blob to enter).
 *
 * QEMU 7.2 facts (hw/ppc/spapr_rtc.c, include/hw/ppc/spapr.h): the token is RTAS_TOKEN_BASE +
 * 1 = 0x2001 (also the /rtas "get-time-of-day" property); it wants 0 arguments and 8 returns
 * (otherwise status -3): status, year, month, day, hour, minute, second, nanoseconds. The time
 * is QEMU's RTC clock (`-rtc base=…` sets it; the host's UTC by default). The nanoseconds word
 * is the low 32 bits of the whole nanosecond count (`*ns = guest_ns`), not the fraction of the
 * second, so it is not used.
 */
import { rtasCall } from './rtas';

const RTAS_GET_TIME_OF_DAY = 0x2001;
const TOD_RETURNS = 8;
/** Index of the first return word (the status) in the buffer: token, nargs = 0, nret. */
const TOD_STATUS = 3;
/** Returns 1..6 are year, month, day, hour, minute, second: the order of api.ts's `out`. */
const TOD_FIELDS = 6;

/** RTAS argument buffer: token, nargs, nret, returns (big-endian 32-bit words). */
const todArgs = new Uint32Array(TOD_STATUS + TOD_RETURNS);

/**
 * Read L0's time of day into out[0..5] (year, month, day, hour, minute, second). False when the
 * hcall or the RTAS call fails (out unchanged).
 */
export function readPlatformClock(out: Int32Array): boolean {
  todArgs.fill(0);
  if (rtasCall(todArgs, RTAS_GET_TIME_OF_DAY, 0, TOD_RETURNS) !== 0) return false;
  for (let i = 0; i < TOD_FIELDS; i++) out[i] = todArgs[TOD_STATUS + 1 + i] | 0;
  return true;
}
