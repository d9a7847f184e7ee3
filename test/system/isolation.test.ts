/**
 * System test of partition isolation (issue 9): the isolation configuration's two attackers
 * (lpar/guests/isolation.ts) on pseries and powernv9. Each reads every register it can touch
 * (VSRs, FPSCR, VSCR, the SPR table of arch/ppc64/guest/state.S, the SLB, DEC) at its start and
 * after every switch and compares it with the reset values or its own pattern, then makes
 * hcalls from problem state; the hypervisor sums their H_TSHYPE_REPORTs into one line
 * `[hv] isolation: N checks, M leaks` and fails the run when M > 0.
 *
 * On a hypervisor that does not switch the whole architected state these tests fail, and the
 * failure messages list what leaked.
 */
import { expect } from 'chai';
import { Run, run, show } from './helpers';

const BUILD = 'build/test/isolation';
const ATTACKERS = ['iso-a', 'iso-b'];
/** Registers compared per pass: 64 VSRs, FPSCR, VSCR, 49 SPRs, 32 SLB entries, DEC. */
const REGISTERS = 148;

/** Build the isolation configuration for `machine` and boot it. */
async function bootIsolation(machine: 'pseries' | 'powernv9'): Promise<Run> {
  const platform = machine === 'pseries' ? 'pseries' : 'powernv';
  const b = await run('bash', ['scripts/build-image.sh', platform], { CONFIG: 'isolation', NAME: 'isolation', BUILD });
  if (b.status !== 0) throw new Error(`build of the isolation configuration for ${platform} failed:\n${show(b)}`);
  return run('scripts/run-image.sh', [machine, `${BUILD}/isolation-${platform}.bin`], { QEMU_TIMEOUT: '120' });
}

/** The console lines of `r` that match `re`. */
function lines(r: Run, re: RegExp): string[] {
  return r.stdout.split('\n').filter(l => re.test(l));
}

/** The leak lines, at most 60 of them, for failure messages. */
function leakList(r: Run): string {
  const leaks = lines(r, /^\[[a-z-]+\] leak: /);
  const more = leaks.length > 60 ? `\n... and ${leaks.length - 60} more` : '';
  return `${leaks.length} leak lines:\n${leaks.slice(0, 60).join('\n')}${more}`;
}

/** [N, M] of the hypervisor's `[hv] isolation: N checks, M leaks` line, or null. */
function hvTotals(r: Run): [number, number] | null {
  const m = /^\[hv\] isolation: (\d+) checks, (\d+) leaks$/m.exec(r.stdout);
  return m ? [Number(m[1]), Number(m[2])] : null;
}

for (const machine of ['pseries', 'powernv9'] as const) {
  describe(`isolation attackers on ${machine}`, function () {
    this.timeout(600_000);
    let r: Run;

    before(async function () {
      this.timeout(600_000);
      r = await bootIsolation(machine);
    });

    it('H_TSHYPE_REPORT: the summary ends with one line summing the attackers\' checks, 0 leaks', () => {
      const hv = lines(r, /^\[hv\] /).filter(l => !l.startsWith('[hv] PANIC'));
      expect(lines(r, /^\[hv\] isolation: /), show(r)).to.have.length(1);
      expect(hv[hv.length - 1], leakList(r)).to.match(/^\[hv\] isolation: \d+ checks, 0 leaks$/);
    });

    it('isolation: no attacker sees another partition\'s register values or loses its own', () => {
      expect(lines(r, /^\[[a-z-]+\] leak: /), leakList(r)).to.deep.equal([]);
    });

    it(`isolation: each attacker compares all ${REGISTERS} registers in every pass and reports every check`, () => {
      let checks = 0, leaks = 0;
      for (const name of ATTACKERS) {
        const m = new RegExp(`^\\[${name}\\] isolation: (\\d+) registers, (\\d+) passes, (\\d+) checks, (\\d+) leaks$`, 'm').exec(r.stdout);
        expect(m, `${name} printed no totals (halted by a problem-state H_TSHYPE_HALT?)\n${show(r)}`).to.not.equal(null);
        const [registers, passes, c, l] = m!.slice(1).map(Number);
        expect(registers, name).to.be.at.least(REGISTERS);
        expect(passes, name).to.be.at.least(4);
        expect(c, name).to.be.at.least(registers * passes);
        checks += c;
        leaks += l;
      }
      expect(hvTotals(r), 'the hypervisor counts exactly what the attackers reported').to.deep.equal([checks, leaks]);
    });

    it('problem state: hcalls are refused with H_PRIVILEGE and change nothing', () => {
      expect(r.stdout, 'a problem-state H_PUT_TERM_CHAR printed').to.not.contain('PR HCALL RAN');
      expect(lines(r, /leak: problem-state /)).to.deep.equal([]);
      expect(r.stdout, 'a problem-state H_TSHYPE_HALT halted a partition').to.not.match(/halted, status 2989/);
    });

    it('isolation: both attackers halt with status 0 and QEMU exits 0', () => {
      for (const name of ATTACKERS) expect(r.stdout, leakList(r)).to.match(new RegExp(`\\[hv\\] {3}'${name}' halted, status 0,`));
      expect(r.stdout).to.not.contain('[hv] PANIC');
      expect(r.status, show(r)).to.equal(0);
    });

    it('H_TSHYPE_REPORT: the run fails exactly when an attacker reported a leak', () => {
      const totals = hvTotals(r);
      expect(totals, show(r)).to.not.equal(null);
      const failed = r.stdout.includes('[hv] PANIC: exit status 2');
      expect(failed, `leaks ${totals![1]}, panic marker ${failed}`).to.equal(totals![1] > 0);
      // pseries: ibm,os-term makes QEMU exit 1; powernv has no failing power-off, only the marker
      if (machine === 'pseries') expect(r.status, show(r)).to.equal(totals![1] > 0 ? 1 : 0);
      else expect(r.status, show(r)).to.equal(0);
    });
  });
}
