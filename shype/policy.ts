/**
 * The sHype policy engine: loads a binary policy (shype/policy-format.ts, written by
 * `tshype policy compile`) from physical memory into fixed tables, answers
 * evaluate(subject, object, op) with a decision that names the deciding rule, keeps the
 * Chinese Wall running-type counts as transactions (prepare / commit / abort / release), and
 * reloads a policy by building it into the staging tables, replaying the running partitions
 * against it and swapping — or refusing and leaving the active policy untouched.
 *
 * Decisions depend only on the loaded policy, except one: the Chinese Wall question of a
 * partition's own start, evaluate(label, NO_OBJECT, StartPartition), which depends on the types
 * that count now (running or reserved). Whoever caches decisions drops those answers when
 * cwCountingTypes() changes (shype/wall.ts). Nothing here allocates after module initialisation.
 */
import type { u64 } from 'tsnc';
import { add64, ctz64, load8, not64 } from 'tsnc';
import { CONFIGURATION, MAX_LABELS, NO_OBJECT, OP_COUNT, Op, decision } from './ops';
import {
  BUILTIN_RULES, CONFLICT_ENTRY, FNV_BASIS, HEADER_SIZE, LABEL_DECISIONS, LABEL_ENTRY, LABEL_KINDS,
  LABEL_LAUNCH, LEVEL_ENTRY, LabelKind, MAX_CONFLICTS, MAX_LEVELS, MAX_POOL, MAX_RULES, MAX_TYPES,
  MGMT_OPS, POLICY_MAGIC, POLICY_VERSION, PolicyKind, RULE_ENTRY, R_BLP_NO_FLOW, R_BLP_NO_READ_UP,
  R_BLP_NO_WRITE_DOWN, R_BLP_READ, R_BLP_WRITE, R_DEFAULT, R_NO_ROLE, R_STE_NO_COMMON_TYPE,
  R_UNKNOWN_OBJECT, R_UNKNOWN_OP, R_UNKNOWN_SUBJECT, TYPE_ENTRY, align8, fnvStep,
} from './policy-format';

/** Result of loading or reloading a policy. */
export const enum PolicyStatus {
  Ok = 0,
  /** Blob shorter than its header or than the size its header claims. */
  Truncated = 1,
  BadMagic = 2,
  BadVersion = 3,
  /** Header size field disagrees with the layout its counts imply. */
  BadSize = 4,
  BadChecksum = 5,
  /** A count beyond the engine's limits (types, labels, rules, ...). */
  BadCount = 6,
  /** An index or reference out of range (type bit, level, rule, string, kind). */
  BadIndex = 7,
  /** Two labels with the same name. */
  DuplicateLabel = 8,
  /** Reload: a running partition's label does not exist in the new policy. */
  ReplayUnknownLabel = 9,
  /** Reload: the running partitions violate the new policy's Chinese Wall. */
  ReplayConflict = 10,
  /** Reload: a Chinese Wall transaction is open (prepared, not committed or aborted). */
  Busy = 11,
  /** Swap without a successfully replayed staging policy. */
  NotStaged = 12,
}

/** One English phrase per status, for messages of the form `what: phrase`. */
export function policyStatusText(s: PolicyStatus): string {
  switch (s) {
    case PolicyStatus.Ok: return "valid binary policy";
    case PolicyStatus.Truncated: return "binary policy truncated (shorter than its header or its stated size)";
    case PolicyStatus.BadMagic: return "not a binary policy (bad magic)";
    case PolicyStatus.BadVersion: return "unsupported binary policy version";
    case PolicyStatus.BadSize: return "binary policy size disagrees with its header's counts";
    case PolicyStatus.BadChecksum: return "binary policy checksum mismatch (corrupt)";
    case PolicyStatus.BadCount: return "binary policy has a count beyond the engine's limits";
    case PolicyStatus.BadIndex: return "binary policy has an index or string reference out of range";
    case PolicyStatus.DuplicateLabel: return "binary policy has two labels of the same name";
    case PolicyStatus.ReplayUnknownLabel: return "a running partition's label is not in the new policy";
    case PolicyStatus.ReplayConflict: return "the running partitions violate the new policy's Chinese Wall";
    case PolicyStatus.Busy: return "a Chinese Wall transaction is open";
    case PolicyStatus.NotStaged: return "no replayed policy is staged";
  }
  return "unknown policy status";
}

/** One loaded policy: fixed-size tables, filled by load(), never reallocated. */
class Policy {
  loaded = false;
  primary = 0;
  secondary = 0;
  typeCount = 0;
  labelCount = 0;
  conflictCount = 0;
  levelCount = 0;
  ruleCount = 0;
  poolSize = 0;
  nameRef = 0;
  /** Indexed by ssidref (0 unused). */
  labelTypes = new BigUint64Array(MAX_LABELS + 1);
  labelName = new Uint16Array(MAX_LABELS + 1);
  labelKind = new Uint8Array(MAX_LABELS + 1);
  labelLevel = new Uint8Array(MAX_LABELS + 1);
  /** [ssidref * MGMT_OPS + op]: the decision for Op 0..10. */
  opDecision = new Uint16Array((MAX_LABELS + 1) * MGMT_OPS);
  /** [ssidref]: the configuration's decision on creating, starting, destroying that label. */
  launchDecision = new Uint16Array(MAX_LABELS + 1);
  typeName = new Uint16Array(MAX_TYPES);
  typeRule = new Uint16Array(MAX_TYPES);
  conflictTypes = new BigUint64Array(MAX_CONFLICTS);
  conflictName = new Uint16Array(MAX_CONFLICTS);
  conflictRule = new Uint16Array(MAX_CONFLICTS);
  levelName = new Uint16Array(MAX_LEVELS);
  ruleLine = new Uint32Array(MAX_RULES);
  ruleDesc = new Uint16Array(MAX_RULES);
  pool = new Uint8Array(MAX_POOL);
  /** Chinese Wall: partitions running / prepared to start, per type index. */
  running = new Uint32Array(MAX_TYPES);
  pending = new Uint32Array(MAX_TYPES);
  pendingTotal = 0;
  /** The last Chinese Wall refusal: conflict set, the new label's type, the running type. */
  cwSet = 0;
  cwType = 0;
  cwRunning = 0;
}

const policyA = new Policy();
const policyB = new Policy();
let active = policyA;
let staging = policyB;
/** Staging holds a replayed policy that swapPolicy() may install. */
let stagedOk = false;
/** Incremented on every install: decision caches compare it to know they are stale. */
let generation = 0;
/** Reload failure detail: index into the caller's running list, status. */
let reloadFailIndex = 0;
/** The last Chinese Wall refusal was a replay's (its details are in staging), not cwPrepare's. */
let conflictInStaging = false;

// ---------------------------------------------------------------------------------------------
// Bounded reads of the blob being loaded: never outside [srcAddr, srcAddr + srcLen).

let srcAddr: u64 = 0n;
let srcLen = 0;
let readFault = false;

function rd8(off: number): number {
  if (off < 0 || off >= srcLen) {
    readFault = true;
    return 0;
  }
  return load8(add64(srcAddr, BigInt(off)));
}

function rd16(off: number): number {
  return (rd8(off) << 8) | rd8(off + 1);
}

function rd32(off: number): number {
  return ((rd16(off) << 16) | rd16(off + 2)) >>> 0;
}

function rd64(off: number): u64 {
  return BigInt.asUintN(64, (BigInt(rd32(off)) << 32n) | BigInt(rd32(off + 4)));
}

/** A string reference is valid: a non-empty string that lies inside the pool. */
function stringOk(p: Policy, ref: number): boolean {
  if (ref >= p.poolSize) return false;
  const len = p.pool[ref];
  return len > 0 && ref + 1 + len <= p.poolSize;
}

/** The mask of the first `count` type bits. */
function typeMaskLimit(count: number): u64 {
  return count === 64 ? 0xffffffffffffffffn : BigInt.asUintN(64, (1n << BigInt(count)) - 1n);
}

/** Does type mask `m` contain type index `t`? */
function hasType(m: u64, t: number): boolean {
  return ((m >> BigInt.asUintN(64, BigInt(t))) & 1n) !== 0n;
}

function popcount(m: u64): number {
  let n = 0;
  let rest = m;
  while (rest !== 0n) {
    rest = rest & BigInt.asUintN(64, rest - 1n);
    n++;
  }
  return n;
}

/** Header checks: magic, version, sizes, checksum and counts. Fills the counts of `p`. */
function loadHeader(p: Policy, size: number): PolicyStatus {
  if (size < HEADER_SIZE) return PolicyStatus.Truncated;
  if (rd32(0) !== POLICY_MAGIC) return PolicyStatus.BadMagic;
  if (rd16(4) !== POLICY_VERSION) return PolicyStatus.BadVersion;
  const total = rd32(8);
  if (rd16(6) !== HEADER_SIZE || total < HEADER_SIZE) return PolicyStatus.BadSize;
  if (total > size) return PolicyStatus.Truncated;
  srcLen = total;
  let h = FNV_BASIS;
  for (let i = 16; i < total; i++) h = fnvStep(h, rd8(i));
  if (h !== rd32(12)) return PolicyStatus.BadChecksum;
  p.primary = rd8(16);
  p.secondary = rd8(17);
  p.typeCount = rd8(18);
  p.labelCount = rd8(19);
  p.conflictCount = rd8(20);
  p.levelCount = rd8(21);
  p.ruleCount = rd16(22);
  p.poolSize = rd16(24);
  p.nameRef = rd16(26);
  if (p.primary > PolicyKind.Blp || p.secondary > PolicyKind.Blp) return PolicyStatus.BadIndex;
  if (p.primary !== PolicyKind.None && p.primary === p.secondary) return PolicyStatus.BadIndex;
  if (p.typeCount < 1 || p.typeCount > MAX_TYPES || p.labelCount < 1 || p.labelCount > MAX_LABELS ||
      p.conflictCount > MAX_CONFLICTS || p.levelCount > MAX_LEVELS ||
      p.ruleCount < BUILTIN_RULES || p.ruleCount > MAX_RULES || p.poolSize > MAX_POOL) {
    return PolicyStatus.BadCount;
  }
  if (total !== layoutSize(p)) return PolicyStatus.BadSize;
  return PolicyStatus.Ok;
}

function typesOffset(): number { return HEADER_SIZE; }
function labelsOffset(p: Policy): number { return typesOffset() + align8(p.typeCount * TYPE_ENTRY); }
function conflictsOffset(p: Policy): number { return labelsOffset(p) + p.labelCount * LABEL_ENTRY; }
function levelsOffset(p: Policy): number { return conflictsOffset(p) + p.conflictCount * CONFLICT_ENTRY; }
function rulesOffset(p: Policy): number { return levelsOffset(p) + align8(p.levelCount * LEVEL_ENTRY); }
function poolOffset(p: Policy): number { return rulesOffset(p) + p.ruleCount * RULE_ENTRY; }
function layoutSize(p: Policy): number { return poolOffset(p) + align8(p.poolSize); }

/** A stored decision is well formed: its rule exists. */
function decisionOk(p: Policy, d: number): boolean {
  return (d >>> 1) < p.ruleCount;
}

/** Pool, rules, types and levels. */
function loadTables(p: Policy): PolicyStatus {
  const pool = poolOffset(p);
  for (let i = 0; i < p.poolSize; i++) p.pool[i] = rd8(pool + i);
  if (!stringOk(p, p.nameRef)) return PolicyStatus.BadIndex;
  const rules = rulesOffset(p);
  for (let r = 0; r < p.ruleCount; r++) {
    p.ruleLine[r] = rd32(rules + r * RULE_ENTRY);
    p.ruleDesc[r] = rd16(rules + r * RULE_ENTRY + 4);
    if (!stringOk(p, p.ruleDesc[r])) return PolicyStatus.BadIndex;
  }
  for (let t = 0; t < p.typeCount; t++) {
    p.typeName[t] = rd16(typesOffset() + t * TYPE_ENTRY);
    p.typeRule[t] = rd16(typesOffset() + t * TYPE_ENTRY + 2);
    if (!stringOk(p, p.typeName[t]) || p.typeRule[t] >= p.ruleCount) return PolicyStatus.BadIndex;
  }
  for (let v = 0; v < p.levelCount; v++) {
    p.levelName[v] = rd16(levelsOffset(p) + v * LEVEL_ENTRY);
    if (!stringOk(p, p.levelName[v])) return PolicyStatus.BadIndex;
  }
  return PolicyStatus.Ok;
}

/** Labels (ssidref = index + 1) and conflict sets. */
function loadLabels(p: Policy): PolicyStatus {
  const limit = typeMaskLimit(p.typeCount);
  for (let i = 0; i < p.labelCount; i++) {
    const at = labelsOffset(p) + i * LABEL_ENTRY;
    const s = i + 1;
    p.labelTypes[s] = rd64(at);
    p.labelName[s] = rd16(at + 8);
    p.labelKind[s] = rd8(at + 10);
    p.labelLevel[s] = rd8(at + 11);
    if (p.labelTypes[s] === 0n || (p.labelTypes[s] & not64(limit)) !== 0n) return PolicyStatus.BadIndex;
    if (!stringOk(p, p.labelName[s]) || p.labelKind[s] >= LABEL_KINDS) return PolicyStatus.BadIndex;
    if (p.labelLevel[s] >= Math.max(p.levelCount, 1)) return PolicyStatus.BadIndex;
    for (let op = 0; op < MGMT_OPS; op++) {
      p.opDecision[s * MGMT_OPS + op] = rd16(at + LABEL_DECISIONS + op * 2);
      if (!decisionOk(p, p.opDecision[s * MGMT_OPS + op])) return PolicyStatus.BadIndex;
    }
    p.launchDecision[s] = rd16(at + LABEL_LAUNCH);
    if (!decisionOk(p, p.launchDecision[s])) return PolicyStatus.BadIndex;
    for (let j = 1; j < s; j++) {
      if (stringsEqual(p, p.labelName[j], p, p.labelName[s])) return PolicyStatus.DuplicateLabel;
    }
  }
  for (let c = 0; c < p.conflictCount; c++) {
    const at = conflictsOffset(p) + c * CONFLICT_ENTRY;
    p.conflictTypes[c] = rd64(at);
    p.conflictName[c] = rd16(at + 8);
    p.conflictRule[c] = rd16(at + 10);
    if (popcount(p.conflictTypes[c]) < 2 || (p.conflictTypes[c] & not64(limit)) !== 0n) return PolicyStatus.BadIndex;
    if (!stringOk(p, p.conflictName[c]) || p.conflictRule[c] >= p.ruleCount) return PolicyStatus.BadIndex;
  }
  return PolicyStatus.Ok;
}

/** Validate and load the blob at [addr, addr + size) into `p`; `p` is usable only on Ok. */
function loadInto(p: Policy, addr: u64, size: number): PolicyStatus {
  p.loaded = false;
  srcAddr = addr;
  srcLen = size;
  readFault = false;
  let st = loadHeader(p, size);
  if (st === PolicyStatus.Ok) st = loadTables(p);
  if (st === PolicyStatus.Ok) st = loadLabels(p);
  if (st === PolicyStatus.Ok && readFault) st = PolicyStatus.Truncated;
  if (st !== PolicyStatus.Ok) return st;
  p.running.fill(0);
  p.pending.fill(0);
  p.pendingTotal = 0;
  p.loaded = true;
  return PolicyStatus.Ok;
}

// ---------------------------------------------------------------------------------------------
// Loading and reloading.

/**
 * Load the policy at [addr, addr + size) as the active policy, at boot (no partition running).
 * Validates everything first; on any status but Ok the active policy is unchanged.
 */
export function loadPolicy(addr: u64, size: number): PolicyStatus {
  const st = loadInto(staging, addr, size);
  if (st !== PolicyStatus.Ok) return st;
  install();
  return PolicyStatus.Ok;
}

/** Step 1 of a reload: validate and build the policy at [addr, addr + size) into staging. */
export function stagePolicy(addr: u64, size: number): PolicyStatus {
  stagedOk = false;
  return loadInto(staging, addr, size);
}

/**
 * Step 2 of a reload: replay the running partitions (`running[0..count)`, active ssidrefs, one
 * entry per running partition) against the staged policy, writing each one's ssidref in the new
 * policy to `mapped[i]`. Ok, or ReplayUnknownLabel / ReplayConflict / Busy / NotStaged, with
 * reloadFailure() and reloadMessage() saying which partition and why. Changes only staging.
 */
export function replay(running: Uint16Array, count: number, mapped: Uint16Array): PolicyStatus {
  stagedOk = false;
  if (!staging.loaded) return fail(PolicyStatus.NotStaged, 0);
  if (active.pendingTotal !== 0) return fail(PolicyStatus.Busy, 0);
  for (let i = 0; i < count; i++) {
    const s = running[i];
    const n = s >= 1 && s <= active.labelCount ? findLabel(staging, active, active.labelName[s]) : 0;
    if (n === 0) return fail(PolicyStatus.ReplayUnknownLabel, i);
    mapped[i] = n;
    if (cwCheck(staging, n) !== 0) return fail(PolicyStatus.ReplayConflict, i);
    cwReserve(staging, n);
    cwMove(staging, n);
  }
  stagedOk = true;
  return PolicyStatus.Ok;
}

/** Step 3 of a reload: install the replayed staging policy. NotStaged if replay did not succeed. */
export function swapPolicy(): PolicyStatus {
  if (!stagedOk) return PolicyStatus.NotStaged;
  install();
  return PolicyStatus.Ok;
}

/** stagePolicy + replay + swapPolicy: the whole reload, all or nothing. */
export function reloadPolicy(addr: u64, size: number, running: Uint16Array, count: number,
                             mapped: Uint16Array): PolicyStatus {
  const st = stagePolicy(addr, size);
  if (st !== PolicyStatus.Ok) return fail(st, 0);
  const rp = replay(running, count, mapped);
  if (rp !== PolicyStatus.Ok) return rp;
  return swapPolicy();
}

/** The index (in the caller's running list) of the partition that made the last reload fail. */
export function reloadFailure(): number {
  return reloadFailIndex;
}

/** The policy generation: changes whenever a policy is installed (decision caches flush). */
export function policyGeneration(): number {
  return generation;
}

/** Is a policy active? */
export function policyLoaded(): boolean {
  return active.loaded;
}

function fail(st: PolicyStatus, index: number): PolicyStatus {
  conflictInStaging = st === PolicyStatus.ReplayConflict;
  reloadFailIndex = index;
  return st;
}

function install(): void {
  conflictInStaging = false;
  const old = active;
  active = staging;
  staging = old;
  staging.loaded = false;
  stagedOk = false;
  generation++;
}

// ---------------------------------------------------------------------------------------------
// Decisions.

/**
 * The decision on (subject, object, op): bit 0 allow, bits 1.. the deciding rule. The subject
 * CONFIGURATION is the boot configuration (configurationDecision). Other unknown subjects (0,
 * beyond the labels, or a resource label) are denied by R_UNKNOWN_SUBJECT; an operation outside
 * Op by R_UNKNOWN_OP; an unknown object of an operation that has one by R_UNKNOWN_OBJECT. Hcall
 * classes, ReloadPolicy and ReadAudit ignore the object. StartPartition with NO_OBJECT is the
 * Chinese Wall question of the subject's own start (wallDecision): the one answer that depends on
 * the running types, not only on the policy. Deterministic; changes nothing but the details
 * cwConflictMessage() reports.
 */
export function evaluate(subject: number, object: number, op: number): number {
  const p = active;
  if (subject === CONFIGURATION && p.loaded) return configurationDecision(p, object, op);
  if (!isPartition(p, subject)) return decision(false, R_UNKNOWN_SUBJECT);
  if (op < 0 || op >= OP_COUNT) return decision(false, R_UNKNOWN_OP);
  if (op < MGMT_OPS) {
    if (op === Op.StartPartition && object === NO_OBJECT) return wallDecision(p, subject);
    if (onLabel(op) && !isPartition(p, object)) return decision(false, R_UNKNOWN_OBJECT);
    return p.opDecision[subject * MGMT_OPS + op];
  }
  if (object === NO_OBJECT || object > p.labelCount || object < 0) return decision(false, R_UNKNOWN_OBJECT);
  const first = check(p, p.primary, subject, object, op);
  if (first >= 0 && (first & 1) === 0) return first;
  const second = check(p, p.secondary, subject, object, op);
  if (second >= 0 && (second & 1) === 0) return second;
  if (first >= 0) return first;
  if (second >= 0) return second;
  return decision(true, R_DEFAULT);
}

/** Create, start and destroy: the management operations on a partition label. */
function onLabel(op: number): boolean {
  return op === Op.CreatePartition || op === Op.StartPartition || op === Op.DestroyPartition;
}

/**
 * The boot configuration's decision: it may create, start and destroy the partition labels its
 * policy's `configuration launches` statement names (every partition label without one, by
 * R_DEFAULT). It holds no other management operation (R_NO_ROLE), makes no hcalls and shares
 * nothing (R_UNKNOWN_SUBJECT: it is not a partition label).
 */
function configurationDecision(p: Policy, o: number, op: number): number {
  if (op < 0 || op >= OP_COUNT) return decision(false, R_UNKNOWN_OP);
  if (onLabel(op)) return isPartition(p, o) ? p.launchDecision[o] : decision(false, R_UNKNOWN_OBJECT);
  if (op === Op.ReloadPolicy || op === Op.ReadAudit) return decision(false, R_NO_ROLE);
  return decision(false, R_UNKNOWN_SUBJECT);
}

/**
 * The Chinese Wall on partition label `s` starting now: allowed by R_DEFAULT unless a type of
 * `s` conflicts with a type that counts (running or reserved), then the conflict set's denial
 * (cwConflictMessage() says which types).
 */
function wallDecision(p: Policy, s: number): number {
  const d = cwCheck(p, s);
  if (d === 0) return decision(true, R_DEFAULT);
  conflictInStaging = false;
  return d;
}

function isPartition(p: Policy, s: number): boolean {
  return p.loaded && s >= 1 && s <= p.labelCount && p.labelKind[s] === LabelKind.Partition;
}

/** One policy's verdict on a mediated operation, or -1 if that policy does not mediate it. */
function check(p: Policy, kind: number, s: number, o: number, op: number): number {
  if (kind === PolicyKind.Ste) {
    const common = p.labelTypes[s] & p.labelTypes[o];
    if (common === 0n) return decision(false, R_STE_NO_COMMON_TYPE);
    return decision(true, p.typeRule[ctz64(common)]);
  }
  if (kind === PolicyKind.Blp) {
    const ls = p.labelLevel[s];
    const lo = p.labelLevel[o];
    if (op === Op.ReadShared || op === Op.OpenChannel) {
      return ls >= lo ? decision(true, R_BLP_READ) : decision(false, R_BLP_NO_READ_UP);
    }
    if (op === Op.SendFrame || op === Op.ShareMemory) {
      return ls <= lo ? decision(true, R_BLP_WRITE) : decision(false, R_BLP_NO_WRITE_DOWN);
    }
    return decision(true, R_BLP_NO_FLOW);
  }
  return -1;
}

// ---------------------------------------------------------------------------------------------
// Chinese Wall transactions.

/** 0 if label `s` may start in `p` now, else the decision naming the conflict set's rule. */
function cwCheck(p: Policy, s: number): number {
  if (!isPartition(p, s)) return decision(false, R_UNKNOWN_SUBJECT);
  const mine = p.labelTypes[s];
  for (let c = 0; c < p.conflictCount; c++) {
    const touched = p.conflictTypes[c] & mine;
    if (touched === 0n) continue;
    const others = p.conflictTypes[c] & not64(mine);
    for (let t = 0; t < p.typeCount; t++) {
      if (!hasType(others, t)) continue;
      if (p.running[t] + p.pending[t] === 0) continue;
      p.cwSet = c;
      p.cwType = ctz64(touched);
      p.cwRunning = t;
      return decision(false, p.conflictRule[c]);
    }
  }
  return 0;
}

function cwReserve(p: Policy, s: number): void {
  for (let t = 0; t < p.typeCount; t++) {
    if (hasType(p.labelTypes[s], t)) p.pending[t]++;
  }
  p.pendingTotal++;
}

/** Pending to running (commit) for the types of `s`. */
function cwMove(p: Policy, s: number): void {
  for (let t = 0; t < p.typeCount; t++) {
    if (hasType(p.labelTypes[s], t) && p.pending[t] > 0) {
      p.pending[t]--;
      p.running[t]++;
    }
  }
  if (p.pendingTotal > 0) p.pendingTotal--;
}

/**
 * Chinese Wall prepare, before a partition labelled `ssidref` is created or started: 0 if it
 * may (its types are then reserved until cwCommit or cwAbort), else a deny decision naming the
 * conflict set's rule (cwConflictMessage() says which types). An unknown label: R_UNKNOWN_SUBJECT.
 */
export function cwPrepare(ssidref: number): number {
  const d = cwCheck(active, ssidref);
  if (d === 0) cwReserve(active, ssidref);
  else conflictInStaging = false;
  return d;
}

/** The prepared partition labelled `ssidref` runs now: its types count as running. */
export function cwCommit(ssidref: number): void {
  if (isPartition(active, ssidref)) cwMove(active, ssidref);
}

/** The prepared start of `ssidref` did not happen: drop its reservation. */
export function cwAbort(ssidref: number): void {
  const p = active;
  if (!isPartition(p, ssidref)) return;
  for (let t = 0; t < p.typeCount; t++) {
    if (hasType(p.labelTypes[ssidref], t) && p.pending[t] > 0) p.pending[t]--;
  }
  if (p.pendingTotal > 0) p.pendingTotal--;
}

/** A partition labelled `ssidref` halted or was destroyed: its types stop counting. */
export function cwRelease(ssidref: number): void {
  const p = active;
  if (!isPartition(p, ssidref)) return;
  for (let t = 0; t < p.typeCount; t++) {
    if (hasType(p.labelTypes[ssidref], t) && p.running[t] > 0) p.running[t]--;
  }
}

/**
 * The Chinese Wall question again for label `ssidref`, reserving nothing: 0 if it may start now,
 * else the conflict's deny decision, and cwConflictMessage() then describes it. For explaining a
 * denial that came from a decision cache (whose details the engine did not just compute).
 */
export function cwExplain(ssidref: number): number {
  const d = cwCheck(active, ssidref);
  if (d !== 0) conflictInStaging = false;
  return d;
}

/**
 * The types that count for the Chinese Wall now: those of a conflict set that are running or
 * reserved, bit t for type index t. The whole state the wall's decisions depend on (a type in no
 * conflict set never decides anything): when it changes, cached wall answers are stale.
 */
export function cwCountingTypes(): u64 {
  const p = active;
  let walled: u64 = 0n;
  for (let c = 0; c < p.conflictCount; c++) walled = walled | p.conflictTypes[c];
  let m: u64 = 0n;
  for (let t = 0; t < p.typeCount; t++) {
    if (hasType(walled, t) && p.running[t] + p.pending[t] > 0) m = m | BigInt.asUintN(64, 1n << BigInt(t));
  }
  return m;
}

/** Running partitions that have type index `t` (for tests and the console summary). */
export function cwRunningCount(t: number): number {
  return t >= 0 && t < active.typeCount ? active.running[t] : 0;
}

/** The last Chinese Wall refusal: the refused label's type index. */
export function cwConflictType(): number {
  return active.cwType;
}

/** The last Chinese Wall refusal: the running type index it conflicts with. */
export function cwRunningType(): number {
  return active.cwRunning;
}

/**
 * Write "TYPE conflicts with running TYPE (conflict set NAME)" for the last Chinese Wall refusal
 * (of cwPrepare, or of the last failed replay) into `out`; returns the length (truncated to fit).
 */
export function cwConflictMessage(out: Uint8Array): number {
  const p = conflictInStaging && staging.loaded ? staging : active;
  let n = putPool(p, p.typeName[p.cwType], out, 0);
  n = putText(' conflicts with running ', out, n);
  n = putPool(p, p.typeName[p.cwRunning], out, n);
  n = putText(' (conflict set ', out, n);
  n = putPool(p, p.conflictName[p.cwSet], out, n);
  return putText(')', out, n);
}

// ---------------------------------------------------------------------------------------------
// Names and rule descriptions (strings of the binary are copied out as bytes).

/** The ssidref of the label called `name` in the active policy, or 0. */
export function labelByName(name: string): number {
  const p = active;
  if (!p.loaded) return 0;
  for (let s = 1; s <= p.labelCount; s++) {
    const ref = p.labelName[s];
    const len = p.pool[ref];
    if (len !== name.length) continue;
    let same = true;
    for (let i = 0; i < len && same; i++) same = p.pool[ref + 1 + i] === name.charCodeAt(i);
    if (same) return s;
  }
  return 0;
}

/**
 * Copy the name of label `ssidref` into `out` ("configuration" for the built-in subject
 * CONFIGURATION); returns its length (0 if unknown).
 */
export function nameBytes(ssidref: number, out: Uint8Array): number {
  const p = active;
  if (ssidref === CONFIGURATION) return putText('configuration', out, 0);
  if (!p.loaded || ssidref < 1 || ssidref > p.labelCount) return 0;
  return putPool(p, p.labelName[ssidref], out, 0);
}

/** Copy the name of type index `t` into `out`; returns its length (0 if unknown). */
export function typeNameBytes(t: number, out: Uint8Array): number {
  const p = active;
  if (!p.loaded || t < 0 || t >= p.typeCount) return 0;
  return putPool(p, p.typeName[t], out, 0);
}

/** Copy the active policy's name into `out`; returns its length. */
export function policyNameBytes(out: Uint8Array): number {
  return active.loaded ? putPool(active, active.nameRef, out, 0) : 0;
}

/** Copy the description of rule `rule` into `out`; returns its length (0 if unknown). */
export function ruleDescriptionBytes(rule: number, out: Uint8Array): number {
  const p = active;
  if (!p.loaded || rule < 0 || rule >= p.ruleCount) return 0;
  return putPool(p, p.ruleDesc[rule], out, 0);
}

/** The policy source line of rule `rule` (0: built in or unknown). */
export function ruleLine(rule: number): number {
  const p = active;
  return p.loaded && rule >= 0 && rule < p.ruleCount ? p.ruleLine[rule] : 0;
}

/** Number of labels (ssidrefs are 1..labelCount()) of the active policy. */
export function labelCount(): number {
  return active.loaded ? active.labelCount : 0;
}

/** Is ssidref `s` a partition label (not a resource) of the active policy? */
export function isPartitionLabel(s: number): boolean {
  return isPartition(active, s);
}

/** Append pool string `ref` of `p` to out[at..]; returns the new length. */
function putPool(p: Policy, ref: number, out: Uint8Array, at: number): number {
  const len = p.pool[ref];
  let n = at;
  for (let i = 0; i < len && n < out.length; i++) {
    out[n] = p.pool[ref + 1 + i];
    n++;
  }
  return n;
}

function putText(s: string, out: Uint8Array, at: number): number {
  let n = at;
  for (let i = 0; i < s.length && n < out.length; i++) {
    out[n] = s.charCodeAt(i);
    n++;
  }
  return n;
}

/** Label `ref` of `a` named like pool string `ref` of `b`: its ssidref in `a`, or 0. */
function findLabel(a: Policy, b: Policy, ref: number): number {
  for (let s = 1; s <= a.labelCount; s++) {
    if (stringsEqual(a, a.labelName[s], b, ref)) return s;
  }
  return 0;
}

function stringsEqual(a: Policy, ra: number, b: Policy, rb: number): boolean {
  const len = a.pool[ra];
  if (len !== b.pool[rb]) return false;
  for (let i = 1; i <= len; i++) {
    if (a.pool[ra + i] !== b.pool[rb + i]) return false;
  }
  return true;
}
