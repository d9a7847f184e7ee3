/**
 * Debian's Linux in a tshype partition, on pseries (nested) and powernv9 (the configuration
 * lpar/configs/linux.ts: Linux with 2 vCPUs beside a test partition). Linux's own pseries code
 * is the client: it must reach the ready line of the initramfs, answer commands typed on the
 * console (the focus is on it from boot), power off, reboot, and panic into ibm,os-term.
 *
 * scripts/linux/fetch.sh fetches the kernel and builds the initramfs (cached in build/linux).
 */
import { expect } from 'chai';
import * as fs from 'fs';
import * as path from 'path';
import { TOP, run, show } from './helpers';
import { ConsoleSession, partitionLines } from './console';
import { BIOS_MEASUREMENTS, bytesFromOd, expectedLaunchPcrs, extend, launchPcr, odCommand, parseEventLog, pcrFromSysfs, replayPcrs } from './tpm-helpers';

const BUILD = 'build/test/linux';
const MACHINES = ['powernv9', 'pseries'];
/** Wall-clock limits: boot to the ready line (TCG; pseries runs Linux nested) and one command. */
const READY_MS = 240000;
const READY = /^\[linux\] tshype-linux: ready$/m;

function image(machine: string): string {
  return `${BUILD}/tshype-${machine === 'pseries' ? 'pseries' : 'powernv'}.bin`;
}

/** Boot the Linux configuration on `machine` up to the ready line. */
async function bootToReady(machine: string): Promise<ConsoleSession> {
  const s = new ConsoleSession(machine, image(machine), { QEMU_TIMEOUT: '600' });
  try {
    await s.waitFor(READY, READY_MS);
  } catch (e) {
    s.kill();
    throw e;
  }
  return s;
}

/** The IPI line's counts summed over the CPUs (`/proc/interrupts`). */
function ipis(lines: string[]): number {
  const line = lines.find(l => / IPI$/.test(l.trim()));
  if (!line) throw new Error(`no IPI line in ${lines.join('\n')}`);
  return line.trim().split(/\s+/).slice(1, 3).reduce((a, n) => a + Number(n), 0);
}

/**
 * Linux's tpm_ibmvtpm drives the vTPM partition's instance: /dev/tpm0 and /dev/tpmrm0 exist; the
 * launch PCRs read through the kernel are the chains of what the hypervisor measured (the vmlinux
 * and initrd files, the device tree it printed, the label "linux"); the TCG event log the
 * hypervisor gave it (binary_bios_measurements) replays to the same values.
 */
async function checkVtpm(s: ConsoleSession): Promise<void> {
  expect(await s.shell('linux', 'ls -1 /dev/tpm0 /dev/tpmrm0')).to.deep.equal(['/dev/tpm0', '/dev/tpmrm0']);
  const dts = [...s.out.matchAll(/\[hv\] partition 'linux' measured into PCR 19: ([0-9a-f]{64})/g)];
  expect(dts.length, 'the hypervisor prints the device tree it measured').to.be.above(0);
  const dt = dts[dts.length - 1];   // the latest launch's
  const want = expectedLaunchPcrs(path.join(TOP, 'build/linux/vmlinux'), path.join(TOP, 'build/linux/initrd.cpio.gz'));
  want.set(19, extend(Buffer.alloc(32), Buffer.from(dt![1], 'hex')));
  want.set(20, launchPcr(Buffer.from('linux', 'latin1')));
  const log = parseEventLog(bytesFromOd(await s.shell('linux', odCommand(BIOS_MEASUREMENTS))));
  const replayed = replayPcrs(log);
  for (const [pcr, value] of want) {
    const read = pcrFromSysfs((await s.shell('linux', `cat /sys/class/tpm/tpm0/pcr-sha256/${pcr}`)).join(''));
    expect(read.toString('hex'), `PCR ${pcr} read by Linux`).to.equal(value.toString('hex'));
    expect(replayed.get(pcr)?.toString('hex'), `PCR ${pcr} replayed from the event log`).to.equal(value.toString('hex'));
  }
}

describe('Linux in a partition', function () {
  this.timeout(900000);
  let abi = '';
  let checkSum = '';

  before(async () => {
    const fetched = await run('bash', ['scripts/linux/fetch.sh']);
    expect(fetched.status, show(fetched)).to.equal(0);
    abi = fs.readFileSync(path.join(TOP, 'build/linux/abi'), 'utf8').trim();
    checkSum = fs.readFileSync(path.join(TOP, 'build/linux/check.sha256'), 'utf8').trim().split(/\s+/)[0];
    for (const platform of ['pseries', 'powernv']) {
      const r = await run('bash', ['scripts/build-image.sh', platform], { CONFIG: 'linux', BUILD });
      expect(r.status, show(r)).to.equal(0);
    }
  });

  for (const machine of MACHINES) {
    it(`${machine}: boots to the shell; uname, 2 CPUs, IPIs that grow, the date, sha256sum; poweroff exits QEMU 0`, async () => {
      const s = await bootToReady(machine);
      try {
        expect(s.out).to.contain("[hv] console focus: partition 'linux'");
        expect(await s.shell('linux', 'uname -r')).to.deep.equal([abi]);
        expect(await s.shell('linux', 'grep -c processor /proc/cpuinfo')).to.deep.equal(['2']);
        await checkVtpm(s);
        const before = ipis(await s.shell('linux', 'cat /proc/interrupts'));
        await s.shell('linux', 'for i in 1 2 3 4 5 6; do sha256sum /etc/tshype-check >/dev/null & done; wait; sleep 1');
        const after = ipis(await s.shell('linux', 'cat /proc/interrupts'));
        expect(after, 'IPIs through the virtual XICS').to.be.greaterThan(before);
        const [seconds] = await s.shell('linux', 'date +%s');
        expect(Math.abs(Number(seconds) - Date.now() / 1000), 'RTAS get-time-of-day').to.be.below(86400);
        expect(await s.shell('linux', 'sha256sum /etc/tshype-check')).to.deep.equal([`${checkSum}  /etc/tshype-check`]);
        s.type('poweroff -f\n');
        expect(await s.done(120000), s.out).to.equal(0);
        expect(s.out).to.match(/\[hv\] {3}'linux' halted, status 0,/);
        expect(s.out).to.match(/\[hv\] exits: \d+ in all, \d+ hcalls on the fast path/);
      } finally {
        s.kill();
      }
    });

    it(`${machine}: reboot restarts the partition (memory scrubbed, image reloaded, re-measured into a fresh vTPM state) to the ready line again`, async () => {
      const s = await bootToReady(machine);
      try {
        const from = s.out.length;
        s.type('reboot -f\n');
        const restart = await s.waitFor(/\[hv\] partition 'linux' restarting \(system-reboot\)/, 60000, from);
        await s.waitFor(READY, READY_MS, restart.end);
        expect(await s.shell('linux', 'uname -r')).to.deep.equal([abi]);
        await checkVtpm(s);   // re-measured into a fresh PCR state: the same values again, not extended twice
        s.type('poweroff -f\n');
        expect(await s.done(120000), s.out).to.equal(0);
      } finally {
        s.kill();
      }
    });

    it(`${machine}: a kernel panic ends in ibm,os-term, reported; the hypervisor carries on to its summary`, async () => {
      const s = await bootToReady(machine);
      try {
        s.type('echo c > /proc/sysrq-trigger\n');
        expect(await s.done(120000), s.out).to.equal(0);
        expect(s.out).to.contain("[hv] partition 'linux' os-term: OS panic: sysrq triggered crash");
        expect(s.out).to.match(/\[hv\] {3}'linux' crashed,/);
        expect(s.out).to.match(/\[hv\] {3}'alpha' halted, status 0,/);
        expect(partitionLines(s.out, 'alpha')).to.include('goodbye');
      } finally {
        s.kill();
      }
    });
  }
});
