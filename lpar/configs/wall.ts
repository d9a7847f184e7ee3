/**
 * sHype Chinese Wall (shype/policies/wall.pol): alpha (bank_a) and beta run; gamma (bank_b)
 * conflicts with the running bank_a and is refused at creation, with a console line naming both.
 */
import { Program, SystemConfig } from '../config';

export const system = new SystemConfig('wall');
system.policy = 'wall';

system.add('alpha', Program.Hello, 16, 30);
system.add('beta', Program.Hello, 16, 30);
system.add('gamma', Program.Hello, 16, 30);
