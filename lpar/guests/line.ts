/**
 * One console line of a test partition, built a piece at a time (strings, hex and decimal
 * numbers, NUL-terminated strings in memory) and printed with endLine(); what does not fit in
 * 160 bytes (the hypervisor's LINE_MAX, lpar/partition.ts) is dropped.
 */
import { load8, type u64 } from 'tsnc';
import { printBytes } from './lib';

const line = new Uint8Array(160);
let lineLength = 0;

/** Append a string literal. */
export function put(s: string): void {
  for (let i = 0; i < s.length && lineLength < line.length; i++) line[lineLength++] = s.charCodeAt(i);
}

/** Append `v` as 0x and hex digits without leading zeros. */
export function putHex(v: u64): void {
  put('0x');
  let shift = 60;
  while (shift > 0 && ((v >> BigInt(shift)) & 0xfn) === 0n) shift -= 4;
  for (; shift >= 0; shift -= 4) {
    const d = Number((v >> BigInt(shift)) & 0xfn);
    if (lineLength < line.length) line[lineLength++] = d < 10 ? 0x30 + d : 0x57 + d;
  }
}

/** Append a non-negative integer in decimal. */
export function putDecimal(n: number): void {
  if (n >= 10) putDecimal(Math.trunc(n / 10));
  if (lineLength < line.length) line[lineLength++] = 0x30 + (n % 10);
}

/** Append the NUL-terminated string (at most 32 characters) at partition address `at`. */
export function putStringAt(at: u64): void {
  for (let i = 0; i < 32; i++) {
    const c = load8(BigInt.asUintN(64, at + BigInt(i)));
    if (c === 0) return;
    if (lineLength < line.length) line[lineLength++] = c;
  }
}

/** Print the line (with a newline) and start a new one. */
export function endLine(): void {
  printBytes(line, lineLength);
  lineLength = 0;
}
