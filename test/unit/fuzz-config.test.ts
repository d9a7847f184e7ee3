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
 * images and bootargs as documented.
 *
 * FUZZ_N, FUZZ_SEED, FUZZ_ONLY as in test/unit/fuzz-helpers.ts.
 */
import { expect } from 'chai';
import { MAX_BOOTARGS, MAX_IMAGE_PATH, MAX_PARTITIONS, MAX_VCPUS, MEMORY_GRANULE_MIB, Program, SystemConfig } from '../../lpar/config';
import { ConfigError, printable, reservedName, validName, validateSystem, ConfigVerdict } from '../../lpar/validate';
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
  if (rng.oneIn(10)) cfg.count = rng.pick([0, -1, -5, MAX_PARTITIONS, MAX_PARTITIONS + 1, 100]);
  if (rng.oneIn(8)) cfg.hypervisorMiB = rng.pick(INTS);
  if (rng.oneIn(8)) cfg.machineMiB = rng.pick(INTS);
  const machine = rng.oneIn(5) ? rng.pick(INTS) : cfg.machineMiB;
  return { cfg, machine };
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
      expect(v.error, 'ConfigError').to.be.within(ConfigError.Ok, ConfigError.BadHypervisorMemory);
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
