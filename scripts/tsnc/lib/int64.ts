/**
 * Wrapped 64-bit arithmetic helpers. Ordinary restricted TypeScript: tsnc compiles these like
 * any other module (and LLVM inlines them), Node runs them as they are.
 */
import type { u32, u64, i64 } from './index';

/** a + b mod 2^64 */
export function add64(a: u64, b: u64): u64 { return BigInt.asUintN(64, a + b); }
/** a - b mod 2^64 */
export function sub64(a: u64, b: u64): u64 { return BigInt.asUintN(64, a - b); }
/** a * b mod 2^64 */
export function mul64(a: u64, b: u64): u64 { return BigInt.asUintN(64, a * b); }
/** -a mod 2^64 */
export function neg64(a: u64): u64 { return BigInt.asUintN(64, -a); }
/** bitwise not of a 64-bit value */
export function not64(a: u64): u64 { return BigInt.asUintN(64, ~a); }
/** a << n mod 2^64; n >= 64 gives 0 */
export function shl64(a: u64, n: u64): u64 { return BigInt.asUintN(64, a << n); }

/** rotate a 64-bit value left by n mod 64 */
export function rotl64(a: u64, n: u64): u64 {
  const s: u64 = n & 63n;
  if (s === 0n) return a;
  return BigInt.asUintN(64, a << s) | (a >> BigInt.asUintN(64, 64n - s));
}
/** rotate a 64-bit value right by n mod 64 */
export function rotr64(a: u64, n: u64): u64 { return rotl64(a, BigInt.asUintN(64, 64n - n) & 63n); }

/** rotate a 32-bit value left by n mod 32; the result is unsigned */
export function rotl32(a: u32, n: u32): u32 {
  const s = n & 31;
  return ((a << s) | (a >>> ((32 - s) & 31))) >>> 0;
}
/** rotate a 32-bit value right by n mod 32; the result is unsigned */
export function rotr32(a: u32, n: u32): u32 { return rotl32(a, (32 - (n & 31)) & 31); }

/** reinterpret an unsigned 64-bit value as signed */
export function toI64(a: u64): i64 { return BigInt.asIntN(64, a); }
/** reinterpret a signed 64-bit value as unsigned */
export function toU64(a: i64): u64 { return BigInt.asUintN(64, a); }
/** the low 32 bits, as an unsigned number */
export function lo32(a: u64): u32 { return Number(a & 0xffffffffn); }
/** the high 32 bits, as an unsigned number */
export function hi32(a: u64): u32 { return Number(a >> 32n); }
/** the 64-bit value hi:lo from two unsigned 32-bit halves (each taken mod 2^32) */
export function make64(hi: u32, lo: u32): u64 {
  return BigInt.asUintN(64, BigInt(hi >>> 0) << 32n) | BigInt(lo >>> 0);
}
