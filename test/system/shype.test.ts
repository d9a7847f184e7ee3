/**
 * System test of sHype on pseries and powernv9: a Chinese Wall refuses a third partition (with a
 * console line naming the conflicting types and an audit record), and a partition whose hcall
 * class is denied gets H_AUTHORITY, leaving an audit record that a partition holding the audit
 * role reads through H_TSHYPE_AUDIT_READ.
 */
import { expect } from 'chai';
import { Run, run, show } from './helpers';

const BUILD = 'build/test/shype';
const MACHINES: ('pseries' | 'powernv9')[] = ['pseries', 'powernv9'];

async function boot(config: string, machine: 'pseries' | 'powernv9'): Promise<Run> {
  const platform = machine === 'pseries' ? 'pseries' : 'powernv';
  const b = await run('bash', ['scripts/build-image.sh', platform], { CONFIG: config, NAME: config, BUILD });
  if (b.status !== 0) throw new Error(`build of ${config} for ${machine} failed:\n${show(b)}`);
  return run('scripts/run-image.sh', [machine, `${BUILD}/${config}-${platform}.bin`], { QEMU_TIMEOUT: '120' });
}

for (const machine of MACHINES) {
  describe(`sHype on ${machine}`, function () {
    this.timeout(300_000);
    let wall: Run;
    let deny: Run;
    before(async function () {
      this.timeout(300_000);
      wall = await boot('wall', machine);
      deny = await boot('deny', machine);
    });

    it('Chinese Wall: the conflicting third partition is refused, naming the conflicting types', () => {
      expect(wall.stdout, show(wall)).to.contain("[hv] sHype: policy 'wall', 3 labels");
      expect(wall.stdout).to.match(/\[hv\] partition 'gamma' refused by the Chinese Wall: bank_b conflicts with running bank_a \(conflict set banks\), rule \d+/);
      expect(wall.stdout).to.not.contain("partition 'gamma' started");
      expect(wall.stdout).to.match(/'alpha' halted, status 0/);
      expect(wall.stdout).to.match(/'beta' halted, status 0/);
      expect(wall.stdout).to.match(/audit: gamma op 7 denied by rule \d+ \(line \d+: chinese wall: conflict banks bank_a bank_b\)/);
      expect(wall.status).to.equal(0);
    });

    it('hcall class denied: H_AUTHORITY for the partition, an audit record, read by the auditor', () => {
      expect(deny.stdout, show(deny)).to.match(/'beta' halted, status 10,/);   // -H_AUTHORITY
      expect(deny.stdout).to.match(/\[hv\] gate: \d+ allowed, 1 denied/);
      expect(deny.stdout).to.match(/audit: beta op 0 denied by rule \d+ \(line 11: hcalls deny beta HcallConsole\)/);
      expect(deny.stdout).to.contain('[alpha] audit read status: 0');
      expect(deny.stdout).to.contain('[alpha] audit records: 1');
      expect(deny.stdout).to.contain('[alpha] record op: 0');
      expect(deny.status).to.equal(0);
    });
  });
}
