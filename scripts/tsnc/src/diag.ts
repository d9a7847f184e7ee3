/**
 * Diagnostics: every refusal is reported as `file:line:col: message`, all of them at once.
 */
import * as ts from 'typescript';
import * as path from 'path';

/** One problem in a source file. */
export interface Diagnostic {
  file: string;
  line: number;
  col: number;
  message: string;
}

/** Collects diagnostics; lowering goes on after an error so that every error is reported. */
export class DiagnosticSink {
  readonly list: Diagnostic[] = [];

  /** Record `message` at the start of `node`. */
  error(node: ts.Node, message: string): void {
    const sf = node.getSourceFile();
    const { line, character } = sf.getLineAndCharacterOfPosition(node.getStart(sf));
    this.list.push({ file: sf.fileName, line: line + 1, col: character + 1, message });
  }

  /** Record a diagnostic produced by the TypeScript checker. */
  fromTs(d: ts.Diagnostic): void {
    const message = ts.flattenDiagnosticMessageText(d.messageText, '\n');
    if (d.file && d.start !== undefined) {
      const { line, character } = d.file.getLineAndCharacterOfPosition(d.start);
      this.list.push({ file: d.file.fileName, line: line + 1, col: character + 1, message });
    } else {
      this.list.push({ file: '<tsconfig>', line: 0, col: 0, message });
    }
  }

  get count(): number { return this.list.length; }
}

/** `file:line:col: message`, with the file relative to the current directory when inside it. */
export function formatDiagnostic(d: Diagnostic): string {
  const rel = path.relative(process.cwd(), d.file);
  const file = rel.startsWith('..') ? d.file : rel;
  return `${file}:${d.line}:${d.col}: ${d.message}`;
}
