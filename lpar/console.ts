/**
 * The machine console, one serial line shared by the hypervisor and every partition:
 *
 *   the hypervisor   writes strings and numbers (writeString, writeLine, writeHex,
 *                    writeDecimal); its lines start with `[hv] ` by convention of its callers
 *   a partition      its bytes (hcalls/vty.ts, RTAS display-character) are assembled into
 *                    lines and printed as `[<partition name>] <line>`: carriage returns are
 *                    dropped, unprintable bytes shown as '.', a line longer than LINE_MAX is
 *                    broken. Partition names may not be `hv` (lpar/validate.ts), so no
 *                    partition prints under the hypervisor's prefix.
 *
 * Output goes to the platform console ("@platform" consoleWrite). Lines end in "\n" alone.
 * No locking: one CPU runs the hypervisor for now.
 */
import type { u64 } from 'tsnc';
import { consoleWrite } from '@platform';
import { INPUT_MAX, LINE_MAX, Partition } from './partition';

// ---- the hypervisor's output ----------------------------------------------------------------

/** Bytes staged per consoleWrite call. */
const CHUNK = 64;
const staging = new Uint8Array(CHUNK);

/**
 * The LPID of the partition whose last line is on the console without its end (a shell prompt
 * waiting for input: flushPartial), 0 when none. Anyone else who writes ends that line first.
 */
let openLine = 0;
const newline = new Uint8Array([0x0a]);

/** End the open partition line, if any, before other output. */
function closeOpenLine(): void {
  if (openLine === 0) return;
  openLine = 0;
  consoleWrite(newline, 1);
}

/** Write the characters of `s` (ASCII). */
export function writeString(s: string): void {
  closeOpenLine();
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    staging[n] = s.charCodeAt(i);
    n++;
    if (n === CHUNK) {
      consoleWrite(staging, n);
      n = 0;
    }
  }
  if (n > 0) consoleWrite(staging, n);
}

/** Write one byte. */
export function writeByte(b: number): void {
  closeOpenLine();
  staging[0] = b;
  consoleWrite(staging, 1);
}

/** Write `s` and a line end. */
export function writeLine(s: string): void {
  writeString(s);
  writeString('\n');
}

/** Write the low `digits` (1..16) hexadecimal digits of `v`, lower case, zero-padded. */
export function writeHex(v: u64, digits: number): void {
  closeOpenLine();
  let n = 0;
  for (let i = digits - 1; i >= 0; i--) {
    const nibble = Number((v >> BigInt(4 * i)) & 0xfn);
    staging[n] = nibble < 10 ? 0x30 + nibble : 0x57 + nibble;   // '0'.., 'a' - 10..
    n++;
  }
  consoleWrite(staging, n);
}

/** Write `v` in decimal, with a '-' when negative. */
export function writeDecimal(v: number): void {
  closeOpenLine();
  let n = 0;
  let rest = v;
  if (rest < 0) {
    writeString('-');
    rest = -rest;
  }
  // at most 16 digits (|v| < 2^53): fill from the end of the staging buffer
  let at = CHUNK;
  do {
    at--;
    staging[at] = 0x30 + (rest % 10);
    rest = Math.trunc(rest / 10);
    n++;
  } while (rest !== 0);
  for (let i = 0; i < n; i++) staging[i] = staging[at + i];
  consoleWrite(staging, n);
}

// ---- partition lines -------------------------------------------------------------------------

const out = new Uint8Array(LINE_MAX + 24);

/** Print the partition's pending bytes: after its prefix, or after its own open line; then `end`. */
function printLine(p: Partition, end: boolean): void {
  let n = 0;
  if (openLine !== p.lpid) {
    closeOpenLine();
    out[n++] = 0x5b;   // '['
    for (let i = 0; i < p.name.length; i++) out[n++] = p.name.charCodeAt(i);
    out[n++] = 0x5d;   // ']'
    out[n++] = 0x20;
  }
  for (let i = 0; i < p.lineLength; i++) out[n++] = p.line[i];
  if (end) out[n++] = 0x0a;
  consoleWrite(out, n);
  p.lineLength = 0;
  openLine = end ? 0 : p.lpid;
}

/** Print the partition's pending line (if any) with its prefix and a newline. */
export function flushLine(p: Partition): void {
  printLine(p, true);
}

/**
 * Show the partition's unfinished line now (a prompt, the echo of what is being typed) without
 * ending it: it stays open until the partition ends it or someone else prints.
 */
export function flushPartial(p: Partition): void {
  if (p.lineLength > 0) printLine(p, false);
}

/** Feed one byte of the partition's console output. */
export function consoleByte(p: Partition, b: number): void {
  const c = b & 0xff;
  if (c === 0x0d) return;
  if (c === 0x0a) { flushLine(p); return; }
  p.line[p.lineLength++] = c >= 0x20 && c < 0x7f ? c : 0x2e;
  if (p.lineLength === LINE_MAX) flushLine(p);
}

/** Print what is left of a partition's last line (when it halts or crashes without a newline). */
export function consoleFinish(p: Partition): void {
  if (p.lineLength > 0) flushLine(p);
}

// ---- partition input -------------------------------------------------------------------------

/** Queue one typed byte for the partition; false (dropped) when its buffer is full. */
export function inputPush(p: Partition, b: number): boolean {
  if (p.inputCount === INPUT_MAX) return false;
  p.input[(p.inputHead + p.inputCount) % INPUT_MAX] = b & 0xff;
  p.inputCount++;
  return true;
}

/** The oldest byte typed for the partition, or -1 when none waits. */
export function inputPop(p: Partition): number {
  if (p.inputCount === 0) return -1;
  const b = p.input[p.inputHead];
  p.inputHead = (p.inputHead + 1) % INPUT_MAX;
  p.inputCount--;
  return b;
}
