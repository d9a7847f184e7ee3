/**
 * Boot build/linux/{vmlinux,initrd.cpio.gz} (scripts/linux/fetch.sh) in QEMU's own pseries
 * machine and drive its console as a person would: wait for "tshype-linux: ready", type
 * `uname -r` and `sha256sum /etc/tshype-check` and compare the answers with build/linux/abi and
 * build/linux/check.sha256, then `poweroff -f` and expect QEMU to exit 0. Prints the wall time
 * from QEMU's start to the ready line. The reference the tshype partition is measured against.
 *
 *   node -r ./scripts/tsnc/register.cjs scripts/linux/boot-check.ts [--slof] [--timeout SECONDS]
 *
 * Default firmware: VOF (-M pseries,x-vof=on); --slof boots through SLOF instead.
 * Exit status 0 when every check passed, 1 otherwise (the console transcript is printed).
 */
import { spawn } from 'child_process';
import * as fs from 'fs';

const DIR = 'build/linux';

function main(): void {
  const args = process.argv.slice(2);
  const slof = args.includes('--slof');
  const ti = args.indexOf('--timeout');
  const timeoutSec = ti >= 0 ? Number(args[ti + 1]) : 300;
  const abi = fs.readFileSync(`${DIR}/abi`, 'utf8').trim();
  const sum = fs.readFileSync(`${DIR}/check.sha256`, 'utf8').trim().split(/\s+/)[0];
  const machine = slof ? 'pseries' : 'pseries,x-vof=on';
  const qemuArgs = ['-M', machine, '-m', '1G', '-nographic', '-vga', 'none', '-kernel', `${DIR}/vmlinux`,
    '-initrd', `${DIR}/initrd.cpio.gz`, '-append', 'console=hvc0 quiet'];
  console.log(`boot-check: qemu-system-ppc64 ${qemuArgs.join(' ')}`);
  const start = Date.now();
  const q = spawn('timeout', [String(timeoutSec), 'qemu-system-ppc64', ...qemuArgs], { stdio: ['pipe', 'pipe', 'inherit'] });
  let out = '';
  let step = 0;
  let readyAt = 0;
  const failures: string[] = [];
  const expectAnswer = (marker: string, want: string): boolean => {
    // the answer is on the line after the echoed command
    const at = out.lastIndexOf(marker);
    if (at < 0) return false;
    const rest = out.slice(at + marker.length);
    const lines = rest.split(/\r?\n/);
    if (lines.length < 3) return false;
    if (!lines[1].includes(want)) failures.push(`${marker.trim()}: got "${lines[1].trim()}", want "${want}"`);
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
    if (step === 2 && expectAnswer('uname -r', abi)) {
      step = 3;
      q.stdin.write('sha256sum /etc/tshype-check\n');
    }
    if (step === 3 && expectAnswer('sha256sum /etc/tshype-check', sum)) {
      step = 4;
      q.stdin.write('poweroff -f\n');
    }
  });
  q.on('exit', (code) => {
    const total = (Date.now() - start) / 1000;
    if (readyAt === 0) failures.push('never reached "tshype-linux: ready"');
    else if (step < 4) failures.push(`stopped at step ${step} of 4`);
    if (code !== 0) failures.push(`QEMU exited with ${code}${code === 124 ? ' (timeout)' : ''}`);
    if (failures.length > 0) {
      process.stdout.write(out);
      for (const f of failures) console.log(`boot-check: FAIL ${f}`);
      process.exit(1);
    }
    console.log(`boot-check: ${slof ? 'SLOF' : 'VOF'}: ready after ${((readyAt - start) / 1000).toFixed(1)} s; ` +
      `uname -r = ${abi}; sha256 ok; poweroff -f after ${total.toFixed(1)} s, QEMU exit 0`);
  });
}

main();
