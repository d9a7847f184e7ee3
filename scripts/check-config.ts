/**
 * Build-time check of a partition configuration: loads lpar/configs/<name>.ts in Node, runs the
 * same validateSystem() the hypervisor runs at boot, and reports the first problem as
 * `file:line: message` (the line of the offending system.add call). Exit status 1 on a problem.
 *
 *   node -r ./scripts/tsnc/register.cjs scripts/check-config.ts CONFIG [MACHINE]
 *
 * With a MACHINE (pseries, powernv9, ...) it also checks what only some machines run: a
 * partition in HPT mode (`hpt = true`) is refused for pseries, whose nested KVM-HV API in
 * QEMU 7.2 runs radix guests only.
 */
import * as fs from 'fs';
import * as path from 'path';
import {
  MAX_BOOTARGS, MAX_CHANNELS, MAX_IMAGE_PATH, MAX_PARTITIONS, MAX_PORT_VLANS, MAX_PORTS, MAX_SEGMENTS, MAX_VCPUS, MAX_VLAN_ID,
  MAX_WEIGHT, MEMORY_GRANULE_MIB, Program, SystemConfig,
} from '../lpar/config';
import { CRQ_WINDOW_PAGES, LAN_WINDOW_PAGES, MAX_PARTITION_VDEVICES, TCE_POOL_ENTRIES } from '../lpar/vio';
import { ConfigError, ConfigItem, ConfigVerdict, devicesOf, validateSystem, windowPages } from '../lpar/validate';

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
    case ConfigError.BadWeight: return `${who}: uncapped weight ${p!.weight} must be an integer 0 to ${MAX_WEIGHT}`;
    case ConfigError.UnknownDevice: return `${who}: unknown device flags 0x${p!.devices.toString(16)}`;
    case ConfigError.BadVcpus: return `${who}: ${p!.vcpus} vCPUs, must be 1 to ${MAX_VCPUS}`;
    case ConfigError.BadImage: return p!.image.length + p!.initrd.length > 0 && p!.program !== Program.Elf
      ? `${who}: an image or initrd is only for a partition added with system.addElf`
      : `${who}: image '${p!.image}' and initrd '${p!.initrd}' must be paths of 1 to ${MAX_IMAGE_PATH} printable ASCII characters (initrd may be empty)`;
    case ConfigError.BadHypervisorMemory: return `the hypervisor's memory, ${cfg.hypervisorMiB} MiB, must be a positive multiple of ${MEMORY_GRANULE_MIB} MiB (partitions are placed above it)`;
    case ConfigError.BadBootargs: return `${who}: bootargs must be at most ${MAX_BOOTARGS} printable ASCII characters`;
    case ConfigError.SecondVtpmPartition: return `${who}: a second partition running Program.Vtpm ('${cfg.partitions[v.other].name}' is the first); one vTPM partition serves every client`;
    case ConfigError.TooManyDevices: return `${who}: ${devicesOf(cfg, v.partition)} virtual devices (ports and channel ends), at most ${MAX_PARTITION_VDEVICES}`;
  }
  return describeItem(cfg, v);
}

/** A MAC as six colon-separated bytes. */
function macText(mac: bigint): string {
  const hex = BigInt.asUintN(64, mac).toString(16).padStart(12, '0');
  return mac >= 0n && mac < 1n << 48n ? hex.match(/../g)!.join(':') : `0x${hex}`;
}

/** The name of partition index `k`, or its number when the configuration has none such. */
function partitionText(cfg: SystemConfig, k: number): string {
  return k >= 0 && k < Math.min(cfg.count, MAX_PARTITIONS) ? `'${cfg.partitions[k].name}'` : `${k} (none such)`;
}

/** Messages for the segments', ports' and channels' verdicts. */
function describeItem(cfg: SystemConfig, v: ConfigVerdict): string | undefined {
  const s = v.itemKind === ConfigItem.Segment ? cfg.segments[v.item] : undefined;
  const port = v.itemKind === ConfigItem.Port ? cfg.ports[v.item] : undefined;
  const c = v.itemKind === ConfigItem.Channel ? cfg.channels[v.item] : undefined;
  const portWho = port ? `port ${v.item + 1} (partition ${partitionText(cfg, port.partition)}, MAC ${macText(port.mac)})` : '';
  const channelWho = c ? `channel ${v.item + 1} (client ${partitionText(cfg, c.client)}, server ${partitionText(cfg, c.server)})` : '';
  switch (v.error) {
    case ConfigError.TooManySegments: return `${cfg.segmentCount} LAN segments, at most ${MAX_SEGMENTS} are supported`;
    case ConfigError.TooManyPorts: return `${cfg.portCount} LAN ports, at most ${MAX_PORTS} are supported`;
    case ConfigError.TooManyChannels: return `${cfg.channelCount} CRQ channels, at most ${MAX_CHANNELS} are supported`;
    case ConfigError.BadSegmentName: return `segment ${v.item + 1}: name '${s!.name}' must be 1 to 15 characters of A-Z a-z 0-9 -`;
    case ConfigError.DuplicateSegment: return `duplicate segment name '${s!.name}' (segment ${v.other + 1} has it too)`;
    case ConfigError.UnknownSegment: return `${portWho}: segment ${port!.segment} is not one of the configuration's ${cfg.segmentCount} (use the result of system.addSegment)`;
    case ConfigError.UnknownPartition: return port
      ? `${portWho}: partition ${port.partition} is not one of the configuration's ${cfg.count}`
      : `${channelWho}: an end is not one of the configuration's ${cfg.count} partitions`;
    case ConfigError.BadMac: return `${portWho}: the MAC must be a unicast address (low bit of the first byte clear), not zero, at most 48 bits`;
    case ConfigError.DuplicateMac: return `${portWho}: the MAC is port ${v.other + 1}'s too`;
    case ConfigError.BadVlan: return `${portWho}: PVID ${port!.pvid} and ${port!.vlanCount} tagged VLANs: VLAN ids must be 1 to ${MAX_VLAN_ID}, at most ${MAX_PORT_VLANS} tagged, and tagged VLANs need a PVID`;
    case ConfigError.BadCap: return `${portWho}: send cap ${port!.capBps} bit/s must not be negative (0: no cap)`;
    case ConfigError.TooManyWindows: return `${cfg.portCount} LAN ports and ${cfg.channelCount} CRQ channels need ${windowPages(cfg)} TCEs for their DMA windows (${LAN_WINDOW_PAGES} a port, ${CRQ_WINDOW_PAGES} a channel end), the hypervisor has ${TCE_POOL_ENTRIES}`;
    case ConfigError.SameEnds: return `${channelWho}: both ends are the same partition`;
    case ConfigError.NotVtpmServer: return `${channelWho}: a vTPM's server must run Program.Vtpm and its client must not`;
    case ConfigError.DuplicateVtpm: return `${channelWho}: the client has a vTPM already (channel ${v.other + 1})`;
  }
  return `unknown verdict ${v.error}`;
}

/** The call that adds each kind of item (ConfigItem order; None: a partition). */
const ADDERS = [/\.add(Elf)?\(/, /\.addSegment\(/, /\.addPort\(/, /\.add(Channel|Vtpm)\(/];

/**
 * The 1-based line of the `index`-th (from 0) call adding an item of `kind` (calls are in order):
 * `.add(`/`.addElf(` for a partition, `.addSegment(`, `.addPort(`, `.addChannel(`; else the line
 * of `new SystemConfig`.
 */
export function lineOf(source: string, index: number, kind: ConfigItem = ConfigItem.None): number {
  const lines = source.split('\n');
  let seen = -1;
  for (let i = 0; i < lines.length; i++) {
    if (index >= 0 && ADDERS[kind].test(lines[i]) && ++seen === index) return i + 1;
  }
  const decl = lines.findIndex(l => /new SystemConfig\(/.test(l));
  return decl < 0 ? 1 : decl + 1;
}

/** The line of the call at fault in verdict `v`: the item's, the partition's, or the first add past a limit. */
export function verdictLine(source: string, v: ConfigVerdict): number {
  if (v.itemKind !== ConfigItem.None) return lineOf(source, v.item, v.itemKind);
  if (v.error === ConfigError.TooManySegments) return lineOf(source, MAX_SEGMENTS, ConfigItem.Segment);
  if (v.error === ConfigError.TooManyPorts) return lineOf(source, MAX_PORTS, ConfigItem.Port);
  if (v.error === ConfigError.TooManyChannels) return lineOf(source, MAX_CHANNELS, ConfigItem.Channel);
  if (v.error === ConfigError.TooManyPartitions) return lineOf(source, MAX_PARTITIONS);
  if (v.error === ConfigError.TooManyWindows) return lineOf(source, 0, ConfigItem.Port);
  return lineOf(source, v.partition);
}

/** Why `cfg` cannot run on `machine` (undefined when it can): HPT partitions are powernv only. */
export function machineProblem(cfg: SystemConfig, machine: string): { partition: number, message: string } | undefined {
  if (!machine.startsWith('pseries')) return undefined;
  for (let i = 0; i < cfg.count; i++) {
    if (cfg.partitions[i].hpt) {
      return {
        partition: i,
        message: `partition '${cfg.partitions[i].name}': hpt (hashed page tables) runs on powernv only; ` +
          `on pseries tshype runs partitions as nested KVM-HV guests, which QEMU 7.2 runs in radix mode only`,
      };
    }
  }
  return undefined;
}

/** Check one configuration file (for `machine` when given); returns the diagnostic or undefined. */
export function checkConfigFile(file: string, machine = ''): string | undefined {
  const abs = path.resolve(file);
  if (!fs.existsSync(abs)) return `${file}: no such configuration`;
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  const mod = require(abs) as { system?: SystemConfig };
  if (!(mod.system instanceof SystemConfig)) return `${file}:1: must export 'system', a SystemConfig`;
  const v = validateSystem(mod.system, mod.system.machineMiB);
  const msg = describe(mod.system, v);
  if (msg === undefined) {
    const m = machineProblem(mod.system, machine);
    return m ? `${file}:${lineOf(fs.readFileSync(abs, 'utf8'), m.partition)}: ${m.message}` : undefined;
  }
  return `${file}:${verdictLine(fs.readFileSync(abs, 'utf8'), v)}: ${msg}`;
}

if (require.main === module) {
  const name = process.argv[2];
  if (!name) {
    console.error('usage: check-config.ts CONFIG [MACHINE]   (a name in lpar/configs/ or a path; pseries, powernv9, ...)');
    process.exit(2);
  }
  const file = name.endsWith('.ts') ? name : path.join('lpar', 'configs', `${name}.ts`);
  const problem = checkConfigFile(file, process.argv[3] ?? '');
  if (problem) {
    console.error(problem);
    process.exit(1);
  }
  console.log(`${file}: configuration ok`);
}
