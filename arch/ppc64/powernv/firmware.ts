/**
 * What the powernv image knows about how it was booted, for the console: its build version
 * (carried in the image, scripts/build-image.sh versionBlob) and, when skiboot loaded it from
 * the PNOR's BOOTKERNEL partition in a secure-boot container, the payload size and SHA-512 the
 * container records (skiboot libstb/container.h; scripts/flash/container.ts writes it).
 *
 * skiboot loads BOOTKERNEL, container header included, at KERNEL_LOAD_BASE (0x20000000) and runs
 * the ELF after the 4 KiB header in place; entry.S records where it ran the image
 * (pnvLoadOffset). The container is taken to be ours only if the ELF it wraps is the one that
 * ran: its PT_LOAD segment's file offset must put _head exactly where we were started.
 * tshype computes the payload's SHA-512 itself (sha512.ts) and compares it with the one the
 * container records: under QEMU skiboot does not check it (no secure mode), so this is the
 * check that the payload in flash is intact. The signatures are not checked here
 * (tshype-flash checks them before anything is written).
 */
import type { u64 } from 'tsnc';
import { load8 } from 'tsnc';
import { sha512Memory } from './sha512';
import { CopyStatus } from './flashstore';
import { store } from './opalflash';

/** The build version's descriptor { address, size } (scripts/gen-blob.ts). */
declare function versionBlob(): u64;
/** entry.S: run address minus link address of the image, 0 when loaded at its link address. */
declare function pnvLoadOffset(): u64;

/** skiboot's KERNEL_LOAD_BASE, where it loads BOOTKERNEL. */
const KERNEL_LOAD_BASE = 0x20000000n;
/** The container header's size (SECURE_BOOT_HEADERS_SIZE); the payload follows it. */
const HEADERS = 0x1000n;
const CONTAINER_MAGIC = 0x17082011;
/** Offsets in the container (scripts/flash/container.ts). */
const SW_KEY_COUNT = 450n;   // prefix header (426) + 24
const PREFIX_DATA = 524n;
const KEY_OR_SIG = 132n;
const SW_PAYLOAD_SIZE = 25n;
const SW_PAYLOAD_HASH = 33n;
const ELF_MAGIC = 0x7f454c46;
/** Largest payload hashed (a BOOTKERNEL partition is 16 MiB). */
const PAYLOAD_MAX = 0x1000000n;

/** Big-endian unsigned read of `bytes` (1..8) bytes at `addr`, byte by byte (any alignment). */
function readBe(addr: u64, bytes: number): u64 {
  let v = 0n;
  for (let i = 0; i < bytes; i++) v = BigInt.asUintN(64, (v << 8n) | BigInt(load8(BigInt.asUintN(64, addr + BigInt(i)))));
  return v;
}

const digest = new Uint8Array(64);

/** The line being built (one report line at a time). */
export const reportLine = new Uint8Array(400);
let used = 0;

function put(s: string): void {
  for (let i = 0; i < s.length && used < reportLine.length; i++) {
    reportLine[used] = s.charCodeAt(i);
    used++;
  }
}

function putHexByte(v: number): void {
  if (used + 2 > reportLine.length) return;
  const hi = (v >> 4) & 0xf, lo = v & 0xf;
  reportLine[used] = hi < 10 ? 0x30 + hi : 0x57 + hi;
  reportLine[used + 1] = lo < 10 ? 0x30 + lo : 0x57 + lo;
  used += 2;
}

const digits = new Uint8Array(20);

function putDecimal(v: u64): void {
  let n = 0;
  let rest = v;
  do {
    digits[n] = 0x30 + Number(rest % 10n);
    n++;
    rest = rest / 10n;
  } while (rest !== 0n);
  while (n > 0 && used < reportLine.length) {
    n--;
    reportLine[used] = digits[n];
    used++;
  }
}

/** Append the build version (printable ASCII from the blob; '?' for anything else). */
function putVersion(): void {
  const d = versionBlob();
  const addr = readBe(d, 8), size = Number(readBe(BigInt.asUintN(64, d + 8n), 8));
  if (size === 0) put('(no version)');
  for (let i = 0; i < size && used < reportLine.length; i++) {
    const c = load8(BigInt.asUintN(64, addr + BigInt(i)));
    reportLine[used] = c >= 0x20 && c < 0x7f ? c : 0x3f;
    used++;
  }
}

/**
 * True when the image was started from a secure-boot container at KERNEL_LOAD_BASE: the
 * container magic is there, an ELF follows the header, and its PT_LOAD segment's file offset
 * puts the image's first byte exactly where entry.S found itself running.
 */
export function bootedFromContainer(): boolean {
  const at = pnvLoadOffset();
  if (at === 0n) return false;
  if (Number(readBe(KERNEL_LOAD_BASE, 4)) !== CONTAINER_MAGIC) return false;
  const elf = BigInt.asUintN(64, KERNEL_LOAD_BASE + HEADERS);
  if (Number(readBe(elf, 4)) !== ELF_MAGIC) return false;
  const phoff = readBe(BigInt.asUintN(64, elf + 32n), 8);
  const pOffset = readBe(BigInt.asUintN(64, elf + phoff + 8n), 8);
  return BigInt.asUintN(64, elf + pOffset) === at;
}

function putCopyName(i: number): void {
  put(i === 0 ? 'copy A' : 'copy B');
}

function putStatus(st: number): void {
  if (st === CopyStatus.Erased) put('erased');
  else if (st === CopyStatus.BadMagic) put('not a state copy');
  else if (st === CopyStatus.BadVersion) put('unknown version');
  else if (st === CopyStatus.BadLength) put('bad length');
  else if (st === CopyStatus.BadCrc) put('CRC mismatch (torn or damaged)');
  else put('valid');
}

/**
 * The persistent-state line for what opalflash.ts bootRecord found and did, e.g.
 * "[hv] persistent state: boot 3 (read copy A seq 2; copy B: CRC mismatch …; saved copy B seq 3)".
 */
export function stateReport(): number {
  used = 0;
  const r = store;
  if (!r.found) {
    put('[hv] persistent state: no TSHYPE_STATE partition in the flash, nothing kept');
    return used;
  }
  put('[hv] persistent state: boot ');
  putDecimal(r.bootCount);
  put(' (');
  if (r.readFrom < 0) put('no valid copy: a fresh partition');
  else {
    put('read ');
    putCopyName(r.readFrom);
    put(' seq ');
    putDecimal(r.readSeq);
  }
  for (let i = 0; i < 2; i++) {
    const st = i === 0 ? r.status0 : r.status1;
    if (i === r.readFrom || (st === CopyStatus.Valid)) continue;
    put('; ');
    putCopyName(i);
    put(': ');
    putStatus(st);
  }
  if (r.wroteTo >= 0) {
    put(r.saved ? '; saved ' : '; SAVE FAILED to ');
    putCopyName(r.wroteTo);
    put(' seq ');
    putDecimal(BigInt.asUintN(64, r.readSeq + 1n));
  }
  put(')');
  return used;
}

/**
 * Build report line `index` (0, 1) into reportLine, without a line end; returns its length, or
 * 0 when there is no such line (the image was not booted from a container: nothing to report).
 *   0: "[hv] booted from flash: tshype <version>, BOOTKERNEL secure-boot container"
 *   1: "[hv]   payload <n> bytes, sha512 <128 hex digits> (computed, matches the container)"
 *      or "… sha512 <computed> (DOES NOT MATCH the container's <recorded>)"
 */
export function firmwareReport(index: number): number {
  used = 0;
  if (!bootedFromContainer()) return 0;
  const count = readBe(KERNEL_LOAD_BASE + SW_KEY_COUNT, 1);
  if (count < 1n || count > 3n) return 0;
  const sw = BigInt.asUintN(64, KERNEL_LOAD_BASE + PREFIX_DATA + BigInt.asUintN(64, (3n + count) * KEY_OR_SIG));
  if (index === 0) {
    put('[hv] booted from flash: tshype ');
    putVersion();
    put(', BOOTKERNEL secure-boot container');
  } else if (index === 1) {
    const size = readBe(BigInt.asUintN(64, sw + SW_PAYLOAD_SIZE), 8);
    if (size > PAYLOAD_MAX) return 0;
    sha512Memory(BigInt.asUintN(64, KERNEL_LOAD_BASE + HEADERS), Number(size), digest);
    let same = true;
    for (let i = 0; i < 64; i++) if (digest[i] !== load8(BigInt.asUintN(64, sw + SW_PAYLOAD_HASH + BigInt(i)))) same = false;
    put('[hv]   payload ');
    putDecimal(size);
    put(' bytes, sha512 ');
    for (let i = 0; i < 64; i++) putHexByte(digest[i]);
    if (same) put(' (computed, matches the container)');
    else {
      put(" (DOES NOT MATCH the container's ");
      for (let i = 0; i < 64; i++) putHexByte(load8(BigInt.asUintN(64, sw + SW_PAYLOAD_HASH + BigInt(i))));
      put(')');
    }
  }
  return used;
}
