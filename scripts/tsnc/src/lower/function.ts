/**
 * Lowering of one function body (a function, method, constructor or module initialiser) to
 * LLVM IR: statements, expressions, assignments and control flow. Calls, `new` and the
 * built-in operations are in calls.ts; integer operators in operators.ts.
 */
import * as ts from 'typescript';
import { FunctionBuilder, i64, sym } from '../ir';
import {
  BIG, BOOL, ClassInfo, ElemType, I64, Kind, NUM, STR, U64,
  isBig, isInt, kindName, llType, memType, sameKind,
} from '../kinds';
import type { Compilation, FuncInfo } from './compilation';
import { Const, skipParens } from './constants';
import { lowerCall, lowerNew, lowerArrayLiteral } from './calls';
import { bigintBinary, numberBinary, ringOperation, ringInstruction, needsWrap, shiftCount } from './operators';

/** A lowered expression: an LLVM operand, its kind, and its constant value if known. */
export interface Value {
  v: string;
  k: Kind;
  c?: Const;
}

/** Something that can be assigned to. */
interface LValue {
  kind: Kind;
  load(): Value;
  store(v: Value): void;
  /** An element of a BigUint64Array/BigInt64Array: stores wrap, so ring operations are allowed. */
  wraps: boolean;
}

interface Loop { label?: string; brk: string; cont?: string }

const K = ts.SyntaxKind;

/** Lowers one body; create one per function. */
export class FunctionLowering {
  readonly b = new FunctionBuilder();
  private readonly locals = new Map<ts.Node, { slot: string; kind: Kind }>();
  private readonly loops: Loop[] = [];
  private trapLabel?: string;

  constructor(readonly comp: Compilation, readonly ret: Kind, readonly cls?: ClassInfo) {}

  // ---- entry points -------------------------------------------------------------------

  /**
   * Emit `define` for a function or method with the given body statements; `noinline` keeps
   * LLVM from inlining it (the `@noinline` doc-comment tag, module.ts).
   */
  define(info: FuncInfo, params: readonly ts.ParameterDeclaration[], emitBody: () => void, linkage = 'internal', noinline = false): void {
    const ps: string[] = [];
    if (info.cls) ps.push('ptr %this');
    params.forEach((p, i) => {
      const kind = info.params[i];
      const ext = kind.t === 'bool' ? ' zeroext' : '';
      ps.push(`${llType(kind)}${ext} %a${i}`);
      const slot = this.b.alloca(llType(kind), p.name.getText());
      this.b.emit(`store ${llType(kind)} %a${i}, ptr ${slot}`);
      this.locals.set(p, { slot, kind });
    });
    emitBody();
    this.finish();
    const retTy = llType(info.ret);
    const attrs = info.ret.t === 'never' ? '#1' : noinline ? '#4' : '#0';
    const retExt = info.ret.t === 'bool' ? 'zeroext ' : '';
    this.comp.code.push(`define ${linkage} ${retExt}${retTy} ${sym(info.sym)}(${ps.join(', ')}) ${attrs} {`, ...this.b.body(), '}', '');
  }

  private finish(): void {
    if (!this.b.terminated) {
      if (this.ret.t === 'void') this.b.terminate('ret void');
      else this.b.terminate('unreachable');
    }
    if (this.trapLabel) {
      this.b.begin(this.trapLabel);
      this.emitTrap();
    }
  }

  /** Emit a trap instruction and end the block. */
  emitTrap(): void {
    this.comp.usesTrap = true;
    this.b.emit('call void @llvm.trap()');
    this.b.terminate('unreachable');
  }

  /** Branch to the shared trap block unless `okCond` (an i1) holds. */
  trapUnless(okCond: string): void {
    this.trapLabel ??= this.b.label('trap');
    const ok = this.b.label('ok');
    this.b.terminate(`br i1 ${okCond}, label %${ok}, label %${this.trapLabel}, !prof !0`);
    this.b.begin(ok);
  }

  /** Report an error and return a placeholder value of kind `k`. */
  error(node: ts.Node, message: string, k: Kind = NUM): Value {
    this.comp.diags.error(node, message);
    return placeholder(k);
  }

  // ---- statements -----------------------------------------------------------------------

  /** Lower one statement. */
  statement(s: ts.Statement): void {
    if (ts.isBlock(s)) return s.statements.forEach(st => this.statement(st));
    if (ts.isExpressionStatement(s)) { this.expr(s.expression); return; }
    if (ts.isVariableStatement(s)) return this.variables(s.declarationList);
    if (ts.isIfStatement(s)) return this.ifStatement(s);
    if (ts.isReturnStatement(s)) return this.returnStatement(s);
    if (ts.isWhileStatement(s) || ts.isDoStatement(s) || ts.isForStatement(s)) return this.loop(s);
    if (ts.isLabeledStatement(s)) {
      const inner = s.statement;
      if (ts.isForStatement(inner) || ts.isWhileStatement(inner) || ts.isDoStatement(inner)) return this.loop(inner, s.label.text);
      return this.statement(inner);
    }
    if (ts.isBreakStatement(s) || ts.isContinueStatement(s)) return this.jump(s);
    if (ts.isSwitchStatement(s)) return this.switchStatement(s);
    if (s.kind === K.EmptyStatement) return;
    if (ts.isFunctionDeclaration(s) || ts.isClassDeclaration(s) || ts.isTypeAliasDeclaration(s) || ts.isEnumDeclaration(s)) return;
    this.comp.diags.error(s, `statement '${K[s.kind]}' is not supported`);
  }

  private variables(list: ts.VariableDeclarationList): void {
    for (const d of list.declarations) {
      if (!ts.isIdentifier(d.name) || !d.initializer) continue;
      const declared = d.type ? this.comp.kindOfTypeNode(d.type) : undefined;
      const v = this.expr(d.initializer, declared);
      const kind = declared ?? this.comp.settleBig(v.k, v.c);
      if (kind.t === 'void' || kind.t === 'never') { this.comp.diags.error(d, 'a variable cannot hold a void value'); continue; }
      const slot = this.b.alloca(llType(kind), d.name.text);
      this.b.emit(`store ${llType(kind)} ${this.coerce(v, kind, d.initializer).v}, ptr ${slot}`);
      this.locals.set(d, { slot, kind });
    }
  }

  private ifStatement(s: ts.IfStatement): void {
    const c = this.condition(s.expression);
    const then = this.b.label('then'), els = this.b.label('else'), end = this.b.label('endif');
    this.b.terminate(`br i1 ${c}, label %${then}, label %${s.elseStatement ? els : end}`);
    this.b.begin(then);
    this.statement(s.thenStatement);
    this.b.jump(end);
    if (s.elseStatement) {
      this.b.begin(els);
      this.statement(s.elseStatement);
      this.b.jump(end);
    }
    this.b.begin(end);
  }

  private returnStatement(s: ts.ReturnStatement): void {
    if (!s.expression) { this.b.terminate(this.ret.t === 'void' ? 'ret void' : 'unreachable'); return; }
    const v = this.coerce(this.expr(s.expression, this.ret), this.ret, s.expression);
    this.b.terminate(this.ret.t === 'void' || this.ret.t === 'never' ? 'ret void' : `ret ${llType(this.ret)} ${v.v}`);
  }

  private loop(s: ts.IterationStatement, label?: string): void {
    const cond = this.b.label('cond'), body = this.b.label('body'), next = this.b.label('next'), end = this.b.label('endloop');
    if (ts.isForStatement(s) && s.initializer) {
      if (ts.isVariableDeclarationList(s.initializer)) this.variables(s.initializer);
      else this.expr(s.initializer);
    }
    const test = ts.isForStatement(s) ? s.condition : (s as ts.WhileStatement | ts.DoStatement).expression;
    this.b.jump(ts.isDoStatement(s) ? body : cond);
    this.b.begin(cond);
    if (test) this.b.terminate(`br i1 ${this.condition(test)}, label %${body}, label %${end}`);
    else this.b.jump(body);
    this.b.begin(body);
    this.loops.push({ label, brk: end, cont: next });
    this.statement(s.statement);
    this.loops.pop();
    this.b.jump(next);
    this.b.begin(next);
    if (ts.isForStatement(s) && s.incrementor) this.expr(s.incrementor);
    this.b.jump(cond);
    this.b.begin(end);
  }

  private jump(s: ts.BreakStatement | ts.ContinueStatement): void {
    const brk = ts.isBreakStatement(s);
    const target = [...this.loops].reverse().find(l => (s.label ? l.label === s.label.text : brk || l.cont));
    if (!target) { this.comp.diags.error(s, 'break or continue outside a loop'); return; }
    this.b.terminate(`br label %${brk ? target.brk : target.cont}`);
  }

  private switchStatement(s: ts.SwitchStatement): void {
    const x = this.expr(s.expression);
    if (!isInt(x.k)) { this.comp.diags.error(s.expression, 'switch needs a number or bigint'); return; }
    const end = this.b.label('endsw');
    const clauses = s.caseBlock.clauses.map(c => ({ c, label: this.b.label(ts.isDefaultClause(c) ? 'default' : 'case') }));
    const seen = new Set<string>();
    const cases: string[] = [];
    for (const { c, label } of clauses) {
      if (!ts.isCaseClause(c)) continue;
      const v = this.caseValue(c.expression, x.k);
      if (v === undefined) continue;
      if (seen.has(v)) { this.comp.diags.error(c.expression, 'duplicate case label'); continue; }
      seen.add(v);
      cases.push(`i64 ${v}, label %${label}`);
    }
    const dflt = clauses.find(c => ts.isDefaultClause(c.c));
    this.b.terminate(`switch i64 ${x.v}, label %${dflt ? dflt.label : end} [ ${cases.join(' ')} ]`);
    this.loops.push({ brk: end });
    for (const { c, label } of clauses) {
      this.b.begin(label);      // falls through from the previous clause when it does not break
      c.statements.forEach(st => this.statement(st));
    }
    this.loops.pop();
    this.b.begin(end);
  }

  private caseValue(e: ts.Expression, k: Kind): string | undefined {
    const c = this.comp.constant(e);
    if (!c || (typeof c.value !== 'number' && typeof c.value !== 'bigint')) {
      this.comp.diags.error(e, 'case labels must be constants');
      return undefined;
    }
    if ((typeof c.value === 'bigint') !== isBig(k)) {
      this.comp.diags.error(e, `case label of the wrong type for a ${kindName(k)} switch`);
      return undefined;
    }
    return this.coerce(this.constValue(c, e), k, e).v;
  }

  // ---- expressions -----------------------------------------------------------------------

  /** An i1 for a boolean condition (anything else is refused). */
  condition(e: ts.Expression): string {
    const v = this.expr(e);
    if (v.k.t !== 'bool') {
      this.comp.diags.error(e, `condition must be boolean, not ${kindName(v.k)}: compare explicitly (x !== 0)`);
      return 'false';
    }
    return v.v;
  }

  /** Lower an expression; `expected` is the kind the context wants (for literals and arrays). */
  expr(e: ts.Expression, expected?: Kind): Value {
    const c = this.comp.constant(e);
    if (c) return this.constValue(c, e);
    e = skipParens(e);
    if (ts.isIdentifier(e)) return this.identifier(e);
    if (e.kind === K.ThisKeyword) return this.cls ? { v: '%this', k: { t: 'obj', cls: this.cls } } : this.error(e, "'this' outside a class");
    if (ts.isPropertyAccessExpression(e)) return this.propertyAccess(e);
    if (ts.isElementAccessExpression(e)) return this.lvalue(e).load();
    if (ts.isCallExpression(e)) return lowerCall(this, e, expected);
    if (ts.isNewExpression(e)) return lowerNew(this, e);
    if (ts.isArrayLiteralExpression(e)) return lowerArrayLiteral(this, e, expected);
    if (ts.isPrefixUnaryExpression(e)) return this.prefix(e);
    if (ts.isPostfixUnaryExpression(e)) return this.increment(e.operand, e.operator === K.PlusPlusToken, false, e);
    if (ts.isBinaryExpression(e)) return this.binary(e);
    if (ts.isConditionalExpression(e)) return this.conditional(e, expected);
    if (ts.isStringLiteral(e)) return { v: sym(this.comp.stringLiteral(e.text)), k: STR };
    return this.error(e, `expression '${K[e.kind]}' is not supported`);
  }

  /** The operand for a constant. */
  constValue(c: Const, at: ts.Node): Value {
    if (typeof c.value === 'boolean') return { v: c.value ? 'true' : 'false', k: BOOL, c };
    if (typeof c.value === 'string') return { v: sym(this.comp.stringLiteral(c.value)), k: STR };
    if (typeof c.value === 'bigint') {
      const err = this.comp.bigintRangeError(c.value, c.kind);
      if (err) this.comp.diags.error(at, err);
    }
    if (typeof c.value === 'number' && !Number.isSafeInteger(c.value)) return this.error(at, 'not an integer');
    return { v: i64(c.value), k: c.kind, c };
  }

  private identifier(id: ts.Identifier): Value {
    const decl = this.comp.declOf(id);
    if (decl && this.locals.has(decl)) {
      const l = this.locals.get(decl)!;
      return { v: this.b.value(`load ${llType(l.kind)}, ptr ${l.slot}`), k: l.kind };
    }
    if (decl && ts.isVariableDeclaration(decl) && isModuleLevel(decl)) return this.globalLoad(decl);
    if (decl && (ts.isFunctionDeclaration(decl) || ts.isMethodDeclaration(decl))) {
      return this.error(id, 'functions are not values: call them directly');
    }
    return this.error(id, `'${id.text}' cannot be used here`);
  }

  private globalLoad(decl: ts.VariableDeclaration): Value {
    const g = this.comp.globalInfo(decl);
    if (g.constant) return this.constValue(g.constant, decl);
    if (g.staticArray) return { v: sym(g.sym), k: g.kind };
    if (g.stringSym) return { v: sym(g.stringSym), k: STR };
    return this.fromMemory(sym(g.sym), g.kind);
  }

  /** Load a value of kind `k` stored in memory at `ptr` (booleans are bytes). */
  fromMemory(ptr: string, k: Kind): Value {
    if (k.t === 'bool') {
      const byte = this.b.value(`load i8, ptr ${ptr}`);
      return { v: this.b.value(`trunc i8 ${byte} to i1`), k };
    }
    return { v: this.b.value(`load ${memType(k)}, ptr ${ptr}`), k };
  }

  /** Store a value of kind `k` to memory at `ptr`. */
  toMemory(ptr: string, v: Value, k: Kind): void {
    if (k.t === 'bool') {
      const byte = this.b.value(`zext i1 ${v.v} to i8`);
      this.b.emit(`store i8 ${byte}, ptr ${ptr}`);
    } else {
      this.b.emit(`store ${memType(k)} ${v.v}, ptr ${ptr}`);
    }
  }

  private propertyAccess(e: ts.PropertyAccessExpression): Value {
    const name = e.name.text;
    const obj = this.expr(e.expression);
    if (name === 'length' && (obj.k.t === 'arr' || obj.k.t === 'str' || obj.k.t === 'objarr')) return this.arrayLength(obj);
    if (obj.k.t === 'obj') return this.lvalue(e).load();
    return this.error(e, `property '${name}' of ${kindName(obj.k)} is not supported`);
  }

  /** Length of a typed array, string or object array. */
  arrayLength(arr: Value): Value {
    const st = this.staticArray(arr);
    if (st) return { v: String(st.length), k: NUM };
    return { v: this.b.value(`load i64, ptr ${arr.v}`), k: NUM };
  }

  /** The static-array facts of a value that is a module-level constant typed array. */
  staticArray(arr: Value): { dataSym: string; length: number; el: ElemType } | undefined {
    return this.comp.staticArrayBySymbol(arr.v);
  }

  /** Pointer to element `index` of an array value, bounds-checked (traps when out of range). */
  elementPtr(arr: Value, index: Value, elTy: string): string {
    const st = this.staticArray(arr);
    const len = st ? String(st.length) : this.b.value(`load i64, ptr ${arr.v}`);
    this.trapUnless(this.b.value(`icmp ult i64 ${index.v}, ${len}`));
    const data = st ? sym(st.dataSym) : this.b.value(`load ptr, ptr ${this.b.value(`getelementptr inbounds i8, ptr ${arr.v}, i64 8`)}`);
    return this.b.value(`getelementptr inbounds ${elTy}, ptr ${data}, i64 ${index.v}`);
  }

  /** An assignable place: local, module variable, field, or array element. */
  lvalue(e: ts.Expression): LValue {
    e = skipParens(e);
    if (ts.isIdentifier(e)) return this.namedLValue(e);
    if (ts.isPropertyAccessExpression(e)) {
      const obj = this.expr(e.expression);
      const field = obj.k.t === 'obj' ? obj.k.cls.fields.find(f => f.name === e.name.text) : undefined;
      if (!field) return this.badLValue(e, `'${e.name.text}' is not a field`);
      const ptr = this.b.value(`getelementptr inbounds i8, ptr ${obj.v}, i64 ${field.offset}`);
      return { kind: field.kind, wraps: false, load: () => this.fromMemory(ptr, field.kind), store: v => this.toMemory(ptr, v, field.kind) };
    }
    if (ts.isElementAccessExpression(e)) return this.elementLValue(e);
    return this.badLValue(e, 'not assignable');
  }

  private namedLValue(e: ts.Identifier): LValue {
    const decl = this.comp.declOf(e);
    const local = decl && this.locals.get(decl);
    if (local) {
      const ty = llType(local.kind);
      return { kind: local.kind, wraps: false, load: () => ({ v: this.b.value(`load ${ty}, ptr ${local.slot}`), k: local.kind }),
        store: v => this.b.emit(`store ${ty} ${v.v}, ptr ${local.slot}`) };
    }
    if (decl && ts.isVariableDeclaration(decl) && isModuleLevel(decl)) {
      const g = this.comp.globalInfo(decl);
      if (g.constant || g.staticArray || g.stringSym) return this.badLValue(e, `cannot assign to constant '${e.text}'`);
      return { kind: g.kind, wraps: false, load: () => this.fromMemory(sym(g.sym), g.kind), store: v => this.toMemory(sym(g.sym), v, g.kind) };
    }
    return this.badLValue(e, `cannot assign to '${e.text}'`);
  }

  private elementLValue(e: ts.ElementAccessExpression): LValue {
    const arr = this.expr(e.expression);
    const index = this.expr(e.argumentExpression);
    if (index.k.t !== 'num') return this.badLValue(e.argumentExpression, 'an index must be a number');
    if (arr.k.t === 'arr') {
      const el = arr.k.el;
      const kind: Kind = el.big ? (el.signed ? I64 : U64) : NUM;
      const ptr = this.elementPtr(arr, index, el.llty);
      return {
        kind, wraps: el.big,
        load: () => {
          const raw = this.b.value(`load ${el.llty}, ptr ${ptr}`);
          return { v: el.big ? raw : this.b.value(`${el.signed ? 'sext' : 'zext'} ${el.llty} ${raw} to i64`), k: kind };
        },
        store: v => this.b.emit(`store ${el.llty} ${el.big ? v.v : this.b.value(`trunc i64 ${v.v} to ${el.llty}`)}, ptr ${ptr}`),
      };
    }
    if (arr.k.t === 'objarr') {
      const kind: Kind = { t: 'obj', cls: arr.k.cls };
      const ptr = this.elementPtr(arr, index, 'ptr');
      return { kind, wraps: false, load: () => ({ v: this.b.value(`load ptr, ptr ${ptr}`), k: kind }), store: v => this.b.emit(`store ptr ${v.v}, ptr ${ptr}`) };
    }
    return this.badLValue(e, `${kindName(arr.k)} cannot be indexed`);
  }

  private badLValue(e: ts.Node, message: string): LValue {
    this.comp.diags.error(e, message);
    return { kind: NUM, wraps: false, load: () => placeholder(NUM), store: () => undefined };
  }

  private prefix(e: ts.PrefixUnaryExpression): Value {
    switch (e.operator) {
      case K.PlusPlusToken: return this.increment(e.operand, true, true, e);
      case K.MinusMinusToken: return this.increment(e.operand, false, true, e);
      case K.ExclamationToken: return { v: this.b.value(`xor i1 ${this.condition(e.operand)}, true`), k: BOOL };
      case K.PlusToken: {
        const v = this.expr(e.operand);
        return v.k.t === 'num' ? v : this.error(e, "unary '+' is only for numbers");
      }
    }
    const v = this.expr(e.operand);
    if (v.k.t === 'num') {
      if (e.operator === K.MinusToken) return { v: this.b.value(`sub nsw i64 0, ${v.v}`), k: NUM };
      const t = this.b.value(`trunc i64 ${v.v} to i32`);
      return { v: this.b.value(`sext i32 ${this.b.value(`xor i32 ${t}, -1`)} to i64`), k: NUM };
    }
    if (isBig(v.k)) return this.error(e, `bigint '${e.operator === K.MinusToken ? '-' : '~'}' must be wrapped in BigInt.asUintN(64, …) or BigInt.asIntN(64, …)`, v.k);
    return this.error(e, `operator not supported on ${kindName(v.k)}`);
  }

  /** `++x`, `x++`, `--x`, `x--` on numbers (and on bigint typed-array elements). */
  private increment(target: ts.Expression, up: boolean, prefix: boolean, at: ts.Node): Value {
    const lv = this.lvalue(target);
    if (lv.wraps && valueUsed(at)) return this.error(at, WRAPPED_VALUE, lv.kind);
    const old = lv.load();
    if (isBig(lv.kind) && !lv.wraps) return this.error(at, "bigint '++'/'--' is only allowed on BigUint64Array/BigInt64Array elements: write x = BigInt.asUintN(64, x + 1n)", lv.kind);
    if (!isInt(lv.kind)) return this.error(at, `'++'/'--' on ${kindName(lv.kind)}`);
    const next: Value = { v: this.b.value(`${up ? 'add' : 'sub'}${lv.kind.t === 'num' ? ' nsw' : ''} i64 ${old.v}, 1`), k: lv.kind };
    lv.store(next);
    return prefix ? next : old;
  }

  private binary(e: ts.BinaryExpression): Value {
    const op = e.operatorToken.kind;
    if (op === K.EqualsToken) return this.assign(e);
    if (op >= K.FirstCompoundAssignment && op <= K.LastCompoundAssignment) return this.compoundAssign(e);
    if (op === K.AmpersandAmpersandToken || op === K.BarBarToken) return this.logical(e, op === K.AmpersandAmpersandToken);
    if (needsWrap(op) && this.isBigintExpr(e)) {
      return this.error(e, `bigint '${e.operatorToken.getText()}' must be wrapped in BigInt.asUintN(64, …) or BigInt.asIntN(64, …)`, BIG);
    }
    if (op === K.SlashToken && !this.isBigintExpr(e)) {
      return this.error(e, "'/' gives a fraction: write (a / b) | 0, (a / b) >>> 0, Math.trunc(a / b) or Math.floor(a / b)");
    }
    const left = skipParens(e.left);
    if ((op === K.BarToken || op === K.GreaterThanGreaterThanGreaterThanToken) && ts.isBinaryExpression(left) &&
        left.operatorToken.kind === K.SlashToken && !this.isBigintExpr(left) && this.comp.constant(e.right)?.value === 0) {
      const a = this.expr(left.left), b = this.expr(left.right);
      if (a.k.t !== 'num' || b.k.t !== 'num') return this.error(left, "'/' needs two numbers");
      return numberBinary(this, K.SlashToken, a, b, e, op === K.GreaterThanGreaterThanGreaterThanToken ? 'u32' : 'i32');
    }
    return this.operate(op, this.expr(e.left), this.expr(e.right), e);
  }

  /** Apply a binary operator to two lowered operands (not assignments, not && ||). */
  operate(op: ts.SyntaxKind, a: Value, b: Value, at: ts.Node): Value {
    if (op === K.EqualsEqualsEqualsToken || op === K.ExclamationEqualsEqualsToken) return this.equality(op, a, b, at);
    if (a.k.t === 'num' && b.k.t === 'num') return numberBinary(this, op, a, b, at);
    if (isBig(a.k) && isBig(b.k)) return bigintBinary(this, op, a, b, at);
    return this.error(at, `operator '${ts.tokenToString(op)}' is not supported on ${kindName(a.k)} and ${kindName(b.k)}`);
  }

  private equality(op: ts.SyntaxKind, a: Value, b: Value, at: ts.Node): Value {
    const pred = op === K.EqualsEqualsEqualsToken ? 'eq' : 'ne';
    if (isBig(a.k) && isBig(b.k)) {
      const k = this.unifyBig(a, b, at);
      a = this.coerce(a, k, at); b = this.coerce(b, k, at);
    } else if (!sameKind(a.k, b.k) && !(a.k.t === 'num' && b.k.t === 'num')) {
      return this.error(at, `cannot compare ${kindName(a.k)} with ${kindName(b.k)}`, BOOL);
    }
    if (a.k.t === 'str') return this.error(at, 'strings cannot be compared', BOOL);
    return { v: this.b.value(`icmp ${pred} ${llType(a.k)} ${a.v}, ${b.v}`), k: BOOL };
  }

  /** The common kind of two bigint operands; mixing u64 and i64 is refused. */
  unifyBig(a: Value, b: Value, at: ts.Node): Kind {
    if (a.k.t === 'big') return b.k;
    if (b.k.t === 'big' || a.k.t === b.k.t) return a.k;
    this.comp.diags.error(at, `mixing u64 and i64: convert one side with BigInt.asUintN(64, …) or BigInt.asIntN(64, …)`);
    return a.k;
  }

  /** True if the TypeScript type of `e` is bigint. */
  isBigintExpr(e: ts.Expression): boolean {
    return !!(this.comp.checker.getTypeAtLocation(e).flags & ts.TypeFlags.BigIntLike);
  }

  private logical(e: ts.BinaryExpression, and: boolean): Value {
    const a = this.condition(e.left);
    const from = this.b.block;
    const rhs = this.b.label(and ? 'and' : 'or'), end = this.b.label('endlogic');
    this.b.terminate(and ? `br i1 ${a}, label %${rhs}, label %${end}` : `br i1 ${a}, label %${end}, label %${rhs}`);
    this.b.begin(rhs);
    const bv = this.condition(e.right);
    const rhsEnd = this.b.block;
    this.b.jump(end);
    this.b.begin(end);
    return { v: this.b.value(`phi i1 [ ${and ? 'false' : 'true'}, %${from} ], [ ${bv}, %${rhsEnd} ]`), k: BOOL };
  }

  private conditional(e: ts.ConditionalExpression, expected?: Kind): Value {
    const c = this.condition(e.condition);
    const yes = this.b.label('ifyes'), no = this.b.label('ifno'), end = this.b.label('endcond');
    this.b.terminate(`br i1 ${c}, label %${yes}, label %${no}`);
    this.b.begin(yes);
    const a = this.expr(e.whenTrue, expected);
    const aEnd = this.b.block;
    this.b.jump(end);
    this.b.begin(no);
    const bv = this.expr(e.whenFalse, expected ?? a.k);
    const bEnd = this.b.block;
    this.b.jump(end);
    this.b.begin(end);
    // coercion of integer kinds emits no instructions, so both arms can be settled here
    const k = isBig(a.k) && isBig(bv.k) ? this.unifyBig(a, bv, e) : a.k;
    const av = this.coerce(a, k, e.whenTrue), bc = this.coerce(bv, k, e.whenFalse);
    if (k.t === 'void' || k.t === 'never') return this.error(e, '?: needs values');
    return { v: this.b.value(`phi ${llType(k)} [ ${av.v}, %${aEnd} ], [ ${bc.v}, %${bEnd} ]`), k };
  }

  private assign(e: ts.BinaryExpression): Value {
    const lv = this.lvalue(e.left);
    if (lv.wraps && valueUsed(e)) return this.error(e, WRAPPED_VALUE, lv.kind);
    const v = lv.wraps ? ringOperation(this, e.right) : this.expr(e.right, lv.kind);
    const cv = lv.wraps ? { v: v.v, k: lv.kind } : this.coerce(v, lv.kind, e.right);
    lv.store(cv);
    return cv;
  }

  private compoundAssign(e: ts.BinaryExpression): Value {
    const op = compoundOperator(e.operatorToken.kind);
    const lv = this.lvalue(e.left);
    if (lv.wraps && valueUsed(e)) return this.error(e, WRAPPED_VALUE, lv.kind);
    const old = lv.load();
    let result: Value;
    if (isBig(lv.kind) && needsWrap(op)) {
      if (!lv.wraps) return this.error(e, `bigint '${e.operatorToken.getText()}' is only allowed on BigUint64Array/BigInt64Array elements: write x = BigInt.asUintN(64, x ${ts.tokenToString(op)} y)`, lv.kind);
      const rhs = op === K.LessThanLessThanToken ? shiftCount(this, e.right) : ringOperation(this, e.right);
      result = { v: this.b.value(ringInstruction(this, op, old.v, rhs.v)), k: lv.kind };
    } else {
      if (op === K.SlashToken && lv.kind.t === 'num') return this.error(e, "'/=' gives a fraction");
      result = this.coerce(this.operate(op, old, this.expr(e.right, lv.kind), e), lv.kind, e);
    }
    lv.store(result);
    return result;
  }

  /**
   * Convert a value to the kind its destination declares: `big` constants and BigInt(n) adopt
   * u64 or i64 (constants must fit); u64 and i64 do not mix; other kinds must match.
   */
  coerce(v: Value, target: Kind, at: ts.Node): Value {
    if (sameKind(v.k, target)) return v;
    if (isBig(target) && v.k.t === 'big') {
      if (v.c && typeof v.c.value === 'bigint') {
        const err = this.comp.bigintRangeError(v.c.value, target);
        if (err) this.comp.diags.error(at, err);
      }
      return { ...v, k: target };
    }
    if (target.t === 'big' && isBig(v.k)) return v;
    if (target.t === 'void' || target.t === 'never') return v;
    if (v.k.t === 'never') return { ...v, k: target };
    if (isBig(target) && isBig(v.k)) {
      return this.error(at, `cannot use ${v.k.t} as ${target.t}: convert with BigInt.${target.t === 'u64' ? 'asUintN' : 'asIntN'}(64, …)`, target);
    }
    return this.error(at, `expected ${kindName(target)}, got ${kindName(v.k)}`, target);
  }
}

/**
 * True when the value of expression `e` is used (not a statement of its own or a `for`
 * initialiser/incrementor). The value of a store into a BigUint64Array/BigInt64Array element is
 * the unwrapped number in JS, so it must not be used.
 */
function valueUsed(e: ts.Node): boolean {
  let n: ts.Node = e;
  while (ts.isParenthesizedExpression(n.parent)) n = n.parent;
  const p = n.parent;
  if (ts.isExpressionStatement(p)) return false;
  if (ts.isForStatement(p) && (p.initializer === n || p.incrementor === n)) return false;
  return true;
}

const WRAPPED_VALUE = 'the value of a store into a BigUint64Array/BigInt64Array element is not wrapped in JS: use the store as a statement';

/** Module-level variable (its statement is directly in the source file). */
export function isModuleLevel(decl: ts.VariableDeclaration): boolean {
  return ts.isVariableStatement(decl.parent.parent) && ts.isSourceFile(decl.parent.parent.parent);
}

function placeholder(k: Kind): Value {
  const ty = llType(k);
  return { v: ty === 'ptr' ? 'null' : ty === 'i1' ? 'false' : ty === 'void' ? 'undef' : '0', k };
}

function compoundOperator(op: ts.SyntaxKind): ts.SyntaxKind {
  const map: Partial<Record<ts.SyntaxKind, ts.SyntaxKind>> = {
    [K.PlusEqualsToken]: K.PlusToken, [K.MinusEqualsToken]: K.MinusToken, [K.AsteriskEqualsToken]: K.AsteriskToken,
    [K.PercentEqualsToken]: K.PercentToken, [K.AmpersandEqualsToken]: K.AmpersandToken, [K.BarEqualsToken]: K.BarToken,
    [K.CaretEqualsToken]: K.CaretToken, [K.LessThanLessThanEqualsToken]: K.LessThanLessThanToken,
    [K.GreaterThanGreaterThanEqualsToken]: K.GreaterThanGreaterThanToken,
    [K.GreaterThanGreaterThanGreaterThanEqualsToken]: K.GreaterThanGreaterThanGreaterThanToken, [K.SlashEqualsToken]: K.SlashToken,
  };
  return map[op] ?? op;
}
