/**
 * The powernv platform clock.
 *
 * - with OPAL (skiboot payload): OPAL_RTC_READ, retried while OPAL answers OPAL_BUSY or
 *   OPAL_BUSY_EVENT, polling OPAL's events in between (skiboot doc/opal-api/opal-rtc-read-3.rst).
 *   The date comes back in BCD: a big-endian word yyyy mm dd (year in bits 0-15, IBM numbering)
 *   and a doubleword hh mm ss in its top three bytes, then the fraction.
 * - alone (-bios): the MC146818 RTC that QEMU puts on chip 0's LPC bus (hw/ppc/pnv.c:
 *   `mc146818_rtc_init(isa_bus, 2000, NULL)`; /lpcm-opb/lpc/rtc@i70, compatible "pnpPNP,b00"),
 *   an index port at LPC I/O 0x70 and a data port at 0x71, accessed cache-inhibited as the
 *   UART is. QEMU's model (hw/rtc/mc146818rtc.c) starts from the RTC clock (`-rtc base=…`, the
 *   host's UTC by default) in BCD, 24-hour mode (register B = 0x02) and, for base year 2000,
 *   keeps the century in CMOS byte 0x32. This reads whatever mode register B says.
 */
import type { i64, u64 } from 'tsnc';
import { ciLoad8, ciStore8 } from 'tsnc';
import { doublewordsAddress, wordsAddress } from '../common/buffers';
import { LPC_IO } from './lpc';

/** Call OPAL (entry.S): token, then up to three arguments; returns the OPAL status. */
declare function opalCall(token: number, a0: u64, a1: u64, a2: u64): i64;
/** OPAL's entry point as skiboot passed it (entry.S), 0 when booted by -bios. */
declare function opalEntry(): u64;

// OPAL calls and status codes (skiboot include/opal-api.h)
const OPAL_RTC_READ = 3;
const OPAL_POLL_EVENTS = 10;
const OPAL_SUCCESS: i64 = 0n;
const OPAL_BUSY: i64 = -2n;
const OPAL_BUSY_EVENT: i64 = -12n;
/** How often OPAL_RTC_READ is retried while busy (skiboot's LPC RTC: while an update runs). */
const OPAL_RETRIES = 10000;

const CMOS_INDEX = LPC_IO + 0x70n;
const CMOS_DATA = LPC_IO + 0x71n;

// MC146818 registers and bits (QEMU include/hw/rtc/mc146818rtc_regs.h)
const RTC_SECONDS = 0;
const RTC_MINUTES = 2;
const RTC_HOURS = 4;
const RTC_DAY_OF_MONTH = 7;
const RTC_MONTH = 8;
const RTC_YEAR = 9;
const RTC_REG_A = 10;
const RTC_REG_B = 11;
const RTC_REG_D = 13;
const RTC_CENTURY = 0x32;
const REG_A_UIP = 0x80;     // update in progress: the time registers are about to change
const REG_B_DM = 0x04;      // binary (not BCD) data mode
const REG_B_24H = 0x02;     // 24-hour mode (else bit 7 of the hours is PM)
const REG_D_VRT = 0x80;     // valid RAM and time
const HOURS_PM = 0x80;
/** Register reads while waiting for an update to end (QEMU holds UIP for 244 us). */
const UIP_POLLS = 100000;
/** Attempts at two identical readings of the time registers in a row. */
const READ_ATTEMPTS = 10;
/** The time registers in the order read: api.ts's order, then the century. */
const TIME_REGS = new Uint8Array([RTC_YEAR, RTC_MONTH, RTC_DAY_OF_MONTH, RTC_HOURS, RTC_MINUTES, RTC_SECONDS, RTC_CENTURY]);

const ymd = new Uint32Array(1);
const hmsm = new BigUint64Array(1);
const first = new Int32Array(7);
const second = new Int32Array(7);

/**
 * Read the real-time clock into out[0..5] (year, month, day, hour, minute, second): through
 * OPAL under skiboot, from the LPC RTC otherwise. False when OPAL refuses or stays busy, or the
 * RTC reports its time invalid or never gives a stable reading.
 */
export function readPlatformClock(out: Int32Array): boolean {
  return opalEntry() !== 0n ? opalReadClock(out) : rtcReadClock(out);
}

// ---- with OPAL ---------------------------------------------------------------------------

function opalReadClock(out: Int32Array): boolean {
  for (let i = 0; i < OPAL_RETRIES; i++) {
    const rc = opalCall(OPAL_RTC_READ, wordsAddress(ymd), doublewordsAddress(hmsm), 0n);
    if (rc === OPAL_SUCCESS) {
      const d = ymd[0];
      const t = Number(hmsm[0] >> 40n);     // hh mm ss
      out[0] = fromBcd(d >>> 16, 4);
      out[1] = fromBcd((d >>> 8) & 0xff, 2);
      out[2] = fromBcd(d & 0xff, 2);
      out[3] = fromBcd((t >>> 16) & 0xff, 2);
      out[4] = fromBcd((t >>> 8) & 0xff, 2);
      out[5] = fromBcd(t & 0xff, 2);
      return true;
    }
    if (rc !== OPAL_BUSY && rc !== OPAL_BUSY_EVENT) return false;
    opalCall(OPAL_POLL_EVENTS, 0n, 0n, 0n);
  }
  return false;
}

/** The value of `digits` BCD digits in `bcd`; -1 if a digit is not 0..9 (an invalid date). */
function fromBcd(bcd: number, digits: number): number {
  let value = 0;
  for (let i = digits - 1; i >= 0; i--) {
    const d = (bcd >>> (4 * i)) & 0xf;
    if (d > 9) return -1;
    value = value * 10 + d;
  }
  return value;
}

// ---- without OPAL: the MC146818 on the LPC bus ----------------------------------------------

function cmosRead(reg: number): number {
  ciStore8(CMOS_INDEX, reg);
  return ciLoad8(CMOS_DATA);
}

function rtcReadClock(out: Int32Array): boolean {
  if ((cmosRead(RTC_REG_D) & REG_D_VRT) === 0) return false;
  for (let attempt = 0; attempt < READ_ATTEMPTS; attempt++) {
    if (!updateDone()) return false;
    readTimeRegs(first);
    readTimeRegs(second);
    if (sameReading()) {
      decodeRtc(first, cmosRead(RTC_REG_B), out);
      return true;
    }
  }
  return false;
}

/** Wait until no update is in progress; false if one never ends. */
function updateDone(): boolean {
  for (let i = 0; i < UIP_POLLS; i++) {
    if ((cmosRead(RTC_REG_A) & REG_A_UIP) === 0) return true;
  }
  return false;
}

function readTimeRegs(into: Int32Array): void {
  for (let i = 0; i < TIME_REGS.length; i++) into[i] = cmosRead(TIME_REGS[i]);
}

function sameReading(): boolean {
  for (let i = 0; i < TIME_REGS.length; i++) {
    if (first[i] !== second[i]) return false;
  }
  return true;
}

/**
 * The RTC's registers (TIME_REGS order) in the data mode of register B, into out[0..5]; a
 * field that is not valid BCD comes out as -1 (an invalid date).
 */
function decodeRtc(regs: Int32Array, regB: number, out: Int32Array): void {
  const binary = (regB & REG_B_DM) !== 0;
  const century = rtcValue(regs[6], binary), year = rtcValue(regs[0], binary);
  out[0] = century < 0 || year < 0 ? -1 : century * 100 + year;
  out[1] = rtcValue(regs[1], binary);
  out[2] = rtcValue(regs[2], binary);
  const hours = rtcValue(regs[3] & ~HOURS_PM, binary);
  if ((regB & REG_B_24H) !== 0 || hours < 0) out[3] = hours;
  else out[3] = (hours % 12) + ((regs[3] & HOURS_PM) !== 0 ? 12 : 0);
  out[4] = rtcValue(regs[4], binary);
  out[5] = rtcValue(regs[5], binary);
}

/** A register's value in binary or BCD mode (-1 for invalid BCD). */
function rtcValue(reg: number, binary: boolean): number {
  return binary ? reg : fromBcd(reg, 2);
}
