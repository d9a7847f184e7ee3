/**
 * `tsnc conformance DIR`: every DIR/*.ts exporting `main(): u64` runs twice — in Node (a
 * fresh child process with the host intrinsics) and natively (compiled by tsnc, run under
 * qemu-ppc64) — and the two 64-bit results must be equal. One line per program, then
 * `N passed, N failed`; exit status 1 on any difference or compile error.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as ts from 'typescript';
import { execFile } from 'child_process';
import { DiagnosticSink, formatDiagnostic } from './diag';
import { DriverOptions, buildExecutable, findMain, lowerLoaded } from './driver';
import type { CompiledModule } from './lower/module';
import type { FuncInfo } from './lower/compilation';
import { Loaded, compilerOptions, initOrder } from './program';

export interface ConformanceOptions extends DriverOptions {
  jobs: number;
  /** Keep executables and IR in this directory (default: a temporary one, removed). */
  keep?: string;
}

/** Outcome of one side of a run: a 16-digit hex result or an error text. */
type Outcome = { ok: true; value: string } | { ok: false; error: string };

const REGISTER = path.join(__dirname, '..', 'register.cjs');
const TIMEOUT_MS = 60_000;

/** Programs of DIR: .ts files (sorted) that export a function named main. */
function findPrograms(dir: string, program: ts.Program): ts.SourceFile[] {
  return fs.readdirSync(dir).filter(f => f.endsWith('.ts') && !f.endsWith('.d.ts')).sort()
    .map(f => program.getSourceFile(path.resolve(dir, f))!)
    .filter(sf => sf && sf.statements.some(st => ts.isFunctionDeclaration(st) && st.name?.text === 'main' &&
      ts.getModifiers(st)?.some(m => m.kind === ts.SyntaxKind.ExportKeyword)));
}

/** Run `main` of one file in a fresh Node process. */
function runInNode(file: string): Promise<Outcome> {
  const script = `const m = require(${JSON.stringify(file)}); const r = m.main();
    if (typeof r !== 'bigint') { console.log('ERROR main returned ' + typeof r); process.exit(0); }
    console.log(BigInt.asUintN(64, r).toString(16).padStart(16, '0'));`;
  return new Promise(resolve => {
    execFile(process.execPath, ['-r', REGISTER, '-e', script], { timeout: TIMEOUT_MS, encoding: 'utf8' }, (err, stdout, stderr) => {
      const line = stdout.trim();
      if (err) resolve({ ok: false, error: `node: ${firstLine(stderr) || err.message}` });
      else if (/^[0-9a-f]{16}$/.test(line)) resolve({ ok: true, value: line });
      else resolve({ ok: false, error: `node: ${line || firstLine(stderr)}` });
    });
  });
}

/** Run a native executable under qemu-ppc64. */
function runNative(elf: string): Promise<Outcome> {
  return new Promise(resolve => {
    execFile('qemu-ppc64', [elf], { timeout: TIMEOUT_MS, encoding: 'utf8' }, (err, stdout, stderr) => {
      const line = stdout.trim();
      if (err) resolve({ ok: false, error: `native: ${err.signal ? `killed by ${err.signal}` : `exit ${err.code}`}${stderr ? ' ' + firstLine(stderr) : ''}` });
      else if (/^[0-9a-f]{16}$/.test(line)) resolve({ ok: true, value: line });
      else resolve({ ok: false, error: `native: unexpected output '${line.slice(0, 60)}'` });
    });
  });
}

/** The most telling line of an error output: the first naming an Error, else the first. */
function firstLine(s: string): string {
  const lines = s.trim().split('\n');
  return (lines.find(l => /Error/.test(l)) ?? lines[0] ?? '').trim().slice(0, 200);
}

/** Run tasks with at most `jobs` in flight; results in input order. */
async function pool<T, R>(items: T[], jobs: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(jobs, items.length)) }, worker));
  return results;
}

/** A program lowered to IR, ready to build, or the reason it cannot be. */
type Lowered = { ok: true; mod: CompiledModule; main: FuncInfo; name: string } | { ok: false; error: string };

/** Lower one program (TypeScript errors of any file it imports count too). */
function lowerOne(loaded: Loaded, sf: ts.SourceFile, tsErrors: Map<string, string[]>, o: ConformanceOptions): Lowered {
  const view: Loaded = { ...loaded, roots: [sf] };
  const msgs: string[] = [];
  for (const f of initOrder(view)) msgs.push(...(tsErrors.get(f.fileName) ?? []));
  const diags = new DiagnosticSink();
  const mod = lowerLoaded(view, diags, { ...o, base: path.dirname(sf.fileName) });
  msgs.push(...diags.list.map(formatDiagnostic));
  if (msgs.length) return { ok: false, error: 'compile error\n    ' + msgs.join('\n    ') };
  const main = findMain(mod);
  if (typeof main === 'string') return { ok: false, error: main };
  return { ok: true, mod, main, name: path.basename(sf.fileName, '.ts') };
}

/** Build a lowered program and run it under qemu-ppc64. */
async function buildAndRun(l: Lowered, work: string, keep: boolean): Promise<Outcome> {
  if (!l.ok) return l;
  const elf = path.join(work, `${l.name}.elf`);
  try {
    await buildExecutable(l.mod, l.main, elf, work, keep ? path.join(work, `${l.name}.ll`) : undefined);
  } catch (e) {
    return { ok: false, error: `build failed: ${(e as Error).message.split('\n').slice(0, 6).join('\n    ')}` };
  }
  return runNative(elf);
}

/** Run the differential test over DIR; resolves with the exit status. */
export async function runConformance(dir: string, o: ConformanceOptions): Promise<number> {
  const files = fs.readdirSync(dir).filter(f => f.endsWith('.ts') && !f.endsWith('.d.ts')).map(f => path.resolve(dir, f));
  const program = ts.createProgram(files, compilerOptions());
  const tsErrors = new Map<string, string[]>();
  for (const d of ts.getPreEmitDiagnostics(program)) {
    const sink = new DiagnosticSink();
    sink.fromTs(d);
    const key = d.file?.fileName ?? '<options>';
    tsErrors.set(key, [...(tsErrors.get(key) ?? []), ...sink.list.map(formatDiagnostic)]);
  }
  const loaded: Loaded = { program, checker: program.getTypeChecker(), roots: [] };
  const programs = findPrograms(dir, program);
  const work = o.keep ? path.resolve(o.keep) : fs.mkdtempSync(path.join(os.tmpdir(), 'tsnc-conformance-'));
  fs.mkdirSync(work, { recursive: true });

  const nodeRuns = pool(programs, o.jobs, sf => runInNode(sf.fileName));
  const lowered = programs.map(sf => lowerOne(loaded, sf, tsErrors, o));   // in process: one shared checker
  const native = await pool(lowered, o.jobs, l => buildAndRun(l, work, !!o.keep));
  const node = await nodeRuns;

  let passed = 0;
  programs.forEach((sf, i) => {
    const name = path.basename(sf.fileName);
    const n = node[i], x = native[i];
    if (n.ok && x.ok && n.value === x.value) {
      passed++;
      console.log(`pass  ${name}  ${n.value}`);
    } else if (n.ok && x.ok) {
      console.log(`FAIL  ${name}  node ${n.value} native ${x.value}`);
    } else {
      console.log(`FAIL  ${name}  ${!x.ok ? x.error : ''}${!n.ok ? (x.ok ? '' : '; ') + n.error : ''}`);
    }
  });
  if (!o.keep) fs.rmSync(work, { recursive: true, force: true });
  const failed = programs.length - passed;
  console.log(`${passed} passed, ${failed} failed`);
  return failed === 0 && programs.length > 0 ? 0 : 1;
}
