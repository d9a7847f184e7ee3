/**
 * The hcall registration table: one row per implemented hcall (opcode, name, handler, policy
 * class, PAPR function set). It is the single source of truth for dispatch (hcalls/dispatch.ts),
 * for the `ibm,hypertas-functions` property of partition device trees (functionSets()), and for
 * the hcall list in the docs (scripts/gen-hcall-doc.ts). Add a row here, a Handler value and a case in invoke().
 */
import type { u64 } from 'tsnc';
import { sameString } from '../lpar/text';
import { Op } from '../shype/ops';

/**
 * An hcall's policy class is the sHype operation the gate decides on for it (shype/ops.ts: the
 * Op.Hcall* operations, named as the policy language names them); one list, the policy's.
 */
export type HClass = Op;

/** Number of hcall classes (Op.HcallConsole .. Op.HcallLifecycle; bits in Partition.allowedClasses). */
export const HCLASS_COUNT = Op.HcallLifecycle + 1;

/**
 * The handler of a row: the case of hcalls/dispatch.ts invoke() that runs it. Values are dense
 * (0 .. HCALLS.length - 1) and each is used by exactly one row; test/unit/hcalls.test.ts checks
 * that, and that invoke() has a case for every row.
 */
export const enum Handler {
  GetTermChar = 0,
  PutTermChar = 1,
  Cede = 2,
  Confer = 3,
  Prod = 4,
  Random = 5,
  SetMode = 6,
  RegisterProcTbl = 7,
  Rtas = 8,
  Halt = 9,
  AuditRead = 10,
  PolicyReload = 11,
  Report = 12,
  RegisterVpa = 13,
  GetCpuCharacteristics = 14,
  SetSprg0 = 15,
  SetDabr = 16,
  SetXdabr = 17,
  PageInit = 18,
  Eoi = 19,
  Cppr = 20,
  Ipi = 21,
  Ipoll = 22,
  Xirr = 23,
  XirrX = 24,
  GetTce = 25,
  PutTce = 26,
  StuffTce = 27,
  PutTceIndirect = 28,
  VioSignal = 29,
  RegCrq = 30,
  FreeCrq = 31,
  SendCrq = 32,
  EnableCrq = 33,
  CopyRdma = 34,
  RegisterLogicalLan = 35,
  FreeLogicalLan = 36,
  AddLogicalLanBuffer = 37,
  AddLogicalLanBuffers = 38,
  SendLogicalLan = 39,
  MulticastCtrl = 40,
  ChangeLogicalLanMac = 41,
  LanStats = 42,
  VtpmLaunch = 43,
  VtpmSave = 44,
  VtpmLoad = 45,
  Create = 46,
  Start = 47,
  Stop = 48,
  Destroy = 49,
  Restart = 50,
  Query = 51,
  List = 52,
  SetEntitlement = 53,
  Enter = 54,
  Remove = 55,
  Read = 56,
  ClearMod = 57,
  ClearRef = 58,
  Protect = 59,
  BulkRemove = 60,
  ClearHpt = 61,
  Grant = 62,
  MapGrant = 63,
  UnmapGrant = 64,
  RevokeGrant = 65,
  GetPpp = 66,
  Stats = 67,
}

/** tshype's private hcall: halt the calling partition with the status in r4. */
export const H_TSHYPE_HALT = 0x6f00;
/** tshype's private hcall: read the sHype audit log (needs the ReadAudit role). */
export const H_TSHYPE_AUDIT_READ = 0x6f04;
/** tshype's private hcall: replace the sHype policy (needs the ReloadPolicy role). */
export const H_TSHYPE_POLICY_RELOAD = 0x6f08;
/**
 * tshype's private hcall: a test partition reports r4 registers compared and r5 leaks found;
 * the hypervisor sums them into the shutdown summary and fails the run if any leaked.
 */
export const H_TSHYPE_REPORT = 0x6f0c;
/**
 * tshype's private hcall: a logical-LAN port's counters (needs the ReadAudit role): r4 = the port
 * (its index in the configuration) -> r4..r11 (hcalls/shype.ts hLanStats).
 */
export const H_TSHYPE_LAN_STATS = 0x6f10;
/**
 * tshype's private hcalls of the vTPM partition (only a partition running Program.Vtpm):
 * LAUNCH reads the launch measurements of the client behind one of its server ends (hcalls/vtpm.ts);
 * SAVE and LOAD keep an instance's state image in the platform's non-volatile store
 * (hcalls/vtpmstore.ts).
 */
export const H_TSHYPE_VTPM_LAUNCH = 0x6f14;
export const H_TSHYPE_VTPM_SAVE = 0x6f18;
export const H_TSHYPE_VTPM_LOAD = 0x6f1c;
/**
 * tshype's management hcalls (hv/manage-hcalls.ts): create, start, stop, destroy, restart, query
 * and list the configuration's partitions and set their entitlements, each decided by the policy.
 */
export const H_TSHYPE_CREATE = 0x6f20;
export const H_TSHYPE_START = 0x6f24;
export const H_TSHYPE_STOP = 0x6f28;
export const H_TSHYPE_DESTROY = 0x6f2c;
export const H_TSHYPE_RESTART = 0x6f30;
export const H_TSHYPE_QUERY = 0x6f34;
export const H_TSHYPE_LIST = 0x6f38;
export const H_TSHYPE_SET_ENTITLEMENT = 0x6f3c;
/**
 * tshype's private hcalls for memory shared between partitions (hcalls/grant.ts, lpar/grant.ts):
 * GRANT offers a page of the caller's memory to another partition, MAP maps a grant the caller
 * was given into its grant window, UNMAP removes such a mapping, REVOKE withdraws a grant and
 * every mapping of it.
 */
export const H_TSHYPE_GRANT = 0x6f48;
export const H_TSHYPE_MAP = 0x6f4c;
export const H_TSHYPE_UNMAP = 0x6f50;
export const H_TSHYPE_REVOKE = 0x6f54;
/** PAPR's H_GET_PPP: the caller's processor entitlement (hcalls/accounting.ts). */
export const H_GET_PPP = 0xec;
/**
 * tshype's private hcall: a partition's accounting (the caller's own, or with ReadAudit another's):
 * r4 = LPID (0: the caller) -> r4..r12 (hcalls/accounting.ts hStats).
 */
export const H_TSHYPE_STATS = 0x6f40;
/** QEMU/KVM's private RTAS hcall, kept so that a guest's RTAS stub works unchanged. */
export const H_RTAS = 0xf000;

/** Whether an hcall may be dispatched on the platform's fast path (HcallRow.fast). */
export const enum Fast {
  Yes = 1,
  No = 0,
}

/** One implemented hcall. */
export class HcallRow {
  readonly opcode: number;
  readonly name: string;
  readonly handler: Handler;
  readonly hclass: HClass;
  /** The `ibm,hypertas-functions` string that advertises it ("" for calls not advertised). */
  readonly functionSet: string;
  /**
   * Dispatched only with the vCPU's whole state current (Fast.No): it reads or writes more than
   * r3..r12, NIP and MSR (a switched register, the vCPU's reset, another vCPU), so the platform's
   * hcall fast path hands it to the scheduler instead (hv/exits.ts).
   */
  readonly fast: Fast;

  constructor(opcode: number, name: string, handler: Handler, hclass: HClass, functionSet: string, fast: Fast) {
    this.opcode = opcode;
    this.name = name;
    this.handler = handler;
    this.hclass = hclass;
    this.functionSet = functionSet;
    this.fast = fast;
  }
}

/**
 * Every implemented hcall. A function set is named only when every call a guest expects of it
 * is implemented ("hcall-splpar": H_CEDE, H_CONFER, H_PROD and H_REGISTER_VPA with its VPA,
 * DTL and SLB shadow subfunctions; "hcall-interrupt": the XICS presentation calls; "hcall-vio":
 * H_VIO_SIGNAL and the CRQ calls; "hcall-multi-tce": H_STUFF_TCE and H_PUT_TCE_INDIRECT, without
 * which Linux clears every DMA window one H_PUT_TCE at a time; H_GET_PPP belongs to "hcall-splpar"
 * too, Linux's lparcfg calling it when that set is advertised). The virtual-I/O calls are of
 * class HcallPlatform (the TCE calls, which map the caller's memory, HcallMemory); what they
 * share with another partition is decided again per channel and per frame (OpenChannel,
 * SendFrame). The hashed-page-table calls ("hcall-pft", "hcall-bulk", H_CLEAR_HPT) answer
 * H_FUNCTION to a radix partition (hcalls/hpt.ts); only powernv runs HPT partitions.
 */
export const HCALLS: HcallRow[] = [
  new HcallRow(0x04, 'H_REMOVE', Handler.Remove, Op.HcallMemory, 'hcall-pft', Fast.Yes),
  new HcallRow(0x08, 'H_ENTER', Handler.Enter, Op.HcallMemory, 'hcall-pft', Fast.Yes),
  new HcallRow(0x0c, 'H_READ', Handler.Read, Op.HcallMemory, 'hcall-pft', Fast.Yes),
  new HcallRow(0x10, 'H_CLEAR_MOD', Handler.ClearMod, Op.HcallMemory, 'hcall-pft', Fast.Yes),
  new HcallRow(0x14, 'H_CLEAR_REF', Handler.ClearRef, Op.HcallMemory, 'hcall-pft', Fast.Yes),
  new HcallRow(0x18, 'H_PROTECT', Handler.Protect, Op.HcallMemory, 'hcall-pft', Fast.Yes),
  new HcallRow(0x1c, 'H_GET_TCE', Handler.GetTce, Op.HcallMemory, 'hcall-tce', Fast.Yes),
  new HcallRow(0x20, 'H_PUT_TCE', Handler.PutTce, Op.HcallMemory, 'hcall-tce', Fast.Yes),
  new HcallRow(0x24, 'H_SET_SPRG0', Handler.SetSprg0, Op.HcallProcessor, 'hcall-sprg0', Fast.No),
  new HcallRow(0x28, 'H_SET_DABR', Handler.SetDabr, Op.HcallProcessor, 'hcall-dabr', Fast.No),
  new HcallRow(0x2c, 'H_PAGE_INIT', Handler.PageInit, Op.HcallMemory, '', Fast.Yes),
  new HcallRow(0x54, 'H_GET_TERM_CHAR', Handler.GetTermChar, Op.HcallConsole, 'hcall-term', Fast.Yes),
  new HcallRow(0x58, 'H_PUT_TERM_CHAR', Handler.PutTermChar, Op.HcallConsole, 'hcall-term', Fast.Yes),
  new HcallRow(0x64, 'H_EOI', Handler.Eoi, Op.HcallProcessor, 'hcall-interrupt', Fast.Yes),
  new HcallRow(0x68, 'H_CPPR', Handler.Cppr, Op.HcallProcessor, 'hcall-interrupt', Fast.Yes),
  new HcallRow(0x6c, 'H_IPI', Handler.Ipi, Op.HcallProcessor, 'hcall-interrupt', Fast.Yes),
  new HcallRow(0x70, 'H_IPOLL', Handler.Ipoll, Op.HcallProcessor, 'hcall-interrupt', Fast.Yes),
  new HcallRow(0x74, 'H_XIRR', Handler.Xirr, Op.HcallProcessor, 'hcall-interrupt', Fast.Yes),
  new HcallRow(0xdc, 'H_REGISTER_VPA', Handler.RegisterVpa, Op.HcallProcessor, 'hcall-splpar', Fast.Yes),
  new HcallRow(0xe0, 'H_CEDE', Handler.Cede, Op.HcallProcessor, 'hcall-splpar', Fast.Yes),
  new HcallRow(0xe4, 'H_CONFER', Handler.Confer, Op.HcallProcessor, 'hcall-splpar', Fast.Yes),
  new HcallRow(0xe8, 'H_PROD', Handler.Prod, Op.HcallProcessor, 'hcall-splpar', Fast.Yes),
  new HcallRow(H_GET_PPP, 'H_GET_PPP', Handler.GetPpp, Op.HcallProcessor, 'hcall-splpar', Fast.Yes),
  new HcallRow(0xfc, 'H_REG_CRQ', Handler.RegCrq, Op.HcallPlatform, 'hcall-vio', Fast.Yes),
  new HcallRow(0x100, 'H_FREE_CRQ', Handler.FreeCrq, Op.HcallPlatform, 'hcall-vio', Fast.Yes),
  new HcallRow(0x104, 'H_VIO_SIGNAL', Handler.VioSignal, Op.HcallPlatform, 'hcall-vio', Fast.Yes),
  new HcallRow(0x108, 'H_SEND_CRQ', Handler.SendCrq, Op.HcallPlatform, 'hcall-vio', Fast.Yes),
  new HcallRow(0x110, 'H_COPY_RDMA', Handler.CopyRdma, Op.HcallPlatform, 'hcall-rdma', Fast.Yes),
  new HcallRow(0x114, 'H_REGISTER_LOGICAL_LAN', Handler.RegisterLogicalLan, Op.HcallPlatform, 'hcall-lLAN', Fast.Yes),
  new HcallRow(0x118, 'H_FREE_LOGICAL_LAN', Handler.FreeLogicalLan, Op.HcallPlatform, 'hcall-lLAN', Fast.Yes),
  new HcallRow(0x11c, 'H_ADD_LOGICAL_LAN_BUFFER', Handler.AddLogicalLanBuffer, Op.HcallPlatform, 'hcall-lLAN', Fast.Yes),
  new HcallRow(0x120, 'H_SEND_LOGICAL_LAN', Handler.SendLogicalLan, Op.HcallPlatform, 'hcall-lLAN', Fast.Yes),
  new HcallRow(0x124, 'H_BULK_REMOVE', Handler.BulkRemove, Op.HcallMemory, 'hcall-bulk', Fast.Yes),
  new HcallRow(0x130, 'H_MULTICAST_CTRL', Handler.MulticastCtrl, Op.HcallPlatform, 'hcall-lLAN', Fast.Yes),
  new HcallRow(0x134, 'H_SET_XDABR', Handler.SetXdabr, Op.HcallProcessor, 'hcall-xdabr', Fast.No),
  new HcallRow(0x138, 'H_STUFF_TCE', Handler.StuffTce, Op.HcallMemory, 'hcall-multi-tce', Fast.Yes),
  new HcallRow(0x13c, 'H_PUT_TCE_INDIRECT', Handler.PutTceIndirect, Op.HcallMemory, 'hcall-multi-tce', Fast.Yes),
  new HcallRow(0x14c, 'H_CHANGE_LOGICAL_LAN_MAC', Handler.ChangeLogicalLanMac, Op.HcallPlatform, 'hcall-lLAN', Fast.Yes),
  new HcallRow(0x1c8, 'H_GET_CPU_CHARACTERISTICS', Handler.GetCpuCharacteristics, Op.HcallPlatform, '', Fast.Yes),
  new HcallRow(0x248, 'H_ADD_LOGICAL_LAN_BUFFERS', Handler.AddLogicalLanBuffers, Op.HcallPlatform, 'hcall-lLAN', Fast.Yes),
  new HcallRow(0x2b0, 'H_ENABLE_CRQ', Handler.EnableCrq, Op.HcallPlatform, 'hcall-vio', Fast.Yes),
  new HcallRow(0x2fc, 'H_XIRR_X', Handler.XirrX, Op.HcallProcessor, 'hcall-interrupt', Fast.Yes),
  new HcallRow(0x300, 'H_RANDOM', Handler.Random, Op.HcallPlatform, 'hcall-random', Fast.Yes),
  new HcallRow(0x31c, 'H_SET_MODE', Handler.SetMode, Op.HcallPlatform, 'hcall-set-mode', Fast.Yes),
  new HcallRow(0x358, 'H_CLEAR_HPT', Handler.ClearHpt, Op.HcallMemory, '', Fast.Yes),
  new HcallRow(0x37c, 'H_REGISTER_PROC_TBL', Handler.RegisterProcTbl, Op.HcallMemory, '', Fast.Yes),
  new HcallRow(H_TSHYPE_HALT, 'H_TSHYPE_HALT', Handler.Halt, Op.HcallLifecycle, 'hcall-tshype', Fast.Yes),
  new HcallRow(H_TSHYPE_AUDIT_READ, 'H_TSHYPE_AUDIT_READ', Handler.AuditRead, Op.HcallLifecycle, 'hcall-tshype', Fast.Yes),
  new HcallRow(H_TSHYPE_POLICY_RELOAD, 'H_TSHYPE_POLICY_RELOAD', Handler.PolicyReload, Op.HcallLifecycle, 'hcall-tshype', Fast.Yes),
  new HcallRow(H_RTAS, 'H_RTAS', Handler.Rtas, Op.HcallRtas, '', Fast.No),
  new HcallRow(H_TSHYPE_REPORT, 'H_TSHYPE_REPORT', Handler.Report, Op.HcallLifecycle, 'hcall-tshype', Fast.Yes),
  new HcallRow(H_TSHYPE_LAN_STATS, 'H_TSHYPE_LAN_STATS', Handler.LanStats, Op.HcallLifecycle, 'hcall-tshype', Fast.Yes),
  new HcallRow(H_TSHYPE_VTPM_LAUNCH, 'H_TSHYPE_VTPM_LAUNCH', Handler.VtpmLaunch, Op.HcallLifecycle, 'hcall-tshype', Fast.Yes),
  new HcallRow(H_TSHYPE_VTPM_SAVE, 'H_TSHYPE_VTPM_SAVE', Handler.VtpmSave, Op.HcallLifecycle, 'hcall-tshype', Fast.No),
  new HcallRow(H_TSHYPE_VTPM_LOAD, 'H_TSHYPE_VTPM_LOAD', Handler.VtpmLoad, Op.HcallLifecycle, 'hcall-tshype', Fast.No),
  new HcallRow(H_TSHYPE_CREATE, 'H_TSHYPE_CREATE', Handler.Create, Op.HcallLifecycle, 'hcall-tshype', Fast.No),
  new HcallRow(H_TSHYPE_START, 'H_TSHYPE_START', Handler.Start, Op.HcallLifecycle, 'hcall-tshype', Fast.No),
  new HcallRow(H_TSHYPE_STOP, 'H_TSHYPE_STOP', Handler.Stop, Op.HcallLifecycle, 'hcall-tshype', Fast.No),
  new HcallRow(H_TSHYPE_DESTROY, 'H_TSHYPE_DESTROY', Handler.Destroy, Op.HcallLifecycle, 'hcall-tshype', Fast.No),
  new HcallRow(H_TSHYPE_RESTART, 'H_TSHYPE_RESTART', Handler.Restart, Op.HcallLifecycle, 'hcall-tshype', Fast.No),
  new HcallRow(H_TSHYPE_QUERY, 'H_TSHYPE_QUERY', Handler.Query, Op.HcallLifecycle, 'hcall-tshype', Fast.Yes),
  new HcallRow(H_TSHYPE_LIST, 'H_TSHYPE_LIST', Handler.List, Op.HcallLifecycle, 'hcall-tshype', Fast.Yes),
  new HcallRow(H_TSHYPE_SET_ENTITLEMENT, 'H_TSHYPE_SET_ENTITLEMENT', Handler.SetEntitlement, Op.HcallLifecycle, 'hcall-tshype', Fast.No),
  new HcallRow(H_TSHYPE_GRANT, 'H_TSHYPE_GRANT', Handler.Grant, Op.HcallMemory, 'hcall-tshype', Fast.Yes),
  new HcallRow(H_TSHYPE_MAP, 'H_TSHYPE_MAP', Handler.MapGrant, Op.HcallMemory, 'hcall-tshype', Fast.Yes),
  new HcallRow(H_TSHYPE_UNMAP, 'H_TSHYPE_UNMAP', Handler.UnmapGrant, Op.HcallMemory, 'hcall-tshype', Fast.Yes),
  new HcallRow(H_TSHYPE_REVOKE, 'H_TSHYPE_REVOKE', Handler.RevokeGrant, Op.HcallMemory, 'hcall-tshype', Fast.Yes),
  new HcallRow(H_TSHYPE_STATS, 'H_TSHYPE_STATS', Handler.Stats, Op.HcallLifecycle, 'hcall-tshype', Fast.Yes),
];

// ---- opcode lookup, derived from HCALLS at initialisation ---------------------------------

/** PAPR opcodes are multiples of 4 below 0x1000; tshype's are 0x6f00..0x6ffc, QEMU's RTAS 0xf000. */
const PAPR_LIMIT = 0x1000;
const TSHYPE_BASE = 0x6f00;
const TSHYPE_SLOTS = 64;
const SLOT_TSHYPE = PAPR_LIMIT / 4;
const SLOT_RTAS = SLOT_TSHYPE + TSHYPE_SLOTS;
const SLOTS = new Int16Array(SLOT_RTAS + 1);

/** The lookup slot of an opcode, or -1 for opcodes no row can have. */
function slotOf(opcode: u64): number {
  if ((opcode & 3n) !== 0n) return -1;
  if (opcode < BigInt(PAPR_LIMIT)) return Number(opcode >> 2n);
  if (opcode >= BigInt(TSHYPE_BASE) && opcode < BigInt(TSHYPE_BASE + 4 * TSHYPE_SLOTS)) {
    return SLOT_TSHYPE + Number(BigInt.asUintN(64, opcode - BigInt(TSHYPE_BASE)) >> 2n);
  }
  if (opcode === BigInt(H_RTAS)) return SLOT_RTAS;
  return -1;
}

SLOTS.fill(-1);
for (let i = 0; i < HCALLS.length; i++) SLOTS[slotOf(BigInt(HCALLS[i].opcode))] = i;

/** Index into HCALLS of the row for `opcode` (r3 of the call), or -1 if it is not implemented. */
export function lookupHcall(opcode: u64): number {
  const slot = slotOf(opcode);
  return slot < 0 ? -1 : SLOTS[slot];
}

/**
 * The distinct function sets of the implemented hcalls, in table order, for the partition
 * device tree: writes their row indices into `out` and returns how many there are.
 */
export function functionSets(out: Int32Array): number {
  let n = 0;
  for (let i = 0; i < HCALLS.length; i++) {
    const set = HCALLS[i].functionSet;
    if (set.length === 0) continue;
    let seen = false;
    for (let j = 0; j < n && !seen; j++) seen = sameString(HCALLS[out[j]].functionSet, set);
    if (!seen && n < out.length) out[n++] = i;
  }
  return n;
}

