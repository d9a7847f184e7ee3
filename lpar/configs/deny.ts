/**
 * sHype hcall-class denial (shype/policies/deny.pol): beta may not use the console; its attempt
 * gets H_AUTHORITY (it halts with status 10 to say so) and leaves an audit record, which alpha,
 * holding the audit role, reads through H_TSHYPE_AUDIT_READ.
 */
import { Program, SystemConfig } from '../config';

export const system = new SystemConfig('deny');
system.policy = 'deny';

system.add('alpha', Program.Auditor, 16, 40);
system.add('beta', Program.Denied, 16, 40);
