/**
 * A CRQ pair between two test partitions (`make run CONFIG=crq`): client's 16 rounds of a 64 KiB
 * block that the server pulls and pushes back with H_COPY_RDMA (lpar/guests/crqclient.ts,
 * crqserver.ts). No policy: the configuration's wiring is the only rule.
 */
import { Program, SystemConfig } from '../config';

export const system = new SystemConfig('crq');
system.policy = '';

const client = system.add('client', Program.CrqClient, 16, 45);
const server = system.add('server', Program.CrqServer, 16, 45);
system.addChannel(client, server);
