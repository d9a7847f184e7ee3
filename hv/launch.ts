/**
 * Putting a partition's program into it: at launch (hv/boot.ts) and again when the partition
 * asks to be rebooted (RTAS system-reboot). The external images come from the guest bundle
 * the platform passed (docs/guest-bundle.md), found and moved out of the way at boot.
 */
import { hptClearGuestEntries, hptInvalidateLpid } from '../arch/ppc64/hash';
import { preparePartition } from '@platform';
import { writeDecimal, writeHex, writeLine, writeString } from '../lpar/console';
import { MAX_PARTITION_VDEVICES, VioKind, deviceAt, vdevices } from '../lpar/vio';
import { Program } from '../lpar/config';
import { BundleStatus, bundleStatusText, GuestBundle } from '../lpar/bundle';
import { elfStatusText } from '../lpar/elf';
import { imageAddress, imageSize } from '../lpar/images';
import { fdtAddress, loadElfPartition, loadPartition, LoadStatus, loadStatusElf } from '../lpar/loader';
import { Partition, haltPartition } from '../lpar/partition';
import { resetVirtualIo } from './vio';
import { releaseGrants } from '../lpar/grant';

/** The halt status of a partition whose program could not be loaded again at a reboot. */
const RESTART_FAILED = 0xdeadn;

/**
 * The guest bundle, once boot found and opened it (hv/bundle-place.ts); until then, or when it
 * was refused, it has no entries and no external image loads.
 */
export const guestBundle = new GuestBundle();

/** Start a hypervisor line about partition `p`: `[hv] partition 'name' ` and `what`. */
export function say(p: Partition, what: string): void {
  writeString("[hv] partition '");
  writeString(p.name);
  writeString("' ");
  writeString(what);
}

/**
 * For a partition with a vTPM, one line per launch measurement (lpar/measure.ts) — what its
 * instance's PCRs will be extended with: `[hv] partition 'NAME' measured into PCR N: <SHA-256>`.
 */
function sayMeasurements(p: Partition): void {
  if (!hasVtpm(p)) return;
  const rec = p.launch;
  for (let i = 0; i < rec.count; i++) {
    say(p, 'measured into PCR ');
    writeDecimal(rec.pcrs[i]);
    writeString(': ');
    for (let j = 0; j < 32; j++) writeHex(BigInt(rec.digests[32 * i + j]), 2);
    writeLine('');
  }
}

/** Whether `p` has a vTPM device (a client end of a vTPM binding). */
function hasVtpm(p: Partition): boolean {
  for (let k = 0; k < MAX_PARTITION_VDEVICES; k++) {
    const i = deviceAt(p.lpid - 1, k);
    if (i >= 0 && vdevices[i].kind === VioKind.VtpmClient) return true;
  }
  return false;
}

/** Load `p`'s program (built-in or from the bundle); false, with the reason printed, when it cannot. */
export function loadProgram(p: Partition): boolean {
  let st = LoadStatus.NoImage;
  if (p.program !== Program.Elf) st = loadPartition(p, imageAddress(p.program), imageSize(p.program));
  else st = loadElfPartition(p, guestBundle);
  if (st === LoadStatus.Ok) {
    sayMeasurements(p);
    return true;
  }
  say(p, 'not started: ');
  if (p.program === Program.Elf) {
    writeString(st === LoadStatus.InitrdMissing || st === LoadStatus.InitrdCorrupt || st === LoadStatus.InitrdDoesNotFit ? p.initrd : p.image);
    writeString(': ');
  }
  switch (st) {
    case LoadStatus.ImageMissing: case LoadStatus.InitrdMissing:
      writeLine(guestBundle.count > 0 ? 'not in the guest bundle' : 'no guest bundle was passed (make run GUEST=... or a configuration with addElf passes one)');
      return false;
    case LoadStatus.ImageCorrupt: case LoadStatus.InitrdCorrupt:
      writeLine(bundleStatusText(BundleStatus.ImageCorrupt));
      return false;
    case LoadStatus.ElfRefused: writeLine(elfStatusText(loadStatusElf)); return false;
    case LoadStatus.InitrdDoesNotFit: writeLine('does not fit between the kernel and the top of the partition'); return false;
    case LoadStatus.ImageTooLarge: writeLine('image larger than the partition'); return false;
    case LoadStatus.DeviceTreeFailed: writeLine('its device tree does not fit'); return false;
  }
  writeString('cannot load its program, status ');
  writeDecimal(st);
  writeLine('');
  return false;
}

/** Map created partition `p` and load its program; false (with a console line) when it cannot. */
export function prepareAndLoad(p: Partition): boolean {
  if (!preparePartition(p)) { say(p, 'not started: out of page-table memory'); writeLine(''); return false; }
  return loadProgram(p);
}

/**
 * Restart running partition `p` as RTAS system-reboot asks: its memory scrubbed, its program
 * loaded again, its interrupt controller and translation reset, its grants revoked and its
 * mappings of others' pages removed (lpar/grant.ts releaseGrants), its boot vCPU started afresh
 * (the others stopped). A partition whose image can no longer be loaded is stopped instead.
 */
export function restartPartition(p: Partition): void {
  p.restartRequested = false;
  say(p, 'restarting (system-reboot)');
  writeLine('');
  for (let i = 0; i < p.vcpus.length; i++) p.vcpus[i].started = false;
  p.xics.reset(p.vcpuCount);
  resetVirtualIo(p);
  releaseGrants(p);
  p.processTable = 0n;
  p.gtse = false;
  p.translationChanged = true;
  if (p.hpt && p.hptBase !== 0n) {      // the old kernel's mappings go; the VRMA stays
    hptClearGuestEntries(p.hptBase, p.hptOrder);
    hptInvalidateLpid(p.lpid);
  }
  p.inputHead = 0;
  p.inputCount = 0;
  if (!loadProgram(p)) {
    haltPartition(p, RESTART_FAILED);   // nothing left to run
    return;
  }
  p.vcpu.reset(p.entry, fdtAddress(p), p.loadBase);
}
