/**
 * System test of the hcall fuzzer (lpar/configs/fuzz.ts, docs/fuzzing.md): 50,000 seeded random
 * and mutated hcalls from lpar/guests/fuzzer.ts beside two victims (lpar/guests/victim.ts) on
 * pseries and powernv9. The hypervisor checks its invariants while they run and at the end
 * (hv/fuzz-check.ts) and prints `[hv] fuzz: N hcalls, C crashes, V invariant violations`;
 * nothing may crash, no invariant may be violated, and the victims must have found their
 * memory as they left it. `make fuzz` runs the same with 1,000,000 calls (fuzz-long).
 */
import { expect } from 'chai';
import { Run, run, show } from './helpers';

const BUILD = 'build/test/fuzz';
/** The fuzzed calls of lpar/configs/fuzz.ts. */
const CALLS = 50000;

/** Build the fuzz configuration for `machine` and boot it. */
async function bootFuzz(machine: 'pseries' | 'powernv9'): Promise<Run> {
  const platform = machine === 'pseries' ? 'pseries' : 'powernv';
  const b = await run('bash', ['scripts/build-image.sh', platform], { CONFIG: 'fuzz', NAME: 'fuzz', BUILD });
  if (b.status !== 0) throw new Error(`build of the fuzz configuration for ${platform} failed:\n${show(b)}`);
  return run('scripts/run-image.sh', [machine, `${BUILD}/fuzz-${platform}.bin`], { QEMU_TIMEOUT: '480' });
}

/** The console lines of `r` that match `re`. */
function lines(r: Run, re: RegExp): string[] {
  return r.stdout.split('\n').filter(l => re.test(l));
}

for (const machine of ['pseries', 'powernv9'] as const) {
  describe(`hcall fuzzer on ${machine}`, function () {
    this.timeout(600_000);
    let r: Run;

    before(async function () {
      this.timeout(600_000);
      r = await bootFuzz(machine);
    });

    it('fuzz: one verdict line, at least 50,000 hcalls, 0 crashes, 0 invariant violations', () => {
      const verdict = lines(r, /^\[hv\] fuzz: \d+ hcalls, /);
      expect(verdict, show(r)).to.have.length(1);
      const m = /^\[hv\] fuzz: (\d+) hcalls, (\d+) crashes, (\d+) invariant violations$/.exec(verdict[0]);
      expect(m, verdict[0]).to.not.equal(null);
      expect(Number(m![1]), verdict[0]).to.be.at.least(CALLS);
      expect(verdict[0], lines(r, /^\[(hv|fuzzer|victim-[ab])\] (fuzz|victim)/).join('\n')).to.match(/, 0 crashes, 0 invariant violations$/);
    });

    it('fuzz: the fuzzer prints its seed and finishes every call', () => {
      expect(lines(r, /^\[fuzzer\] fuzz: seed \d+, 50000 calls/), show(r)).to.have.length(1);
      expect(lines(r, /^\[fuzzer\] fuzz: done: seed \d+, 50000 fuzzed hcalls/), show(r)).to.have.length(1);
      expect(lines(r, /CRASH/), show(r)).to.have.length(0);
    });

    it('fuzz: both victims finish when the fuzzer is done, with no word of their memory changed', () => {
      const done = lines(r, /^\[victim-[ab]\] victim: done: \d+ chunks checked, 0 mismatches, \d+ CRQ entries received$/);
      expect(done, show(r)).to.have.length(2);
      expect(lines(r, /^\[hv\] isolation: \d+ checks, 0 leaks$/), show(r)).to.have.length(1);
    });

    it('fuzz: the run ends cleanly (status 0, no hypervisor panic)', () => {
      expect(lines(r, /PANIC/), show(r)).to.have.length(0);
      expect(r.status, show(r)).to.equal(0);
    });
  });
}
