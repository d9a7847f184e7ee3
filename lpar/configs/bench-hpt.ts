/** Benchmark: one HPT partition making H_ENTERs and H_REMOVEs (make bench-hv, powernv9 only). */
import { Program, SystemConfig } from '../config';

export const system = new SystemConfig('bench-hpt');
const bench = system.add('hptbench', Program.HptBench, 32, 100);
bench.hpt = true;
