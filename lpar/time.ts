/**
 * Time: the timebase frequency (from the device tree) and the wall clock, kept as the time the
 * platform's real-time clock read at boot plus timebase ticks since; civil dates (proleptic
 * Gregorian, UTC) both ways.
 *
 * The clock is read once (startWallClock, from boot's readMachine). A platform that has no clock
 * it can read, or one that answers something that is not a date, leaves the wall clock at
 * 1970-01-01 00:00:00 at boot, and printWallClock says so on the console.
 */
import type { u64 } from 'tsnc';
import { readPlatformClock } from '@platform';
import { writeDecimal, writeLine, writeString } from './console';

/** Timebase ticks per second (POWER9/10: 512 MHz; replaced from the device tree at boot). */
export let timebaseHz: u64 = 512000000n;
/** Seconds since 1970-01-01 00:00 UTC at timebase value `bootTimebase`. */
let bootEpoch: u64 = 0n;
let bootTimebase: u64 = 0n;

/** Fields of a civil date and time: indices into an Int32Array of CIVIL_FIELDS numbers. */
export const enum Civil {
  Year = 0,
  /** 1..12 */
  Month = 1,
  /** 1..31 */
  Day = 2,
  Hour = 3,
  Minute = 4,
  Second = 5,
}
export const CIVIL_FIELDS = 6;
/** The years a civil date may name: from the Unix epoch to the last four-digit year. */
export const MIN_YEAR = 1970;
export const MAX_YEAR = 9999;

/** Where the wall clock came from at boot. */
export const enum ClockSource {
  /** Not read yet, or the platform has no clock it can read: 1970 plus uptime. */
  None = 0,
  /** The platform's real-time clock. */
  Platform = 1,
  /** The platform's clock answered something that is not a date: 1970 plus uptime. */
  Invalid = 2,
}
let source: ClockSource = ClockSource.None;

/** What the platform clock answered at boot (printed by printWallClock). */
const bootCivil = new Int32Array(CIVIL_FIELDS);
const DAYS_IN_MONTH = new Int32Array([31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]);

/** Set the timebase frequency (ignored when 0). */
export function setTimebaseHz(hz: u64): void {
  if (hz !== 0n) timebaseHz = hz;
}

/** Declare that the wall clock read `epochSeconds` when the timebase read `tb`. */
export function setWallClock(epochSeconds: u64, tb: u64): void {
  bootEpoch = epochSeconds;
  bootTimebase = tb;
}

/**
 * Read the platform's real-time clock and start the wall clock from it at timebase value `tb`
 * (read just before). Returns true when the platform gave a valid date; otherwise the wall
 * clock starts at 1970-01-01 00:00:00 at `tb` and wallClockSource() tells why.
 */
export function startWallClock(tb: u64): boolean {
  bootCivil.fill(0);
  if (!readPlatformClock(bootCivil)) {
    source = ClockSource.None;
    setWallClock(0n, tb);
    return false;
  }
  if (!validCivil(bootCivil)) {
    source = ClockSource.Invalid;
    setWallClock(0n, tb);
    return false;
  }
  source = ClockSource.Platform;
  setWallClock(epochFromCivil(bootCivil), tb);
  return true;
}

/** Where the wall clock came from (ClockSource.None until startWallClock has run). */
export function wallClockSource(): ClockSource {
  return source;
}

/**
 * Print one `[hv] wall clock: …` line: the date and time read at boot, or why partitions see
 * 1970 plus uptime instead.
 */
export function printWallClock(): void {
  writeString('[hv] wall clock: ');
  if (source === ClockSource.Platform) {
    writeCivil(bootCivil);
    writeLine(' UTC at boot, from the platform clock');
    return;
  }
  if (source === ClockSource.Invalid) {
    writeString('the platform clock read ');
    writeCivil(bootCivil);
    writeString(', not a date');
  } else {
    writeString('the platform has no clock it can read');
  }
  writeLine('; starting from 1970-01-01 00:00:00 at boot');
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

/** True for the leap years of the Gregorian calendar. */
export function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

/** Days in `month` (1..12) of `year`; 0 for a month outside 1..12. */
export function daysInMonth(year: number, month: number): number {
  if (month < 1 || month > 12) return 0;
  return month === 2 && isLeapYear(year) ? 29 : DAYS_IN_MONTH[month - 1];
}

/**
 * True when t[0..5] (Civil) is a date and time from 1970-01-01 00:00:00 to 9999-12-31 23:59:59:
 * a real day of its month (February 29 only in leap years), hours 0..23, minutes and seconds
 * 0..59 (no leap second).
 */
export function validCivil(t: Int32Array): boolean {
  const year = t[Civil.Year];
  if (year < MIN_YEAR || year > MAX_YEAR) return false;
  const day = t[Civil.Day];
  if (day < 1 || day > daysInMonth(year, t[Civil.Month])) return false;
  return t[Civil.Hour] >= 0 && t[Civil.Hour] <= 23 && t[Civil.Minute] >= 0 && t[Civil.Minute] <= 59 &&
    t[Civil.Second] >= 0 && t[Civil.Second] <= 59;
}

/**
 * Days from 1970-01-01 to `year`-`month`-`day` (proleptic Gregorian; negative before 1970).
 * **Promise:** month in 1..12.
 */
export function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;                                      // year of the era, 0..399
  const mp = month > 2 ? month - 3 : month + 9;                   // months since March
  const doy = Math.trunc((153 * mp + 2) / 5) + day - 1;           // day of the year from March 1
  const doe = yoe * 365 + Math.trunc(yoe / 4) - Math.trunc(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

/** Seconds since 1970 of the civil date and time t[0..5]. **Promise:** validCivil(t). */
export function epochFromCivil(t: Int32Array): u64 {
  const days = daysFromCivil(t[Civil.Year], t[Civil.Month], t[Civil.Day]);
  return BigInt(days * 86400 + t[Civil.Hour] * 3600 + t[Civil.Minute] * 60 + t[Civil.Second]);
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

/**
 * The civil date and time (Civil fields, out[0..5]) of `secs` seconds since 1970.
 * **Promise:** secs / 86400 below 2^53 (any year a number can hold).
 */
export function civilFromEpoch(secs: u64, out: Int32Array): void {
  civilFromDays(Number(secs / 86400n), out);
  const rest = Number(secs % 86400n);
  out[Civil.Hour] = Math.trunc(rest / 3600);
  out[Civil.Minute] = Math.trunc(rest / 60) % 60;
  out[Civil.Second] = rest % 60;
}

/** Write t[0..5] as `YYYY-MM-DD hh:mm:ss` (fields zero-padded; a negative field as it is). */
export function writeCivil(t: Int32Array): void {
  writePadded(t[Civil.Year], 4);
  writeString('-');
  writePadded(t[Civil.Month], 2);
  writeString('-');
  writePadded(t[Civil.Day], 2);
  writeString(' ');
  writePadded(t[Civil.Hour], 2);
  writeString(':');
  writePadded(t[Civil.Minute], 2);
  writeString(':');
  writePadded(t[Civil.Second], 2);
}

/** `value` in decimal, with leading zeros up to `width` digits when it is not negative. */
function writePadded(value: number, width: number): void {
  let limit = 1;
  for (let i = 1; i < width; i++) {
    limit *= 10;
    if (value >= 0 && value < limit) writeString('0');
  }
  writeDecimal(value);
}
