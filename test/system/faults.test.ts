/**
 * Partitions stopped in the middle of a multi-step operation (docs/robustness.md), on pseries and
 * powernv9. After each, the partners must see the documented error, nothing may leak (channel
 * and port state closed again, the page pool as it was after launch, counters that add up) and
 * the other partitions must finish normally.
 *
 *   io-fault   (lpar/configs/io-fault.ts) two CRQ servers stop in the middle of a command (a
 *              load outside their memory after pulling the block; a halt with half the block
 *              pushed back): each client gets the transport event "partner failed" instead of
 *              its answer, finds the pair closed and halts with 6. On a LAN segment, lan-c
 *              crashes (an illegal instruction) with frames queued and buffers posted: the
 *              frames sent to it afterwards are dropped and counted as closed, unicast ones
 *              answered H_DROPPED; lan-a and lan-b get all of each other's frames and finish.
 *
 * The vTPM command in flight (the vTPM partition restarting in the middle of a command) is
 * test/system/vtpm.test.ts's.
 */
import { expect } from 'chai';
import { Run, run, show } from './helpers';

const BUILD = 'build/test/faults';
const CONFIGS = ['io-fault'];
const MACHINES: ('pseries' | 'powernv9')[] = ['pseries', 'powernv9'];
/** io-fault's CRQ pairs k = 1, 2: server-k's fault=N (lpar/configs/io-fault.ts), its phase N mod 3. */
const FAULTS: [number, number][] = [[1, 4], [2, 5]];
/** The LAN stations' frames=F: F broadcast frames and F unicast frames to each peer. */
const FRAMES = 16;
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

/** The number that is the rest of the partition's line starting with `prefix` (fails when there is none). */
function numberAfter(lines: string[], prefix: string): number {
  const l = lines.find(x => x.startsWith(prefix) && /^-?\d+$/.test(x.slice(prefix.length)));
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
      let io: Run;
      before(async function () {
        this.timeout(300_000);
        io = await boot('io-fault', machine);
      });

      it('an unexpected interrupt in a test partition without a handler halts it with 0x10000 + vector (its program does not start again)', () => {
        const out = io.stdout;
        expect(out, show(io)).to.match(/\[hv\] {3}'lan-c' halted, status 67328,/);   // 0x10700
        expect(linesOf(out, 'lan-c').filter(l => l === 'lan: station 3')).to.have.length(1);
      });

      it('CRQ message in flight: each client gets 0xFF/0x01 "partner failed" instead of its answer, the pair is closed, it halts with 6', () => {
        const out = io.stdout;
        expect(out, show(io)).to.match(/\[hv\] partition 'server-1' crashed: access outside its memory to 0x000000003fff0000/);
        expect(out).to.match(/\[hv\] {3}'server-1' crashed,/);
        expect(out).to.match(/\[hv\] {3}'server-2' halted, status 7,/);
        FAULTS.forEach(([i, n]) => {
          const client = linesOf(out, `client-${i}`);
          expect(linesOf(out, `server-${i}`), show(io)).to.include(`server: injected fault in the middle of a command, phase ${n % 3}`);
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
        const out = io.stdout;
        FAULTS.forEach(([i, n]) => {
          // sent: init + n commands; answered: init + n-1; RDMA: n-1 pulls and pushes, the n-th pull (phases 1, 2), half a push (2)
          const rdma = 2 * (n - 1) * BLOCK + (n % 3 >= 1 ? BLOCK : 0) + (n % 3 === 2 ? BLOCK / 2 : 0);
          expect(out, show(io)).to.contain(`[hv]   crq 'client-${i}' -> 'server-${i}': messages ${n + 1} sent, ${n} answered, rdma ${rdma} bytes, dropped 0, refused by the policy 0`);
        });
        const [launch, shutdown] = pool(out);
        expect(shutdown, 'page pool').to.equal(launch);
      });

      it('LAN frames queued: lan-c crashes with frames in its queue; frames to it are dropped as closed, unicast ones H_DROPPED', () => {
        const out = io.stdout;
        expect(linesOf(out, 'lan-c'), show(io)).to.include('lan: crashing with frames queued 4');
        const port = /^\[hv\] {3}lan lan0 port 'lan-c' 020000000003: sent 0 frames 0 bytes, received (\d+) frames (\d+) bytes, dropped: denied 0 no-buffer 0 closed (\d+) filtered 0 unmapped 0, throttled 0$/m.exec(out);
        expect(port, "lan-c's port line").to.not.equal(null);
        const [received, bytes, closed] = [Number(port![1]), Number(port![2]), Number(port![3])];
        expect(received, 'frames it had when it crashed').to.be.at.least(4);
        expect(bytes).to.equal(80 * received);
        // every frame sent to it (a broadcast and a unicast per sequence number from each peer) was received or dropped as closed
        expect(received + closed).to.equal(2 * 2 * FRAMES);
        let dropped = 0;
        for (const [name, self] of [['lan-a', 1], ['lan-b', 2]] as [string, number][]) {
          const lines = linesOf(out, name);
          const sent = numberAfter(lines, 'lan: sent '), delivered = numberAfter(lines, 'lan: sent delivered '), lost = numberAfter(lines, 'lan: sent dropped ');
          expect(sent, name).to.equal(3 * FRAMES);
          expect(delivered + lost, name).to.equal(sent);
          expect(lost, `${name}: its unicast frames to lan-c after the crash`).to.be.within(1, FRAMES);
          dropped += lost;
          expect(out).to.contain(`[hv]   lan lan0 port '${name}' 02000000000${self}: sent ${3 * FRAMES} frames ${3 * FRAMES * 80} bytes, received ${2 * FRAMES} frames ${2 * FRAMES * 80} bytes, dropped: denied 0 no-buffer 0 closed 0 filtered 0 unmapped 0, throttled 0`);
        }
        // the senders' H_DROPPED are unicast frames to lan-c, each counted at its port; its broadcasts after the crash are the rest
        expect(dropped).to.be.at.most(closed);
        expect(closed - dropped, 'broadcasts dropped at lan-c').to.be.within(0, 2 * FRAMES);
      });

      it('LAN frames queued: lan-a and lan-b get every frame of each other\'s, none from lan-c, none malformed, and finish; QEMU exits 0', () => {
        const out = io.stdout;
        for (const [name, peer] of [['lan-a', 2], ['lan-b', 1]] as [string, number][]) {
          expect(linesOf(out, name), show(io)).to.include.members([
            `lan: from station ${peer}, broadcast frames ${FRAMES}`, `lan: from station ${peer}, unicast frames ${FRAMES}`,
            'lan: from station 3, broadcast frames 0', 'lan: from station 3, unicast frames 0',
            `lan: frames received ${2 * FRAMES}`, 'lan: bad frames 0']);
          expect(out).to.match(new RegExp(`\\[hv\\] {3}'${name}' halted, status 0,`));
        }
        expect(io.status).to.equal(0);
      });
    });
  }
});
