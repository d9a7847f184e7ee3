/**
 * The test partitions' parameters: `key=N` words in /chosen/bootargs (PartitionConfig.bootargs),
 * e.g. the CRQ server's `fault=N` or a LAN station's `crash=N` (docs/robustness.md).
 */
import type { u64 } from 'tsnc';
import { Fdt, FdtStatus } from '../fdt';

const tree = new Fdt();
const args = new Uint8Array(256);
let length = 0;

/** Read the bootargs of the device tree at `fdt` (none when it has no /chosen/bootargs). */
export function readBootargs(fdt: u64): void {
  length = 0;
  if (tree.open(fdt, 0x10000) !== FdtStatus.Ok) return;
  const n = tree.bootargs(args);
  length = n > 0 ? n : 0;
}

/** The index just after `key=` in the bootargs (a word of its own), or -1. */
function valueAt(key: string): number {
  for (let i = 0; i + key.length < length; i++) {
    let match = i === 0 || args[i - 1] === 0x20;
    for (let j = 0; j < key.length && match; j++) match = args[i + j] === key.charCodeAt(j);
    if (match && args[i + key.length] === 0x3d) return i + key.length + 1;
  }
  return -1;
}

/** The decimal number after `key=` in the bootargs readBootargs() read (at most 9 digits), or `fallback`. */
export function bootargNumber(key: string, fallback: number): number {
  const at = valueAt(key);
  if (at < 0) return fallback;
  let v = 0;
  for (let i = at; i < length && i < at + 9 && args[i] >= 0x30 && args[i] <= 0x39; i++) v = v * 10 + args[i] - 0x30;
  return v;
}
