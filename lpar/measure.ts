/**
 * Measured launch: what the hypervisor records about a partition before its first instruction
 * (and again before the first instruction after each reboot), for the partition's vTPM
 * instance (vtpm/manager.ts applyLaunch) and its TCG event log.
 *
 *   PCR 17   SHA-256 of the program image: the built-in program's bytes, or the external ELF
 *            file exactly as the guest bundle carries it (sha256sum of the file on the host)
 *   PCR 18   SHA-256 of the initrd file, when the partition has one
 *   PCR 19   SHA-256 of the flattened device tree the partition is given (its whole blob)
 *   PCR 20   SHA-256 of the partition's sHype label name (ASCII, no terminator)
 *
 * PCRs 17..22 are the hypervisor's (vtpm/tpm/pcr.ts): no client locality can extend or reset
 * them, so a quote over them attests what was launched. The record's generation is the launch's
 * number since boot (every launch of any partition takes the next one), so the vTPM partition
 * knows a reboot when it sees a new number; its identity (FNV-1a of the partition's name) names the client across boots, so an
 * instance's stored state is given back only to the partition it belongs to.
 */
import type { u64 } from 'tsnc';
import { Sha256 } from '../vtpm/crypto/sha256';
import { sha256Physical } from './bundle';

/** Most measurements in one launch. */
export const MAX_LAUNCH_ENTRIES = 4;
/** What each measurement is, as the event log describes it. */
export const enum LaunchItem { Image = 0, Initrd = 1, DeviceTree = 2, Label = 3 }

/** A partition's last launch as measured. */
export class LaunchRecord {
  /** Which launch since boot this was (every launch of any partition takes the next number; 0: none). */
  generation = 0;
  /** FNV-1a of the partition's name. */
  identity = 0;
  /** Launches of this partition since it was created (its first, then one per reboot). */
  launches = 0;
  count = 0;
  readonly pcrs = new Uint8Array(MAX_LAUNCH_ENTRIES);
  readonly items = new Uint8Array(MAX_LAUNCH_ENTRIES);
  readonly digests = new Uint8Array(MAX_LAUNCH_ENTRIES * 32);

  /** Start the record of a new launch of partition `name`. */
  begin(name: string): void {
    launches++;
    this.generation = launches;
    this.launches++;
    this.identity = nameHash(name);
    this.count = 0;
    this.pcrs.fill(0);
    this.items.fill(0);
    this.digests.fill(0);
  }

  /** Add a measurement of `item` into `pcr` whose digest is digest[0..32). */
  add(item: LaunchItem, pcr: number, digest: Uint8Array): void {
    if (this.count >= MAX_LAUNCH_ENTRIES) return;
    const k = this.count++;
    this.pcrs[k] = pcr;
    this.items[k] = item;
    for (let i = 0; i < 32; i++) this.digests[32 * k + i] = digest[i];
  }

  /** Add the SHA-256 of physical memory [addr, addr + len) as `item` into `pcr`. */
  addPhysical(item: LaunchItem, pcr: number, addr: u64, len: u64): void {
    sha256Physical(addr, len, DIGEST);
    this.add(item, pcr, DIGEST);
  }

  /** Add the SHA-256 of the characters of `text` as `item` into `pcr`. */
  addText(item: LaunchItem, pcr: number, text: string): void {
    TEXT_SHA.init();
    const n = Math.min(text.length, TEXT.length);
    for (let i = 0; i < n; i++) TEXT[i] = text.charCodeAt(i) & 0xff;
    TEXT_SHA.update(TEXT, 0, n);
    TEXT_SHA.final(DIGEST);
    this.add(item, pcr, DIGEST);
  }
}

/** Launches measured since boot (LaunchRecord.generation). */
let launches = 0;
const DIGEST = new Uint8Array(32);
const TEXT = new Uint8Array(256);
const TEXT_SHA = new Sha256();

/** FNV-1a (32 bits) of the characters of `name`. */
export function nameHash(name: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < name.length; i++) h = Math.imul(h ^ (name.charCodeAt(i) & 0xff), 0x01000193) >>> 0;
  return h;
}
