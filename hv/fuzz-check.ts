/**
 * The hypervisor's side of an hcall fuzzing run (lpar/configs/fuzz.ts, docs/fuzzing.md): only
 * when the configuration has a Program.Fuzzer partition. It checks its invariants while the
 * partitions run (fuzzCheckPeriodic, from the scheduler) and at the end (fuzzVerdict), and
 * prints one verdict line:
 *
 *   [hv] fuzz: N hcalls, C crashes, V invariant violations
 *
 * N is the fuzzed hcalls the fuzzer partitions made, as they report them (H_TSHYPE_REPORT at
 * their end; checked against the hypervisor's own count, which also has their console output). A crash is a partition the hypervisor stopped
 * (any CrashReason) or one that halted itself on an interrupt it did not expect (status
 * 0x10000 + vector, lpar/guests/vectors.S). The invariants, each violation printed as it is
 * found:
 *   - page pool: nothing is allocated once the partitions are launched (poolFree unchanged);
 *   - gate: the gate's counters sum to the hcalls the partitions made (every call passed the
 *     gate exactly once);
 *   - fuzzer: it reported (H_TSHYPE_REPORT) no more fuzzed calls than the hypervisor counted,
 *     and no failure of its own;
 *   - victims: each halted with status 0 after reporting, and found no word of its checksummed
 *     memory changed (its reported leaks): memory is written only by its owner or through a
 *     channel it granted.
 * The audit ring's records and lost counter are printed with the verdict.
 */
import type { u64 } from 'tsnc';
import { system } from '@config';
import { poolFree } from '../arch/ppc64/common/pages';
import { Program } from '../lpar/config';
import { writeDecimal, writeLine, writeString } from '../lpar/console';
import { LparState, partitions, type Partition } from '../lpar/partition';
import { count as auditCount, lost as auditLost } from '../shype/audit';
import { gateStats } from './gate';

/** Halt statuses from this up are a test partition's unexpected interrupt (vectors.S). */
const UNEXPECTED_INTERRUPT = 0x10000n;

let active = false;
let poolAtLaunch: u64 = 0n;
let violations = 0;
/** A violation seen by fuzzCheckPeriodic is printed once. */
let periodicReported = false;

/** True when the configuration has a fuzzer partition. */
export function fuzzing(): boolean {
  return active;
}

/** Call once all partitions are launched: remembers what the invariants compare with. */
export function fuzzStart(): void {
  active = false;
  for (let i = 0; i < system.count; i++) if (system.partitions[i].program === Program.Fuzzer) active = true;
  poolAtLaunch = poolFree();
  violations = 0;
  periodicReported = false;
}

/**
 * The summary's page-pool line, for every run: `[hv] page pool: A KiB free after launch, B KiB
 * free at shutdown` (equal unless something allocated from the pool while partitions ran, or
 * failed to give back what a stopped or restarted partition had: docs/robustness.md).
 */
export function poolLine(): void {
  writeString('[hv] page pool: ');
  writeDecimal(Number(poolAtLaunch >> 10n));
  writeString(' KiB free after launch, ');
  writeDecimal(Number(poolFree() >> 10n));
  writeLine(' KiB free at shutdown');
}

function violation(what: string): void {
  violations++;
  writeString('[hv] fuzz: invariant violated: ');
  writeLine(what);
}

/** The gate's outcomes summed, and the partitions' hcall counts summed, agree. */
function gateConsistent(): boolean {
  let gated = 0, made = 0;
  for (let i = 0; i < gateStats.length; i++) gated += gateStats[i];
  for (let i = 0; i < system.count; i++) made += partitions[i].hcalls;
  return gated === made;
}

/**
 * The invariants that hold at any moment (page pool, gate counters): cheap enough to run from
 * the scheduler every slice. Does nothing without a fuzzer.
 */
export function fuzzCheckPeriodic(): void {
  if (!active || periodicReported) return;
  if (poolFree() !== poolAtLaunch) {
    periodicReported = true;
    violation('the page pool changed while partitions ran');
  } else if (!gateConsistent()) {
    periodicReported = true;
    violation("the gate's counters differ from the hcalls made");
  }
}

/** 1 when `p` crashed or halted on an unexpected interrupt (and says so), else 0. */
function crashed(p: Partition, name: string): number {
  const halted = p.state === LparState.Halted && p.haltStatus >= UNEXPECTED_INTERRUPT;
  if (p.state !== LparState.Crashed && !halted) return 0;
  writeString("[hv] fuzz: partition '");
  writeString(name);
  writeString(halted ? "' halted on an unexpected interrupt" : "' crashed, reason ");
  if (!halted) writeDecimal(p.crash);
  writeLine('');
  return 1;
}

/** The end-of-run checks of one victim. */
function checkVictim(p: Partition, name: string): void {
  if (p.state !== LparState.Halted || p.haltStatus !== 0n || !p.reported) {
    writeString("[hv] fuzz: victim '");
    writeString(name);
    writeLine("' did not finish cleanly");
    violations++;
  }
  if (p.reportedLeaks > 0) {
    writeString("[hv] fuzz: victim '");
    writeString(name);
    writeString("' found ");
    writeDecimal(p.reportedLeaks);
    writeLine(' changed words in its memory');
    violations += p.reportedLeaks;
  }
}

/** The end-of-run checks of one fuzzer partition. */
function checkFuzzer(p: Partition): void {
  if (!p.reported) violation('a fuzzer did not report its calls');
  else if (p.reportedChecks > p.hcalls) violation('a fuzzer made more calls than the hypervisor counted');
  if (p.reportedLeaks > 0) violation('a fuzzer reported a failure');
}

/**
 * At the end of the run: the final checks and the verdict line (nothing without a fuzzer).
 * Returns crashes + violations (0 for a clean run).
 */
export function fuzzVerdict(): number {
  if (!active) return 0;
  fuzzCheckPeriodic();
  let hcalls = 0, crashes = 0;
  for (let i = 0; i < system.count; i++) {
    const p = partitions[i], cfg = system.partitions[i];
    crashes += crashed(p, cfg.name);
    if (cfg.program === Program.Fuzzer) {
      hcalls += p.reportedChecks;
      checkFuzzer(p);
    } else if (cfg.program === Program.Victim) checkVictim(p, cfg.name);
  }
  if (!gateConsistent()) violation("the gate's counters differ from the hcalls made");
  if (poolFree() !== poolAtLaunch) violation('the page pool changed');
  writeString('[hv] fuzz: audit ring ');
  writeDecimal(auditCount());
  writeString(' records, ');
  writeDecimal(auditLost());
  writeLine(' lost');
  writeString('[hv] fuzz: ');
  writeDecimal(hcalls);
  writeString(' hcalls, ');
  writeDecimal(crashes);
  writeString(' crashes, ');
  writeDecimal(violations);
  writeLine(' invariant violations');
  return crashes + violations;
}
