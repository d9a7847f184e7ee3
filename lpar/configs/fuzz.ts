/**
 * The hcall fuzzer (`make run CONFIG=fuzz`, test/system/fuzz.test.ts; docs/fuzzing.md): one
 * partition making FUZZ_CALLS seeded random and mutated hcalls (lpar/guests/fuzzer.ts) beside
 * two victims that keep checksummed memory and CRQ traffic going (lpar/guests/victim.ts). The
 * fuzzer has two l-lan ports on one segment, the client end of a CRQ pair with victim-a and
 * the server end of one with victim-b (so it may also H_COPY_RDMA into victim-b's window), so
 * that every hcall family has a device to work on; its policy (shype/policies/fuzz.pol) allows
 * every hcall class and lets the fuzzer read the audit log. The hypervisor checks its invariants and
 * prints `[hv] fuzz: N hcalls, C crashes, V invariant violations` (hv/fuzz-check.ts).
 *
 * To replay a failure, set FUZZ_BOOTARGS to what the fuzzer's replay line says
 * (lpar/guests/fuzzer.ts).
 */
import { Program, SystemConfig } from '../config';

/**
 * The fuzzer's bootargs: the seed of its call sequence (printed at its start), the number of
 * fuzzed hcalls (50,000 for `make test`; `make fuzz` runs lpar/configs/fuzz-long.ts), and
 * optionally `trace=T` to print every call from number T on.
 */
export const FUZZ_BOOTARGS = 'seed=20261206 calls=50000';

/** Add the fuzzer (with `bootargs`), its victims, their LAN segment and CRQ pairs to `system`. */
export function addFuzzPartitions(system: SystemConfig, bootargs: string): void {
  const fuzzer = system.add('fuzzer', Program.Fuzzer, 64, 60);
  fuzzer.bootargs = bootargs;
  fuzzer.capped = false;   // uncapped: it also gets the time its victims leave while they poll (H_CONFER)
  const a = system.add('victim-a', Program.Victim, 32, 20);
  const b = system.add('victim-b', Program.Victim, 32, 20);
  const lan = system.addSegment('fuzz-lan');
  system.addPort(fuzzer, lan, 0x0200000f0001n);
  system.addPort(fuzzer, lan, 0x0200000f0002n);
  system.addChannel(fuzzer, a);
  system.addChannel(b, fuzzer);
}

export const system = new SystemConfig('fuzz');
system.policy = 'fuzz';
addFuzzPartitions(system, FUZZ_BOOTARGS);
