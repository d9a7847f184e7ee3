/**
 * Partitions stopped in the middle of virtual-I/O operations (`make run CONFIG=io-fault`;
 * test/system/faults.test.ts, docs/robustness.md):
 *
 *   CRQ   two pairs of lpar/guests/crqclient.ts and crqserver.ts whose server stops in the middle
 *         of a command (crqserver `fault=N`, phase N mod 3): server-1 reads outside its memory
 *         after pulling its 4th block, server-2 halts with half of its 5th block pushed back.
 *         Each client must get the transport event "partner failed" (0xFF/0x01) instead of its
 *         answer, find the pair closed and halt with 6.
 *   LAN   three lpar/guests/lanframes.ts stations on one segment: lan-c posts its buffers and
 *         crashes (an illegal instruction) once 4 frames wait in its receive queue; lan-a and
 *         lan-b send 16 broadcast frames and 16 unicast frames to each peer. Frames to lan-c
 *         after its crash are dropped and counted as closed (unicast: H_DROPPED); lan-a and
 *         lan-b get all of each other's and finish.
 *
 * (At most 8 partitions: the third phase, fault=3, is `make run` material; lpar/configs/crq.ts
 * is the pair without a fault.)
 */
import { Program, SystemConfig } from '../config';

export const system = new SystemConfig('io-fault');
system.policy = '';

/** Add client `c` and server `s` joined by a CRQ pair; the server gets `bootargs`. */
function addPair(c: string, s: string, bootargs: string): void {
  const client = system.add(c, Program.CrqClient, 16, 12);
  const server = system.add(s, Program.CrqServer, 16, 12);
  server.bootargs = bootargs;
  system.addChannel(client, server);
}

addPair('client-1', 'server-1', 'fault=4');   // phase 1: a load outside its memory after the pull
addPair('client-2', 'server-2', 'fault=5');   // phase 2: halt with half the block pushed back

const lan0 = system.addSegment('lan0');
const a = system.add('lan-a', Program.LanFrames, 16, 12);
a.bootargs = 'frames=16';
const b = system.add('lan-b', Program.LanFrames, 16, 12);
b.bootargs = 'frames=16';
const c = system.add('lan-c', Program.LanFrames, 16, 12);
c.bootargs = 'crash=4';
system.addPort(a, lan0, 0x020000000001n);
system.addPort(b, lan0, 0x020000000002n);
system.addPort(c, lan0, 0x020000000003n);
