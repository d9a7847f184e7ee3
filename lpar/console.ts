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
import { LINE_MAX, Partition } from './partition';

// ---- the hypervisor's output ----------------------------------------------------------------

/** Bytes staged per consoleWrite call. */
const CHUNK = 64;
const staging = new Uint8Array(CHUNK);

/** Write the characters of `s` (ASCII). */
export function writeString(s: string): void {
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

/** Write `s` and a line end. */
export function writeLine(s: string): void {
  writeString(s);
  writeString('\n');
}

/** Write the low `digits` (1..16) hexadecimal digits of `v`, lower case, zero-padded. */
export function writeHex(v: u64, digits: number): void {
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

/** Print the partition's pending line (if any) with its prefix and a newline. */
export function flushLine(p: Partition): void {
  let n = 0;
  out[n++] = 0x5b;   // '['
  for (let i = 0; i < p.name.length; i++) out[n++] = p.name.charCodeAt(i);
  out[n++] = 0x5d;   // ']'
  out[n++] = 0x20;
  for (let i = 0; i < p.lineLength; i++) out[n++] = p.line[i];
  out[n++] = 0x0a;
  consoleWrite(out, n);
  p.lineLength = 0;
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
