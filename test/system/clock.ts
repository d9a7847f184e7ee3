/**
 * The wall-clock checks of the system tests: QEMU is given a host time far from today
 * (`-rtc base=…`), and the time of day the hcall tour prints must be that time plus at most
 * the run's duration, so a 1970-based or hard-coded answer fails.
 */
import { expect } from 'chai';
import { Run, run, show } from './helpers';

/** The date the machine's clock starts from (UTC); QEMU's RTC runs on from it in host time. */
export const RTC_BASE = '2047-06-15T08:30:00';
/** The QEMU option that sets it (for scripts/run-image.sh's QEMU_EXTRA). */
export const RTC_OPTION = `-rtc base=${RTC_BASE}`;
/** Seconds since 1970 of RTC_BASE. */
export const RTC_BASE_SECONDS = Date.parse(`${RTC_BASE}Z`) / 1000;

/** A command's result with the host time (ms since 1970) before it started and after it ended. */
export interface TimedRun extends Run {
  startMs: number;
  endMs: number;
}

/** run() with the host time around it. */
export async function timedRun(cmd: string, args: string[], env: Record<string, string> = {}): Promise<TimedRun> {
  const startMs = Date.now();
  const r = await run(cmd, args, env);
  return { ...r, startMs, endMs: Date.now() };
}

/**
 * Seconds since 1970 of the time `name` (a partition, or `hv`) printed on a line
 * `[name] …<label>YYYY-MM-DD hh:mm:ss…` (UTC); fails the test when there is no such line.
 */
export function printedTime(out: string, name: string, label: string): number {
  const re = new RegExp(`^\\[${name}\\] .*${label}(\\d{4})-(\\d\\d)-(\\d\\d) (\\d\\d):(\\d\\d):(\\d\\d)(?!\\d)`, 'm');
  const m = re.exec(out);
  expect(m, `a '${label}' line from ${name}`).to.not.equal(null);
  const [year, month, day, hour, minute, second] = m!.slice(1).map(Number);
  return Date.UTC(year, month - 1, day, hour, minute, second) / 1000;
}

/**
 * Expect the time on `name`'s line with `label` to be the clock QEMU started at `baseSeconds`
 * (seconds since 1970) when the run began, read during the run: from baseSeconds to
 * baseSeconds plus the run's duration, a second of rounding either way.
 */
export function expectClock(r: TimedRun, name: string, label: string, baseSeconds: number): void {
  const got = printedTime(r.stdout, name, label);
  const lo = baseSeconds - 1, hi = baseSeconds + Math.ceil((r.endMs - r.startMs) / 1000) + 1;
  expect(got, `${new Date(got * 1000).toISOString()} within [${new Date(lo * 1000).toISOString()}, ` +
    `${new Date(hi * 1000).toISOString()}]\n${show(r)}`).to.be.within(lo, hi);
}

/**
 * The clock checks of one boot of the default configuration whose machine clock started at
 * `baseSeconds`: the hypervisor's boot line and the hcall tour's get-time-of-day (partition
 * `beta`) both read that clock, and the tour's set-time-of-day took effect.
 */
export function expectDefaultClocks(r: TimedRun, baseSeconds: number): void {
  expectClock(r, 'hv', 'wall clock: ', baseSeconds);
  expectClock(r, 'beta', 'time of day: ', baseSeconds);
  expect(r.stdout, show(r)).to.match(/^\[beta\] time of day after set: 2040-02-29 10:20:3[0-5]\r?$/m);
}
