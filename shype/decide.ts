/**
 * The one decision path of the hypervisor: every mediated operation (the hcall gate, opening a
 * channel, sending a frame, sharing memory, managing partitions, the Chinese Wall at a start)
 * asks decide() and nothing else.
 *
 *   cache lookup -> a cached allow is the answer (the hit path: no call, no timebase read)
 *   otherwise (decideSlow) -> on a miss, count it, evaluate the policy and cache the answer
 *   -> on a denial, cached or fresh, count it and append an audit record stamped with the
 *      timebase -> return the decision.
 *
 * Cached allows and cached denies are answered alike; a cached denial is audited and counted
 * exactly as a fresh one. Whoever changes the state that decisions depend on invalidates the
 * cache (shype/cache.ts): invalidateAll on reload, invalidateSubject when a partition's slot is
 * emptied, invalidateOperation when the Chinese Wall's running types change (shype/wall.ts).
 */
import { mftb } from 'tsnc';
import { NO_OBJECT, type Op } from './ops';
import { MISS, countDenial, countMiss, find, insert, lookup, lookupHcallClass } from './cache';
import { evaluate } from './evaluator';
import { record } from './audit';

/**
 * The Decision for partition `who` (index 0..MAX_PARTITIONS-1: the caller, or the partition a
 * management operation is about) whose subject is `subject` (a label's ssidref, or
 * CONFIGURATION), doing `op` on `object` (an ssidref or NO_OBJECT). Returns a Decision: bit 0
 * set = allowed; bits 1.. = the deciding rule (shype/ops.ts). A denial leaves an audit record.
 */
export function decide(who: number, subject: number, object: number, op: Op): number {
  const d = lookup(subject, object, op);
  if ((d & 1) !== 0) return d;
  return decideSlow(who, subject, object, op, true);
}

/**
 * decide() for a question asked at line rate (a logical-LAN frame): the same cache, policy and
 * counters, but a denial leaves an audit record only when `audit` is true. The caller audits the
 * first denial of a flow and counts the rest itself (hcalls/vswitch.ts: the first per pair of
 * ports per second), so a denied flood cannot push every other record out of the audit ring.
 */
export function decideFlow(who: number, subject: number, object: number, op: Op, audit: boolean): number {
  const d = lookup(subject, object, op);
  if ((d & 1) !== 0) return d;
  return decideSlow(who, subject, object, op, audit);
}

/**
 * allows(decide(who, subject, NO_OBJECT, hclass)): the gate's question, an hcall class (Op 0..5,
 * no object), answered as a verdict. The same path as decide(); its own entry so that a cached
 * allow answers `true` at once (the gate branches on a constant), and so that decideSlow() has
 * two callers and stays out of line (a function with one caller is inlined whatever its size):
 * the hit path then needs no stack frame, and `who` is computed only on the slow path.
 * (decideFlow is a third caller.)
 */
export function allowsHcall(who: number, subject: number, hclass: Op): boolean {
  if ((lookupHcallClass(subject, hclass) & 1) !== 0) return true;
  return (decideSlow(who, subject, NO_OBJECT, hclass, true) & 1) !== 0;
}

/**
 * Everything but a cached allow, which lookup() has counted as a hit already: a cached denial is
 * found again (uncounted); a miss is counted, evaluated and cached; a denial, cached or fresh, is
 * counted and audited (the timebase is read only here, for its record).
 */
function decideSlow(who: number, subject: number, object: number, op: Op, audit: boolean): number {
  let d = find(subject, object, op);
  if (d === MISS) {
    countMiss(who);
    d = evaluate(subject, object, op);
    insert(subject, object, op, d);
  }
  if ((d & 1) === 0) {
    countDenial(who);
    if (audit) record(mftb(), who, subject, object, op, d);
  }
  return d;
}
