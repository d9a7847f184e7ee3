/**
 * Hashed page tables (powernv only): the HPT test partition (lpar/guests/hpttest.ts) in HPT
 * mode beside a radix partition, so that the two translation modes and the HPT vCPU's SLB
 * are switched on one processor. `make run CONFIG=hpt MACHINE=powernv9`; pseries refuses it
 * (QEMU 7.2's nested KVM-HV runs radix guests only).
 */
import { Program, SystemConfig } from '../config';

export const system = new SystemConfig('hpt');
system.policy = '';

const hash = system.add('hash', Program.HptTest, 32, 50);
hash.hpt = true;
system.add('alpha', Program.Hello, 16, 20);
