/**
 * String helpers for restricted code (strings are static ASCII literals: `.length` and
 * `.charCodeAt(i)` are all there is).
 */

/** Byte-wise string equality (strings cannot be compared with === in restricted code). */
export function sameString(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a.charCodeAt(i) !== b.charCodeAt(i)) return false;
  return true;
}
