/** Benchmark baseline: the null-hcall loop without the hcalls (make bench-hv). */
import { Program, SystemConfig } from '../config';

export const system = new SystemConfig('bench-loop');
system.add('nullloop', Program.NullLoop, 16, 100);
