/**
 * Three test partitions on one logical-LAN segment (`make run CONFIG=lan-ts`), each running
 * lpar/guests/lanframes.ts: broadcast and unicast frames to the others. The policy
 * (shype/policies/lan.pol) gives lan-c no type in common with lan-a and lan-b, so every frame
 * to or from it is denied by SendFrame: it receives nothing, its port line counts the denials
 * and the audit log holds the first denial of each pair of ports (one a second).
 *
 * The guests' convention: station k has MAC 02:00:00:00:00:0k (k = 1, 2, 3).
 */
import { Program, SystemConfig } from '../config';

export const system = new SystemConfig('lan-ts');
system.policy = 'lan';

const lan0 = system.addSegment('lan0');
const a = system.add('lan-a', Program.LanFrames, 16, 30);
const b = system.add('lan-b', Program.LanFrames, 16, 30);
const c = system.add('lan-c', Program.LanFrames, 16, 30);
system.addPort(a, lan0, 0x020000000001n);
system.addPort(b, lan0, 0x020000000002n);
system.addPort(c, lan0, 0x020000000003n);
