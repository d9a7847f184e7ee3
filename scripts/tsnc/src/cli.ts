/**
 * tsnc command line:
 *   tsnc check FILE…                               type-check and subset-check
 *   tsnc compile FILE… -o OUT.o [--emit-llvm F.ll]  one ppc64 object for the whole program
 *   tsnc build FILE.ts -o OUT.elf [--emit-llvm F.ll] static Linux executable printing main()
 *   tsnc conformance DIR [--jobs N] [--keep DIR]    differential run, Node vs native
 * Common options: --heap-size BYTES (initialisation arena), --base DIR (symbol names),
 *   --alias NAME=FILE (resolve imports of NAME to FILE, e.g. the platform back end).
 */
import * as os from 'os';
import * as path from 'path';
import { DiagnosticSink, formatDiagnostic } from './diag';
import { buildExecutable, compileObject, findMain, lower, DriverOptions } from './driver';
import { runConformance } from './conformance';

interface Args {
  command: string;
  files: string[];
  flags: Map<string, string>;
  aliases: Map<string, string>;
}

const VALUE_FLAGS = new Set(['-o', '--emit-llvm', '--heap-size', '--base', '--jobs', '--keep']);

function parseArgs(argv: string[]): Args {
  const [command = 'help', ...rest] = argv;
  const files: string[] = [];
  const flags = new Map<string, string>();
  const aliases = new Map<string, string>();
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i];
    if (a === '--alias') {
      const m = /^([^=]+)=(.+)$/.exec(rest[++i] ?? '');
      if (!m) throw new Error('--alias needs NAME=FILE');
      aliases.set(m[1], m[2]);
    } else if (VALUE_FLAGS.has(a)) {
      if (i + 1 >= rest.length) throw new Error(`${a} needs a value`);
      flags.set(a, rest[++i]);
    } else if (a.startsWith('-')) {
      throw new Error(`unknown option ${a}`);
    } else {
      files.push(a);
    }
  }
  return { command, files, flags, aliases };
}

function driverOptions(args: Args): DriverOptions {
  const heap = args.flags.get('--heap-size');
  const heapSize = heap === undefined ? undefined : Number(heap);
  if (heapSize !== undefined && !(Number.isSafeInteger(heapSize) && heapSize > 0)) throw new Error(`--heap-size: not a byte count: ${heap}`);
  return { heapSize, base: args.flags.get('--base'), aliases: args.aliases };
}

function report(diags: DiagnosticSink): number {
  for (const d of diags.list) console.error(formatDiagnostic(d));
  if (diags.count) console.error(`${diags.count} error${diags.count === 1 ? '' : 's'}`);
  return diags.count ? 1 : 0;
}

const USAGE = `usage:
  tsnc check FILE... [--alias NAME=FILE]
  tsnc compile FILE... -o OUT.o [--emit-llvm OUT.ll] [--heap-size BYTES]
  tsnc build FILE.ts -o OUT.elf [--emit-llvm OUT.ll] [--heap-size BYTES]
  tsnc conformance DIR [--jobs N] [--keep WORKDIR]`;

/** Run the command line; resolves with the exit status. */
export async function main(argv: string[]): Promise<number> {
  let args: Args;
  try { args = parseArgs(argv); } catch (e) { console.error(`tsnc: ${(e as Error).message}\n${USAGE}`); return 2; }
  const out = args.flags.get('-o');
  switch (args.command) {
    case 'check': {
      if (!args.files.length) break;
      const diags = new DiagnosticSink();
      lower(args.files, diags, driverOptions(args));
      return report(diags);
    }
    case 'compile': case 'build': {
      if (!args.files.length || !out) break;
      const diags = new DiagnosticSink();
      const mod = lower(args.files, diags, driverOptions(args));
      if (report(diags)) return 1;
      if (args.command === 'compile') {
        await compileObject(mod, out, args.flags.get('--emit-llvm'));
        return 0;
      }
      const m = findMain(mod);
      if (typeof m === 'string') { console.error(`${args.files[0]}: ${m}`); return 1; }
      await buildExecutable(mod, m, out, path.join(os.tmpdir(), `tsnc-build-${process.pid}`), args.flags.get('--emit-llvm'));
      return 0;
    }
    case 'conformance': {
      if (args.files.length !== 1) break;
      const jobs = Number(args.flags.get('--jobs') ?? os.cpus().length);
      return runConformance(args.files[0], { jobs, keep: args.flags.get('--keep'), ...driverOptions(args) });
    }
  }
  console.error(USAGE);
  return 2;
}
