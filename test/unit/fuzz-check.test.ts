/**
 * The hypervisor's side of an hcall fuzzing run (hv/fuzz-check.ts) on the host fake: the default
 * configuration ("@config" in Node) is made a fuzzer and a victim for the test, partitions'
 * states and counters are set as a run would leave them, and the verdict line is checked.
 */
import { expect } from 'chai';
import { consoleText, resetPlatform } from '../fake/platform';
import { system } from '../../lpar/configs/default';
import { Program } from '../../lpar/config';
import { CrashReason, LparState, partitions } from '../../lpar/partition';
import { gateStats } from '../../hv/gate';
import { fuzzCheckPeriodic, fuzzStart, fuzzVerdict, fuzzing } from '../../hv/fuzz-check';

const saved: Program[] = [];

/** A clean end of a run: the fuzzer reported 1000 calls (1010 made), the victim halted clean. */
function cleanEnd(): void {
  const [f, v] = [partitions[0], partitions[1]];
  f.state = LparState.Halted;
  f.haltStatus = 0n;
  f.hcalls = 1010;
  f.reported = true;
  f.reportedChecks = 1000;
  f.reportedLeaks = 0;
  v.state = LparState.Halted;
  v.haltStatus = 0n;
  v.hcalls = 90;
  v.reported = true;
  v.reportedChecks = 40;
  v.reportedLeaks = 0;
  gateStats.fill(0);
  gateStats[0] = 1080;
  gateStats[3] = 20;
}

describe('fuzz checks (hv/fuzz-check.ts)', () => {
  beforeEach(() => {
    saved.length = 0;
    for (let i = 0; i < system.count; i++) saved.push(system.partitions[i].program);
    system.partitions[0].program = Program.Fuzzer;
    system.partitions[1].program = Program.Victim;
    resetPlatform();
    fuzzStart();
    cleanEnd();
  });

  afterEach(() => {
    for (let i = 0; i < saved.length; i++) system.partitions[i].program = saved[i];
    for (const p of [partitions[0], partitions[1]]) {
      p.state = LparState.Empty;
      p.hcalls = 0;
      p.reported = false;
      p.reportedChecks = 0;
      p.reportedLeaks = 0;
      p.crash = CrashReason.None;
    }
    gateStats.fill(0);
    fuzzStart();   // no fuzzer any more: inactive
  });

  it('fuzzVerdict: a clean run prints the fuzzed calls, 0 crashes, 0 invariant violations', () => {
    expect(fuzzing()).to.equal(true);
    fuzzCheckPeriodic();
    expect(fuzzVerdict()).to.equal(0);
    expect(consoleText()).to.contain('[hv] fuzz: 1000 hcalls, 0 crashes, 0 invariant violations\n');
    expect(consoleText()).to.contain('[hv] fuzz: audit ring ');
  });

  it('fuzzVerdict: gate counters that do not add up to the hcalls made are a violation, reported once by the periodic check', () => {
    gateStats[0]++;
    fuzzCheckPeriodic();
    fuzzCheckPeriodic();
    expect(consoleText().split("the gate's counters differ").length - 1).to.equal(1);
    expect(fuzzVerdict()).to.equal(2);   // the periodic one, and again at the end
    expect(consoleText()).to.contain(', 0 crashes, 2 invariant violations\n');
  });

  it('fuzzVerdict: a crashed victim and a fuzzer halted on an unexpected interrupt are crashes', () => {
    partitions[1].state = LparState.Crashed;
    partitions[1].crash = CrashReason.StorageViolation;
    partitions[0].haltStatus = 0x10500n;
    expect(fuzzVerdict()).to.be.greaterThan(1);
    expect(consoleText()).to.contain("partition 'alpha' halted on an unexpected interrupt");
    expect(consoleText()).to.match(/, 2 crashes, \d+ invariant violations\n/);
  });

  it('fuzzVerdict: a victim that found its memory changed, and a fuzzer reporting more calls than made, are violations', () => {
    partitions[1].reportedLeaks = 3;
    partitions[0].reportedChecks = 2000;
    expect(fuzzVerdict()).to.equal(4);
    expect(consoleText()).to.contain("victim 'beta' found 3 changed words in its memory");
    expect(consoleText()).to.contain('a fuzzer made more calls than the hypervisor counted');
  });

  it('fuzzVerdict: nothing at all without a fuzzer in the configuration', () => {
    system.partitions[0].program = Program.Hello;
    fuzzStart();
    expect(fuzzing()).to.equal(false);
    expect(fuzzVerdict()).to.equal(0);
    expect(consoleText()).to.not.contain('[hv] fuzz');
  });
});
