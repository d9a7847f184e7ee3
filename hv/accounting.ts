/**
 * The accounting line of a partition, one `[hv]` line (the shutdown summary prints one per
 * configured partition; the operator console's `stats` command prints them on demand):
 *
 *   [hv] stats 'NAME': entitled 20% capped, cpu 2001229824 of 10005248000 ticks (20.002%),
 *        hcalls console 3 processor 0 platform 0 memory 0 rtas 0 lifecycle 1 denied 0,
 *        memory 16 MiB, lan sent 0 received 0 bytes, vtpm commands 0
 *
 * (one line on the console). "entitled N% uncapped weight W" for an uncapped partition. The CPU
 * figure is the partition's run time against its lifetime (start to halt or crash, or to now),
 * both in timebase ticks; the percentage has three decimals. lpar/accounting.ts has the sums.
 */
import type { u64 } from 'tsnc';
import { writeDecimal, writeString } from '../lpar/console';
import { LparState, Partition } from '../lpar/partition';
import { lanBytesReceived, lanBytesSent, lifetimeTicks, tpmCommands } from '../lpar/accounting';

/** The hcall classes' names, in HClass order (shype/ops.ts Op.Hcall*, as the policy language has them). */
function className(c: number): string {
  switch (c) {
    case 0: return ' console ';
    case 1: return ' processor ';
    case 2: return ' platform ';
    case 3: return ' memory ';
    case 4: return ' rtas ';
  }
  return ' lifecycle ';
}

/** Write `part` / `whole` as a percentage with three decimals ("20.002%"; "0.000%" when `whole` is 0). */
export function writePercent(part: u64, whole: u64): void {
  const milli = whole === 0n ? 0 : Number(BigInt.asUintN(64, part * 100000n) / whole);
  writeDecimal(Math.trunc(milli / 1000));
  writeString('.');
  const frac = milli % 1000;
  if (frac < 100) writeString('0');
  if (frac < 10) writeString('0');
  writeDecimal(frac);
  writeString('%');
}

/** Print partition `p`'s accounting line (nothing for an empty slot). */
export function writePartitionStats(p: Partition): void {
  if (p.state === LparState.Empty) return;
  const life = lifetimeTicks(p);
  writeString("[hv] stats '");
  writeString(p.name);
  writeString("': entitled ");
  writeDecimal(p.share);
  writeString(p.capped ? '% capped' : '% uncapped weight ');
  if (!p.capped) writeDecimal(p.weight);
  writeString(', cpu ');
  writeDecimal(Number(p.runTicks));
  writeString(' of ');
  writeDecimal(Number(life));
  writeString(' ticks (');
  writePercent(p.runTicks, life);
  writeString('), hcalls');
  for (let c = 0; c < p.classCalls.length; c++) {
    writeString(className(c));
    writeDecimal(p.classCalls[c]);
  }
  writeString(' denied ');
  writeDecimal(p.denials);
  writeString(', memory ');
  writeDecimal(Number(p.memSize >> 20n));
  writeString(' MiB, lan sent ');
  writeDecimal(lanBytesSent(p));
  writeString(' received ');
  writeDecimal(lanBytesReceived(p));
  writeString(' bytes, vtpm commands ');
  writeDecimal(tpmCommands(p));
  writeString('\n');
}
