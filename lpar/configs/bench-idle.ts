/** Benchmark baseline: two partitions that halt at once (make bench-hv). */
import { Program, SystemConfig } from '../config';

export const system = new SystemConfig('bench-idle');
system.add('ping', Program.Halt, 16, 50);
system.add('pong', Program.Halt, 16, 50);
