/**
 * Whole-program lowering: every function, method, constructor and module initialiser of the
 * program becomes one LLVM module, with the small runtime the generated code needs (the
 * initialisation arena and freestanding memset/memcpy/memmove).
 */
import * as ts from 'typescript';
import { DiagnosticSink } from '../diag';
import { sym } from '../ir';
import { Loaded, isHostFile } from '../program';
import { VOID } from '../kinds';
import { Compilation, CompileOptions, FuncInfo } from './compilation';
import { FunctionLowering, isModuleLevel } from './function';

/** Data layout of big-endian 64-bit PowerPC, ELFv2 (as clang-19 gives it). */
export const DATALAYOUT_BE = 'E-m:e-Fi64-i64:64-n32:64-S128-v256:256:256-v512:512:512';
export const TRIPLE_BE = 'powerpc64-unknown-linux-gnu';

/** What a compilation produced. */
export interface CompiledModule {
  /** LLVM IR text of the whole program. */
  ir: string;
  /** Native symbol of each root file's exported functions, by plain name. */
  exports: Map<string, FuncInfo>;
}


/** Lower the whole program; errors go to `diags` (check diags.count before using the result). */
export function compileProgram(loaded: Loaded, diags: DiagnosticSink, options: CompileOptions): CompiledModule {
  const comp = new Compilation(loaded, diags, options);
  comp.checkSyntax();
  // lowering assumes well-typed code inside the subset: stop at the first phase with errors
  if (diags.count) return { ir: '', exports: new Map() };
  const inits: string[] = [];
  for (const sf of comp.order) {
    if (isHostFile(sf)) continue;
    for (const st of sf.statements) {
      if (ts.isFunctionDeclaration(st) && st.body) compileFunction(comp, st);
      else if (ts.isClassDeclaration(st)) compileClass(comp, st);
    }
    inits.push(compileModuleInit(comp, sf));
  }
  const exports = rootExports(comp);
  // a `declare function` naming a root export is that export (a back end calling the portable
  // code by name): the plain-name wrapper (driver.ts exportWrappers) defines it in this module
  for (const name of exports.keys()) comp.declares.delete(name);
  comp.code.push('define void @tsnc.init() #0 {', 'entry:', ...inits.map(i => `  call void ${sym(i)}()`), '  ret void', '}', '');
  return { ir: assemble(comp), exports };
}

/**
 * True when the declaration's doc comment carries `@noinline`: natively the function is never
 * inlined (a hint for hot paths, docs/restricted-typescript.md; Node ignores it).
 */
function hasNoinlineTag(decl: ts.FunctionDeclaration | ts.MethodDeclaration): boolean {
  return ts.getJSDocTags(decl).some(t => t.tagName.text === 'noinline');
}

function compileFunction(comp: Compilation, decl: ts.FunctionDeclaration | ts.MethodDeclaration): void {
  const info = comp.funcInfo(decl);
  const fl = new FunctionLowering(comp, info.ret, info.cls);
  fl.define(info, decl.parameters, () => fl.statement(decl.body!), 'internal', hasNoinlineTag(decl));
}

function compileClass(comp: Compilation, decl: ts.ClassDeclaration): void {
  const cls = comp.classInfo(decl);
  const ctor = decl.members.find(ts.isConstructorDeclaration);
  const info = comp.funcInfo(ctor ?? decl);
  const fl = new FunctionLowering(comp, VOID, cls);
  fl.define(info, ctor?.parameters ?? [], () => {
    // field initialisers run first, in declaration order, then the constructor body
    for (const p of decl.members.filter(ts.isPropertyDeclaration)) {
      if (!p.initializer) continue;
      const field = cls.fields.find(f => f.name === p.name.getText())!;
      const ptr = fl.b.value(`getelementptr inbounds i8, ptr %this, i64 ${field.offset}`);
      fl.toMemory(ptr, fl.coerce(fl.expr(p.initializer, field.kind), field.kind, p.initializer), field.kind);
    }
    if (ctor?.body) fl.statement(ctor.body);
  });
  for (const m of decl.members) if (ts.isMethodDeclaration(m) && m.body) compileFunction(comp, m);
}

/** The module initialiser: module-level statements and non-static variable initialisers, in order. */
function compileModuleInit(comp: Compilation, sf: ts.SourceFile): string {
  const name = `${comp.modName(sf)}.__init`;
  const fl = new FunctionLowering(comp, VOID);
  const info: FuncInfo = { sym: name, params: [], ret: VOID, external: false };
  fl.define(info, [], () => {
    for (const st of sf.statements) {
      if (ts.isVariableStatement(st)) {
        if (st.modifiers?.some(m => m.kind === ts.SyntaxKind.DeclareKeyword)) continue;
        for (const d of st.declarationList.declarations) initGlobal(comp, fl, d);
      } else if (isExecutable(st)) {
        fl.statement(st);
      }
    }
  });
  return name;
}

function isExecutable(st: ts.Statement): boolean {
  return !(ts.isFunctionDeclaration(st) || ts.isClassDeclaration(st) || ts.isImportDeclaration(st) ||
    ts.isExportDeclaration(st) || ts.isTypeAliasDeclaration(st) || ts.isEnumDeclaration(st) ||
    ts.isInterfaceDeclaration(st) || ts.isModuleDeclaration(st));
}

function initGlobal(comp: Compilation, fl: FunctionLowering, d: ts.VariableDeclaration): void {
  if (!d.initializer || !isModuleLevel(d)) return;
  const g = comp.globalInfo(d);
  if (g.constant || g.staticArray || g.stringSym || g.staticInit) return;   // nothing to run
  const init = d.initializer;
  const v = fl.coerce(fl.expr(init, g.kind), g.kind, init);
  fl.toMemory(sym(g.sym), v, g.kind);
}

/** Functions exported from the root files get their plain name too (for assembly callers). */
function rootExports(comp: Compilation): Map<string, FuncInfo> {
  const out = new Map<string, FuncInfo>();
  for (const root of comp.loaded.roots) {
    for (const st of root.statements) {
      if (!ts.isFunctionDeclaration(st) || !st.body || !st.name) continue;
      if (!ts.getModifiers(st)?.some(m => m.kind === ts.SyntaxKind.ExportKeyword)) continue;
      out.set(st.name.text, comp.funcInfo(st));
    }
  }
  return out;
}

function assemble(comp: Compilation): string {
  const out = [
    `; generated by tsnc`,
    `target datalayout = "${DATALAYOUT_BE}"`,
    `target triple = "${comp.options.triple}"`,
    '',
    ...comp.data,
    '',
    ...comp.code,
    ...runtime(comp),
    ...comp.declares.values(),
    'declare void @llvm.trap() #2',
    '',
    'attributes #0 = { nounwind }',
    'attributes #1 = { nounwind noreturn }',
    'attributes #2 = { cold noreturn nounwind }',
    'attributes #3 = { nounwind "no-builtins" }',
    'attributes #4 = { nounwind noinline }',
    '!0 = !{!"branch_weights", i32 2000, i32 1}',
    '',
  ];
  return out.join('\n');
}

/** The arena allocator and freestanding memory routines (LLVM may call mem* for loops). */
function runtime(comp: Compilation): string[] {
  const heap = Math.max(16, comp.options.heapSize);
  return [
    `@tsnc.heap = internal global [${heap} x i8] zeroinitializer, align 16`,
    '@tsnc.heap.top = internal global i64 0, align 8',
    '',
    '; bump allocation at initialisation; the arena is zeroed static storage, exhausting it traps',
    'define internal ptr @tsnc.alloc(i64 %size) #0 {',
    'entry:',
    '  %top = load i64, ptr @tsnc.heap.top',
    '  %r = add i64 %size, 15',
    '  %rounded = and i64 %r, -16',
    '  %end = add i64 %top, %rounded',
    `  %ok = icmp ule i64 %end, ${heap}`,
    '  br i1 %ok, label %fits, label %full',
    'fits:',
    '  store i64 %end, ptr @tsnc.heap.top',
    '  %p = getelementptr inbounds i8, ptr @tsnc.heap, i64 %top',
    '  ret ptr %p',
    'full:',
    '  call void @llvm.trap()',
    '  unreachable',
    '}',
    '',
    '; memset: doublewords while 8-byte aligned, then bytes (no-builtins: not turned back into memset)',
    'define weak ptr @memset(ptr %d, i32 %c, i64 %n) #3 {',
    'entry:',
    '  %b = trunc i32 %c to i8',
    '  %b64 = zext i8 %b to i64',
    '  %pattern = mul i64 %b64, 72340172838076673',
    '  %di = ptrtoint ptr %d to i64',
    '  %mis = and i64 %di, 7',
    '  %aligned = icmp eq i64 %mis, 0',
    '  %words = lshr i64 %n, 3',
    '  %wbytes = shl i64 %words, 3',
    '  %nw = select i1 %aligned, i64 %wbytes, i64 0',
    '  br label %wloop',
    'wloop:',
    '  %w = phi i64 [ 0, %entry ], [ %w1, %wbody ]',
    '  %wmore = icmp ult i64 %w, %nw',
    '  br i1 %wmore, label %wbody, label %loop',
    'wbody:',
    '  %wp = getelementptr i8, ptr %d, i64 %w',
    '  store i64 %pattern, ptr %wp, align 8',
    '  %w1 = add i64 %w, 8',
    '  br label %wloop',
    'loop:',
    '  %i = phi i64 [ %nw, %wloop ], [ %i1, %body ]',
    '  %more = icmp ult i64 %i, %n',
    '  br i1 %more, label %body, label %done',
    'body:',
    '  %p = getelementptr i8, ptr %d, i64 %i',
    '  store i8 %b, ptr %p',
    '  %i1 = add i64 %i, 1',
    '  br label %loop',
    'done:',
    '  ret ptr %d',
    '}',
    '',
    'define weak ptr @memcpy(ptr %d, ptr %s, i64 %n) #3 {',
    'entry:',
    '  %r = call ptr @memmove(ptr %d, ptr %s, i64 %n)',
    '  ret ptr %r',
    '}',
    '',
    'define weak ptr @memmove(ptr %d, ptr %s, i64 %n) #3 {',
    'entry:',
    '  %di = ptrtoint ptr %d to i64',
    '  %si = ptrtoint ptr %s to i64',
    '  %back = icmp ugt i64 %di, %si',
    '  br i1 %back, label %bwd, label %fwd',
    'fwd:',
    '  %i = phi i64 [ 0, %entry ], [ %i1, %fwdbody ]',
    '  %fmore = icmp ult i64 %i, %n',
    '  br i1 %fmore, label %fwdbody, label %done',
    'fwdbody:',
    '  %fs = getelementptr i8, ptr %s, i64 %i',
    '  %fd = getelementptr i8, ptr %d, i64 %i',
    '  %fv = load volatile i8, ptr %fs',
    '  store volatile i8 %fv, ptr %fd',
    '  %i1 = add i64 %i, 1',
    '  br label %fwd',
    'bwd:',
    '  %j = phi i64 [ %n, %entry ], [ %j1, %bwdbody ]',
    '  %bmore = icmp ugt i64 %j, 0',
    '  br i1 %bmore, label %bwdbody, label %done',
    'bwdbody:',
    '  %j1 = sub i64 %j, 1',
    '  %bs = getelementptr i8, ptr %s, i64 %j1',
    '  %bd = getelementptr i8, ptr %d, i64 %j1',
    '  %bv = load volatile i8, ptr %bs',
    '  store volatile i8 %bv, ptr %bd',
    '  br label %bwd',
    'done:',
    '  ret ptr %d',
    '}',
    '',
  ];
}

