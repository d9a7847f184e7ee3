/**
 * Shared by the system tests: run a command from the top of the tree and describe its result.
 */
import { spawn } from 'child_process';
import * as path from 'path';

/** The top of the source tree. */
export const TOP = path.resolve(__dirname, '..', '..');

export interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Run a command from the top of the tree; resolves (never rejects) with what it did. */
export function run(cmd: string, args: string[], env: Record<string, string> = {}): Promise<Run> {
  return new Promise(resolve => {
    const child = spawn(cmd, args, { cwd: TOP, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => { stdout += d.toString('latin1'); });
    child.stderr.on('data', (d: Buffer) => { stderr += d.toString('latin1'); });
    child.on('error', e => resolve({ status: null, stdout, stderr: stderr + String(e) }));
    child.on('close', status => resolve({ status, stdout, stderr }));
  });
}

/** A run's output, for failure messages. */
export function show(r: Run): string {
  return `status ${r.status}\n--- stdout\n${r.stdout}\n--- stderr\n${r.stderr}`;
}
