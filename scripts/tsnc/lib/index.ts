/**
 * tsnc — what restricted TypeScript imports from "tsnc".
 *
 * - Integer type aliases. `number` is an exact integer (below 2^53 in magnitude) in both
 *   executions, the 8/16/32-bit aliases document intent; `bigint` is a 64-bit register value
 *   (kept in range with BigInt.asUintN/asIntN(64, …)).
 *   The alias of a bigint (`u64` or `i64`) is what selects unsigned or signed shifts,
 *   compares and division natively, so declare it.
 * - Intrinsics (intrinsics.ts): in Node they run the host implementation in host.ts;
 *   tsnc lowers each call to the instruction it names.
 * - Wrapped 64-bit helpers (int64.ts): ordinary restricted code, compiled like any other.
 */
export type u8 = number;
export type u16 = number;
export type u32 = number;
export type i8 = number;
export type i16 = number;
export type i32 = number;
export type u64 = bigint;
export type i64 = bigint;

export {
  load8, load16, load32, load64, store8, store16, store32, store64,
  load16le, load32le, load64le, store16le, store32le, store64le,
  ciLoad8, ciLoad16, ciLoad32, ciLoad64, ciStore8, ciStore16, ciStore32, ciStore64,
  mfspr, mtspr, mfmsr, mtmsrd, mftb,
  sync, isync, lwsync, eieio, ptesync,
  dcbf, dcbst, dcbz, icbi,
  tlbie, tlbiel, tlbsync, slbia,
  clz64, ctz64, popcnt64, bswap16, bswap32, bswap64,
  asm, trap, pool,
} from './intrinsics';

export {
  add64, sub64, mul64, neg64, not64, shl64, rotl64, rotr64, rotl32, rotr32,
  toI64, toU64, lo32, hi32, make64,
} from './int64';
