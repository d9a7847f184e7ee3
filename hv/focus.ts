/**
 * Console input and its focus. One serial line serves everyone: what is typed goes to the one
 * partition that has the focus (its H_GET_TERM_CHAR reads it, hcalls/vty.ts), or to the
 * hypervisor; no other partition ever sees it.
 *
 * Moving the focus: Ctrl-] (0x1d, telnet's escape; QEMU keeps Ctrl-A for itself) followed by
 *   1 .. 8    the partition of that number (the configuration's order)
 *   0         the hypervisor
 *   Ctrl-]    a literal Ctrl-] for the partition with the focus
 * Anything else after Ctrl-] is dropped. Every change is announced on the hypervisor's line:
 * `[hv] console focus: partition 'linux'` or `[hv] console focus: hypervisor`. What is typed for
 * the hypervisor is the operator's command line (hv/operator.ts). When the partition with the
 * focus has stopped, the next byte typed moves the focus back to the hypervisor.
 */
import { mftb, type u64 } from 'tsnc';
import { consoleRead } from '@platform';
import { inputPush, writeLine, writeString } from '../lpar/console';
import { Partition, partitions } from '../lpar/partition';
import { timebaseHz } from '../lpar/time';
import { operatorByte } from './operator';

/** The focus escape: Ctrl-]. */
export const FOCUS_ESCAPE = 0x1d;
/** The focus value that means the hypervisor (partitions are 1..MAX_PARTITIONS). */
export const FOCUS_HYPERVISOR = 0;
/** Most bytes taken from the console per poll. */
const BYTES_PER_POLL = 16;
/** Polls at most this often (timebase ticks per poll = timebaseHz / POLLS_PER_SECOND). */
const POLLS_PER_SECOND = 1000n;

/** Who has the focus: FOCUS_HYPERVISOR or a partition number (its slot index + 1). */
let focus = FOCUS_HYPERVISOR;
/** The previous byte was the escape. */
let escaped = false;
let lastPoll: u64 = 0n;
/** Bytes typed for the hypervisor or a partition that could not take them. */
export let inputDropped = 0;

/** Who has the focus now. */
export function consoleFocus(): number {
  return focus;
}

/** Give the focus to `to` (FOCUS_HYPERVISOR or a running partition's number) and say so. */
export function setFocus(to: number): boolean {
  if (to !== FOCUS_HYPERVISOR && (to < 1 || to > partitions.length || !partitions[to - 1].runnable())) return false;
  focus = to;
  writeString('[hv] console focus: ');
  if (to === FOCUS_HYPERVISOR) {
    writeLine('hypervisor (Ctrl-] then a partition number gives it to a partition)');
    return true;
  }
  writeString("partition '");
  writeString(partitions[to - 1].name);
  writeLine("' (Ctrl-] then 0 gives it to the hypervisor)");
  return true;
}

/** Handle one typed byte. */
export function typed(b: number): void {
  if (escaped) {
    escaped = false;
    if (b === FOCUS_ESCAPE) deliver(b);
    else if (b >= 0x30 && b <= 0x38) setFocus(b - 0x30);
    return;
  }
  if (b === FOCUS_ESCAPE) {
    escaped = true;
    return;
  }
  deliver(b);
}

function deliver(b: number): void {
  if (focus !== FOCUS_HYPERVISOR && !partitions[focus - 1].runnable()) setFocus(FOCUS_HYPERVISOR);   // it stopped
  if (focus === FOCUS_HYPERVISOR) { operatorByte(b); return; }
  const p: Partition = partitions[focus - 1];
  if (!inputPush(p, b)) inputDropped++;
}

/** Take what was typed on the console (at most once a millisecond, a few bytes at a time). */
export function pollConsoleInput(): void {
  const now = mftb();
  if (BigInt.asUintN(64, now - lastPoll) < timebaseHz / POLLS_PER_SECOND) return;
  lastPoll = now;
  for (let i = 0; i < BYTES_PER_POLL; i++) {
    const b = consoleRead();
    if (b < 0) return;
    typed(b);
  }
}
