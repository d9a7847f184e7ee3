/**
 * Partition memory: which 2 MiB granules of machine memory above the hypervisor belong to a
 * partition and which are free. Boot takes the configured partitions' placements
 * (lpar/validate.ts) with reserveRegion; partitions created at run time (hv/manage.ts) get a
 * first-fit region with allocRegion and give it back with freeRegion when destroyed (their
 * memory scrubbed first). Sizes and bases are in MiB, multiples of MEMORY_GRANULE_MIB.
 */
import type { u64 } from 'tsnc';
import { MEMORY_GRANULE_MIB } from './config';

/** Most granules the map covers: 64 GiB of machine memory. */
const MAX_GRANULES = 32768;

/** granule[i] = 1 while granule i (MiB firstMiB + 2i) belongs to a partition. */
const granule = new Uint8Array(MAX_GRANULES);
let firstMiB = 0;
let count = 0;
let inUse = 0;

/** Hand [startMiB, endMiB) to the allocator, all free (both multiples of MEMORY_GRANULE_MIB). */
export function initRegions(startMiB: number, endMiB: number): void {
  firstMiB = startMiB;
  count = endMiB > startMiB ? Math.min(MAX_GRANULES, Math.trunc((endMiB - startMiB) / MEMORY_GRANULE_MIB)) : 0;
  granule.fill(0);
  inUse = 0;
}

/** The granule index of `baseMiB` and the granule count of `sizeMiB`, or -1 when not a valid region. */
function firstGranule(baseMiB: number, sizeMiB: number): number {
  if (sizeMiB <= 0 || sizeMiB % MEMORY_GRANULE_MIB !== 0 || baseMiB < firstMiB || (baseMiB - firstMiB) % MEMORY_GRANULE_MIB !== 0) return -1;
  const g = Math.trunc((baseMiB - firstMiB) / MEMORY_GRANULE_MIB);
  return g + Math.trunc(sizeMiB / MEMORY_GRANULE_MIB) <= count ? g : -1;
}

/** True when every granule of [g, g + n) is free. */
function allFree(g: number, n: number): boolean {
  for (let i = g; i < g + n; i++) if (granule[i] !== 0) return false;
  return true;
}

function mark(g: number, n: number, v: number): void {
  for (let i = g; i < g + n; i++) granule[i] = v;
  inUse += v !== 0 ? n : -n;
}

/** Take [baseMiB, baseMiB + sizeMiB) if it is inside the map and free; false (nothing taken) otherwise. */
export function reserveRegion(baseMiB: number, sizeMiB: number): boolean {
  const g = firstGranule(baseMiB, sizeMiB);
  const n = Math.trunc(sizeMiB / MEMORY_GRANULE_MIB);
  if (g < 0 || !allFree(g, n)) return false;
  mark(g, n, 1);
  return true;
}

/**
 * Take every granule that overlaps real [base, base + size) bytes (firmware-reserved memory inside
 * the map: nothing may be created on it), whatever it held.
 */
export function excludeRange(base: u64, size: u64): void {
  if (size === 0n || count === 0) return;
  const start: u64 = BigInt.asUintN(64, BigInt(firstMiB) << 20n);
  const end: u64 = BigInt.asUintN(64, start + BigInt.asUintN(64, BigInt(count * MEMORY_GRANULE_MIB) << 20n));
  const last: u64 = BigInt.asUintN(64, base + size);
  if (last <= start || base >= end) return;
  const from: u64 = base > start ? base : start;
  const to: u64 = last < end ? last : end;
  const granuleBytes: u64 = BigInt(MEMORY_GRANULE_MIB) << 20n;
  const g0 = Number(BigInt.asUintN(64, from - start) / granuleBytes);
  const g1 = Number(BigInt.asUintN(64, to - start + granuleBytes - 1n) / granuleBytes);
  for (let i = g0; i < g1 && i < count; i++) {
    if (granule[i] === 0) inUse++;
    granule[i] = 1;
  }
}

/** The lowest free region of `sizeMiB`, taken; its base in MiB, or -1 (nothing taken) when none is free. */
export function allocRegion(sizeMiB: number): number {
  if (sizeMiB <= 0 || sizeMiB % MEMORY_GRANULE_MIB !== 0) return -1;
  const n = Math.trunc(sizeMiB / MEMORY_GRANULE_MIB);
  let run = 0;
  for (let i = 0; i < count; i++) {
    run = granule[i] === 0 ? run + 1 : 0;
    if (run === n) {
      mark(i - n + 1, n, 1);
      return firstMiB + (i - n + 1) * MEMORY_GRANULE_MIB;
    }
  }
  return -1;
}

/** Give back [baseMiB, baseMiB + sizeMiB); false (nothing changed) unless all of it was taken. */
export function freeRegion(baseMiB: number, sizeMiB: number): boolean {
  const g = firstGranule(baseMiB, sizeMiB);
  const n = Math.trunc(sizeMiB / MEMORY_GRANULE_MIB);
  if (g < 0) return false;
  for (let i = g; i < g + n; i++) if (granule[i] === 0) return false;
  mark(g, n, 0);
  return true;
}

/** MiB of partition memory free now. */
export function regionsFreeMiB(): number {
  return (count - inUse) * MEMORY_GRANULE_MIB;
}

/** MiB of partition memory the map covers. */
export function regionsTotalMiB(): number {
  return count * MEMORY_GRANULE_MIB;
}
