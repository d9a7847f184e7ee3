/**
 * The Chinese Wall transaction of a partition start, with the decision cache kept exact.
 *
 * The wall's answer is a decision like any other, asked through decide() (shype/decide.ts) as
 * the subject's own start, decide(who, label, NO_OBJECT, StartPartition): cached, counted, and
 * audited when it denies. Unlike every other answer it depends on state outside the policy, the
 * types of conflict sets that count now (running or reserved, cwCountingTypes()). So each step
 * below that changes that set drops every cached wall answer
 * (cache.invalidateOperation(StartPartition, NO_OBJECT)), and only then: a cached wall answer is
 * always the one evaluate() would give.
 *
 *   decide(who, label, NO_OBJECT, StartPartition) allows
 *     -> wallPrepare(label): its types are reserved (they count from now on)
 *     -> the partition starts: wallCommit(label) | it does not: wallAbort(label)
 *     -> it halts, crashes or is destroyed: wallRelease(label)
 *
 * A reservation counts like a running partition, so commit never changes the set (reserved ->
 * running); prepare, abort and release may. A second instance of a type changes nothing, nor
 * does a type that is in no conflict set.
 */
import type { u64 } from 'tsnc';
import { cwAbort, cwCommit, cwCountingTypes, cwPrepare, cwRelease } from './policy';
import { invalidateOperation } from './cache';
import { NO_OBJECT, Op } from './ops';

/** Drop the cached wall answers if the types that count differ from `before`. */
function settle(before: u64): void {
  if (cwCountingTypes() !== before) invalidateOperation(Op.StartPartition, NO_OBJECT);
}

/**
 * Reserve the types of label `ssidref`, whose start decide() has just allowed. Returns 0 (now
 * reserved), or the wall's deny decision if the start is not allowed after all (nothing reserved).
 */
export function wallPrepare(ssidref: number): number {
  const before = cwCountingTypes();
  const d = cwPrepare(ssidref);
  settle(before);
  return d;
}

/** The prepared partition labelled `ssidref` runs now: its reservation becomes running. */
export function wallCommit(ssidref: number): void {
  const before = cwCountingTypes();
  cwCommit(ssidref);
  settle(before);
}

/** The prepared start of `ssidref` did not happen: drop its reservation. */
export function wallAbort(ssidref: number): void {
  const before = cwCountingTypes();
  cwAbort(ssidref);
  settle(before);
}

/** A partition labelled `ssidref` stopped running (halted, crashed or destroyed). */
export function wallRelease(ssidref: number): void {
  const before = cwCountingTypes();
  cwRelease(ssidref);
  settle(before);
}
