/**
 * What test partitions use to talk to the hypervisor: the hcall instruction (from
 * arch/ppc64/guest/start.S), console output and halting.
 */
import { store32, type u64 } from 'tsnc';
import { Fdt, FdtStatus } from '../fdt';

/** `sc 1` with r3 = op and r4..r10 = a1..a7; returns the status (r3). */
export declare function hcall(op: u64, a1: u64, a2: u64, a3: u64, a4: u64, a5: u64, a6: u64, a7: u64): u64;
/** hcall() with r11 and r12 zero too (H_SEND_LOGICAL_LAN: no continuation token, no MSS). */
export declare function hcallNoToken(op: u64, a1: u64, a2: u64, a3: u64, a4: u64, a5: u64, a6: u64, a7: u64): u64;
/** Everything hcall() does except the `sc 1` itself: the baseline of the hcall benchmark. */
export declare function noHcall(op: u64, a1: u64, a2: u64, a3: u64, a4: u64, a5: u64, a6: u64, a7: u64): u64;
/** Everything hcallNoToken() does except the `sc 1`: the baseline of the LAN benchmark. */
export declare function noHcallNoToken(op: u64, a1: u64, a2: u64, a3: u64, a4: u64, a5: u64, a6: u64, a7: u64): u64;
/** Output register r(4 + i) of the last hcall (i in 0..7). */
export declare function hcallOut(i: u64): u64;
/**
 * Benchmark markers: no-ops that the instruction-count plugin (scripts/bench/insn-count.c,
 * `marks=1`) reports with its running count (A and B tell two streams of marks apart).
 */
export declare function benchMarkA(): void;
export declare function benchMarkB(): void;
/** Execute an undefined instruction. */
export declare function illegalInstruction(): void;

export const H_SUCCESS: u64 = 0n;
export const H_GET_TERM_CHAR: u64 = 0x54n;
export const H_PUT_TERM_CHAR: u64 = 0x58n;
export const H_CEDE: u64 = 0xe0n;
export const H_CONFER: u64 = 0xe4n;
export const H_PROD: u64 = 0xe8n;
export const H_RANDOM: u64 = 0x300n;
export const H_SET_MODE: u64 = 0x31cn;
export const H_REGISTER_PROC_TBL: u64 = 0x37cn;
export const H_TSHYPE_HALT: u64 = 0x6f00n;
export const H_TSHYPE_REPORT: u64 = 0x6f0cn;
export const H_PRIVILEGE: u64 = 0xfffffffffffffffdn;   // -3
export const H_RTAS: u64 = 0xf000n;
/** Terminal 0: the partition's own console, whatever its unit address (tshype and QEMU alike). */
export const CONSOLE: u64 = 0n;

const chunk = new Uint8Array(16);

/** Send `length` bytes of `chunk` in one H_PUT_TERM_CHAR (big-endian packed into r6, r7). */
function putChunk(length: number): u64 {
  let hi: u64 = 0n, lo: u64 = 0n;
  for (let i = 0; i < 16; i++) {
    const b: u64 = BigInt(i < length ? chunk[i] : 0);
    if (i < 8) hi = BigInt.asUintN(64, (hi << 8n) | b);
    else lo = BigInt.asUintN(64, (lo << 8n) | b);
  }
  return hcall(H_PUT_TERM_CHAR, CONSOLE, BigInt(length), hi, lo, 0n, 0n, 0n);
}

/** Print a string literal followed by a newline on the partition console. */
export function println(s: string): void {
  let n = 0;
  for (let i = 0; i <= s.length; i++) {
    chunk[n++] = i < s.length ? s.charCodeAt(i) : 0x0a;
    if (n === 16 || i === s.length) {
      putChunk(n);
      n = 0;
    }
  }
}

/** Print the first `length` bytes of `bytes` (at most bytes.length), then a newline. */
export function printBytes(bytes: Uint8Array, length: number): void {
  let n = 0;
  for (let i = 0; i <= length; i++) {
    chunk[n++] = i < length ? bytes[i] : 0x0a;
    if (n === 16 || i === length) {
      putChunk(n);
      n = 0;
    }
  }
}

/** Print a string, then a number in decimal, then a newline. */
export function printNumber(s: string, value: number): void {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    chunk[n++] = s.charCodeAt(i);
    if (n === 16) { putChunk(n); n = 0; }
  }
  let v = value < 0 ? -value : value;
  const buf = decimal;
  let k = 0;
  do {
    buf[k++] = 0x30 + (v % 10);
    v = Math.trunc(v / 10);
  } while (v > 0);
  if (value < 0) buf[k++] = 0x2d;
  while (k > 0) {
    chunk[n++] = buf[--k];
    if (n === 16) { putChunk(n); n = 0; }
  }
  chunk[n++] = 0x0a;
  putChunk(n);
}

const decimal = new Uint8Array(24);

/** Halt this partition with `status` (never returns). */
export function halt(status: u64): void {
  hcall(H_TSHYPE_HALT, status, 0n, 0n, 0n, 0n, 0n, 0n);
}

/** The partition's device tree: the FDT_SPACE bytes at the top of its memory (lpar/loader.ts). */
const FDT_LIMIT = 0x10000;
const tree = new Fdt();

/**
 * Ask to be restarted (RTAS system-reboot, its token from /rtas of the tree at `fdt`), with the
 * 12-byte RTAS argument block at `buffer` (logical, in this partition's memory). Never returns
 * when the hypervisor takes it: the partition starts again from its image.
 */
export function systemReboot(fdt: u64, buffer: u64): void {
  const rtas = tree.open(fdt, FDT_LIMIT) === FdtStatus.Ok ? tree.pathOffset('/rtas') : -1;
  store32(buffer, rtas < 0 ? 0 : tree.getU32(rtas, 'system-reboot', 0));
  store32(BigInt.asUintN(64, buffer + 4n), 0);   // no arguments
  store32(BigInt.asUintN(64, buffer + 8n), 1);   // one return (status)
  hcall(H_RTAS, buffer, 0n, 0n, 0n, 0n, 0n, 0n);
  for (;;) hcall(H_CONFER, 0xffffffffffffffffn, 0n, 0n, 0n, 0n, 0n, 0n);   // the reboot ends this run
}

/**
 * The console's unit address, as a PAPR client finds it: the `reg` of /vdevice/vty in the
 * device tree at `fdt`; 0 (terminal 0, the console too) when the tree does not say.
 */
export function consoleUnitAddress(fdt: u64): u64 {
  if (tree.open(fdt, FDT_LIMIT) !== FdtStatus.Ok) return CONSOLE;
  const vty = tree.pathOffset('/vdevice/vty');
  return vty < 0 ? CONSOLE : BigInt(tree.getU32(vty, 'reg', 0));
}

const HEX = new Uint8Array(16);

/** Print `label`, then bytes[off..off+len) as lower-case hex, then a newline (in 16-byte pieces). */
export function printHex(label: string, bytes: Uint8Array, off: number, len: number): void {
  let n = 0;
  for (let i = 0; i < label.length; i++) {
    chunk[n++] = label.charCodeAt(i);
    if (n === 16) { putChunk(n); n = 0; }
  }
  for (let i = 0; i < 2 * len; i++) {
    if (i === 0) for (let j = 0; j < 16; j++) HEX[j] = j < 10 ? 0x30 + j : 0x57 + j;
    const b = bytes[off + (i >>> 1)];
    chunk[n++] = HEX[(i & 1) === 0 ? b >>> 4 : b & 15];
    if (n === 16) { putChunk(n); n = 0; }
  }
  chunk[n++] = 0x0a;
  putChunk(n);
}
