/**
 * The vTPM partition and two test clients (`make run CONFIG=vtpm`): each client reaches its own
 * TPM 2.0 instance over its IBM,vtpm20 CRQ, reads its launch PCRs, quotes them with a key it
 * creates, and keeps a word in an NV index (lpar/guests/vtpmclient.ts); the vTPM partition
 * (lpar/guests/vtpm.ts) serves both. No policy: the configuration's bindings are the only rule.
 */
import { Program, SystemConfig } from '../config';

export const system = new SystemConfig('vtpm');
system.policy = '';

const vtpm = system.add('vtpm', Program.Vtpm, 32, 40);
const a = system.add('client-a', Program.VtpmClient, 16, 30);
a.bootargs = 'nv=alpha';
const b = system.add('client-b', Program.VtpmClient, 16, 30);
b.bootargs = 'nv=bravo';
system.addVtpm(a, vtpm);
system.addVtpm(b, vtpm);
