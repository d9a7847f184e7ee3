/**
 * Stands in for shype/policy.ts in unit tests while that module does not exist (see
 * test/fake/shype-evaluator.ts): denies everything with rule 0. Tests install their own evaluator.
 */
import type { Op } from '../../shype/ops';

export function evaluate(_subject: number, _object: number, _op: Op): number {
  return 0;
}
