/**
 * The vTPM tests' plumbing against a reference: Debian's Linux in QEMU's own pseries machine
 * (SLOF, which measures into the TPM and hands Linux its event log) with swtpm behind QEMU's
 * tpm-spapr device, the same tpm_ibmvtpm driver and test initramfs a tshype partition runs.
 * Checks that the initramfs has what a vTPM test needs (securityfs mounted, /dev/tpm0, od,
 * base64, sha256sum, pcr-sha256 in sysfs) and that test/system/tpm-helpers.ts reads what Linux
 * shows: the event log dumped on the console comes back byte for byte (od and base64 agree,
 * sha256sum in the guest matches), parses, and its replay equals the PCRs Linux reads from the
 * TPM. tshype's own vTPM test does the same against a tshype partition.
 */
import { expect } from 'chai';
import { ChildProcessWithoutNullStreams, spawn } from 'child_process';
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { TOP, run, show } from './helpers';
import {
  BIOS_MEASUREMENTS, bytesFromBase64, bytesFromOd, odCommand, parseEventLog, pcrFromSysfs, replayPcrs,
} from './tpm-helpers';

const READY = /^tshype-linux: ready\r?$/m;

/** QEMU's console as a stream: wait for text, run a shell command between markers. */
class Console {
  out = '';
  exited = false;
  status: number | null = null;
  constructor(readonly child: ChildProcessWithoutNullStreams) {
    const take = (d: Buffer): void => { this.out += d.toString('latin1'); };
    child.stdout.on('data', take);
    child.stderr.on('data', take);
    child.on('close', st => { this.exited = true; this.status = st; });
  }

  async waitFor(re: RegExp, ms: number, from = 0): Promise<number> {
    const end = Date.now() + ms;
    for (;;) {
      const m = re.exec(this.out.slice(from));
      if (m) return from + m.index + m[0].length;
      if (this.exited) throw new Error(`QEMU exited (${this.status}) before ${re}:\n${this.out}`);
      if (Date.now() > end) throw new Error(`no ${re} within ${ms} ms:\n${this.out}`);
      await new Promise(r => setTimeout(r, 200));
    }
  }

  /** The output lines of `command` (markers spelled so that the typed echo never matches). */
  async shell(command: string, ms = 60000): Promise<string[]> {
    const id = Math.floor(Math.random() * 1e9).toString(36);
    const from = this.out.length;
    this.child.stdin.write(`echo @@B''${id}; ${command}; echo @@E''${id}\n`);
    const stop = await this.waitFor(new RegExp(`^@@E${id}\\r?$`, 'm'), ms, from);
    const start = await this.waitFor(new RegExp(`^@@B${id}\\r?$`, 'm'), 0, from);
    return this.out.slice(start, stop).replace(/\r/g, '').split('\n').slice(1, -1);
  }
}

describe('vTPM test plumbing against QEMU\'s own pseries and swtpm', function () {
  this.timeout(600000);
  let dir = '';
  let swtpm: ChildProcessWithoutNullStreams | undefined;
  let qemu: Console | undefined;

  before(async () => {
    const fetched = await run('bash', ['scripts/linux/fetch.sh']);
    expect(fetched.status, show(fetched)).to.equal(0);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tshype-tpmref-'));
    fs.mkdirSync(path.join(dir, 'state'));
    swtpm = spawn('swtpm', ['socket', '--tpm2', '--tpmstate', `dir=${dir}/state`, '--ctrl',
      `type=unixio,path=${dir}/swtpm.sock`, '--flags', 'startup-clear', '--terminate']);
    const sock = path.join(dir, 'swtpm.sock');
    for (let i = 0; i < 100 && !fs.existsSync(sock); i++) await new Promise(r => setTimeout(r, 100));
    expect(fs.existsSync(sock), 'swtpm socket').to.equal(true);
  });

  after(() => {
    qemu?.child.kill('SIGTERM');
    swtpm?.kill('SIGTERM');
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('Linux 6.1 shows SLOF\'s event log; the console dump reads back exactly; the replay equals pcr-sha256', async () => {
    qemu = new Console(spawn('timeout', ['300', 'qemu-system-ppc64', '-M', 'pseries,ic-mode=xics', '-m', '1G', '-smp', '1',
      '-nographic', '-vga', 'none', '-no-reboot', '-kernel', 'build/linux/vmlinux', '-initrd', 'build/linux/initrd.cpio.gz',
      '-append', 'console=hvc0 quiet', '-chardev', `socket,id=chrtpm,path=${dir}/swtpm.sock`,
      '-tpmdev', 'emulator,id=tpm0,chardev=chrtpm', '-device', 'tpm-spapr,tpmdev=tpm0'], { cwd: TOP }));
    await qemu.waitFor(READY, 240000);
    expect(await qemu.shell('ls /dev/tpm*')).to.deep.equal(['/dev/tpm0    /dev/tpmrm0']);
    expect(await qemu.shell('grep -c securityfs /proc/mounts')).to.deep.equal(['1']);
    const od = bytesFromOd(await qemu.shell(odCommand(BIOS_MEASUREMENTS)));
    const b64 = bytesFromBase64(await qemu.shell(`base64 ${BIOS_MEASUREMENTS}`));
    expect(od.length).to.be.greaterThan(100);
    expect(b64.equals(od), 'od and base64 dumps agree').to.equal(true);
    const [sum] = await qemu.shell(`sha256sum ${BIOS_MEASUREMENTS}`);
    expect(sum.split(/\s+/)[0]).to.equal(crypto.createHash('sha256').update(od).digest('hex'));
    const log = parseEventLog(od);
    expect(log.zeroTail, 'Linux shows the events only').to.equal(0);
    expect(log.events.length).to.be.greaterThan(0);
    const pcrs = replayPcrs(log);
    expect(pcrs.size).to.be.greaterThan(0);
    for (const [n, v] of pcrs) {
      const [line] = await qemu.shell(`cat /sys/class/tpm/tpm0/pcr-sha256/${n}`);
      expect(pcrFromSysfs(line).toString('hex'), `PCR ${n}`).to.equal(v.toString('hex'));
    }
    qemu.child.stdin.write('poweroff -f\n');
    await qemu.waitFor(/reboot: Power down/, 60000);
  });
});
