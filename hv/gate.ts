/**
 * The hcall gate: every hcall passes decide() before its handler runs, and nothing else
 * reaches a handler. With an sHype policy the decision is the policy's (hv/security.ts, through
 * the decision cache, audited); without one it is the partition's allowed hcall classes.
 * Every decision is counted.
 */
import type { Partition } from '../lpar/partition';
import type { HcallRow } from '../hcalls/table';
import { admitHcall, securityActive } from './security';

/** Decisions so far, for the shutdown summary. */
export const gateStats = new Uint32Array(2);
const ALLOWED = 0;
const DENIED = 1;

/** May partition `p` make the hcall `row`? Counts the decision. */
export function decide(p: Partition, row: HcallRow): boolean {
  const allowed = securityActive() ? admitHcall(p, row.hclass) : (p.allowedClasses & (1 << row.hclass)) !== 0;
  gateStats[allowed ? ALLOWED : DENIED]++;
  if (!allowed) p.denials++;
  return allowed;
}
