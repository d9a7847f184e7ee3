/** Benchmark: one partition making null hcalls (make bench-hv). */
import { Program, SystemConfig } from '../config';

export const system = new SystemConfig('bench-null');
system.add('nullcall', Program.NullCall, 16, 100);
