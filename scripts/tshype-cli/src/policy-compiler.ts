/**
 * The sHype policy compiler: policy language (docs/policy-language.md) to the binary policy
 * (shype/policy-format.ts). compilePolicy() never throws on bad input: it returns either the
 * binary or the list of errors, each as `FILE:line: message`.
 */
import {
  BUILTIN_RULES, CONFLICT_ENTRY, FNV_BASIS, HEADER_SIZE, LABEL_DECISIONS, LABEL_ENTRY, LABEL_LAUNCH, LEVEL_ENTRY, LabelKind,
  MAX_CONFLICTS, MAX_DESCRIPTION, MAX_LEVELS, MAX_NAME, MAX_POOL, MAX_RULES, MAX_TYPES, MGMT_OPS,
  POLICY_MAGIC, POLICY_VERSION, PolicyKind, RULE_ENTRY, RuleKind, R_BLP_NO_FLOW, R_BLP_NO_READ_UP,
  R_BLP_NO_WRITE_DOWN, R_BLP_READ, R_BLP_WRITE, R_DEFAULT, R_HCALL_DEFAULT, R_NO_ROLE,
  R_STE_NO_COMMON_TYPE, R_UNKNOWN_OBJECT, R_UNKNOWN_OP, R_UNKNOWN_SUBJECT, TYPE_ENTRY, align8, fnvStep,
} from '../../../shype/policy-format';
import { MAX_LABELS, Op, decision } from '../../../shype/ops';

/** Op names as the language (and `explain --op`) spells them, indexed by Op. */
export const OP_NAMES = [
  'HcallConsole', 'HcallProcessor', 'HcallPlatform', 'HcallMemory', 'HcallRtas', 'HcallLifecycle',
  'CreatePartition', 'StartPartition', 'DestroyPartition', 'ReloadPolicy', 'ReadAudit',
  'OpenChannel', 'SendFrame', 'ReadShared', 'ShareMemory', 'BindVtpm',
];
const HCALL_CLASSES = 6;
const ROLE_OPS = [Op.CreatePartition, Op.StartPartition, Op.DestroyPartition, Op.ReloadPolicy, Op.ReadAudit];

/** A Map, not an object literal: a word such as 'constructor' must not find Object.prototype's. */
const KIND_NAMES = new Map<string, PolicyKind>([
  ['none', PolicyKind.None], ['chinese-wall', PolicyKind.ChineseWall], ['ste', PolicyKind.Ste], ['blp', PolicyKind.Blp],
]);
const RESOURCE_KINDS: Record<string, LabelKind> = {
  label: LabelKind.Partition, vdevice: LabelKind.Vdevice, vtpm: LabelKind.Vtpm,
  memory: LabelKind.Memory, lan: LabelKind.Lan,
};
/** Words that separate the sections of a statement, so they cannot be names. */
const KEYWORDS = new Set(['types', 'level', 'labels', 'ops']);
/** The built-in subject of the boot configuration (CONFIGURATION): no label may take its name. */
const CONFIGURATION_NAME = 'configuration';
const NAME = /^[A-Za-z_][A-Za-z0-9_.-]*$/;

interface Rule { line: number; kind: RuleKind; text: string }
interface Label { name: string; line: number; kind: LabelKind; types: number[]; level: number }
interface Conflict { name: string; line: number; types: number[]; rule: number }

/** Result of a compilation: the binary, or the errors (never both). */
export interface CompileResult { binary?: Uint8Array; errors: string[] }

/** The model a policy source builds, before encoding. */
class Model {
  name = '';
  primary = PolicyKind.None;
  secondary = PolicyKind.None;
  primaryLine = 0;
  secondaryLine = 0;
  seen = new Map<string, number>();          // once-only statements -> line
  types: { name: string; line: number }[] = [];
  typeIndex = new Map<string, number>();
  levels: string[] = [];
  levelsLine = 0;
  labels: Label[] = [];
  labelIndex = new Map<string, number>();
  conflicts: Conflict[] = [];
  conflictNames = new Set<string>();
  roleNames = new Set<string>();
  rules: Rule[] = [];
  hcallDefault = true;
  /** [label][op] decision for Op 0..10, filled after parsing. */
  ops: number[][] = [];
  roleGrants: { line: number; rule: number; labels: number[]; ops: number[] }[] = [];
  /** `configuration launches`: its rule and the labels it names (undefined: no statement, all). */
  launch: { rule: number; labels: number[] } | undefined;
  hcallRules: { rule: number; allow: boolean; labels: number[]; ops: number[] }[] = [];
}

/** Compile policy `source` (named `file` in messages). */
export function compilePolicy(source: string, file: string): CompileResult {
  const errors: string[] = [];
  const m = new Model();
  const err = (line: number, msg: string): void => { errors.push(`${file}:${line}: ${msg}`); };
  builtinRules(m);
  const lines = source.split(/\r?\n/);
  lines.forEach((raw, i) => {
    const text = raw.replace(/#.*$/, '').trim();
    if (text === '') return;
    statement(m, text.split(/\s+/), i + 1, err);
  });
  finish(m, err);
  if (errors.length > 0) return { errors };
  return encode(m, err, errors);
}

function builtinRules(m: Model): void {
  const add = (text: string): void => { m.rules.push({ line: 0, kind: RuleKind.Builtin, text }); };
  add('default: no policy restricts this operation');                   // R_DEFAULT
  add('unknown subject: not a partition label of this policy');          // R_UNKNOWN_SUBJECT
  add('unknown object: not a label of this policy');                     // R_UNKNOWN_OBJECT
  add('unknown operation');                                              // R_UNKNOWN_OP
  add('ste: subject and object labels have no common type');            // R_STE_NO_COMMON_TYPE
  add('blp: no read up (subject level below object level)');            // R_BLP_NO_READ_UP
  add('blp: no write down (subject level above object level)');         // R_BLP_NO_WRITE_DOWN
  add('blp: read at or below own level');                               // R_BLP_READ
  add('blp: write at or above own level');                              // R_BLP_WRITE
  add('blp: not an information flow');                                  // R_BLP_NO_FLOW
  add('hcalls default allow (no "hcalls default" statement)');          // R_HCALL_DEFAULT
  add('roles: no role grants this operation to the subject');           // R_NO_ROLE
  if (m.rules.length !== BUILTIN_RULES || R_NO_ROLE !== BUILTIN_RULES - 1 || R_DEFAULT !== 0 ||
      R_UNKNOWN_SUBJECT !== 1 || R_UNKNOWN_OBJECT !== 2 || R_UNKNOWN_OP !== 3 || R_STE_NO_COMMON_TYPE !== 4 ||
      R_BLP_NO_READ_UP !== 5 || R_BLP_NO_WRITE_DOWN !== 6 || R_BLP_READ !== 7 || R_BLP_WRITE !== 8 ||
      R_BLP_NO_FLOW !== 9 || R_HCALL_DEFAULT !== 10) {
    throw new Error('policy compiler: built-in rule table out of step with shype/policy-format.ts');
  }
}

type Err = (line: number, msg: string) => void;

function once(m: Model, key: string, line: number, err: Err): boolean {
  const first = m.seen.get(key);
  if (first !== undefined) {
    err(line, `duplicate "${key}" statement (first at line ${first})`);
    return false;
  }
  m.seen.set(key, line);
  return true;
}

function checkName(what: string, name: string | undefined, line: number, err: Err): name is string {
  if (name === undefined) { err(line, `${what} name missing`); return false; }
  if (!NAME.test(name)) { err(line, `bad ${what} name '${name}' (letters, digits, _ . -; a letter or _ first)`); return false; }
  if (KEYWORDS.has(name)) { err(line, `${what} name '${name}' is a keyword`); return false; }
  if (name.length > MAX_NAME) { err(line, `${what} name '${name}' longer than ${MAX_NAME} characters`); return false; }
  return true;
}

function addRule(m: Model, line: number, kind: RuleKind, text: string): number {
  m.rules.push({ line, kind, text: text.length > MAX_DESCRIPTION ? text.slice(0, MAX_DESCRIPTION - 3) + '...' : text });
  return m.rules.length - 1;
}

function statement(m: Model, w: string[], line: number, err: Err): void {
  const text = w.join(' ');
  switch (w[0]) {
    case 'policy':
      if (!once(m, 'policy', line, err) || !checkName('policy', w[1], line, err)) return;
      if (w.length > 2) return err(line, `unexpected '${w[2]}' after the policy name`);
      m.name = w[1];
      return;
    case 'primary':
    case 'secondary':
      return policySlot(m, w, line, err);
    case 'type':
      if (w.length < 2) return err(line, 'type statement names no types');
      for (const t of w.slice(1)) {
        if (!checkName('type', t, line, err)) continue;
        if (m.typeIndex.has(t)) { err(line, `duplicate type '${t}' (first at line ${m.types[m.typeIndex.get(t)!].line})`); continue; }
        if (m.types.length === MAX_TYPES) { err(line, `too many types (at most ${MAX_TYPES})`); return; }
        m.typeIndex.set(t, m.types.length);
        m.types.push({ name: t, line });
      }
      return;
    case 'levels':
      if (!once(m, 'levels', line, err)) return;
      if (w.length < 2) return err(line, 'levels statement names no levels');
      if (w.length - 1 > MAX_LEVELS) return err(line, `too many levels (at most ${MAX_LEVELS})`);
      m.levelsLine = line;
      for (const v of w.slice(1)) {
        if (!checkName('level', v, line, err)) continue;
        if (m.levels.includes(v)) { err(line, `duplicate level '${v}'`); continue; }
        m.levels.push(v);
      }
      return;
    case 'label': case 'vdevice': case 'vtpm': case 'memory': case 'lan':
      return label(m, w, line, err);
    case 'conflict':
      return conflict(m, w, line, err, text);
    case 'role':
      return role(m, w, line, err, text);
    case 'hcalls':
      return hcalls(m, w, line, err, text);
    case CONFIGURATION_NAME:
      return configuration(m, w, line, err, text);
    default:
      return err(line, `unknown statement '${w[0]}' (policy, primary, secondary, type, levels, label, vdevice, vtpm, memory, lan, conflict, role, hcalls, configuration)`);
  }
}

function policySlot(m: Model, w: string[], line: number, err: Err): void {
  const slot = w[0];
  if (!once(m, slot, line, err)) return;
  const kind = w[1] === undefined ? undefined : KIND_NAMES.get(w[1]);
  if (kind === undefined) return err(line, `${slot} policy must be one of chinese-wall, ste, blp, none`);
  if (w.length > 2) return err(line, `unexpected '${w[2]}' after the ${slot} policy`);
  if (slot === 'primary') { m.primary = kind; m.primaryLine = line; } else { m.secondary = kind; m.secondaryLine = line; }
}

/** Split `w` after the statement head into keyword sections: { types: [...], level: [...] }. */
function sections(w: string[], keys: string[], line: number, err: Err): Map<string, string[]> | undefined {
  const out = new Map<string, string[]>();
  let cur: string[] | undefined;
  for (const word of w) {
    if (keys.includes(word)) {
      if (out.has(word)) { err(line, `'${word}' given twice`); return undefined; }
      cur = [];
      out.set(word, cur);
    } else if (cur === undefined) {
      err(line, `expected ${keys.map(k => `'${k}'`).join(' or ')}, found '${word}'`);
      return undefined;
    } else {
      cur.push(word);
    }
  }
  return out;
}

function label(m: Model, w: string[], line: number, err: Err): void {
  const what = w[0] === 'label' ? 'label' : `${w[0]} label`;
  if (!checkName(what, w[1], line, err)) return;
  const name = w[1];
  if (name === CONFIGURATION_NAME) return err(line, `'${name}' is the built-in subject of the boot configuration, not a label name`);
  if (m.labelIndex.has(name)) return err(line, `duplicate label '${name}' (first at line ${m.labels[m.labelIndex.get(name)!].line})`);
  if (m.labels.length === MAX_LABELS) return err(line, `too many labels (at most ${MAX_LABELS})`);
  const s = sections(w.slice(2), ['types', 'level'], line, err);
  if (s === undefined) return;
  const typeNames = s.get('types') ?? [];
  if (typeNames.length === 0) return err(line, `label '${name}' has no types`);
  const types: number[] = [];
  for (const t of typeNames) {
    const ti = m.typeIndex.get(t);
    if (ti === undefined) { err(line, `unknown type '${t}' in label '${name}'`); return; }
    if (types.includes(ti)) { err(line, `type '${t}' given twice in label '${name}'`); return; }
    types.push(ti);
  }
  let level = 0;
  const lv = s.get('level');
  if (lv !== undefined) {
    if (lv.length !== 1) return err(line, `label '${name}': 'level' takes one level`);
    const found = resolveLevel(m, lv[0]);
    if (typeof found === 'string') return err(line, `label '${name}': ${found}`);
    level = found;
  }
  m.labelIndex.set(name, m.labels.length);
  m.labels.push({ name, line, kind: RESOURCE_KINDS[w[0]], types, level });
}

function resolveLevel(m: Model, v: string): number | string {
  if (/^[0-9]+$/.test(v)) {
    const n = Number(v);
    const top = Math.max(m.levels.length, 1) - 1;
    return n <= top ? n : `level ${v} out of range (0..${top})`;
  }
  const i = m.levels.indexOf(v);
  return i >= 0 ? i : `unknown level '${v}'${m.levels.length === 0 ? ' (no levels statement before it)' : ''}`;
}

function conflict(m: Model, w: string[], line: number, err: Err, text: string): void {
  if (!checkName('conflict set', w[1], line, err)) return;
  const name = w[1];
  if (m.conflictNames.has(name)) return err(line, `duplicate conflict set '${name}'`);
  if (w.length === 2) return err(line, `conflict set '${name}' names no types`);
  const types: number[] = [];
  for (const t of w.slice(2)) {
    const ti = m.typeIndex.get(t);
    if (ti === undefined) return err(line, `unknown type '${t}' in conflict set '${name}'`);
    if (types.includes(ti)) return err(line, `type '${t}' given twice in conflict set '${name}'`);
    types.push(ti);
  }
  if (types.length < 2) return err(line, `conflict set '${name}' needs at least two types`);
  if (m.conflicts.length === MAX_CONFLICTS) return err(line, `too many conflict sets (at most ${MAX_CONFLICTS})`);
  m.conflictNames.add(name);
  m.conflicts.push({ name, line, types, rule: addRule(m, line, RuleKind.Conflict, `chinese wall: ${text}`) });
}

function opList(words: string[], line: number, err: Err, allowed: number[], what: string): number[] | undefined {
  const ops: number[] = [];
  for (const o of words) {
    if (o === 'all') { ops.push(...allowed); continue; }
    const op = OP_NAMES.indexOf(o);
    if (op < 0) { err(line, `unknown operation '${o}'`); return undefined; }
    if (!allowed.includes(op)) { err(line, `${o} is not ${what} (${allowed.map(a => OP_NAMES[a]).join(', ')})`); return undefined; }
    ops.push(op);
  }
  return ops;
}

function labelList(m: Model, words: string[], line: number, err: Err, star: boolean): number[] | undefined {
  const out: number[] = [];
  for (const l of words) {
    if (l === '*' && star) { m.labels.forEach((lb, i) => { if (lb.kind === LabelKind.Partition) out.push(i); }); continue; }
    const i = m.labelIndex.get(l);
    if (i === undefined) { err(line, `unknown label '${l}'`); return undefined; }
    if (m.labels[i].kind !== LabelKind.Partition) { err(line, `'${l}' is a resource label, not a partition label`); return undefined; }
    out.push(i);
  }
  return out;
}

function role(m: Model, w: string[], line: number, err: Err, text: string): void {
  if (!checkName('role', w[1], line, err)) return;
  if (m.roleNames.has(w[1])) return err(line, `duplicate role '${w[1]}'`);
  const s = sections(w.slice(2), ['labels', 'ops'], line, err);
  if (s === undefined) return;
  if ((s.get('labels') ?? []).length === 0) return err(line, `role '${w[1]}' names no labels`);
  if ((s.get('ops') ?? []).length === 0) return err(line, `role '${w[1]}' names no operations`);
  const labels = labelList(m, s.get('labels')!, line, err, false);
  const ops = opList(s.get('ops')!, line, err, ROLE_OPS, 'a management operation');
  if (labels === undefined || ops === undefined) return;
  m.roleNames.add(w[1]);
  m.roleGrants.push({ line, rule: addRule(m, line, RuleKind.Role, text), labels, ops });
}

function hcalls(m: Model, w: string[], line: number, err: Err, text: string): void {
  const classes = [0, 1, 2, 3, 4, 5];
  if (w[1] === 'default') {
    if (!once(m, 'hcalls default', line, err)) return;
    if (w.length !== 3 || (w[2] !== 'allow' && w[2] !== 'deny')) return err(line, 'expected "hcalls default allow" or "hcalls default deny"');
    m.hcallDefault = w[2] === 'allow';
    m.rules[R_HCALL_DEFAULT] = { line, kind: RuleKind.Hcalls, text };
    return;
  }
  if (w[1] !== 'allow' && w[1] !== 'deny') return err(line, 'expected "hcalls allow|deny LABEL CLASS..." or "hcalls default allow|deny"');
  if (w[2] === undefined) return err(line, 'hcalls statement names no label');
  if (w.length < 4) return err(line, 'hcalls statement names no hcall classes');
  const labels = labelList(m, [w[2]], line, err, true);
  const ops = opList(w.slice(3), line, err, classes, 'an hcall class');
  if (labels === undefined || ops === undefined) return;
  m.hcallRules.push({ rule: addRule(m, line, RuleKind.Hcalls, text), allow: w[1] === 'allow', labels, ops });
}

/**
 * `configuration launches LABEL...|*|none`: the partition labels the boot configuration may
 * create, start and destroy (without the statement: every partition label).
 */
function configuration(m: Model, w: string[], line: number, err: Err, text: string): void {
  if (w[1] !== 'launches') return err(line, 'expected "configuration launches LABEL...", "configuration launches *" or "configuration launches none"');
  if (!once(m, 'configuration launches', line, err)) return;
  if (w.length < 3) return err(line, 'configuration launches names no labels (a label, *, or none)');
  const words = w.slice(2);
  if (words.includes('none') && words.length > 1) return err(line, "'none' must be the only word after configuration launches");
  if (words.includes('*') && words.length > 1) return err(line, "'*' must be the only word after configuration launches");
  const labels = words[0] === 'none' ? [] : labelList(m, words, line, err, true);
  if (labels === undefined) return;
  m.launch = { rule: addRule(m, line, RuleKind.Role, text), labels };
}

/** The configuration's decision on label `li`: its `configuration launches` rule, or allowed by default. */
function launchDecision(m: Model, li: number): number {
  if (m.labels[li].kind !== LabelKind.Partition) return decision(false, R_UNKNOWN_OBJECT);
  if (m.launch === undefined) return decision(true, R_DEFAULT);
  return decision(m.launch.labels.includes(li), m.launch.rule);
}

/** Whole-policy checks, then the per-label decision table. */
function finish(m: Model, err: Err): void {
  if (m.labels.length === 0) err(1, 'policy defines no labels');
  if (m.types.length === 0) err(1, 'policy defines no types');
  if (m.primary !== PolicyKind.None && m.primary === m.secondary) {
    err(m.secondaryLine, 'secondary policy is the same as the primary');
  }
  if (m.primary === PolicyKind.None && m.secondary !== PolicyKind.None) {
    err(m.secondaryLine, 'a secondary policy needs a primary policy');
  }
  const cw = m.primary === PolicyKind.ChineseWall || m.secondary === PolicyKind.ChineseWall;
  for (const c of m.conflicts) {
    if (!cw) err(c.line, `conflict set '${c.name}': chinese-wall is neither the primary nor the secondary policy`);
  }
  const blp = m.primary === PolicyKind.Blp ? m.primaryLine : m.secondary === PolicyKind.Blp ? m.secondaryLine : 0;
  if (blp !== 0 && m.levels.length === 0) err(blp, 'blp needs a levels statement');
  for (const l of m.labels) {
    for (const c of m.conflicts) {
      const both = c.types.filter(t => l.types.includes(t));
      if (both.length > 1) {
        err(l.line, `label '${l.name}' has conflicting types ${both.map(t => `'${m.types[t].name}'`).join(' and ')} (conflict set '${c.name}', line ${c.line})`);
      }
    }
  }
  const steLine = m.primary === PolicyKind.Ste ? m.primaryLine : m.secondary === PolicyKind.Ste ? m.secondaryLine : 0;
  m.rules[R_STE_NO_COMMON_TYPE].line = steLine;
  for (const r of [R_BLP_NO_READ_UP, R_BLP_NO_WRITE_DOWN, R_BLP_READ, R_BLP_WRITE, R_BLP_NO_FLOW]) m.rules[r].line = blp;
  for (const t of m.types) {
    addRule(m, t.line, RuleKind.Type, `ste: common type ${t.name}`);
  }
  if (m.rules.length > MAX_RULES) err(1, `too many rules (${m.rules.length}, at most ${MAX_RULES})`);
  m.ops = m.labels.map(l => decisionsFor(m, m.labels.indexOf(l)));
}

function decisionsFor(m: Model, li: number): number[] {
  const out: number[] = [];
  if (m.labels[li].kind !== LabelKind.Partition) {
    for (let op = 0; op < MGMT_OPS; op++) out.push(decision(false, R_UNKNOWN_SUBJECT));
    return out;
  }
  for (let op = 0; op < HCALL_CLASSES; op++) out.push(decision(m.hcallDefault, R_HCALL_DEFAULT));
  for (let op = HCALL_CLASSES; op < MGMT_OPS; op++) out.push(decision(false, R_NO_ROLE));
  for (const h of m.hcallRules) {       // later statements override earlier ones
    if (h.labels.includes(li)) for (const op of h.ops) out[op] = decision(h.allow, h.rule);
  }
  for (const g of m.roleGrants) {       // the first role that grants an operation names it
    if (!g.labels.includes(li)) continue;
    for (const op of g.ops) if ((out[op] & 1) === 0) out[op] = decision(true, g.rule);
  }
  return out;
}

/** Strings, deduplicated, in a pool of u8-length-prefixed strings. */
class Pool {
  bytes: number[] = [];
  refs = new Map<string, number>();
  add(s: string): number {
    const known = this.refs.get(s);
    if (known !== undefined) return known;
    const ref = this.bytes.length;
    const data = Buffer.from(s, 'latin1');
    this.bytes.push(data.length, ...data);
    this.refs.set(s, ref);
    return ref;
  }
}

function encode(m: Model, err: Err, errors: string[]): CompileResult {
  const pool = new Pool();
  const typeStart = m.rules.length - m.types.length;
  const nameRef = pool.add(m.name === '' ? 'unnamed' : m.name);
  const typeRefs = m.types.map(t => pool.add(t.name));
  const labelRefs = m.labels.map(l => pool.add(l.name));
  const conflictRefs = m.conflicts.map(c => pool.add(c.name));
  const levelRefs = m.levels.map(v => pool.add(v));
  const ruleRefs = m.rules.map(r => pool.add(r.text));
  if (pool.bytes.length > MAX_POOL) {
    err(1, `names and rule descriptions take ${pool.bytes.length} bytes (at most ${MAX_POOL})`);
    return { errors };
  }
  const typesAt = HEADER_SIZE;
  const labelsAt = typesAt + align8(m.types.length * TYPE_ENTRY);
  const conflictsAt = labelsAt + m.labels.length * LABEL_ENTRY;
  const levelsAt = conflictsAt + m.conflicts.length * CONFLICT_ENTRY;
  const rulesAt = levelsAt + align8(m.levels.length * LEVEL_ENTRY);
  const poolAt = rulesAt + m.rules.length * RULE_ENTRY;
  const size = poolAt + align8(pool.bytes.length);
  const b = Buffer.alloc(size);
  b.writeUInt32BE(POLICY_MAGIC, 0);
  b.writeUInt16BE(POLICY_VERSION, 4);
  b.writeUInt16BE(HEADER_SIZE, 6);
  b.writeUInt32BE(size, 8);
  b.writeUInt8(m.primary, 16);
  b.writeUInt8(m.secondary, 17);
  b.writeUInt8(m.types.length, 18);
  b.writeUInt8(m.labels.length, 19);
  b.writeUInt8(m.conflicts.length, 20);
  b.writeUInt8(m.levels.length, 21);
  b.writeUInt16BE(m.rules.length, 22);
  b.writeUInt16BE(pool.bytes.length, 24);
  b.writeUInt16BE(nameRef, 26);
  const mask = (types: number[]): bigint => types.reduce((a, t) => a | (1n << BigInt(t)), 0n);
  m.types.forEach((_, i) => {
    b.writeUInt16BE(typeRefs[i], typesAt + i * TYPE_ENTRY);
    b.writeUInt16BE(typeStart + i, typesAt + i * TYPE_ENTRY + 2);
  });
  m.labels.forEach((l, i) => {
    const at = labelsAt + i * LABEL_ENTRY;
    b.writeBigUInt64BE(mask(l.types), at);
    b.writeUInt16BE(labelRefs[i], at + 8);
    b.writeUInt8(l.kind, at + 10);
    b.writeUInt8(l.level, at + 11);
    m.ops[i].forEach((d, op) => b.writeUInt16BE(d, at + LABEL_DECISIONS + op * 2));
    b.writeUInt16BE(launchDecision(m, i), at + LABEL_LAUNCH);
  });
  m.conflicts.forEach((c, i) => {
    const at = conflictsAt + i * CONFLICT_ENTRY;
    b.writeBigUInt64BE(mask(c.types), at);
    b.writeUInt16BE(conflictRefs[i], at + 8);
    b.writeUInt16BE(c.rule, at + 10);
  });
  levelRefs.forEach((r, i) => b.writeUInt16BE(r, levelsAt + i * LEVEL_ENTRY));
  m.rules.forEach((r, i) => {
    b.writeUInt32BE(r.line, rulesAt + i * RULE_ENTRY);
    b.writeUInt16BE(ruleRefs[i], rulesAt + i * RULE_ENTRY + 4);
    b.writeUInt8(r.kind, rulesAt + i * RULE_ENTRY + 6);
  });
  Buffer.from(pool.bytes).copy(b, poolAt);
  b.writeUInt32BE(policyChecksum(b), 12);
  return { binary: new Uint8Array(b), errors: [] };
}

/** The checksum a binary policy's header carries: FNV-1a 32 over bytes [16, end). */
export function policyChecksum(b: Uint8Array): number {
  let h = FNV_BASIS;
  for (let i = 16; i < b.length; i++) h = fnvStep(h, b[i]);
  return h;
}

/** Does `bytes` look like a binary policy (rather than source)? */
export function isBinaryPolicy(bytes: Uint8Array): boolean {
  return bytes.length >= 4 && ((bytes[0] << 24) | (bytes[1] << 16) | (bytes[2] << 8) | bytes[3]) >>> 0 === POLICY_MAGIC;
}
