/**
 * System test of virtual I/O between test partitions, on pseries and powernv9:
 *
 *   crq       a CRQ pair (lpar/configs/crq.ts): the client sends 16 commands naming a 64 KiB
 *             block in its DMA window; the server pulls it with H_COPY_RDMA, checksums and
 *             transforms it and pushes it back; both halt with 0, and the summary's crq line
 *             counts the messages and the RDMA bytes (2 x 16 x 64 KiB);
 *   crq-deny  the same pair under a policy whose labels share no type: the channel never opens
 *             (the client gives up, status 3; the server hears nothing, status 3) and the
 *             OpenChannel denial is audited once;
 *   lan-ts    three partitions on one logical-LAN segment sending broadcast and unicast frames;
 *             the policy denies every frame to and from lan-c: lan-a and lan-b receive each
 *             other's 16 frames and none of lan-c's, lan-c receives nothing, the port lines count
 *             the denials and the audit log holds one SendFrame denial per pair of ports.
 *
 * All six images are built once, two at a time, before the runs (a run takes about a second).
 */
import { expect } from 'chai';
import { Run, run, show } from './helpers';

const BUILD = 'build/test/vio';
const CONFIGS = ['crq', 'crq-deny', 'lan-ts'];
const MACHINES: ('pseries' | 'powernv9')[] = ['pseries', 'powernv9'];

function platformOf(machine: 'pseries' | 'powernv9'): string {
  return machine === 'pseries' ? 'pseries' : 'powernv';
}

/** Build every configuration for both platforms, `parallel` builds at a time; the failures' output. */
async function buildAll(parallel: number): Promise<string[]> {
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
  await Promise.all(Array.from({ length: parallel }, worker));
  return failures;
}

function boot(config: string, machine: 'pseries' | 'powernv9'): Promise<Run> {
  return run('scripts/run-image.sh', [machine, `${BUILD}/${config}-${platformOf(machine)}.bin`], { QEMU_TIMEOUT: '120' });
}

/** The lines of `out` with prefix `[name] `, without the prefix. */
function linesOf(out: string, name: string): string[] {
  return out.split('\n').filter(l => l.startsWith(`[${name}] `)).map(l => l.slice(name.length + 3));
}

/** The summary's audit lines. */
function auditLines(out: string): string[] {
  return out.split('\n').filter(l => l.startsWith('[hv]   audit: '));
}

describe('virtual I/O between test partitions', function () {
  this.timeout(900_000);
  before(async function () {
    this.timeout(900_000);
    const failures = await buildAll(2);
    if (failures.length > 0) throw new Error(failures.join('\n'));
  });

  for (const machine of MACHINES) {
    describe(`on ${machine}`, function () {
      this.timeout(300_000);
      let crq: Run;
      let crqDeny: Run;
      let lan: Run;
      before(async function () {
        this.timeout(300_000);
        crq = await boot('crq', machine);
        crqDeny = await boot('crq-deny', machine);
        lan = await boot('lan-ts', machine);
      });

      it('CRQ: 16 rounds of a 64 KiB block pulled and pushed back with H_COPY_RDMA, checksums agree', () => {
        const out = crq.stdout;
        expect(linesOf(out, 'client'), show(crq)).to.include.members([
          'client: connected', 'client: rounds 16', 'client: failed rounds 0', 'client: checksums match, data transformed']);
        expect(linesOf(out, 'server')).to.include.members([
          'server: client initialised', 'server: rounds served 16', 'server: failures 0']);
        // whichever end registers second connects the pair: one H_REG_CRQ is H_SUCCESS, the other H_CLOSED
        const reg = (name: string): string => linesOf(out, name).filter(l => l.startsWith(`${name}: H_REG_CRQ status `)).join();
        expect([reg('client').slice(-1), reg('server').slice(-1)].sort()).to.deep.equal(['0', '2']);
        expect(out).to.match(/\[hv\] {3}'client' halted, status 0,/);
        expect(out).to.match(/\[hv\] {3}'server' halted, status 0,/);
        // init + 16 commands + finish sent; init answer + 16 answers; 2 x 16 x 64 KiB moved
        expect(out).to.contain("[hv]   crq 'client' -> 'server': messages 18 sent, 17 answered, rdma 2097152 bytes, dropped 0, refused by the policy 0");
        expect(auditLines(out)).to.deep.equal([]);
        expect(crq.status).to.equal(0);
      });

      it('CRQ denied by the policy: H_CLOSED until the client gives up, the OpenChannel denial audited', () => {
        const out = crqDeny.stdout;
        expect(out, show(crqDeny)).to.contain("[hv] sHype: policy 'crqdeny', 2 labels");
        expect(linesOf(out, 'client')).to.include.members([
          'client: H_REG_CRQ status 2', 'client: channel closed, gave up after tries: 1000']);
        expect(linesOf(out, 'client')).to.not.include('client: connected');
        expect(linesOf(out, 'server')).to.include.members(['server: H_REG_CRQ status 2', 'server: no client message']);
        expect(out).to.match(/\[hv\] {3}'client' halted, status 3,/);
        expect(out).to.match(/\[hv\] {3}'server' halted, status 3,/);
        expect(out).to.contain("[hv]   crq 'client' -> 'server': messages 0 sent, 0 answered, rdma 0 bytes, dropped 0, refused by the policy 1");
        expect(auditLines(out)).to.deep.equal([
          '[hv]   audit: client op 11 on server denied by rule 4 (line 4: ste: subject and object labels have no common type)']);
        expect(crqDeny.status).to.equal(0);
      });

      it('LAN: lan-a and lan-b exchange broadcast and unicast frames; lan-c is cut off by SendFrame denials', () => {
        const out = lan.stdout;
        expect(out, show(lan)).to.contain("[hv] sHype: policy 'lan', 3 labels");
        const a = linesOf(out, 'lan-a'), b = linesOf(out, 'lan-b'), c = linesOf(out, 'lan-c');
        expect(a).to.include.members([
          'lan: station 1', 'lan: sent 24', 'lan: sent delivered 16', 'lan: sent dropped 8',
          'lan: from station 2, broadcast frames 8', 'lan: from station 2, unicast frames 8',
          'lan: from station 3, broadcast frames 0', 'lan: from station 3, unicast frames 0',
          'lan: frames received 16', 'lan: bad frames 0']);
        expect(b).to.include.members([
          'lan: station 2', 'lan: sent 24', 'lan: sent delivered 16', 'lan: sent dropped 8',
          'lan: from station 1, broadcast frames 8', 'lan: from station 1, unicast frames 8',
          'lan: from station 3, broadcast frames 0', 'lan: from station 3, unicast frames 0',
          'lan: frames received 16', 'lan: bad frames 0']);
        expect(c).to.include.members([
          'lan: station 3', 'lan: sent 24', 'lan: sent delivered 0', 'lan: sent dropped 24',
          'lan: frames received 0', 'lan: bad frames 0']);
        for (const name of ['lan-a', 'lan-b', 'lan-c']) expect(out).to.match(new RegExp(`\\[hv\\] {3}'${name}' halted, status 0,`));
        // denials are counted at the receiving port, once per frame refused it
        expect(out).to.contain("[hv]   lan lan0 port 'lan-a' 020000000001: sent 24 frames 1920 bytes, received 16 frames 1280 bytes, dropped: denied 16 no-buffer 0 closed 0");
        expect(out).to.contain("[hv]   lan lan0 port 'lan-b' 020000000002: sent 24 frames 1920 bytes, received 16 frames 1280 bytes, dropped: denied 16 no-buffer 0 closed 0");
        expect(out).to.contain("[hv]   lan lan0 port 'lan-c' 020000000003: sent 24 frames 1920 bytes, received 0 frames 0 bytes, dropped: denied 32 no-buffer 0 closed 0");
        // every pair of ports with lan-c is audited, but not every frame: at most one record per pair a second
        const audit = new Set(auditLines(out).map(l => l.replace(/ denied by .*/, '')));
        expect([...audit].sort()).to.deep.equal([
          '[hv]   audit: lan-a op 12 on lan-c', '[hv]   audit: lan-b op 12 on lan-c',
          '[hv]   audit: lan-c op 12 on lan-a', '[hv]   audit: lan-c op 12 on lan-b']);
        const records = Number(/audit log (\d+) records/.exec(out)?.[1] ?? -1);
        expect(records).to.be.within(4, 8);   // 64 denials in well under a second of guest time
        expect(auditLines(out)[0]).to.contain('(line 5: ste: subject and object labels have no common type)');
        expect(lan.status).to.equal(0);
      });
    });
  }
});
