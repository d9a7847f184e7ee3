/** Benchmark baseline (make bench-hv): lpar/configs/bench-manage.ts with 0 create/destroy cycles. */
import { Program, SystemConfig } from '../config';

export const system = new SystemConfig('bench-manage-base');
system.policy = 'manage';

const mgr = system.add('mgr', Program.Manager, 16, 50);
mgr.label = 'mgmt';
mgr.bootargs = 'cycles:worker:0:-:2';

const worker = system.add('worker', Program.Halt, 2, 20);
worker.label = 'app';
worker.autostart = false;
