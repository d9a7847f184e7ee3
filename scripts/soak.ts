/**
 * The soak's driver (`make soak DURATION=600`, scripts/soak.sh builds the image first;
 * docs/robustness.md): boots lpar/configs/soak.ts on one machine and, for DURATION seconds,
 * drives the two Linux partitions through the console while the TS partitions run their loops:
 *
 *   each round   linux-a pings linux-b (10 echo requests) and reads a launch PCR five times
 *                through its vTPM (tpm_ibmvtpm: a TPM2_PCR_Read each); every 4th round linux-b
 *                sends 1 MiB of random bytes to linux-a with nc, compared by sha256sum;
 *   once         at half time linux-b reboots (reboot -f: RTAS system-reboot), boots to its
 *                ready line again and brings its network up again;
 *   at the end   both Linux partitions power off; the TS partitions stop by themselves; the
 *                summary is read.
 *
 * It prints what was done (hcalls, frames, CRQ messages, TPM commands, policy reloads,
 * partition restarts) and what was lost, and exits 1 when anything was lost or crashed.
 *
 *   node -r ./scripts/tsnc/register.cjs scripts/soak.ts DURATION MACHINE IMAGE LOG
 */
import * as fs from 'fs';
import { ConsoleSession, partitionLines } from '../test/system/console';

const [durationArg, machine, image, logFile] = process.argv.slice(2);
const DURATION = Number(durationArg);
const READY = 'tshype-linux: ready';
const READY_MS = 600_000;
const MIB = 1024 * 1024;
/** What the driver did and saw (the Linux side; the rest is read from the summary at the end). */
const did = { rounds: 0, pings: 0, pingReplies: 0, pcrReads: 0, pcrMismatches: 0, transfers: 0, transferFailures: 0, linuxRestarts: 0 };
let pcr17 = '';

function say(text: string): void {
  console.log(`soak: ${text}`);
}

/** Wait for partition `name`'s ready line after output offset `from`. */
async function waitReady(s: ConsoleSession, name: string, from: number): Promise<void> {
  const deadline = Date.now() + READY_MS;
  while (!partitionLines(s.out.slice(from), name).join('').includes(READY)) {
    await s.waitFor(/\n/, Math.max(deadline - Date.now(), 0), s.out.length);
  }
}

/** Give the console to partition number `n` (1 linux-a, 2 linux-b). */
async function focus(s: ConsoleSession, n: number): Promise<void> {
  const from = s.out.length;
  s.type(`\x1d${n}`);
  await s.waitFor(new RegExp(`console focus: partition 'linux-${n === 1 ? 'a' : 'b'}'`), 20000, from);
}

/** Load ibmveth and bring eth0 up with `ip`/24 in partition `name` (which has the focus). */
async function netUp(s: ConsoleSession, name: string, ip: string): Promise<void> {
  await s.shell(name, `insmod /lib/modules/$(uname -r)/ibmveth.ko; ip addr add ${ip}/24 dev eth0; ip link set eth0 up`);
}

/** linux-a pings linux-b: 10 echo requests. */
async function ping(s: ConsoleSession): Promise<void> {
  const out = (await s.shell('linux-a', 'ping -c 10 -i 0.2 -W 5 10.0.0.2 | grep transmitted', 120000)).join('\n');
  const m = /(\d+) packets transmitted, (\d+) packets received/.exec(out);
  did.pings += m ? Number(m[1]) : 10;
  did.pingReplies += m ? Number(m[2]) : 0;
}

/** linux-a reads PCR 17 five times through tpm_ibmvtpm; each must be the value it read first. */
async function readPcrs(s: ConsoleSession): Promise<void> {
  const out = await s.shell('linux-a', 'for i in 1 2 3 4 5; do cat /sys/class/tpm/tpm0/pcr-sha256/17; done', 120000);
  // joined: another partition's output can split a line of the console in two (console.ts)
  const values = (out.map(l => l.trim()).join('').match(/[0-9A-Fa-f]{64}/g) ?? []).map(v => v.toLowerCase());
  if (pcr17 === '' && values.length > 0) pcr17 = values[0];
  did.pcrReads += 5;
  did.pcrMismatches += 5 - values.filter(v => v === pcr17).length;
}

/** linux-b sends 1 MiB of random bytes to linux-a with nc; the sha256sums must agree. */
async function transfer(s: ConsoleSession, port: number): Promise<void> {
  did.transfers++;
  await s.shell('linux-a', `rm -f /tmp/in; (sleep 600 | nc -l -p ${port} > /tmp/in &)`);
  await focus(s, 2);
  const sent = await s.shell('linux-b', `dd if=/dev/urandom of=/tmp/out bs=1024 count=1024 2>/dev/null; nc 10.0.0.1 ${port} < /tmp/out; sha256sum /tmp/out`, 300000);
  await focus(s, 1);
  const got = await s.shell('linux-a', `i=0; while [ $(wc -c < /tmp/in) -lt ${MIB} ] && [ $i -lt 60 ]; do sleep 1; i=$((i+1)); done; sha256sum /tmp/in`, 120000);
  const want = (sent[sent.length - 1] ?? '').split(/\s+/)[0];
  const have = (got[got.length - 1] ?? '').split(/\s+/)[0];
  if (want === '' || want !== have) {
    did.transferFailures++;
    say(`transfer on port ${port}: sent ${want}, received ${have}`);
  }
}

/** linux-b reboots (RTAS system-reboot from Linux), comes back to its ready line and its network. */
async function restartLinuxB(s: ConsoleSession): Promise<void> {
  await focus(s, 2);
  const from = s.out.length;
  s.type('reboot -f\n');
  await waitReady(s, 'linux-b', from);
  await netUp(s, 'linux-b', '10.0.0.2');
  did.linuxRestarts++;
  await focus(s, 1);
}

/**
 * HOOK (run-time partition management, to come): restarts of partitions from a management
 * partition (stop + start, or destroy + create, through the partition-management hcalls) go
 * here, once those hcalls exist; called once a round.
 */
async function managementRestarts(_s: ConsoleSession, _round: number): Promise<void> {
  // nothing yet
}

/** The Linux side of the soak until `deadline` (ms). */
async function workload(s: ConsoleSession, deadline: number): Promise<void> {
  const start = Date.now();
  await waitReady(s, 'linux-a', 0);
  await waitReady(s, 'linux-b', 0);
  say(`both Linux partitions ready after ${Math.round((Date.now() - start) / 1000)} s`);
  await netUp(s, 'linux-a', '10.0.0.1');
  await focus(s, 2);
  await netUp(s, 'linux-b', '10.0.0.2');
  await focus(s, 1);
  const half = start + (deadline - start) / 2;
  for (let round = 0; Date.now() < deadline; round++) {
    await ping(s);
    await readPcrs(s);
    if (round % 4 === 3) await transfer(s, 5000 + round);
    if (did.linuxRestarts === 0 && Date.now() >= half) await restartLinuxB(s);
    await managementRestarts(s, round);
    did.rounds++;
  }
}

/** Power both Linux partitions off; QEMU's exit status once the TS partitions are done too. */
async function powerOff(s: ConsoleSession): Promise<number | null> {
  await focus(s, 1);
  s.type('poweroff -f\n');
  await focus(s, 2);
  s.type('poweroff -f\n');
  return s.done(900_000);
}

function sum(re: RegExp, text: string, group = 1): number {
  let n = 0;
  for (const m of text.matchAll(re)) n += Number(m[group]);
  return n;
}

function lineNumber(out: string, name: string, prefix: string): number {
  const l = partitionLines(out, name).find(x => x.startsWith(prefix) && /^-?\d+$/.test(x.slice(prefix.length).trim()));
  return l === undefined ? -1 : Number(l.slice(prefix.length));
}

/** Read the run's figures and losses from the console; print them; the number of losses. */
function report(out: string, status: number | null, wallSeconds: number): number {
  const summary = out.slice(out.lastIndexOf('[hv] summary:'));
  const hcalls = sum(/^\[hv\] {3}'[^']+' [^\n]*, hcalls (\d+),/gm, summary);
  const framesSent = sum(/^\[hv\] {3}lan \S+ port '[^']+' \S+: sent (\d+) frames/gm, summary);
  const framesReceived = sum(/^\[hv\] {3}lan \S+ port [^\n]* received (\d+) frames/gm, summary);
  const crq = /^\[hv\] {3}crq 'crq-client' -> 'crq-server': messages (\d+) sent, (\d+) answered, rdma (\d+) bytes, dropped (\d+)/m.exec(summary);
  const tpm = sum(/^\[hv\] {3}vtpm '[^']+' -> 'vtpm': commands (\d+)/gm, summary);
  const tpmErrors = sum(/^\[hv\] {3}vtpm '[^']+' -> 'vtpm': commands \d+, errors (\d+)/gm, summary);
  const reloads = (out.match(/^\[hv\] sHype: policy reload by 'reloader': now 'soak'/gm) ?? []).length;
  const restarts = new Map<string, number>();
  for (const m of out.matchAll(/^\[hv\] partition '([^']+)' restarting \(system-reboot\)/gm)) restarts.set(m[1], (restarts.get(m[1]) ?? 0) + 1);
  const pool = /^\[hv\] page pool: (\d+) KiB free after launch, (\d+) KiB free at shutdown/m.exec(summary);
  const drops = (reason: string): number => sum(new RegExp(`^\\[hv\\] {3}lan [^\\n]* ${reason} (\\d+)`, 'gm'), summary);
  const loopErrors = lineNumber(out, 'vtpm-client', 'vtpm-client: loop rounds with errors ');
  say(`${machine}, ${DURATION} s asked, ${wallSeconds} s of wall time, QEMU exit status ${status}`);
  say(`did: ${hcalls} hcalls; ${framesSent} frames sent, ${framesReceived} received; ` +
    `${crq ? crq[1] : '?'} CRQ messages sent, ${crq ? crq[2] : '?'} answered, ${crq ? crq[3] : '?'} RDMA bytes; ` +
    `${tpm} TPM commands; ${reloads} policy reloads; ` +
    `${[...restarts.values()].reduce((a, b) => a + b, 0)} partition restarts (${[...restarts].map(([k, v]) => `${k} ${v}`).join(', ') || 'none'})`);
  say(`did (Linux, through the console): ${did.rounds} rounds, ${did.pings} pings, ${did.pcrReads} PCR reads, ` +
    `${did.transfers} transfers of 1 MiB, ${did.linuxRestarts} Linux restarts`);
  say(`did (TS partitions): crq-client ${lineNumber(out, 'crq-client', 'client: rounds ')} rounds (${lineNumber(out, 'crq-client', 'client: partner restarts survived ')} server restarts survived), ` +
    `vtpm-client ${lineNumber(out, 'vtpm-client', 'vtpm-client: loop rounds ')} GetRandom rounds (${loopErrors} failed while the vTPM restarted), ` +
    `reloader ${lineNumber(out, 'reloader', 'reloader: reloads ')} reloads`);
  say(`frames dropped by the switch: denied ${drops('denied')}, no-buffer ${drops('no-buffer')}, closed ${drops('closed')} (a port closed while its partition restarted), filtered ${drops('filtered')}, unmapped ${drops('unmapped')}`);
  const lost: [string, number][] = [
    ['ping replies', did.pings - did.pingReplies],
    ['PCR reads wrong or failed', did.pcrMismatches],
    ['nc transfers wrong or failed', did.transferFailures],
    ['CRQ rounds failed', Math.max(lineNumber(out, 'crq-client', 'client: failed rounds '), 0)],
    ['CRQ messages dropped (queue full)', crq ? Number(crq[4]) : 1],
    ['vTPM NV word (written before the vTPM restart)', /vtpm-client: nv after loop 736f616b/.test(out) ? 0 : 1],
    ['policy reloads refused', Math.max(lineNumber(out, 'reloader', 'reloader: refused '), 0)],
    ['TPM error answers', tpmErrors],
    ['frames denied or unmapped', drops('denied') + drops('unmapped')],
    ['page pool KiB', pool ? Number(pool[1]) - Number(pool[2]) : 1],
  ];
  // every partition: halted with 0, or still serving (the vTPM); a crash or any other status is lost work
  for (const m of summary.matchAll(/^\[hv\] {3}'([^']+)' (halted, status (\d+)|crashed|stopped at its time limit|still serving at shutdown|not run)/gm)) {
    const fine = m[3] === '0' || (m[1] === 'vtpm' && m[2] === 'still serving at shutdown');
    if (!fine) lost.push([`partition '${m[1]}' ${m[2]}`, 1]);
  }
  if (!/^\[hv\] summary:/m.test(out)) lost.push(['the summary (the run did not end)', 1]);
  if (status !== 0) lost.push([`QEMU exit status ${status}`, 1]);
  const total = lost.reduce((a, [, n]) => a + n, 0);
  say(`lost: ${lost.map(([what, n]) => `${what} ${n}`).join(', ')}`);
  say(total === 0 ? 'verdict: nothing lost' : `verdict: LOST ${total} (log: ${logFile})`);
  return total;
}

async function main(): Promise<number> {
  const t0 = Date.now();
  const s = new ConsoleSession(machine, image, { QEMU_TIMEOUT: String(DURATION + 1800) });
  let status: number | null = null;
  try {
    await workload(s, t0 + DURATION * 1000);
    status = await powerOff(s);
  } catch (e) {
    say(`the driver stopped: ${String(e).split('\n')[0]}`);
    s.kill();
    status = await s.done(10000);
  } finally {
    fs.writeFileSync(logFile, s.out);
  }
  return report(s.out, status, Math.round((Date.now() - t0) / 1000)) === 0 ? 0 : 1;
}

main().then(code => process.exit(code), e => { console.error(e); process.exit(2); });
