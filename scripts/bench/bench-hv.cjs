#!/usr/bin/env node
// make bench-hv: executed instructions of the hypervisor's hot paths under QEMU, counted with the
// TCG plugin (scripts/bench/insn-count.c). On pseries with `-icount shift=0` (the timebase then
// follows the instruction count, so every run of the same image executes exactly the same
// instructions); on powernv without it, because QEMU 7.2 aborts at the first `hrfid` under
// -icount ("Raised interrupt while not in I/O function"): there the timebase follows the host
// clock and the number of HDEC exits varies a little, so each figure is the mean of RUNS runs and
// the spread is printed.
//
// Per platform, four images are built and booted (lpar/configs/bench-*.ts):
//   bench-null   one partition making BENCH_CALLS null hcalls (H_GET_TERM_CHAR)
//   bench-loop   the same loop with the `sc 1` left out (lpar/guests/nullloop.ts)
//   bench-switch two partitions each making BENCH_SWITCHES H_CONFERs (each ends the slice,
//                so the scheduler switches to the other partition)
//   bench-idle   two partitions that halt at once (the boot and shutdown of bench-switch)
// and the figures are differences of whole runs:
//   null hcall round trip = (null - loop) / BENCH_CALLS           (guest sc 1 -> hv -> guest)
//   partition switch      = (switch - idle) / (2 * BENCH_SWITCHES) (hcall, scheduler, the other
//                                                                   partition entered; the guest
//                                                                   loop's few instructions too)
// On pseries the counts are L1 (tshype) plus L2 (partition) instructions: QEMU, the L0
// hypervisor, is the host and is not counted. Options: MACHINE names (default: pseries powernv9).
//
// With powernv9: the HPT calls. lpar/configs/bench-hpt.ts runs one partition in HPT mode making
// HPT_BENCH_CALLS H_ENTERs then as many H_REMOVEs (lpar/guests/hptbench.ts), each loop after its
// baseline (the same loop without `sc 1`), all four between the plugin's marks (marks=1), so one
// run gives per call = (loop - baseline) / HPT_BENCH_CALLS; the time slices that end inside a
// loop are counted too (powernv has no -icount), so RUNS runs give a mean and a range.
// `node scripts/bench/bench-hv.cjs --hpt` runs only this part.
'use strict';
const fs = require('fs');
const path = require('path');
const { spawnSync } = require('child_process');
const { buildPlugin, parseCount } = require('./plugin.cjs');

const ROOT = path.resolve(__dirname, '..', '..');
const BUILD = 'build/bench/hv';
const CONFIGS = ['bench-null', 'bench-loop', 'bench-switch', 'bench-idle'];
/** Runs per configuration where the count is not exactly repeatable (no -icount). */
const RUNS = 3;

/** -icount works for the nested path only (see above). */
function icount(machine) {
  return machine === 'pseries';
}

/** BENCH_CALLS and BENCH_SWITCHES, from the guests' own source. */
function iterations() {
  const src = fs.readFileSync(path.join(ROOT, 'lpar/guests/bench.ts'), 'utf8');
  const get = name => Number(new RegExp(`${name} = (\\d+)`).exec(src)[1]);
  return { calls: BigInt(get('BENCH_CALLS')), switches: BigInt(get('BENCH_SWITCHES')) };
}

function platformOf(machine) {
  return machine === 'pseries' ? 'pseries' : 'powernv';
}

/** Build the image of `config` for `machine`; throws with the build output on failure. */
function build(machine, config) {
  const r = spawnSync('bash', ['scripts/build-image.sh', platformOf(machine)], {
    cwd: ROOT, encoding: 'utf8', env: { ...process.env, CONFIG: config, NAME: config, BUILD },
  });
  if (r.status !== 0) throw new Error(`building ${config} for ${machine} failed:\n${r.stdout}${r.stderr}`);
}

/** Boot `config` on `machine` under the plugin; the instruction count, or a reason it has none. */
function count(machine, config, plugin) {
  const image = `${BUILD}/${config}-${platformOf(machine)}.${machine.endsWith('-skiboot') ? 'elf' : 'bin'}`;
  const r = spawnSync('scripts/run-image.sh', [machine, image], {
    cwd: ROOT, encoding: 'latin1',
    env: { ...process.env, QEMU_TIMEOUT: '300', QEMU_EXTRA: `-plugin ${plugin} -d plugin${icount(machine) ? ' -icount shift=0' : ''}` },
  });
  if (/cannot run partitions/.test(r.stdout)) return { skip: 'the platform cannot run partitions yet' };
  if (!/halted, status 0/.test(r.stdout)) return { skip: `the benchmark partitions did not halt normally:\n${r.stdout.slice(-600)}` };
  const n = parseCount(r.stderr);
  if (n === undefined) return { skip: `no instruction count (exit ${r.status})` };
  return { n };
}

/** HPT_BENCH_CALLS, from the guests' own source. */
function hptCalls() {
  const src = fs.readFileSync(path.join(ROOT, 'lpar/guests/bench.ts'), 'utf8');
  return Number(/HPT_BENCH_CALLS = (\d+)/.exec(src)[1]);
}

/** Instructions per H_ENTER and per H_REMOVE on powernv9 (see the top); false on failure. */
function hptBench(plugin) {
  const calls = hptCalls();
  build('powernv9', 'bench-hpt');
  const enter = [], remove = [];
  for (let run = 0; run < RUNS; run++) {
    const r = spawnSync('scripts/run-image.sh', ['powernv9', `${BUILD}/bench-hpt-powernv.bin`], {
      cwd: ROOT, encoding: 'latin1', env: { ...process.env, QEMU_TIMEOUT: '300', QEMU_EXTRA: `-plugin ${plugin},marks=1 -d plugin` },
    });
    const marks = [...r.stderr.matchAll(/^mark A (\d+)$/gm)].map(m => Number(m[1]));
    if (!/hptbench: failures 0/.test(r.stdout) || marks.length !== 8) {
      console.log(`powernv9   HPT calls n/a: ${marks.length} marks, output:\n${r.stdout.slice(-600)}`);
      return false;
    }
    const loop = i => marks[2 * i + 1] - marks[2 * i];
    enter.push((loop(1) - loop(0)) / calls);
    remove.push((loop(3) - loop(2)) / calls);
  }
  const show = xs => `${(xs.reduce((a, b) => a + b, 0) / xs.length).toFixed(1)} (${Math.min(...xs).toFixed(1)}..${Math.max(...xs).toFixed(1)} over ${xs.length} runs)`;
  console.log(`powernv9   H_ENTER: ${show(enter)} insns   H_REMOVE: ${show(remove)} insns   (HPT partition, ${calls} calls each, baseline loop subtracted)`);
  return true;
}

function main() {
  const plugin = buildPlugin();
  if (process.argv[2] === '--hpt') {
    if (!hptBench(plugin)) process.exitCode = 1;
    return;
  }
  if (process.argv[2] === '--manage') {
    if (!manageBench(plugin, process.argv.slice(3).length ? process.argv.slice(3) : ['pseries', 'powernv9'])) process.exitCode = 1;
    return;
  }
  const machines = process.argv.slice(2).length ? process.argv.slice(2) : ['pseries', 'powernv9'];
  const { calls, switches } = iterations();
  console.log(`hypervisor benchmarks: instructions executed (TCG plugin), ${calls} null hcalls, ${switches} switches per partition`);
  let failed = false;
  for (const machine of machines) {
    const runs = icount(machine) ? 1 : RUNS;
    const counts = {};
    let skip;
    for (const config of CONFIGS) {
      build(machine, config);
      counts[config] = [];
      for (let r = 0; r < runs && !skip; r++) {
        const c = count(machine, config, plugin);
        if (c.skip) skip = c.skip;
        else counts[config].push(c.n);
      }
      if (skip) break;
    }
    if (skip) {
      console.log(`${machine.padEnd(10)} n/a: ${skip}`);
      failed = failed || !/cannot run partitions/.test(skip);
      continue;
    }
    // per-run figures pair the i-th runs of the two configurations; report the mean and range
    const per = (a, b, div) => counts[a].map((n, i) => Number(n - counts[b][i]) / Number(div));
    const show = xs => {
      const mean = xs.reduce((x, y) => x + y, 0) / xs.length;
      return xs.length === 1 ? `${Math.round(mean)}` : `${mean.toFixed(1)} (${Math.min(...xs).toFixed(1)}..${Math.max(...xs).toFixed(1)} over ${xs.length} runs)`;
    };
    const hcall = per('bench-null', 'bench-loop', calls);
    const sw = per('bench-switch', 'bench-idle', 2n * switches);
    console.log(`${machine.padEnd(10)} null hcall round trip: ${show(hcall)} insns   partition switch (H_CONFER): ${show(sw)} insns`);
    console.log(`${''.padEnd(10)} (${icount(machine) ? '-icount shift=0; ' : 'host-clock timebase; '}runs: ${CONFIGS.map(c => `${c} ${counts[c].join('/')}`).join(', ')})`);
  }
  if (machines.includes('powernv9') && !hptBench(plugin)) failed = true;
  // sHype: what a gate decision adds to each null hcall (a decision-cache hit) on pseries
  build('pseries', 'bench-null');
  build('pseries', 'bench-null-shype');
  const plain = count('pseries', 'bench-null', plugin), gated = count('pseries', 'bench-null-shype', plugin);
  if (plain.n !== undefined && gated.n !== undefined) {
    console.log(`sHype gate decision (cache hit) per hcall, pseries: ${(Number(gated.n - plain.n) / Number(calls)).toFixed(1)} insns ` +
      `(null hcall with the bench policy ${gated.n}, without a policy ${plain.n})`);
  } else {
    console.log(`sHype gate decision: n/a (${plain.skip || gated.skip})`);
    failed = true;
  }

  // sHype: the gate's decision-cache hit rate over the default configuration's run (pseries)
  build('pseries', 'default');
  const r = spawnSync('scripts/run-image.sh', ['pseries', `${BUILD}/default-pseries.bin`], { cwd: ROOT, encoding: 'latin1' });
  const m = /\[hv\] sHype: (\d+) decisions, (\d+) cache hits, (\d+) misses/.exec(r.stdout);
  if (m) {
    const rate = (100 * Number(m[2])) / Number(m[1]);
    console.log(`sHype gate over the default configuration (pseries): ${m[1]} decisions, ${m[2]} cache hits, ${m[3]} misses: hit rate ${rate.toFixed(1)}%`);
  } else {
    console.log('sHype gate over the default configuration: no decision summary in the output');
    failed = true;
  }
  if (!manageBench(plugin, machines)) failed = true;
  if (failed) process.exitCode = 1;
}

/**
 * Run-time management: one create + destroy of a small (2 MiB) partition on each machine
 * (bench-manage minus bench-manage-base, per cycle). False when a figure could not be had.
 */
function manageBench(plugin, machines) {
  let ok = true;
  const cycles = Number(/cycles:worker:(\d+)/.exec(fs.readFileSync(path.join(ROOT, 'lpar/configs/bench-manage.ts'), 'utf8'))[1]);
  for (const machine of machines) {
    const runs = icount(machine) ? 1 : RUNS;
    const per = [];
    build(machine, 'bench-manage');
    build(machine, 'bench-manage-base');
    for (let i = 0; i < runs; i++) {
      const a = countManaged(machine, 'bench-manage', plugin), b = countManaged(machine, 'bench-manage-base', plugin);
      if (a.skip || b.skip) { console.log(`${machine.padEnd(10)} create+destroy: n/a (${a.skip || b.skip})`); ok = false; break; }
      per.push(Number(a.n - b.n) / cycles);
    }
    if (per.length === runs) {
      const mean = per.reduce((x, y) => x + y, 0) / per.length;
      console.log(`${machine.padEnd(10)} create+destroy of a 2 MiB partition (H_TSHYPE_CREATE + H_TSHYPE_DESTROY): ${Math.round(mean)} insns` +
        (per.length > 1 ? ` (${Math.round(Math.min(...per))}..${Math.round(Math.max(...per))} over ${per.length} runs)` : ''));
    }
  }
  return ok;
}

/** count() for the management benchmark, whose manager must report every cycle done. */
function countManaged(machine, config, plugin) {
  const image = `${BUILD}/${config}-${platformOf(machine)}.bin`;
  const r = spawnSync('scripts/run-image.sh', [machine, image], {
    cwd: ROOT, encoding: 'latin1',
    env: { ...process.env, QEMU_TIMEOUT: '300', QEMU_EXTRA: `-plugin ${plugin} -d plugin${icount(machine) ? ' -icount shift=0' : ''}` },
  });
  if (!/manager: cycles worker -> 0/.test(r.stdout)) return { skip: `the cycles did not all succeed:\n${r.stdout.slice(-600)}` };
  const n = parseCount(r.stderr);
  return n === undefined ? { skip: `no instruction count (exit ${r.status})` } : { n };
}

main();
