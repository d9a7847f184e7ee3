/** LAN benchmark (make bench-lan, scripts/bench/bench-lan.cjs): lanbase sends 1,500-byte frames to lanrecv (baseline: without the sends' sc 1), under the sHype policy benchlan. */
import { Program, SystemConfig } from '../config';

export const system = new SystemConfig('bench-lan-shype-base');
system.policy = 'benchlan';
const lan0 = system.addSegment('lan0');
const sender = system.add('lanbase', Program.LanSend, 16, 50);
const receiver = system.add('lanrecv', Program.LanRecv, 16, 50);
system.addPort(sender, lan0, 0x020000000a01n);
system.addPort(receiver, lan0, 0x020000000b01n);
