/**
 * CRQ servers that stop in the middle of a command (`make run CONFIG=crq-fault`;
 * test/system/faults.test.ts, docs/robustness.md). Four pairs of lpar/guests/crqclient.ts and
 * crqserver.ts: server-0 executes an illegal instruction as its 3rd command arrives, server-1
 * reads outside its memory after pulling its 4th block, server-2 halts with half of its 5th
 * block pushed back (crqserver `fault=N`, the phase N mod 3). Each client must get the
 * transport event "partner failed" (0xFF/0x01) instead of its answer, find the pair closed
 * and halt with 6; pair 3 has no fault and must finish its 16 rounds beside them.
 */
import { Program, SystemConfig } from '../config';

export const system = new SystemConfig('crq-fault');
system.policy = '';

/** Add client `c` and server `s` joined by a CRQ pair; the server gets `bootargs`. */
function addPair(c: string, s: string, bootargs: string): void {
  const client = system.add(c, Program.CrqClient, 16, 12);
  const server = system.add(s, Program.CrqServer, 16, 12);
  server.bootargs = bootargs;
  system.addChannel(client, server);
}

addPair('client-0', 'server-0', 'fault=3');   // phase 0: illegal instruction as the command arrives
addPair('client-1', 'server-1', 'fault=4');   // phase 1: a load outside its memory after the pull
addPair('client-2', 'server-2', 'fault=5');   // phase 2: halt with half the block pushed back
addPair('client-3', 'server-3', '');          // no fault: 16 rounds
