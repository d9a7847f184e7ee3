/**
 * The native back end: LLVM IR → opt-19 -O2 → llc-19 (ppc64 big-endian, ELFv2) → object, and
 * ld.lld-19 for executables. Tools are found as the versioned names Debian installs.
 */
import { execFile } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

/** Code generation flags shared by opt and llc: POWER8 baseline, no vector or FP registers
 *  (firmware does not enable them; skiboot builds with -mno-altivec -mno-vsx too). */
export const CPU_FLAGS = ['-mcpu=pwr8', '-mattr=-altivec,-vsx'];
const TRIPLE = ['-mtriple=powerpc64-unknown-linux-gnu'];

/** Resolve a tool by its Debian versioned name (e.g. llc-19), falling back to the plain name. */
export function tool(name: string): string {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    const p = path.join(dir, `${name}-19`);
    if (fs.existsSync(p)) return p;
  }
  return name;
}

/** Run a command; resolves with stdout, rejects with a message including stderr. */
export function run(cmd: string, args: string[], opts: { input?: string; timeoutMs?: number } = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = execFile(cmd, args, { maxBuffer: 64 << 20, timeout: opts.timeoutMs ?? 120_000, encoding: 'utf8' }, (err, stdout, stderr) => {
      if (err) reject(new Error(`${path.basename(cmd)} failed: ${stderr.trim() || err.message}`));
      else resolve(stdout);
    });
    if (opts.input !== undefined) child.stdin!.end(opts.input);
  });
}

/** Compile LLVM IR text to a ppc64 object file. */
export async function irToObject(ir: string, outObj: string, optimize = true): Promise<void> {
  const bc = outObj.replace(/\.o$/, '') + '.opt.bc';
  if (optimize) {
    await run(tool('opt'), [...TRIPLE, ...CPU_FLAGS, '-O2', '-o', bc], { input: ir });
    await run(tool('llc'), [...TRIPLE, '-target-abi=elfv2', ...CPU_FLAGS, '-O2', '-filetype=obj', bc, '-o', outObj]);
    fs.rmSync(bc, { force: true });
  } else {
    await run(tool('llc'), [...TRIPLE, '-target-abi=elfv2', ...CPU_FLAGS, '-O0', '-filetype=obj', '-o', outObj], { input: ir });
  }
}

/** Assemble a .S file for ppc64 ELFv2. */
export async function assemble(src: string, outObj: string): Promise<void> {
  await run(tool('clang'), ['--target=powerpc64-unknown-linux-gnu', '-mabi=elfv2', '-c', src, '-o', outObj]);
}

/** Link objects into a static executable entered at _start. */
export async function linkExecutable(objs: string[], out: string): Promise<void> {
  await run(tool('ld.lld'), ['-static', '-e', '_start', '--no-dynamic-linker', ...objs, '-o', out]);
}

const startObjects = new Map<string, Promise<string>>();

/** The start-up object for Linux executables, assembled once per directory (concurrent callers share it). */
export function startObject(dir: string): Promise<string> {
  let p = startObjects.get(dir);
  if (!p) {
    p = (async () => {
      const obj = path.join(dir, 'tsnc-start-linux.o');
      fs.mkdirSync(dir, { recursive: true });
      await assemble(path.join(__dirname, '..', 'rt', 'start-linux.S'), obj);
      return obj;
    })();
    startObjects.set(dir, p);
  }
  return p;
}
