/**
 * The soak's mixed workload (`make soak DURATION=600`: scripts/soak.sh writes this with the
 * duration and drives the Linux partitions, docs/robustness.md):
 *
 *   linux-a, linux-b  Debian Linux on one logical-LAN segment (ibmveth); linux-a's TPM is its
 *                     vTPM instance (tpm_ibmvtpm). The driver pings, copies data with nc and
 *                     reads PCRs through the console, and reboots linux-b once.
 *   vtpm              the vTPM partition; it restarts itself once in the middle of vtpm-client's
 *                     40th command (fault=40, lpar/guests/vtpm.ts).
 *   vtpm-client       GetRandom in a loop for the duration (instance 0, the one the fault hits).
 *   crq-client/-server  the CRQ ping-pong for the duration; the server restarts itself (RTAS
 *                     system-reboot) in the middle of every N-th command (reboot=N) and the
 *                     client reconnects and redoes the round.
 *   reloader          reloads the policy (shype/policies/soak.pol, its initrd) every MS
 *                     milliseconds (every=MS) for the duration (lpar/guests/reloader.ts).
 *
 * The TS partitions stop by themselves after the duration; the driver powers the Linux
 * partitions off; the vTPM partition is a service. The default `system` is a one-minute soak.
 */
import { Program, SystemConfig } from '../config';

/** The compiled policy the reloader reloads (scripts/soak.sh compiles shype/policies/soak.pol). */
export const SOAK_POLICY_FILE = 'build/soak/soak-policy.bin';

/**
 * Add the soak's partitions to `system`; the TS partitions run for `tsArgs` (e.g. "seconds=600"),
 * the server restarts with `serverArgs`, the reloader with `reloaderArgs`.
 */
export function addSoakPartitions(system: SystemConfig, tsArgs: string, serverArgs: string, reloaderArgs: string): void {
  system.machineMiB = 2048;
  system.policy = 'soak';
  const lan0 = system.addSegment('lan0');
  const a = system.addElf('linux-a', 'build/linux/vmlinux', 384, 30);
  a.initrd = 'build/linux/initrd.cpio.gz';
  a.bootargs = 'console=hvc0 quiet';
  const b = system.addElf('linux-b', 'build/linux/vmlinux', 384, 30);
  b.initrd = 'build/linux/initrd.cpio.gz';
  b.bootargs = 'console=hvc0 quiet';
  system.addPort(a, lan0, 0x020000000a01n);
  system.addPort(b, lan0, 0x020000000b01n);
  const vtpm = system.add('vtpm', Program.Vtpm, 32, 10);
  vtpm.bootargs = 'fault=40';
  const vc = system.add('vtpm-client', Program.VtpmClient, 16, 5);
  vc.bootargs = tsArgs;
  system.addVtpm(vc, vtpm);   // instance 0: the one the injected fault hits
  system.addVtpm(a, vtpm);
  const client = system.add('crq-client', Program.CrqClient, 16, 5);
  client.bootargs = tsArgs;
  const server = system.add('crq-server', Program.CrqServer, 16, 5);
  server.bootargs = serverArgs;
  system.addChannel(client, server);
  const reloader = system.addElf('reloader', 'build/guests/reloader.elf', 16, 5);
  reloader.initrd = SOAK_POLICY_FILE;
  reloader.bootargs = reloaderArgs;
}

export const system = new SystemConfig('soak');
addSoakPartitions(system, 'nv=soak delay=100 seconds=60', 'reboot=2000', 'seconds=60 every=5000');
