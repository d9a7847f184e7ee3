/**
 * The boot sequence: read the machine from its device tree, check the configuration built into
 * the image against it, create, load and start the partitions, run them until all have
 * stopped, print the summary. Returns the exit status for powerOff (0 unless the hypervisor
 * itself failed or a test partition reported an isolation leak; partitions that crash are
 * reported, not fatal).
 */
import { mftb, type u64 } from 'tsnc';
import { nvStartup } from './persist';
import { firmwareStartup, hashPartitionsSupported, initPartitioning, platformName } from '@platform';
import { system } from '@config';
import { Fdt, FdtStatus, MemRanges, CpuTable, fdtStatusText } from '../lpar/fdt';
import { writeDecimal, writeHex, writeLine, writeString } from '../lpar/console';
import { initPagePool, poolFree } from '../arch/ppc64/common/pages';
import { freeStart, reservedOverlap, usableMiB } from './memmap';
import { runAll } from './scheduler';
import { printWallClock, setTimebaseHz, startWallClock, timebaseHz } from '../lpar/time';
import { GateOutcome, gateStats, unknownOpcodeCount, unknownOpcodes } from './gate';
import { exitSummary, interruptSummary } from './exits';
import { validateSystem, ConfigError } from '../lpar/validate';
import { Program, type PartitionConfig } from '../lpar/config';
import { FOCUS_HYPERVISOR, setFocus } from './focus';
import { CrashReason, LparState, partitions, createPartition, destroyPartition, startPartition, Partition } from '../lpar/partition';
import {
  abortLaunch, admitDestroy, admitLaunch, commitLaunch, forgetPartition, initSecurity, labelOf, securityActive,
  securitySummary,
} from '../shype/security';
import { fdtAddress, guestTreeParams } from '../lpar/loader';
import { prepareAndLoad, say } from './launch';
import { findBundle, openBundle, placeBundle } from './bundle-place';
import { describeHcalls } from './dispatch';
import { attachVirtualIo, connectVirtualIo, vioSummary } from './vio';
import { detachDevices } from '../lpar/vio';
import { fuzzStart, fuzzVerdict, poolLine } from './fuzz-check';
import { manageConfiguration, manageSummary } from './manage';
import { excludeRange, freeRegion, initRegions, reserveRegion } from '../lpar/regions';
import { writePartitionStats } from './accounting';

/** The page pool for partition and page tables: [16 MiB, end of the hypervisor's region). */
const POOL_START_MIB = 16;
/** The pool starts on this boundary above firmware memory it must skip (the -bios FDT at 16 MiB). */
const POOL_ALIGN: u64 = 0x10000n;
/** Most bytes of the firmware's device tree we look at. */
const FDT_LIMIT = 0x100000;

const fdt = new Fdt();
const memory = new MemRanges(16);
/** Firmware memory nothing may overwrite: the device tree itself and the ranges it reserves. */
const reserved = new MemRanges(32);
const cpus = new CpuTable(64);
/** The firmware passed a guest bundle (hv/bundle-place.ts). */
let hasBundle = false;

function mib(n: number): u64 {
  return BigInt.asUintN(64, BigInt(n) << 20n);
}

function readMachine(fdtAddr: u64): boolean {
  const st = fdt.open(fdtAddr, FDT_LIMIT);
  if (st !== FdtStatus.Ok) {
    writeString('[hv] PANIC: the firmware device tree is invalid, status ');
    writeDecimal(st);
    writeString(': ');
    writeLine(fdtStatusText(st));
    return false;
  }
  fdt.memory(memory);
  const rs = fdt.reserved(reserved);
  if (rs !== FdtStatus.Ok || !reserved.add(fdtAddr, BigInt(fdt.totalSize()))) {
    writeString("[hv] PANIC: cannot read the firmware's reserved memory ranges, status ");
    writeDecimal(rs);
    writeLine('');
    return false;
  }
  fdt.cpus(cpus);
  if (cpus.count > 0) setTimebaseHz(cpus.timebaseHz[0]);
  hasBundle = findBundle(fdt);
  startWallClock(mftb());   // the platform's clock, or 1970 (printWallClock says which)
  return true;
}

/**
 * True unless a partition asks for hashed page tables (PartitionConfig.hpt) on a platform that
 * runs only radix partitions (pseries: QEMU 7.2's nested KVM-HV); then it says which.
 */
function translationModesOffered(): boolean {
  if (hashPartitionsSupported()) return true;
  for (let i = 0; i < system.count; i++) {
    if (!system.partitions[i].hpt) continue;
    writeString('[hv] PANIC: partition \'');
    writeString(system.partitions[i].name);
    writeLine('\' asks for hashed page tables (hpt): this platform runs radix partitions only (nested KVM-HV)');
    return false;
  }
  return true;
}

/**
 * True unless a partition of the placement overlaps firmware-reserved memory (then it says
 * which, and the configuration must not run: loading would overwrite the firmware).
 */
function placementClear(baseMiB: Int32Array): boolean {
  for (let i = 0; i < system.count; i++) {
    const cfg = system.partitions[i];
    const r = reservedOverlap(reserved, mib(baseMiB[i]), mib(cfg.memoryMiB));
    if (r < 0) continue;
    writeString("[hv] PANIC: configuration refused for this machine: partition '");
    writeString(cfg.name);
    writeString("' at 0x");
    writeHex(mib(baseMiB[i]), 8);
    writeString(' overlaps firmware-reserved memory [0x');
    writeHex(reserved.base[r], 8);
    writeString(', 0x');
    writeHex(BigInt.asUintN(64, reserved.base[r] + reserved.size[r]), 8);
    writeLine(')');
    return false;
  }
  return true;
}

/**
 * Launch partition i of the configuration, placed at `baseMiB` (launchPartition), its memory
 * taken from the partition memory map; a definition without autostart is left for run-time
 * management (hv/manage.ts).
 */
function launch(i: number, baseMiB: number): boolean {
  const cfg = system.partitions[i];
  if (!cfg.autostart) return false;
  if (!reserveRegion(baseMiB, cfg.memoryMiB)) return false;   // validated: cannot overlap another
  if (launchPartition(partitions[i], cfg, BigInt.asUintN(64, BigInt(baseMiB) << 20n))) return true;
  freeRegion(baseMiB, cfg.memoryMiB);
  return false;
}

/**
 * Launch the configured partition `cfg` into slot `p` with its memory at real address `base`:
 * admitted first (the configuration's CreatePartition and StartPartition on its label, the Chinese
 * Wall of its start), then created, mapped, loaded and started. A refusal creates nothing; a
 * failure after the creation gives the slot back (a decided DestroyPartition). True when the
 * partition runs. Exported for the unit tests.
 */
export function launchPartition(p: Partition, cfg: PartitionConfig, base: u64): boolean {
  const ssidref = labelOf(cfg.label);
  if (securityActive() && ssidref === 0) {
    writeString("[hv] partition '");
    writeString(cfg.name);
    writeString("' refused: its label '");
    writeString(cfg.label);
    writeLine("' is not in the policy");
    return false;
  }
  if (!admitLaunch(p, cfg.name, ssidref)) return false;
  if (!createPartition(p, cfg, base, timebaseHz / 1000n, ssidref)) {
    abortLaunch(ssidref);
    return false;
  }
  if (!attachVirtualIo(p, cfg.index)) {
    say(p, 'not started: no room left for its virtual devices');
    writeLine('');
    abortLaunch(ssidref);
    dismantle(p);
    return false;
  }
  if (!prepareAndLoad(p) || !startPartition(p, p.entry, fdtAddress(p), p.loadBase)) {
    abortLaunch(ssidref);
    dismantle(p);
    return false;
  }
  commitLaunch(p);
  say(p, 'started: ');
  writeDecimal(cfg.memoryMiB);
  writeString(' MiB at 0x');
  writeHex(base, 8);
  writeString(', share ');
  writeDecimal(cfg.cpuShare);
  writeLine('%');
  return true;
}

/**
 * Give back the slot of partition `p`, created but not started: a DestroyPartition decided with
 * the configuration as the subject. Refused, the slot stays as it is (created, never run).
 */
function dismantle(p: Partition): void {
  if (!admitDestroy(p)) return;
  detachDevices(p.lpid - 1);
  forgetPartition(p);
  destroyPartition(p);
}

/** The summary's words for a crashed partition. */
function crashSummary(reason: CrashReason): string {
  if (reason === CrashReason.TimeLimit) return 'stopped at its time limit';
  return reason === CrashReason.Stopped ? 'stopped by management' : 'crashed';
}

function summary(total: u64): void {
  writeLine('[hv] summary:');
  for (let i = 0; i < system.count; i++) {
    const p = partitions[i];
    writeString("[hv]   '");
    writeString(system.partitions[i].name);   // a partition refused at launch has no name in its slot
    writeString("' ");
    if (p.state === LparState.Halted) { writeString('halted, status '); writeDecimal(Number(p.haltStatus & 0xffffffffn)); }
    else if (p.state === LparState.Crashed) writeString(crashSummary(p.crash));
    else if (p.runnable()) writeString(p.isService() ? 'still serving at shutdown' : 'still running at shutdown');
    else if (p.state === LparState.Created) writeString('created, not started');
    else if (p.name.length > 0) writeString('destroyed');   // created once (its name set), now Empty
    else writeString(system.partitions[i].autostart ? 'not run' : 'not created');
    writeString(', hcalls ');
    writeDecimal(p.hcalls);
    writeString(', exits ');
    writeDecimal(p.exits);
    writeString(', cpu ');
    writeDecimal(total === 0n ? 0 : Number(BigInt.asUintN(64, p.runTicks * 1000n) / total));
    writeLine(' per mille');
  }
  writeString('[hv] gate: ');
  writeDecimal(gateStats[GateOutcome.Allowed]);
  writeString(' allowed, ');
  writeDecimal(gateStats[GateOutcome.Denied]);
  writeString(' denied, ');
  writeDecimal(gateStats[GateOutcome.Privilege]);
  writeString(' from problem state, ');
  writeDecimal(gateStats[GateOutcome.Unknown]);
  writeString(' unknown');
  for (let i = 0; i < unknownOpcodeCount; i++) {
    writeString(i === 0 ? ' (0x' : ', 0x');
    writeHex(unknownOpcodes[i], unknownOpcodes[i] < 0x10000n ? 4 : 16);
  }
  writeLine(unknownOpcodeCount > 0 ? ')' : '');
  for (let i = 0; i < system.count; i++) writePartitionStats(partitions[i]);
  let exits = 0;
  for (let i = 0; i < system.count; i++) exits += partitions[i].exits;
  exitSummary(exits);
  interruptSummary();
  poolLine();
  vioSummary();
  manageSummary();
}

/** Who has the console focus at boot: the first running external-image partition, else the hypervisor. */
function initialFocus(): number {
  for (let i = 0; i < system.count; i++) {
    if (partitions[i].runnable() && partitions[i].program === Program.Elf) return i + 1;
  }
  return FOCUS_HYPERVISOR;
}

/** boot()'s status when a test partition reported an isolation leak (H_TSHYPE_REPORT). */
export const EXIT_ISOLATION_LEAKS = 2;

/**
 * The isolation line of the summary, `[hv] isolation: N checks, M leaks`, summed over the
 * partitions that used H_TSHYPE_REPORT (nothing when none did). Returns M.
 */
export function isolationSummary(): number {
  let reported = false, checks = 0, leaks = 0;
  for (let i = 0; i < system.count; i++) {
    const p = partitions[i];
    if (!p.reported) continue;
    reported = true;
    checks += p.reportedChecks;
    leaks += p.reportedLeaks;
  }
  if (!reported) return 0;
  writeString('[hv] isolation: ');
  writeDecimal(checks);
  writeString(' checks, ');
  writeDecimal(leaks);
  writeLine(' leaks');
  return leaks;
}

/** boot()'s status when a fuzzing run found a crash or an invariant violation (hv/fuzz-check.ts). */
export const EXIT_FUZZ_FAILED = 3;

/**
 * Boot and run the configuration; returns the status for powerOff: 0, 1 after a hypervisor
 * failure, EXIT_ISOLATION_LEAKS when a test partition reported a leak, EXIT_FUZZ_FAILED when
 * a fuzzing run found a crash or a violated invariant.
 */
export function boot(fdtAddr: u64): number {
  writeString('[hv] tshype on ');
  writeString(platformName());
  writeString(', configuration ');
  writeLine(system.name);
  firmwareStartup();
  nvStartup();
  manageConfiguration(system);
  if (!readMachine(fdtAddr)) return 1;
  const hvEnd = mib(system.hypervisorMiB);
  if (hasBundle && !placeBundle(memory, reserved, hvEnd)) {
    writeLine('[hv] PANIC: the guest bundle does not fit in memory above the hypervisor');
    return 1;
  }
  const usable = usableMiB(memory, reserved, hvEnd);
  const verdict = validateSystem(system, usable);
  if (verdict.error !== ConfigError.Ok) {
    writeString('[hv] PANIC: configuration refused for this machine, error ');
    writeDecimal(verdict.error);
    writeString(' (partition ');
    writeDecimal(verdict.partition + 1);
    writeString(', ');
    writeDecimal(usable);
    writeLine(' MiB usable)');
    return 1;
  }
  if (!placementClear(verdict.baseMiB)) return 1;
  if (!translationModesOffered()) return 1;
  initPagePool(freeStart(reserved, mib(POOL_START_MIB), hvEnd, POOL_ALIGN), hvEnd);
  initRegions(system.hypervisorMiB, usable);
  for (let i = 0; i < reserved.count; i++) excludeRange(reserved.base[i], reserved.size[i]);
  if (!initPartitioning()) {
    writeLine('[hv] PANIC: this machine cannot run partitions (no partition table)');
    return 1;
  }
  writeString('[hv] ');
  writeDecimal(usable);
  writeString(' MiB usable, timebase ');
  writeDecimal(Number(timebaseHz));
  writeString(' Hz, page pool ');
  writeDecimal(Number(poolFree() >> 10n));
  writeLine(' KiB');
  printWallClock();
  if (!initSecurity()) return 1;
  if (hasBundle) openBundle();
  describeHcalls(guestTreeParams);
  // services (the vTPM) first: they are ready before the partitions they serve start
  for (let i = 0; i < system.count; i++) if (system.partitions[i].program === Program.Vtpm) launch(i, verdict.baseMiB[i]);
  for (let i = 0; i < system.count; i++) if (system.partitions[i].program !== Program.Vtpm) launch(i, verdict.baseMiB[i]);
  connectVirtualIo();
  fuzzStart();
  const focus = initialFocus();
  if (focus !== FOCUS_HYPERVISOR) setFocus(focus);   // announced; the hypervisor has it otherwise
  const t0 = mftb();
  runAll();
  summary(BigInt.asUintN(64, mftb() - t0));
  securitySummary();
  const leaks = isolationSummary();
  const fuzzFailures = fuzzVerdict();
  if (leaks > 0) return EXIT_ISOLATION_LEAKS;
  return fuzzFailures > 0 ? EXIT_FUZZ_FAILED : 0;
}
