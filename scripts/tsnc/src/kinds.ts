/**
 * Value kinds: what a restricted-TS value is natively.
 *
 * num  — an exact integer (`number`), i64
 * u64  — unsigned 64-bit bigint, i64
 * i64  — signed 64-bit bigint, i64
 * big  — a bigint whose signedness comes from where it is used (literals, constants, BigInt(n))
 * bool — i1 in registers, a byte in memory
 * str, arr (typed array), obj (class instance), objarr (Array<Class>) — pointers
 */

/** A typed-array element type. */
export interface ElemType {
  readonly ctor: string;
  readonly llty: 'i8' | 'i16' | 'i32' | 'i64';
  readonly bytes: number;
  readonly signed: boolean;
  readonly big: boolean;
}

export const ELEM_TYPES: ReadonlyMap<string, ElemType> = new Map([
  ['Uint8Array', { ctor: 'Uint8Array', llty: 'i8', bytes: 1, signed: false, big: false }],
  ['Int8Array', { ctor: 'Int8Array', llty: 'i8', bytes: 1, signed: true, big: false }],
  ['Uint16Array', { ctor: 'Uint16Array', llty: 'i16', bytes: 2, signed: false, big: false }],
  ['Int16Array', { ctor: 'Int16Array', llty: 'i16', bytes: 2, signed: true, big: false }],
  ['Uint32Array', { ctor: 'Uint32Array', llty: 'i32', bytes: 4, signed: false, big: false }],
  ['Int32Array', { ctor: 'Int32Array', llty: 'i32', bytes: 4, signed: true, big: false }],
  ['BigUint64Array', { ctor: 'BigUint64Array', llty: 'i64', bytes: 8, signed: false, big: true }],
  ['BigInt64Array', { ctor: 'BigInt64Array', llty: 'i64', bytes: 8, signed: true, big: true }],
] as [string, ElemType][]);

/** Layout and members of a class, filled in by the lowering. */
export interface ClassInfo {
  readonly name: string;
  readonly symbol: string;
  fields: FieldInfo[];
  size: number;
}

export interface FieldInfo {
  readonly name: string;
  readonly kind: Kind;
  readonly offset: number;
}

export type Kind =
  | { readonly t: 'num' } | { readonly t: 'u64' } | { readonly t: 'i64' } | { readonly t: 'big' }
  | { readonly t: 'bool' } | { readonly t: 'void' } | { readonly t: 'never' } | { readonly t: 'str' }
  | { readonly t: 'arr'; readonly el: ElemType }
  | { readonly t: 'obj'; readonly cls: ClassInfo }
  | { readonly t: 'objarr'; readonly cls: ClassInfo };

export const NUM: Kind = { t: 'num' };
export const U64: Kind = { t: 'u64' };
export const I64: Kind = { t: 'i64' };
export const BIG: Kind = { t: 'big' };
export const BOOL: Kind = { t: 'bool' };
export const VOID: Kind = { t: 'void' };
export const NEVER: Kind = { t: 'never' };
export const STR: Kind = { t: 'str' };

/** A bigint kind (u64, i64 or the adaptable `big`). */
export function isBig(k: Kind): boolean { return k.t === 'u64' || k.t === 'i64' || k.t === 'big'; }
/** Held in a 64-bit integer register. */
export function isInt(k: Kind): boolean { return k.t === 'num' || isBig(k); }
/** Held as a pointer. */
export function isRef(k: Kind): boolean { return k.t === 'str' || k.t === 'arr' || k.t === 'obj' || k.t === 'objarr'; }

/** The LLVM type of a value of kind `k` in a register. */
export function llType(k: Kind): string {
  if (isInt(k)) return 'i64';
  if (k.t === 'bool') return 'i1';
  if (k.t === 'void' || k.t === 'never') return 'void';
  return 'ptr';
}

/** The LLVM type of a value of kind `k` in memory (a field or a global). */
export function memType(k: Kind): string { return k.t === 'bool' ? 'i8' : llType(k); }

/** Readable name of a kind, for messages. */
export function kindName(k: Kind): string {
  switch (k.t) {
    case 'num': return 'number';
    case 'big': return 'bigint';
    case 'arr': return k.el.ctor;
    case 'obj': return k.cls.name;
    case 'objarr': return `Array<${k.cls.name}>`;
    case 'str': return 'string';
    default: return k.t === 'bool' ? 'boolean' : k.t;
  }
}

/** Same kind (classes compared by identity). */
export function sameKind(a: Kind, b: Kind): boolean {
  if (a.t !== b.t) return false;
  if (a.t === 'arr' && b.t === 'arr') return a.el === b.el;
  if ((a.t === 'obj' || a.t === 'objarr') && (b.t === 'obj' || b.t === 'objarr')) return a.cls === b.cls;
  return true;
}
