/**
 * Build-time check of a partition configuration: loads lpar/configs/<name>.ts in Node, runs the
 * same validateSystem() the hypervisor runs at boot, and reports the first problem as
 * `file:line: message` (the line of the offending system.add call). Exit status 1 on a problem.
 *
 *   node -r ./scripts/tsnc/register.cjs scripts/check-config.ts CONFIG
 */
import * as fs from 'fs';
import * as path from 'path';
import { MAX_BOOTARGS, MAX_IMAGE_PATH, MAX_PARTITIONS, MAX_VCPUS, MEMORY_GRANULE_MIB, Program, SystemConfig } from '../lpar/config';
import { ConfigError, ConfigVerdict, validateSystem } from '../lpar/validate';

/** The message for a verdict (undefined when the configuration is fine). */
export function describe(cfg: SystemConfig, v: ConfigVerdict): string | undefined {
  const p = v.partition >= 0 ? cfg.partitions[v.partition] : undefined;
  const q = v.other >= 0 ? cfg.partitions[v.other] : undefined;
  const who = p ? `partition '${p.name}'` : '';
  switch (v.error) {
    case ConfigError.Ok: return undefined;
    case ConfigError.NoPartitions: return 'no partitions: add at least one with system.add(...)';
    case ConfigError.TooManyPartitions: return `${cfg.count} partitions, at most ${MAX_PARTITIONS} are supported`;
    case ConfigError.BadName: return `partition ${v.partition + 1}: name '${p!.name}' must be 1 to 15 characters of A-Z a-z 0-9 -`;
    case ConfigError.ReservedName: return `partition ${v.partition + 1}: name '${p!.name}' is the hypervisor's console prefix; its lines could be taken for the hypervisor's`;
    case ConfigError.DuplicateName: return `duplicate partition name '${p!.name}' (partition ${v.other + 1} has it too)`;
    case ConfigError.BadMemorySize: return `${who}: memory ${p!.memoryMiB} MiB must be a positive multiple of ${MEMORY_GRANULE_MIB} MiB`;
    case ConfigError.BadPlacement: return `${who}: base ${p!.baseMiB} MiB must be a multiple of ${MEMORY_GRANULE_MIB} MiB at or above the hypervisor's ${cfg.hypervisorMiB} MiB`;
    case ConfigError.Overlap: return `${who}: memory [${p!.baseMiB}, ${p!.baseMiB + p!.memoryMiB}) MiB overlaps partition '${q!.name}' [${q!.baseMiB}, ${q!.baseMiB + q!.memoryMiB}) MiB`;
    case ConfigError.OutOfMemory: return `${who}: ${p!.memoryMiB} MiB does not fit: the machine has ${cfg.machineMiB} MiB (hypervisor ${cfg.hypervisorMiB} MiB)`;
    case ConfigError.BadShare: return `${who}: CPU share ${p!.cpuShare}% must be 1 to 100`;
    case ConfigError.OverCommittedShare: return `CPU shares add up to more than one processor (100%)`;
    case ConfigError.UnknownDevice: return `${who}: unknown device flags 0x${p!.devices.toString(16)}`;
    case ConfigError.BadVcpus: return `${who}: ${p!.vcpus} vCPUs, must be 1 to ${MAX_VCPUS}`;
    case ConfigError.BadImage: return p!.image.length + p!.initrd.length > 0 && p!.program !== Program.Elf
      ? `${who}: an image or initrd is only for a partition added with system.addElf`
      : `${who}: image '${p!.image}' and initrd '${p!.initrd}' must be paths of 1 to ${MAX_IMAGE_PATH} printable ASCII characters (initrd may be empty)`;
    case ConfigError.BadHypervisorMemory: return `the hypervisor's memory, ${cfg.hypervisorMiB} MiB, must be a positive multiple of ${MEMORY_GRANULE_MIB} MiB (partitions are placed above it)`;
    case ConfigError.BadBootargs: return `${who}: bootargs must be at most ${MAX_BOOTARGS} printable ASCII characters`;
  }
  return `unknown verdict ${v.error}`;
}

/** The 1-based line of partition `index`'s `.add(` call (calls are in order), else of `new SystemConfig`. */
export function lineOf(source: string, index: number): number {
  const lines = source.split('\n');
  let seen = -1;
  for (let i = 0; i < lines.length; i++) {
    if (index >= 0 && /\.add(Elf)?\(/.test(lines[i]) && ++seen === index) return i + 1;
  }
  const decl = lines.findIndex(l => /new SystemConfig\(/.test(l));
  return decl < 0 ? 1 : decl + 1;
}

/** Check one configuration file; returns the diagnostic or undefined. */
export function checkConfigFile(file: string): string | undefined {
  const abs = path.resolve(file);
  if (!fs.existsSync(abs)) return `${file}: no such configuration`;
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  const mod = require(abs) as { system?: SystemConfig };
  if (!(mod.system instanceof SystemConfig)) return `${file}:1: must export 'system', a SystemConfig`;
  const v = validateSystem(mod.system, mod.system.machineMiB);
  const msg = describe(mod.system, v);
  if (msg === undefined) return undefined;
  return `${file}:${lineOf(fs.readFileSync(abs, 'utf8'), v.partition)}: ${msg}`;
}

if (require.main === module) {
  const name = process.argv[2];
  if (!name) {
    console.error('usage: check-config.ts CONFIG   (a name in lpar/configs/ or a path)');
    process.exit(2);
  }
  const file = name.endsWith('.ts') ? name : path.join('lpar', 'configs', `${name}.ts`);
  const problem = checkConfigFile(file);
  if (problem) {
    console.error(problem);
    process.exit(1);
  }
  console.log(`${file}: configuration ok`);
}
