/** Benchmark: two partitions yielding to each other with H_CONFER (make bench-hv). */
import { Program, SystemConfig } from '../config';

export const system = new SystemConfig('bench-switch');
system.add('ping', Program.ConferLoop, 16, 50);
system.add('pong', Program.ConferLoop, 16, 50);
