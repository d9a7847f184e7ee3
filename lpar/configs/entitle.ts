/**
 * Capped entitlements (test/system/entitlement.test.ts): three partitions that compute without an
 * hcall for 10 s of wall time each, entitled to 20%, 30% and 50% of the processor, all capped. The
 * hypervisor's accounting (`[hv] stats` lines of the summary) must give each its entitlement.
 */
import { Program, SystemConfig } from '../config';

export const system = new SystemConfig('entitle');
system.policy = '';

system.add('spin-20', Program.Spin, 16, 20).bootargs = 'ms=10000';
system.add('spin-30', Program.Spin, 16, 30).bootargs = 'ms=10000';
system.add('spin-50', Program.Spin, 16, 50).bootargs = 'ms=10000';
