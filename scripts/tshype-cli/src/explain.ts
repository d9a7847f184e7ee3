/**
 * `tshype policy explain`: asks the real engine (shype/policy.ts, running in Node against tsnc's
 * host memory) for a decision and says which rule made it. Not restricted code.
 */
import { host } from 'tsnc/host';
import {
  PolicyStatus, policyStatusText, cwCommit, cwConflictMessage, cwPrepare, evaluate, labelByName, loadPolicy,
  nameBytes, ruleDescriptionBytes, ruleLine,
} from '../../../shype/policy';
import { CONFIGURATION, NO_OBJECT, Op, allows, ruleOf } from '../../../shype/ops';
import { OP_NAMES } from './policy-compiler';

/** Where explain puts the binary policy in host memory. */
export const EXPLAIN_ADDR = 0x100000n;

/** What a question to the engine needs; names are label names (or ssidref numbers). */
export interface Question { subject: string; object: string; op: string; running?: string[] }
/** The engine's answer, and the text explain prints. */
export interface Answer { decision: number; allow: boolean; rule: number; line: number; description: string; text: string }


/** Load `binary` as the engine's active policy in host memory; throws with the status if refused. */
export function loadIntoEngine(binary: Uint8Array): void {
  host.writeBytes(EXPLAIN_ADDR, binary);
  const st = loadPolicy(EXPLAIN_ADDR, binary.length);
  if (st !== PolicyStatus.Ok) throw new Error(`the engine refused the binary policy: ${policyStatusText(st)} (status ${st})`);
}

function ssidref(name: string): number {
  if (name === '-' || name === 'none') return NO_OBJECT;
  if (name === 'configuration') return CONFIGURATION;
  if (/^[0-9]+$/.test(name)) return Number(name);
  return labelByName(name);
}

function bytesText(f: (out: Uint8Array) => number): string {
  const out = new Uint8Array(256);
  return Buffer.from(out.subarray(0, f(out))).toString('latin1');
}

function labelText(s: number, asked: string): string {
  if (s === NO_OBJECT && (asked === '-' || asked === 'none')) return 'none';
  const n = bytesText(out => nameBytes(s, out));
  return n === '' ? `${asked} (unknown)` : `${n} (ssidref ${s})`;
}

/** Ask the engine (its active policy must be loaded) and describe the answer. */
export function explain(q: Question, file: string, binary = false): Answer {
  const op = OP_NAMES.indexOf(q.op);
  if (op < 0) throw new Error(`unknown operation '${q.op}' (${OP_NAMES.join(', ')})`);
  const s = ssidref(q.subject);
  const o = ssidref(q.object);
  // the running partitions first: the Chinese Wall's own question (a label's StartPartition
  // without an object) is answered against them
  for (const r of q.running ?? []) {
    const rs = ssidref(r);
    if (cwPrepare(rs) === 0) cwCommit(rs);
  }
  let d = evaluate(s, o, op);
  let wall = '';
  if (allows(d) && (op === Op.CreatePartition || op === Op.StartPartition) && q.running !== undefined && o !== NO_OBJECT) {
    const cw = cwPrepare(o);
    if (cw !== 0) {
      d = cw;
      wall = `\nchinese wall: ${bytesText(out => cwConflictMessage(out))}`;
    }
  }
  const rule = ruleOf(d);
  const line = ruleLine(rule);
  const description = bytesText(out => ruleDescriptionBytes(rule, out));
  const where = line === 0 ? 'built in' : binary ? `source line ${line}` : `${file}:${line}`;
  const allow = allows(d);
  const text = `${allow ? 'ALLOW' : 'DENY'}: subject ${labelText(s, q.subject)}, object ${labelText(o, q.object)}, op ${q.op}\n` +
    `rule ${rule} (${where}): ${description}${wall}`;
  return { decision: d, allow, rule, line, description, text };
}
