/**
 * System test of hashed page tables (issue 13, powernv only): the HPT test partition
 * (lpar/guests/hpttest.ts, configuration `hpt`) runs in HPT mode on powernv9 beside a radix
 * partition, enters, reads, protects, removes and bulk-removes mappings, touches memory through
 * its own SLB entries, checks every error path natively and reports no failure; the same
 * configuration is refused for pseries at build time, naming the partition and the reason.
 */
import { expect } from 'chai';
import { Run, run, show } from './helpers';

const BUILD = 'build/test/hpt';

describe('hashed page tables on powernv9', function () {
  this.timeout(600_000);
  let r: Run;

  before(async function () {
    this.timeout(600_000);
    const b = await run('bash', ['scripts/build-image.sh', 'powernv'], { CONFIG: 'hpt', NAME: 'hpt', BUILD });
    if (b.status !== 0) throw new Error(`build of the hpt configuration failed:\n${show(b)}`);
    r = await run('scripts/run-image.sh', ['powernv9', `${BUILD}/hpt-powernv.bin`], { QEMU_TIMEOUT: '120' });
  });

  it('hpttest: every HPT call and error path checked natively, none failed; the radix partition finishes too', () => {
    const m = /^\[hash\] hpt: checks (\d+)$/m.exec(r.stdout);
    expect(m, show(r)).to.not.equal(null);
    expect(Number(m![1])).to.be.greaterThan(50);
    expect(r.stdout, show(r)).to.match(/^\[hash\] hpt: failures 0$/m);
    expect(r.stdout).to.match(/^\[hash\] hpt: HPT size log2 \d+$/m);
    expect(r.stdout).to.match(/\[hv\] {3}'hash' halted, status 0, hcalls \d+/);
    expect(r.stdout).to.match(/\[hv\] {3}'alpha' halted, status 0, hcalls \d+/);
    expect(r.status, show(r)).to.equal(0);
  });

  it('pseries: a partition with hpt = true is refused at build time, naming it and why', async () => {
    const b = await run('bash', ['scripts/build-image.sh', 'pseries'], { CONFIG: 'hpt', NAME: 'hpt-pseries', BUILD });
    expect(b.status, show(b)).to.not.equal(0);
    expect(b.stderr).to.match(/lpar\/configs\/hpt\.ts:\d+: partition 'hash': hpt \(hashed page tables\) runs on powernv only/);
  });
});
