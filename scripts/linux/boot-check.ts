/**
 * Boot build/linux/{vmlinux,initrd.cpio.gz} (scripts/linux/fetch.sh) in QEMU's own pseries
 * machine and drive its console as a person would: wait for "tshype-linux: ready", type
 * `uname -r` and `sha256sum /etc/tshype-check` and compare the answers with build/linux/abi and
 * build/linux/check.sha256, then `poweroff -f` and expect QEMU to exit 0. Prints the wall time
 * from QEMU's start to the ready line: the reference a tshype partition is compared with.
 *
 *   node -r ./scripts/tsnc/register.cjs scripts/linux/boot-check.ts [--slof] [--runs N]
 *        [--timeout SECONDS] [-- EXTRA QEMU ARGUMENTS]
 *
 * Default firmware: VOF (-M pseries,x-vof=on); --slof boots through SLOF instead. With
 * --runs N the boot is repeated N times and the median time to the ready line is printed.
 * Extra arguments after `--` go to QEMU (e.g. `-- -smp 2`). Exit status 0 when every check of
 * every run passed, 1 otherwise (the failing run's console transcript is printed).
 */
import { spawn } from 'child_process';
import * as fs from 'fs';

const DIR = 'build/linux';

interface Options { slof: boolean; runs: number; timeoutSec: number; extra: string[] }
interface Result { ok: boolean; readySec: number; totalSec: number; transcript: string; failures: string[] }

function options(argv: string[]): Options {
  const dash = argv.indexOf('--');
  const own = dash >= 0 ? argv.slice(0, dash) : argv;
  const value = (name: string, dflt: number): number => {
    const i = own.indexOf(name);
    const v = i >= 0 ? Number(own[i + 1]) : dflt;
    if (!Number.isInteger(v) || v <= 0) throw new Error(`${name}: expected a positive integer`);
    return v;
  };
  return {
    slof: own.includes('--slof'), runs: value('--runs', 1), timeoutSec: value('--timeout', 300),
    extra: dash >= 0 ? argv.slice(dash + 1) : [],
  };
}

/** One boot: the console dialogue, then QEMU's exit. */
function bootOnce(o: Options, abi: string, sum: string): Promise<Result> {
  const machine = o.slof ? 'pseries' : 'pseries,x-vof=on';
  const qemuArgs = ['-M', machine, '-m', '1G', '-nographic', '-vga', 'none', '-kernel', `${DIR}/vmlinux`,
    '-initrd', `${DIR}/initrd.cpio.gz`, '-append', 'console=hvc0 quiet', ...o.extra];
  const start = Date.now();
  const q = spawn('timeout', [String(o.timeoutSec), 'qemu-system-ppc64', ...qemuArgs], { stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '';
  let step = 0;
  let readyAt = 0;
  const failures: string[] = [];
  // the answer is the line after the echoed command
  const answered = (marker: string, want: string): boolean => {
    const at = out.lastIndexOf(marker);
    if (at < 0) return false;
    const lines = out.slice(at + marker.length).split(/\r?\n/);
    if (lines.length < 3) return false;
    if (!lines[1].includes(want)) failures.push(`${marker}: got "${lines[1].trim()}", want "${want}"`);
    return true;
  };
  q.stdout.on('data', (d: Buffer) => {
    out += d.toString('latin1');
    if (step === 0 && /(^|\n)tshype-linux: ready\r?\n/.test(out)) {
      readyAt = Date.now();
      step = 1;
    }
    if (step === 1 && out.slice(out.indexOf('tshype-linux: ready')).includes('tshype-linux# ')) {
      step = 2;
      q.stdin.write('uname -r\n');
    }
    if (step === 2 && answered('uname -r', abi)) {
      step = 3;
      q.stdin.write('sha256sum /etc/tshype-check\n');
    }
    if (step === 3 && answered('sha256sum /etc/tshype-check', sum)) {
      step = 4;
      q.stdin.write('poweroff -f\n');
    }
  });
  q.stderr.on('data', (d: Buffer) => { out += d.toString('latin1'); });
  return new Promise(resolve => q.on('exit', (code) => {
    if (readyAt === 0) failures.push('never reached "tshype-linux: ready"');
    else if (step < 4) failures.push(`stopped at step ${step} of 4`);
    if (code !== 0) failures.push(`QEMU exited with ${code}${code === 124 ? ' (timeout)' : ''}`);
    resolve({
      ok: failures.length === 0, readySec: (readyAt - start) / 1000, totalSec: (Date.now() - start) / 1000,
      transcript: out, failures,
    });
  }));
}

async function main(): Promise<number> {
  const o = options(process.argv.slice(2));
  const abi = fs.readFileSync(`${DIR}/abi`, 'utf8').trim();
  const sum = fs.readFileSync(`${DIR}/check.sha256`, 'utf8').trim().split(/\s+/)[0];
  const fw = o.slof ? 'SLOF' : 'VOF';
  const times: number[] = [];
  for (let i = 1; i <= o.runs; i++) {
    const r = await bootOnce(o, abi, sum);
    if (!r.ok) {
      process.stdout.write(r.transcript);
      for (const f of r.failures) console.log(`boot-check: FAIL ${f}`);
      return 1;
    }
    times.push(r.readySec);
    console.log(`boot-check: ${fw} run ${i}: ready after ${r.readySec.toFixed(1)} s; uname -r = ${abi}; ` +
      `sha256 ok; powered off after ${r.totalSec.toFixed(1)} s, QEMU exit 0`);
  }
  if (o.runs > 1) {
    const sorted = [...times].sort((a, b) => a - b);
    console.log(`boot-check: ${fw} median time to the ready line over ${o.runs} runs: ${sorted[(o.runs - 1) >> 1].toFixed(1)} s`);
  }
  return 0;
}

main().then(code => process.exit(code), (e: Error) => {
  console.error(`boot-check: ${e.message}`);
  process.exit(2);
});
