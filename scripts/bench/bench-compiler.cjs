#!/usr/bin/env node
// make bench-compiler: executed-instruction benchmark of tsnc against clang-19 -O2.
//
// For every kernel in test/bench/compiler/ (NAME.ts and its C twin NAME.c) this script
//   1. builds the QEMU instruction-counting plugin (scripts/bench/insn-count.c) with gcc,
//   2. builds the TS kernel with `tsnc build` and the C twin freestanding with clang-19 -O2
//      (plus scripts/bench/cstart.c, a start-up that prints main()'s u64 like tsnc's does),
//   3. runs the kernel in Node (the reference semantics of restricted TypeScript),
//   4. runs both executables under `qemu-ppc64 -plugin libinsn.so -d plugin`, which prints
//      the exact number of executed guest instructions,
//   5. checks that the three checksums agree (any mismatch or failure: exit status 1),
//   6. prints kernel, tsnc instructions, C instructions and tsnc/C ratio, and the worst ratio
//      against the target.
// The start-up, output and exit cost of each side is measured with an empty main (empty.ts,
// empty.c) and subtracted, so the counts are those of module initialisation plus main().
// Fairness: the C side is compiled for the CPU tsnc targets (see CPU_FLAGS below), and the C
// twins make every helper `static`, since tsnc compiles the TS as a whole program whose helpers
// LLVM may inline and discard (an external C function is kept and often not inlined).
//
// Options:
//   --c-only     skip the tsnc side (C counts and Node checksums only; while tsnc is not ready)
//   --check      also exit 1 when the worst ratio is above the target
//   --ll         also write NAME.ll and NAME.tsnc.dis (tsnc's LLVM IR, disassembly) and
//                NAME.c.dis next to the executables, for looking at the generated code
//   NAME…        only these kernels
// Plain Node, no dependencies. All output files go to build/bench/ (the plugin) and
// build/bench/compiler/ (objects, executables).
'use strict';
const fs = require('fs');
const path = require('path');
const { spawn } = require('child_process');

const ROOT = path.resolve(__dirname, '..', '..');
const KERNEL_DIR = path.join(ROOT, 'test', 'bench', 'compiler');
const BUILD = path.join(ROOT, 'build', 'bench');
const OUT = path.join(BUILD, 'compiler');
const sharedPlugin = require('./plugin.cjs');
const PLUGIN = sharedPlugin.PLUGIN;
const CSTART_SRC = path.join(__dirname, 'cstart.c');
const TSNC_BIN = path.join(ROOT, 'scripts', 'tsnc', 'bin', 'tsnc.cjs');

const KERNELS = ['crc32', 'sha256', 'pteg', 'radix', 'prng'];
const BASELINE = 'empty';
const TARGET = 1.3;

const CLANG = 'clang-19';
const LLD = 'ld.lld-19';
const OBJDUMP = 'llvm-objdump-19';
const QEMU = 'qemu-ppc64';
const CFLAGS_BASE = [
  '--target=powerpc64-unknown-linux-gnu', '-mabi=elfv2', '-O2',
  '-ffreestanding', '-fno-builtin', '-nostdlib', '-static', '-Wall', '-Werror',
];
// tsnc generates code for a fixed CPU (CPU_FLAGS in scripts/tsnc/src/toolchain.ts, passed to
// opt and llc: POWER8, no Altivec/VSX). The C side must use the same CPU, or the comparison
// measures CPU tuning (POWER8 turns on LLVM's partial/runtime loop unrolling, generic ppc64
// does not; Altivec lets clang vectorise) instead of the compilers. The flags are read from
// toolchain.ts and translated to clang's spelling; this is the fallback if that fails.
const TOOLCHAIN_TS = path.join(ROOT, 'scripts', 'tsnc', 'src', 'toolchain.ts');
const DEFAULT_CPU_CFLAGS = ['-mcpu=pwr8', '-mno-altivec', '-mno-vsx'];
const JOBS = 2;

class BenchError extends Error {}

/** clang flags for the CPU tsnc targets: { flags, note }. */
function cpuCflags() {
  let src;
  try { src = fs.readFileSync(TOOLCHAIN_TS, 'utf8'); } catch { src = ''; }
  const m = /CPU_FLAGS\s*=\s*\[([^\]]*)\]/.exec(src);
  if (!m) return { flags: DEFAULT_CPU_CFLAGS, note: `CPU_FLAGS not found in ${rel(TOOLCHAIN_TS)}, assumed` };
  const llvmFlags = [...m[1].matchAll(/'([^']*)'|"([^"]*)"/g)].map(x => x[1] ?? x[2]);
  const flags = [];
  for (const f of llvmFlags) {
    if (f.startsWith('-mcpu=')) {
      flags.push(f);
    } else if (f.startsWith('-mattr=')) {
      for (const a of f.slice(7).split(',').filter(Boolean)) {
        if (a[0] === '-') flags.push(`-mno-${a.slice(1)}`);
        else flags.push(`-m${a.replace(/^\+/, '')}`);
      }
    } else {
      return { flags: DEFAULT_CPU_CFLAGS, note: `unknown tsnc CPU flag ${f}, assumed` };
    }
  }
  return { flags, note: `tsnc ${llvmFlags.join(' ')}` };
}

/** Run a command; resolves to { code, stdout, stderr } (never rejects for a non-zero exit). */
function run(cmd, args, opts = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: ROOT, ...opts });
    const out = [];
    const err = [];
    child.stdout.on('data', d => out.push(d));
    child.stderr.on('data', d => err.push(d));
    child.on('error', e => reject(new BenchError(`cannot run ${cmd}: ${e.message}`)));
    child.on('close', (code, signal) => resolve({
      code: code === null ? `signal ${signal}` : code,
      stdout: Buffer.concat(out).toString(),
      stderr: Buffer.concat(err).toString(),
    }));
  });
}

/** Run a command that must succeed; its stdout. */
async function must(cmd, args, what) {
  const r = await run(cmd, args);
  if (r.code !== 0) {
    throw new BenchError(`${what} failed (exit ${r.code}): ${cmd} ${args.join(' ')}\n${r.stdout}${r.stderr}`);
  }
  return r.stdout;
}

/** Map `items` through async `fn` with at most `n` in flight; results in order. */
async function pool(items, n, fn) {
  const results = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i], i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(n, items.length) }, worker));
  return results;
}

const rel = p => path.relative(ROOT, p);

async function buildPlugin() {
  sharedPlugin.buildPlugin();
}

/** The tsnc command line: the package's bin script if present, else npx. */
function tsncCommand(args) {
  if (fs.existsSync(TSNC_BIN)) return [process.execPath, [TSNC_BIN, ...args]];
  return ['npx', ['--no-install', 'tsnc', ...args]];
}

async function buildC(name, cstartObj, cflags, withDis) {
  const obj = path.join(OUT, `${name}.c.o`);
  const elf = path.join(OUT, `${name}.c.elf`);
  await must(CLANG, [...cflags, '-c', path.join(KERNEL_DIR, `${name}.c`), '-o', obj], `clang ${name}.c`);
  await must(LLD, ['-static', '-e', '_start', cstartObj, obj, '-o', elf], `linking ${name}.c`);
  if (withDis) fs.writeFileSync(path.join(OUT, `${name}.c.dis`), await must(OBJDUMP, ['-d', elf], 'objdump'));
  return elf;
}

async function buildTs(name, withLl) {
  const src = rel(path.join(KERNEL_DIR, `${name}.ts`));
  const elf = path.join(OUT, `${name}.tsnc.elf`);
  const [cmd, args] = tsncCommand(['build', src, '-o', rel(elf)]);
  await must(cmd, args, `tsnc build ${src}`);
  if (withLl) {
    const [ccmd, cargs] = tsncCommand(['compile', src, '-o', rel(path.join(OUT, `${name}.tsnc.o`)),
      '--emit-llvm', rel(path.join(OUT, `${name}.ll`))]);
    await must(ccmd, cargs, `tsnc compile ${src}`);
    fs.writeFileSync(path.join(OUT, `${name}.tsnc.dis`), await must(OBJDUMP, ['-d', elf], 'objdump'));
  }
  return elf;
}

/** Run an executable under the plugin: its printed checksum and its instruction count. */
async function measure(elf) {
  const r = await run(QEMU, ['-plugin', PLUGIN, '-d', 'plugin', elf]);
  if (r.code !== 0) throw new BenchError(`${rel(elf)} exited with ${r.code}\n${r.stdout}${r.stderr}`);
  const out = /^([0-9a-f]{16})\n$/.exec(r.stdout);
  if (!out) throw new BenchError(`${rel(elf)}: expected 16 hex digits and a newline, got ${JSON.stringify(r.stdout)}`);
  const counts = [...r.stderr.matchAll(/^insns: (\d+)$/gm)];
  if (counts.length !== 1) throw new BenchError(`${rel(elf)}: no instruction count from the plugin:\n${r.stderr}`);
  return { checksum: out[1], insns: BigInt(counts[0][1]) };
}

/** main() of NAME.ts run in Node, as 16 hex digits. */
function nodeChecksum(name) {
  require(path.join(ROOT, 'scripts', 'tsnc', 'register.cjs'));
  const mod = require(path.join(KERNEL_DIR, `${name}.ts`));
  const v = mod.main();
  if (typeof v !== 'bigint' || v < 0n || v >= 1n << 64n) {
    throw new BenchError(`${name}.ts: main() returned ${String(v)}, not a u64`);
  }
  return v.toString(16).padStart(16, '0');
}

function pad(s, n, left) {
  s = String(s);
  return left ? s.padEnd(n) : s.padStart(n);
}

/** a / b with 2 decimals, exactly rounded, for bigints. */
function ratio(a, b) {
  if (b <= 0n) return 'n/a';
  const hundredths = (a * 200n + b) / (2n * b);
  return `${hundredths / 100n}.${String(hundredths % 100n).padStart(2, '0')}`;
}

async function main() {
  const argv = process.argv.slice(2);
  const cOnly = argv.includes('--c-only');
  const strict = argv.includes('--check');
  const withLl = argv.includes('--ll');
  const unknown = argv.filter(a => a.startsWith('-') && !['--c-only', '--check', '--ll'].includes(a));
  if (unknown.length) throw new BenchError(`unknown option ${unknown[0]}`);
  const picked = argv.filter(a => !a.startsWith('-'));
  for (const k of picked) if (!KERNELS.includes(k)) throw new BenchError(`no kernel ${k} (have ${KERNELS.join(', ')})`);
  const kernels = picked.length ? KERNELS.filter(k => picked.includes(k)) : KERNELS;
  const all = [BASELINE, ...kernels];
  const started = Date.now();

  fs.mkdirSync(OUT, { recursive: true });
  await buildPlugin();

  // Every step of every kernel is attempted; a failure is recorded against its kernel (shown in
  // the table, reported in full at the end, exit status 1) and the other kernels still run.
  const res = Object.fromEntries(all.map(name => [name, { errors: [] }]));
  const attempt = async (name, what, fn) => {
    try {
      return await fn();
    } catch (e) {
      if (!(e instanceof BenchError)) throw e;
      res[name].errors.push(`${what}: ${e.message.trimEnd()}`);
      return null;
    }
  };

  // C side: start-up object, then every kernel.
  const cpu = cpuCflags();
  const cflags = [...CFLAGS_BASE, ...cpu.flags];
  const cstartObj = path.join(OUT, 'cstart.o');
  await must(CLANG, [...cflags, '-c', CSTART_SRC, '-o', cstartObj], 'clang cstart.c');
  await pool(all, JOBS, async name => {
    res[name].cElf = await attempt(name, 'C build', () => buildC(name, cstartObj, cflags, withLl));
  });

  // TS side.
  if (!cOnly) {
    if (!fs.existsSync(TSNC_BIN)) {
      const [cmd, args] = tsncCommand(['--help']);
      const probe = await run(cmd, args).catch(() => ({ code: 1 }));
      if (probe.code !== 0) throw new BenchError(`tsnc is not available (${rel(TSNC_BIN)} missing); use --c-only`);
    }
    await pool(all, JOBS, async name => {
      res[name].tsElf = await attempt(name, 'tsnc build', () => buildTs(name, withLl));
    });
  }

  // Node reference checksums.
  for (const name of all) res[name].node = await attempt(name, 'Node', async () => nodeChecksum(name));

  // Counts, and the checksums against Node's.
  const runs = [];
  for (const name of all) {
    if (res[name].cElf) runs.push([name, 'c', res[name].cElf]);
    if (res[name].tsElf) runs.push([name, 'ts', res[name].tsElf]);
  }
  await pool(runs, JOBS, async ([name, side, elf]) => {
    const m = await attempt(name, `${side === 'c' ? 'C' : 'tsnc'} run`, () => measure(elf));
    if (!m) return;
    const node = res[name].node;
    if (node && m.checksum !== node) {
      res[name].errors.push(`checksum mismatch: ${side === 'c' ? 'C' : 'tsnc'} ${m.checksum}, Node ${node}`);
      return;
    }
    res[name][side] = m.insns;
  });

  const base = res[BASELINE];
  const net = (name, side) => (res[name][side] !== undefined && base[side] !== undefined
    ? res[name][side] - base[side] : null);
  console.log(`C: ${CLANG} ${cflags.join(' ')} (CPU as ${cpu.note})`);
  const show = side => (base[side] !== undefined ? `${base[side]}` : (side === 'ts' && cOnly ? '-' : 'error'));
  console.log(`baseline (empty main, subtracted): tsnc ${show('ts')} insns, C ${show('c')} insns`);
  console.log('');
  console.log(`${pad('kernel', 8, true)} ${pad('tsnc insns', 12)} ${pad('C insns', 12)} ${pad('tsnc/C', 7)}  checksum`);
  let worst = null;
  for (const name of kernels) {
    const c = net(name, 'c');
    const t = cOnly ? null : net(name, 'ts');
    const cell = v => (v !== null ? String(v) : cOnly ? '-' : 'error');
    const r = t !== null && c !== null ? ratio(t, c) : '-';
    if (t !== null && c !== null && (worst === null || t * worst.c > worst.t * c)) worst = { name, t, c };
    const sum = res[name].errors.length ? 'FAILED' : res[name].node;
    console.log(`${pad(name, 8, true)} ${pad(t === null && cOnly ? '-' : cell(t), 12)} ${pad(cell(c), 12)} ${pad(r, 7)}  ${sum}`);
  }
  console.log('');
  let above = false;
  if (worst) {
    above = worst.t * 100n > worst.c * BigInt(Math.round(TARGET * 100));
    console.log(`worst ratio: ${ratio(worst.t, worst.c)} (${worst.name}), target ${TARGET.toFixed(2)}: ` +
      (above ? 'ABOVE TARGET' : 'ok'));
  } else {
    console.log(`worst ratio: - (${cOnly ? 'tsnc side skipped' : 'no kernel measured on both sides'}), target ${TARGET.toFixed(2)}`);
  }
  console.log(`(${((Date.now() - started) / 1000).toFixed(1)} s; executables in ${rel(OUT)})`);

  const failed = all.filter(name => res[name].errors.length);
  for (const name of failed) {
    for (const e of res[name].errors) console.error(`bench-compiler: ${name}: ${e}`);
  }
  if (failed.length || (strict && above)) process.exitCode = 1;
}

main().catch(e => {
  console.error(`bench-compiler: ${e instanceof BenchError ? e.message : e.stack}`);
  process.exitCode = 1;
});
