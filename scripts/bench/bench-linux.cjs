#!/usr/bin/env node
// make bench-linux: wall time from QEMU's start to the Linux initramfs's ready line
// (`tshype-linux: ready`), Debian's kernel in a tshype partition (lpar/configs/linux.ts: 2 vCPUs,
// beside a test partition) against the same kernel, initrd and bootargs on QEMU's own pseries
// machine (`-M pseries,x-vof=on,ic-mode=xics -smp 2`: VOF firmware and the XICS interrupt
// controller, as tshype gives its partitions). Median of BENCH_RUNS (default 3) runs of each, in
// this one run; the ratio is tshype's median over QEMU's. After each tshype boot the guest is
// powered off (`poweroff -f`) and the hypervisor's exit counts by reason are printed: the exit
// mix shows what to speed up. Wall time, not instructions: the boot includes QEMU's own work and
// waits on the guest's timers, so it is a figure for the notes, never a test assertion.
'use strict';
const { spawn, execFileSync } = require('child_process');
const fs = require('fs');
const path = require('path');

const ROOT = path.resolve(__dirname, '..', '..');
const RUNS = Number(process.env.BENCH_RUNS || 3);
const BUILD = 'build/bench/linux';
const READY = /tshype-linux: ready/;
const BOOTARGS = 'console=hvc0 quiet';
const TIMEOUT_MS = 600000;

/** Spawn a QEMU command line; resolve with the ms to the ready line and everything printed. */
function boot(cmd, args, onReady) {
  return new Promise((resolve, reject) => {
    const start = Date.now();
    const child = spawn(cmd, args, { cwd: ROOT });
    let out = '';
    let readyMs = -1;
    const timer = setTimeout(() => child.kill('SIGTERM'), TIMEOUT_MS);
    const take = d => {
      out += d.toString('latin1');
      if (readyMs < 0 && READY.test(out)) {
        readyMs = Date.now() - start;
        onReady(child);
      }
    };
    child.stdout.on('data', take);
    child.stderr.on('data', take);
    child.on('close', status => {
      clearTimeout(timer);
      if (readyMs < 0) reject(new Error(`${cmd} ${args.join(' ')}: no ready line (status ${status})\n${out.slice(-3000)}`));
      else resolve({ readyMs, out, status });
    });
  });
}

/** Type `poweroff -f` once the shell had a moment to start. */
function powerOff(child) {
  setTimeout(() => child.stdin.write('poweroff -f\n'), 2000);
}

const median = xs => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const secs = ms => (ms / 1000).toFixed(1);

async function main() {
  execFileSync('bash', ['scripts/linux/fetch.sh'], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
  for (const platform of ['pseries', 'powernv']) {
    execFileSync('bash', ['scripts/build-image.sh', platform], { cwd: ROOT, env: { ...process.env, CONFIG: 'linux', BUILD }, stdio: ['ignore', 'ignore', 'inherit'] });
  }
  const qemuOwn = ['-M', 'pseries,x-vof=on,ic-mode=xics', '-m', '1G', '-smp', '2', '-nographic', '-vga', 'none',
    '-kernel', 'build/linux/vmlinux', '-initrd', 'build/linux/initrd.cpio.gz', '-append', BOOTARGS, '-no-reboot'];
  const reference = [];
  for (let i = 0; i < RUNS; i++) reference.push((await boot('qemu-system-ppc64', qemuOwn, powerOff)).readyMs);
  const qemuMedian = median(reference);
  console.log(`QEMU's own pseries (x-vof, XICS, -smp 2): ready in ${reference.map(secs).join(', ')} s; median ${secs(qemuMedian)} s`);
  const goals = { pseries: 3, powernv9: 2 };
  for (const machine of ['powernv9', 'pseries']) {
    const image = `${BUILD}/tshype-${machine === 'pseries' ? 'pseries' : 'powernv'}.bin`;
    const times = [];
    let exits = '';
    for (let i = 0; i < RUNS; i++) {
      const r = await boot('scripts/run-image.sh', [machine, image], powerOff);
      times.push(r.readyMs);
      exits = (/^\[hv\] exits: .*$/m.exec(r.out) || ['(no exit summary: the guest did not power off)'])[0];
    }
    const m = median(times);
    console.log(`tshype ${machine}: ready in ${times.map(secs).join(', ')} s; median ${secs(m)} s; ` +
      `${(m / qemuMedian).toFixed(2)}x QEMU's own pseries (goal <= ${goals[machine]}x)`);
    console.log(`  last boot ${exits}`);
  }
}

main().catch(e => {
  console.error(String(e && e.stack || e));
  process.exit(1);
});
