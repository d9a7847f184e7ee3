/**
 * The non-volatile store at boot: find it, count this boot in the hypervisor's slot
 * (lpar/nvstore.ts HV_SLOT) and say in one `[hv] non-volatile store:` line what the store is,
 * how many vTPM instances it keeps, and what was read and saved, e.g.
 *   [hv] non-volatile store: pseries NVRAM, 512 KiB, 8 vTPM slots; boot 2 (read copy A seq 1; saved copy B seq 2)
 *   [hv] non-volatile store: none on this platform; vTPM instance state is not kept
 * The boot count proves the store end to end (test/system/boot.test.ts boots pseries twice with one
 * NVRAM file); the vTPM partition's SAVE and LOAD (hcalls/vtpmstore.ts) use the other slots.
 */
import type { u64 } from 'tsnc';
import { nvSize, nvStoreName } from '@platform';
import { writeDecimal, writeLine, writeString } from '../lpar/console';
import { FIRST_VTPM_SLOT, HV_SLOT, NvCopy, nvSlots, report, slotLoad, slotSave, storeIsNonVolatile } from '../lpar/nvstore';

/** The boot count image: a big-endian u64. */
const countImage = new Uint8Array(8);

/** The number in countImage (0 when the slot held no 8-byte image). */
function readCount(length: number): u64 {
  if (length !== 8) return 0n;
  let v = 0n;
  for (let i = 0; i < 8; i++) v = BigInt.asUintN(64, (v << 8n) | BigInt(countImage[i]));
  return v;
}

function writeCount(v: u64): void {
  for (let i = 0; i < 8; i++) countImage[i] = Number((v >> BigInt(56 - 8 * i)) & 0xffn);
}

/** Number of vTPM instances the store keeps. */
export function vtpmSlots(): number {
  return Math.max(0, nvSlots() - FIRST_VTPM_SLOT);
}

function writeCopyName(c: number): void {
  writeString(c === 0 ? 'copy A' : 'copy B');
}

function writeCopyStatus(st: number): void {
  if (st === NvCopy.Blank) writeString('blank');
  else if (st === NvCopy.BadMagic) writeString('not a copy');
  else if (st === NvCopy.BadVersion) writeString('unknown version or slot');
  else if (st === NvCopy.BadLength) writeString('bad length');
  else if (st === NvCopy.BadDigest) writeString('digest mismatch (torn or damaged)');
  else if (st === NvCopy.ReadFailed) writeString('read failed');
  else writeString('valid');
}

/** The "(read …; copy B: …; saved …)" part of the line, from lpar/nvstore.ts's report. */
function writeSlotReport(saved: boolean): void {
  const r = report;
  writeString(' (');
  if (r.readFrom < 0) writeString('no valid copy');
  else {
    writeString('read ');
    writeCopyName(r.readFrom);
    writeString(' seq ');
    writeDecimal(Number(r.seq[r.readFrom]));
  }
  for (let c = 0; c < 2; c++) {
    if (c === r.readFrom || r.status[c] === NvCopy.Valid) continue;
    writeString('; ');
    writeCopyName(c);
    writeString(': ');
    writeCopyStatus(r.status[c]);
  }
  if (r.wroteTo >= 0) {
    writeString(saved ? '; saved ' : '; SAVE FAILED to ');
    writeCopyName(r.wroteTo);
    writeString(' seq ');
    writeDecimal(Number(r.wroteSeq));
  }
  writeString(')');
}

/** Count this boot in the store and print the store's line (see the file comment). */
export function nvStartup(): void {
  if (!storeIsNonVolatile()) {
    writeString('[hv] non-volatile store: none on this platform; vTPM instance state is kept in hypervisor memory, ');
    writeDecimal(vtpmSlots());
    writeLine(' vTPM slots (across vTPM partition restarts, not across a power cycle)');
    return;
  }
  writeString('[hv] non-volatile store: ');
  writeString(nvStoreName());
  writeString(', ');
  writeDecimal(Math.trunc(nvSize() / 1024));
  writeString(' KiB, ');
  writeDecimal(vtpmSlots());
  writeString(vtpmSlots() === 0 ? ' vTPM slots (too small: vTPM instance state is not kept)' : ' vTPM slots');
  const length = slotLoad(HV_SLOT, countImage);
  if (length < 0) {
    writeLine('; cannot be read');
    return;
  }
  const count = BigInt.asUintN(64, readCount(length) + 1n);
  writeCount(count);
  const saved = slotSave(HV_SLOT, countImage, 8);
  writeString('; boot ');
  writeDecimal(Number(count));
  writeSlotReport(saved);
  writeLine('');
}
