/**
 * Uncapped entitlements (test/system/entitlement.test.ts): two partitions computing for 4 s, both
 * entitled to 10%, one capped and one uncapped (weight 128), beside a partition entitled to 60%
 * that idles in H_CEDE. The uncapped one takes the time the idle one leaves; the capped one stays
 * at its 10%.
 */
import { Program, SystemConfig } from '../config';

export const system = new SystemConfig('entitle-uncapped');
system.policy = '';

system.add('capped', Program.Spin, 16, 10).bootargs = 'ms=4000';
const uncapped = system.add('uncapped', Program.Spin, 16, 10);
uncapped.bootargs = 'ms=4000';
uncapped.capped = false;
system.add('idle', Program.Spin, 16, 60).bootargs = 'ms=4000 cede=1';
