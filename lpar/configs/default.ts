/**
 * The default configuration (`make run`): two partitions that print and halt.
 */
import { Program, SystemConfig } from '../config';

export const system = new SystemConfig('default');
system.policy = 'default';

system.add('alpha', Program.Hello, 32, 40);
system.add('beta', Program.HcallTour, 32, 40);
