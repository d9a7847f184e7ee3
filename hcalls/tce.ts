/**
 * TCE tables of the virtual devices' DMA windows ("hcall-tce", "hcall-multi-tce") and the
 * devices' interrupt switch ("hcall-vio"): H_PUT_TCE, H_GET_TCE, H_STUFF_TCE,
 * H_PUT_TCE_INDIRECT and H_VIO_SIGNAL, as Linux's pseries iommu.c and vio.c use them
 * (ref/LINUX-GUEST.md B.1, B.3; QEMU hw/ppc/spapr_iommu.c, spapr_vio.c).
 *
 * A LIOBN names one of the caller's own windows (lpar/vio.ts). A TCE may map only a page of the
 * caller's memory: a mapping of anything else is H_PARAMETER, as is an I/O address outside the
 * window or an unknown LIOBN; every call checks all its entries before it writes one.
 */
import type { u64 } from 'tsnc';
import { NO_ADDRESS, guestLoad64, realAddress } from '../lpar/memory';
import type { Partition } from '../lpar/partition';
import type { Vcpu } from '../lpar/vcpu';
import { TCE_ADDRESS_MASK, TCE_READ, TCE_SHIFT, TCE_WRITE, deviceOf, tces, vdevices, type VioDevice } from '../lpar/vio';
import { H } from './status';

/** Most TCEs one H_PUT_TCE_INDIRECT passes (one 4 KiB page of them). */
const MAX_INDIRECT = 512;
const PERMISSIONS: u64 = TCE_READ | TCE_WRITE;
const ok = new Uint8Array(1);

/** The TCE to store for the guest's value `tce`, or NO_ADDRESS when it maps outside the partition. */
function checkedTce(p: Partition, tce: u64): u64 {
  if ((tce & PERMISSIONS) === 0n) return 0n;   // an unmapped entry
  if (realAddress(p, tce & TCE_ADDRESS_MASK, 1 << TCE_SHIFT) === NO_ADDRESS) return NO_ADDRESS;
  return (tce & TCE_ADDRESS_MASK) | (tce & PERMISSIONS);
}

/** The window entry of `ioba` in `d`, or -1 when `npages` entries from it do not fit the window. */
function entryOf(d: VioDevice, ioba: u64, npages: u64): number {
  const page: u64 = ioba >> BigInt(TCE_SHIFT);
  const pages: u64 = BigInt(d.windowPages);
  if (page >= pages || npages > BigInt.asUintN(64, pages - page)) return -1;
  return d.tceBase + Number(page);
}

/**
 * H_PUT_TCE(liobn r4, ioba r5, tce r6): map (or, with no permission bit, unmap) one page.
 * @noinline out of line, so that the hot dispatch path does not pay for its registers
 */
export function hPutTce(p: Partition, v: Vcpu): number {
  const i = deviceOf(p, v.gpr[4]);
  if (i < 0) return H.PARAMETER;
  const d = vdevices[i];
  const e = entryOf(d, v.gpr[5], 1n);
  if (e < 0) return H.PARAMETER;
  const tce = checkedTce(p, v.gpr[6]);
  if (tce === NO_ADDRESS) return H.PARAMETER;
  tces[e] = tce;
  return H.SUCCESS;
}

/**
 * H_GET_TCE(liobn r4, ioba r5) -> the entry in r4.
 * @noinline out of line, so that the hot dispatch path does not pay for its registers
 */
export function hGetTce(p: Partition, v: Vcpu): number {
  const i = deviceOf(p, v.gpr[4]);
  if (i < 0) return H.PARAMETER;
  const d = vdevices[i];
  const e = entryOf(d, v.gpr[5], 1n);
  if (e < 0) return H.PARAMETER;
  v.gpr[4] = tces[e];
  return H.SUCCESS;
}

/**
 * H_STUFF_TCE(liobn r4, ioba r5, tce r6, npages r7): the same entry in `npages` pages (Linux
 * clears whole windows with it at boot).
 * @noinline out of line, so that the hot dispatch path does not pay for its registers
 */
export function hStuffTce(p: Partition, v: Vcpu): number {
  const i = deviceOf(p, v.gpr[4]);
  if (i < 0) return H.PARAMETER;
  const d = vdevices[i];
  const npages = v.gpr[7];
  const e = entryOf(d, v.gpr[5], npages);
  if (e < 0) return H.PARAMETER;
  const tce = checkedTce(p, v.gpr[6]);
  if (tce === NO_ADDRESS) return H.PARAMETER;
  tces.fill(tce, e, e + Number(npages));
  return H.SUCCESS;
}

/** The checked entries of the last H_PUT_TCE_INDIRECT, written only once all passed. */
const staged = new BigUint64Array(MAX_INDIRECT);

/**
 * H_PUT_TCE_INDIRECT(liobn r4, ioba r5, list r6, npages r7): `npages` (at most 512) entries from
 * a 4 KiB-aligned list of big-endian TCEs in the caller's memory (a logical address).
 * @noinline out of line, so that the hot dispatch path does not pay for its registers
 */
export function hPutTceIndirect(p: Partition, v: Vcpu): number {
  const i = deviceOf(p, v.gpr[4]);
  if (i < 0) return H.PARAMETER;
  const d = vdevices[i];
  const list = v.gpr[6], npages = v.gpr[7];
  if (npages > BigInt(MAX_INDIRECT) || (list & 0xfffn) !== 0n) return H.PARAMETER;
  const e = entryOf(d, v.gpr[5], npages);
  if (e < 0) return H.PARAMETER;
  const n = Number(npages);
  ok[0] = 1;
  for (let i = 0; i < n; i++) {
    const tce = checkedTce(p, guestLoad64(p, BigInt.asUintN(64, list + BigInt(8 * i)), ok));
    if (ok[0] === 0 || tce === NO_ADDRESS) return H.PARAMETER;
    staged[i] = tce;
  }
  for (let i = 0; i < n; i++) tces[e + i] = staged[i];
  return H.SUCCESS;
}

/** H_VIO_SIGNAL modes (Linux asm/vio.h VIO_IRQ_ENABLE): bit 0 enables the device's interrupt. */
const SIGNAL_MASK: u64 = 1n;

/**
 * H_VIO_SIGNAL(unit r4, mode r5): enable or disable the device's interrupt. ibmveth BUG()s on
 * anything but H_SUCCESS, so only a bad unit or mode bits are refused (QEMU h_vio_signal).
 * @noinline out of line, so that the hot dispatch path does not pay for its registers
 */
export function hVioSignal(p: Partition, v: Vcpu): number {
  const i = deviceOf(p, v.gpr[4]);
  if (i < 0) return H.PARAMETER;
  const d = vdevices[i];
  const mode = v.gpr[5];
  if ((mode & ~SIGNAL_MASK) !== 0n) return H.PARAMETER;
  d.signal = Number(mode);
  return H.SUCCESS;
}
