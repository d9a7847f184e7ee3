/**
 * The vTPM partition and three test clients (`make run CONFIG=vtpm`): each client reaches its
 * own TPM 2.0 instance over its IBM,vtpm20 CRQ, reads its launch PCRs, quotes them with a key it
 * creates, and keeps a word in an NV index (lpar/guests/vtpmclient.ts); the vTPM partition
 * (lpar/guests/vtpm.ts) serves them. client-c then sends commands in a loop while the vTPM
 * partition reboots itself in the middle of client-c's 40th command (its injected fault): the
 * client sees its command fail, then answers again, and its NV word is still there. Under
 * shype/policies/vtpm.pol each of these three shares a type with the vTPM partition (BindVtpm
 * allowed); client-d does not: its pair never connects, it gets no answer and halts with 1.
 */
import { Program, SystemConfig } from '../config';

export const system = new SystemConfig('vtpm');
system.policy = 'vtpm';

const vtpm = system.add('vtpm', Program.Vtpm, 32, 40);
vtpm.bootargs = 'fault=40';
const a = system.add('client-a', Program.VtpmClient, 16, 15);
a.bootargs = 'nv=alpha';
const b = system.add('client-b', Program.VtpmClient, 16, 15);
b.bootargs = 'nv=bravo';
const c = system.add('client-c', Program.VtpmClient, 16, 15);
c.bootargs = 'nv=charlie loop=120 delay=100';
system.addVtpm(c, vtpm);   // instance 0: the one the injected fault hits
system.addVtpm(a, vtpm);
system.addVtpm(b, vtpm);
const d = system.add('client-d', Program.VtpmClient, 16, 15);
d.bootargs = 'nv=delta';
system.addVtpm(d, vtpm);   // its label shares no type with the vTPM partition's: never bound
