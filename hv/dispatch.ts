/**
 * hcall dispatch: look the opcode up in the registration table (hcalls/table.ts), pass the
 * gate, run the handler, put the status in r3. Thin on purpose; the handlers are in
 * hcalls/<family>.ts, below the run loop.
 */
import { gate } from './gate';
import type { Partition } from '../lpar/partition';
import type { Vcpu } from '../lpar/vcpu';
import { H } from '../hcalls/status';
import { Fast, HCALLS, Handler, functionSets, lookupHcall } from '../hcalls/table';
import type { GuestTreeParams } from '../lpar/devtree';
import { hGetTermChar, hPutTermChar } from '../hcalls/vty';
import { hCede, hConfer, hGetCpuCharacteristics, hProd, hRegisterVpa, hSetSprg0 } from '../hcalls/processor';
import { hRandom, hSetDabr, hSetMode, hSetXdabr } from '../hcalls/mode';
import { hPageInit } from '../hcalls/page';
import { hCppr, hEoi, hIpi, hIpoll, hXirr, hXirrX } from '../hcalls/xics';
import { hRegisterProcTbl } from '../hcalls/translation';
import { hBulkRemove, hClearHpt, hClearMod, hClearRef, hEnter, hProtect, hRead, hRemove } from '../hcalls/hpt';
import { hRtas } from '../hcalls/rtas';
import { hHalt, hReport } from '../hcalls/lifecycle';
import { hAuditRead, hLanStats, hPolicyReload } from '../hcalls/shype';
import { hVtpmLaunch } from '../hcalls/vtpm';
import { hGetPpp, hStats } from '../hcalls/accounting';
import { hGetTce, hPutTce, hPutTceIndirect, hStuffTce, hVioSignal } from '../hcalls/tce';
import { hVtpmLoad, hVtpmSave } from '../hcalls/vtpmstore';
import { hCreate, hDestroy, hList, hQuery, hRestart, hSetEntitlement, hStart, hStop } from './manage-hcalls';
import { hGrant, hMap, hRevoke, hUnmap } from '../hcalls/grant';
import { hCopyRdma, hEnableCrq, hFreeCrq, hRegCrq, hSendCrq } from '../hcalls/crq';
import {
  hAddLogicalLanBuffer, hAddLogicalLanBuffers, hChangeLogicalLanMac, hFreeLogicalLan, hMulticastCtrl, hRegisterLogicalLan,
  hSendLogicalLan,
} from '../hcalls/llan';

/** invoke()'s answer for a Handler it has no case for (never a PAPR status). */
export const NO_HANDLER = 0x7fffffff;

/** Run the handler of a table row: its status, or NO_HANDLER if `handler` has no case here. */
export function invoke(handler: Handler, p: Partition, v: Vcpu): number {
  switch (handler) {
    case Handler.GetTermChar: return hGetTermChar(p, v);
    case Handler.PutTermChar: return hPutTermChar(p, v);
    case Handler.Cede: return hCede(p, v);
    case Handler.Confer: return hConfer(p, v);
    case Handler.Prod: return hProd(p, v);
    case Handler.Random: return hRandom(p, v);
    case Handler.SetMode: return hSetMode(p, v);
    case Handler.RegisterProcTbl: return hRegisterProcTbl(p, v);
    case Handler.Rtas: return hRtas(p, v);
    case Handler.Halt: return hHalt(p, v);
    case Handler.AuditRead: return hAuditRead(p, v);
    case Handler.PolicyReload: return hPolicyReload(p, v);
    case Handler.Report: return hReport(p, v);
    case Handler.RegisterVpa: return hRegisterVpa(p, v);
    case Handler.GetCpuCharacteristics: return hGetCpuCharacteristics(p, v);
    case Handler.SetSprg0: return hSetSprg0(p, v);
    case Handler.SetDabr: return hSetDabr(p, v);
    case Handler.SetXdabr: return hSetXdabr(p, v);
    case Handler.PageInit: return hPageInit(p, v);
    case Handler.Eoi: return hEoi(p, v);
    case Handler.Cppr: return hCppr(p, v);
    case Handler.Ipi: return hIpi(p, v);
    case Handler.Ipoll: return hIpoll(p, v);
    case Handler.Xirr: return hXirr(p, v);
    case Handler.XirrX: return hXirrX(p, v);
    case Handler.GetTce: return hGetTce(p, v);
    case Handler.PutTce: return hPutTce(p, v);
    case Handler.StuffTce: return hStuffTce(p, v);
    case Handler.PutTceIndirect: return hPutTceIndirect(p, v);
    case Handler.VioSignal: return hVioSignal(p, v);
    case Handler.RegCrq: return hRegCrq(p, v);
    case Handler.FreeCrq: return hFreeCrq(p, v);
    case Handler.SendCrq: return hSendCrq(p, v);
    case Handler.EnableCrq: return hEnableCrq(p, v);
    case Handler.CopyRdma: return hCopyRdma(p, v);
    case Handler.RegisterLogicalLan: return hRegisterLogicalLan(p, v);
    case Handler.FreeLogicalLan: return hFreeLogicalLan(p, v);
    case Handler.AddLogicalLanBuffer: return hAddLogicalLanBuffer(p, v);
    case Handler.AddLogicalLanBuffers: return hAddLogicalLanBuffers(p, v);
    case Handler.SendLogicalLan: return hSendLogicalLan(p, v);
    case Handler.MulticastCtrl: return hMulticastCtrl(p, v);
    case Handler.ChangeLogicalLanMac: return hChangeLogicalLanMac(p, v);
    case Handler.LanStats: return hLanStats(p, v);
    case Handler.VtpmLaunch: return hVtpmLaunch(p, v);
    case Handler.VtpmSave: return hVtpmSave(p, v);
    case Handler.VtpmLoad: return hVtpmLoad(p, v);
    case Handler.Create: return hCreate(p, v);
    case Handler.Start: return hStart(p, v);
    case Handler.Stop: return hStop(p, v);
    case Handler.Destroy: return hDestroy(p, v);
    case Handler.Restart: return hRestart(p, v);
    case Handler.Query: return hQuery(p, v);
    case Handler.List: return hList(p, v);
    case Handler.SetEntitlement: return hSetEntitlement(p, v);
    case Handler.Enter: return hEnter(p, v);
    case Handler.Remove: return hRemove(p, v);
    case Handler.Read: return hRead(p, v);
    case Handler.ClearMod: return hClearMod(p, v);
    case Handler.ClearRef: return hClearRef(p, v);
    case Handler.Protect: return hProtect(p, v);
    case Handler.BulkRemove: return hBulkRemove(p, v);
    case Handler.ClearHpt: return hClearHpt(p, v);
    case Handler.Grant: return hGrant(p, v);
    case Handler.MapGrant: return hMap(p, v);
    case Handler.UnmapGrant: return hUnmap(p, v);
    case Handler.RevokeGrant: return hRevoke(p, v);
    case Handler.GetPpp: return hGetPpp(p, v);
    case Handler.Stats: return hStats(p, v);
  }
  return NO_HANDLER;
}

/**
 * Handle the hcall the vCPU `v` of partition `p` just made (opcode in r3, arguments in
 * r4..r12): the gate's refusal (H_PRIVILEGE from problem state, H_FUNCTION for unknown
 * opcodes, H_AUTHORITY when the policy refuses), else the handler's status. The status goes to
 * r3, outputs are left in r4..r12 by the handler. Reads only r3..r12 and the MSR of the vCPU
 * (so the platforms' fast paths need copy out no more).
 */
export function dispatchHcall(p: Partition, v: Vcpu): void {
  dispatchRow(p, v, lookupHcall(v.gpr[3]));
}

/**
 * dispatchHcall for the platform's fast path: an hcall whose row needs the vCPU's whole state
 * (HcallRow.fast) is not dispatched; false tells the caller to hand it to the scheduler, which
 * dispatches it once the platform has saved everything. True when it was dispatched.
 */
export function dispatchFast(p: Partition, v: Vcpu): boolean {
  const row = lookupHcall(v.gpr[3]);
  if (row >= 0 && rowFast[row] === 0) return false;
  dispatchRow(p, v, row);
  return true;
}

/** Count, gate and run the hcall of table row `row` (-1: none). */
function dispatchRow(p: Partition, v: Vcpu, row: number): void {
  p.hcalls++;
  const refusal = gate(p, v, row);
  const status = refusal === H.SUCCESS ? invoke(HCALLS[row].handler, p, v) : refusal;
  v.gpr[3] = BigInt.asUintN(64, BigInt(status));
}

/** HCALLS[i].fast as bytes (1: may run on the fast path), for dispatchFast. */
const rowFast = new Uint8Array(HCALLS.length);
for (let i = 0; i < HCALLS.length; i++) rowFast[i] = HCALLS[i].fast === Fast.Yes ? 1 : 0;

const sets = new Int32Array(HCALLS.length);

/**
 * Tell partitions' device trees about the hcall interface: the function sets of the hcall
 * table (`/rtas/ibm,hypertas-functions`). Call once, at boot.
 */
export function describeHcalls(params: GuestTreeParams): void {
  const n = functionSets(sets);
  for (let i = 0; i < n; i++) params.hypertas.add(HCALLS[sets[i]].functionSet);
}
