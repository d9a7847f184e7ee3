/**
 * Fuzzing configuration validation: lpar/validate.ts validateSystem (run at build time and at
 * boot) and scripts/check-config.ts describe (the build-time message). Configurations are
 * generated through SystemConfig.add/addElf with every field then set, now and then, to an edge
 * value (names empty, too long, not ASCII, the hypervisor's, duplicated; sizes and bases 0,
 * negative, odd, huge; shares, vCPUs, devices and counts around their limits; image paths and
 * bootargs at and past their lengths, not printable), and checked against machines of edge sizes.
 *
 * Every input: validateSystem never throws and gives a ConfigError; every refusal has a message
 * from describe() naming what is wrong (never "undefined", never an unknown verdict); an
 * accepted configuration obeys every rule: 1..MAX_PARTITIONS partitions with valid, distinct,
 * unreserved names, granule-aligned memory placed above the hypervisor and inside the machine,
 * fixed bases where asked, no two partitions overlapping, shares at most 100%, vCPUs, devices,
 * images and bootargs as documented; segments, ports (partition, segment, MAC, VLANs, cap) and
 * CRQ channels within their limits, at most MAX_PARTITION_VDEVICES devices a partition, windows
 * that fit the TCE pool.
 *
 * FUZZ_N, FUZZ_SEED, FUZZ_ONLY as in test/unit/fuzz-helpers.ts.
 */
import { expect } from 'chai';
import {
  MAX_BOOTARGS, MAX_CHANNELS, MAX_IMAGE_PATH, MAX_PARTITIONS, MAX_PORT_VLANS, MAX_PORTS, MAX_SEGMENTS, MAX_VCPUS, MAX_VLAN_ID,
  MEMORY_GRANULE_MIB, Program, SystemConfig,
} from '../../lpar/config';
import { ConfigError, printable, reservedName, validName, validateSystem, ConfigVerdict, devicesOf, unicastMac, windowPages } from '../../lpar/validate';
import { MAX_PARTITION_VDEVICES, TCE_POOL_ENTRIES } from '../../lpar/vio';
import { describe as describeVerdict } from '../../scripts/check-config';
import { Outcomes, Rng, forEachInput, fuzzRun, report } from './fuzz-helpers';

const NAMES = ['alpha', 'beta', 'a', 'x-1', 'hv', 'HV', 'Hv', '', 'has space', 'é', 'a'.repeat(15), 'a'.repeat(16), 'alpha', 'p_q', '-'];
const INTS = [0, 1, -1, -2, 2, 3, 4, 63, 64, 65, 100, 101, 1024, 2046, 2048, 0x7fffffff, 0x80000000, 0xffffffff, 2 ** 40, -(2 ** 31), 2 ** 52];

function str(rng: Rng, max: number): string {
  return rng.pick(['', 'build/guests/vmlinux', 'a'.repeat(max), 'a'.repeat(max + 1), 'tab\there', 'ü', 'console=hvc0 quiet', ' ']);
}

/** A generated configuration and the machine size it is checked against. */
function generate(rng: Rng): { cfg: SystemConfig; machine: number } {
  const cfg = new SystemConfig('fuzz');
  const n = rng.oneIn(10) ? rng.below(MAX_PARTITIONS + 3) : 1 + rng.below(4);
  for (let i = 0; i < n; i++) {
    const name = rng.oneIn(6) ? rng.pick(NAMES) : `p${i}`;
    const mem = rng.oneIn(6) ? rng.pick(INTS) : 2 * (1 + rng.below(64));
    const share = rng.oneIn(6) ? rng.pick(INTS) : 1 + rng.below(Math.floor(100 / n));
    const p = rng.oneIn(5) ? cfg.addElf(name, str(rng, MAX_IMAGE_PATH), mem, share) : cfg.add(name, 1 + rng.below(12), mem, share);
    if (rng.oneIn(4)) p.baseMiB = rng.oneIn(2) ? rng.pick(INTS) : 64 + 2 * rng.below(512);
    if (rng.oneIn(8)) p.vcpus = rng.pick(INTS.slice(0, 12));
    if (rng.oneIn(10)) p.devices = rng.pick([0, 1, 2, 3, 0x80, -1, 0x80000000]);
    if (rng.oneIn(8)) p.initrd = str(rng, MAX_IMAGE_PATH);
    if (rng.oneIn(8)) p.bootargs = str(rng, MAX_BOOTARGS);
    if (rng.oneIn(20)) p.image = str(rng, MAX_IMAGE_PATH);
    if (rng.oneIn(20)) p.program = rng.pick([0, 13, 14, -1]) as Program;
  }
  if (rng.oneIn(3)) virtualIo(rng, cfg, n);
  if (rng.oneIn(10)) cfg.count = rng.pick([0, -1, -5, MAX_PARTITIONS, MAX_PARTITIONS + 1, 100]);
  if (rng.oneIn(8)) cfg.hypervisorMiB = rng.pick(INTS);
  if (rng.oneIn(8)) cfg.machineMiB = rng.pick(INTS);
  const machine = rng.oneIn(5) ? rng.pick(INTS) : cfg.machineMiB;
  return { cfg, machine };
}

const MACS = [0x020000000001n, 0x020000000002n, 0x020000000003n, 0n, 0x010000000001n, 1n << 48n, 0xfeffffffffffn, -2n, 0x020000000001n];
const VLANS = [0, 1, 2, 100, MAX_VLAN_ID, MAX_VLAN_ID + 1, -1, 65535];

/** Segments, ports and channels, their fields now and then at an edge. */
function virtualIo(rng: Rng, cfg: SystemConfig, n: number): void {
  const segs = rng.oneIn(10) ? rng.below(MAX_SEGMENTS + 3) : 1 + rng.below(2);
  for (let i = 0; i < segs; i++) cfg.addSegment(rng.oneIn(6) ? rng.pick(NAMES) : `s${i}`);
  const parts = Math.max(1, Math.min(n, MAX_PARTITIONS));
  const ports = rng.oneIn(10) ? rng.below(MAX_PORTS + 3) : rng.below(5);
  for (let i = 0; i < ports; i++) {
    const port = cfg.addPort(cfg.partitions[rng.below(parts)], cfg.segments[rng.below(Math.max(1, Math.min(segs, MAX_SEGMENTS)))],
      rng.oneIn(10) ? rng.pick(MACS) : 0x020000000100n + BigInt(i));
    if (rng.oneIn(3)) port.pvid = rng.oneIn(3) ? rng.pick(VLANS) : 1 + rng.below(10);
    if (rng.oneIn(4)) {
      port.vlanCount = rng.oneIn(5) ? rng.pick([MAX_PORT_VLANS, MAX_PORT_VLANS + 1, -1]) : 1 + rng.below(3);
      for (let k = 0; k < Math.min(Math.max(port.vlanCount, 0), MAX_PORT_VLANS); k++) port.vlans[k] = rng.oneIn(4) ? rng.pick(VLANS) & 0xffff : 1 + rng.below(20);
    }
    if (rng.oneIn(6)) port.capBps = rng.pick(INTS);
    if (rng.oneIn(20)) port.partition = rng.pick([-1, parts, MAX_PARTITIONS]);
    if (rng.oneIn(20)) port.segment = rng.pick([-1, segs, MAX_SEGMENTS]);
  }
  const channels = rng.oneIn(10) ? rng.below(MAX_CHANNELS + 3) : rng.below(4);
  for (let i = 0; i < channels; i++) {
    const a = rng.below(parts), b = rng.oneIn(8) ? a : rng.below(parts);
    const c = cfg.addChannel(cfg.partitions[a], cfg.partitions[b]);
    if (rng.oneIn(20)) c.server = rng.pick([-1, parts, MAX_PARTITIONS]);
  }
}

/** An accepted configuration's segments, ports and channels obey every documented rule. */
function checkAcceptedVio(cfg: SystemConfig, fail: (m: string) => never): void {
  if (cfg.segmentCount > MAX_SEGMENTS || cfg.portCount > MAX_PORTS || cfg.channelCount > MAX_CHANNELS) fail('too many segments, ports or channels');
  for (let i = 0; i < cfg.segmentCount; i++) {
    if (!validName(cfg.segments[i].name)) fail(`segment name '${cfg.segments[i].name}'`);
    for (let j = 0; j < i; j++) if (cfg.segments[j].name === cfg.segments[i].name) fail(`two segments named '${cfg.segments[i].name}'`);
  }
  for (let i = 0; i < cfg.portCount; i++) {
    const port = cfg.ports[i];
    if (port.partition < 0 || port.partition >= cfg.count || port.segment < 0 || port.segment >= cfg.segmentCount) fail(`port ${i} refers to nothing`);
    if (!unicastMac(port.mac)) fail(`port ${i} MAC ${port.mac}`);
    for (let j = 0; j < i; j++) if (cfg.ports[j].mac === port.mac) fail(`ports ${j} and ${i} share a MAC`);
    if (port.pvid < 0 || port.pvid > MAX_VLAN_ID || port.vlanCount < 0 || port.vlanCount > MAX_PORT_VLANS) fail(`port ${i} VLANs`);
    if (port.vlanCount > 0 && port.pvid === 0) fail(`port ${i} tagged without a PVID`);
    for (let k = 0; k < port.vlanCount; k++) if (port.vlans[k] < 1 || port.vlans[k] > MAX_VLAN_ID) fail(`port ${i} VLAN ${port.vlans[k]}`);
    if (port.capBps < 0) fail(`port ${i} cap ${port.capBps}`);
  }
  for (let i = 0; i < cfg.channelCount; i++) {
    const c = cfg.channels[i];
    if (c.client < 0 || c.client >= cfg.count || c.server < 0 || c.server >= cfg.count || c.client === c.server) fail(`channel ${i} ends ${c.client} ${c.server}`);
  }
  for (let k = 0; k < cfg.count; k++) if (devicesOf(cfg, k) > MAX_PARTITION_VDEVICES) fail(`partition ${k} has ${devicesOf(cfg, k)} devices`);
  if (windowPages(cfg) > TCE_POOL_ENTRIES) fail(`windows need ${windowPages(cfg)} TCEs`);
}

/** The configuration as text, for a failure message. */
function dump(cfg: SystemConfig, v: ConfigVerdict, machine: number): string {
  const ps = cfg.partitions.slice(0, Math.max(0, Math.min(cfg.count, MAX_PARTITIONS))).map((p, i) =>
    `${p.name}: ${p.memoryMiB} MiB base ${p.baseMiB} placed ${v.baseMiB[i]} share ${p.cpuShare} vcpus ${p.vcpus} program ${p.program}`);
  return `count ${cfg.count}, hypervisor ${cfg.hypervisorMiB} MiB, machine ${machine} MiB; ${ps.join('; ')}`;
}

/** An accepted configuration obeys every documented rule. */
function checkAccepted(cfg: SystemConfig, v: ConfigVerdict, machine: number): void {
  const fail = (m: string): never => { throw new Error(`accepted, but ${m}: ${dump(cfg, v, machine)}`); };
  if (cfg.count < 1 || cfg.count > MAX_PARTITIONS) fail(`${cfg.count} partitions`);
  if (cfg.hypervisorMiB < 0) fail(`the hypervisor has ${cfg.hypervisorMiB} MiB`);
  let share = 0;
  for (let i = 0; i < cfg.count; i++) {
    const p = cfg.partitions[i];
    if (!validName(p.name) || reservedName(p.name)) fail(`name '${p.name}'`);
    for (let j = 0; j < i; j++) if (cfg.partitions[j].name === p.name) fail(`two partitions named '${p.name}'`);
    if (p.memoryMiB <= 0 || p.memoryMiB % MEMORY_GRANULE_MIB !== 0) fail(`partition ${i} memory ${p.memoryMiB}`);
    const base = v.baseMiB[i];
    if (p.baseMiB !== -1 && base !== p.baseMiB) fail(`partition ${i} fixed at ${p.baseMiB} placed at ${base}`);
    if (base < cfg.hypervisorMiB || base % MEMORY_GRANULE_MIB !== 0 || base + p.memoryMiB > machine) {
      fail(`partition ${i} placed at [${base}, +${p.memoryMiB}) MiB (hypervisor ${cfg.hypervisorMiB}, machine ${machine})`);
    }
    for (let j = 0; j < i; j++) {
      const q = cfg.partitions[j];
      if (base < v.baseMiB[j] + q.memoryMiB && v.baseMiB[j] < base + p.memoryMiB) fail(`partitions ${j} and ${i} overlap`);
    }
    if (p.cpuShare < 1 || p.cpuShare > 100) fail(`share ${p.cpuShare}`);
    share += p.cpuShare;
    if (p.vcpus < 1 || p.vcpus > MAX_VCPUS) fail(`${p.vcpus} vCPUs`);
    if ((p.devices & ~1) !== 0) fail(`devices 0x${p.devices.toString(16)}`);
    if (p.program === Program.Elf) {
      if (!printable(p.image, 1, MAX_IMAGE_PATH) || !printable(p.initrd, 0, MAX_IMAGE_PATH) || !printable(p.bootargs, 0, MAX_BOOTARGS)) fail('image/initrd/bootargs');
    } else if (p.image.length + p.initrd.length > 0) fail('an image on a built-in program');
    else if (!printable(p.bootargs, 0, MAX_BOOTARGS)) fail('bootargs');   // built-in programs may read them (the fuzzer)
  }
  if (share > 100) fail(`shares add up to ${share}%`);
  checkAcceptedVio(cfg, fail);
}

describe('fuzz: configuration validation (lpar/validate.ts, scripts/check-config.ts)', function () {
  this.timeout(600_000);

  it('validateSystem and describe: FUZZ_N generated configurations; every refusal has a message, every acceptance obeys the rules', () => {
    const run = fuzzRun('config', 0xc0f16, 100_000);
    const outcomes = new Outcomes();
    const t0 = Date.now();
    forEachInput(run, (rng) => {
      const { cfg, machine } = generate(rng);
      const v = validateSystem(cfg, machine);
      expect(v.error, 'ConfigError').to.be.within(ConfigError.Ok, ConfigError.TooManyWindows);
      const msg = describeVerdict(cfg, v);
      if (v.error === ConfigError.Ok) {
        expect(msg).to.equal(undefined);
        checkAccepted(cfg, v, machine);
        outcomes.add('Ok', true);
        return;
      }
      if (msg === undefined || msg.length < 10 || /undefined|NaN|unknown verdict/.test(msg)) throw new Error(`refusal ${v.error} without a clear message: ${msg}`);
      outcomes.add(msg.replace(/'[^']*'|\[[^\]]*\)|-?\d+/g, '_'), false);
    });
    report(run, outcomes, Date.now() - t0);
    if (run.only < 0 && run.n >= 1000) {
      expect(outcomes.accepted, 'accepted configurations').to.be.above(run.n / 20);
      expect(outcomes.refusals(), 'distinct refusals').to.be.at.least(15);
    }
  });
});
