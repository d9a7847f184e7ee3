/**
 * Debian's Linux in a partition beside a tshype test partition and the vTPM partition
 * (`make run CONFIG=linux`): Linux's tpm_ibmvtpm finds its IBM,vtpm20 device, so /dev/tpm0
 * is its own TPM 2.0 instance with the launch measurements in PCRs 17-20.
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
linux.capped = false;   // uncapped: it also gets the time alpha and the vTPM leave (README, Entitlements)
system.add('alpha', Program.Hello, 32, 10);
const vtpm = system.add('vtpm', Program.Vtpm, 32, 10);
system.addVtpm(linux, vtpm);
