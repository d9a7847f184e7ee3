/**
 * The two Linux partitions of lpar/configs/lan.ts under shype/policies/lan-deny.pol, whose
 * labels share no type: every frame between them is a SendFrame the policy denies, so ping
 * fails and the hypervisor counts and audits the denials.
 */
import { system } from './lan';

system.policy = 'lan-deny';

export { system };
