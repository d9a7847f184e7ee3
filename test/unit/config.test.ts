/**
 * Partition configurations: validation and placement (lpar/validate.ts) and the build-time
 * checker's messages (scripts/check-config.ts), including file:line of the offending partition.
 */
import { expect } from 'chai';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { Program, SystemConfig } from '../../lpar/config';
import { ConfigError, ConfigItem, validateSystem } from '../../lpar/validate';
import { partitions } from '../../lpar/partition';
import { attachDevices } from '../../lpar/vio';
import { launch, resetVio } from './vio-helpers';
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

describe('configuration validation: segments, ports, channels', () => {
  /** Two partitions on a segment, a port each, a channel between them. */
  function wired(): SystemConfig {
    const s = two();
    const seg = s.addSegment('lan0');
    s.addPort(s.partitions[0], seg, 0x020000000001n);
    s.addPort(s.partitions[1], seg, 0x020000000002n);
    s.addChannel(s.partitions[0], s.partitions[1]);
    return s;
  }
  const bad: [string, (s: SystemConfig) => void, ConfigError, ConfigItem, number][] = [
    ['a fifth segment', s => { for (let i = 1; i < 5; i++) s.addSegment(`s${i}`); }, ConfigError.TooManySegments, ConfigItem.None, -1],
    ['a seventeenth port', s => { for (let i = 0; i < 15; i++) s.addPort(s.partitions[i % 2], s.segments[0], 0x020000000010n + BigInt(i)); }, ConfigError.TooManyPorts, ConfigItem.None, -1],
    ['a ninth channel', s => { for (let i = 0; i < 8; i++) s.addChannel(s.partitions[0], s.partitions[1]); }, ConfigError.TooManyChannels, ConfigItem.None, -1],
    ['a bad segment name', s => { s.segments[0].name = 'a b'; }, ConfigError.BadSegmentName, ConfigItem.Segment, 0],
    ['a duplicate segment name', s => { s.addSegment('lan0'); }, ConfigError.DuplicateSegment, ConfigItem.Segment, 1],
    ['a port on no segment', s => { s.ports[1].segment = 3; }, ConfigError.UnknownSegment, ConfigItem.Port, 1],
    ['a port of no partition', s => { s.ports[0].partition = 2; }, ConfigError.UnknownPartition, ConfigItem.Port, 0],
    ['a channel to no partition', s => { s.channels[0].server = 5; }, ConfigError.UnknownPartition, ConfigItem.Channel, 0],
    ['a multicast MAC', s => { s.ports[0].mac = 0x010000000001n; }, ConfigError.BadMac, ConfigItem.Port, 0],
    ['a zero MAC', s => { s.ports[1].mac = 0n; }, ConfigError.BadMac, ConfigItem.Port, 1],
    ['a MAC wider than 48 bits', s => { s.ports[1].mac = 1n << 48n; }, ConfigError.BadMac, ConfigItem.Port, 1],
    ['a duplicate MAC', s => { s.ports[1].mac = 0x020000000001n; }, ConfigError.DuplicateMac, ConfigItem.Port, 1],
    ['a PVID past 4094', s => { s.ports[0].pvid = 4095; }, ConfigError.BadVlan, ConfigItem.Port, 0],
    ['tagged VLANs without a PVID', s => { s.ports[0].vlans[0] = 5; s.ports[0].vlanCount = 1; }, ConfigError.BadVlan, ConfigItem.Port, 0],
    ['a tagged VLAN 0', s => { s.ports[0].pvid = 1; s.ports[0].vlanCount = 1; s.ports[0].vlans[0] = 0; }, ConfigError.BadVlan, ConfigItem.Port, 0],
    // found by test/unit/fuzz-config.test.ts: a negative tagged-VLAN count was accepted
    ['a negative VLAN count', s => { s.ports[0].pvid = 1; s.ports[0].vlanCount = -1; }, ConfigError.BadVlan, ConfigItem.Port, 0],
    ['a negative cap', s => { s.ports[1].capBps = -1; }, ConfigError.BadCap, ConfigItem.Port, 1],
    ['a channel to itself', s => { s.addChannel(s.partitions[1], s.partitions[1]); }, ConfigError.SameEnds, ConfigItem.Channel, 1],
  ];
  for (const [what, breakIt, error, kind, item] of bad) {
    it(`validateSystem: refuses ${what}`, () => {
      const s = wired();
      expect(validateSystem(s, 1024).error).to.equal(ConfigError.Ok);
      breakIt(s);
      const v = validateSystem(s, 1024);
      expect(v.error).to.equal(error);
      expect(v.itemKind).to.equal(kind);
      expect(v.item).to.equal(item);
    });
  }

  it('validateSystem: refuses a partition with more than 8 virtual devices', () => {
    const s = wired();
    for (let i = 0; i < 7; i++) s.addChannel(s.partitions[1], s.partitions[0]);
    const v = validateSystem(s, 1024);
    expect(v.error).to.equal(ConfigError.TooManyDevices);
    expect(v.partition).to.equal(0);
  });

  // A configuration validateSystem accepted could not be attached at boot: nine 64 MiB LAN windows
  // (or eight and a channel) do not fit the 131,072-entry TCE pool, and the partition was "not
  // started: no room left for its virtual devices". Now the build-time check refuses it.
  it('validateSystem: refuses DMA windows that do not fit the TCE pool; what it accepts attaches', () => {
    const s = new SystemConfig('many');
    for (let i = 0; i < 4; i++) s.add(`p${i}`, Program.Hello, 2, 10);
    const seg = s.addSegment('lan0');
    for (let i = 0; i < 8; i++) s.addPort(s.partitions[i % 4], seg, 0x020000000001n + BigInt(i));
    expect(validateSystem(s, 1024).error).to.equal(ConfigError.Ok);
    resetVio();
    expect(launch(s).length).to.equal(4);   // eight ports attach
    s.addChannel(s.partitions[0], s.partitions[1]);
    const v = validateSystem(s, 1024);
    expect(v.error).to.equal(ConfigError.TooManyWindows);
    // the refused one indeed does not attach: a partition would not start at boot
    resetVio();
    let attached = 0;
    for (let k = 0; k < 4; k++) if (attachDevices(partitions[k], s, k)) attached++;
    expect(attached).to.be.below(4);
    resetVio();
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

  const HEAD = "import { Program, SystemConfig } from CONFIG;\nexport const system = new SystemConfig('x');\nconst a = system.add('a', Program.Hello, 32, 10);\nconst b = system.add('b', Program.Hello, 32, 10);\nconst s = system.addSegment('lan0');\n";
  it('check-config: a port problem names the port and the line of its addPort call', () => {
    const r = check(HEAD + 'system.addPort(a, s, 0x020000000001n);\nsystem.addPort(b, s, 0x020000000001n);\n');
    expect(r.status).to.equal(1);
    expect(r.stderr.trim()).to.equal(`${r.file}:7: port 2 (partition 'b', MAC 02:00:00:00:00:01): the MAC is port 1's too`);
  });

  it('check-config: a segment problem names the segment and the line of its addSegment call', () => {
    const r = check(HEAD + "system.addSegment('lan0');\n");
    expect(r.status).to.equal(1);
    expect(r.stderr.trim()).to.equal(`${r.file}:6: duplicate segment name 'lan0' (segment 1 has it too)`);
  });

  it('check-config: a channel problem names its ends and the line of its addChannel call', () => {
    const r = check(HEAD + 'system.addChannel(a, b);\nsystem.addChannel(b, b);\n');
    expect(r.status).to.equal(1);
    expect(r.stderr.trim()).to.equal(`${r.file}:7: channel 2 (client 'b', server 'b'): both ends are the same partition`);
  });

  it('check-config: too many segments points at the first one past the limit', () => {
    const r = check(HEAD + ['s1', 's2', 's3', 's4'].map(n => `system.addSegment('${n}');`).join('\n') + '\n');
    expect(r.status).to.equal(1);
    expect(r.stderr.trim()).to.equal(`${r.file}:9: 5 LAN segments, at most 4 are supported`);
  });

  it('check-config: a VLAN problem names the port', () => {
    const r = check(HEAD + 'system.addPort(a, s, 0x020000000001n).pvid = 5000;\n');
    expect(r.status).to.equal(1);
    expect(r.stderr).to.contain(":6: port 1 (partition 'a', MAC 02:00:00:00:00:01): PVID 5000 and 0 tagged VLANs");
  });

  it('check-config: refuses a module without a configuration', () => {
    const r = check('export const nothing = 1;\n');
    expect(r.status).to.equal(1);
    expect(r.stderr).to.contain(":1: must export 'system', a SystemConfig");
  });
});
