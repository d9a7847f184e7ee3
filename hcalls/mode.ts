/**
 * Platform facilities: H_SET_MODE ("hcall-set-mode": interrupt endianness and address
 * translation mode for interrupts), H_RANDOM ("hcall-random") and the data breakpoint,
 * H_SET_DABR and H_SET_XDABR ("hcall-dabr", "hcall-xdabr").
 */
import { DARN_FAILED, hardwareRandom } from '../arch/ppc64/cpu';
import type { u64 } from 'tsnc';
import { guestAilSupported, syncVcpu } from '@platform';
import type { Partition } from '../lpar/partition';
import type { Vcpu } from '../lpar/vcpu';
import { H } from './status';

/** H_SET_MODE resources (PAPR; Linux H_SET_MODE_RESOURCE_*). */
const enum ModeResource {
  SetCiabr = 1,
  SetDawr0 = 2,
  AddrTransMode = 3,
  LittleEndian = 4,
}

/**
 * H_SET_MODE(mflags r4, resource r5, value1 r6, value2 r7). The interrupt byte order and the
 * alternate interrupt location are the partition's (LPCR[ILE], LPCR[AIL]): set for every vCPU.
 *
 * @noinline out of line, so that the hot dispatch path does not pay for its registers
 */
export function hSetMode(p: Partition, v: Vcpu): number {
  const mflags = v.gpr[4], resource = v.gpr[5];
  if (resource === BigInt(ModeResource.LittleEndian)) {
    if (v.gpr[6] !== 0n) return H.P3;
    if (v.gpr[7] !== 0n) return H.P4;
    if (mflags > 1n) return H.UNSUPPORTED_FLAG;
    for (let i = 0; i < p.vcpus.length; i++) p.vcpus[i].littleEndian = mflags === 1n;
    return H.SUCCESS;
  }
  if (resource === BigInt(ModeResource.AddrTransMode)) {
    if (v.gpr[6] !== 0n) return H.P3;
    if (v.gpr[7] !== 0n) return H.P4;
    if (mflags !== 0n && mflags !== 3n) return H.UNSUPPORTED_FLAG;   // AIL 0 or 3
    if (mflags === 3n && !guestAilSupported()) return H.P2;   // not on this platform (api.ts)
    for (let i = 0; i < p.vcpus.length; i++) p.vcpus[i].ail = Number(mflags);
    return H.SUCCESS;
  }
  return H.P2;   // CIABR, DAWR and unknown resources are not offered
}

// H_SET_DABR/H_SET_XDABR: the POWER8-style data address breakpoint, kept as POWER9's DAWR0
// (Linux asm/reg.h DABR_*, DABRX_*, DAWRX_*; KVM converts the same way)
const DABR_TRANSLATION: u64 = 4n;
const DABR_DATA_WRITE: u64 = 2n;
const DABR_DATA_READ: u64 = 1n;
const DABRX_USER: u64 = 1n;
const DABRX_KERNEL: u64 = 2n;
const DABRX_HYP: u64 = 4n;
const DABRX_BTI: u64 = 8n;
const DAWRX_WT: u64 = 0x10n;
const DAWRX_DR: u64 = 0x20n;
const DAWRX_DW: u64 = 0x40n;
const DABR_ADDRESS: u64 = 0xfffffffffffffff8n;

/** Set the vCPU's breakpoint from a DABR and DABRX value (both already checked). */
function setBreakpoint(v: Vcpu, dabr: u64, dabrx: u64): void {
  syncVcpu(v);
  let dawrx: u64 = dabrx & (DABRX_USER | DABRX_KERNEL);
  if ((dabr & DABR_DATA_READ) !== 0n) dawrx |= DAWRX_DR;
  if ((dabr & DABR_DATA_WRITE) !== 0n) dawrx |= DAWRX_DW;
  if ((dabr & DABR_TRANSLATION) !== 0n) dawrx |= DAWRX_WT;
  if ((dabr & (DABR_DATA_READ | DABR_DATA_WRITE)) === 0n) dawrx = 0n;   // no access matched: off
  v.dawr0 = dabr & DABR_ADDRESS;
  v.dawrx0 = dawrx;
}

/**
 * H_SET_DABR(dabr r4): a breakpoint for problem and privileged state.
 * @noinline out of line, so that the hot dispatch path does not pay for its registers
 */
export function hSetDabr(_p: Partition, v: Vcpu): number {
  setBreakpoint(v, v.gpr[4], DABRX_USER | DABRX_KERNEL);
  return H.SUCCESS;
}

/**
 * H_SET_XDABR(dabr r4, dabrx r5): a breakpoint for the states DABRX selects (user, kernel;
 * BTI accepted). Hypervisor state, unknown bits or no state at all are H_PARAMETER.
 *
 * @noinline out of line, so that the hot dispatch path does not pay for its registers
 */
export function hSetXdabr(_p: Partition, v: Vcpu): number {
  const dabrx = v.gpr[5];
  if ((dabrx & ~(DABRX_USER | DABRX_KERNEL | DABRX_BTI)) !== 0n || (dabrx & DABRX_HYP) !== 0n) return H.PARAMETER;
  if ((dabrx & (DABRX_USER | DABRX_KERNEL)) === 0n) return H.PARAMETER;
  setBreakpoint(v, v.gpr[4], dabrx);
  return H.SUCCESS;
}

/**
 * H_RANDOM -> 64 random bits in r4.
 * @noinline out of line, so that the hot dispatch path does not pay for its registers
 */
export function hRandom(_p: Partition, v: Vcpu): number {
  const r = hardwareRandom();
  if (r === DARN_FAILED) return H.HARDWARE;
  v.gpr[4] = r;
  return H.SUCCESS;
}
