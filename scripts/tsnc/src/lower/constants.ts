/**
 * Compile-time constants: literals, `const` bindings with constant initialisers, `const enum`
 * members, and operators and conversions applied to constants. Folding uses JavaScript's own
 * semantics, so a folded value is exactly what Node computes; a number result that is not an
 * exact safe integer is not a constant (the lowering then reports the expression).
 */
import * as ts from 'typescript';
import { BIG, BOOL, I64, Kind, NUM, STR, U64 } from '../kinds';
import type { Compilation } from './compilation';

/** A folded value and its kind (`big` for bigints whose signedness the use decides). */
export interface Const {
  value: number | bigint | boolean | string;
  kind: Kind;
}

const K = ts.SyntaxKind;

/** Fold `expr`, or undefined if it is not a compile-time constant. */
export function foldConstant(comp: Compilation, expr: ts.Expression): Const | undefined {
  const e = skipParens(expr);
  if (ts.isNumericLiteral(e)) {
    const v = Number(e.text);
    return Number.isSafeInteger(v) ? { value: v, kind: NUM } : undefined;
  }
  if (ts.isBigIntLiteral(e)) return { value: BigInt(e.text.slice(0, -1)), kind: BIG };
  if (e.kind === K.TrueKeyword) return { value: true, kind: BOOL };
  if (e.kind === K.FalseKeyword) return { value: false, kind: BOOL };
  if (ts.isStringLiteral(e)) return { value: e.text, kind: STR };
  if (ts.isIdentifier(e)) return constBinding(comp, e);
  if (ts.isPropertyAccessExpression(e)) return enumMember(comp, e);
  if (ts.isPrefixUnaryExpression(e)) return foldPrefix(comp, e);
  if (ts.isBinaryExpression(e)) return foldBinary(comp, e);
  if (ts.isCallExpression(e)) return foldCall(comp, e);
  if (ts.isConditionalExpression(e)) {
    const c = foldConstant(comp, e.condition);
    if (!c || typeof c.value !== 'boolean') return undefined;
    return foldConstant(comp, c.value ? e.whenTrue : e.whenFalse);
  }
  return undefined;
}

/** Strip parentheses. */
export function skipParens(e: ts.Expression): ts.Expression {
  while (ts.isParenthesizedExpression(e)) e = e.expression;
  return e;
}

function constBinding(comp: Compilation, id: ts.Identifier): Const | undefined {
  const decl = comp.declOf(id);
  if (!decl || !ts.isVariableDeclaration(decl) || !decl.initializer) return undefined;
  if (!(decl.parent.flags & ts.NodeFlags.Const) || !ts.isVariableDeclarationList(decl.parent)) return undefined;
  if (decl.initializer === id) return undefined;
  const c = foldConstant(comp, decl.initializer);
  if (!c || typeof c.value !== 'bigint' || !decl.type) return c;
  return { value: c.value, kind: comp.kindOfTypeNode(decl.type) };   // a typed bigint constant keeps its kind
}

function enumMember(comp: Compilation, e: ts.PropertyAccessExpression): Const | undefined {
  const v = comp.checker.getConstantValue(e);
  return typeof v === 'number' && Number.isSafeInteger(v) ? { value: v, kind: NUM } : undefined;
}

function foldPrefix(comp: Compilation, e: ts.PrefixUnaryExpression): Const | undefined {
  if (e.operator === K.PlusPlusToken || e.operator === K.MinusMinusToken) return undefined;
  const c = foldConstant(comp, e.operand);
  if (!c) return undefined;
  const v = c.value;
  switch (e.operator) {
    case K.ExclamationToken: return typeof v === 'boolean' ? { value: !v, kind: BOOL } : undefined;
    case K.MinusToken: return typeof v === 'number' ? num(-v) : typeof v === 'bigint' ? { value: -v, kind: BIG } : undefined;
    case K.PlusToken: return typeof v === 'number' ? c : undefined;
    case K.TildeToken: return typeof v === 'number' ? num(~v) : typeof v === 'bigint' ? { value: ~v, kind: BIG } : undefined;
  }
  return undefined;
}

function num(v: number): Const | undefined {
  if (!Number.isSafeInteger(v)) return undefined;
  return { value: v === 0 ? 0 : v, kind: NUM };
}

/** Combine the kinds of two bigint constants (typed beats `big`). */
function bigKind(a: Kind, b: Kind): Kind {
  if (a.t === 'big') return b;
  return a;
}

function foldBinary(comp: Compilation, e: ts.BinaryExpression): Const | undefined {
  const op = e.operatorToken.kind;
  if (op === K.EqualsToken || op >= K.FirstCompoundAssignment && op <= K.LastCompoundAssignment) return undefined;
  const a = foldConstant(comp, e.left);
  if (!a) return undefined;
  if (op === K.AmpersandAmpersandToken || op === K.BarBarToken) {
    if (typeof a.value !== 'boolean') return undefined;
    if (a.value === (op === K.BarBarToken)) return a;
  }
  const b = foldConstant(comp, e.right);
  if (!b) return undefined;
  const x = a.value, y = b.value;
  if (typeof x === 'number' && typeof y === 'number') return foldNumber(op, x, y, e);
  if (typeof x === 'bigint' && typeof y === 'bigint') return foldBigint(op, x, y, bigKind(a.kind, b.kind));
  if (typeof x === 'boolean' && typeof y === 'boolean') {
    switch (op) {
      case K.EqualsEqualsEqualsToken: return { value: x === y, kind: BOOL };
      case K.ExclamationEqualsEqualsToken: return { value: x !== y, kind: BOOL };
      case K.AmpersandAmpersandToken: case K.BarBarToken: return b;
    }
  }
  return undefined;
}

/** Fold a comparison of two numbers or two bigints (JS compares both kinds the same way). */
function foldCompare(op: ts.SyntaxKind, x: number | bigint, y: number | bigint): Const | undefined {
  switch (op) {
    case K.LessThanToken: return { value: x < y, kind: BOOL };
    case K.LessThanEqualsToken: return { value: x <= y, kind: BOOL };
    case K.GreaterThanToken: return { value: x > y, kind: BOOL };
    case K.GreaterThanEqualsToken: return { value: x >= y, kind: BOOL };
    case K.EqualsEqualsEqualsToken: return { value: x === y, kind: BOOL };
    case K.ExclamationEqualsEqualsToken: return { value: x !== y, kind: BOOL };
  }
  return undefined;
}

function foldNumber(op: ts.SyntaxKind, x: number, y: number, e: ts.BinaryExpression): Const | undefined {
  switch (op) {
    case K.PlusToken: return num(x + y);
    case K.MinusToken: return num(x - y);
    case K.AsteriskToken: return num(x * y);
    case K.PercentToken: return y === 0 ? undefined : num(x % y);
    case K.SlashToken:   // an exact constant quotient is an integer in JS too; others only in the division forms
      if (isDivisionForm(e)) return { value: x / y, kind: NUM };
      return Number.isInteger(x / y) ? num(x / y) : undefined;
    case K.AmpersandToken: return num(x & y);
    case K.BarToken: return num(x | y);
    case K.CaretToken: return num(x ^ y);
    case K.LessThanLessThanToken: return num(x << y);
    case K.GreaterThanGreaterThanToken: return num(x >> y);
    case K.GreaterThanGreaterThanGreaterThanToken: return num(x >>> y);
  }
  return foldCompare(op, x, y);
}

/** A `/` whose quotient is immediately made an integer: `(a / b) | 0`, `>>> 0`, Math.trunc/floor. */
export function isDivisionForm(div: ts.Expression): boolean {
  let n: ts.Node = div;
  while (ts.isParenthesizedExpression(n.parent)) n = n.parent;
  const p = n.parent;
  if (ts.isBinaryExpression(p) && p.left === n && (p.operatorToken.kind === K.BarToken ||
      p.operatorToken.kind === K.GreaterThanGreaterThanGreaterThanToken)) {
    return ts.isNumericLiteral(skipParens(p.right)) && (skipParens(p.right) as ts.NumericLiteral).text === '0';
  }
  if (ts.isCallExpression(p) && p.arguments.length === 1) {
    const callee = p.expression.getText();
    return callee === 'Math.trunc' || callee === 'Math.floor';
  }
  return false;
}

function foldBigint(op: ts.SyntaxKind, x: bigint, y: bigint, kind: Kind): Const | undefined {
  const big = (value: bigint): Const => ({ value, kind });
  switch (op) {
    case K.PlusToken: return big(x + y);
    case K.MinusToken: return big(x - y);
    case K.AsteriskToken: return big(x * y);
    case K.SlashToken: return y === 0n ? undefined : big(x / y);
    case K.PercentToken: return y === 0n ? undefined : big(x % y);
    case K.AmpersandToken: return big(x & y);
    case K.BarToken: return big(x | y);
    case K.CaretToken: return big(x ^ y);
    case K.LessThanLessThanToken: return y < 0n || y > 1024n ? undefined : big(x << y);
    case K.GreaterThanGreaterThanToken: return y < 0n ? undefined : big(x >> y);
  }
  return foldCompare(op, x, y);
}

function foldCall(comp: Compilation, e: ts.CallExpression): Const | undefined {
  const callee = e.expression.getText();
  const args = e.arguments.map(a => foldConstant(comp, a));
  if (args.some(a => !a)) return undefined;
  const v = args.map(a => a!.value);
  switch (callee) {
    case 'BigInt.asUintN':
      return typeof v[0] === 'number' && typeof v[1] === 'bigint' ? { value: BigInt.asUintN(v[0], v[1]), kind: U64 } : undefined;
    case 'BigInt.asIntN':
      return typeof v[0] === 'number' && typeof v[1] === 'bigint' ? { value: BigInt.asIntN(v[0], v[1]), kind: I64 } : undefined;
    case 'BigInt': return typeof v[0] === 'number' ? { value: BigInt(v[0]), kind: BIG } : undefined;
    case 'Number': return typeof v[0] === 'bigint' ? num(Number(v[0])) : undefined;
    case 'Math.imul': return typeof v[0] === 'number' && typeof v[1] === 'number' ? num(Math.imul(v[0], v[1])) : undefined;
    case 'Math.trunc': return typeof v[0] === 'number' ? num(Math.trunc(v[0])) : undefined;
    case 'Math.floor': return typeof v[0] === 'number' ? num(Math.floor(v[0])) : undefined;
  }
  return undefined;
}
