/**
 * Two Debian Linux partitions on one logical-LAN segment (`make run CONFIG=lan`): each has an
 * l-lan port that Linux's ibmveth drives; the hypervisor's virtual switch joins them. In each:
 *
 *   insmod /lib/modules/$(uname -r)/ibmveth.ko
 *   ip addr add 10.0.0.1/24 dev eth0 && ip link set eth0 up     (10.0.0.2 in linux-b)
 *   ping -c 3 10.0.0.2
 *
 * Ctrl-] 1 and Ctrl-] 2 move the console between them (hv/focus.ts).
 */
import { SystemConfig } from '../config';

export const system = new SystemConfig('lan');
system.machineMiB = 2048;
system.policy = '';

const lan0 = system.addSegment('lan0');

const a = system.addElf('linux-a', 'build/linux/vmlinux', 384, 45);
a.initrd = 'build/linux/initrd.cpio.gz';
a.bootargs = 'console=hvc0 quiet';
const b = system.addElf('linux-b', 'build/linux/vmlinux', 384, 45);
b.initrd = 'build/linux/initrd.cpio.gz';
b.bootargs = 'console=hvc0 quiet';

// locally administered unicast addresses (02:...)
system.addPort(a, lan0, 0x020000000a01n);
system.addPort(b, lan0, 0x020000000b01n);
