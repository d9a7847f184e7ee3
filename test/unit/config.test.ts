/**
 * Partition configurations: validation and placement (lpar/validate.ts) and the build-time
 * checker's messages (scripts/check-config.ts), including file:line of the offending partition.
 */
import { expect } from 'chai';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { Program, SystemConfig } from '../../lpar/config';
import { ConfigError, validateSystem } from '../../lpar/validate';
import { tempDir } from '../compiler/helpers';

const ROOT = path.join(__dirname, '..', '..');

function two(): SystemConfig {
  const s = new SystemConfig('t');
  s.add('a', Program.Hello, 32, 40);
  s.add('b', Program.Hello, 32, 40);
  return s;
}

describe('configuration validation', () => {
  it('validateSystem: places partitions one after another above the hypervisor', () => {
    const v = validateSystem(two(), 1024);
    expect(v.error).to.equal(ConfigError.Ok);
    expect([v.baseMiB[0], v.baseMiB[1]]).to.deep.equal([64, 96]);
  });

  it('validateSystem: automatic placement skips fixed partitions', () => {
    const s = two();
    s.partitions[1].baseMiB = 64;
    const v = validateSystem(s, 1024);
    expect(v.error).to.equal(ConfigError.Ok);
    expect([v.baseMiB[0], v.baseMiB[1]]).to.deep.equal([96, 64]);
  });

  const bad: [string, (s: SystemConfig) => void, ConfigError, number][] = [
    ['an empty configuration', s => { s.count = 0; }, ConfigError.NoPartitions, -1],
    // found by test/unit/fuzz-config.test.ts: a negative count was accepted (no partitions checked, none launched)
    ['a negative partition count', s => { s.count = -5; }, ConfigError.NoPartitions, -1],
    // found by test/unit/fuzz-config.test.ts: an odd hypervisorMiB put automatically placed partitions off the 2 MiB granule
    ['an odd hypervisor size', s => { s.hypervisorMiB = 65; }, ConfigError.BadHypervisorMemory, -1],
    ['a negative hypervisor size', s => { s.hypervisorMiB = -2; }, ConfigError.BadHypervisorMemory, -1],
    ['a bad name', s => { s.partitions[1].name = 'has space'; }, ConfigError.BadName, 1],
    ['an empty name', s => { s.partitions[0].name = ''; }, ConfigError.BadName, 0],
    ["the hypervisor's prefix as a name", s => { s.partitions[1].name = 'hv'; }, ConfigError.ReservedName, 1],
    ["the hypervisor's prefix in capitals", s => { s.partitions[0].name = 'HV'; }, ConfigError.ReservedName, 0],
    ['a duplicate name', s => { s.partitions[1].name = 'a'; }, ConfigError.DuplicateName, 1],
    ['memory not a multiple of 2 MiB', s => { s.partitions[0].memoryMiB = 3; }, ConfigError.BadMemorySize, 0],
    ['zero memory', s => { s.partitions[1].memoryMiB = 0; }, ConfigError.BadMemorySize, 1],
    ['a base inside the hypervisor', s => { s.partitions[0].baseMiB = 32; }, ConfigError.BadPlacement, 0],
    ['overlapping fixed partitions', s => { s.partitions[0].baseMiB = 64; s.partitions[1].baseMiB = 80; }, ConfigError.Overlap, 1],
    ['oversized memory', s => { s.partitions[1].memoryMiB = 2048; }, ConfigError.OutOfMemory, 1],
    ['a share of 0', s => { s.partitions[0].cpuShare = 0; }, ConfigError.BadShare, 0],
    ['shares above 100%', s => { s.partitions[0].cpuShare = 70; }, ConfigError.OverCommittedShare, -1],
    ['an unknown device', s => { s.partitions[1].devices = 0x80; }, ConfigError.UnknownDevice, 1],
  ];
  for (const [what, breakIt, error, partition] of bad) {
    it(`validateSystem: refuses ${what}`, () => {
      const s = two();
      breakIt(s);
      const v = validateSystem(s, 1024);
      expect(v.error).to.equal(error);
      expect(v.partition).to.equal(partition);
    });
  }

  // found by test/unit/fuzz-config.test.ts: placements past 2^31 MiB wrapped in the verdict's
  // Int32Array, so a second partition was "placed" on top of the first
  it('validateSystem: refuses memory that would end above 2^31 MiB, whatever the machine size', () => {
    const s = two();
    s.partitions[0].memoryMiB = 2 ** 40;
    const v = validateSystem(s, 2 ** 52);
    expect(v.error).to.equal(ConfigError.OutOfMemory);
    expect(v.partition).to.equal(0);
  });

  it('validateSystem: refuses more than MAX_PARTITIONS', () => {
    const s = new SystemConfig('many');
    for (let i = 0; i < 9; i++) s.add(`p${i}`, Program.Hello, 2, 1);
    expect(validateSystem(s, 1024).error).to.equal(ConfigError.TooManyPartitions);
  });

  it('validateSystem: takes bootargs for a built-in program (the fuzzer reads its seed from them), refuses unprintable ones', () => {
    const s = two();
    s.partitions[0].program = Program.Fuzzer;
    s.partitions[0].bootargs = 'seed=1 calls=10 trace=0';
    expect(validateSystem(s, 1024).error).to.equal(ConfigError.Ok);
    s.partitions[0].bootargs = 'seed=1\n';
    expect(validateSystem(s, 1024).error).to.equal(ConfigError.BadBootargs);
  });

  it('the shipped configurations are valid', () => {
    for (const f of fs.readdirSync(path.join(ROOT, 'lpar', 'configs'))) {
      const { system } = require(path.join(ROOT, 'lpar', 'configs', f)) as { system: SystemConfig };
      expect(validateSystem(system, system.machineMiB).error, f).to.equal(ConfigError.Ok);
    }
  });
});

describe('check-config', function () {
  this.timeout(60_000);
  function check(source: string): { status: number | null; stderr: string; file: string } {
    const dir = tempDir('config');
    const file = path.join(dir, 'bad.ts');
    fs.writeFileSync(file, source.replace(/CONFIG/g, JSON.stringify(path.join(ROOT, 'lpar', 'config'))));
    const r = spawnSync(process.execPath, ['-r', path.join(ROOT, 'scripts/tsnc/register.cjs'), path.join(ROOT, 'scripts/check-config.ts'), file], { encoding: 'utf8' });
    return { status: r.status, stderr: r.stderr, file };
  }

  it('check-config: names the file, the line of the partition and the problem', () => {
    const r = check("import { Program, SystemConfig } from CONFIG;\nexport const system = new SystemConfig('x');\nsystem.add('one', Program.Hello, 32, 10);\nsystem.add('two', Program.Hello, 33, 10);\n");
    expect(r.status).to.equal(1);
    expect(r.stderr.trim()).to.equal(`${r.file}:4: partition 'two': memory 33 MiB must be a positive multiple of 2 MiB`);
  });

  it('check-config: reports overlapping memory with both partitions', () => {
    const r = check("import { Program, SystemConfig } from CONFIG;\nexport const system = new SystemConfig('x');\nsystem.add('one', Program.Hello, 32, 10).baseMiB = 64;\nsystem.add('two', Program.Hello, 32, 10).baseMiB = 80;\n");
    expect(r.status).to.equal(1);
    expect(r.stderr).to.contain(":4: partition 'two': memory [80, 112) MiB overlaps partition 'one' [64, 96) MiB");
  });

  it('check-config: refuses a module without a configuration', () => {
    const r = check('export const nothing = 1;\n');
    expect(r.status).to.equal(1);
    expect(r.stderr).to.contain(":1: must export 'system', a SystemConfig");
  });
});
