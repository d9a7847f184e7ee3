/**
 * The console marker every platform prints when it powers off with a non-zero status
 * (`[hv] PANIC: exit status N`): the only sign of failure on powernv, which has no way to
 * pass an exit code to QEMU, and the ibm,os-term message on pseries.
 */

const PREFIX = '[hv] PANIC: exit status ';

/**
 * Write the marker for `status` into `out` from index 0, without a line end, and return its
 * length. `out` must hold at least PANIC_MARKER_MAX bytes.
 */
export function panicMarker(out: Uint8Array, status: number): number {
  let n = 0;
  for (let i = 0; i < PREFIX.length; i++) {
    out[n] = PREFIX.charCodeAt(i);
    n++;
  }
  let v = status;
  if (v < 0) {
    out[n] = 0x2d;   // '-'
    n++;
    v = -v;
  }
  // digits, least significant first, then reversed in place
  const first = n;
  do {
    out[n] = 0x30 + (v % 10);
    n++;
    v = Math.trunc(v / 10);
  } while (v !== 0);
  let i = first;
  let j = n - 1;
  while (i < j) {
    const t = out[i];
    out[i] = out[j];
    out[j] = t;
    i++;
    j--;
  }
  return n;
}

/** Bytes `panicMarker` may write: the prefix, a sign and 16 digits (|status| < 2^53). */
export const PANIC_MARKER_MAX = 24 + 1 + 16;
