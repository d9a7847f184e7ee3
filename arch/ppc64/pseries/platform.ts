/**
 * The pseries back end of the platform interface (arch/ppc64/api.ts): tshype as the partition
 * firmware of a QEMU pseries machine, itself a guest of QEMU's hypervisor (L0).
 *
 * - console: the PAPR virtual terminal, H_PUT_TERM_CHAR (up to 16 bytes per hcall);
 * - power-off: RTAS "power-off", and for a failure status "ibm,os-term", both through QEMU's
 *   private hcall KVMPPC_H_RTAS (there is no RTAS blob in memory: SLOF would instantiate one);
 * - partitions: nested guests through the nested KVM-HV API (nested.ts).
 *
 * Facts from QEMU 7.2 (arch/ppc64/README.md): the RTAS tokens are fixed (the device tree's
 * /rtas node lists the same values); termno 0 selects the default vty (/vdevice/vty@71000000).
 */
import type { i64, u64 } from 'tsnc';
import { bytesAddress } from '../common/buffers';
import { PANIC_MARKER_MAX, panicMarker } from '../common/panic';
import { rtasCall } from './rtas';

export {
  clearPartition, initPartitioning, mapGrantPage, preparePartition, runVcpu, syncVcpu, unmapGrantPage,
} from './nested';
export { decExpiry } from '../common/switch';
export { serviceInterrupt } from './interrupts';
export { readPlatformClock } from './rtc';
export { nvRead, nvSize, nvStoreName, nvWrite } from './nvram';

/** `sc 1` (entry.S): r3 = opcode, r4.. = arguments; returns the PAPR status from r3. */
declare function paprHcall(opcode: u64, a1: u64, a2: u64, a3: u64, a4: u64): i64;
/** Output register r(4 + n) of the last paprHcall (entry.S). */
declare function paprHcallOut(n: number): u64;

// PAPR hcall opcodes and status codes (LoPAPR 14.5.4; ref/PAPR.md)
const H_GET_TERM_CHAR = 0x54n;
const H_PUT_TERM_CHAR = 0x58n;
const H_SUCCESS: i64 = 0n;
const H_BUSY: i64 = 1n;

/** Virtual terminal number: 0 is QEMU's default vty. */
const VTERM = 0n;
/** H_PUT_TERM_CHAR carries at most 16 bytes, packed in two registers. */
const TERM_CHUNK = 16;
/** How often a busy terminal is retried before output is dropped. */
const BUSY_RETRIES = 1000;

// RTAS tokens (QEMU 7.2 spapr_rtas.c; also the /rtas properties "power-off", "ibm,os-term")
const RTAS_POWER_OFF = 0x2003;
const RTAS_IBM_OS_TERM = 0x201f;

/** RTAS argument buffer: token, nargs, nret, arguments, returns (big-endian 32-bit words). */
const rtasArgs = new Uint32Array(8);
/** The ibm,os-term message: the panic marker, NUL-terminated. */
const message = new Uint8Array(PANIC_MARKER_MAX + 2);

/**
 * Nothing to start or say on pseries: QEMU loads the -bios image raw, from no flash.
 */
export function firmwareStartup(): void {}

/** Relocated partition interrupts (AIL 3): L0 takes every exit of a nested partition. */
export function guestAilSupported(): boolean {
  return true;
}

/** No HPT partitions: QEMU 7.2's nested KVM-HV (H_ENTER_NESTED) runs radix L2 guests only. */
export function hashPartitionsSupported(): boolean {
  return false;
}

/** Short platform name for the console banner. */
export function platformName(): string {
  return 'pseries';
}

/**
 * Write `length` bytes of `bytes` to the virtual terminal, 16 per hcall. Output the
 * terminal refuses (an error, or busy for BUSY_RETRIES tries) is dropped.
 */
export function consoleWrite(bytes: Uint8Array, length: number): void {
  let off = 0;
  while (off < length) {
    const n = Math.min(length - off, TERM_CHUNK);
    const hi = packBytes(bytes, off, Math.min(n, 8));
    const lo = n > 8 ? packBytes(bytes, off + 8, n - 8) : 0n;
    let rc = paprHcall(H_PUT_TERM_CHAR, VTERM, BigInt(n), hi, lo);
    for (let tries = 0; rc === H_BUSY && tries < BUSY_RETRIES; tries++) {
      rc = paprHcall(H_PUT_TERM_CHAR, VTERM, BigInt(n), hi, lo);
    }
    if (rc !== H_SUCCESS) return;
    off += n;
  }
}

/** Bytes H_GET_TERM_CHAR delivered that consoleRead has not handed out yet (r5, r6 image). */
const inputBytes = new Uint8Array(TERM_CHUNK);
let inputCount = 0;
let inputNext = 0;

/** One byte typed on the virtual terminal, or -1 when none waits (H_GET_TERM_CHAR, 16 at a time). */
export function consoleRead(): number {
  if (inputNext >= inputCount) {
    inputNext = 0;
    inputCount = 0;
    if (paprHcall(H_GET_TERM_CHAR, VTERM, 0n, 0n, 0n) !== H_SUCCESS) return -1;
    const n = paprHcallOut(0);
    if (n === 0n || n > BigInt(TERM_CHUNK)) return -1;
    const hi = paprHcallOut(1), lo = paprHcallOut(2);
    inputCount = Number(n);
    for (let i = 0; i < inputCount; i++) {
      const word = i < 8 ? hi : lo;
      inputBytes[i] = Number((word >> BigInt(56 - 8 * (i & 7))) & 0xffn);
    }
  }
  return inputBytes[inputNext++];
}

/** `count` (≤ 8) bytes from bytes[from] as a register image: first byte most significant. */
function packBytes(bytes: Uint8Array, from: number, count: number): u64 {
  let w: u64 = 0n;
  for (let i = 0; i < 8; i++) {
    const b: u64 = i < count ? BigInt(bytes[from + i]) : 0n;
    w = BigInt.asUintN(64, w << 8n) | b;
  }
  return w;
}

/**
 * Call RTAS function `token` (rtas.ts) with `nargs` (≤ 2) arguments and `nret` (≤ 3) returns;
 * the result is the RTAS status.
 */
function rtasUpTo2(token: number, nargs: number, nret: number, arg0: number, arg1: number): number {
  rtasArgs.fill(0);
  rtasArgs[3] = arg0;
  rtasArgs[4] = arg1;
  return rtasCall(rtasArgs, token, nargs, nret);
}

/**
 * Power the partition off. Status 0: RTAS power-off, QEMU exits 0. Otherwise print the panic
 * marker and call ibm,os-term, which QEMU reports as a guest panic (it exits 1 when run with
 * `-action panic=exit-failure`); if QEMU lets the partition continue, power off anyway.
 */
export function powerOff(status: number): never {
  if (status !== 0) {
    const n = panicMarker(message, status);
    message[n] = 0x0a;   // '\n'
    consoleWrite(message, n + 1);
    message[n] = 0;      // NUL-terminated for RTAS
    rtasUpTo2(RTAS_IBM_OS_TERM, 1, 1, Number(bytesAddress(message)), 0);
  }
  rtasUpTo2(RTAS_POWER_OFF, 2, 1, 0, 0);
  while (true) {
    // QEMU is shutting down; nothing else may run
  }
}
