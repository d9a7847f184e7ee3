/**
 * The powernv back end of the platform interface (arch/ppc64/api.ts): tshype in hypervisor
 * mode on a bare-metal POWER9/POWER10 (QEMU powernv9/powernv10), booted either as -bios or as
 * skiboot's payload (entry.S records which: opalEntry() is 0 without OPAL).
 *
 * - with OPAL: the console is OPAL_CONSOLE_WRITE, power-off OPAL_CEC_POWER_DOWN;
 * - alone (-bios): the console is the 16550 UART at LPC I/O port 0x3f8 and power-off an IPMI
 *   "chassis control: power down" request to the BMC through the LPC IPMI BT interface.
 *
 * Neither way can carry an exit status to QEMU (it always exits 0), so a non-zero status
 * prints the panic marker first. Facts and addresses: arch/ppc64/README.md.
 *
 * - partitions: real hypervisor-mode partitioning (partition.ts: PTCR, LPIDR, LPCR, HDEC,
 *   hrfid; switch.S and vectors.S enter a guest and bring it back). An interrupt of the
 *   hypervisor itself is reported by hv/main.ts hvHypervisorInterrupt.
 */
import type { i64, u64 } from 'tsnc';
import { ciLoad8, ciStore8 } from 'tsnc';
import { bytesAddress, doublewordsAddress } from '../common/buffers';
import { PANIC_MARKER_MAX, panicMarker } from '../common/panic';
import { LPC_IO } from './lpc';
import { firmwareReport, reportLine, stateReport } from './firmware';
import { bootRecord } from './opalflash';
import { isPower10 } from '../cpu';

export {
  clearPartition, initPartitioning, mapGrantPage, preparePartition, runVcpu, syncVcpu, unmapGrantPage,
} from './partition';
export { decExpiry } from '../common/switch';
export { serviceInterrupt } from './interrupts';
export { readPlatformClock } from './rtc';
export { nvRead, nvSize, nvStoreName, nvWrite } from './opalflash';

/** Call OPAL (entry.S): token, then up to three arguments; returns the OPAL status. */
declare function opalCall(token: number, a0: u64, a1: u64, a2: u64): i64;
/** OPAL's entry point as skiboot passed it (entry.S), 0 when booted by -bios. */
declare function opalEntry(): u64;
/** Sleep this thread for good (entry.S, `stop`): the wait after a power-off request. */
declare function pnvStopForever(): never;

// OPAL calls and status codes (skiboot include/opal-api.h)
const OPAL_CONSOLE_WRITE = 1;
const OPAL_CONSOLE_READ = 2;
const OPAL_CEC_POWER_DOWN = 5;
const OPAL_POLL_EVENTS = 10;
const OPAL_CONSOLE_FLUSH = 117;
const OPAL_SUCCESS: i64 = 0n;
const OPAL_BUSY: i64 = -2n;
const OPAL_PARTIAL: i64 = -3n;
const OPAL_BUSY_EVENT: i64 = -12n;
/** OPAL terminal 0: the console skiboot itself uses. */
const OPAL_TERM = 0n;
/** How often OPAL is polled while it cannot take more output or is busy. */
const OPAL_RETRIES = 10000;


// 16550 UART at I/O port 0x3f8 (/lpcm-opb/lpc/isa-serial@i3f8: 1.8432 MHz clock, 115200 baud)
const UART = LPC_IO + 0x3f8n;
const UART_THR = 0n;     // transmit holding (DLAB = 0)
const UART_DLL = 0n;     // divisor latch, low and high byte (DLAB = 1)
const UART_DLM = 1n;
const UART_IER = 1n;     // interrupt enable (DLAB = 0)
const UART_FCR = 2n;     // FIFO control
const UART_LCR = 3n;     // line control
const UART_MCR = 4n;     // modem control
const UART_LSR = 5n;     // line status
const LCR_DLAB = 0x80;
const LCR_8N1 = 0x03;
const FCR_ENABLE_CLEAR = 0x07;
const MCR_DTR_RTS = 0x03;
const LSR_THRE = 0x20;   // transmit holding register empty
const LSR_DR = 0x01;     // data ready (a received byte waits in RBR)
const UART_RBR = 0n;     // receive buffer (DLAB = 0)
const UART_DIVISOR = 1;  // 1843200 / (16 * 115200)
/** Status polls per byte before the UART is presumed gone and the byte sent anyway. */
const UART_POLLS = 100000;

// IPMI BT interface at I/O ports 0xe4.. (/lpcm-opb/lpc/isa-ipmi-bt@ie4; IPMI 2.0 11.6)
const BT_CTRL = LPC_IO + 0xe4n;
const BT_BUF = LPC_IO + 0xe5n;
const BT_CTRL_CLR_WR_PTR = 0x01;
const BT_CTRL_H2B_ATN = 0x04;
/** BT request: length of the rest, NetFn/LUN (chassis = 0x00), sequence, command, data. */
const CHASSIS_POWER_DOWN = new Uint8Array([4, 0x00 << 2, 0x01, 0x02, 0x00]);

let uartReady = false;
/** OPAL_CONSOLE_WRITE's in/out length (a big-endian doubleword in memory). */
const opalLength = new BigUint64Array(1);
const marker = new Uint8Array(PANIC_MARKER_MAX + 1);

/**
 * Relocated partition interrupts (AIL 3): only on POWER10, where LPCR[HAIL] (left 0) keeps the
 * hypervisor's own interrupts unrelocated; POWER9 would relocate those too (api.ts).
 */
export function guestAilSupported(): boolean {
  return isPower10();
}

/** Partitions in HPT mode: the bare machine sets LPCR[HR] and the partition table itself. */
export function hashPartitionsSupported(): boolean {
  return true;
}

/** Short platform name for the console banner. */
export function platformName(): string {
  return 'powernv';
}

/**
 * When skiboot booted this image from flash (firmware.ts): print the build version and the
 * payload's SHA-512 from its secure-boot container, then open the persistent state in the
 * flash's TSHYPE_STATE partition through OPAL (opalflash.ts), count this boot in it and print
 * what was read and saved. Does and prints nothing otherwise (-bios, -kernel).
 */
export function firmwareStartup(): void {
  for (let i = 0; i < 2; i++) {
    const n = firmwareReport(i);
    if (n === 0) return;
    consoleWrite(reportLine, n);
    consoleWrite(NEWLINE, 1);
  }
  bootRecord();
  consoleWrite(reportLine, stateReport());
  consoleWrite(NEWLINE, 1);
}
const NEWLINE = new Uint8Array([0x0a]);

/** Write `length` bytes of `bytes` to the console (OPAL's, or the UART without OPAL). */
export function consoleWrite(bytes: Uint8Array, length: number): void {
  if (opalEntry() !== 0n) opalConsoleWrite(bytes, length);
  else uartWrite(bytes, length);
}

/** OPAL_CONSOLE_READ's in/out length and its one-byte buffer. */
const opalReadLength = new BigUint64Array(1);
const opalReadByte = new Uint8Array(1);

/** One byte typed on the console (OPAL's, or the UART's receiver), or -1 when none waits. */
export function consoleRead(): number {
  if (opalEntry() !== 0n) {
    opalReadLength[0] = 1n;
    const rc = opalCall(OPAL_CONSOLE_READ, OPAL_TERM, doublewordsAddress(opalReadLength), bytesAddress(opalReadByte));
    return rc === OPAL_SUCCESS && opalReadLength[0] === 1n ? opalReadByte[0] : -1;
  }
  if (!uartReady) uartInit();
  if ((ciLoad8(UART + UART_LSR) & LSR_DR) === 0) return -1;
  return ciLoad8(UART + UART_RBR);
}

/**
 * Power the machine off; QEMU exits 0 whatever the status, so a non-zero status prints the
 * panic marker first.
 */
export function powerOff(status: number): never {
  if (status !== 0) {
    const n = panicMarker(marker, status);
    marker[n] = 0x0a;   // '\n'
    consoleWrite(marker, n + 1);
  }
  if (opalEntry() !== 0n) opalPowerDown();
  else ipmiPowerDown();
  pnvStopForever();   // the BMC (QEMU) is powering the machine off
}

// ---- with OPAL ---------------------------------------------------------------------------

/** OPAL_CONSOLE_WRITE until every byte is taken, polling OPAL while its buffer is full. */
function opalConsoleWrite(bytes: Uint8Array, length: number): void {
  const base = bytesAddress(bytes);
  let off = 0;
  let stalls = 0;
  while (off < length && stalls < OPAL_RETRIES) {
    opalLength[0] = BigInt(length - off);
    const rc = opalCall(OPAL_CONSOLE_WRITE, OPAL_TERM, doublewordsAddress(opalLength),
      BigInt.asUintN(64, base + BigInt(off)));
    const written = rc === OPAL_SUCCESS ? Number(opalLength[0]) : 0;
    if (rc !== OPAL_SUCCESS && rc !== OPAL_BUSY && rc !== OPAL_BUSY_EVENT) return;
    if (written === 0) {
      stalls++;
      opalCall(OPAL_POLL_EVENTS, 0n, 0n, 0n);
    }
    off += written;
  }
}

/** Flush OPAL's console, ask for power-off, then keep OPAL polling until it happens. */
function opalPowerDown(): never {
  for (let i = 0; i < OPAL_RETRIES; i++) {
    const rc = opalCall(OPAL_CONSOLE_FLUSH, OPAL_TERM, 0n, 0n);
    if (rc !== OPAL_PARTIAL && rc !== OPAL_BUSY) break;
    opalCall(OPAL_POLL_EVENTS, 0n, 0n, 0n);
  }
  for (let i = 0; i < OPAL_RETRIES; i++) {
    const rc = opalCall(OPAL_CEC_POWER_DOWN, 0n, 0n, 0n);
    if (rc !== OPAL_BUSY && rc !== OPAL_BUSY_EVENT) break;
    opalCall(OPAL_POLL_EVENTS, 0n, 0n, 0n);
  }
  while (true) opalCall(OPAL_POLL_EVENTS, 0n, 0n, 0n);
}

// ---- without OPAL -------------------------------------------------------------------------

/** Program the UART for 115200 8N1, FIFOs on, no interrupts (nobody did before us). */
function uartInit(): void {
  ciStore8(UART + UART_IER, 0);
  ciStore8(UART + UART_LCR, LCR_DLAB);
  ciStore8(UART + UART_DLL, UART_DIVISOR & 0xff);
  ciStore8(UART + UART_DLM, UART_DIVISOR >> 8);
  ciStore8(UART + UART_LCR, LCR_8N1);
  ciStore8(UART + UART_FCR, FCR_ENABLE_CLEAR);
  ciStore8(UART + UART_MCR, MCR_DTR_RTS);
  uartReady = true;
}

function uartWrite(bytes: Uint8Array, length: number): void {
  if (!uartReady) uartInit();
  for (let i = 0; i < length; i++) {
    for (let polls = 0; polls < UART_POLLS; polls++) {
      if ((ciLoad8(UART + UART_LSR) & LSR_THRE) !== 0) break;
    }
    ciStore8(UART + UART_THR, bytes[i]);
  }
}

/** Send the BMC "chassis control: power down" over IPMI BT; QEMU's BMC then exits QEMU. */
function ipmiPowerDown(): void {
  ciStore8(BT_CTRL, BT_CTRL_CLR_WR_PTR);
  for (let i = 0; i < CHASSIS_POWER_DOWN.length; i++) ciStore8(BT_BUF, CHASSIS_POWER_DOWN[i]);
  ciStore8(BT_CTRL, BT_CTRL_H2B_ATN);
}
