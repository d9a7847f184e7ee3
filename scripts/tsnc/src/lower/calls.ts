/**
 * Calls: functions, methods, `new`, pools and array literals, the JavaScript built-ins of the
 * subset (Math, BigInt, Number, typed-array and string methods), and tsnc's intrinsics.
 */
import * as ts from 'typescript';
import { i64, sym } from '../ir';
import { BIG, ClassInfo, ELEM_TYPES, I64, Kind, NUM, U64, VOID, isBig, kindName, llType } from '../kinds';
import type { FuncInfo } from './compilation';
import { isDivisionForm, skipParens } from './constants';
import type { FunctionLowering, Value } from './function';
import { numberDivide, ringOperation } from './operators';
import { INTRINSICS } from './intrinsics';

/** Lower a call expression. */
export function lowerCall(fl: FunctionLowering, e: ts.CallExpression, expected?: Kind): Value {
  const callee = e.expression;
  if (ts.isPropertyAccessExpression(callee)) {
    const target = callee.expression.getText();
    const name = callee.name.text;
    if (target === 'Math') return mathCall(fl, name, e);
    if (target === 'BigInt' && (name === 'asUintN' || name === 'asIntN')) return bigintWrap(fl, name === 'asUintN', e);
    return methodCall(fl, callee, e);
  }
  if (ts.isIdentifier(callee)) {
    if (callee.text === 'BigInt' && isGlobalBuiltin(fl, callee)) return bigintOf(fl, e);
    if (callee.text === 'Number' && isGlobalBuiltin(fl, callee)) return numberOf(fl, e);
    const decl = fl.comp.declOf(callee);
    if (fl.comp.isIntrinsic(decl)) {
      const lower = INTRINSICS.get(callee.text) ?? INTRINSICS.get((decl as ts.FunctionDeclaration).name?.text ?? '');
      if (lower) return lower(fl, e, expected);
      return fl.error(e, `intrinsic '${callee.text}' is not implemented natively`);
    }
    if (decl && ts.isFunctionDeclaration(decl)) return directCall(fl, fl.comp.funcInfo(decl), undefined, e.arguments, e);
  }
  return fl.error(e, 'only functions, methods and intrinsics can be called');
}

/** True when `id` names the global JS built-in (not a user declaration of the same name). */
function isGlobalBuiltin(fl: FunctionLowering, id: ts.Identifier): boolean {
  const decl = fl.comp.declOf(id);
  return !decl || decl.getSourceFile().isDeclarationFile;
}

/** Call a function with arguments converted to its parameter kinds. */
export function directCall(fl: FunctionLowering, f: FuncInfo, self: string | undefined, args: readonly ts.Expression[], at: ts.Node): Value {
  if (args.length !== f.params.length) return fl.error(at, `expected ${f.params.length} arguments, got ${args.length}`, f.ret);
  const texts: string[] = self ? [`ptr ${self}`] : [];
  args.forEach((a, i) => {
    const v = fl.coerce(fl.expr(a, f.params[i]), f.params[i], a);
    texts.push(`${llType(f.params[i])}${f.params[i].t === 'bool' ? ' zeroext' : ''} ${v.v}`);
  });
  if (f.external) fl.comp.declare(f.sym, `declare ${llType(f.ret)} ${sym(f.sym)}(${fl.comp.paramTypes(f).join(', ')})`);
  const call = `call ${llType(f.ret)} ${sym(f.sym)}(${texts.join(', ')})`;
  if (f.ret.t === 'void') { fl.b.emit(call); return { v: 'undef', k: VOID }; }
  if (f.ret.t === 'never') { fl.b.emit(call); fl.b.terminate('unreachable'); return { v: 'undef', k: f.ret }; }
  return { v: fl.b.value(call), k: f.ret };
}

function methodCall(fl: FunctionLowering, callee: ts.PropertyAccessExpression, e: ts.CallExpression): Value {
  const name = callee.name.text;
  const obj = fl.expr(callee.expression);
  if (obj.k.t === 'arr' && name === 'fill') return fillCall(fl, obj, e);
  if (obj.k.t === 'str' && name === 'charCodeAt') return charCodeAt(fl, obj, e);
  if (obj.k.t === 'obj') {
    const decl = fl.comp.declOf(callee.name);
    if (decl && ts.isMethodDeclaration(decl)) return directCall(fl, fl.comp.funcInfo(decl), obj.v, e.arguments, e);
  }
  return fl.error(e, `method '${name}' of ${kindName(obj.k)} is not supported`);
}

function argCount(fl: FunctionLowering, e: ts.CallExpression, min: number, max = min): boolean {
  if (e.arguments.length >= min && e.arguments.length <= max) return true;
  fl.error(e, `expected ${min === max ? min : `${min} to ${max}`} arguments`);
  return false;
}

function numberArg(fl: FunctionLowering, e: ts.Expression): Value {
  const v = fl.expr(e, NUM);
  return v.k.t === 'num' ? v : fl.error(e, `expected a number, got ${kindName(v.k)}`);
}

function mathCall(fl: FunctionLowering, name: string, e: ts.CallExpression): Value {
  const v = (text: string): Value => ({ v: fl.b.value(text), k: NUM });
  if ((name === 'trunc' || name === 'floor') && argCount(fl, e, 1)) {
    const div = skipParens(e.arguments[0]);
    if (!ts.isBinaryExpression(div) || div.operatorToken.kind !== ts.SyntaxKind.SlashToken || !isDivisionForm(div)) {
      return fl.error(e, `Math.${name} is only supported on a division: Math.${name}(a / b)`);
    }
    return numberDivide(fl, numberArg(fl, div.left), numberArg(fl, div.right), name === 'floor');
  }
  if (name === 'imul' && argCount(fl, e, 2)) {
    const [a, b] = e.arguments.map(x => fl.b.value(`trunc i64 ${numberArg(fl, x).v} to i32`));
    return v(`sext i32 ${fl.b.value(`mul i32 ${a}, ${b}`)} to i64`);
  }
  if (name === 'clz32' && argCount(fl, e, 1)) {
    const a = fl.b.value(`trunc i64 ${numberArg(fl, e.arguments[0]).v} to i32`);
    fl.comp.declare('llvm.ctlz.i32', 'declare i32 @llvm.ctlz.i32(i32, i1)');
    return v(`zext i32 ${fl.b.value(`call i32 @llvm.ctlz.i32(i32 ${a}, i1 false)`)} to i64`);
  }
  if ((name === 'min' || name === 'max') && argCount(fl, e, 2)) {
    const [a, b] = e.arguments.map(x => numberArg(fl, x).v);
    fl.comp.declare(`llvm.s${name}.i64`, `declare i64 @llvm.s${name}.i64(i64, i64)`);
    return v(`call i64 @llvm.s${name}.i64(i64 ${a}, i64 ${b})`);
  }
  if (name === 'abs' && argCount(fl, e, 1)) {
    fl.comp.declare('llvm.abs.i64', 'declare i64 @llvm.abs.i64(i64, i1)');
    return v(`call i64 @llvm.abs.i64(i64 ${numberArg(fl, e.arguments[0]).v}, i1 false)`);
  }
  return fl.error(e, `Math.${name} is not supported (integers only: imul, clz32, min, max, abs, trunc(a / b), floor(a / b))`);
}

/** BigInt.asUintN(k, x) / BigInt.asIntN(k, x): the wrap that makes bigint arithmetic 64-bit. */
function bigintWrap(fl: FunctionLowering, unsigned: boolean, e: ts.CallExpression): Value {
  if (!argCount(fl, e, 2)) return { v: '0', k: unsigned ? U64 : I64 };
  const bits = fl.comp.constant(e.arguments[0])?.value;
  if (typeof bits !== 'number' || bits < 1 || bits > 64) return fl.error(e.arguments[0], 'the bit count must be a constant from 1 to 64');
  const x = ringOperation(fl, e.arguments[1]);
  const k = unsigned ? U64 : I64;
  if (bits === 64) return { v: x.v, k };
  if (unsigned) return { v: fl.b.value(`and i64 ${x.v}, ${i64((1n << BigInt(bits)) - 1n)}`), k };
  const shift = 64 - bits;
  return { v: fl.b.value(`ashr i64 ${fl.b.value(`shl i64 ${x.v}, ${shift}`)}, ${shift}`), k };
}

function bigintOf(fl: FunctionLowering, e: ts.CallExpression): Value {
  if (!argCount(fl, e, 1)) return { v: '0', k: BIG };
  const v = fl.expr(e.arguments[0]);
  if (v.k.t === 'num') return { v: v.v, k: BIG };
  if (isBig(v.k)) return v;
  return fl.error(e, `BigInt() of ${kindName(v.k)} is not supported`, BIG);
}

function numberOf(fl: FunctionLowering, e: ts.CallExpression): Value {
  if (!argCount(fl, e, 1)) return { v: '0', k: NUM };
  const v = fl.expr(e.arguments[0]);
  if (isBig(v.k) || v.k.t === 'num') return { v: v.v, k: NUM };
  return fl.error(e, `Number() of ${kindName(v.k)} is not supported`);
}

/** `a.fill(v[, start[, end]])` with JavaScript's relative-index clamping. */
function fillCall(fl: FunctionLowering, arr: Value, e: ts.CallExpression): Value {
  if (!argCount(fl, e, 1, 3) || arr.k.t !== 'arr') return arr;
  const el = arr.k.el;
  const value = el.big ? ringOperation(fl, e.arguments[0]) : numberArg(fl, e.arguments[0]);
  const len = fl.arrayLength(arr).v;
  const start = e.arguments[1] ? relativeIndex(fl, numberArg(fl, e.arguments[1]).v, len) : '0';
  const end = e.arguments[2] ? relativeIndex(fl, numberArg(fl, e.arguments[2]).v, len) : len;
  const item = el.big ? value.v : fl.b.value(`trunc i64 ${value.v} to ${el.llty}`);
  const st = fl.staticArray(arr);
  const data = st ? sym(st.dataSym) : fl.b.value(`load ptr, ptr ${fl.b.value(`getelementptr inbounds i8, ptr ${arr.v}, i64 8`)}`);
  countedLoop(fl, start, end, i => {
    fl.b.emit(`store ${el.llty} ${item}, ptr ${fl.b.value(`getelementptr inbounds ${el.llty}, ptr ${data}, i64 ${i}`)}`);
  });
  return arr;
}

/** JS relative index: negative counts from the end; the result is clamped to [0, len]. */
function relativeIndex(fl: FunctionLowering, x: string, len: string): string {
  const fromEnd = fl.b.value(`add i64 ${len}, ${x}`);
  const neg = fl.b.value(`icmp slt i64 ${x}, 0`);
  const raw = fl.b.value(`select i1 ${neg}, i64 ${fromEnd}, i64 ${x}`);
  fl.comp.declare('llvm.smax.i64', 'declare i64 @llvm.smax.i64(i64, i64)');
  fl.comp.declare('llvm.smin.i64', 'declare i64 @llvm.smin.i64(i64, i64)');
  const lo = fl.b.value(`call i64 @llvm.smax.i64(i64 ${raw}, i64 0)`);
  return fl.b.value(`call i64 @llvm.smin.i64(i64 ${lo}, i64 ${len})`);
}

/** Emit `for (i = start; i < end; i++) body(i)` in IR. */
export function countedLoop(fl: FunctionLowering, start: string, end: string, body: (i: string) => void): void {
  const slot = fl.b.alloca('i64', 'i');
  fl.b.emit(`store i64 ${start}, ptr ${slot}`);
  const cond = fl.b.label('fill.cond'), loop = fl.b.label('fill.body'), done = fl.b.label('fill.end');
  fl.b.jump(cond);
  fl.b.begin(cond);
  const i = fl.b.value(`load i64, ptr ${slot}`);
  fl.b.terminate(`br i1 ${fl.b.value(`icmp slt i64 ${i}, ${end}`)}, label %${loop}, label %${done}`);
  fl.b.begin(loop);
  body(i);
  fl.b.emit(`store i64 ${fl.b.value(`add i64 ${i}, 1`)}, ptr ${slot}`);
  fl.b.jump(cond);
  fl.b.begin(done);
}

function charCodeAt(fl: FunctionLowering, s: Value, e: ts.CallExpression): Value {
  if (!argCount(fl, e, 1)) return { v: '0', k: NUM };
  const p = fl.elementPtr(s, numberArg(fl, e.arguments[0]), 'i8');
  return { v: fl.b.value(`zext i8 ${fl.b.value(`load i8, ptr ${p}`)} to i64`), k: NUM };
}

// ---- allocation ---------------------------------------------------------------------------

/** Allocate `size` bytes (an i64 operand) from the initialisation arena. */
export function allocate(fl: FunctionLowering, size: string): string {
  fl.comp.usesAlloc = true;
  return fl.b.value(`call ptr @tsnc.alloc(i64 ${size})`);
}

/** Allocate a `{ length, data }` header followed by `length` elements of `bytes` each. */
function allocateArray(fl: FunctionLowering, length: string, bytes: number): { header: string; data: string } {
  fl.trapUnless(fl.b.value(`icmp sge i64 ${length}, 0`));
  const size = fl.b.value(`add i64 ${fl.b.value(`mul i64 ${length}, ${bytes}`)}, 16`);
  const header = allocate(fl, size);
  const data = fl.b.value(`getelementptr inbounds i8, ptr ${header}, i64 16`);
  fl.b.emit(`store i64 ${length}, ptr ${header}`);
  fl.b.emit(`store ptr ${data}, ptr ${fl.b.value(`getelementptr inbounds i8, ptr ${header}, i64 8`)}`);
  return { header, data };
}

/** Build one object: allocate it and run its constructor. */
export function construct(fl: FunctionLowering, cls: ClassInfo, args: readonly ts.Expression[], at: ts.Node): string {
  const decl = fl.comp.classDecl(cls);
  const ctor = decl.members.find(ts.isConstructorDeclaration);
  const p = allocate(fl, String(cls.size));
  directCall(fl, fl.comp.funcInfo(ctor ?? decl), p, args, at);
  return p;
}

/** `new C(…)` and `new XArray(n | [..])`. */
export function lowerNew(fl: FunctionLowering, e: ts.NewExpression): Value {
  const name = e.expression.getText();
  const el = ELEM_TYPES.get(name);
  const args = e.arguments ?? [];
  if (el) {
    if (args.length !== 1) return fl.error(e, `new ${name} takes one argument: a length or a list of values`);
    const kind: Kind = { t: 'arr', el };
    const list = skipParens(args[0]);
    if (ts.isArrayLiteralExpression(list)) {
      const { header, data } = allocateArray(fl, String(list.elements.length), el.bytes);
      list.elements.forEach((x, i) => {
        const v = el.big ? ringOperation(fl, x) : numberArg(fl, x);
        const item = el.big ? v.v : fl.b.value(`trunc i64 ${v.v} to ${el.llty}`);
        fl.b.emit(`store ${el.llty} ${item}, ptr ${fl.b.value(`getelementptr inbounds ${el.llty}, ptr ${data}, i64 ${i}`)}`);
      });
      return { v: header, k: kind };
    }
    return { v: allocateArray(fl, numberArg(fl, args[0]).v, el.bytes).header, k: kind };
  }
  const decl = fl.comp.declOf(e.expression);
  if (decl && ts.isClassDeclaration(decl)) {
    const cls = fl.comp.classInfo(decl);
    return { v: construct(fl, cls, args, e), k: { t: 'obj', cls } };
  }
  return fl.error(e, `'new ${name}' is not supported`);
}

/** `[a, b, c]` as a fixed Array<Class>. */
export function lowerArrayLiteral(fl: FunctionLowering, e: ts.ArrayLiteralExpression, expected?: Kind): Value {
  const kind = expected ?? fl.comp.kindOfType(fl.comp.checker.getTypeAtLocation(e), e);
  if (kind.t !== 'objarr') return fl.error(e, 'array literals are only for arrays of objects (use a typed array for numbers)');
  const { header, data } = allocateArray(fl, String(e.elements.length), 8);
  const elemKind: Kind = { t: 'obj', cls: kind.cls };
  e.elements.forEach((x, i) => {
    const v = fl.coerce(fl.expr(x, elemKind), elemKind, x);
    fl.b.emit(`store ptr ${v.v}, ptr ${fl.b.value(`getelementptr inbounds ptr, ptr ${data}, i64 ${i}`)}`);
  });
  return { v: header, k: kind };
}

/** `pool(n, C)`: n objects built by `new C(i)`. */
export function lowerPool(fl: FunctionLowering, e: ts.CallExpression): Value {
  if (!argCount(fl, e, 2)) return { v: 'null', k: NUM };
  const n = fl.comp.constant(e.arguments[0])?.value;
  const decl = fl.comp.declOf(e.arguments[1]);
  if (typeof n !== 'number' || n < 0) return fl.error(e.arguments[0], 'pool size must be a non-negative constant');
  if (!decl || !ts.isClassDeclaration(decl)) return fl.error(e.arguments[1], 'pool needs a class');
  const cls = fl.comp.classInfo(decl);
  const ctor = decl.members.find(ts.isConstructorDeclaration);
  const info = fl.comp.funcInfo(ctor ?? decl);
  if (info.params.length > 1 || (info.params.length === 1 && info.params[0].t !== 'num')) {
    return fl.error(e.arguments[1], `pool needs a constructor taking (index: number) or nothing; ${cls.name}'s takes ${info.params.map(kindName).join(', ')}`);
  }
  const { header, data } = allocateArray(fl, String(n), 8);
  countedLoop(fl, '0', String(n), i => {
    const obj = allocate(fl, String(cls.size));
    const args = info.params.length ? [`ptr ${obj}`, `i64 ${i}`] : [`ptr ${obj}`];
    fl.b.emit(`call void ${sym(info.sym)}(${args.join(', ')})`);
    fl.b.emit(`store ptr ${obj}, ptr ${fl.b.value(`getelementptr inbounds ptr, ptr ${data}, i64 ${i}`)}`);
  });
  return { v: header, k: { t: 'objarr', cls } };
}
