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
    });
  }
});
