/**
 * hcall dispatch: look the opcode up in the registration table, pass the gate, run the
 * handler, put the status in r3. Thin on purpose; the handlers are in hcalls/<family>.ts.
 */
import { decide } from '../hv/gate';
import type { Partition } from '../lpar/partition';
import type { Vcpu } from '../lpar/vcpu';
import { H } from './status';
import { HCALLS, Handler, lookupHcall } from './table';
import { hGetTermChar, hPutTermChar } from './vty';
import { hCede, hConfer, hProd } from './processor';
import { hRandom, hSetMode } from './mode';
import { hRegisterProcTbl } from './translation';
import { hRtas } from './rtas';
import { hHalt, hReport } from './lifecycle';
import { hAuditRead, hPolicyReload } from './shype';

/** Run the handler of a table row. */
function invoke(handler: Handler, p: Partition, v: Vcpu): number {
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
  }
  return H.FUNCTION;
}

/**
 * Handle the hcall the vCPU `v` of partition `p` just made (opcode in r3, arguments in
 * r4..r12): H_FUNCTION for unknown opcodes, H_AUTHORITY when the gate refuses, else the
 * handler's status. The status goes to r3, outputs are left in r4..r12 by the handler.
 */
export function dispatchHcall(p: Partition, v: Vcpu): void {
  p.hcalls++;
  const row = lookupHcall(v.gpr[3]);
  let status: number = H.FUNCTION;
  if (row >= 0) status = decide(p, HCALLS[row]) ? invoke(HCALLS[row].handler, p, v) : H.AUTHORITY;
  v.gpr[3] = BigInt.asUintN(64, BigInt(status));
}
