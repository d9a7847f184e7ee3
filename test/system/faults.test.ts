/**
 * Partitions stopped in the middle of a multi-step operation (docs/robustness.md), on pseries and
 * powernv9. After each, the partners must see the documented error, nothing may leak (channel
 * and port state closed again, the page pool as it was after launch, counters that add up) and
 * the other partitions must finish normally.
 *
 *   crq-fault  three CRQ servers stop in the middle of a command (an illegal instruction as it
 *              arrives, a load outside their memory after pulling the block, a halt with half
 *              the block pushed back); each client gets the transport event "partner failed"
 *              instead of its answer, finds the pair closed and halts with 6; a fourth pair
 *              runs its 16 rounds beside them.
 *
 * The vTPM command in flight (the vTPM partition restarting in the middle of a command) is
 * test/system/vtpm.test.ts's.
 */
import { expect } from 'chai';
import { Run, run, show } from './helpers';

const BUILD = 'build/test/faults';
const CONFIGS = ['crq-fault'];
const MACHINES: ('pseries' | 'powernv9')[] = ['pseries', 'powernv9'];
/** crq-fault's pairs 0..2: the server's fault=N (lpar/configs/crq-fault.ts), its phase N mod 3. */
const FAULTS = [3, 4, 5];
const BLOCK = 65536;

function platformOf(machine: 'pseries' | 'powernv9'): string {
  return machine === 'pseries' ? 'pseries' : 'powernv';
}

/** Build every configuration for both platforms, two at a time; the failures' output. */
async function buildAll(): Promise<string[]> {
  const jobs: [string, string][] = [];
  for (const machine of MACHINES) for (const config of CONFIGS) jobs.push([config, platformOf(machine)]);
  const failures: string[] = [];
  const worker = async (): Promise<void> => {
    for (let job = jobs.shift(); job; job = jobs.shift()) {
      const [config, platform] = job;
      const b = await run('bash', ['scripts/build-image.sh', platform], { CONFIG: config, NAME: config, BUILD });
      if (b.status !== 0) failures.push(`build of ${config} for ${platform} failed:\n${show(b)}`);
    }
  };
  await Promise.all([worker(), worker()]);
  return failures;
}

function boot(config: string, machine: 'pseries' | 'powernv9'): Promise<Run> {
  return run('scripts/run-image.sh', [machine, `${BUILD}/${config}-${platformOf(machine)}.bin`], { QEMU_TIMEOUT: '120' });
}

/** The lines of `out` with prefix `[name] `, without the prefix. */
function linesOf(out: string, name: string): string[] {
  return out.split('\n').filter(l => l.startsWith(`[${name}] `)).map(l => l.slice(name.length + 3));
}

/** The number after `prefix` in the partition's line that starts with it (fails when there is none). */
function numberAfter(lines: string[], prefix: string): number {
  const l = lines.find(x => x.startsWith(prefix));
  expect(l, `'${prefix}' in\n${lines.join('\n')}`).to.not.equal(undefined);
  return Number(l!.slice(prefix.length));
}

/** The summary's page-pool line: free KiB after launch and at shutdown. */
function pool(out: string): [number, number] {
  const m = /^\[hv\] page pool: (\d+) KiB free after launch, (\d+) KiB free at shutdown$/m.exec(out);
  expect(m, 'the page-pool line').to.not.equal(null);
  return [Number(m![1]), Number(m![2])];
}

describe('faults in the middle of multi-step operations', function () {
  this.timeout(900_000);
  before(async function () {
    this.timeout(900_000);
    const failures = await buildAll();
    if (failures.length > 0) throw new Error(failures.join('\n'));
  });

  for (const machine of MACHINES) {
    describe(`on ${machine}`, function () {
      this.timeout(300_000);
      let crq: Run;
      before(async function () {
        this.timeout(300_000);
        crq = await boot('crq-fault', machine);
      });

      it('an unexpected interrupt in a test partition without a handler halts it with 0x10000 + vector (its program does not start again)', () => {
        const out = crq.stdout;
        expect(out, show(crq)).to.match(/\[hv\] {3}'server-0' halted, status 67328,/);   // 0x10700
        expect(linesOf(out, 'server-0').filter(l => l === 'server: CRQ ping-pong')).to.have.length(1);
      });

      it('CRQ message in flight: each client gets 0xFF/0x01 "partner failed" instead of its answer, the pair is closed, it halts with 6', () => {
        const out = crq.stdout;
        expect(out, show(crq)).to.match(/\[hv\] partition 'server-1' crashed: access outside its memory to 0x000000003fff0000/);
        expect(out).to.match(/\[hv\] {3}'server-1' crashed,/);
        expect(out).to.match(/\[hv\] {3}'server-2' halted, status 7,/);
        FAULTS.forEach((n, i) => {
          const client = linesOf(out, `client-${i}`);
          expect(linesOf(out, `server-${i}`), show(crq)).to.include(`server: injected fault in the middle of a command, phase ${n % 3}`);
          // the n-th command is round n-1: n-1 rounds answered, then the event
          const from = client.indexOf(`client: transport event in round ${n - 1}`);
          expect(from, `client-${i}: ${client.join('\n')}`).to.be.at.least(0);
          expect(client.slice(from, from + 8), `client-${i}`).to.deep.equal([
            `client: transport event in round ${n - 1}`, 'client:   format 1',
            `client: doublewords transformed before the event ${n % 3 === 2 ? BLOCK / 16 : 0}`,
            'client: send after the event, status 2', 'client: H_FREE_CRQ status 0', 'client: H_REG_CRQ again, status 2',
            'client: partner gone for good', `client: rounds answered ${n - 1}`]);
          expect(out).to.match(new RegExp(`\\[hv\\] {3}'client-${i}' halted, status 6,`));
        });
        expect(linesOf(out, 'server-2')).to.include('server: half of the block pushed back, status 0');
      });

      it('CRQ faults: the counters add up (messages, answers, RDMA bytes to the byte) and the page pool is as it was after launch', () => {
        const out = crq.stdout;
        FAULTS.forEach((n, i) => {
          // sent: init + n commands; answered: init + n-1; RDMA: n-1 pulls and pushes, the n-th pull (phases 1, 2), half a push (2)
          const rdma = 2 * (n - 1) * BLOCK + (n % 3 >= 1 ? BLOCK : 0) + (n % 3 === 2 ? BLOCK / 2 : 0);
          expect(out, show(crq)).to.contain(`[hv]   crq 'client-${i}' -> 'server-${i}': messages ${n + 1} sent, ${n} answered, rdma ${rdma} bytes, dropped 0, refused by the policy 0`);
        });
        const [launch, shutdown] = pool(out);
        expect(shutdown, 'page pool').to.equal(launch);
      });

      it('CRQ faults: the pair beside them runs its 16 rounds; QEMU exits 0', () => {
        const out = crq.stdout;
        expect(linesOf(out, 'client-3'), show(crq)).to.include.members(['client: rounds 16', 'client: failed rounds 0', 'client: checksums match, data transformed']);
        expect(linesOf(out, 'server-3')).to.include.members(['server: rounds served 16', 'server: failures 0']);
        expect(out).to.contain("[hv]   crq 'client-3' -> 'server-3': messages 18 sent, 17 answered, rdma 2097152 bytes, dropped 0, refused by the policy 0");
        expect(numberAfter(linesOf(out, 'client-3'), 'client: partner restarts survived ')).to.equal(0);
        expect(crq.status).to.equal(0);
      });
    });
  }
});
