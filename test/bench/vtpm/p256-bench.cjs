#!/usr/bin/env node
// P-256 ECDSA benchmark: Node time per operation and, with --native, executed ppc64 instructions
// per operation under qemu-ppc64 with the instruction-counting plugin (scripts/bench/plugin.cjs).
//
//   node test/bench/vtpm/p256-bench.cjs [--native] [--iters N]
//
// Node: p256-kernel.ts's bench(op, N) for sign, verify and public key after a warm-up, best of 5
// rounds, in process CPU time (user + system; somewhat less sensitive than wall time to other
// load on the machine, still not immune to it). Native: p256_{init,sign,verify,pub}.ts are built
// with `tsnc build` into build/bench/vtpm/; each op's count is (count(op) - count(init)) / ITERS,
// where init runs module initialisation and the setup (one key derivation and one signature)
// alone; that count is reported too (it includes any table built at module initialisation). The
// native checksums are compared with Node's.
'use strict';
const fs = require('fs');
const path = require('path');
const { execFileSync, spawnSync } = require('child_process');

const ROOT = path.resolve(__dirname, '..', '..', '..');
const OUT = path.join(ROOT, 'build', 'bench', 'vtpm');
const args = process.argv.slice(2);
const native = args.includes('--native');
const itersArg = args.indexOf('--iters');
const ITERS = itersArg >= 0 ? Number(args[itersArg + 1]) : 200;

require(path.join(ROOT, 'scripts', 'tsnc', 'register.cjs'));
const t0 = process.hrtime.bigint();
const kernel = require('./p256-kernel.ts');
const initMs = Number(process.hrtime.bigint() - t0) / 1e6;
kernel.setup();
const OPS = [['sign', 0], ['verify', 1], ['pubkey', 2]];
console.log(`node: module load + init ${initMs.toFixed(1)} ms`);
for (const [name, op] of OPS) {
  kernel.bench(op, Math.max(10, ITERS >> 2)); // warm-up
  let best = Infinity;
  let sum;
  for (let round = 0; round < 5; round++) {
    const s = process.cpuUsage();
    sum = kernel.bench(op, ITERS);
    const c = process.cpuUsage(s);
    const us = (c.user + c.system) / ITERS;
    if (us < best) best = us;
  }
  console.log(`node: ${name.padEnd(7)} ${best.toFixed(1).padStart(8)} us/op  (checksum ${sum.toString(16)})`);
}

if (native) {
  const plugin = require(path.join(ROOT, 'scripts', 'bench', 'plugin.cjs'));
  const lib = plugin.buildPlugin();
  fs.mkdirSync(OUT, { recursive: true });
  const tsnc = path.join(ROOT, 'scripts', 'tsnc', 'bin', 'tsnc.cjs');
  const count = (name) => {
    const elf = path.join(OUT, `p256_${name}.elf`);
    execFileSync(process.execPath, [tsnc, 'build', path.relative(ROOT, path.join(__dirname, `p256_${name}.ts`)), '-o', elf],
      { cwd: ROOT, stdio: 'inherit' });
    const r = spawnSync('qemu-ppc64', ['-plugin', lib, '-d', 'plugin', elf], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`${elf}: exit ${r.status}\n${r.stdout}${r.stderr}`);
    const n = plugin.parseCount(r.stderr);
    if (n === undefined) throw new Error(`${elf}: no instruction count`);
    return { insns: n, out: r.stdout.trim() };
  };
  const NATIVE_ITERS = 8n; // ITERS in p256_{sign,verify,pub}.ts
  const init = count('init');
  console.log(`native: init+setup ${init.insns} insns`);
  for (const [name, op, file] of [['sign', 0, 'sign'], ['verify', 1, 'verify'], ['pubkey', 2, 'pub']]) {
    const c = count(file);
    const nodeSum = (() => { kernel.setup(); return kernel.bench(op, Number(NATIVE_ITERS)).toString(16).padStart(16, '0'); })();
    const ok = nodeSum === c.out ? 'checksum = node' : `CHECKSUM MISMATCH node ${nodeSum} native ${c.out}`;
    console.log(`native: ${name.padEnd(7)} ${((c.insns - init.insns) / NATIVE_ITERS).toString().padStart(10)} insns/op  (${ok})`);
  }
}
