/**
 * The platform interface (arch/ppc64/api.ts) for unit tests in Node, where "@platform"
 * resolves here (test/fake/register-platform.cjs, loaded by .mocharc.json).
 *
 * - consoleWrite appends to `consoleBytes`; `consoleText()` reads it back as a string;
 * - powerOff throws a PowerOff error carrying the status, since it must not return;
 * - partitions: initPartitioning, preparePartition and clearPartition succeed (and are
 *   recorded); mapGrantPage/unmapGrantPage keep `grantWindows` (what each grant window maps); runVcpu
 *   calls the runner a test installs with `setVcpuRunner` (by default: -1, entry refused).
 * - readPlatformClock answers the date a test sets with `setPlatformClock` (by default: no clock).
 * - the non-volatile store (nvSize/nvRead/nvWrite) is an in-memory array a test creates with
 *   `setNvStore(size)` (by default: none); `setNvWriteHook` replaces what a write does (cut it
 *   short, tear it, fail it), `setNvReadFails` makes reads fail.
 * Call `resetPlatform()` in a test's beforeEach.
 */
import type { u64 } from 'tsnc';
import type { Partition } from '../../lpar/partition';
import type { Vcpu } from '../../lpar/vcpu';

/** Bytes consoleRead hands out, oldest first (setConsoleInput). */
const consoleInput: number[] = [];
/** vCPUs syncVcpu was called for since the last reset. */
export const syncedVcpus: Vcpu[] = [];

/** Queue `text` (one byte per character) as typed on the console. */
export function setConsoleInput(text: string): void {
  for (let i = 0; i < text.length; i++) consoleInput.push(text.charCodeAt(i) & 0xff);
}

/** Whether H_SET_MODE may give partitions AIL 3 (tests switch it with setGuestAil). */
let ailSupported = true;
export function setGuestAil(on: boolean): void {
  ailSupported = on;
}
export function guestAilSupported(): boolean {
  return ailSupported;
}

/** Whether the fake runs HPT partitions (tests switch it with setHashPartitions; powernv-like by default). */
let hashSupported = true;
export function setHashPartitions(on: boolean): void {
  hashSupported = on;
}
export function hashPartitionsSupported(): boolean {
  return hashSupported;
}

/** The next typed byte, or -1. */
export function consoleRead(): number {
  const b = consoleInput.shift();
  return b === undefined ? -1 : b;
}

/** Nothing to save in Node: the Vcpu is the only copy. Recorded for the tests. */
export function syncVcpu(v: Vcpu): void {
  syncedVcpus.push(v);
}

/** The timebase value at which `v`'s saved decrementer expires. */
export function decExpiry(v: Vcpu): u64 {
  return BigInt.asUintN(64, v.decTimebase + BigInt.asUintN(64, BigInt.asIntN(32, v.dec)));
}

/** Every byte written to the console since the last reset. */
export const consoleBytes: number[] = [];

/** Thrown by powerOff: the machine would be off now. */
export class PowerOff extends Error {
  constructor(readonly status: number) {
    super(`powerOff(${status})`);
    this.name = 'PowerOff';
  }
}

/** What a test's vCPU runner returns: an interrupt vector, or negative for "entry refused". */
export type VcpuRunner = (p: Partition, ticks: u64) => number;

/** Calls the partition interface received since the last reset. */
export const partitionCalls = { initPartitioning: 0, prepared: [] as Partition[], runs: 0 };

const refuseEntry: VcpuRunner = () => -1;
let vcpuRunner: VcpuRunner = refuseEntry;

/** What readPlatformClock answers: year, month, day, hour, minute, second; null: no clock. */
let platformClock: number[] | null = null;

/**
 * Give the fake a real-time clock reading `fields` (year, month, day, hour, minute, second, as
 * the clock would report them, valid or not), or none (null).
 */
export function setPlatformClock(fields: number[] | null): void {
  if (fields !== null && fields.length !== 6) throw new RangeError('setPlatformClock: six fields');
  platformClock = fields === null ? null : [...fields];
}

/** Make runVcpu call `runner` (it may change p.vcpu as the partition would). */
export function setVcpuRunner(runner: VcpuRunner): void {
  vcpuRunner = runner;
}

/** Forget the console output and partition calls; runVcpu refuses entry again; no clock. */
export function resetPlatform(): void {
  platformClock = null;
  consoleBytes.length = 0;
  consoleInput.length = 0;
  syncedVcpus.length = 0;
  ailSupported = true;
  hashSupported = true;
  partitionCalls.initPartitioning = 0;
  partitionCalls.prepared.length = 0;
  partitionCalls.runs = 0;
  clearedPartitions.length = 0;
  grantWindows.clear();
  grantCalls.maps = 0;
  grantCalls.unmaps = 0;
  servicedInterrupts.length = 0;
  vcpuRunner = refuseEntry;
  nvStore = new Uint8Array(0);
  nvWriteHook = null;
  nvReadFails = false;
  nvReadFailsAt = -1;
  nvWrites = 0;
}

// ---- the non-volatile store ----------------------------------------------------------------

/**
 * What a write does instead of writing (a test's model of a cut or torn write): it may change
 * `store` as the failed write would have, and returns what nvWrite answers.
 */
export type NvWriteHook = (store: Uint8Array, offset: number, src: Uint8Array, length: number) => boolean;

let nvStore = new Uint8Array(0);
let nvWriteHook: NvWriteHook | null = null;
let nvReadFails = false;
/** nvWrite calls since the last reset. */
export let nvWrites = 0;

/** Give the fake a zero-filled store of `size` bytes (0: none); returns its bytes, which a test may change. */
export function setNvStore(size: number): Uint8Array {
  nvStore = new Uint8Array(size);
  return nvStore;
}

/** The store's bytes (empty when there is none). */
export function nvStoreBytes(): Uint8Array {
  return nvStore;
}

/** Replace what nvWrite does (null: write normally). */
export function setNvWriteHook(hook: NvWriteHook | null): void {
  nvWriteHook = hook;
}

/** Make every nvRead fail (or succeed again); with `onlyAt`, only reads starting at that offset. */
export function setNvReadFails(fails: boolean, onlyAt = -1): void {
  nvReadFails = fails;
  nvReadFailsAt = onlyAt;
}
let nvReadFailsAt = -1;

export function nvSize(): number {
  return nvStore.length;
}

export function nvStoreName(): string {
  return nvStore.length > 0 ? 'fake store' : '';
}

export function nvRead(offset: number, out: Uint8Array, length: number): boolean {
  if ((nvReadFails && (nvReadFailsAt < 0 || nvReadFailsAt === offset)) || offset < 0 || length > out.length || offset + length > nvStore.length) return false;
  out.set(nvStore.subarray(offset, offset + length));
  return true;
}

export function nvWrite(offset: number, src: Uint8Array, length: number): boolean {
  nvWrites++;
  if (offset < 0 || offset % 0x1000 !== 0 || length > src.length || offset + length > nvStore.length) return false;
  if (nvWriteHook !== null) return nvWriteHook(nvStore, offset, src, length);
  nvStore.set(src.subarray(0, length), offset);
  return true;
}

/** The console output as text (one character per byte). */
export function consoleText(): string {
  return String.fromCharCode(...consoleBytes);
}

/** Nothing to start in Node. */
export function firmwareStartup(): void {}

/** Short platform name for the console banner. */
export function platformName(): string {
  return 'fake';
}

/** Append the first `length` bytes of `bytes` to the captured console output. */
export function consoleWrite(bytes: Uint8Array, length: number): void {
  if (!Number.isInteger(length) || length < 0 || length > bytes.length) {
    throw new RangeError(`consoleWrite: length ${length} outside a ${bytes.length}-byte buffer`);
  }
  for (let i = 0; i < length; i++) consoleBytes.push(bytes[i]);
}

/** Power off: throws PowerOff(status). */
export function powerOff(status: number): never {
  throw new PowerOff(status);
}

/** Record the call; the fake can always run partitions. */
export function initPartitioning(): boolean {
  partitionCalls.initPartitioning++;
  return true;
}

/** Record the partition; its translation is the identity in Node (no page tables). */
export function preparePartition(p: Partition): boolean {
  partitionCalls.prepared.push(p);
  return true;
}

/** Partitions clearPartition was called for since the last reset. */
export const clearedPartitions: Partition[] = [];

/** Record the partition (the fake has no partition table). */
export function clearPartition(p: Partition): void {
  clearedPartitions.push(p);
}

/**
 * The fake's grant windows: "lpid:index" -> the real page mapped there and whether it is
 * writable, exactly as mapGrantPage and unmapGrantPage left them (tests read it).
 */
export const grantWindows = new Map<string, { real: bigint; writable: boolean }>();
/** Calls of mapGrantPage and unmapGrantPage since the last reset (each one an invalidation). */
export const grantCalls = { maps: 0, unmaps: 0 };
/** Pages a grant window has (arch/ppc64/radix.ts GRANT_WINDOW_PAGES). */
const FAKE_WINDOW_PAGES = 512;

/** Record the mapping; false for an index outside the window. */
export function mapGrantPage(p: Partition, index: number, real: u64, writable: boolean): boolean {
  if (index < 0 || index >= FAKE_WINDOW_PAGES) return false;
  grantCalls.maps++;
  grantWindows.set(`${p.lpid}:${index}`, { real, writable });
  return true;
}

/** Forget the mapping; false for an index outside the window. */
export function unmapGrantPage(p: Partition, index: number): boolean {
  if (index < 0 || index >= FAKE_WINDOW_PAGES) return false;
  grantCalls.unmaps++;
  grantWindows.delete(`${p.lpid}:${index}`);
  return true;
}

/** Run `p` through the installed runner (setVcpuRunner); its result is the exit vector. */
export function runVcpu(p: Partition, ticks: u64): number {
  partitionCalls.runs++;
  return vcpuRunner(p, ticks);
}

/** Hypervisor interrupts serviced since the last reset (serviceInterrupt), by vector. */
export const servicedInterrupts: number[] = [];

/** Record the vector; the fake's sources report 0 (nothing pending). */
export function serviceInterrupt(vector: number): u64 {
  servicedInterrupts.push(vector);
  return 0n;
}

/** The clock set with setPlatformClock into out[0..5]; false (out untouched) without one. */
export function readPlatformClock(out: Int32Array): boolean {
  if (platformClock === null) return false;
  for (let i = 0; i < 6; i++) out[i] = platformClock[i];
  return true;
}
