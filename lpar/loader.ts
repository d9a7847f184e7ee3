/**
 * Loading a partition: clear its memory (no data survives from an earlier tenant, a reboot or
 * boot), put its program in, write its RTAS stub and device tree at the top of its memory.
 *
 *   a built-in program   (lpar/images.ts) copied to logical address 0 and entered at 0;
 *   an external ELF      (Program.Elf) from the guest bundle (lpar/bundle.ts): its PT_LOAD
 *                        segments placed as lpar/elf.ts says, entered at its entry point; an
 *                        initrd from the bundle just below the RTAS stub.
 *
 * Either way the vCPU starts as PAPR firmware starts a kernel: big-endian, real mode, r3 =
 * the device tree's logical address, r4 = the load address, r5 = 0 (lpar/vcpu.ts reset).
 *
 * Top of a partition's memory (below 4 GiB for the RTAS stub):
 *   [top - FDT_SPACE, top)                      the device tree
 *   [top - FDT_SPACE - RTAS_SPACE, ...)         the RTAS stub (reserved in the tree)
 *   EVENTLOG_SPACE below the stub               a partition with a vTPM: the TCG event log of
 *                                               its launch (lpar/eventlog.ts), reserved in the
 *                                               tree and named by the vtpm node
 *   below that, 64 KiB-aligned                  the initrd, if any
 *
 * What is loaded is measured first (lpar/measure.ts): the image, the initrd, then the device
 * tree as written and the label, before the partition's first instruction.
 */
import { load64, store32, store64, store8, type u64 } from 'tsnc';
import { zeroRange } from '../arch/ppc64/common/pages';
import { timebaseHz } from './time';
import { FdtWriter, GuestTreeParams, buildGuestTree } from './devtree';
import { Partition } from './partition';
import { Program } from './config';
import { ElfImage, ElfStatus } from './elf';
import { BundleStatus, GuestBundle } from './bundle';
import { MAX_PARTITION_VDEVICES, TCE_PAGE, VioKind, deviceAt, vdevices } from './vio';
import { lanPorts } from './lan';
import { SOURCE_BASE } from './xics';
import { LaunchItem } from './measure';
import { EV_IPL, EventLogWriter, PCR_DEVTREE, PCR_IMAGE, PCR_INITRD, PCR_LABEL, textDataLength, eventLogAreaSize } from './eventlog';

/** Bytes at the top of every partition's memory that hold its device tree. */
export const FDT_SPACE = 0x10000;
/** Bytes below the device tree that hold the RTAS stub. */
export const RTAS_SPACE = 0x10000;
/** Bytes below the RTAS stub kept for a partition's TCG event log (its vTPM's measured launch). */
export const EVENTLOG_SPACE = 0x1000;
/** The initrd and position-independent images are placed on this boundary. */
const IMAGE_ALIGN_DOWN: u64 = 0xffffffffffff0000n;
/** Real-mode addresses a 32-bit RTAS caller can reach: the stub lies below this. */
const RTAS_LIMIT: u64 = 0x100000000n;

/**
 * The RTAS stub, big-endian as RTAS is entered (ref/LINUX-GUEST.md A.5): it forwards the
 * argument buffer to the hypervisor's H_RTAS (0xf000) and returns to the caller.
 *   mr r4,r3; li r3,0; ori r3,r3,0xf000; sc 1; blr
 */
const RTAS_STUB = new Uint32Array([0x7c641b78, 0x38600000, 0x6063f000, 0x44000022, 0x4e800020]);

/** Why a partition could not be loaded. */
export const enum LoadStatus {
  Ok = 0,
  NoImage = 1,
  ImageTooLarge = 2,
  DeviceTreeFailed = 3,
  /** The guest bundle has no entry of the image's name (or there is no bundle). */
  ImageMissing = 4,
  /** The image's SHA-256 does not match the bundle's header. */
  ImageCorrupt = 5,
  /** lpar/elf.ts refused the image (loadStatusElf says why). */
  ElfRefused = 6,
  InitrdMissing = 7,
  InitrdCorrupt = 8,
  /** The initrd does not fit between the kernel and the RTAS stub. */
  InitrdDoesNotFit = 9,
}

const writer = new FdtWriter();
/**
 * What every partition's device tree shares. The hypervisor fills in its hcall interface (the
 * function sets, hv/dispatch.ts describeHcalls) at boot; the partition's own values are set by
 * the load functions.
 */
export const guestTreeParams = new GuestTreeParams();
const params = guestTreeParams;
const elf = new ElfImage();
const DIGEST = new Uint8Array(32);
/** Why lpar/elf.ts refused the last image (LoadStatus.ElfRefused). */
export let loadStatusElf: ElfStatus = ElfStatus.Ok;

/** The top of the partition memory the stub and tree are placed under (at most 4 GiB). */
function top(p: Partition): u64 {
  return p.memSize < RTAS_LIMIT ? p.memSize : RTAS_LIMIT;
}

/** The logical address of the partition's device tree. */
export function fdtAddress(p: Partition): u64 {
  return BigInt.asUintN(64, top(p) - BigInt(FDT_SPACE));
}

/** The logical address of the partition's RTAS stub. */
export function rtasAddress(p: Partition): u64 {
  return BigInt.asUintN(64, top(p) - BigInt(FDT_SPACE + RTAS_SPACE));
}

/** The logical address of the partition's event log area: the highest an image or initrd may reach. */
export function eventLogAddress(p: Partition): u64 {
  return BigInt.asUintN(64, rtasAddress(p) - BigInt(EVENTLOG_SPACE));
}

/** Copy `size` bytes from real address `from` to partition logical address `to` (8 at a time). */
function copyIn(p: Partition, to: u64, from: u64, size: u64): void {
  const base: u64 = BigInt.asUintN(64, p.memBase + to);
  const whole: u64 = size & 0xfffffffffffffff8n;
  for (let off: u64 = 0n; off < whole; off = BigInt.asUintN(64, off + 8n)) {
    store64(BigInt.asUintN(64, base + off), load64(BigInt.asUintN(64, from + off)));
  }
  if (whole < size) {   // the last partial doubleword: only its own bytes
    const last: u64 = load64(BigInt.asUintN(64, from + whole));
    const keep: u64 = BigInt.asUintN(64, size - whole);
    const mask: u64 = BigInt.asUintN(64, ~(BigInt.asUintN(64, 0xffffffffffffffffn >> BigInt.asUintN(64, keep * 8n))));
    store64(BigInt.asUintN(64, base + whole), last & mask);
  }
}

/** Write the RTAS stub and the device tree for `p` (params already hold its own values). */
function finishLoad(p: Partition): LoadStatus {
  const rtas = rtasAddress(p);
  for (let i = 0; i < RTAS_STUB.length; i++) store32(BigInt.asUintN(64, p.memBase + rtas + BigInt(4 * i)), RTAS_STUB[i]);
  params.partitionName = p.name;
  params.memBase = 0n;
  params.memSize = p.memSize;
  params.vcpus = p.vcpuCount;
  params.timebaseHz = Number(timebaseHz);
  params.rtasBase = Number(rtas);
  params.rtasSize = RTAS_SPACE;
  params.bootargs = p.bootargs;
  params.radix = !p.hpt;
  params.hptOrder = p.hptOrder;
  const vtpm = describeDevices(p);
  params.reserves.clear();
  params.eventLogBase = 0n;
  params.eventLogSize = 0;
  params.eventLogLittleEndian = p.program === Program.Elf && elf.littleEndian;
  if (vtpm) {
    params.eventLogBase = eventLogAddress(p);
    params.eventLogSize = plannedLogSize(p);
    params.reserves.add(params.eventLogBase, BigInt(EVENTLOG_SPACE));
  }
  const tree: u64 = BigInt.asUintN(64, p.memBase + fdtAddress(p));
  const written = buildGuestTree(writer, params, tree, FDT_SPACE);
  if (written <= 0) return LoadStatus.DeviceTreeFailed;
  p.launch.addPhysical(LaunchItem.DeviceTree, PCR_DEVTREE, tree, BigInt(written));
  p.launch.addText(LaunchItem.Label, PCR_LABEL, p.label);
  if (vtpm && !writeEventLog(p, params.eventLogSize)) return LoadStatus.DeviceTreeFailed;
  return LoadStatus.Ok;
}

/** What each LaunchItem's event says before its name (the event data, lpar/eventlog.ts). */
const EVENT_PREFIX_IMAGE = 'tshype image ';
const EVENT_PREFIX_INITRD = 'tshype initrd ';
const EVENT_PREFIX_TREE = 'tshype device tree ';
const EVENT_PREFIX_LABEL = 'tshype label ';
const LOG = new Uint8Array(EVENTLOG_SPACE);
const LOG_DATA = new Uint32Array(4);
const log = new EventLogWriter();

/** The image's name in its event: the bundle path of an ELF, "built-in" for a built-in program. */
function imageName(p: Partition): string {
  return p.image.length > 0 ? p.image : 'built-in';
}

/** The event log's size for `p`'s launch: image, initrd if any, device tree, label. */
function plannedLogSize(p: Partition): number {
  let n = 0;
  LOG_DATA[n++] = textDataLength(EVENT_PREFIX_IMAGE, imageName(p));
  if (params.initrdEnd > params.initrdStart) LOG_DATA[n++] = textDataLength(EVENT_PREFIX_INITRD, p.initrd);
  LOG_DATA[n++] = textDataLength(EVENT_PREFIX_TREE, p.name);
  LOG_DATA[n++] = textDataLength(EVENT_PREFIX_LABEL, p.label);
  return eventLogAreaSize(LOG_DATA, n);
}

/**
 * Write `p`'s launch record as its TCG event log at eventLogAddress (the tree says it is
 * `size` bytes there); false when the log does not come out at that size.
 */
function writeEventLog(p: Partition, size: number): boolean {
  const rec = p.launch;
  if (size <= 0 || size > EVENTLOG_SPACE || !log.start(LOG, 0, EVENTLOG_SPACE)) return false;
  for (let i = 0; i < rec.count; i++) {
    const item = rec.items[i];
    const prefix = item === LaunchItem.Image ? EVENT_PREFIX_IMAGE : item === LaunchItem.Initrd ? EVENT_PREFIX_INITRD
      : item === LaunchItem.DeviceTree ? EVENT_PREFIX_TREE : EVENT_PREFIX_LABEL;
    const name = item === LaunchItem.Image ? imageName(p) : item === LaunchItem.Initrd ? p.initrd
      : item === LaunchItem.DeviceTree ? p.name : p.label;
    if (!log.appendText(rec.pcrs[i], EV_IPL, rec.digests, 32 * i, prefix, name)) return false;
  }
  if (log.areaSize() !== size) return false;
  const base: u64 = BigInt.asUintN(64, p.memBase + eventLogAddress(p));
  for (let i = 0; i < size; i++) store8(BigInt.asUintN(64, base + BigInt(i)), LOG[i]);
  return true;
}

/** Put `p`'s virtual devices (lpar/vio.ts) into the tree's parameters; true when one is a vTPM. */
function describeDevices(p: Partition): boolean {
  let vtpm = false;
  let n = 0;
  for (let k = 0; k < MAX_PARTITION_VDEVICES; k++) {
    const i = deviceAt(p.lpid - 1, k);
    if (i < 0) break;
    const d = vdevices[i];
    params.vioKind[n] = d.kind;
    params.vioUnit[n] = d.unit();
    params.vioIrq[n] = SOURCE_BASE + d.source();
    params.vioWindow[n] = d.windowPages * TCE_PAGE;
    params.vioMac[n] = d.kind === VioKind.Lan ? lanPorts[d.config].configuredMac : 0n;
    if (d.kind === VioKind.VtpmClient) vtpm = true;
    n++;
  }
  params.vioCount = n;
  return vtpm;
}

/**
 * Load the built-in program at real address `image` (`size` bytes) into partition `p` at
 * logical 0 and write its device tree. Checks first, then acts: an image that does not fit
 * below the RTAS stub changes nothing.
 */
export function loadPartition(p: Partition, image: u64, size: u64): LoadStatus {
  if (size === 0n) return LoadStatus.NoImage;
  if (size > eventLogAddress(p)) return LoadStatus.ImageTooLarge;
  p.launch.begin(p.name);
  p.launch.addPhysical(LaunchItem.Image, PCR_IMAGE, image, size);
  zeroRange(p.memBase, p.memSize);
  copyIn(p, 0n, image, size);
  params.initrdStart = 0n;
  params.initrdEnd = 0n;
  p.entry = 0n;
  p.loadBase = 0n;
  return finishLoad(p);
}

/**
 * Load partition `p`'s ELF image and initrd (p.image, p.initrd) from `bundle`, with their
 * SHA-256 checked first: a missing, corrupt or refused image, or an initrd that does not
 * fit, changes nothing and gives the reason. Sets p.entry and p.loadBase.
 */
export function loadElfPartition(p: Partition, bundle: GuestBundle): LoadStatus {
  const k = bundle.find(p.image);
  if (k < 0) return LoadStatus.ImageMissing;
  if (bundle.verify(k) !== BundleStatus.Ok) return LoadStatus.ImageCorrupt;
  const limit = eventLogAddress(p);
  loadStatusElf = elf.open(bundle.address(k), bundle.size(k), limit);
  if (loadStatusElf !== ElfStatus.Ok) return LoadStatus.ElfRefused;
  let initrdAt: u64 = 0n, initrdSize: u64 = 0n, initrdFrom: u64 = 0n;
  if (p.initrd.length > 0) {
    const r = bundle.find(p.initrd);
    if (r < 0) return LoadStatus.InitrdMissing;
    if (bundle.verify(r) !== BundleStatus.Ok) return LoadStatus.InitrdCorrupt;
    initrdSize = bundle.size(r);
    initrdFrom = bundle.address(r);
    if (initrdSize > limit) return LoadStatus.InitrdDoesNotFit;
    initrdAt = BigInt.asUintN(64, limit - initrdSize) & IMAGE_ALIGN_DOWN;
    if (initrdAt < elf.highest) return LoadStatus.InitrdDoesNotFit;
  }
  p.launch.begin(p.name);
  bundle.entryDigest(k, DIGEST);   // verified above: the SHA-256 of the image file
  p.launch.add(LaunchItem.Image, PCR_IMAGE, DIGEST);
  if (initrdSize > 0n) {
    bundle.entryDigest(bundle.find(p.initrd), DIGEST);
    p.launch.add(LaunchItem.Initrd, PCR_INITRD, DIGEST);
  }
  zeroRange(p.memBase, p.memSize);
  for (let i = 0; i < elf.count; i++) {
    copyIn(p, elf.memAddr[i], BigInt.asUintN(64, bundle.address(k) + elf.fileOffset[i]), elf.fileSize[i]);
  }
  if (initrdSize > 0n) copyIn(p, initrdAt, initrdFrom, initrdSize);
  params.initrdStart = initrdAt;
  params.initrdEnd = BigInt.asUintN(64, initrdAt + initrdSize);
  p.entry = elf.entry;
  p.loadBase = elf.loadBase;
  return finishLoad(p);
}
