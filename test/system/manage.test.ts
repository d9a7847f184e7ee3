/**
 * Run-time management on pseries (nested) and powernv9 (hv/manage.ts):
 * - the management partition (lpar/guests/manager.ts, lpar/configs/manage.ts) creates, starts,
 *   queries, stops and destroys a partition; a partition that ignores a stop is stopped at its
 *   deadline; the Chinese Wall refuses a start at run time (audited); a catalog image runs;
 *   1,000 create/destroy cycles leave the page pool and the partition memory as the first
 *   cycle left them;
 * - under a policy that grants it nothing but ReadAudit (manage-deny) every operation is
 *   refused with H_AUTHORITY, audited, and nothing is created;
 * - the operator's console (lpar/configs/operator.ts) does the same through typed commands,
 *   with clear errors for bad input;
 * - a management destroy in the middle of a CRQ command (lpar/configs/manage-fault.ts): the
 *   client gets the partner-failed event, reconnects to the server created again and finishes;
 *   the page pool and the partition memory are the same after each destroy.
 */
import { expect } from 'chai';
import { Run, run, show } from './helpers';
import { ConsoleSession, partitionLines } from './console';

const BUILD = 'build/test/manage';
const MACHINES: ('pseries' | 'powernv9')[] = ['pseries', 'powernv9'];
const CONFIGS = ['manage', 'manage-deny', 'operator', 'manage-fault'];
const H_AUTHORITY = -10;
const H_STATE = -75;

function platformOf(machine: 'pseries' | 'powernv9'): string {
  return machine === 'pseries' ? 'pseries' : 'powernv';
}

function image(config: string, machine: 'pseries' | 'powernv9'): string {
  return `${BUILD}/${config}-${platformOf(machine)}.bin`;
}

describe('run-time partition management', function () {
  this.timeout(900_000);

  before(async function () {
    this.timeout(900_000);
    for (const config of CONFIGS) {   // one after the other: the guest build is shared
      const builds = await Promise.all(['pseries', 'powernv'].map(p => run('bash', ['scripts/build-image.sh', p], { CONFIG: config, NAME: config, BUILD })));
      for (const b of builds) if (b.status !== 0) throw new Error(`build of ${config} failed:\n${show(b)}`);
    }
  });

  for (const machine of MACHINES) {
    describe(`on ${machine}`, () => {
      let boot: Run;
      let deny: Run;
      let fault: Run;

      before(async function () {
        this.timeout(600_000);
        boot = await run('scripts/run-image.sh', [machine, image('manage', machine)], { QEMU_TIMEOUT: '300' });
        deny = await run('scripts/run-image.sh', [machine, image('manage-deny', machine)], { QEMU_TIMEOUT: '180' });
        fault = await run('scripts/run-image.sh', [machine, image('manage-fault', machine)], { QEMU_TIMEOUT: '180' });
      });

      it('a destroy in the middle of a CRQ command: the partner sees the event, reconnects to the new server, nothing leaks', () => {
        const client = partitionLines(fault.stdout, 'crq-c');
        expect(client, show(fault)).to.include.members(['client: transport event in round ' + /client: transport event in round (\d+)/.exec(fault.stdout)![1],
          'client:   format 1', 'client: send after the event, status 2', 'client: H_FREE_CRQ status 0', 'client: H_REG_CRQ again, status 2',
          'client: reconnected', 'client: failed rounds 0', 'client: partner restarts survived 1', 'client: checksums match, data transformed']);
        const mgr = partitionLines(fault.stdout, 'mgr');
        const pools = mgr.filter(l => l.startsWith('manager: page pool KiB free '));
        const memory = mgr.filter(l => l.startsWith('manager: partition memory MiB free '));
        expect(pools).to.have.length(2);
        expect(pools[1]).to.equal(pools[0]);
        expect(memory[1]).to.equal(memory[0]);
        expect(mgr).to.include('manager: failures 0');
        expect(fault.stdout).to.contain("[hv]   'crq-c' halted, status 0");
        expect(fault.stdout).to.contain('[hv] management: created 2, destroyed 2 at run time');
        expect(fault.status, show(fault)).to.equal(0);
      });

      it('the management partition creates, starts, queries, stops and destroys a partition', () => {
        const mgr = partitionLines(boot.stdout, 'mgr');
        for (const op of ['create worker', 'start worker', 'wait worker', 'query worker', 'stop worker', 'destroy worker']) {
          expect(mgr, `${op}\n${show(boot)}`).to.include(`manager: ${op} -> 0`);
        }
        expect(mgr).to.include.members(['manager: state 2', 'manager: memory MiB 32', 'manager: entitlement 20']);
        expect(partitionLines(boot.stdout, 'worker')).to.include.members(['worker: running', 'worker: stopping on request']);
        expect(boot.stdout).to.match(/\[hv\] partition 'worker' created: 32 MiB at 0x[0-9a-f]+, 1 vCPU\n/);
        expect(boot.stdout).to.contain("[hv] partition 'worker' asked to stop within 5000 ms\n");
        expect(boot.stdout).to.contain("[hv] partition 'worker' destroyed\n");
      });

      it('a partition that ignores the stop is stopped at its deadline', () => {
        const mgr = partitionLines(boot.stdout, 'mgr');
        expect(mgr).to.include.members(['manager: stop deaf -> 0', 'manager: wait deaf -> 0', 'manager: destroy deaf -> 0']);
        expect(boot.stdout).to.contain("[hv] partition 'deaf' stopped by management\n");
        expect(partitionLines(boot.stdout, 'deaf')).to.not.include('worker: stopping on request');
      });

      it('the Chinese Wall refuses a start at run time, audited; a catalog image runs', () => {
        const mgr = partitionLines(boot.stdout, 'mgr');
        expect(mgr).to.include(`manager: start bank-b -> ${H_AUTHORITY}`);
        expect(boot.stdout).to.contain("[hv] partition 'bank-b' refused by the Chinese Wall: bank_b conflicts with running bank_a (conflict set banks), rule 12\n");
        expect(boot.stdout).to.contain('[hv]   audit: bank-b op 7 denied by rule 12 (line 17: chinese wall: conflict banks bank_a bank_b)');
        expect(partitionLines(boot.stdout, 'worker')).to.include.members(['hello from a tshype partition', 'goodbye']);
        expect(mgr).to.include('manager: wait worker -> 0');
      });

      it('1,000 create/destroy cycles leave the page pool and the partition memory where the first left them', () => {
        const mgr = partitionLines(boot.stdout, 'mgr');
        expect(mgr, show(boot)).to.include('manager: create+destroy cycles 1000');
        expect(mgr).to.include('manager: cycles worker -> 0');
        const value = (prefix: string): number => Number(mgr.find(l => l.startsWith(prefix))!.slice(prefix.length));
        const poolFirst = value('manager: page pool KiB after the first cycle ');
        const poolLast = value('manager: page pool KiB after the last cycle ');
        const memFirst = value('manager: partition memory MiB free after the first cycle ');
        const memLast = value('manager: partition memory MiB free after the last cycle ');
        console.log(`      ${machine}: page pool ${poolFirst} -> ${poolLast} KiB, partition memory free ${memFirst} -> ${memLast} MiB`);
        expect(poolLast).to.equal(poolFirst);
        expect(memLast).to.equal(memFirst);
        expect(boot.stdout).to.match(/\[hv\] management: created 100[0-9], destroyed 100[0-9] at run time/);
      });

      it('the run ends cleanly: everything stopped, the manager reports no failure', () => {
        expect(partitionLines(boot.stdout, 'mgr')).to.include('manager: failures 1');   // the wall's refusal, expected
        expect(boot.stdout).to.contain("[hv]   'bank-a' halted, status 0");
        expect(boot.status, show(boot)).to.equal(0);
      });

      it('a policy without the roles refuses every operation with H_AUTHORITY, audited, and creates nothing', () => {
        const mgr = partitionLines(deny.stdout, 'mgr');
        for (const op of ['create worker', 'stop bank-a', 'destroy bank-a']) {
          expect(mgr, `${op}\n${show(deny)}`).to.include(`manager: ${op} -> ${H_AUTHORITY}`);
        }
        expect(mgr).to.include(`manager: start worker -> ${H_STATE}`);   // nothing was created: the state is checked first
        expect(mgr).to.include('manager: query worker -> 0');   // ReadAudit is granted
        expect(deny.stdout).to.not.match(/partition 'worker' created/);
        expect(deny.stdout).to.match(/\[hv\] {3}audit: mgmt op 6 on app denied by rule 11/);
        expect(deny.stdout).to.match(/\[hv\] {3}audit: mgmt op 8 on bank-a denied by rule 11/);
        expect(deny.stdout).to.contain("[hv]   'bank-a' halted, status 0");   // refused a stop, it ran to its end
        expect(deny.stdout).to.contain("[hv]   'worker' not created");
        expect(deny.status, show(deny)).to.equal(0);
      });

      it('the operator console runs the same operations from typed commands', async function () {
        this.timeout(300_000);
        const s = new ConsoleSession(machine, image('operator', machine), { QEMU_TIMEOUT: '240' });
        try {
          await s.waitFor(/\[keeper\] worker: running/, 120_000);
          const say = async (line: string, expect: RegExp, timeout = 60_000): Promise<void> => {
            const from = s.out.length;
            s.type(`${line}\r`);
            await s.waitFor(expect, timeout, from);
          };
          await say('help', /\[hv\] commands: list \| start NAME/);
          await say('list', /\[hv\] {3}3 worker: not created, entitlement 20%, label app\n/);
          await say('create worker - 16', /\[hv\] create worker: done\n/);
          await say('start worker', /\[worker\] worker: running\n/);
          await say('list', /\[hv\] {3}3 worker: running, 16 MiB, 1 vCPU, entitlement 20%, label app\n/);
          await say('stop worker 3000', /\[worker\] worker: stopping on request\n/);
          await say('destroy worker', /\[hv\] destroy worker: done\n/);
          await say('create bank-b - 16', /\[hv\] create bank-b: done\n/);
          await say('start bank-b', /\[hv\] start bank-b: refused by the Chinese Wall\n/);
          await say('destroy bank-b', /\[hv\] destroy bank-b: done\n/);
          await say('create worker hello 16', /\[hv\] create worker: done\n/);
          await say('start worker', /\[worker\] goodbye\n/);
          await say('frobnicate', /\[hv\] unknown command 'frobnicate' \(help lists the commands\)\n/);
          await say('create nosuch - 16', /\[hv\] no partition 'nosuch' \(list shows them\)\n/);
          await say('create worker - lots', /\[hv\] create: MEM must be a number of MiB\n/);
          await say('create worker nosuch 16', /\[hv\] create: no image 'nosuch' in the catalog/);
          await say('start', /\[hv\] usage: start\|destroy\|restart NAME\n/);
          await say('stats', /\[hv\] {3}partition memory \d+ MiB free of \d+, page pool \d+ KiB free; created 3, destroyed 2 at run time\n/);
          await say('audit', /\[hv\] {3}audit: bank-b op 7 denied by rule 12/);
          await say('policy', /\[hv\] operator label: operator\n/);
          s.type('stop keeper\rstop bank-a\r');
          const status = await s.done(120_000);
          expect(s.out).to.contain("[hv] policy 'manage', 6 labels\n");
          expect(s.out).to.contain("[hv]   'worker' halted, status 0");
          expect(s.out).to.contain("[hv]   'bank-b' destroyed");
          expect(status, s.out).to.equal(0);
        } finally {
          s.kill();
        }
      });
    });
  }
});
