/**
 * The one decision path of the hypervisor: every mediated operation (the hcall gate, opening a
 * channel, sending a frame, sharing memory, managing partitions) asks decide() and nothing else.
 *
 *   cache lookup (counts a hit or a miss) -> on a miss, evaluate the policy and cache the answer
 *   -> on a denial, count it and append an audit record -> return the decision.
 *
 * Cached allows and cached denies are answered alike; a cached denial is audited and counted
 * exactly as a fresh one. Whoever changes the policy state that decisions depend on invalidates
 * the cache (shype/cache.ts: invalidateAll on reload, invalidateSubject on destroy).
 */
import type { u64 } from 'tsnc';
import type { Op } from './ops';
import { MISS, countDenial, insert, lookup } from './cache';
import { evaluate } from './evaluator';
import { record } from './audit';

/**
 * The Decision for partition `who` (index 0..MAX_PARTITIONS-1), whose label is `subject`, doing
 * `op` on `object` (an ssidref or NO_OBJECT), at timebase `time` (used only for the audit record).
 * Returns a Decision: bit 0 set = allowed; bits 1.. = the deciding rule (shype/ops.ts).
 */
export function decide(who: number, subject: number, object: number, op: Op, time: u64): number {
  let d = lookup(who, subject, object, op);
  if (d === MISS) {
    d = evaluate(subject, object, op);
    insert(subject, object, op, d);
  }
  if ((d & 1) === 0) {
    countDenial(who);
    record(time, who, subject, object, op, d);
  }
  return d;
}
