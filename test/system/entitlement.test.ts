/**
 * System test of entitlements and accounting, on pseries (nested) and powernv9 (-bios):
 *
 *   capped     lpar/configs/entitle.ts: three partitions entitled to 20%, 30% and 50%, all
 *              capped, compute without an hcall for 10 s of wall time each. Their shares of the
 *              CPU time the hypervisor accounted (the `[hv] stats` lines of the summary, in
 *              timebase ticks) must be their entitlements, within 2 percentage points, and their
 *              shares of the work done (each counts its loops) within 5.
 *   uncapped   lpar/configs/entitle-uncapped.ts: a capped and an uncapped partition, both at 10%,
 *              compute for 4 s beside a 60% partition idling in H_CEDE: the uncapped one gets more
 *              than half of the processor, the capped one no more than its 10% (of its lifetime).
 *
 * The shares are printed in the test log. Wall time measured on the shared 2-core test machine:
 * each boot runs about 10 s (capped) and 5 s (uncapped); the builds take most of the rest.
 */
import { expect } from 'chai';
import { run, show, type Run } from './helpers';

const BUILD = 'build/test/entitlement';
const MACHINES: [string, string][] = [['pseries', 'pseries'], ['powernv9', 'powernv']];

/** One `[hv] stats` line, parsed. */
interface Stats { entitled: number; capped: boolean; cpu: number; life: number; processorCalls: number }

/** The `[hv] stats` lines of a run, by partition name. */
function stats(out: string): Map<string, Stats> {
  const m = new Map<string, Stats>();
  const re = /^\[hv\] stats '([a-z0-9-]+)': entitled (\d+)% (capped|uncapped weight \d+), cpu (\d+) of (\d+) ticks \([0-9.]+%\), hcalls console \d+ processor (\d+) /gm;
  for (let r = re.exec(out); r; r = re.exec(out)) {
    m.set(r[1], { entitled: Number(r[2]), capped: r[3] === 'capped', cpu: Number(r[4]), life: Number(r[5]), processorCalls: Number(r[6]) });
  }
  return m;
}

/**
 * The spinners' own measure, for the log: each partition's share of all the loops they counted
 * (the same loop in each, so in proportion to the processor each got, give or take how fast QEMU
 * ran at the time).
 */
function loopShares(out: string): Map<string, number> {
  const loops = [...out.matchAll(/^\[(spin-\d+)\] loops (\d+)$/gm)].map(m => [m[1], Number(m[2])] as const).sort();
  const total = loops.reduce((n, [, l]) => n + l, 0);
  return new Map(loops.map(([name, l]) => [name, (100 * l) / total]));
}

/** Build configuration `config` for `image` (pseries or powernv) and boot it on `machine`. */
async function boot(config: string, image: string, machine: string): Promise<Run> {
  const b = await run('bash', ['scripts/build-image.sh', image], { CONFIG: config, NAME: config, BUILD });
  if (b.status !== 0) throw new Error(`build of ${config} for ${image} failed:\n${show(b)}`);
  return run('scripts/run-image.sh', [machine, `${BUILD}/${config}-${image}.bin`], { QEMU_TIMEOUT: '90' });
}

describe('entitlements and accounting (capped, uncapped)', function () {
  this.timeout(600_000);

  for (const [machine, image] of MACHINES) {
    it(`${machine}: three capped partitions at 20/30/50% spinning for 10 s get their entitlements (±2 points of the accounted CPU time)`, async () => {
      const t0 = Date.now();
      const r = await boot('entitle', image, machine);
      const s = stats(r.stdout);
      expect(r.status, show(r)).to.equal(0);
      expect([...s.keys()], show(r)).to.deep.equal(['spin-20', 'spin-30', 'spin-50']);
      const total = [...s.values()].reduce((n, x) => n + x.cpu, 0);
      const loops = loopShares(r.stdout);
      const shares = [...s.entries()].map(([name, x]) => ({ name, entitled: x.entitled, share: (100 * x.cpu) / total }));
      console.log(`      ${machine} capped shares of ${(total / 512e6).toFixed(2)} s accounted: ` +
        shares.map(x => `${x.name} ${x.share.toFixed(2)}% (entitled ${x.entitled}%)`).join(', ') +
        `; by the partitions' own loop counts ${[...loops].map(([n, l]) => `${n} ${l.toFixed(1)}%`).join(', ')}` +
        `; test ${((Date.now() - t0) / 1000).toFixed(0)} s`);
      for (const x of shares) expect(x.share, `${x.name}: ${x.share.toFixed(2)}%`).to.be.within(x.entitled - 2, x.entitled + 2);
      // the work each got, by its own count: the accounting is not just agreeing with itself (a
      // looser bound: QEMU's speed varies with the load on the host)
      for (const x of shares) expect(loops.get(x.name), `${x.name} loops`).to.be.within(x.entitled - 5, x.entitled + 5);
      for (const x of s.values()) expect(x.life / 512e6, 'each ran for its 10 s').to.be.within(10, 11);
      for (const name of s.keys()) expect(r.stdout).to.match(new RegExp(`\\[hv\\] {3}'${name}' halted, status 0,`));
    });

    it(`${machine}: an uncapped partition takes the time a ceding one leaves; a capped one beside it stays at its 10%`, async () => {
      const r = await boot('entitle-uncapped', image, machine);
      const s = stats(r.stdout);
      expect(r.status, show(r)).to.equal(0);
      const capped = s.get('capped'), uncapped = s.get('uncapped'), idle = s.get('idle');
      expect(capped && uncapped && idle, show(r)).to.not.equal(undefined);
      const of = (x: Stats): number => (100 * x.cpu) / x.life;
      console.log(`      ${machine} shares of their lifetimes: capped ${of(capped!).toFixed(2)}% (entitled 10%), ` +
        `uncapped ${of(uncapped!).toFixed(2)}% (entitled 10%), idle ${of(idle!).toFixed(2)}% (entitled 60%, ceding)`);
      expect(uncapped!.capped).to.equal(false);
      expect(of(uncapped!), 'uncapped: well past its entitlement').to.be.above(50);
      expect(of(capped!), 'capped: not past its entitlement').to.be.at.most(10.5);
      expect(of(capped!), 'capped: but it gets it').to.be.above(7);
      expect(idle!.processorCalls, 'the idle partition ceded (H_CEDE is a processor-class hcall)').to.be.above(100);
      expect(of(idle!), 'and used little of its 60%').to.be.below(20);
    });
  }
});
