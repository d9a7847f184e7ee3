/**
 * The device tree a partition is given: `buildGuestTree` writes a PAPR (pseries) guest tree
 * from plain parameters (`GuestTreeParams`) with the writer of lpar/fdt-writer.ts. What the
 * tree contains, and why, is documented at `buildGuestTree`.
 */
import type { u64 } from "tsnc";
import { FdtStatus, MemRanges } from "./fdt";
import { FdtWriter, StringList } from "./fdt-writer";
import { MCAST_FILTERS } from "./lan";
import { MAX_PARTITION_VDEVICES, REMOTE_LIOBN, VioKind } from "./vio";
import { GRANT_WINDOW_BASE, GRANT_WINDOW_PAGES } from "../arch/ppc64/radix";

export { FdtWriter, StringList } from "./fdt-writer";

/**
 * RTAS tokens offered to partitions. The numbers are QEMU spapr's (include/hw/ppc/spapr.h,
 * RTAS_TOKEN_BASE 0x2000 + index), so a guest sees what it would see under QEMU; the RTAS
 * bridge dispatches on these values.
 */
export const enum RtasToken {
  DisplayCharacter = 0x2000,
  GetTimeOfDay = 0x2001,
  SetTimeOfDay = 0x2002,
  PowerOff = 0x2003,
  SystemReboot = 0x2004,
  QueryCpuStoppedState = 0x2005,
  StartCpu = 0x2006,
  StopSelf = 0x2007,
  GetSystemParameter = 0x2008,
  SetXive = 0x200a,
  GetXive = 0x200b,
  IntOff = 0x200c,
  IntOn = 0x200d,
  IbmOsTerm = 0x201f,
}

/** One RTAS service: the /rtas property naming it, its token, and whether tshype implements it. */
export class RtasService {
  readonly name: string;
  readonly token: number;
  /** Implemented by hcalls/rtas.ts, so offered to every partition (RTAS_DEFAULT_SERVICES). */
  readonly implemented: boolean;
  constructor(name: string, token: number, implemented: boolean) {
    this.name = name;
    this.token = token;
    this.implemented = implemented;
  }
}

/**
 * Every service a tree can offer, the one list of them: bit i of GuestTreeParams.rtasServices
 * (rtasBit) selects entry i.
 */
export const RTAS_SERVICES: RtasService[] = [
  new RtasService("display-character", RtasToken.DisplayCharacter, true),
  new RtasService("get-time-of-day", RtasToken.GetTimeOfDay, true),
  new RtasService("set-time-of-day", RtasToken.SetTimeOfDay, true),
  new RtasService("power-off", RtasToken.PowerOff, true),
  new RtasService("system-reboot", RtasToken.SystemReboot, true),
  new RtasService("query-cpu-stopped-state", RtasToken.QueryCpuStoppedState, true),
  new RtasService("start-cpu", RtasToken.StartCpu, true),
  new RtasService("stop-self", RtasToken.StopSelf, true),
  new RtasService("ibm,get-system-parameter", RtasToken.GetSystemParameter, true),
  new RtasService("ibm,set-xive", RtasToken.SetXive, true),
  new RtasService("ibm,get-xive", RtasToken.GetXive, true),
  new RtasService("ibm,int-off", RtasToken.IntOff, true),
  new RtasService("ibm,int-on", RtasToken.IntOn, true),
  new RtasService("ibm,os-term", RtasToken.IbmOsTerm, true),
];

/** The GuestTreeParams.rtasServices bit of the service with `token` (0 for no such service). */
export function rtasBit(token: RtasToken): number {
  for (let i = 0; i < RTAS_SERVICES.length; i++) if (RTAS_SERVICES[i].token === token) return 1 << i;
  return 0;
}

/** The services every partition gets: those tshype implements. */
export let RTAS_DEFAULT_SERVICES = 0;
for (let i = 0; i < RTAS_SERVICES.length; i++) if (RTAS_SERVICES[i].implemented) RTAS_DEFAULT_SERVICES |= 1 << i;

/**
 * The unit address (`reg`) of every partition's console, /vdevice/vty: the terminal number
 * H_PUT_TERM_CHAR and H_GET_TERM_CHAR take (hcalls/vty.ts; 0 also names it, as on QEMU).
 */
export const VTY_UNIT_ADDRESS = 0x30000000;

/** Most vCPUs one partition tree describes. */
export const GUEST_MAX_VCPUS = 256;

/**
 * `ibm,pa-features` for an ISA 3.00 (POWER9) processor: QEMU spapr's pa_features_300 table
 * (hw/ppc/spapr.c spapr_dt_pa_features), with transactional memory (byte 22) and CI large
 * pages (byte 1 bit 2) off as in QEMU's default. Bytes 0-1 are the descriptor (66 attribute
 * bytes, type 0); attribute byte 40 bit 0 (array index 42, 0x80) is "radix MMU".
 */
const PA_FEATURES_300 = new Uint8Array([
  66, 0,
  0xf6, 0x1f, 0xc7, 0xc0, 0x80, 0xf0, 0x80, 0x00, 0x00, 0x00, 0x00, 0x00,
  0x00, 0x00, 0x00, 0x00, 0x80, 0x00, 0x80, 0x00, 0x80, 0x00, 0x00, 0x00,
  0x80, 0x00, 0x80, 0x00, 0x80, 0x00, 0x80, 0x00, 0x80, 0x00, 0xc0, 0x00,
  0x80, 0x00, 0x80, 0x00, 0x80, 0x00, 0x80, 0x00, 0x80, 0x00, 0x80, 0x00,
  0x80, 0x00, 0x80, 0x00, 0x80, 0x00, 0x80, 0x00, 0x80, 0x00, 0x80, 0x00,
  0x80, 0x00, 0x80, 0x00, 0x00, 0x00,
]);
const PA_RADIX_INDEX = 42;

/** Hash guests: SLB entries, segment sizes (log2), and per segment size: base shift, SLB encoding, 1 page size (shift, LP). */
const SLB_SIZE = 32;
const SEGMENT_SIZES = new Uint32Array([28, 40]);
const SEGMENT_PAGE_SIZES = new Uint32Array([12, 0x0, 1, 12, 0x0, 16, 0x110, 1, 16, 0x1]);

/** Option vector 5 as /chosen/ibm,architecture-vec-5 carries it: byte 0 = vector length - 1. */
const OV5_LENGTH = 27;
/** OV5 byte 24 (mask 0xc0): MMU support; 0x00 hash only, 0x40 radix only (Linux prom.h). */
const OV5_MMU_BYTE = 24;
const OV5_MMU_RADIX = 0x40;
/** OV5 byte 26 bit 1: radix guest translation shootdown (guest may use tlbie). */
const OV5_RADIX_EXT_BYTE = 26;
const OV5_RADIX_GTSE = 0x40;


/**
 * What a partition's tree says. Fill one object at initialisation (the typed configuration
 * of a partition), adjust the fields, pass it to buildGuestTree.
 */
export class GuestTreeParams {
  /** Root `model`. */
  model: string = "IBM pSeries (tshype)";
  /** Root `ibm,partition-name`; omitted when "". */
  partitionName: string = "";
  /** /chosen `bootargs`; omitted when "". */
  bootargs: string = "";
  /** Guest-physical RAM: one /memory@<base> node. Size must be non-zero. */
  memBase: u64 = 0n;
  memSize: u64 = 0n;
  /** vCPUs 0 .. vcpus-1, one cpu node each (SMT 1: one interrupt server per node). */
  vcpus: number = 1;
  /** Base name of the cpu nodes (QEMU uses the CPU model's firmware name). */
  cpuName: string = "PowerPC,POWER9";
  /** `cpu-version` (a logical PVR such as 0x0f000005 for ISA 3.00); omitted when 0. */
  pvr: number = 0;
  timebaseHz: number = 512000000;
  clockHz: number = 1000000000;
  /** L1 d/i-cache block and line size in bytes (POWER9: 128). */
  cacheLine: number = 128;
  /** Radix guest (the only mode nested KVM-HV offers); false describes a hash guest. */
  radix: boolean = true;
  /** With radix: the guest may issue tlbie itself (needs LPCR[GTSE] for the partition). */
  gtse: boolean = true;
  /** Without radix: log2 of the partition's HPT size in bytes (`ibm,pft-size`). */
  hptOrder: number = 0;
  /** Unit address (`reg`) of /vdevice/vty, the H_GET/PUT_TERM_CHAR terminal number. */
  vtyReg: number = VTY_UNIT_ADDRESS;
  /** Guest-physical address and size of the RTAS blob (below 4 GiB); size 0: none. */
  rtasBase: number = 0;
  rtasSize: number = 0;
  /** The services listed in /rtas: bit i selects RTAS_SERVICES[i] (rtasBit). */
  rtasServices: number = RTAS_DEFAULT_SERVICES;
  /** /rtas `ibm,hypertas-functions`: the hcall function sets, derived from the hcall table. */
  hypertas: StringList = new StringList(512);
  /** Extra memory reservation map entries (guest-physical), e.g. the kernel or an initrd. */
  reserves: MemRanges = new MemRanges(8);
  /** /chosen linux,initrd-start and -end (guest-physical); end 0: no initrd. */
  initrdStart: u64 = 0n;
  initrdEnd: u64 = 0n;
  /** /ibm,platform-facilities/ibm,random-v1: the partition may use H_RANDOM. */
  random: boolean = true;
  /**
   * Virtual devices under /vdevice besides the vty (lpar/vio.ts), vioCount of them: each one's
   * kind (a VioKind), unit address (also its LIOBN and, on the XICS, source vioIrq), DMA window
   * size in bytes, and for an l-lan its MAC (low 48 bits).
   */
  vioCount: number = 0;
  vioKind: Int32Array = new Int32Array(MAX_PARTITION_VDEVICES);
  vioUnit: Int32Array = new Int32Array(MAX_PARTITION_VDEVICES);
  vioIrq: Int32Array = new Int32Array(MAX_PARTITION_VDEVICES);
  vioWindow: Int32Array = new Int32Array(MAX_PARTITION_VDEVICES);
  vioMac: BigUint64Array = new BigUint64Array(MAX_PARTITION_VDEVICES);
  /** The vTPM's TCG event log (guest-physical, reserved by the caller); size 0: none. */
  eventLogBase: u64 = 0n;
  eventLogSize: number = 0;
  /** The partition runs little-endian (its ELF image is): the two properties are in its byte order. */
  eventLogLittleEndian: boolean = false;
}



/**
 * `ibm,processor-radix-AP-encodings`: the radix page sizes, each as (AP << 29) | log2(size):
 * 4 KiB (AP 0), 64 KiB (AP 5), 2 MiB (AP 1), 1 GiB (AP 2); QEMU's POWER9 values. Without it
 * Linux knows only 4 KiB and 64 KiB and maps its memory in small pages.
 */
const RADIX_AP_ENCODINGS = new Uint32Array([0x0000000c, 0xa0000010, 0x20000015, 0x4000001e]);
/** L1 data and instruction cache sizes of a POWER9 core (32 KiB each), for Linux's cache info. */
const L1_CACHE_SIZE = 0x8000;
/** The source and server cells of an interrupt specifier (XICS: source number, sense). */
const INTERRUPT_CELLS = 2;

/** BadValue unless the parameters describe a tree we can write. */
function checkParams(p: GuestTreeParams): FdtStatus {
  if (p.vcpus < 1 || p.vcpus > GUEST_MAX_VCPUS || p.memSize === 0n) return FdtStatus.BadValue;
  if (p.rtasBase < 0 || p.rtasSize < 0 || p.rtasBase + p.rtasSize > 0x100000000) return FdtStatus.BadValue;
  if (p.vtyReg < 0 || p.vtyReg > 0xffffffff || p.timebaseHz <= 0 || p.timebaseHz > 0xffffffff) {
    return FdtStatus.BadValue;
  }
  if (p.clockHz <= 0 || p.clockHz > 0xffffffff || p.cacheLine <= 0) return FdtStatus.BadValue;
  return FdtStatus.Ok;
}

function rootProps(w: FdtWriter, p: GuestTreeParams): void {
  w.propString("device_type", "chrp");
  w.propString("model", p.model);
  w.propBegin("compatible");
  w.appendChars("tshype,pseries");
  w.appendByte(0);
  w.appendChars("qemu,pseries");
  w.appendByte(0);
  w.propEnd();
  w.propU32("#address-cells", 2);
  w.propU32("#size-cells", 2);
  if (p.partitionName.length > 0) w.propString("ibm,partition-name", p.partitionName);
  w.propBegin("tshype,grant-window");
  w.appendU64(GRANT_WINDOW_BASE);
  w.appendU64(BigInt(GRANT_WINDOW_PAGES) * 4096n);
  w.propEnd();
}

/** A string property holding "/vdevice/vty@<reg>". */
function vtyPath(w: FdtWriter, name: string, p: GuestTreeParams): void {
  w.propBegin(name);
  w.appendChars("/vdevice/vty@");
  w.appendHex(BigInt(p.vtyReg));
  w.appendByte(0);
  w.propEnd();
}

function chosenNode(w: FdtWriter, p: GuestTreeParams): void {
  w.beginNode("chosen");
  if (p.bootargs.length > 0) w.propString("bootargs", p.bootargs);
  if (p.initrdEnd > p.initrdStart) {
    w.propBegin("linux,initrd-start");
    w.appendU64(p.initrdStart);
    w.propEnd();
    w.propBegin("linux,initrd-end");
    w.appendU64(p.initrdEnd);
    w.propEnd();
  }
  vtyPath(w, "linux,stdout-path", p);
  vtyPath(w, "stdout-path", p);
  w.propBegin("ibm,architecture-vec-5");
  for (let i = 0; i < OV5_LENGTH; i++) {
    let b = 0;
    if (i === 0) b = OV5_LENGTH - 2;
    if (i === OV5_MMU_BYTE && p.radix) b = OV5_MMU_RADIX;
    if (i === OV5_RADIX_EXT_BYTE && p.radix && p.gtse) b = OV5_RADIX_GTSE;
    w.appendByte(b);
  }
  w.propEnd();
  w.endNode();
}

function memoryNode(w: FdtWriter, p: GuestTreeParams): void {
  w.beginNodeAt("memory", p.memBase);
  w.propString("device_type", "memory");
  w.propBegin("reg");
  w.appendU64(p.memBase);
  w.appendU64(p.memSize);
  w.propEnd();
  w.endNode();
}

function cpuNode(w: FdtWriter, p: GuestTreeParams, id: number): void {
  w.beginNodeAt(p.cpuName, BigInt(id));
  w.propString("device_type", "cpu");
  w.propU32("reg", id);
  w.propU32("ibm,ppc-interrupt-server#s", id);
  w.propU32("timebase-frequency", p.timebaseHz);
  w.propU32("clock-frequency", p.clockHz);
  w.propU32("d-cache-block-size", p.cacheLine);
  w.propU32("d-cache-line-size", p.cacheLine);
  w.propU32("i-cache-block-size", p.cacheLine);
  w.propU32("i-cache-line-size", p.cacheLine);
  if (p.pvr !== 0) w.propU32("cpu-version", p.pvr);
  w.propU32("d-cache-size", L1_CACHE_SIZE);
  w.propU32("i-cache-size", L1_CACHE_SIZE);
  w.propEmpty("64-bit");
  w.propString("status", "okay");
  w.propU32("ibm,vmx", 2);
  w.propU32("ibm,dfp", 1);
  w.propBegin("ibm,ppc-interrupt-gserver#s");
  w.appendU32(id);
  w.appendU32(0);
  w.propEnd();
  if (p.radix) w.propCells("ibm,processor-radix-AP-encodings", RADIX_AP_ENCODINGS, RADIX_AP_ENCODINGS.length);
  else hashCpuProps(w, p);
  w.propBegin("ibm,pa-features");
  for (let i = 0; i < PA_FEATURES_300.length; i++) {
    w.appendByte(i === PA_RADIX_INDEX && !p.radix ? 0 : PA_FEATURES_300[i]);
  }
  w.propEnd();
  w.endNode();
}

/**
 * A hash guest's MMU (Linux hash_utils.c htab_dt_scan_*, QEMU spapr_dt_cpu): `ibm,pft-size`
 * (0, log2 of the HPT size), `ibm,slb-size`, the segment sizes (256 MiB, 1 TiB) and the page
 * sizes H_ENTER takes, each segment size with its one page size (4 KiB; 64 KiB with SLB L||LP
 * 0x110 and HPTE LP 1).
 */
function hashCpuProps(w: FdtWriter, p: GuestTreeParams): void {
  w.propBegin("ibm,pft-size");
  w.appendU32(0);
  w.appendU32(p.hptOrder);
  w.propEnd();
  w.propU32("ibm,slb-size", SLB_SIZE);
  w.propCells("ibm,processor-segment-sizes", SEGMENT_SIZES, SEGMENT_SIZES.length);
  w.propCells("ibm,segment-page-sizes", SEGMENT_PAGE_SIZES, SEGMENT_PAGE_SIZES.length);
}

function cpusNode(w: FdtWriter, p: GuestTreeParams): void {
  w.beginNode("cpus");
  w.propU32("#address-cells", 1);
  w.propU32("#size-cells", 0);
  for (let id = 0; id < p.vcpus; id++) cpuNode(w, p, id);
  w.endNode();
}

/**
 * The XICS presentation layer (Linux icp-hv: compatible "IBM,ppc-xicp"), serving interrupt
 * servers 0 .. vcpus - 1; the sources are the partition's virtual devices' (lpar/xics.ts).
 */
function interruptControllerNode(w: FdtWriter, p: GuestTreeParams): void {
  w.beginNode("interrupt-controller");
  w.propString("device_type", "PowerPC-External-Interrupt-Presentation");
  w.propString("compatible", "IBM,ppc-xicp");
  w.propEmpty("interrupt-controller");
  w.propU32("#interrupt-cells", INTERRUPT_CELLS);
  w.propU32("#address-cells", 0);
  w.propBegin("ibm,interrupt-server-ranges");
  w.appendU32(0);
  w.appendU32(p.vcpus);
  w.propEnd();
  w.endNode();
}

/** H_RANDOM's node (Linux pseries-rng binds to compatible "ibm,random"). */
function platformFacilitiesNode(w: FdtWriter): void {
  w.beginNode("ibm,platform-facilities");
  w.propString("device_type", "ibm,platform-facilities");
  w.beginNode("ibm,random-v1");
  w.propString("compatible", "ibm,random");
  w.endNode();
  w.endNode();
}

function vdeviceNode(w: FdtWriter, p: GuestTreeParams): void {
  w.beginNode("vdevice");
  w.propString("device_type", "vdevice");
  w.propString("compatible", "IBM,vdevice");
  w.propU32("#address-cells", 1);
  w.propU32("#size-cells", 0);
  w.propU32("#interrupt-cells", INTERRUPT_CELLS);
  w.propEmpty("interrupt-controller");
  w.beginNodeAt("vty", BigInt(p.vtyReg));
  w.propString("device_type", "serial");
  w.propString("compatible", "hvterm1");
  w.propU32("reg", p.vtyReg);
  w.endNode();
  for (let i = 0; i < p.vioCount && i < MAX_PARTITION_VDEVICES; i++) vioNode(w, p, i);
  w.endNode();
}

/** One DMA window cell group of `ibm,my-dma-window`: LIOBN, I/O address 0 (2 cells), size (2 cells). */
function appendWindow(w: FdtWriter, liobn: number, size: number): void {
  w.appendU32(liobn >>> 0);
  w.appendU64(0n);
  w.appendU64(BigInt(size));
}

/** The low `bytes` bytes of `v`, least significant first when `littleEndian`, else most significant first. */
function appendOrdered(w: FdtWriter, v: u64, bytes: number, littleEndian: boolean): void {
  for (let i = 0; i < bytes; i++) {
    const k = littleEndian ? i : bytes - 1 - i;
    w.appendByte(Number((v >> BigInt(8 * k)) & 0xffn));
  }
}

/**
 * Each VioKind's node name, device_type and compatible (index: the kind). The vTPM's are what
 * Linux's tpm_ibmvtpm matches (device_type "IBM,vtpm", compatible "IBM,vtpm20": a TPM 2.0) and
 * QEMU's spapr-vtpm writes.
 */
class VioNaming {
  readonly name: string;
  readonly deviceType: string;
  readonly compatible: string;
  constructor(name: string, deviceType: string, compatible: string) {
    this.name = name;
    this.deviceType = deviceType;
    this.compatible = compatible;
  }
}

const VIO_NAMING: VioNaming[] = [
  new VioNaming("", "", ""),
  new VioNaming("l-lan", "network", "IBM,l-lan"),
  new VioNaming("v-crq-client", "tshype,crq", "tshype,crq-client"),
  new VioNaming("v-crq-server", "tshype,crq", "tshype,crq-server"),
  new VioNaming("vtpm", "IBM,vtpm", "IBM,vtpm20"),
  new VioNaming("v-vtpm-server", "tshype,crq", "tshype,vtpm-server"),
];

/** The MAC in the low 48 bits of `mac` as 6 property bytes. */
function appendMac(w: FdtWriter, mac: u64): void {
  for (let i = 5; i >= 0; i--) w.appendByte(Number((mac >> BigInt(8 * i)) & 0xffn));
}

/**
 * Virtual device i of `p` under /vdevice, as QEMU's spapr_vio and Linux's vio bus expect: reg,
 * device_type, compatible, `interrupts` (XICS source, sense 0), `ibm,my-dma-window` with 2+2
 * cells (`ibm,#dma-address-cells`, `ibm,#dma-size-cells`). An l-lan (IBM,l-lan, ibmveth) adds
 * local-mac-address and ibm,mac-address-filters; a CRQ server's window list names its client's
 * window second (LIOBN | REMOTE_LIOBN), as H_COPY_RDMA's server side reads it.
 */
function vioNode(w: FdtWriter, p: GuestTreeParams, i: number): void {
  const kind = p.vioKind[i], unit = p.vioUnit[i];
  const naming = VIO_NAMING[kind];
  w.beginNodeAt(naming.name, BigInt(unit));
  w.propU32("reg", unit);
  w.propString("device_type", naming.deviceType);
  w.propString("compatible", naming.compatible);
  if (kind === VioKind.VtpmClient && p.eventLogSize > 0) {
    // tpm_ibmvtpm's event log (linux-6.1 drivers/char/tpm/eventlog/of.c): for IBM,vtpm* Linux
    // reads these two in its own byte order (PowerVM's sml-handover wrote them so), so they
    // are written in the partition's byte order, little-endian for ppc64le Linux
    w.propBegin("linux,sml-base");
    appendOrdered(w, p.eventLogBase, 8, p.eventLogLittleEndian);
    w.propEnd();
    w.propBegin("linux,sml-size");
    appendOrdered(w, BigInt(p.eventLogSize), 4, p.eventLogLittleEndian);
    w.propEnd();
  }
  w.propBegin("interrupts");
  w.appendU32(p.vioIrq[i]);
  w.appendU32(0);
  w.propEnd();
  w.propU32("ibm,#dma-address-cells", 2);
  w.propU32("ibm,#dma-size-cells", 2);
  w.propBegin("ibm,my-dma-window");
  appendWindow(w, unit, p.vioWindow[i]);
  if (kind === VioKind.CrqServer || kind === VioKind.VtpmServer) appendWindow(w, unit | REMOTE_LIOBN, p.vioWindow[i]);
  w.propEnd();
  if (kind === VioKind.Lan) {
    w.propBegin("local-mac-address");
    appendMac(w, p.vioMac[i]);
    w.propEnd();
    w.propBegin("mac-address");
    appendMac(w, p.vioMac[i]);
    w.propEnd();
    w.propU32("ibm,mac-address-filters", MCAST_FILTERS);
  }
  w.endNode();
}

function rtasNode(w: FdtWriter, p: GuestTreeParams): void {
  w.beginNode("rtas");
  if (p.hypertas.count > 0) w.propStrings("ibm,hypertas-functions", p.hypertas);
  if (p.rtasSize > 0) {
    w.propU32("linux,rtas-base", p.rtasBase);
    w.propU32("linux,rtas-entry", p.rtasBase);
    w.propU32("rtas-size", p.rtasSize);
  }
  for (let i = 0; i < RTAS_SERVICES.length; i++) {
    if ((p.rtasServices & (1 << i)) !== 0) w.propU32(RTAS_SERVICES[i].name, RTAS_SERVICES[i].token);
  }
  // ibm,os-term returns to the caller (the partition is stopped by the hypervisor, not by the
  // call): Linux calls ibm,os-term from panic() only when this says so (rtas.c rtas_os_term)
  if ((p.rtasServices & rtasBit(RtasToken.IbmOsTerm)) !== 0) w.propEmpty("ibm,extended-os-term");
  w.endNode();
}

/**
 * Write the device tree of a PAPR (pseries) partition at physical address `addr`, in at
 * most `limit` bytes, with `w` (whose previous contents are discarded). Returns the tree's
 * size in bytes, or BadValue (parameters out of range), NoSpace (does not fit in `limit`),
 * or another writer error. boot_cpuid_phys is vCPU 0.
 *
 * Contents, each for the reason given (QEMU hw/ppc/spapr.c is the model; Linux
 * arch/powerpc is what must accept it):
 * - reservation map: `p.reserves`, then the RTAS blob (QEMU reserves it too).
 * - / : device_type "chrp" (Linux pSeries_probe requires it), model, compatible
 *   "tshype,pseries" "qemu,pseries" (QEMU's value, kept second: the conventions, RTAS stub
 *   and token numbers are QEMU's), #address-cells/#size-cells 2 (64-bit reg everywhere),
 *   tshype,grant-window: the logical base and size of the partition's grant window (where
 *   H_TSHYPE_MAP maps the pages others granted it; docs/hcalls.md).
 * - /chosen: bootargs; linux,stdout-path and stdout-path to the vty (hvc_vio finds its
 *   console there); ibm,architecture-vec-5 with byte 24 = 0x40 (radix only) and byte 26 =
 *   0x40 (GTSE): without a CAS exchange, Linux's early_check_vec5 drops radix when this is
 *   missing, and a radix-only kernel then panics.
 * - /memory@<base>: device_type "memory" (what early_init_dt_scan_memory looks for), reg.
 * - /cpus: one node per vCPU with device_type "cpu", reg, ibm,ppc-interrupt-server#s (one
 *   thread), timebase-frequency and clock-frequency (read by Linux time init), cache block
 *   and line sizes (dcbz/icache flush stride), cpu-version when given, and ibm,pa-features:
 *   Linux turns MMU_FTR_TYPE_RADIX on only from its byte 40 bit 0 for pseries guests.
 * - /vdevice (IBM,vdevice, 1 address cell) with vty@<reg>: compatible "hvterm1",
 *   device_type "serial", reg = terminal number; then the partition's virtual devices
 *   (vioNode: l-lan ports, CRQ ends) with their interrupts and DMA windows.
 * - /rtas: ibm,hypertas-functions (its presence sets FW_FEATURE_LPAR), linux,rtas-base,
 *   linux,rtas-entry and rtas-size when an RTAS blob is placed, and one property per
 *   offered service holding its token.
 * - /chosen linux,initrd-start/-end when the partition has an initrd (64-bit cells).
 * - cpus also carry 64-bit, status, cache sizes, ibm,vmx/ibm,dfp, the gserver pairs XICS reads
 *   and ibm,processor-radix-AP-encodings (the 2 MiB and 1 GiB radix page sizes).
 * - /interrupt-controller: the XICS presentation layer (IBM,ppc-xicp, servers 0..vcpus-1);
 *   /vdevice is the interrupt parent of its devices (interrupt-controller, 2 cells).
 * - /ibm,platform-facilities/ibm,random-v1 when H_RANDOM is offered.
 * - A hash guest (radix false): no radix bit in pa-features, vec-5 byte 24 = 0 (hash only),
 *   and in each cpu ibm,pft-size, ibm,slb-size and the segment and page sizes (hashCpuProps).
 * Left out (a minimal guest boots without them): NUMA associativity, event sources, PCI, ibm,dec-bits (a 32-bit decrementer).
 */
export function buildGuestTree(w: FdtWriter, p: GuestTreeParams, addr: u64, limit: number): number {
  const st = checkParams(p);
  if (st !== FdtStatus.Ok) return st;
  if (w.start(addr, limit) !== FdtStatus.Ok) return w.status();
  for (let i = 0; i < p.reserves.count; i++) w.addReservation(p.reserves.base[i], p.reserves.size[i]);
  if (p.rtasSize > 0) w.addReservation(BigInt(p.rtasBase), BigInt(p.rtasSize));
  w.beginNode("");
  rootProps(w, p);
  chosenNode(w, p);
  memoryNode(w, p);
  cpusNode(w, p);
  interruptControllerNode(w, p);
  vdeviceNode(w, p);
  rtasNode(w, p);
  if (p.random) platformFacilitiesNode(w);
  w.endNode();
  return w.finish(0);
}
