/**
 * The hcall gate: every hcall passes here before its handler runs, and nothing else reaches a
 * handler. In order:
 *
 *   1. privilege   an hcall made in problem state (MSR[PR] = 1 at the `sc 1`: a partition's
 *                  user program) is refused with H_PRIVILEGE, whatever the opcode, tshype's own
 *                  included — as QEMU's spapr does (KVM instead reflects it to the partition
 *                  as a system call; docs/hcalls.md says which and why);
 *   2. existence   an opcode with no row in the hcall table is H_FUNCTION;
 *   3. policy      with an sHype policy the decision is the policy's (hv/security.ts, through
 *                  the decision cache, audited); without one it is the partition's allowed hcall
 *                  classes. A refusal is H_AUTHORITY.
 *
 * Every outcome is counted (gateStats; an admitted call also in its partition's classCalls) and
 * a refusal changes nothing but the counters.
 */
import type { u64 } from 'tsnc';
import type { Partition } from '../lpar/partition';
import type { Vcpu } from '../lpar/vcpu';
import { H } from '../hcalls/status';
import { HCALLS } from '../hcalls/table';
import { admitHcall, securityActive } from '../shype/security';

/** What the gate did with an hcall: the index into gateStats. */
export const enum GateOutcome {
  Allowed = 0,
  /** Refused by the policy (or the partition's hcall classes): H_AUTHORITY. */
  Denied = 1,
  /** Made in problem state: H_PRIVILEGE. */
  Privilege = 2,
  /** No such hcall: H_FUNCTION. */
  Unknown = 3,
}

/** Hcalls so far by GateOutcome, for the shutdown summary. */
export const gateStats = new Uint32Array(4);

/**
 * The gate's verdict on the hcall vCPU `v` of partition `p` makes, `row` being its index in the
 * hcall table (-1: no such hcall): H.SUCCESS to run the handler, else the status to return.
 */
export function gate(p: Partition, v: Vcpu, row: number): number {
  if (v.inProblemState()) return refuse(p, GateOutcome.Privilege, H.PRIVILEGE);
  if (row < 0) {
    noteUnknown(v.gpr[3]);
    return refuse(p, GateOutcome.Unknown, H.FUNCTION);
  }
  const hclass = HCALLS[row].hclass;
  const allowed = securityActive() ? admitHcall(p, hclass) : (p.allowedClasses & (1 << hclass)) !== 0;
  if (!allowed) return refuse(p, GateOutcome.Denied, H.AUTHORITY);
  gateStats[GateOutcome.Allowed]++;
  p.classCalls[hclass]++;   // the partition's accounting: admitted hcalls by class
  return H.SUCCESS;
}

/** The first few distinct opcodes refused as unknown, for the summary (what guests asked for). */
export const unknownOpcodes = new BigUint64Array(4);
export let unknownOpcodeCount = 0;

function noteUnknown(opcode: u64): void {
  for (let i = 0; i < unknownOpcodeCount; i++) if (unknownOpcodes[i] === opcode) return;
  if (unknownOpcodeCount < unknownOpcodes.length) unknownOpcodes[unknownOpcodeCount++] = opcode;
}

/** Count a refusal (for the gate and the partition) and return its status. */
function refuse(p: Partition, outcome: GateOutcome, status: number): number {
  gateStats[outcome]++;
  p.denials++;
  return status;
}
