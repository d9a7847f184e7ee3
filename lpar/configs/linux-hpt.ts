/**
 * Debian's Linux as an HPT guest (powernv only): the configuration of lpar/configs/linux.ts
 * with the Linux partition in HPT mode (`hpt = true`) and `disable_radix` on its command line
 * (its device tree offers hash only anyway: no radix in ibm,pa-features, vec-5 byte 24 = 0).
 * Linux then runs its pseries hash MMU code over H_ENTER, H_REMOVE, H_BULK_REMOVE and H_READ.
 * `make run CONFIG=linux-hpt MACHINE=powernv9`.
 */
import { Program, SystemConfig } from '../config';

export const system = new SystemConfig('linux-hpt');
system.machineMiB = 2048;
system.policy = '';

const linux = system.addElf('linux', 'build/linux/vmlinux', 512, 80);
linux.initrd = 'build/linux/initrd.cpio.gz';
linux.bootargs = 'console=hvc0 quiet disable_radix';
linux.vcpus = 2;
linux.hpt = true;
system.add('alpha', Program.Hello, 32, 10);
const vtpm = system.add('vtpm', Program.Vtpm, 32, 10);
system.addVtpm(linux, vtpm);
