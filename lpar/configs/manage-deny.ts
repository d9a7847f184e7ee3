/**
 * lpar/configs/manage.ts under shype/policies/manage-deny.pol, which grants the management
 * partition only ReadAudit: its creates, starts, stops and destroys are refused with H_AUTHORITY
 * and audited, and nothing is created.
 */
import { Program, SystemConfig } from '../config';

export const system = new SystemConfig('manage-deny');
system.policy = 'manage-deny';
system.operatorLabel = 'operator';

const mgr = system.add('mgr', Program.Manager, 32, 40);
mgr.label = 'mgmt';
mgr.bootargs = 'query:worker create:worker start:worker stop:bank-a destroy:bank-a list';

const bankA = system.add('bank-a', Program.Manager, 16, 10);
bankA.bootargs = 'worker polls=3000';

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
