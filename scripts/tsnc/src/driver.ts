/**
 * The compiler as a library: check, compile to an object, build a Linux test executable.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as ts from 'typescript';
import { DiagnosticSink } from './diag';
import { Loaded, loadProgram } from './program';
import { compileProgram, CompiledModule, TRIPLE_BE } from './lower/module';
import { Compilation, CompileOptions, FuncInfo } from './lower/compilation';
import { irToObject, linkExecutable, startObject } from './toolchain';
import { sym } from './ir';
import { llType } from './kinds';

/** Options a user can set on the command line. */
export interface DriverOptions {
  heapSize?: number;
  base?: string;
  /** Module aliases (`@platform` -> arch/ppc64/pseries/platform.ts). */
  aliases?: ReadonlyMap<string, string>;
}

function compileOptions(o: DriverOptions): CompileOptions {
  return { base: o.base ?? process.cwd(), heapSize: o.heapSize ?? (1 << 20), triple: TRIPLE_BE };
}

/** Load, check and lower `files`; diagnostics in `diags` (the module is only valid without errors). */
export function lower(files: string[], diags: DiagnosticSink, o: DriverOptions = {}): CompiledModule {
  return lowerLoaded(loadProgram(files, diags, o.aliases), diags, o);
}

/** Lower an already loaded program (the conformance runner shares one program between many). */
export function lowerLoaded(loaded: Loaded, diags: DiagnosticSink, o: DriverOptions = {}): CompiledModule {
  return compileProgram(loaded, diags, compileOptions(o));
}

/** One field of a class as it is laid out natively. */
export interface FieldLayout {
  readonly name: string;
  /** Byte offset from the object's address. */
  readonly offset: number;
}

/**
 * The native layout of class `className` declared in `file`, by the compiler's own rule (one
 * 8-byte slot per field, in declaration order): what assembly needs to address an object's
 * fields (scripts/gen-asm-offsets.ts). Throws when the file does not declare the class.
 */
export function classLayout(file: string, className: string): FieldLayout[] {
  const diags = new DiagnosticSink();
  const loaded = loadProgram([file], diags);
  const decl = loaded.roots[0]?.statements.find(
    (s): s is ts.ClassDeclaration => ts.isClassDeclaration(s) && s.name?.text === className);
  if (!decl) throw new Error(`${file}: no class ${className}`);
  const info = new Compilation(loaded, diags, compileOptions({})).classInfo(decl);
  return info.fields.map(f => ({ name: f.name, offset: f.offset }));
}

/** IR for the Linux start-up's `tsnc_main`: run the module initialisers, then `main`. */
export function mainEntry(main: FuncInfo): string {
  return [
    'define i64 @tsnc_main() #0 {',
    'entry:',
    '  call void @tsnc.init()',
    `  %r = call i64 ${sym(main.sym)}()`,
    '  ret i64 %r',
    '}',
    '',
  ].join('\n');
}

/** A program's `main(): u64` export, or an error message. */
export function findMain(mod: CompiledModule): FuncInfo | string {
  const main = mod.exports.get('main');
  if (!main) return "no exported 'function main(): u64'";
  if (main.params.length !== 0 || (main.ret.t !== 'u64' && main.ret.t !== 'i64')) return "'main' must take no arguments and return u64";
  return main;
}

/** Build a static Linux executable that prints main()'s result; `workDir` holds intermediates. */
export async function buildExecutable(mod: CompiledModule, main: FuncInfo, out: string, workDir: string, emitLlvm?: string): Promise<void> {
  const ir = mod.ir + '\n' + mainEntry(main);
  if (emitLlvm) fs.writeFileSync(emitLlvm, ir);
  fs.mkdirSync(workDir, { recursive: true });
  const obj = path.join(workDir, path.basename(out).replace(/\.elf$/, '') + '.o');
  await irToObject(ir, obj);
  await linkExecutable([await startObject(workDir), obj], out);
}

/** Plain-name wrappers for exported root functions, so that assembly can call them. */
export function exportWrappers(mod: CompiledModule): string {
  const lines: string[] = [];
  for (const [name, f] of mod.exports) {
    const params = f.params.map((p, i) => `${llType(p)} %a${i}`).join(', ');
    const ret = llType(f.ret);
    const call = `call ${ret} ${sym(f.sym)}(${params})`;
    lines.push(`define ${ret} ${sym(name)}(${params}) #0 {`, 'entry:',
      ret === 'void' ? `  ${call}\n  ret void` : `  %r = ${call}\n  ret ${ret} %r`, '}', '');
  }
  return lines.join('\n');
}

/** Compile to one object file (with plain-name wrappers for the roots' exports). */
export async function compileObject(mod: CompiledModule, out: string, emitLlvm?: string): Promise<void> {
  const ir = mod.ir + '\n' + exportWrappers(mod);
  if (emitLlvm) fs.writeFileSync(emitLlvm, ir);
  await irToObject(ir, out);
}

