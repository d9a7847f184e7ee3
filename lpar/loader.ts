/**
 * Loading a partition: clear its memory (no data survives from an earlier tenant or from boot),
 * copy its program image to logical address 0, and write its device tree at the top of its
 * memory. The program is entered at 0 with r3 = the device tree's logical address.
 */
import { load64, store64, type u64 } from 'tsnc';
import { zeroRange } from '../hv/pages';
import { timebaseHz } from '../hv/time';
import { HCALLS } from '../hcalls/table';
import { VTY_UNIT_ADDRESS } from '../hcalls/vty';
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
const params = new GuestTreeParams();
for (let i = 0; i < HCALLS.length; i++) {
  if (HCALLS[i].functionSet.length > 0) params.hypertas.add(HCALLS[i].functionSet);
}
params.vtyReg = VTY_UNIT_ADDRESS;

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
