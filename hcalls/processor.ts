/**
 * Processor calls: H_CEDE, H_CONFER, H_PROD (a guest's idle loop and lock spinning),
 * H_REGISTER_VPA (the virtual processor area, dispatch trace log and SLB shadow buffer),
 * H_GET_CPU_CHARACTERISTICS and H_SET_SPRG0. The scheduler (hv/scheduler.ts) acts on the
 * flags they set; semantics and status codes as PAPR gives them and QEMU's
 * hw/ppc/spapr_hcall.c implements them.
 */
import type { u64 } from 'tsnc';
import { MSR_EE } from '../arch/ppc64/bits';
import { guestLoad16, guestLoad32, realAddress, NO_ADDRESS } from '../lpar/memory';
import { syncVcpu } from '@platform';
import type { Partition } from '../lpar/partition';
import type { Vcpu } from '../lpar/vcpu';
import { H } from './status';

/**
 * H_CEDE: give up the processor until there is work: an interrupt presented to the vCPU, its
 * decrementer's expiry, or an H_PROD (one that arrived before the cede makes it return at
 * once). Returns with MSR[EE] = 1, as PAPR requires: the guest takes the interrupt that woke it.
 *
 * @noinline out of line, so that the hot dispatch path does not pay for its registers
 */
export function hCede(_p: Partition, v: Vcpu): number {
  v.msr = v.msr | MSR_EE;
  if (v.prodded) {
    v.prodded = false;
    return H.SUCCESS;
  }
  v.ceded = true;
  return H.SUCCESS;
}

/** The procno argument that names no particular vCPU (H_CONFER: any). */
const ANY_VCPU: u64 = 0xffffffffffffffffn;

/**
 * H_CONFER(procno r4, dispatch count r5): yield the rest of this time slice (to -1: anyone).
 * @noinline out of line, so that the hot dispatch path does not pay for its registers
 */
export function hConfer(p: Partition, v: Vcpu): number {
  const target = v.gpr[4];
  if (target !== ANY_VCPU && target >= BigInt(p.vcpuCount)) return H.PARAMETER;
  v.yielded = true;
  return H.SUCCESS;
}

/**
 * H_PROD(procno r4): wake a ceded vCPU of the same partition (or make its next cede return).
 * @noinline out of line, so that the hot dispatch path does not pay for its registers
 */
export function hProd(p: Partition, v: Vcpu): number {
  const target = v.gpr[4];
  if (target >= BigInt(p.vcpuCount)) return H.PARAMETER;
  p.vcpus[Number(target)].prodded = true;
  return H.SUCCESS;
}

/** H_REGISTER_VPA subfunctions: flags bits 45..47 (PAPR; QEMU FLAGS_REGISTER_VPA = 1 << 45). */
const enum VpaOp {
  RegisterVpa = 1,
  RegisterDtl = 2,
  RegisterSlbShadow = 3,
  DeregisterVpa = 5,
  DeregisterDtl = 6,
  DeregisterSlbShadow = 7,
}
const VPA_OP_SHIFT = 45n;
const VPA_FLAGS_MASK: u64 = 0x0000e00000000000n;
/** The VPA's minimum size (its be16 size field at +4) and its alignment (a cache line). */
const VPA_MIN_SIZE = 640;
const VPA_ALIGN: u64 = 128n;
/** Least size (be32 at +4) of an SLB shadow buffer and of a dispatch trace log. */
const SLB_SHADOW_MIN_SIZE = 8;
const DTL_MIN_SIZE = 48;
const PAGE: u64 = 4096n;
const ok = new Uint8Array(1);

/** True when [addr, addr + size) stays inside one 4 KiB page. */
function withinPage(addr: u64, size: number): boolean {
  return addr / PAGE === BigInt.asUintN(64, addr + BigInt(size - 1)) / PAGE;
}

/**
 * H_REGISTER_VPA(flags r4, procno r5, address r6): register or deregister the VPA, DTL or SLB
 * shadow buffer of one of the partition's vCPUs. An address of 0 is H_HARDWARE; a buffer
 * outside the partition, misaligned, too small or crossing a 4 KiB page is H_PARAMETER; a DTL
 * or SLB shadow without a VPA, or deregistering a VPA that still has them, is H_RESOURCE.
 * A VPA is left marked dedicated (its shared-processor byte untouched): a tshype vCPU is not
 * preempted by other vCPUs of its partition.
 *
 * @noinline out of line, so that the hot dispatch path does not pay for its registers
 */
export function hRegisterVpa(p: Partition, v: Vcpu): number {
  const flags = v.gpr[4], procno = v.gpr[5], addr = v.gpr[6];
  if ((flags & ~VPA_FLAGS_MASK) !== 0n || procno >= BigInt(p.vcpuCount)) return H.PARAMETER;
  const target = p.vcpus[Number(procno)];
  const op = Number((flags & VPA_FLAGS_MASK) >> VPA_OP_SHIFT);
  switch (op) {
    case VpaOp.RegisterVpa: return registerVpa(p, target, addr);
    case VpaOp.RegisterDtl: return registerBuffer(p, target, addr, DTL_MIN_SIZE, true);
    case VpaOp.RegisterSlbShadow: return registerBuffer(p, target, addr, SLB_SHADOW_MIN_SIZE, false);
    case VpaOp.DeregisterVpa:
      if (target.dtl !== 0n || target.slbShadow !== 0n) return H.RESOURCE;
      target.vpa = 0n;
      return H.SUCCESS;
    case VpaOp.DeregisterDtl: target.dtl = 0n; return H.SUCCESS;
    case VpaOp.DeregisterSlbShadow: target.slbShadow = 0n; return H.SUCCESS;
  }
  return H.PARAMETER;
}

function registerVpa(p: Partition, target: Vcpu, addr: u64): number {
  if (addr === 0n) return H.HARDWARE;
  if ((addr & (VPA_ALIGN - 1n)) !== 0n || realAddress(p, addr, VPA_MIN_SIZE) === NO_ADDRESS) return H.PARAMETER;
  ok[0] = 1;
  const size = guestLoad16(p, BigInt.asUintN(64, addr + 4n), ok);
  if (ok[0] === 0 || size < VPA_MIN_SIZE || !withinPage(addr, size)) return H.PARAMETER;
  target.vpa = addr;
  return H.SUCCESS;
}

function registerBuffer(p: Partition, target: Vcpu, addr: u64, minSize: number, dtl: boolean): number {
  if (addr === 0n) return H.HARDWARE;
  ok[0] = 1;
  const size = guestLoad32(p, BigInt.asUintN(64, addr + 4n), ok);
  if (ok[0] === 0 || size < minSize || realAddress(p, addr, size) === NO_ADDRESS) return H.PARAMETER;
  if (!dtl && !withinPage(addr, size)) return H.PARAMETER;
  if (target.vpa === 0n) return H.RESOURCE;
  if (dtl) target.dtl = addr;
  else target.slbShadow = addr;
  return H.SUCCESS;
}

/**
 * H_GET_CPU_CHARACTERISTICS -> r4 characteristics, r5 behaviour (Linux asm/hvcall.h
 * H_CPU_CHAR_*, H_CPU_BEHAV_*). tshype claims no hardware mitigation and asks the guest to
 * favour security, flush the L1 data cache on return to problem state and use speculation
 * barriers on bounds checks: what QEMU answers with its mitigation capabilities "broken".
 *
 * @noinline out of line, so that the hot dispatch path does not pay for its registers
 */
export function hGetCpuCharacteristics(_p: Partition, v: Vcpu): number {
  v.gpr[4] = 0n;
  v.gpr[5] = BEHAVIOUR;
  return H.SUCCESS;
}
const BEHAV_FAVOUR_SECURITY: u64 = 0x8000000000000000n;
const BEHAV_L1D_FLUSH_PR: u64 = 0x4000000000000000n;
const BEHAV_BNDS_CHK_SPEC_BAR: u64 = 0x2000000000000000n;
const BEHAVIOUR: u64 = BEHAV_FAVOUR_SECURITY | BEHAV_L1D_FLUSH_PR | BEHAV_BNDS_CHK_SPEC_BAR;

/**
 * H_SET_SPRG0(value r4): the vCPU's SPRG0 (dispatched with the full state: table.ts).
 * @noinline out of line, so that the hot dispatch path does not pay for its registers
 */
export function hSetSprg0(_p: Partition, v: Vcpu): number {
  syncVcpu(v);
  v.sprg0 = v.gpr[4];
  return H.SUCCESS;
}
