/**
 * An image root for the system test of the non-volatile store (lpar/nvstore.ts) on the real
 * platform, natively, before the vTPM partition that will use it exists: it does what
 * H_TSHYPE_VTPM_SAVE and LOAD do with the vTPM slots, with images of the largest size.
 *
 *   1. each vTPM slot: load what an earlier boot left there and check it is that boot's image
 *      ("slot N: boot K's image", or "blank");
 *   2. each vTPM slot: save this boot's image of IMAGE_MAX bytes (16448), then load it back;
 *   3. slot 1: a save cut short by hand (only the first 100 bytes of the next copy written, as
 *      a power loss would leave it), then a load: the image of step 2 must come back.
 * One `[hv] nvstore:` line per fact, then power-off. Booted twice with one NVRAM file
 * (test/system/boot.test.ts), the second boot finds the first boot's images.
 */
import type { u64 } from 'tsnc';
import { nvWrite, platformName, powerOff } from '@platform';
import { writeDecimal, writeLine, writeString } from '../../../lpar/console';
import {
  COPY_HEADER, FIRST_VTPM_SLOT, HV_SLOT, IMAGE_MAX, nvSlots, report, sealNvCopy, SLOT_BYTES, COPY_ROOM, slotLoad, slotSave,
} from '../../../lpar/nvstore';

const image = new Uint8Array(IMAGE_MAX);
const loaded = new Uint8Array(IMAGE_MAX);
const cut = new Uint8Array(COPY_ROOM);
const bootImage = new Uint8Array(8);

/** The image boot `boot` saves in `slot`: a pattern of both, its first byte the boot number. */
function fill(out: Uint8Array, slot: number, boot: number): void {
  for (let i = 0; i < out.length; i++) out[i] = (i * 7 + slot * 31 + boot * 101 + (i >> 9)) & 0xff;
  out[0] = boot & 0xff;
  out[1] = slot & 0xff;
}

/** True when loaded[0..IMAGE_MAX) is boot `boot`'s image of `slot`. */
function isImage(slot: number, boot: number): boolean {
  fill(image, slot, boot);
  for (let i = 0; i < IMAGE_MAX; i++) if (loaded[i] !== image[i]) return false;
  return true;
}

/** This boot's number: one more than the slot HV_SLOT holds (the hypervisor's own count format). */
function thisBoot(): number {
  const n = slotLoad(HV_SLOT, bootImage);
  let v = 0;
  if (n === 8) for (let i = 4; i < 8; i++) v = v * 256 + bootImage[i];
  v++;
  for (let i = 0; i < 8; i++) bootImage[i] = i < 4 ? 0 : (v >> (8 * (7 - i))) & 0xff;
  slotSave(HV_SLOT, bootImage, 8);
  return v;
}

function line(slot: number, what: string): void {
  writeString('[hv] nvstore: slot ');
  writeDecimal(slot);
  writeString(': ');
  writeString(what);
}

/** Step 1 for `slot`: what an earlier boot left. */
function checkEarlier(slot: number, boot: number): void {
  const n = slotLoad(slot, loaded);
  if (n === 0) {
    line(slot, 'blank');
    writeLine('');
    return;
  }
  line(slot, 'found ');
  writeDecimal(n);
  writeString(' bytes, ');
  if (n === IMAGE_MAX && loaded[0] === ((boot - 1) & 0xff) && isImage(slot, boot - 1)) writeLine('the previous boot\'s image');
  else writeLine('NOT the previous boot\'s image');
}

/** Step 2 for `slot`: save this boot's image, load it back. */
function saveAndLoad(slot: number, boot: number): void {
  fill(image, slot, boot);
  const saved = slotSave(slot, image, IMAGE_MAX);
  const n = slotLoad(slot, loaded);
  line(slot, saved ? 'saved ' : 'SAVE FAILED, ');
  writeDecimal(IMAGE_MAX);
  writeString(' bytes in copy ');
  writeString(report.readFrom === 0 ? 'A' : 'B');
  writeString(n === IMAGE_MAX && isImage(slot, boot) ? ', loaded back intact' : ', LOADED BACK WRONG');
  writeLine('');
}

/** Step 3: a cut save into the copy the next save would write, then a load. */
function cutSave(slot: number, boot: number): void {
  slotLoad(slot, loaded);   // which copy is the newest (report)
  const target = report.readFrom === 0 ? 1 : 0;
  fill(image, slot, boot + 100);
  for (let i = 0; i < IMAGE_MAX; i++) cut[COPY_HEADER + i] = image[i];
  sealNvCopy(cut, slot, BigInt.asUintN(64, report.seq[report.readFrom] + 1n), IMAGE_MAX);
  const written = nvWrite(slot * SLOT_BYTES + target * COPY_ROOM, cut, 100);
  const n = slotLoad(slot, loaded);
  line(slot, written ? 'a save cut after 100 bytes' : 'the cut write FAILED');
  writeString(n === IMAGE_MAX && isImage(slot, boot) ? ', the image before it loads' : ', WRONG IMAGE LOADED');
  writeLine('');
}

/** Image entry point (common/boot.S). */
export function hvMain(fdt: u64): void {
  writeString('[hv] nvstore test on ');
  writeLine(platformName());
  if (fdt === 0n) writeLine('[hv] no device tree');
  const slots = nvSlots();
  writeString('[hv] nvstore: ');
  writeDecimal(slots);
  writeLine(' slots');
  if (slots > FIRST_VTPM_SLOT) {
    const boot = thisBoot();
    writeString('[hv] nvstore: boot ');
    writeDecimal(boot);
    writeLine('');
    for (let s = FIRST_VTPM_SLOT; s < slots; s++) checkEarlier(s, boot);
    for (let s = FIRST_VTPM_SLOT; s < slots; s++) saveAndLoad(s, boot);
    cutSave(FIRST_VTPM_SLOT, boot);
  }
  powerOff(0);
}
