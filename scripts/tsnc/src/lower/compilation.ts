/**
 * One whole-program compilation: the symbols of every module (functions, classes, module
 * variables, constants, string literals), their native names and layouts, and the LLVM module
 * text assembled from the lowered functions.
 */
import * as ts from 'typescript';
import * as path from 'path';
import { DiagnosticSink } from '../diag';
import { Loaded, LIB_DIR, initOrder, isHostFile, isLibFile, moduleName } from '../program';
import { checkSubset } from '../subset';
import {
  BOOL, ClassInfo, ELEM_TYPES, ElemType, I64, Kind, NEVER, NUM, STR, U64, VOID,
  kindName, llType, memType,
} from '../kinds';
import { cString, i64, sym } from '../ir';
import { Const, foldConstant } from './constants';

/** Options of one compilation. */
export interface CompileOptions {
  /** Directory that module symbol names are relative to. */
  base: string;
  /** Bytes in the static arena that `new` allocates from at initialisation. */
  heapSize: number;
  /** Target triple (big-endian ppc64 by default). */
  triple: string;
}

/** A function, method or constructor as it is called natively. */
export interface FuncInfo {
  readonly sym: string;
  readonly params: Kind[];
  readonly ret: Kind;
  /** The class for methods and constructors (gets `this` as first argument). */
  readonly cls?: ClassInfo;
  /** Defined in assembly (`declare function`). */
  readonly external: boolean;
}

/** A module-level variable. */
export interface GlobalInfo {
  readonly sym: string;
  readonly kind: Kind;
  /** A constant binding (value folded at every use, no storage). */
  readonly constant?: Const;
  /** A typed array with static data whose header never changes. */
  readonly staticArray?: { dataSym: string; length: number; el: ElemType };
  /** A string literal binding. */
  readonly stringSym?: string;
  /** The initial value is in the static data already (no initialisation code). */
  readonly staticInit?: boolean;
}

const I64_MIN = -(1n << 63n);
const U64_LIMIT = 1n << 64n;

/** The state of one compilation; lowering of function bodies lives in function.ts. */
export class Compilation {
  readonly checker: ts.TypeChecker;
  readonly order: ts.SourceFile[];
  private readonly classes = new Map<ts.ClassDeclaration, ClassInfo>();
  private readonly classDecls = new Map<ClassInfo, ts.ClassDeclaration>();
  private readonly funcs = new Map<ts.Node, FuncInfo>();
  private readonly globals = new Map<ts.VariableDeclaration, GlobalInfo>();
  private readonly strings = new Map<string, string>();
  private readonly staticArrays = new Map<string, { dataSym: string; length: number; el: ElemType }>();
  /** Global definitions (data). */
  readonly data: string[] = [];
  /** Function definitions. */
  readonly code: string[] = [];
  /** External declarations, by symbol. */
  readonly declares = new Map<string, string>();
  /** Symbols exported with their plain name (from the root files). */
  readonly aliases: string[] = [];
  usesTrap = false;
  usesAlloc = false;

  constructor(readonly loaded: Loaded, readonly diags: DiagnosticSink, readonly options: CompileOptions) {
    this.checker = loaded.checker;
    this.order = initOrder(loaded);
  }

  /** Run the subset checker over every restricted file. */
  checkSyntax(): void {
    for (const sf of this.order) if (!isLibFile(sf) || !isHostFile(sf)) checkSubset(sf, this.diags);
  }

  /** The module-name prefix of symbols defined in `sf`. */
  modName(sf: ts.SourceFile): string { return moduleName(sf, this.options.base); }

  /** The declaration a name refers to, through imports. */
  declOf(node: ts.Node): ts.Declaration | undefined {
    let s = this.checker.getSymbolAtLocation(node);
    if (s && s.flags & ts.SymbolFlags.Alias) s = this.checker.getAliasedSymbol(s);
    return s?.valueDeclaration ?? s?.declarations?.[0];
  }

  /** True when `decl` is one of tsnc's intrinsics (lowered by name, body never compiled). */
  isIntrinsic(decl: ts.Node | undefined): boolean {
    return !!decl && path.resolve(decl.getSourceFile().fileName) === path.join(LIB_DIR, 'intrinsics.ts');
  }

  // ---- kinds of types -----------------------------------------------------------------

  /** The kind a written type denotes; `u64`/`i64` aliases decide bigint signedness. */
  kindOfTypeNode(node: ts.TypeNode): Kind {
    switch (node.kind) {
      case ts.SyntaxKind.NumberKeyword: return NUM;
      case ts.SyntaxKind.BigIntKeyword: return U64;
      case ts.SyntaxKind.BooleanKeyword: return BOOL;
      case ts.SyntaxKind.VoidKeyword: return VOID;
      case ts.SyntaxKind.NeverKeyword: return NEVER;
      case ts.SyntaxKind.StringKeyword: return STR;
    }
    if (ts.isParenthesizedTypeNode(node)) return this.kindOfTypeNode(node.type);
    if (ts.isArrayTypeNode(node)) return this.objectArrayKind(node.elementType, node);
    if (ts.isTypeReferenceNode(node)) return this.kindOfTypeReference(node);
    this.diags.error(node, `type '${node.getText()}' is not supported`);
    return NUM;
  }

  private kindOfTypeReference(node: ts.TypeReferenceNode): Kind {
    const name = node.typeName.getText();
    const decl = this.declOf(node.typeName);
    if (decl && ts.isTypeAliasDeclaration(decl)) {
      if (isLibFile(decl.getSourceFile()) && decl.name.text === 'i64') return I64;
      return this.kindOfTypeNode(decl.type);
    }
    if (decl && ts.isClassDeclaration(decl)) return { t: 'obj', cls: this.classInfo(decl) };
    if (decl && ts.isEnumDeclaration(decl)) return NUM;
    const el = ELEM_TYPES.get(name);
    if (el && !node.typeArguments?.length) return { t: 'arr', el };
    if (name === 'Array' && node.typeArguments?.length === 1) return this.objectArrayKind(node.typeArguments[0], node);
    this.diags.error(node, `type '${node.getText()}' is not supported`);
    return NUM;
  }

  private objectArrayKind(elem: ts.TypeNode, at: ts.Node): Kind {
    const k = this.kindOfTypeNode(elem);
    if (k.t === 'obj') return { t: 'objarr', cls: k.cls };
    this.diags.error(at, `arrays of ${kindName(k)} are not supported: use a typed array`);
    return NUM;
  }

  /** The kind of a TypeScript type, where no type was written (bigint defaults to u64). */
  kindOfType(type: ts.Type, at: ts.Node): Kind {
    const f = type.flags;
    if (f & ts.TypeFlags.NumberLike) return NUM;
    if (f & ts.TypeFlags.BigIntLike) return U64;
    if (f & ts.TypeFlags.BooleanLike) return BOOL;
    if (f & ts.TypeFlags.StringLike) return STR;
    if (f & ts.TypeFlags.Void) return VOID;
    if (f & ts.TypeFlags.Never) return NEVER;
    const s = type.getSymbol();
    const decl = s?.valueDeclaration ?? s?.declarations?.[0];
    if (decl && ts.isClassDeclaration(decl) && !isLibFile(decl.getSourceFile())) return { t: 'obj', cls: this.classInfo(decl) };
    const el = s && ELEM_TYPES.get(s.name);
    if (el) return { t: 'arr', el };
    if (this.checker.isArrayType(type)) {
      const elemType = this.checker.getTypeArguments(type as ts.TypeReference)[0];
      const k = elemType && this.kindOfType(elemType, at);
      if (k && k.t === 'obj') return { t: 'objarr', cls: k.cls };
    }
    this.diags.error(at, `values of type '${this.checker.typeToString(type)}' are not supported`);
    return NUM;
  }

  // ---- classes and functions ----------------------------------------------------------

  /** Layout of a class: one 8-byte slot per field, in declaration order. */
  classInfo(decl: ts.ClassDeclaration): ClassInfo {
    let info = this.classes.get(decl);
    if (info) return info;
    const name = decl.name?.text ?? 'anonymous';
    info = { name, symbol: `${this.modName(decl.getSourceFile())}.${name}`, fields: [], size: 8 };
    this.classes.set(decl, info);
    this.classDecls.set(info, decl);
    const fields = decl.members.filter(ts.isPropertyDeclaration);
    info.fields = fields.map((p, i) => ({ name: p.name.getText(), kind: this.fieldKind(p), offset: 8 * i }));
    info.size = Math.max(8, 8 * fields.length);
    return info;
  }

  /** The declaration a class info was built from. */
  classDecl(cls: ClassInfo): ts.ClassDeclaration { return this.classDecls.get(cls)!; }

  private fieldKind(p: ts.PropertyDeclaration): Kind {
    if (p.type) return this.kindOfTypeNode(p.type);
    const c = p.initializer && this.constant(p.initializer);
    if (c && typeof c.value === 'bigint') return c.value < 0n ? I64 : U64;
    return this.kindOfType(this.checker.getTypeAtLocation(p), p);
  }

  /** How a function, method or constructor is called natively. */
  funcInfo(decl: ts.FunctionDeclaration | ts.MethodDeclaration | ts.ConstructorDeclaration | ts.ClassDeclaration): FuncInfo {
    let info = this.funcs.get(decl);
    if (info) return info;
    const mod = this.modName(decl.getSourceFile());
    if (ts.isClassDeclaration(decl)) {   // implicit constructor
      const cls = this.classInfo(decl);
      info = { sym: `${cls.symbol}.constructor`, params: [], ret: VOID, cls, external: false };
    } else {
      const cls = ts.isClassDeclaration(decl.parent) ? this.classInfo(decl.parent) : undefined;
      const params = decl.parameters.map(p => (p.type ? this.kindOfTypeNode(p.type) : NUM));
      const ret = ts.isConstructorDeclaration(decl) ? VOID : decl.type ? this.kindOfTypeNode(decl.type) : VOID;
      const external = ts.isFunctionDeclaration(decl) && !decl.body;
      const name = ts.isConstructorDeclaration(decl) ? 'constructor' : decl.name!.getText();
      const symbol = external ? name : cls ? `${cls.symbol}.${name}` : `${mod}.${name}`;
      info = { sym: symbol, params, ret, cls, external };
    }
    this.funcs.set(decl, info);
    return info;
  }

  /** The LLVM signature text of a function (`i64 (ptr, i64)` style parameter list). */
  paramTypes(f: FuncInfo): string[] {
    return [...(f.cls ? ['ptr'] : []), ...f.params.map(llType)];
  }

  // ---- constants, globals, strings ------------------------------------------------------

  /** The compile-time value of an expression, if it has one. */
  constant(expr: ts.Expression): Const | undefined { return foldConstant(this, expr); }

  /** A range error for a bigint constant used as `target`, or undefined if it fits. */
  bigintRangeError(value: bigint, target: Kind): string | undefined {
    if (target.t === 'u64' && (value < 0n || value >= U64_LIMIT)) return `constant ${value}n does not fit u64`;
    if (target.t === 'i64' && (value < I64_MIN || value > -I64_MIN - 1n)) return `constant ${value}n does not fit i64`;
    if (target.t === 'big' && (value < I64_MIN || value >= U64_LIMIT)) return `constant ${value}n does not fit 64 bits`;
    return undefined;
  }

  /** The default kind of a bigint value of kind `big` bound to a name without a type. */
  settleBig(k: Kind, c?: Const): Kind {
    if (k.t !== 'big') return k;
    return c && typeof c.value === 'bigint' && c.value >= 0n ? U64 : I64;
  }

  /** The storage and binding of a module-level variable. */
  globalInfo(decl: ts.VariableDeclaration): GlobalInfo {
    let g = this.globals.get(decl);
    if (g) return g;
    const mod = this.modName(decl.getSourceFile());
    const name = `${mod}.${decl.name.getText()}`;
    const isConst = !!(decl.parent.flags & ts.NodeFlags.Const);
    const declared = decl.type ? this.kindOfTypeNode(decl.type) : undefined;
    const init = decl.initializer;
    const c = init && this.constant(init);
    if (c && isConst && typeof c.value !== 'string') {
      const kind = declared ?? this.settleBig(c.kind, c);
      if (typeof c.value === 'bigint') {
        const err = this.bigintRangeError(c.value, kind);
        if (err) this.diags.error(decl, err);
      }
      g = { sym: name, kind, constant: { value: c.value, kind } };
    } else if (init && ts.isStringLiteral(init) && isConst) {
      g = { sym: name, kind: STR, stringSym: this.stringLiteral(init.text) };
    } else {
      g = this.storedGlobal(decl, name, isConst, declared);
    }
    this.globals.set(decl, g);
    return g;
  }

  private storedGlobal(decl: ts.VariableDeclaration, name: string, isConst: boolean, declared?: Kind): GlobalInfo {
    const init = decl.initializer!;
    const arr = ts.isNewExpression(init) ? this.staticTypedArray(init, isConst ? name : `${name}.initial`) : undefined;
    if (arr && isConst) return { sym: name, kind: { t: 'arr', el: arr.el }, staticArray: arr };
    const kind = declared ?? this.kindOfInitializer(decl);
    const ty = memType(kind);
    const c = this.constant(init);
    let initText = ty === 'ptr' ? 'null' : '0';
    if (arr) initText = sym(arr.headerSym);
    else if (c && typeof c.value !== 'string' && ty !== 'ptr') initText = typeof c.value === 'boolean' ? (c.value ? '1' : '0') : i64(c.value);
    this.data.push(`${sym(name)} = internal global ${ty} ${initText}, align 8`);
    return { sym: name, kind, staticInit: !!arr || (!!c && typeof c.value !== 'string') };
  }

  private kindOfInitializer(decl: ts.VariableDeclaration): Kind {
    const init = decl.initializer;
    const c = init && this.constant(init);
    if (c && typeof c.value === 'bigint') return c.value < 0n ? I64 : U64;
    if (init && ts.isCallExpression(init)) {
      const callee = init.expression.getText();
      if (callee === 'BigInt.asUintN') return U64;
      if (callee === 'BigInt.asIntN' || callee === 'BigInt') return I64;
    }
    return this.kindOfType(this.checker.getTypeAtLocation(decl), decl);
  }

  /**
   * Static storage for `new XArray(N)` / `new XArray([c, …])` with constant N or elements:
   * the data and the header are globals. Undefined when the array is not static.
   */
  staticTypedArray(init: ts.NewExpression, name: string): { dataSym: string; headerSym: string; length: number; el: ElemType } | undefined {
    const el = ELEM_TYPES.get(init.expression.getText());
    const arg = init.arguments?.[0];
    if (!el || !arg || init.arguments!.length !== 1) return undefined;
    let elems: (bigint | number | boolean | string)[] | undefined;
    let length: number;
    if (ts.isArrayLiteralExpression(arg)) {
      elems = arg.elements.map(e => this.constant(e)?.value ?? NaN);
      if (elems.some(v => typeof v === 'number' && Number.isNaN(v))) return undefined;
      length = elems.length;
    } else {
      const c = this.constant(arg);
      if (!c || typeof c.value !== 'number' || c.value < 0) return undefined;
      length = c.value;
    }
    const dataSym = `${name}.data`, headerSym = name;
    const body = elems
      ? `[${elems.map(v => `${el.llty} ${i64(BigInt.asIntN(el.bytes * 8, BigInt(v as number | bigint)))}`).join(', ')}]`
      : 'zeroinitializer';
    this.data.push(`${sym(dataSym)} = internal global [${length} x ${el.llty}] ${length ? body : 'zeroinitializer'}, align 16`);
    this.data.push(`${sym(headerSym)} = internal global { i64, ptr } { i64 ${length}, ptr ${sym(dataSym)} }, align 8`);
    this.staticArrays.set(sym(headerSym), { dataSym, length, el });
    return { dataSym, headerSym, length, el };
  }

  /** Static-array facts for an operand that is the header symbol of a static typed array. */
  staticArrayBySymbol(operand: string): { dataSym: string; length: number; el: ElemType } | undefined {
    return this.staticArrays.get(operand);
  }

  /** The header symbol of a string literal's static bytes (deduplicated). */
  stringLiteral(text: string): string {
    let s = this.strings.get(text);
    if (s) return s;
    s = `tsnc.str.${this.strings.size}`;
    const bytes = Array.from(text, ch => ch.charCodeAt(0));
    this.data.push(`${sym(s + '.bytes')} = private unnamed_addr constant [${bytes.length} x i8] ${cString(bytes)}, align 1`);
    this.data.push(`${sym(s)} = private unnamed_addr constant { i64, ptr } { i64 ${bytes.length}, ptr ${sym(s + '.bytes')} }, align 8`);
    this.strings.set(text, s);
    return s;
  }

  /** Declare an external function or LLVM intrinsic once. */
  declare(symbol: string, text: string): void { this.declares.set(symbol, text); }
}

