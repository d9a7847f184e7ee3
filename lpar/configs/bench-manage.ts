/**
 * Benchmark (make bench-hv): the management partition creates and destroys a 2 MiB partition
 * 100 times (H_TSHYPE_CREATE + H_TSHYPE_DESTROY: the region taken, devices attached, page tables
 * and the image loaded and measured, then the memory scrubbed and everything given back).
 * bench-manage-base runs the same partition with no cycles: the difference / 100 is one cycle.
 */
import { Program, SystemConfig } from '../config';

export const system = new SystemConfig('bench-manage');
system.policy = 'manage';

const mgr = system.add('mgr', Program.Manager, 16, 50);
mgr.label = 'mgmt';
mgr.bootargs = 'cycles:worker:100:-:2';

const worker = system.add('worker', Program.Halt, 2, 20);
worker.label = 'app';
worker.autostart = false;
