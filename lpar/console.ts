/**
 * Partition consoles: bytes a partition writes are assembled into lines and printed on the
 * machine console as `[<partition name>] <line>`, so every partition and the hypervisor
 * (`[hv] `) share one serial line readably. Carriage returns are dropped, unprintable bytes
 * shown as '.', and a line longer than LINE_MAX is broken.
 */
import { consoleWrite } from '@platform';
import { LINE_MAX, Partition } from './partition';

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
