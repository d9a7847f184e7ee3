/**
 * The operator's console (hv/operator.ts) under shype/policies/manage.pol: the operator holds
 * the label 'operator', which may create, start, stop, destroy and query partitions. 'keeper'
 * and 'bank-a' run until stopped; 'worker' and 'bank-b' are definitions the operator creates at
 * run time (bank-b meets the Chinese Wall while bank-a runs). The system test types commands.
 */
import { Program, SystemConfig } from '../config';

export const system = new SystemConfig('operator');
system.policy = 'manage';
system.operatorLabel = 'operator';

const keeper = system.add('keeper', Program.Manager, 16, 20);
keeper.bootargs = 'worker';

const bankA = system.add('bank-a', Program.Manager, 16, 10);
bankA.bootargs = 'worker';

const worker = system.add('worker', Program.Manager, 32, 20);
worker.label = 'app';
worker.bootargs = 'worker';
worker.autostart = false;

const bankB = system.add('bank-b', Program.Manager, 16, 10);
bankB.bootargs = 'worker';
bankB.autostart = false;

system.addImage('hello', Program.Hello);
