/**
 * Time: the timebase frequency (from the device tree) and the wall clock, kept as the time at
 * boot plus timebase ticks since.
 */
import type { u64 } from 'tsnc';

/** Timebase ticks per second (POWER9/10: 512 MHz; replaced from the device tree at boot). */
export let timebaseHz: u64 = 512000000n;
/** Seconds since 1970-01-01 00:00 UTC at timebase value `bootTimebase`. */
let bootEpoch: u64 = 0n;
let bootTimebase: u64 = 0n;

/** Set the timebase frequency (ignored when 0). */
export function setTimebaseHz(hz: u64): void {
  if (hz !== 0n) timebaseHz = hz;
}

/** Declare that the wall clock read `epochSeconds` when the timebase read `tb`. */
export function setWallClock(epochSeconds: u64, tb: u64): void {
  bootEpoch = epochSeconds;
  bootTimebase = tb;
}

/** Seconds since 1970 at timebase value `tb`. */
export function epochAt(tb: u64): u64 {
  return BigInt.asUintN(64, bootEpoch + BigInt.asUintN(64, tb - bootTimebase) / timebaseHz);
}

/** Nanoseconds within the second at timebase value `tb`. */
export function nanosAt(tb: u64): number {
  const ticks = BigInt.asUintN(64, tb - bootTimebase) % timebaseHz;
  return Number(BigInt.asUintN(64, ticks * 1000000000n) / timebaseHz);
}

/**
 * The civil date of a day count since 1970-01-01 (proleptic Gregorian), written to
 * out[0..2] = year, month (1..12), day (1..31). Valid for the whole u64 range of seconds/86400
 * that fits a number.
 */
export function civilFromDays(days: number, out: Int32Array): void {
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.trunc((doe - Math.trunc(doe / 1460) + Math.trunc(doe / 36524) - Math.trunc(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.trunc(yoe / 4) - Math.trunc(yoe / 100));
  const mp = Math.trunc((5 * doy + 2) / 153);
  const day = doy - Math.trunc((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  out[0] = yoe + era * 400 + (month <= 2 ? 1 : 0);
  out[1] = month;
  out[2] = day;
}
