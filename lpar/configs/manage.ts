/**
 * Run-time management (hv/manage.ts) driven by the management partition (lpar/guests/manager.ts)
 * under shype/policies/manage.pol: 'mgr' creates, starts, queries, stops and destroys 'worker'
 * (a definition not started at boot), stops 'deaf' (which ignores the request) at its
 * deadline, is refused 'bank-b' by the Chinese Wall while 'bank-a' runs, runs 1,000 create and
 * destroy cycles of 'worker', and lists what is left. The system test reads its lines.
 */
import { Program, SystemConfig } from '../config';

export const system = new SystemConfig('manage');
system.policy = 'manage';
system.operatorLabel = 'operator';

const mgr = system.add('mgr', Program.Manager, 32, 40);
mgr.label = 'mgmt';
mgr.bootargs = 'create:worker start:worker wait:worker:2 query:worker stop:worker:5000 wait:worker:3 destroy:worker wait:worker:0 create:deaf start:deaf wait:deaf:2 stop:deaf:100 wait:deaf:4 destroy:deaf create:bank-b:-:16 start:bank-b destroy:bank-b create:worker:0:16 start:worker wait:worker:3 destroy:worker cycles:worker:1000:-:16 stop:bank-a wait:bank-a:3 list';

const bankA = system.add('bank-a', Program.Manager, 16, 10);
bankA.bootargs = 'worker';

const worker = system.add('worker', Program.Manager, 32, 20);
worker.label = 'app';
worker.bootargs = 'worker';
worker.autostart = false;

const deaf = system.add('deaf', Program.Manager, 16, 10);
deaf.label = 'app';
deaf.bootargs = 'worker deaf';
deaf.autostart = false;

const bankB = system.add('bank-b', Program.Manager, 16, 10);
bankB.bootargs = 'worker';
bankB.autostart = false;

system.addImage('hello', Program.Hello);
