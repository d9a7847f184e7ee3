#!/usr/bin/env node
// make bench-lan: executed instructions per 1,500-byte frame through the logical LAN, from the
// sender's H_SEND_LOGICAL_LAN to the receiver's receive-queue entry, between two TS partitions
// on powernv9, counted with the TCG plugin (scripts/bench/insn-count.c), against the copy floor.
//
// Four images (lpar/configs/bench-lan*.ts), each booted RUNS times:
//   bench-lan             lansend (lpar/guests/lansend.ts) sends LAN_FRAMES frames to lanrecv
//   bench-lan-base        the same with the sends' `sc 1` left out (partition "lanbase")
//   bench-lan-shype       bench-lan under the policy shype/policies/benchlan.pol
//   bench-lan-shype-base  bench-lan-base under it
// Both runs of a pair also make the frames before and after the measured loop (a probe until the
// receiver is ready, the end frame), so their difference is the LAN_FRAMES sends alone:
//   frame       = (bench-lan - bench-lan-base) / LAN_FRAMES   (sc 1, dispatch, the send's checks,
//                 the switch, the copy, the queue entry, the return to the sender), from the
//                 least run of each (timing noise only adds instructions); the pairs are printed
//   copy floor  = instructions executed inside lpar/vio.ts copyReal (the hypervisor's copy
//                 routine, counted by address with the plugin's range= option) per frame, in the
//                 same two runs: what moving the 1,500 bytes alone costs in this build
//   gate share  = what an sHype policy (shype/policies/benchlan.pol, every decision a cache hit)
//                 adds per frame: the hcall gate on H_SEND_LOGICAL_LAN and the SendFrame check on
//                 the delivery, both inlined in hv/dispatch.ts dispatchRow and hcalls/vswitch.ts
//                 deliver; counted by address in those two functions, per frame, with the policy
//                 minus without (the whole-run difference is printed too; it is noisier)
// powernv runs without -icount (QEMU 7.2 aborts at the first hrfid under it), so the timebase
// follows the host clock and the number of time slices (the receiver yields once a slice) varies
// (more when the host is busy): the frame figure uses the least run of each configuration, the
// address-range figures (exact up to a few yields) the mean over RUNS paired runs, with its range.
'use strict';
const fs = require('fs');
const path = require('path');
const { spawnSync, execFileSync } = require('child_process');
const { buildPlugin, parseCount } = require('./plugin.cjs');

const ROOT = path.resolve(__dirname, '..', '..');
const BUILD = 'build/bench/lan';
const MACHINE = 'powernv9';
const CONFIGS = ['bench-lan', 'bench-lan-base', 'bench-lan-shype', 'bench-lan-shype-base'];
/** Paired runs per figure (BENCH_LAN_RUNS overrides). */
const RUNS = Number(process.env.BENCH_LAN_RUNS || 3);
/** Counted by address: the copy routine, and the two functions the sHype checks of a frame are inlined in. */
const COPY_SYMBOL = 'lpar/vio.copyReal';
const GATE_SYMBOLS = ['hv/dispatch.dispatchRow', 'hcalls/vswitch.deliver'];

/** LAN_FRAMES and FRAME_LENGTH, from the guests' own source. */
function parameters() {
  const src = fs.readFileSync(path.join(ROOT, 'lpar/guests/lanbench.ts'), 'utf8');
  const get = name => Number(new RegExp(`${name} = (\\d+)`).exec(src)[1]);
  return { frames: get('LAN_FRAMES'), length: get('FRAME_LENGTH') };
}

function build(config) {
  const r = spawnSync('bash', ['scripts/build-image.sh', 'powernv'], {
    cwd: ROOT, encoding: 'utf8', env: { ...process.env, CONFIG: config, NAME: config, BUILD },
  });
  if (r.status !== 0) throw new Error(`building ${config} failed:\n${r.stdout}${r.stderr}`);
}

/** [start, end) of a function symbol of the image's ELF, as hex strings. */
function symbolRange(elf, symbol) {
  const nm = ['llvm-nm-19', 'llvm-nm'].find(t => spawnSync(t, ['--version']).status === 0);
  const out = execFileSync(nm, ['-S', elf], { cwd: ROOT, encoding: 'utf8' });
  for (const line of out.split('\n')) {
    const f = line.trim().split(/\s+/);
    if (f.length === 4 && f[3] === symbol) {
      const start = BigInt(`0x${f[0]}`), size = BigInt(`0x${f[1]}`);
      return `0x${start.toString(16)}-0x${(start + size).toString(16)}`;
    }
  }
  throw new Error(`${elf}: no symbol ${symbol} (inlined?)`);
}

/** Boot `config` under the plugin: { total, copy } instruction counts, or { skip }. */
function count(config, plugin, expected) {
  const image = `${BUILD}/${config}-powernv.bin`;
  const elf = `${BUILD}/${config}-powernv.elf`;
  const ranges = [COPY_SYMBOL, ...GATE_SYMBOLS].map(sym => `range=${symbolRange(elf, sym)}`).join(',');
  const r = spawnSync('scripts/run-image.sh', [MACHINE, image], {
    cwd: ROOT, encoding: 'latin1',
    env: { ...process.env, QEMU_TIMEOUT: '300', QEMU_EXTRA: `-plugin ${plugin},${ranges} -d plugin` },
  });
  const halted = (r.stdout.match(/halted, status 0/g) || []).length;
  if (halted !== 2) return { skip: `${config}: the two partitions did not both halt with status 0:\n${r.stdout.slice(-800)}` };
  const received = /'lanrecv' [^\n]*received (\d+) frames[^\n]*no-buffer (\d+)/.exec(r.stdout);
  if (!received || Number(received[1]) !== expected) {
    return { skip: `${config}: lanrecv received ${received ? received[1] : '?'} frames, not ${expected}:\n${r.stdout.slice(-800)}` };
  }
  const total = parseCount(r.stderr);
  const m = [...r.stderr.matchAll(/^insns in range \S+: (\d+)$/mg)].map(x => BigInt(x[1]));
  if (total === undefined || m.length !== 1 + GATE_SYMBOLS.length) return { skip: `${config}: no instruction count (exit ${r.status})` };
  return { total, copy: m[0], gate: m.slice(1).reduce((a, b) => a + b, 0n) };
}

function main() {
  const plugin = buildPlugin();
  const { frames, length } = parameters();
  const counts = {};
  for (const config of CONFIGS) {
    build(config);
    counts[config] = [];
    for (let i = 0; i < RUNS; i++) {
      const c = count(config, plugin, config.endsWith('base') ? 2 : frames + 2);
      if (c.skip) {
        console.log(`bench-lan: n/a: ${c.skip}`);
        process.exitCode = 1;
        return;
      }
      counts[config].push(c);
    }
  }
  const per = (a, b, field) => counts[a].map((c, i) => Number(c[field] - counts[b][i][field]) / frames);
  const mean = xs => xs.reduce((x, y) => x + y, 0) / xs.length;
  const span = xs => `${Math.min(...xs).toFixed(1)}..${Math.max(...xs).toFixed(1)}`;
  const frame = per('bench-lan', 'bench-lan-base', 'total');
  const copy = per('bench-lan', 'bench-lan-base', 'copy');
  const inGate = per('bench-lan-shype', 'bench-lan-shype-base', 'gate');
  const inPlain = per('bench-lan', 'bench-lan-base', 'gate');
  const gate = inGate.map((g, i) => g - inPlain[i]);
  const ratio = frame.map((f, i) => f / copy[i]);
  // timing noise only adds instructions (more time slices, more probe rounds while the receiver
  // posts its buffers), so the frame figure is taken from the least total of each configuration
  const least = config => counts[config].map(c => c.total).reduce((a, b) => (b < a ? b : a));
  const X = Number(least('bench-lan') - least('bench-lan-base')) / frames, Y = mean(copy), G = mean(gate);
  const W = Number(least('bench-lan-shype') - least('bench-lan-shype-base')) / frames;
  console.log(`bench-lan: ${length}-byte frame = ${Math.round(X)} instructions, copy floor = ${Math.round(Y)}, ` +
    `ratio X/Y = ${(X / Y).toFixed(2)}; gate share ${Math.round(G)} instructions (goal: ratio <= 2)`);
  console.log(`  frame      H_SEND_LOGICAL_LAN from the sender's sc 1 to its return, the frame copied into the receiver's buffer and its queue entry posted:`);
  console.log(`             (least bench-lan run - least bench-lan-base run) / ${frames} frames, ${MACHINE}, no sHype policy`);
  console.log(`             (the ${RUNS} paired runs: ${frame.map(f => f.toFixed(1)).join(', ')}; ratios ${ratio.map(r => r.toFixed(2)).join(', ')})`);
  console.log(`  copy floor instructions executed in lpar/vio.ts copyReal (the hypervisor's copy routine) per frame, same runs: ${Y.toFixed(1)} (${span(copy)})`);
  console.log(`  rest       frame - copy floor = ${Math.round(X - Y)}: hcall entry and exit, the send's TCE checks, the switch's MAC lookup, buffer, queue entry`);
  console.log(`  gate share what the benchlan policy adds per frame, every decision a cache hit (the hcall gate on H_SEND_LOGICAL_LAN and the`);
  console.log(`             SendFrame check on the delivery): instructions in ${GATE_SYMBOLS.join(' and ')} (where both checks are inlined) per frame,`);
  console.log(`             with the policy ${mean(inGate).toFixed(1)} minus without ${mean(inPlain).toFixed(1)} = ${G.toFixed(1)} (${span(gate)}); whole runs, noisier:`);
  console.log(`             (least bench-lan-shype - least bench-lan-shype-base) / ${frames} = ${W.toFixed(1)}, minus the frame = ${(W - X).toFixed(1)}`);
  console.log(`  (host-clock timebase; totals per run: ${CONFIGS.map(c => `${c} ${counts[c].map(x => x.total).join('/')}`).join(', ')})`);
}

main();
