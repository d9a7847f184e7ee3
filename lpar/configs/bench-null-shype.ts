/** Benchmark: bench-null under an sHype policy (make bench-hv: the gate's decision cost). */
import { Program, SystemConfig } from '../config';

export const system = new SystemConfig('bench-null-shype');
system.policy = 'bench';
system.add('nullcall', Program.NullCall, 16, 100);
