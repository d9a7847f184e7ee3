/**
 * Debian's Linux in a partition beside a tshype test partition (`make run CONFIG=linux`).
 * scripts/linux/fetch.sh fetches Debian bookworm's ppc64el kernel and builds the initramfs
 * (busybox, a shell on hvc0); the build packs both into the guest bundle.
 */
import { Program, SystemConfig } from '../config';

export const system = new SystemConfig('linux');
system.machineMiB = 2048;
system.policy = '';

const linux = system.addElf('linux', 'build/linux/vmlinux', 512, 80);
linux.initrd = 'build/linux/initrd.cpio.gz';
linux.bootargs = 'console=hvc0 quiet';
linux.vcpus = 2;
system.add('alpha', Program.Hello, 32, 10);
