/**
 * Faulting and runaway partitions beside well-behaved ones: the runaway one must be preempted
 * by the scheduler, the crashing ones stopped and reported, and the others must finish.
 */
import { Program, SystemConfig } from '../config';

export const system = new SystemConfig('faults');

system.add('hello', Program.Hello, 16, 20);
system.add('runaway', Program.Runaway, 16, 20).timeLimitMs = 300;
system.add('illegal', Program.Illegal, 16, 20);
system.add('trespass', Program.Trespass, 16, 20);
system.add('tour', Program.HcallTour, 16, 20);
