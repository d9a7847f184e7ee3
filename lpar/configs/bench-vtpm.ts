/**
 * make bench-vtpm's native path: the vTPM partition and one client that times round trips of
 * PCR_Read, PCR_Extend, GetRandom and Quote through its IBM,vtpm20 CRQ with the
 * instruction-count plugin's marks (lpar/guests/vtpmclient.ts bench=N); the vTPM partition marks
 * its engine's share of each command (scripts/bench/bench-vtpm.cjs).
 */
import { Program, SystemConfig } from '../config';

export const system = new SystemConfig('bench-vtpm');
system.policy = '';

const vtpm = system.add('vtpm', Program.Vtpm, 32, 50);
const client = system.add('client', Program.VtpmClient, 16, 50);
client.bootargs = 'bench=200';
system.addVtpm(client, vtpm);
