#!/usr/bin/env node
// Instructions per decision with a policy loaded (test/bench/shype/bench.pol): an allowed cache
// hit through allowsHcall() (the gate's common case) and through decide(), a denied cache hit
// (counted and audited) and a cache miss.
// Builds test/bench/shype/decide.ts with different HITS / DECIDES / DENIALS / MISSES / BASELINE constants
// and the compiled policy, runs each under qemu-ppc64 with the instruction-counting plugin, and
// prints the per-decision figures from the differences.
// Usage: node test/bench/shype/measure.cjs   (from the project root)
'use strict';
const fs = require('fs');
const os = require('os');
const path = require('path');
const { execFileSync, spawnSync } = require('child_process');
const { buildPlugin, parseCount } = require('../../../scripts/bench/plugin.cjs');

const ROOT = path.resolve(__dirname, '..', '..', '..');
const SOURCE = path.join(__dirname, 'decide.ts');
const POLICY = path.join(__dirname, 'bench.pol');
const TSNC = path.join(ROOT, 'node_modules', '.bin', 'tsnc');
const TSHYPE = path.join(ROOT, 'node_modules', '.bin', 'tshype');
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'shype-bench-'));

/** The compiled bench policy. */
function policyBytes() {
  const out = path.join(work, 'bench.bin');
  execFileSync(TSHYPE, ['policy', 'compile', POLICY, '-o', out], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
  return fs.readFileSync(out);
}

/** policyAddress()'s template: the bytes in .rodata, then their absolute address into $0. */
function addressTemplate(bytes) {
  return '.pushsection .rodata.shype_bench_policy, \\"a\\"; .balign 8; shype_bench_policy: ' +
    `.byte ${Array.from(bytes).join(', ')}; .popsection; ` +
    'lis $0, shype_bench_policy@highest; ori $0, $0, shype_bench_policy@higher; rldicr $0, $0, 32, 31; ' +
    'oris $0, $0, shype_bench_policy@h; ori $0, $0, shype_bench_policy@l';
}

const policy = policyBytes();
const template = addressTemplate(policy);

/** Instructions of one run of decide.ts with the given constants. */
function count(hits, decides, denials, misses, baseline) {
  const text = fs.readFileSync(SOURCE, 'utf8')
    .replace(/const HITS: number = \d+;/, `const HITS: number = ${hits};`)
    .replace(/const DECIDES: number = \d+;/, `const DECIDES: number = ${decides};`)
    .replace(/const DENIALS: number = \d+;/, `const DENIALS: number = ${denials};`)
    .replace(/const MISSES: number = \d+;/, `const MISSES: number = ${misses};`)
    .replace(/const BASELINE: number = \d+;/, `const BASELINE: number = ${baseline};`)
    .replace(/const POLICY_SIZE: number = \d+;/, `const POLICY_SIZE: number = ${policy.length};`)
    .replace('asm("li $0, 0")', `asm("${template}")`);
  // a sibling file, so that its relative imports still resolve
  const variant = path.join(__dirname, `.variant-${process.pid}.ts`);
  const elf = path.join(work, `d-${hits}-${decides}-${denials}-${misses}-${baseline}.elf`);
  fs.writeFileSync(variant, text);
  try {
    execFileSync(TSNC, ['build', variant, '-o', elf], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
  } finally {
    fs.unlinkSync(variant);
  }
  const r = spawnSync('timeout', ['300', 'qemu-ppc64', '-plugin', buildPlugin(), '-d', 'plugin', elf], { encoding: 'utf8' });
  const n = parseCount(r.stderr);
  if (r.status !== 0 || n === undefined) throw new Error(`qemu-ppc64 ${elf}: status ${r.status}\n${r.stderr}`);
  if (/^0*dead$/.test(r.stdout.trim())) throw new Error(`${elf}: the engine refused the bench policy`);
  return Number(n);
}

const N1 = 10000, N2 = 110000;
const per = (a, b) => (b - a) / (N2 - N1);
/** Instructions per iteration of one loop, deciding and baseline; `which` picks the loop. */
function measure(which) {
  const run = (n, baseline) => count(...[0, 1, 2, 3].map(w => (w === which ? n : 0)), baseline);
  const all = per(run(N1, 0), run(N2, 0));
  const loop = per(run(N1, 1), run(N2, 1));
  return { all, loop, net: all - loop };
}
const show = (what, m, note) =>
  console.log(`${what}: ${m.all.toFixed(2)} insns/iteration, loop alone ${m.loop.toFixed(2)}: ${m.net.toFixed(2)} per decision${note}`);
show('allowed cache hit, allowsHcall', measure(0), ' (the gate)');
show('allowed cache hit, decide()   ', measure(1), '');
show('denied cache hit, decide()    ', measure(2), ' (counted and audited)');
show('cache miss, decide()          ', measure(3), ' (evaluator and audit record included)');
fs.rmSync(work, { recursive: true, force: true });
