/**
 * The interrupt presentation calls of the partition's virtual XICS ("hcall-interrupt"; the
 * state machine is lpar/xics.ts): H_CPPR, H_XIRR, H_XIRR_X, H_EOI, H_IPI, H_IPOLL, as Linux's
 * icp-hv driver uses them. The calling vCPU's interrupt server number is its index. A call
 * that lets an interrupt be presented sends the vCPU back through the scheduler, which
 * delivers it (hv/interrupts.ts).
 */
import { mftb } from 'tsnc';
import type { Partition } from '../lpar/partition';
import type { Vcpu } from '../lpar/vcpu';
import { H } from './status';

/** A priority or XIRR argument has only its low byte (priority) or 32 bits (XIRR). */
const BYTE_MASK = 0xffn;
const XIRR_MASK = 0xffffffffn;

/** Send the vCPU back through the scheduler when an interrupt is now presented to it. */
function notePresented(p: Partition, v: Vcpu): void {
  if (p.xics.output(v.index)) v.stateChanged = true;
}

/**
 * H_CPPR(cppr r4): set the calling processor's priority.
 * @noinline out of line, so that the hot dispatch path does not pay for its registers
 */
export function hCppr(p: Partition, v: Vcpu): number {
  p.xics.setCppr(v.index, Number(v.gpr[4] & BYTE_MASK));
  notePresented(p, v);
  return H.SUCCESS;
}

/**
 * H_XIRR -> r4: accept the interrupt presented to the caller (0 in the low 24 bits: none).
 * @noinline out of line, so that the hot dispatch path does not pay for its registers
 */
export function hXirr(p: Partition, v: Vcpu): number {
  v.gpr[4] = BigInt(p.xics.accept(v.index));
  return H.SUCCESS;
}

/**
 * H_XIRR_X -> r4 the XIRR (as H_XIRR), r5 the timebase when it was accepted.
 * @noinline out of line, so that the hot dispatch path does not pay for its registers
 */
export function hXirrX(p: Partition, v: Vcpu): number {
  v.gpr[4] = BigInt(p.xics.accept(v.index));
  v.gpr[5] = mftb();
  return H.SUCCESS;
}

/**
 * H_EOI(xirr r4): end the interrupt, restoring the CPPR in its top byte.
 * @noinline out of line, so that the hot dispatch path does not pay for its registers
 */
export function hEoi(p: Partition, v: Vcpu): number {
  p.xics.eoi(v.index, Number(v.gpr[4] & XIRR_MASK));
  notePresented(p, v);
  return H.SUCCESS;
}

/**
 * H_IPI(server r4, mfrr r5): request an inter-processor interrupt at priority `mfrr` (0xff
 * withdraws the request) for one of the partition's vCPUs; H_PARAMETER for another server.
 *
 * @noinline out of line, so that the hot dispatch path does not pay for its registers
 */
export function hIpi(p: Partition, v: Vcpu): number {
  const server = v.gpr[4];
  if (!p.xics.validServer(server)) return H.PARAMETER;
  p.xics.setMfrr(Number(server), Number(v.gpr[5] & BYTE_MASK));
  notePresented(p, v);   // an IPI to itself; another vCPU sees it when next scheduled
  return H.SUCCESS;
}

/**
 * H_IPOLL(server r4) -> r4 its XIRR (nothing accepted), r5 its MFRR.
 * @noinline out of line, so that the hot dispatch path does not pay for its registers
 */
export function hIpoll(p: Partition, v: Vcpu): number {
  const server = v.gpr[4];
  if (!p.xics.validServer(server)) return H.PARAMETER;
  const s = Number(server);
  v.gpr[4] = BigInt(p.xics.xirr(s));
  v.gpr[5] = BigInt(p.xics.mfrr[s]);
  return H.SUCCESS;
}
