/**
 * Unit tests of shype/decide.ts stand a deterministic evaluator in for the policy engine.
 * decide() calls evaluate() of shype/evaluator.ts, which forwards to shype/policy.ts; this module
 * replaces that export for the duration of a test (useEvaluator / restoreEvaluator).
 *
 * While shype/policy.ts does not exist yet, its import from shype/evaluator.ts is resolved to
 * test/fake/shype-policy-placeholder.ts (test setup only; nothing is added to shype/).
 */
import * as fs from 'fs';
import * as path from 'path';
import Module = require('module');
import type { Op } from '../../shype/ops';

const SHYPE = path.resolve(__dirname, '..', '..', 'shype');
if (!fs.existsSync(path.join(SHYPE, 'policy.ts'))) {
  const placeholder = path.join(__dirname, 'shype-policy-placeholder.ts');
  const hooked = Module as unknown as { _resolveFilename: (request: string, parent: { filename?: string } | undefined, ...rest: unknown[]) => string };
  const resolve = hooked._resolveFilename;
  hooked._resolveFilename = function (request, parent, ...rest) {
    if (request === './policy' && parent !== undefined && parent.filename === path.join(SHYPE, 'evaluator.ts')) return placeholder;
    return resolve.call(this, request, parent, ...rest);
  };
}

/** An evaluator: the Decision for (subject, object, op). */
export type Evaluator = (subject: number, object: number, op: Op) => number;

// eslint-disable-next-line @typescript-eslint/no-require-imports
const evaluatorModule = require('../../shype/evaluator') as { evaluate: Evaluator };
const original: Evaluator = evaluatorModule.evaluate;

/** Make decide() evaluate with `fn` until restoreEvaluator(). */
export function useEvaluator(fn: Evaluator): void {
  evaluatorModule.evaluate = fn;
}

/** Give decide() the real evaluator back. */
export function restoreEvaluator(): void {
  evaluatorModule.evaluate = original;
}
