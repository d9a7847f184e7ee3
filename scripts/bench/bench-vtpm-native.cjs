#!/usr/bin/env node
// make bench-vtpm, native path: instructions per TPM command round trip from a restricted-TS
// client partition through its IBM,vtpm20 CRQ, the vTPM partition and back, on powernv9, beside
// the engine's own instructions for the same command, counted with the TCG plugin's marks
// (scripts/bench/insn-count.c marks=1) in one run of lpar/configs/bench-vtpm.ts:
//   round trip  between the client's two benchMarkA marks around N commands (everything the
//               processor ran: the client, the hypervisor, the vTPM partition), per command
//   engine      between the vTPM partition's benchMarkB marks around each runCommand (the TPM
//               engine executing the command), summed over the phase, per command
//   transport   round trip - engine: the CRQ messages, H_COPY_RDMA both ways, the launch check,
//               the byte copies and the two partition switches
// powernv runs without -icount; the marks are exact instruction counts, but time slices (the
// HDEC) can fall into a phase and add a few hundred instructions: the least of RUNS runs of each
// figure is printed. Environment: BENCH_VTPM_RUNS (default 3).
'use strict';
const fs = require('fs');
const path = require('path');
const { spawnSync } = require('child_process');
const { buildPlugin } = require('./plugin.cjs');

const ROOT = path.resolve(__dirname, '..', '..');
const BUILD = 'build/bench/vtpm';
const RUNS = Number(process.env.BENCH_VTPM_RUNS || 3);
const PHASES = ['PCR_Read', 'PCR_Extend', 'GetRandom', 'Quote'];

function sh(cmd, args, env) {
  const r = spawnSync(cmd, args, { cwd: ROOT, env: { ...process.env, ...env }, encoding: 'utf8', maxBuffer: 1 << 28 });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${r.status}):\n${r.stdout}\n${r.stderr}`);
  return r;
}

/** Per phase: [commands, round-trip instructions per command, engine instructions per command]. */
function parse(out) {
  const a = [];
  const engine = [0, 0, 0, 0];
  const cmds = [0, 0, 0, 0];
  let open = null;
  for (const line of out.split('\n')) {
    const m = /^mark ([AB]) (\d+)$/.exec(line);
    if (!m) continue;
    const n = Number(m[2]);
    if (m[1] === 'A') { a.push(n); continue; }
    const phase = a.length % 2 === 1 ? (a.length - 1) / 2 : -1;
    if (open === null) { open = n; continue; }
    if (phase >= 0) { engine[phase] += n - open; cmds[phase]++; }
    open = null;
  }
  if (a.length !== 2 * PHASES.length) throw new Error(`expected ${2 * PHASES.length} client marks, got ${a.length}`);
  return PHASES.map((_, i) => [cmds[i], (a[2 * i + 1] - a[2 * i]) / cmds[i], engine[i] / cmds[i]]);
}

function main() {
  const plugin = buildPlugin();
  sh('bash', ['scripts/build-image.sh', 'powernv'], { CONFIG: 'bench-vtpm', NAME: 'bench-vtpm', BUILD });
  const runs = [];
  for (let r = 0; r < RUNS; r++) {
    const out = sh('scripts/run-image.sh', ['powernv9', `${BUILD}/bench-vtpm-powernv.bin`],
      { QEMU_TIMEOUT: '300', QEMU_EXTRA: `-plugin ${plugin},marks=1 -d plugin` });
    if (!/\[client\] vtpm-client: done/.test(out.stdout)) throw new Error(`the bench client failed:\n${out.stdout}`);
    runs.push(parse(out.stdout + out.stderr));
  }
  console.log(`vTPM round trips on powernv9 (instructions per command, least of ${RUNS} runs):`);
  console.log('command      commands   round trip       engine    transport   transport/engine');
  for (let i = 0; i < PHASES.length; i++) {
    const rt = Math.min(...runs.map(r => r[i][1]));
    const eng = Math.min(...runs.map(r => r[i][2]));
    const t = rt - eng;
    console.log(`${PHASES[i].padEnd(12)} ${String(runs[0][i][0]).padStart(8)} ${rt.toFixed(0).padStart(12)} ${eng.toFixed(0).padStart(12)} ${t.toFixed(0).padStart(12)} ${(100 * t / eng).toFixed(1).padStart(17)}%`);
  }
}

main();
