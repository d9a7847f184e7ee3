/**
 * Finding the guest bundle (docs/guest-bundle.md) where the platform put it, and moving it
 * where nothing else will be: the top of the RAM range at 0, below any firmware-reserved range
 * there. From then on it is reserved memory of the hypervisor's, for the life of the machine
 * (a partition that reboots is loaded from it again); no partition can reach it.
 *
 * Where platforms put it (scripts/run-image.sh passes it):
 *   pseries   the bundle wrapped in an ELF, QEMU's -kernel: /chosen/qemu,boot-kernel holds its
 *             address and size (QEMU 7.2 hw/ppc/spapr.c loads it at 4 MiB, inside the
 *             hypervisor's own region: it must move before the page pool is set up)
 *   powernv   QEMU's -initrd (or skiboot's initramfs): /chosen/linux,initrd-start and -end
 */
import { load64, store64, type u64 } from 'tsnc';
import type { Fdt, MemRanges } from '../lpar/fdt';
import { writeDecimal, writeHex, writeLine, writeString } from '../lpar/console';
import { BundleStatus, bundleStatusText } from '../lpar/bundle';
import { guestBundle } from './launch';

/** The bundle is kept on this boundary. */
const BUNDLE_ALIGN_DOWN: u64 = 0xffffffffffff0000n;
/** Where the bundle was found and where it lives now (0 size: none). */
let foundAt: u64 = 0n;
let bundleSize: u64 = 0n;
export let bundleBase: u64 = 0n;

/** Read `/chosen` property `name` as an address (one or two cells); 0 when absent or malformed. */
function chosenValue(fdt: Fdt, chosen: number, name: string, index: number): u64 {
  const prop = fdt.findProp(chosen, name);
  if (prop < 0) return 0n;
  const len = fdt.propLen(prop);
  if (len === 4 && index === 0) return fdt.propCells(prop, 0, 1);
  if (len === 8) return fdt.propCells(prop, 0, 2);
  if (len === 16) return fdt.propCells(prop, 2 * index, 2);
  return 0n;
}

/**
 * Locate the bundle the firmware's device tree announces. Returns false when there is none
 * (no external image can then be loaded; not an error for configurations without one).
 */
export function findBundle(fdt: Fdt): boolean {
  const chosen = fdt.pathOffset('/chosen');
  if (chosen < 0) return false;
  let start = chosenValue(fdt, chosen, 'qemu,boot-kernel', 0);
  let size = chosenValue(fdt, chosen, 'qemu,boot-kernel', 1);
  if (size === 0n) {
    start = chosenValue(fdt, chosen, 'linux,initrd-start', 0);
    const end = chosenValue(fdt, chosen, 'linux,initrd-end', 0);
    size = end > start ? BigInt.asUintN(64, end - start) : 0n;
  }
  if (size === 0n) return false;
  foundAt = start;
  bundleSize = size;
  return true;
}

/**
 * Move the bundle to the top of the RAM at 0, below any reserved range that reaches there,
 * and record it in `reserved`. False when it does not fit.
 */
export function placeBundle(memory: MemRanges, reserved: MemRanges, hvEnd: u64): boolean {
  let end: u64 = 0n;
  for (let i = 0; i < memory.count; i++) if (memory.base[i] === 0n) end = memory.size[i];
  for (let i = 0; i < reserved.count; i++) {   // below every reserved range above the hypervisor
    if (reserved.base[i] >= hvEnd && reserved.base[i] < end) end = reserved.base[i];
  }
  if (end < BigInt.asUintN(64, hvEnd + bundleSize)) return false;
  const to: u64 = BigInt.asUintN(64, end - bundleSize) & BUNDLE_ALIGN_DOWN;
  if (to < hvEnd) return false;
  move(to, foundAt, bundleSize);
  bundleBase = to;
  return reserved.add(to, bundleSize);
}

/** memmove for doublewords: copy [from, from + size) to `to`, in the order the overlap allows. */
function move(to: u64, from: u64, size: u64): void {
  const words: u64 = BigInt.asUintN(64, size + 7n) >> 3n;
  if (to > from) {
    for (let i: u64 = words; i > 0n; i = BigInt.asUintN(64, i - 1n)) {
      const off: u64 = BigInt.asUintN(64, (i - 1n) << 3n);
      store64(BigInt.asUintN(64, to + off), load64(BigInt.asUintN(64, from + off)));
    }
  } else if (to < from) {
    for (let i: u64 = 0n; i < words; i = BigInt.asUintN(64, i + 1n)) {
      const off: u64 = BigInt.asUintN(64, i << 3n);
      store64(BigInt.asUintN(64, to + off), load64(BigInt.asUintN(64, from + off)));
    }
  }
}

/** Open the placed bundle's header: `[hv] guest bundle: N images, M MiB at 0x…` or why not. */
export function openBundle(): boolean {
  const st = guestBundle.open(bundleBase, bundleSize);
  if (st !== BundleStatus.Ok) {
    writeString('[hv] guest bundle refused: ');
    writeLine(bundleStatusText(st));
    return false;
  }
  writeString('[hv] guest bundle: ');
  writeDecimal(guestBundle.count);
  writeString(' images, ');
  writeDecimal(Number(bundleSize >> 20n));
  writeString(' MiB at 0x');
  writeHex(bundleBase, 8);
  writeLine('');
  return true;
}
