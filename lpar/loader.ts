/**
 * Loading a partition: clear its memory (no data survives from an earlier tenant or from boot),
 * copy its program image to logical address 0, and write its device tree at the top of its
 * memory. The program is entered at 0 with r3 = the device tree's logical address.
 */
import { load64, store64, type u64 } from 'tsnc';
import { zeroRange } from '../arch/ppc64/common/pages';
import { timebaseHz } from './time';
import { FdtWriter, GuestTreeParams, buildGuestTree } from './devtree';
import { Partition } from './partition';

/** Bytes at the top of every partition's memory that hold its device tree. */
export const FDT_SPACE = 0x10000;

/** Why a partition could not be loaded. */
export const enum LoadStatus {
  Ok = 0,
  NoImage = 1,
  ImageTooLarge = 2,
  DeviceTreeFailed = 3,
}

const writer = new FdtWriter();
/**
 * What every partition's device tree shares. The hypervisor fills in its hcall interface (the
 * function sets, hv/dispatch.ts describeHcalls) at boot; the partition's own values are set by
 * loadPartition.
 */
export const guestTreeParams = new GuestTreeParams();
const params = guestTreeParams;

/** The logical address of the partition's device tree. */
export function fdtAddress(p: Partition): u64 {
  return BigInt.asUintN(64, p.memSize - BigInt(FDT_SPACE));
}

/**
 * Load the image at real address `image` (`size` bytes) into partition `p` and write its device
 * tree. Checks first, then acts: an image that does not fit below the device tree changes nothing.
 */
export function loadPartition(p: Partition, image: u64, size: u64): LoadStatus {
  if (size === 0n) return LoadStatus.NoImage;
  if (size > BigInt.asUintN(64, p.memSize - BigInt(FDT_SPACE))) return LoadStatus.ImageTooLarge;
  zeroRange(p.memBase, p.memSize);
  for (let off: u64 = 0n; off < size; off = BigInt.asUintN(64, off + 8n)) {
    store64(BigInt.asUintN(64, p.memBase + off), load64(BigInt.asUintN(64, image + off)));
  }
  params.partitionName = p.name;
  params.memBase = 0n;
  params.memSize = p.memSize;
  params.timebaseHz = Number(timebaseHz);
  const fdt = fdtAddress(p);
  const written = buildGuestTree(writer, params, BigInt.asUintN(64, p.memBase + fdt), FDT_SPACE);
  return written > 0 ? LoadStatus.Ok : LoadStatus.DeviceTreeFailed;
}
