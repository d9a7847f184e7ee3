/**
 * Two Debian Linux partitions on one logical-LAN segment (lpar/configs/lan*.ts), Linux's own
 * ibmveth driver the client of tshype's l-lan devices and virtual switch:
 *
 *   - ping both ways; 8 MiB sent with busybox nc arrives with the same sha256sum;
 *   - with a 20 Mbit/s cap on linux-b's port (lan-cap, powernv9) its transfer runs at the cap
 *     (within 10%), while linux-a's uncapped one does not;
 *   - under a policy whose labels share no type (lan-deny) ping fails, and the hypervisor counts
 *     the denied frames and audits them (at most one record per pair of ports per second).
 *
 * The focus starts on linux-a; Ctrl-] 2 and Ctrl-] 1 move it (hv/focus.ts).
 */
import { expect } from 'chai';
import { run, show } from './helpers';
import { ConsoleSession, partitionLines } from './console';

const BUILD = 'build/test/lan';
const READY_MS = 240000;
const MIB8 = 8 * 1024 * 1024;
const CAP_MBPS = 20;

function image(config: string, machine: string): string {
  return `${BUILD}-${config}/tshype-${machine === 'pseries' ? 'pseries' : 'powernv'}.bin`;
}

/**
 * Wait for partition `name`'s ready line. Its text may reach the console in two pieces: the
 * console shows a partition's unfinished line when the partition polls for input (hvc does,
 * between writes), and the other partition's lines can come between the pieces.
 */
async function waitReady(s: ConsoleSession, name: string): Promise<void> {
  const deadline = Date.now() + READY_MS;
  while (!partitionLines(s.out, name).join('').includes('tshype-linux: ready')) {
    await s.waitFor(/\n/, Math.max(deadline - Date.now(), 0), s.out.length);
  }
}

/** Boot `config` on `machine` until both partitions print their ready line. */
async function boot(config: string, machine: string): Promise<ConsoleSession> {
  const s = new ConsoleSession(machine, image(config, machine), { QEMU_TIMEOUT: '600' });
  try {
    await waitReady(s, 'linux-a');
    await waitReady(s, 'linux-b');
  } catch (e) {
    s.kill();
    throw e;
  }
  return s;
}

/** Give the console to partition number `n` (1 linux-a, 2 linux-b). */
async function focus(s: ConsoleSession, n: number): Promise<void> {
  const from = s.out.length;
  s.type(`\x1d${n}`);
  await s.waitFor(new RegExp(`console focus: partition 'linux-${n === 1 ? 'a' : 'b'}'`), 10000, from);
}

/** Load ibmveth and bring eth0 up with `ip`/24; returns the interface's MAC as Linux sees it. */
async function netUp(s: ConsoleSession, name: string, ip: string): Promise<string> {
  const out = await s.shell(name, `insmod /lib/modules/$(uname -r)/ibmveth.ko; ip addr add ${ip}/24 dev eth0; ip link set eth0 up; cat /sys/class/net/eth0/address`);
  return out[out.length - 1];
}

/** The `real` seconds of busybox `time` output lines. */
function realSeconds(lines: string[]): number {
  const line = lines.find(l => /^real/.test(l));
  const m = /real\D*(\d+)m\s*([\d.]+)s/.exec(line ?? '');
  if (!m) throw new Error(`no time in ${lines.join('\n')}`);
  return Number(m[1]) * 60 + Number(m[2]);
}

/**
 * Send 8 MiB of random bytes from partition `from` (number) to `to` with nc; returns the rate in
 * Mbit/s after checking the sha256sum on both sides. Leaves the focus on `from`.
 */
async function transfer(s: ConsoleSession, to: number, from: number, toIp: string, port: number): Promise<number> {
  const name = (n: number): string => `linux-${n === 1 ? 'a' : 'b'}`;
  await focus(s, to);
  // the listener's stdin is a pipe that stays open: busybox nc would end the connection at EOF
  await s.shell(name(to), `rm -f /tmp/in; (sleep 900 | nc -l -p ${port} > /tmp/in &)`);
  await focus(s, from);
  const sent = await s.shell(name(from), `dd if=/dev/urandom of=/tmp/out bs=1024 count=8192 2>/dev/null; sha256sum /tmp/out`);
  const sum = sent[sent.length - 1].split(/\s+/)[0];
  const timed = await s.shell(name(from), `time nc ${toIp} ${port} < /tmp/out`, 240000);
  const seconds = realSeconds(timed);
  await focus(s, to);
  const got = await s.shell(name(to), `i=0; while [ $(wc -c < /tmp/in) -lt ${MIB8} ] && [ $i -lt 60 ]; do sleep 1; i=$((i+1)); done; wc -c < /tmp/in; sha256sum /tmp/in`, 120000);
  expect(Number(got[got.length - 2]), got.join('\n')).to.equal(MIB8);
  expect(got[got.length - 1].split(/\s+/)[0]).to.equal(sum);
  await focus(s, from);
  return (MIB8 * 8) / seconds / 1e6;
}

/** Power both partitions off (focus on linux-a first); QEMU's exit status. */
async function powerOff(s: ConsoleSession): Promise<number | null> {
  await focus(s, 1);
  s.type('poweroff -f\n');
  await focus(s, 2);
  s.type('poweroff -f\n');
  return s.done(120000);
}

describe('Logical LAN between two Linux partitions (ibmveth)', function () {
  this.timeout(1200000);

  before(async () => {
    const fetched = await run('bash', ['scripts/linux/fetch.sh']);
    expect(fetched.status, show(fetched)).to.equal(0);
    for (const [config, platforms] of [['lan', ['pseries']], ['lan-cap', ['powernv']], ['lan-deny', ['pseries', 'powernv']]] as const) {
      for (const platform of platforms) {
        const r = await run('bash', ['scripts/build-image.sh', platform], { CONFIG: config, BUILD: `${BUILD}-${config}` });
        expect(r.status, show(r)).to.equal(0);
      }
    }
  });

  it('powernv9: ping both ways, 8 MiB each way with matching sha256sum, linux-b held to its 20 Mbit/s cap', async () => {
    const s = await boot('lan-cap', 'powernv9');
    try {
      const macA = await netUp(s, 'linux-a', '10.0.0.1');
      expect(macA).to.equal('02:00:00:00:0a:01');   // the configuration's MAC, from local-mac-address
      await focus(s, 2);
      await netUp(s, 'linux-b', '10.0.0.2');
      expect((await s.shell('linux-b', 'ping -c 3 10.0.0.1')).join('\n')).to.match(/3 packets transmitted, 3 packets received/);
      await focus(s, 1);
      expect((await s.shell('linux-a', 'ping -c 3 10.0.0.2')).join('\n')).to.match(/3 packets transmitted, 3 packets received/);
      const uncapped = await transfer(s, 2, 1, '10.0.0.2', 5001);
      const capped = await transfer(s, 1, 2, '10.0.0.1', 5002);
      console.log(`      linux-a -> linux-b ${uncapped.toFixed(1)} Mbit/s (no cap), linux-b -> linux-a ${capped.toFixed(1)} Mbit/s (cap ${CAP_MBPS})`);
      expect(capped).to.be.within(CAP_MBPS * 0.9, CAP_MBPS * 1.1);
      expect(await powerOff(s)).to.equal(0);
      expect(s.out).to.match(/\[hv\] {3}lan lan0 port 'linux-b' 020000000b01: sent \d+ frames .*throttled [1-9]\d*/);
    } finally {
      s.kill();
    }
  });

  it('pseries: ping both ways and 8 MiB with matching sha256sum (Linux as nested L2 guests)', async () => {
    const s = await boot('lan', 'pseries');
    try {
      await netUp(s, 'linux-a', '10.0.0.1');
      await focus(s, 2);
      await netUp(s, 'linux-b', '10.0.0.2');
      expect((await s.shell('linux-b', 'ping -c 3 10.0.0.1')).join('\n')).to.match(/3 packets transmitted, 3 packets received/);
      await focus(s, 1);
      expect((await s.shell('linux-a', 'ping -c 3 10.0.0.2')).join('\n')).to.match(/3 packets transmitted, 3 packets received/);
      const rate = await transfer(s, 2, 1, '10.0.0.2', 5001);
      console.log(`      linux-a -> linux-b ${rate.toFixed(1)} Mbit/s`);
      expect(await powerOff(s)).to.equal(0);
    } finally {
      s.kill();
    }
  });

  for (const machine of ['powernv9', 'pseries']) {
    it(`${machine}: a policy that denies SendFrame between the labels: ping fails, denials counted and audited`, async () => {
      const s = await boot('lan-deny', machine);
      try {
        await netUp(s, 'linux-a', '10.0.0.1');
        await focus(s, 2);
        await netUp(s, 'linux-b', '10.0.0.2');
        expect((await s.shell('linux-b', 'ping -c 3 -W 1 10.0.0.1')).join('\n')).to.match(/3 packets transmitted, 0 packets received/);
        expect(await powerOff(s)).to.equal(0);
        const denied = /\[hv\] {3}lan lan0 port 'linux-a' \S+: .*dropped: denied (\d+)/.exec(s.out);
        expect(denied, s.out).to.not.equal(null);
        expect(Number(denied![1])).to.be.greaterThan(0);
        // SendFrame is op 12; audited at most once per pair of ports per second
        const audits = s.out.split('\n').filter(l => /audit: linux-b op 12 on linux-a denied by rule 4/.test(l));
        expect(audits.length).to.be.within(1, 20);
      } finally {
        s.kill();
      }
    });
  }
});
