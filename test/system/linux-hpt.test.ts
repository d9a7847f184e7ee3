/**
 * Debian's Linux as an HPT guest on powernv9 (issue 13; lpar/configs/linux-hpt.ts: the Linux
 * configuration with the Linux partition in HPT mode and `disable_radix`): it reaches the ready
 * line of the initramfs, runs its hash MMU (/proc/cpuinfo says "MMU : Hash"), and passes the
 * console checks of the radix configuration (test/system/linux.test.ts): uname, 2 CPUs, the
 * vTPM, IPIs through the virtual XICS, the date, sha256sum, then powers off with QEMU exiting 0.
 * Only powernv: QEMU 7.2's nested KVM-HV (pseries) runs radix guests only. One boot, the
 * cheapest that covers the checks; the time to the ready line is printed.
 */
import { expect } from 'chai';
import * as fs from 'fs';
import * as path from 'path';
import { TOP, run, show } from './helpers';
import { ConsoleSession } from './console';

const BUILD = 'build/test/linux-hpt';
const READY_MS = 300000;
const READY = /^\[linux\] tshype-linux: ready$/m;

/** The IPI line's counts summed over the CPUs (`/proc/interrupts`). */
function ipis(lines: string[]): number {
  const line = lines.find(l => / IPI$/.test(l.trim()));
  if (!line) throw new Error(`no IPI line in ${lines.join('\n')}`);
  return line.trim().split(/\s+/).slice(1, 3).reduce((a, n) => a + Number(n), 0);
}

describe('Linux as an HPT guest on powernv9', function () {
  this.timeout(900000);
  let abi = '';
  let checkSum = '';

  before(async () => {
    const fetched = await run('bash', ['scripts/linux/fetch.sh']);
    expect(fetched.status, show(fetched)).to.equal(0);
    abi = fs.readFileSync(path.join(TOP, 'build/linux/abi'), 'utf8').trim();
    checkSum = fs.readFileSync(path.join(TOP, 'build/linux/check.sha256'), 'utf8').trim().split(/\s+/)[0];
    const r = await run('bash', ['scripts/build-image.sh', 'powernv'], { CONFIG: 'linux-hpt', NAME: 'linux-hpt', BUILD });
    expect(r.status, show(r)).to.equal(0);
  });

  it('powernv9: boots to the shell with the hash MMU; uname, 2 CPUs, the vTPM, IPIs, the date, sha256sum; poweroff exits QEMU 0', async () => {
    const started = Date.now();
    const s = new ConsoleSession('powernv9', `${BUILD}/linux-hpt-powernv.bin`, { QEMU_TIMEOUT: '600' });
    try {
      await s.waitFor(READY, READY_MS);
      console.log(`      (ready line after ${((Date.now() - started) / 1000).toFixed(1)} s of wall time)`);
      expect(s.out).to.contain("[hv] console focus: partition 'linux'");
      const mmu = await s.shell('linux', 'grep -m1 MMU /proc/cpuinfo');   // the console shows the tabs as dots
      expect(mmu.length).to.equal(1);
      expect(mmu[0]).to.match(/^MMU\W*: Hash$/);
      expect(await s.shell('linux', 'uname -r')).to.deep.equal([abi]);
      expect(await s.shell('linux', 'grep -c processor /proc/cpuinfo')).to.deep.equal(['2']);
      expect(await s.shell('linux', 'ls -1 /dev/tpm0 /dev/tpmrm0')).to.deep.equal(['/dev/tpm0', '/dev/tpmrm0']);
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
    } finally {
      s.kill();
    }
  });
});
