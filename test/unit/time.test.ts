/**
 * hv/time.ts: civil dates both ways (checked against JavaScript's Date.UTC), date validation,
 * and the wall clock started from the platform's clock at boot, with the fallback to 1970 when
 * the platform has none or answers something that is not a date. "@platform" is the fake,
 * whose clock the test sets (setPlatformClock).
 */
import { expect } from 'chai';
import { host } from 'tsnc/host';
import { consoleText, resetPlatform, setPlatformClock } from '../fake/platform';
import {
  ClockSource, civilFromDays, civilFromEpoch, daysFromCivil, daysInMonth, epochAt, epochFromCivil, nanosAt,
  printWallClock, setWallClock, startWallClock, validCivil, wallClockSource, writeCivil,
} from '../../lpar/time';

const TB_HZ = 512000000n;
const DAY_MS = 86400000;

/** The six Civil fields of a Date, in UTC. */
function fieldsOf(d: Date): number[] {
  return [d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate(), d.getUTCHours(), d.getUTCMinutes(), d.getUTCSeconds()];
}

function civil(fields: number[]): Int32Array {
  return Int32Array.from(fields);
}

describe('hv/time: civil dates', () => {
  beforeEach(resetPlatform);

  it('daysFromCivil: the epoch, leap days, century years and the last four-digit day', () => {
    expect(daysFromCivil(1970, 1, 1)).to.equal(0);
    expect(daysFromCivil(1969, 12, 31)).to.equal(-1);
    expect(daysFromCivil(2000, 2, 29)).to.equal(Date.UTC(2000, 1, 29) / DAY_MS);
    expect(daysFromCivil(2000, 3, 1)).to.equal(11017);
    expect(daysFromCivil(2100, 3, 1) - daysFromCivil(2100, 2, 28)).to.equal(1);
    expect(daysFromCivil(2040, 2, 29)).to.equal(Date.UTC(2040, 1, 29) / DAY_MS);
    expect(daysFromCivil(9999, 12, 31)).to.equal(2932896);
  });

  it('civilFromDays and daysFromCivil: inverse of each other and equal to Date.UTC from 1970 to 9999', () => {
    const out = new Int32Array(3);
    const last = daysFromCivil(9999, 12, 31);
    for (let days = 0; days <= last; days += days < 25000 ? 1 : 61) {
      civilFromDays(days, out);
      const d = new Date(days * DAY_MS);
      expect([out[0], out[1], out[2]], `day ${days}`).to.deep.equal(fieldsOf(d).slice(0, 3));
      expect(daysFromCivil(out[0], out[1], out[2]), `day ${days}`).to.equal(days);
    }
  });

  it('epochFromCivil and civilFromEpoch: seconds both ways agree with Date.UTC', () => {
    const out = new Int32Array(6);
    let x = 0x2545f491;
    for (let i = 0; i < 5000; i++) {
      x = (Math.imul(x, 1103515245) + 12345) >>> 0;
      const secs = (x * 61) % 253402300800;   // up to 9999-12-31 23:59:59
      civilFromEpoch(BigInt(secs), out);
      expect(Array.from(out), `${secs}`).to.deep.equal(fieldsOf(new Date(secs * 1000)));
      expect(epochFromCivil(out), `${secs}`).to.equal(BigInt(secs));
    }
    expect(epochFromCivil(civil([2047, 6, 15, 8, 30, 0]))).to.equal(BigInt(Date.UTC(2047, 5, 15, 8, 30) / 1000));
  });

  it('validCivil: accepts real dates from 1970 to 9999, leap days only in leap years', () => {
    for (const ok of [[1970, 1, 1, 0, 0, 0], [2000, 2, 29, 12, 0, 0], [2040, 2, 29, 23, 59, 59], [9999, 12, 31, 23, 59, 59],
      [2031, 4, 30, 0, 0, 0]]) {
      expect(validCivil(civil(ok)), ok.join(' ')).to.equal(true);
    }
    expect(daysInMonth(2100, 2)).to.equal(28);
    expect(daysInMonth(2000, 2)).to.equal(29);
    expect(daysInMonth(2000, 13)).to.equal(0);
  });

  it('validCivil: refuses dates that do not exist, out-of-range years and times, leap seconds', () => {
    for (const bad of [[1969, 12, 31, 23, 59, 59], [10000, 1, 1, 0, 0, 0], [2041, 2, 29, 0, 0, 0], [2100, 2, 29, 0, 0, 0],
      [2031, 4, 31, 0, 0, 0], [2031, 0, 1, 0, 0, 0], [2031, 13, 1, 0, 0, 0], [2031, 1, 0, 0, 0, 0], [2031, 1, 32, 0, 0, 0],
      [2031, 1, 1, 24, 0, 0], [2031, 1, 1, 0, 60, 0], [2031, 1, 1, 0, 0, 60], [2031, 1, 1, -1, 0, 0], [2031, -1, 1, 0, 0, 0]]) {
      expect(validCivil(civil(bad)), bad.join(' ')).to.equal(false);
    }
  });

  it('writeCivil: YYYY-MM-DD hh:mm:ss, zero-padded', () => {
    writeCivil(civil([2031, 5, 1, 2, 3, 4]));
    writeCivil(civil([987, 12, 31, 23, 59, 59]));
    expect(consoleText()).to.equal('2031-05-01 02:03:040987-12-31 23:59:59');
  });
});

describe('hv/time: the wall clock from the platform', () => {
  beforeEach(() => {
    host.reset();
    resetPlatform();
  });
  afterEach(() => setWallClock(0n, 0n));   // other tests expect 1970 at timebase 0

  it('startWallClock: the platform date at boot plus timebase ticks since', () => {
    setPlatformClock([2047, 6, 15, 8, 30, 0]);
    const boot = 1000n * TB_HZ;
    expect(startWallClock(boot)).to.equal(true);
    expect(wallClockSource()).to.equal(ClockSource.Platform);
    const at = BigInt(Date.UTC(2047, 5, 15, 8, 30) / 1000);
    expect(epochAt(boot)).to.equal(at);
    expect(epochAt(boot + 90n * TB_HZ + TB_HZ / 4n)).to.equal(at + 90n);
    expect(nanosAt(boot + 90n * TB_HZ + TB_HZ / 4n)).to.equal(250000000);
    printWallClock();
    expect(consoleText()).to.equal('[hv] wall clock: 2047-06-15 08:30:00 UTC at boot, from the platform clock\n');
  });

  it('startWallClock: without a platform clock, 1970 plus uptime and a console line saying so', () => {
    setWallClock(123456n, 0n);
    expect(startWallClock(5n * TB_HZ)).to.equal(false);
    expect(wallClockSource()).to.equal(ClockSource.None);
    expect(epochAt(5n * TB_HZ)).to.equal(0n);
    expect(epochAt(65n * TB_HZ)).to.equal(60n);
    printWallClock();
    expect(consoleText()).to.equal(
      '[hv] wall clock: the platform has no clock it can read; starting from 1970-01-01 00:00:00 at boot\n');
  });

  it('startWallClock: a platform date that does not exist is not used; the line shows what was read', () => {
    setPlatformClock([2031, 2, 30, 12, 0, 0]);
    expect(startWallClock(7n)).to.equal(false);
    expect(wallClockSource()).to.equal(ClockSource.Invalid);
    expect(epochAt(7n)).to.equal(0n);
    printWallClock();
    expect(consoleText()).to.equal(
      '[hv] wall clock: the platform clock read 2031-02-30 12:00:00, not a date; starting from 1970-01-01 00:00:00 at boot\n');
  });
});
