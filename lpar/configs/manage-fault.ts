/**
 * A management operation in the middle of virtual I/O (docs/robustness.md): the management
 * partition creates the CRQ server 'crq-s', lets the client 'crq-c' (lpar/guests/crqclient.ts)
 * get going, destroys the server while commands are in flight, creates and starts it again,
 * waits for both to finish and destroys it once more. The client must get the transport event
 * (0xFF/0x01), reconnect to the new server and finish every round; the page pool must be the
 * same after each destroy. Under shype/policies/manage.pol (keeper and app share a type: their
 * CRQ pair is allowed).
 */
import { Program, SystemConfig } from '../config';

export const system = new SystemConfig('manage-fault');
system.policy = 'manage';

const mgr = system.add('mgr', Program.Manager, 16, 30);
mgr.label = 'mgmt';
mgr.bootargs = 'create:crq-s start:crq-s wait:crq-s:2 pause:40 destroy:crq-s pool create:crq-s start:crq-s wait:crq-c:3 wait:crq-s:3 destroy:crq-s pool';

const client = system.add('crq-c', Program.CrqClient, 16, 30);
client.label = 'keeper';
client.bootargs = 'rounds=400';

const server = system.add('crq-s', Program.CrqServer, 16, 30);
server.label = 'app';
server.autostart = false;

system.addChannel(client, server);
