/**
 * System test of partitions on QEMU pseries (nested KVM-HV): the default configuration's two
 * partitions print and halt and QEMU exits 0; the fault configuration's illegal-instruction,
 * trespassing and runaway partitions are stopped and reported while the others finish; a broken
 * configuration is refused at build time; the image packs into a flash image that verifies,
 * and a corrupted copy is refused. The default configuration boots with a host time far from
 * today (-rtc base, test/system/clock.ts): the hcall tour's time of day must be that time.
 */
import { expect } from 'chai';
import * as fs from 'fs';
import * as path from 'path';
import { Run, TOP, run, show } from './helpers';
import { RTC_BASE_SECONDS, RTC_OPTION, TimedRun, expectDefaultClocks, timedRun } from './clock';

const BUILD = 'build/test/partitions';

/** Build the pseries image of a configuration under its own name and boot it (more QEMU options: `extra`). */
async function bootConfig(config: string, extra = ''): Promise<TimedRun> {
  const env = { CONFIG: config, NAME: config, BUILD };
  const b = await run('bash', ['scripts/build-image.sh', 'pseries'], env);
  if (b.status !== 0) throw new Error(`build of ${config} failed:\n${show(b)}`);
  return timedRun('scripts/run-image.sh', ['pseries', `${BUILD}/${config}-pseries.bin`], { QEMU_TIMEOUT: '120', QEMU_EXTRA: extra });
}

/** The lines of `out` with prefix `[name] `, without the prefix. */
function linesOf(out: string, name: string): string[] {
  return out.split('\n').filter(l => l.startsWith(`[${name}] `)).map(l => l.slice(name.length + 3));
}

describe('partitions on pseries (nested)', function () {
  this.timeout(300_000);
  let defaultRun: TimedRun;
  let faultsRun: Run;

  before(async function () {
    this.timeout(300_000);
    defaultRun = await bootConfig('default', RTC_OPTION);
    faultsRun = await bootConfig('faults');
  });

  it('default: both partitions print their lines with their prefix and halt; QEMU exits 0', () => {
    const out = defaultRun.stdout;
    expect(linesOf(out, 'alpha'), show(defaultRun)).to.deep.equal([
      'hello from a tshype partition', 'device tree magic check: 1', '1 + 2 + ... + 100 = 5050', 'goodbye']);
    expect(linesOf(out, 'beta')).to.include.members(['hcall tour', 'checks: 36', 'failures: 0']);
    expect(out).to.match(/\[hv\] {3}'alpha' halted, status 0, hcalls \d+/);
    expect(out).to.match(/\[hv\] {3}'beta' halted, status 0, hcalls \d+/);
    expect(defaultRun.status, show(defaultRun)).to.equal(0);
  });

  it('default: RTAS get-time-of-day answers the host time QEMU was given (L0\'s RTAS), set-time-of-day moves it', () => {
    expectDefaultClocks(defaultRun, RTC_BASE_SECONDS);
  });

  it('default: every line on the console is the hypervisor\'s or a partition\'s, prefixed', () => {
    const lines = defaultRun.stdout.split('\n').filter(l => l.length > 0);
    for (const l of lines) expect(l).to.match(/^\[(hv|alpha|beta)\] /);
  });

  it('faults: an illegal instruction gives the partition its program interrupt (0x700, SRR1 illegal)', () => {
    expect(faultsRun.stdout, show(faultsRun)).to.match(/\[hv\]   'illegal' halted, status 1792,/);
    expect(linesOf(faultsRun.stdout, 'illegal')).to.deep.equal(['about to execute an illegal instruction', 'program interrupt: illegal instruction']);
  });

  it('faults: an access outside the partition stops it with the address, vector 0xe00', () => {
    expect(faultsRun.stdout).to.contain("[hv] partition 'trespass' crashed: access outside its memory to 0x000000003fff0000");
    expect(faultsRun.stdout).to.match(/'trespass' crashed: .* \(vector 0xe00\)/);
    expect(linesOf(faultsRun.stdout, 'trespass')).to.deep.equal(['reading outside my partition']);
  });

  it('faults: the runaway partition is preempted (others finish) and stopped at its CPU time limit', () => {
    const out = faultsRun.stdout;
    expect(out).to.match(/\[hv\] partition 'runaway' stopped: CPU time limit reached .*\(vector 0x980\)/);
    const stopped = out.indexOf("partition 'runaway' stopped");
    expect(out.indexOf('[hello] goodbye'), 'hello finished while runaway spun').to.be.within(0, stopped);
    expect(out.indexOf('[tour] failures: 0'), 'tour finished while runaway spun').to.be.within(0, stopped);
    const exits = /'runaway' stopped at its time limit, hcalls \d+, exits (\d+)/.exec(out);
    expect(exits, show(faultsRun)).to.not.equal(null);
    expect(Number(exits![1]), 'preempted by the HDEC many times').to.be.greaterThan(10);
  });

  it('faults: the well-behaved partitions halt with status 0 and QEMU exits 0', () => {
    expect(faultsRun.stdout).to.match(/'hello' halted, status 0/);
    expect(faultsRun.stdout).to.match(/'tour' halted, status 0/);
    expect(faultsRun.status, show(faultsRun)).to.equal(0);
  });

  it('hypervisor trap: an interrupt of tshype itself is reported and QEMU exits 1', async () => {
    const env = { ROOT: 'test/system/roots/hv-trap.ts', NAME: 'hvtrap', BUILD };
    const b = await run('bash', ['scripts/build-image.sh', 'pseries'], env);
    expect(b.status, show(b)).to.equal(0);
    const r = await run('scripts/run-image.sh', ['pseries', `${BUILD}/hvtrap-pseries.bin`]);
    expect(r.stdout, show(r)).to.match(/^\[hv\] hypervisor trap test on pseries\n\[hv\] PANIC: hypervisor interrupt 0x700 at 0x[0-9a-f]{16} \(MSR 0x[0-9a-f]{16}\)\n/);
    expect(r.status, show(r)).to.equal(1);
  });

  it('build: an invalid configuration is refused with file:line: message and nothing is built', async () => {
    const file = path.join(TOP, 'lpar/configs/zz-test-broken.ts');
    fs.writeFileSync(file, "import { Program, SystemConfig } from '../config';\nexport const system = new SystemConfig('broken');\nsystem.add('one', Program.Hello, 32, 50);\nsystem.add('one', Program.Hello, 32, 50);\n");
    try {
      const r = await run('bash', ['scripts/build-image.sh', 'pseries'], { CONFIG: 'zz-test-broken', NAME: 'broken', BUILD });
      expect(r.status).to.not.equal(0);
      expect(r.stderr).to.contain("lpar/configs/zz-test-broken.ts:4: duplicate partition name 'one' (partition 1 has it too)");
      expect(fs.existsSync(path.join(TOP, BUILD, 'broken-pseries.bin'))).to.equal(false);
    } finally {
      fs.rmSync(file, { force: true });
    }
  });

  it('flash: the image packs into a flash image that verifies; a corrupted copy is refused', async () => {
    const bin = `${BUILD}/default-pseries.bin`, flash = `${BUILD}/default-pseries.flash`, bad = `${BUILD}/bad.flash`;
    const pack = await run('node', ['scripts/flash/tshype-flash.cjs', 'pack', '--machine', 'pseries', '--kind', 'bios', '--in', bin, '--out', flash]);
    expect(pack.status, show(pack)).to.equal(0);
    const ok = await run('node', ['scripts/flash/tshype-flash.cjs', 'verify', '--machine', 'pseries', flash]);
    expect(ok.status, show(ok)).to.equal(0);
    expect(ok.stdout).to.contain('OK: image verified');
    const bytes = fs.readFileSync(path.join(TOP, flash));
    bytes[bytes.length - 100] ^= 0x10;
    fs.writeFileSync(path.join(TOP, bad), bytes);
    const refused = await run('node', ['scripts/flash/tshype-flash.cjs', 'verify', bad]);
    expect(refused.status).to.equal(5);
    expect(refused.stderr + refused.stdout).to.match(/SHA-256 mismatch/);
  });
});
