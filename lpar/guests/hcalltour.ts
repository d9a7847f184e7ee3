/**
 * Test partition: calls every hcall the hypervisor implements with good and bad arguments,
 * checks each status, prints a summary and halts with the number of failures.
 */
import { load32, mtspr, store32, type u64 } from 'tsnc';
import {
  H_CEDE, H_CONFER, H_GET_TERM_CHAR, H_PROD, H_PUT_TERM_CHAR, H_RANDOM, H_REGISTER_PROC_TBL, H_RTAS,
  H_SET_MODE, H_SUCCESS, consoleUnitAddress, hcall, hcallOut, printNumber, println,
} from './lib';

const H_FUNCTION: u64 = BigInt.asUintN(64, -2n);
const H_PARAMETER: u64 = BigInt.asUintN(64, -4n);
const H_P2: u64 = BigInt.asUintN(64, -55n);
const H_UNSUPPORTED_FLAG: u64 = BigInt.asUintN(64, -256n);

/** RTAS tokens, as the partition's /rtas node lists them. */
const RTAS_DISPLAY_CHARACTER = 0x2000;
const RTAS_GET_TIME_OF_DAY = 0x2001;
const RTAS_SET_TIME_OF_DAY = 0x2002;
/** RTAS status -3 (parameter error) as the 32-bit word the buffer holds. */
const RTAS_PARAMETER_ERROR: u64 = 0xfffffffdn;

/** RTAS argument buffer at a fixed partition address (inside this 16+ MiB partition). */
const RTAS_BUF: u64 = 0x800000n;
/** get-time-of-day's results: status, year, month, day, hour, minute, second, nanoseconds. */
const TOD_RETS: u64 = RTAS_BUF + 12n;
/** set-time-of-day's result (after its seven arguments): the status. */
const SET_RETS: u64 = RTAS_BUF + 12n + 28n;
/** A 4 KiB-aligned process table location inside the partition. */
const PROC_TABLE: u64 = 0x900000n;

let failures = 0;
let checks = 0;

function expectStatus(what: string, got: u64, want: u64): void {
  checks++;
  if (got !== want) {
    failures++;
    println(what);
    printNumber('  unexpected status, low 32 bits: ', Number(got & 0xffffffffn));
  }
}

function check(what: string, ok: boolean): void {
  expectStatus(what, ok ? 0n : 1n, 0n);
}

function call(op: u64, a1: u64, a2: u64, a3: u64, a4: u64): u64 {
  return hcall(op, a1, a2, a3, a4, 0n, 0n, 0n);
}

function rtas(token: number, nargs: number, nret: number, arg0: number): u64 {
  store32(RTAS_BUF, token);
  store32(RTAS_BUF + 4n, nargs);
  store32(RTAS_BUF + 8n, nret);
  store32(RTAS_BUF + 12n, arg0);
  return call(H_RTAS, RTAS_BUF, 0n, 0n, 0n);
}

function getTimeOfDay(): u64 {
  return rtas(RTAS_GET_TIME_OF_DAY, 0, 8, 0);
}

/** Result i of the last get-time-of-day: 0 year, 1 month, 2 day, 3 hour, 4 minute, 5 second. */
function tod(i: number): number {
  return load32(BigInt.asUintN(64, TOD_RETS + BigInt(4 + 4 * i)));
}

/** set-time-of-day with its seven arguments. */
function setTimeOfDay(year: number, month: number, day: number, hour: number, minute: number, second: number): u64 {
  store32(RTAS_BUF, RTAS_SET_TIME_OF_DAY);
  store32(RTAS_BUF + 4n, 7);
  store32(RTAS_BUF + 8n, 1);
  store32(RTAS_BUF + 12n, year);
  store32(RTAS_BUF + 16n, month);
  store32(RTAS_BUF + 20n, day);
  store32(RTAS_BUF + 24n, hour);
  store32(RTAS_BUF + 28n, minute);
  store32(RTAS_BUF + 32n, second);
  store32(RTAS_BUF + 36n, 0);
  return call(H_RTAS, RTAS_BUF, 0n, 0n, 0n);
}

/** The last get-time-of-day's fields are in range (the date itself is checked by the host). */
function todInRange(): boolean {
  return tod(0) >= 1970 && tod(1) >= 1 && tod(1) <= 12 && tod(2) >= 1 && tod(2) <= 31 &&
    tod(3) <= 23 && tod(4) <= 59 && tod(5) <= 59 && load32(TOD_RETS + 28n) < 1000000000;
}

/** The last get-time-of-day read 2040-02-29 10:20:30, or a few seconds later. */
function todIsSetTime(): boolean {
  return tod(0) === 2040 && tod(1) === 2 && tod(2) === 29 && tod(3) === 10 && tod(4) === 20 &&
    tod(5) >= 30 && tod(5) <= 35;
}

/**
 * get-time-of-day, printed as `<label>YYYY-MM-DD hh:mm:ss` for the system test to compare with
 * the host's time; set-time-of-day to a leap day and back through get-time-of-day; dates that
 * do not exist and a wrong argument count refused without changing the clock.
 */
function timeOfDayTour(): void {
  expectStatus('rtas get-time-of-day', getTimeOfDay(), H_SUCCESS);
  expectStatus('rtas get-time-of-day status', BigInt(load32(TOD_RETS)), 0n);
  check('rtas get-time-of-day fields in range', todInRange());
  printTimeOfDay('time of day: ');
  expectStatus('rtas set-time-of-day', setTimeOfDay(2040, 2, 29, 10, 20, 30), H_SUCCESS);
  expectStatus('rtas set-time-of-day status', BigInt(load32(SET_RETS)), 0n);
  getTimeOfDay();
  printTimeOfDay('time of day after set: ');
  check('rtas get-time-of-day after set-time-of-day', todIsSetTime());
  expectStatus('rtas set-time-of-day 2041-02-29', setTimeOfDay(2041, 2, 29, 10, 20, 30), H_SUCCESS);
  expectStatus('rtas set-time-of-day 2041-02-29 refused', BigInt(load32(SET_RETS)), RTAS_PARAMETER_ERROR);
  setTimeOfDay(2040, 3, 1, 24, 0, 0);
  expectStatus('rtas set-time-of-day 24:00 refused', BigInt(load32(SET_RETS)), RTAS_PARAMETER_ERROR);
  expectStatus('rtas set-time-of-day one argument', rtas(RTAS_SET_TIME_OF_DAY, 1, 1, 2040), H_PARAMETER);
  getTimeOfDay();
  check('rtas refused set-time-of-day changed nothing', todIsSetTime());
}

const text = new Uint8Array(48);
let textLength = 0;

/** Print `label` and the last get-time-of-day as YYYY-MM-DD hh:mm:ss, then a newline. */
function printTimeOfDay(label: string): void {
  textLength = 0;
  for (let i = 0; i < label.length; i++) text[textLength++] = label.charCodeAt(i);
  putDigits(tod(0), 4);
  text[textLength++] = 0x2d;   // '-'
  putDigits(tod(1), 2);
  text[textLength++] = 0x2d;
  putDigits(tod(2), 2);
  text[textLength++] = 0x20;   // ' '
  putDigits(tod(3), 2);
  text[textLength++] = 0x3a;   // ':'
  putDigits(tod(4), 2);
  text[textLength++] = 0x3a;
  putDigits(tod(5), 2);
  text[textLength++] = 0x0a;
  for (let off = 0; off < textLength; off += 16) {
    const n = Math.min(16, textLength - off);
    call(H_PUT_TERM_CHAR, VTY, BigInt(n), packText(off, n), n > 8 ? packText(off + 8, n - 8) : 0n);
  }
}

/** The last `width` decimal digits of `value`, zero-padded. */
function putDigits(value: number, width: number): void {
  let v = value;
  for (let i = width - 1; i >= 0; i--) {
    text[textLength + i] = 0x30 + (v % 10);
    v = Math.trunc(v / 10);
  }
  textLength += width;
}

/** Up to 8 bytes of text from `from` as H_PUT_TERM_CHAR's register image (first byte high). */
function packText(from: number, count: number): u64 {
  let w: u64 = 0n;
  for (let i = 0; i < 8; i++) w = BigInt.asUintN(64, (w << 8n) | BigInt(i < count ? text[from + i] : 0));
  return w;
}

/** The decrementer, and what it is set to before ceding: 1 ms of a 512 MHz timebase. */
const SPR_DEC = 22;
const CEDE_TICKS: u64 = 512000n;

/** The console's unit address, from the device tree (guestMain). */
let VTY: u64 = 0n;

export function guestMain(fdt: u64): u64 {
  VTY = consoleUnitAddress(fdt);
  println('hcall tour');
  expectStatus('the device tree names the console', VTY !== 0n ? 0n : 1n, 0n);
  expectStatus('put_term_char', call(H_PUT_TERM_CHAR, VTY, 3n, 0x6f6b0a0000000000n, 0n), H_SUCCESS);
  expectStatus('put_term_char termno 0', call(H_PUT_TERM_CHAR, 0n, 0n, 0n, 0n), H_SUCCESS);
  expectStatus('put_term_char bad termno', call(H_PUT_TERM_CHAR, 0x1234n, 1n, 0n, 0n), H_PARAMETER);
  expectStatus('put_term_char too long', call(H_PUT_TERM_CHAR, VTY, 17n, 0n, 0n), H_PARAMETER);
  expectStatus('get_term_char', call(H_GET_TERM_CHAR, VTY, 0n, 0n, 0n), H_SUCCESS);
  expectStatus('get_term_char returns nothing', hcallOut(0n), 0n);
  expectStatus('random', call(H_RANDOM, 0n, 0n, 0n, 0n), H_SUCCESS);
  const r1 = hcallOut(0n);
  call(H_RANDOM, 0n, 0n, 0n, 0n);
  expectStatus('random twice differs', r1 === hcallOut(0n) ? 1n : 0n, 0n);
  expectStatus('set_mode LE bad flags', call(H_SET_MODE, 7n, 4n, 0n, 0n), H_UNSUPPORTED_FLAG);
  expectStatus('set_mode unknown resource', call(H_SET_MODE, 0n, 99n, 0n, 0n), H_P2);
  expectStatus('set_mode big-endian interrupts', call(H_SET_MODE, 0n, 4n, 0n, 0n), H_SUCCESS);
  mtspr(SPR_DEC, CEDE_TICKS);   // H_CEDE returns at the decrementer's expiry (vectors.S takes its interrupt)
  expectStatus('cede', call(H_CEDE, 0n, 0n, 0n, 0n), H_SUCCESS);
  expectStatus('prod self', call(H_PROD, 0n, 0n, 0n, 0n), H_SUCCESS);
  expectStatus('prod bad vcpu', call(H_PROD, 5n, 0n, 0n, 0n), H_PARAMETER);
  expectStatus('confer', call(H_CONFER, 0xffffffffffffffffn, 0n, 0n, 0n), H_SUCCESS);
  expectStatus('register_proc_tbl radix', call(H_REGISTER_PROC_TBL, 0x18n | 0x4n | 0x1n, PROC_TABLE, 0n, 0n), H_SUCCESS);
  expectStatus('register_proc_tbl misaligned', call(H_REGISTER_PROC_TBL, 0x18n | 0x4n, PROC_TABLE + 8n, 0n, 0n), H_PARAMETER);
  expectStatus('register_proc_tbl outside', call(H_REGISTER_PROC_TBL, 0x18n | 0x4n, 0x40000000n, 0n, 0n), H_PARAMETER);
  expectStatus('register_proc_tbl hash', call(H_REGISTER_PROC_TBL, 0x18n, PROC_TABLE, 0n, 0n), H_PARAMETER);
  expectStatus('rtas display-character', rtas(RTAS_DISPLAY_CHARACTER, 1, 1, 0x2a), H_SUCCESS);
  timeOfDayTour();
  expectStatus('rtas unknown token', rtas(0x7777, 0, 1, 0), H_PARAMETER);
  expectStatus('rtas buffer outside partition', call(H_RTAS, 0x40000000n, 0n, 0n, 0n), H_PARAMETER);
  expectStatus('unknown hcall', call(0x4n, 0n, 0n, 0n, 0n), H_FUNCTION);
  expectStatus('misaligned opcode', call(0x59n, 0n, 0n, 0n, 0n), H_FUNCTION);
  println('');
  printNumber('checks: ', checks);
  printNumber('failures: ', failures);
  return BigInt(failures);
}
