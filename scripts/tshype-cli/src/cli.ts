/**
 * The tshype command line: `tshype policy compile FILE -o OUT`,
 * `tshype policy explain FILE --subject A --object B --op OP [--running A,B]` and
 * `tshype vtpm serve --port P [--state FILE] [--measure FILE]...` (vtpm-serve.ts).
 * main() returns the exit status: 0 done, 1 policy refused (or the TPM not opened), 2 usage or
 * I/O error; for `vtpm serve`, 0 means the server is starting and the process lives on with it.
 */
import * as fs from 'fs';
import * as path from 'path';
import { compilePolicy, isBinaryPolicy } from './policy-compiler';
import { explain, loadIntoEngine } from './explain';
import { SERVE_USAGE, vtpmServe } from './vtpm-serve';

const USAGE = `usage: tshype policy compile FILE -o OUT
       tshype policy explain FILE --subject LABEL --object LABEL|-|none --op OP [--running LABEL,...]
       ${SERVE_USAGE}`;

type Out = (s: string) => void;

/** Options after the positional FILE: --name value pairs. */
function options(args: string[], allowed: string[], err: Out): Map<string, string> | undefined {
  const out = new Map<string, string>();
  for (let i = 0; i < args.length; i += 2) {
    const key = args[i];
    if (!allowed.includes(key) || args[i + 1] === undefined) { err(`tshype: bad option '${key}'\n${USAGE}`); return undefined; }
    out.set(key, args[i + 1]);
  }
  return out;
}

/** Write `bytes` to `file` all at once: a temporary file renamed into place, never a partial file. */
function writeAtomically(file: string, bytes: Uint8Array): void {
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.tmp`);
  try {
    fs.writeFileSync(tmp, bytes);
    fs.renameSync(tmp, file);
  } finally {
    fs.rmSync(tmp, { force: true });
  }
}

function compile(args: string[], out: Out, err: Out): number {
  const [file, ...rest] = args;
  const opts = file === undefined ? undefined : options(rest, ['-o'], err);
  if (opts === undefined || !opts.has('-o')) { if (opts !== undefined) err(USAGE); else if (file === undefined) err(USAGE); return 2; }
  let source: string;
  try { source = fs.readFileSync(file, 'latin1'); } catch (e) { err(`tshype: ${(e as Error).message}`); return 2; }
  const result = compilePolicy(source, file);
  if (result.binary === undefined) {
    for (const e of result.errors) err(e);
    return 1;
  }
  try { writeAtomically(opts.get('-o')!, result.binary); } catch (e) { err(`tshype: ${(e as Error).message}`); return 2; }
  out(`${opts.get('-o')}: ${result.binary.length} bytes`);
  return 0;
}

function explainCmd(args: string[], out: Out, err: Out): number {
  const [file, ...rest] = args;
  const opts = file === undefined ? undefined : options(rest, ['--subject', '--object', '--op', '--running'], err);
  if (opts === undefined || !opts.has('--subject') || !opts.has('--op')) { err(USAGE); return 2; }
  let bytes: Uint8Array;
  try { bytes = fs.readFileSync(file); } catch (e) { err(`tshype: ${(e as Error).message}`); return 2; }
  const binary = isBinaryPolicy(bytes);
  if (!binary) {
    const result = compilePolicy(Buffer.from(bytes).toString('latin1'), file);
    if (result.binary === undefined) { for (const e of result.errors) err(e); return 1; }
    bytes = result.binary;
  }
  try {
    loadIntoEngine(bytes);
    const running = opts.get('--running');
    out(explain({
      subject: opts.get('--subject')!, object: opts.get('--object') ?? '-', op: opts.get('--op')!,
      running: running === undefined ? undefined : running.split(',').filter(r => r !== ''),
    }, file, binary).text);
  } catch (e) {
    err(`tshype: ${(e as Error).message}`);
    return 2;
  }
  return 0;
}

/** Run the command line `args` (without node and the script); returns the exit status. */
export function main(args: string[], out: Out = s => console.log(s), err: Out = s => console.error(s)): number {
  if (args[0] === 'policy' && args[1] === 'compile') return compile(args.slice(2), out, err);
  if (args[0] === 'policy' && args[1] === 'explain') return explainCmd(args.slice(2), out, err);
  if (args[0] === 'vtpm' && args[1] === 'serve') {
    // loaded only here: the TPM engine is large, and the policy commands do not need it
    const { openEngine } = require('./vtpm-engine') as typeof import('./vtpm-engine');
    return vtpmServe(args.slice(2), openEngine, out, err);
  }
  err(USAGE);
  return 2;
}
