/**
 * Loading restricted TypeScript: one ts.Program over the root files and everything they
 * import, type-checked in strict mode, with "tsnc" resolving to this package's lib/.
 */
import * as ts from 'typescript';
import * as path from 'path';
import { DiagnosticSink } from './diag';

/** Directory of the "tsnc" library (types, intrinsics, int64 helpers). */
export const LIB_DIR = path.resolve(__dirname, '..', 'lib');

/**
 * Compiler options for restricted code: strict, ES2022, no DOM, "tsnc" mapped to lib/, and
 * `aliases` (module name -> file) for build-time choices such as the platform back end.
 */
export function compilerOptions(aliases: ReadonlyMap<string, string> = new Map()): ts.CompilerOptions {
  const paths: ts.MapLike<string[]> = { tsnc: [path.join(LIB_DIR, 'index.ts')] };
  for (const [name, file] of aliases) paths[name] = [path.resolve(file)];
  return {
    strict: true, noEmit: true, noImplicitReturns: true, target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.CommonJS, moduleResolution: ts.ModuleResolutionKind.Node10,
    lib: ['lib.es2022.d.ts'], types: [], skipLibCheck: true,
    baseUrl: '/', paths,
  };
}

/** A loaded program and its checker. */
export interface Loaded {
  program: ts.Program;
  checker: ts.TypeChecker;
  roots: ts.SourceFile[];
}

/** Load and type-check `files`; TypeScript errors go to `diags`. */
export function loadProgram(files: string[], diags: DiagnosticSink, aliases?: ReadonlyMap<string, string>): Loaded {
  const program = ts.createProgram(files.map(f => path.resolve(f)), compilerOptions(aliases));
  for (const d of ts.getPreEmitDiagnostics(program)) diags.fromTs(d);
  const roots = files.map(f => program.getSourceFile(path.resolve(f))).filter((s): s is ts.SourceFile => !!s);
  return { program, checker: program.getTypeChecker(), roots };
}

/** True for the files of the tsnc library that are intrinsics or host code (never compiled). */
export function isHostFile(sf: ts.SourceFile): boolean {
  const f = path.resolve(sf.fileName);
  return f === path.join(LIB_DIR, 'intrinsics.ts') || f === path.join(LIB_DIR, 'host.ts');
}

/** True for a file of the tsnc library. */
export function isLibFile(sf: ts.SourceFile): boolean {
  return path.resolve(sf.fileName).startsWith(LIB_DIR + path.sep);
}

/**
 * Source files in initialisation order: imports before importers (ES module order),
 * starting from the roots, skipping .d.ts and host-only files.
 */
export function initOrder(loaded: Loaded): ts.SourceFile[] {
  const seen = new Set<ts.SourceFile>();
  const order: ts.SourceFile[] = [];
  const visit = (sf: ts.SourceFile): void => {
    if (seen.has(sf) || sf.isDeclarationFile) return;
    seen.add(sf);
    for (const st of sf.statements) {
      const spec = (ts.isImportDeclaration(st) || ts.isExportDeclaration(st)) ? st.moduleSpecifier : undefined;
      if (!spec || !ts.isStringLiteral(spec)) continue;
      if (ts.isImportDeclaration(st) && st.importClause?.isTypeOnly) continue;
      const target = resolveImport(loaded.program, sf, spec.text);
      if (target) visit(target);
    }
    if (!isHostFile(sf)) order.push(sf);
  };
  for (const r of loaded.roots) visit(r);
  return order;
}

function resolveImport(program: ts.Program, from: ts.SourceFile, spec: string): ts.SourceFile | undefined {
  const r = ts.resolveModuleName(spec, from.fileName, program.getCompilerOptions(), ts.sys);
  return r.resolvedModule ? program.getSourceFile(r.resolvedModule.resolvedFileName) : undefined;
}

/** Symbol prefix of a module: its path relative to `base` without extension (`hv/gate`). */
export function moduleName(sf: ts.SourceFile, base: string): string {
  if (isLibFile(sf)) return 'tsnc/' + path.basename(sf.fileName, '.ts');
  const rel = path.relative(base, sf.fileName).replace(/\\/g, '/').replace(/\.ts$/, '');
  return rel.split('/').map(p => (p === '..' ? '^' : p)).join('/');
}
