/**
 * The CRQ pair of lpar/configs/crq.ts under a policy that denies it (shype/policies/crqdeny.pol:
 * the two labels share no type): the pair never connects, the client's initialisation messages
 * stay H_CLOSED until it gives up (status 3), the server hears nothing (status 3), and the
 * OpenChannel denial is audited.
 */
import { Program, SystemConfig } from '../config';

export const system = new SystemConfig('crq-deny');
system.policy = 'crqdeny';

const client = system.add('client', Program.CrqClient, 16, 45);
const server = system.add('server', Program.CrqServer, 16, 45);
system.addChannel(client, server);
