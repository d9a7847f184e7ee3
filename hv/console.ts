/**
 * The hypervisor's own console output: strings, hexadecimal and decimal numbers, written to
 * the platform console ("@platform" consoleWrite). Lines end in "\n" alone, like the partition
 * console lines (lpar/console.ts). No locking: one CPU runs the hypervisor for now.
 */
import type { u64 } from 'tsnc';
import { consoleWrite } from '@platform';

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
