/**
 * The decide path's one way into the policy engine. decide() (shype/decide.ts) asks this module
 * and never the policy directly, so that the engine can change behind it and unit tests can stand
 * a deterministic evaluator in for it (natively the call is inlined away).
 */
import { evaluate as policyEvaluate } from './policy';
import type { Op } from './ops';

/** The loaded policy's Decision for (subject, object, op), uncached. Returns a Decision (>= 0). */
export function evaluate(subject: number, object: number, op: Op): number {
  return policyEvaluate(subject, object, op);
}
