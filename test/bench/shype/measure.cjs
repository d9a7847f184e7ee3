#!/usr/bin/env node
// Instructions per decide() on a cache hit and on a cache miss: builds test/bench/shype/decide.ts
// with different HITS / MISSES / BASELINE constants, runs each under qemu-ppc64 with the
// instruction-counting plugin, and prints the per-operation figures from the differences.
// Usage: node test/bench/shype/measure.cjs   (from the project root)
'use strict';
const fs = require('fs');
const os = require('os');
const path = require('path');
const { execFileSync, spawnSync } = require('child_process');
const { buildPlugin, parseCount } = require('../../../scripts/bench/plugin.cjs');

const ROOT = path.resolve(__dirname, '..', '..', '..');
const SOURCE = path.join(__dirname, 'decide.ts');
const TSNC = path.join(ROOT, 'node_modules', '.bin', 'tsnc');
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'shype-bench-'));

/** Instructions of one run of decide.ts with the given constants. */
function count(hits, misses, baseline) {
  let text = fs.readFileSync(SOURCE, 'utf8')
    .replace(/const HITS: number = \d+;/, `const HITS: number = ${hits};`)
    .replace(/const MISSES: number = \d+;/, `const MISSES: number = ${misses};`)
    .replace(/const BASELINE: number = \d+;/, `const BASELINE: number = ${baseline};`);
  // a sibling file, so that its relative imports still resolve
  const variant = path.join(__dirname, `.variant-${process.pid}.ts`);
  const elf = path.join(work, `d-${hits}-${misses}-${baseline}.elf`);
  fs.writeFileSync(variant, text);
  try {
    execFileSync(TSNC, ['build', variant, '-o', elf], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
  } finally {
    fs.unlinkSync(variant);
  }
  const r = spawnSync('qemu-ppc64', ['-plugin', buildPlugin(), '-d', 'plugin', elf], { encoding: 'utf8' });
  const n = parseCount(r.stderr);
  if (r.status !== 0 || n === undefined) throw new Error(`qemu-ppc64 ${elf}: status ${r.status}\n${r.stderr}`);
  return Number(n);
}

const N1 = 10000, N2 = 110000;
const per = (a, b) => (b - a) / (N2 - N1);
const hit = per(count(N1, 0, 0), count(N2, 0, 0));
const hitLoop = per(count(N1, 0, 1), count(N2, 0, 1));
const miss = per(count(0, N1, 0), count(0, N2, 0));
const missLoop = per(count(0, N1, 1), count(0, N2, 1));
console.log(`decide() cache hit:  ${hit.toFixed(2)} insns/iteration, loop alone ${hitLoop.toFixed(2)}: ${(hit - hitLoop).toFixed(2)} per hit`);
console.log(`decide() cache miss: ${miss.toFixed(2)} insns/iteration, loop alone ${missLoop.toFixed(2)}: ${(miss - missLoop).toFixed(2)} per miss (evaluator included)`);
fs.rmSync(work, { recursive: true, force: true });
