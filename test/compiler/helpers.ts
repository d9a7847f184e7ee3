/**
 * Test helpers for the compiler: write snippets to a temporary directory, load them in one
 * TypeScript program, and lower each as its own root (as the conformance runner does).
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as ts from 'typescript';
import { DiagnosticSink, formatDiagnostic } from '../../scripts/tsnc/src/diag';
import { lowerLoaded } from '../../scripts/tsnc/src/driver';
import { compilerOptions, Loaded } from '../../scripts/tsnc/src/program';
import type { CompiledModule } from '../../scripts/tsnc/src/lower/module';

/** Lowering result of one snippet: its module and every diagnostic as `file:line:col: message`. */
export interface SnippetResult {
  file: string;
  mod: CompiledModule;
  messages: string[];
}

/** A fresh temporary directory. */
export function tempDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `tshype-${prefix}-`));
}

/** Lower every snippet (name -> source) with one shared TypeScript program. */
export function lowerSnippets(snippets: Record<string, string>): Map<string, SnippetResult> {
  const dir = tempDir('snippets');
  const files = Object.entries(snippets).map(([name, src]) => {
    const f = path.join(dir, `${name}.ts`);
    fs.writeFileSync(f, src);
    return f;
  });
  const program = ts.createProgram(files, compilerOptions());
  const loaded: Loaded = { program, checker: program.getTypeChecker(), roots: [] };
  const out = new Map<string, SnippetResult>();
  for (const f of files) {
    const sf = program.getSourceFile(f)!;
    const diags = new DiagnosticSink();
    for (const d of ts.getPreEmitDiagnostics(program, sf)) diags.fromTs(d);
    const mod = lowerLoaded({ ...loaded, roots: [sf] }, diags, { base: dir });
    out.set(path.basename(f, '.ts'), { file: f, mod, messages: diags.list.map(d => formatDiagnostic({ ...d, file: path.basename(d.file) })) });
  }
  fs.rmSync(dir, { recursive: true, force: true });
  return out;
}
