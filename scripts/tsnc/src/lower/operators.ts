/**
 * Integer operators with the semantics of docs/restricted-typescript.md:
 * numbers are exact integers with ToInt32/ToUint32 on bitwise operators; bigints are 64-bit
 * values whose kind (u64/i64) picks unsigned or signed shifts, division and comparisons.
 */
import * as ts from 'typescript';
import { i64 } from '../ir';
import { BIG, BOOL, I64, NUM, U64, isBig, kindName } from '../kinds';
import { skipParens } from './constants';
import type { FunctionLowering, Value } from './function';

const K = ts.SyntaxKind;

const COMPARE: Partial<Record<ts.SyntaxKind, string>> = {
  [K.LessThanToken]: 'lt', [K.LessThanEqualsToken]: 'le', [K.GreaterThanToken]: 'gt', [K.GreaterThanEqualsToken]: 'ge',
};
const BITWISE: Partial<Record<ts.SyntaxKind, string>> = { [K.AmpersandToken]: 'and', [K.BarToken]: 'or', [K.CaretToken]: 'xor' };

/** Bigint operators whose JS result can leave 64 bits, so they must be wrapped. */
export function needsWrap(op: ts.SyntaxKind): boolean {
  return op === K.PlusToken || op === K.MinusToken || op === K.AsteriskToken || op === K.LessThanLessThanToken;
}

/** Operators that commute with reduction mod 2^64 (allowed anywhere inside a wrap). */
function isRingOperator(op: ts.SyntaxKind): boolean {
  return needsWrap(op) || op in BITWISE;
}

/** Truncate a number to i32 (ToInt32's bits). */
function low32(fl: FunctionLowering, v: string): string { return fl.b.value(`trunc i64 ${v} to i32`); }

/** Number operators. `divForm` selects `(a / b) | 0` ('i32') or `(a / b) >>> 0` ('u32') for '/'. */
export function numberBinary(fl: FunctionLowering, op: ts.SyntaxKind, a: Value, b: Value, at: ts.Node, divForm?: 'i32' | 'u32'): Value {
  const v = (text: string): Value => ({ v: fl.b.value(text), k: NUM });
  const cmp = COMPARE[op];
  if (cmp) return { v: fl.b.value(`icmp s${cmp} i64 ${a.v}, ${b.v}`), k: BOOL };
  switch (op) {
    case K.PlusToken: return v(`add nsw i64 ${a.v}, ${b.v}`);
    case K.MinusToken: return v(`sub nsw i64 ${a.v}, ${b.v}`);
    case K.AsteriskToken: return v(`mul nsw i64 ${a.v}, ${b.v}`);
    case K.PercentToken:
      fl.trapUnless(fl.b.value(`icmp ne i64 ${b.v}, 0`));
      return v(`srem i64 ${a.v}, ${b.v}`);
    case K.SlashToken: {
      if (!divForm) return fl.error(at, "'/' gives a fraction: write (a / b) | 0");
      const zero = fl.b.value(`icmp eq i64 ${b.v}, 0`);
      const q = fl.b.value(`sdiv i64 ${a.v}, ${fl.b.value(`select i1 ${zero}, i64 1, i64 ${b.v}`)}`);
      const w = low32(fl, fl.b.value(`select i1 ${zero}, i64 0, i64 ${q}`));
      return v(`${divForm === 'u32' ? 'zext' : 'sext'} i32 ${w} to i64`);
    }
    case K.LessThanLessThanToken: case K.GreaterThanGreaterThanToken: case K.GreaterThanGreaterThanGreaterThanToken: {
      const n = fl.b.value(`and i32 ${low32(fl, b.v)}, 31`);
      const name = op === K.LessThanLessThanToken ? 'shl' : op === K.GreaterThanGreaterThanToken ? 'ashr' : 'lshr';
      const r = fl.b.value(`${name} i32 ${low32(fl, a.v)}, ${n}`);
      return v(`${op === K.GreaterThanGreaterThanGreaterThanToken ? 'zext' : 'sext'} i32 ${r} to i64`);
    }
  }
  const bit = BITWISE[op];
  if (bit) return v(`sext i32 ${fl.b.value(`${bit} i32 ${low32(fl, a.v)}, ${low32(fl, b.v)}`)} to i64`);
  return fl.error(at, `operator '${ts.tokenToString(op)}' is not supported on numbers`);
}

/** Exact division of numbers, truncating or flooring (Math.trunc / Math.floor of a / b). */
export function numberDivide(fl: FunctionLowering, a: Value, b: Value, floor: boolean): Value {
  fl.trapUnless(fl.b.value(`icmp ne i64 ${b.v}, 0`));
  const q = fl.b.value(`sdiv i64 ${a.v}, ${b.v}`);
  if (!floor) return { v: q, k: NUM };
  const r = fl.b.value(`srem i64 ${a.v}, ${b.v}`);
  const nonzero = fl.b.value(`icmp ne i64 ${r}, 0`);
  const signs = fl.b.value(`icmp slt i64 ${fl.b.value(`xor i64 ${r}, ${b.v}`)}, 0`);
  const adjust = fl.b.value(`and i1 ${nonzero}, ${signs}`);
  return { v: fl.b.value(`sub i64 ${q}, ${fl.b.value(`zext i1 ${adjust} to i64`)}`), k: NUM };
}

/** Bigint operators outside a wrap: bitwise, >>, /, %, comparisons. */
export function bigintBinary(fl: FunctionLowering, op: ts.SyntaxKind, a: Value, b: Value, at: ts.Node): Value {
  if (needsWrap(op)) return fl.error(at, `bigint '${ts.tokenToString(op)}' must be wrapped in BigInt.asUintN(64, …) or BigInt.asIntN(64, …)`, BIG);
  if (op === K.GreaterThanGreaterThanToken) return shiftRight(fl, a, checkCount(fl, b, at));
  const unified = fl.unifyBig(a, b, at);
  const bit = BITWISE[op];
  if (bit) {
    // `x & ~MASK`: a negative constant only clears bits of a u64, so the result stays in range
    const maskOk = (v: Value): boolean => op === K.AmpersandToken && unified.t === 'u64' && isI64Constant(v);
    if (!maskOk(a)) a = fl.coerce(a, unified, at);
    if (!maskOk(b)) b = fl.coerce(b, unified, at);
    return { v: fl.b.value(`${bit} i64 ${a.v}, ${b.v}`), k: unified };
  }
  // BigInt(n) values are signed; a constant compared with them must fit i64
  const k = unified.t === 'big' ? I64 : unified;
  a = fl.coerce(a, k, at);
  b = fl.coerce(b, k, at);
  const signed = k.t !== 'u64';
  const cmp = COMPARE[op];
  if (cmp) return { v: fl.b.value(`icmp ${signed ? 's' : 'u'}${cmp} i64 ${a.v}, ${b.v}`), k: BOOL };
  if (op === K.SlashToken || op === K.PercentToken) return bigDivide(fl, op === K.SlashToken, signed, a, b, k);
  return fl.error(at, `operator '${ts.tokenToString(op)}' is not supported on bigint`, k);
}

function bigDivide(fl: FunctionLowering, quotient: boolean, signed: boolean, a: Value, b: Value, k: Value['k']): Value {
  fl.trapUnless(fl.b.value(`icmp ne i64 ${b.v}, 0`));
  if (!signed) return { v: fl.b.value(`${quotient ? 'udiv' : 'urem'} i64 ${a.v}, ${b.v}`), k };
  // -2^63 / -1 overflows natively (undefined in LLVM): divide by 1 instead and negate (wraps to -2^63), remainder 0
  const minusOne = fl.b.value(`icmp eq i64 ${b.v}, -1`);
  const d = fl.b.value(`select i1 ${minusOne}, i64 1, i64 ${b.v}`);
  if (quotient) {
    const q = fl.b.value(`sdiv i64 ${a.v}, ${d}`);
    return { v: fl.b.value(`select i1 ${minusOne}, i64 ${fl.b.value(`sub i64 0, ${a.v}`)}, i64 ${q}`), k };
  }
  const r = fl.b.value(`srem i64 ${a.v}, ${d}`);
  return { v: fl.b.value(`select i1 ${minusOne}, i64 0, i64 ${r}`), k };
}

/** `a >> n`: logical for u64, arithmetic for i64 (and BigInt(n) values); counts >= 64 saturate. */
function shiftRight(fl: FunctionLowering, a: Value, n: Value): Value {
  const nonNegativeConstant = a.k.t === 'big' && !!a.c && typeof a.c.value === 'bigint' && a.c.value >= 0n;
  const arith = a.k.t === 'i64' || (a.k.t === 'big' && !nonNegativeConstant);
  const k = a.k.t !== 'big' ? a.k : arith ? I64 : U64;
  if (n.c && typeof n.c.value === 'bigint') {
    const count = n.c.value >= 63n ? 63n : n.c.value;
    if (!arith && n.c.value >= 64n) return { v: '0', k };
    return { v: fl.b.value(`${arith ? 'ashr' : 'lshr'} i64 ${a.v}, ${count}`), k };
  }
  const big = fl.b.value(`icmp ugt i64 ${n.v}, 63`);
  const count = fl.b.value(`select i1 ${big}, i64 63, i64 ${n.v}`);
  const r = fl.b.value(`${arith ? 'ashr' : 'lshr'} i64 ${a.v}, ${count}`);
  if (arith) return { v: r, k };
  return { v: fl.b.value(`select i1 ${big}, i64 0, i64 ${r}`), k };
}

/** A `big` constant in the i64 range (as `~0xfn` is). */
function isI64Constant(v: Value): boolean {
  return v.k.t === 'big' && !!v.c && typeof v.c.value === 'bigint' && v.c.value >= -(1n << 63n) && v.c.value < (1n << 63n);
}

/** Check a bigint shift count: u64, or a non-negative constant. */
function checkCount(fl: FunctionLowering, n: Value, at: ts.Node): Value {
  if (n.c && typeof n.c.value === 'bigint') {
    if (n.c.value < 0n) fl.error(at, 'negative shift count');
    return n;
  }
  if (n.k.t === 'i64') fl.error(at, 'a bigint shift count must be u64 (a negative count would shift the other way)');
  else if (!isBig(n.k)) fl.error(at, `a bigint shift count must be a bigint, not ${kindName(n.k)}`);
  return n;
}

/** Lower a bigint shift count expression and check it. */
export function shiftCount(fl: FunctionLowering, e: ts.Expression): Value {
  return checkCount(fl, fl.expr(e), e);
}

/** One ring operation on two i64 operands; `<<` by 64 or more gives 0. Returns the instruction text. */
export function ringInstruction(fl: FunctionLowering, op: ts.SyntaxKind, a: string, b: string): string {
  if (op === K.LessThanLessThanToken) {
    const big = fl.b.value(`icmp ugt i64 ${b}, 63`);
    const shifted = fl.b.value(`shl i64 ${a}, ${fl.b.value(`and i64 ${b}, 63`)}`);
    return `select i1 ${big}, i64 0, i64 ${shifted}`;
  }
  const name = op === K.PlusToken ? 'add' : op === K.MinusToken ? 'sub' : op === K.AsteriskToken ? 'mul' : BITWISE[op]!;
  return `${name} i64 ${a}, ${b}`;
}

/**
 * Lower a bigint expression inside a wrap (BigInt.asUintN/asIntN(k, …) or a store into a
 * BigUint64Array element): + - * << & | ^ ~ and unary - commute with reduction mod 2^64, so they
 * are computed directly on 64 bits whatever the kinds of their operands.
 */
export function ringOperation(fl: FunctionLowering, e: ts.Expression): Value {
  const c = fl.comp.constant(e);
  if (c && typeof c.value === 'bigint') return { v: i64(BigInt.asUintN(64, c.value)), k: BIG };
  e = skipParens(e);
  if (ts.isBinaryExpression(e) && isRingOperator(e.operatorToken.kind) && fl.isBigintExpr(e)) {
    const op = e.operatorToken.kind;
    const a = ringOperation(fl, e.left);
    const b = op === K.LessThanLessThanToken ? shiftCount(fl, e.right) : ringOperation(fl, e.right);
    return { v: fl.b.value(ringInstruction(fl, op, a.v, b.v)), k: BIG };
  }
  if (ts.isPrefixUnaryExpression(e) && (e.operator === K.MinusToken || e.operator === K.TildeToken) && fl.isBigintExpr(e)) {
    const a = ringOperation(fl, e.operand);
    return { v: fl.b.value(e.operator === K.MinusToken ? `sub i64 0, ${a.v}` : `xor i64 ${a.v}, -1`), k: BIG };
  }
  const v = fl.expr(e);
  return isBig(v.k) ? v : fl.error(e, `expected a bigint, got ${kindName(v.k)}`, BIG);
}
