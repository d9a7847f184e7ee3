/**
 * sHype in the hypervisor: the policy built into the image, partition labels, the gate's
 * decisions, the launch of the configured partitions (the configuration's management decisions
 * and the Chinese Wall) and the shutdown summary. Every decision goes through shype/decide.ts
 * (cache, policy, audit, counters); this module only says who is asking for what, and prints.
 *
 * Without a policy in the image (a configuration with `policy = ''`) sHype is off: every hcall
 * class is allowed, the configuration launches its partitions, partitions are not labelled, and
 * management hcalls are refused (they need a policy granting them).
 */
import { load64, type u64 } from 'tsnc';
import { consoleWrite } from '@platform';
import { allowsHcall, decide, decideFlow } from './decide';
import { CONFIGURATION, NO_OBJECT, Op, allows, ruleOf } from './ops';
import {
  PolicyStatus, cwConflictMessage, cwExplain, labelByName, labelCount, loadPolicy,
  policyNameBytes, policyStatusText, nameBytes, ruleDescriptionBytes, ruleLine, reloadPolicy, reloadFailure,
} from './policy';
import { count as auditCount, lost as auditLost, opOf, subjectOf, objectOf, decisionOf } from './audit';
import { forgetWho, invalidateAll, invalidateSubject, totalHits, totalMisses } from './cache';
import { wallAbort, wallCommit, wallPrepare, wallRelease } from './wall';
import { MAX_PARTITIONS } from '../lpar/config';
import { Partition, partitions } from '../lpar/partition';
import { writeDecimal, writeLine, writeString } from '../lpar/console';

/** The policy's descriptor { address, size } (scripts/gen-blob.ts; size 0: no policy). */
declare function policyBlob(): u64;

let active = false;
const text = new Uint8Array(160);

/** True when a policy is loaded and decides. */
export function securityActive(): boolean {
  return active;
}

/** Print bytes produced by one of the policy's name functions. */
function writeBytes(n: number): void {
  if (n > 0) consoleWrite(text, n);
}

/**
 * Load the image's policy: afterwards sHype is on with it, or off when the image has none.
 * False (with a PANIC line, sHype off) when it is invalid.
 */
export function initSecurity(): boolean {
  const d = policyBlob();
  const addr = load64(d), size = load64(BigInt.asUintN(64, d + 8n));
  active = false;
  invalidateAll();
  if (size === 0n) {
    writeLine('[hv] sHype: no policy in this image, every hcall class is allowed');
    return true;
  }
  const st = loadPolicy(addr, Number(size));
  if (st !== PolicyStatus.Ok) {
    writeString('[hv] PANIC: the sHype policy in the image is invalid, status ');
    writeDecimal(st);
    writeString(': ');
    writeLine(policyStatusText(st));
    return false;
  }
  active = true;
  writeString("[hv] sHype: policy '");
  writeBytes(policyNameBytes(text));
  writeString("', ");
  writeDecimal(labelCount());
  writeLine(' labels');
  return true;
}

/** The ssidref of a partition label name, 0 if the policy has no such label (always 0 when off). */
export function labelOf(name: string): number {
  return active ? labelByName(name) : 0;
}

/**
 * The gate's decision for partition `p` making an hcall of class `hclass` (an Op 0..5): true to
 * allow. The hot path of every hcall: a cached allow costs a lookup and nothing else (no
 * timebase read; decide() reads it only for an audit record).
 */
export function admitHcall(p: Partition, hclass: number): boolean {
  if (!active) return true;
  return allowsHcall(p.lpid - 1, p.ssidref, hclass);
}

/** The decision for partition `p` doing management operation `op` on `object` (NO_OBJECT or an ssidref). */
export function admitOperation(p: Partition, op: Op, object: number): boolean {
  if (!active) return false;   // management operations need a policy granting them
  return allows(decide(p.lpid - 1, p.ssidref, object, op));
}

/**
 * Mediated sharing: may partition `p` do `op` (OpenChannel, SendFrame, ReadShared, ShareMemory,
 * BindVtpm) to the object with label `object` (a partition's or a resource's ssidref)? Without
 * a policy the configuration's wiring is the only rule: true. A denial is audited by decide().
 */
export function admitSharing(p: Partition, op: Op, object: number): boolean {
  if (!active) return true;
  return allows(decide(p.lpid - 1, p.ssidref, object, op));
}

/**
 * admitSharing for a question asked per frame: a denial is audited only when `audit` is true
 * (shype/decide.ts decideFlow; the caller rate-limits the records and counts every denial).
 */
export function admitFlow(p: Partition, op: Op, object: number, audit: boolean): boolean {
  if (!active) return true;
  return allows(decideFlow(p.lpid - 1, p.ssidref, object, op, audit));
}

/** Print "[hv] partition 'NAME' WHAT, rule R (line L: DESCRIPTION)" for a denial `d`. */
function sayRefused(name: string, what: string, d: number): void {
  writeString("[hv] partition '");
  writeString(name);
  writeString("' ");
  writeString(what);
  writeString(', ');
  writeRuleLine(d);
}

/** Print "rule R (line L: DESCRIPTION)" and the line end, for the rule that made decision `d`. */
function writeRuleLine(d: number): void {
  writeString('rule ');
  writeDecimal(ruleOf(d));
  writeString(' (line ');
  writeDecimal(ruleLine(ruleOf(d)));
  writeString(': ');
  writeBytes(ruleDescriptionBytes(ruleOf(d), text));
  writeLine(')');
}

/**
 * May the boot configuration do `op` (Create/Start/DestroyPartition) on the partition in slot `p`
 * with label `ssidref`, called `name`? Decided with the built-in subject CONFIGURATION; a refusal
 * prints `what` (e.g. "refused: the configuration may not create it") with the rule.
 */
function configurationMay(p: Partition, name: string, ssidref: number, op: Op, what: string): boolean {
  const d = decide(p.lpid - 1, CONFIGURATION, ssidref, op);
  if (allows(d)) return true;
  sayRefused(name, what, d);
  return false;
}

/**
 * The Chinese Wall on starting a partition with label `ssidref` in slot `p`, called `name`:
 * decided as the label's own start (shype/wall.ts), and on an allow its types are reserved. A
 * refusal prints the conflicting types, recomputed by the engine, so that a denial answered from
 * the decision cache explains itself like a fresh one.
 */
function wallAdmits(p: Partition, name: string, ssidref: number): boolean {
  let d = decide(p.lpid - 1, ssidref, NO_OBJECT, Op.StartPartition);
  if (allows(d)) {
    d = wallPrepare(ssidref);   // 0 unless the wall changed since the decision, which it cannot here
    if (d === 0) return true;
  }
  if (cwExplain(ssidref) === 0) {
    sayRefused(name, 'refused', d);
    return false;
  }
  writeString("[hv] partition '");
  writeString(name);
  writeString("' refused by the Chinese Wall: ");
  writeBytes(cwConflictMessage(text));
  writeString(', rule ');
  writeDecimal(ruleOf(d));
  writeLine('');
  return false;
}

/**
 * Admission of the configured partition `name` with label `ssidref` into slot `p`, before anything
 * is created: the configuration must be allowed to create it and to start it, and the Chinese
 * Wall must let its types run. True: its types are reserved, and the caller ends the launch with
 * commitLaunch (it started) or abortLaunch (it did not). False: refused with a console line, an
 * audit record, and nothing reserved. Without a policy: always true.
 */
export function admitLaunch(p: Partition, name: string, ssidref: number): boolean {
  if (!active) return true;
  return configurationMay(p, name, ssidref, Op.CreatePartition, 'refused: the configuration may not create it') &&
    configurationMay(p, name, ssidref, Op.StartPartition, 'refused: the configuration may not start it') &&
    wallAdmits(p, name, ssidref);
}

/**
 * A run-time management operation (hv/manage.ts): may the label `subject` (a partition's, or the
 * operator's) do `op` on `object` (a partition's label, or NO_OBJECT)? `who` is the slot the
 * decision is counted and audited for. Without a policy: false (management needs a policy).
 */
export function admitManagement(who: number, subject: number, op: Op, object: number): boolean {
  if (!active) return false;
  return allows(decide(who, subject, object, op));
}

/**
 * The Chinese Wall on a run-time start of partition `p` (created, with its label): true with
 * its types reserved (end with commitLaunch or abortLaunch); false with a console line that
 * names the conflict and an audit record. Without a policy: true.
 */
export function admitStart(p: Partition): boolean {
  if (!active) return true;
  return wallAdmits(p, p.name, p.ssidref);
}

/**
 * The admitted partition `p` runs now: its label's types count as running until
 * releasePartition (once, however often that is called).
 */
export function commitLaunch(p: Partition): void {
  if (!active) return;
  wallCommit(p.ssidref);
  p.typesHeld = true;
}

/** The admitted partition with label `ssidref` did not start after all: drop its reservation. */
export function abortLaunch(ssidref: number): void {
  if (active) wallAbort(ssidref);
}

/**
 * May the configuration destroy partition `p` (a launch that failed half way)? Decided as
 * DestroyPartition on its label with the configuration as the subject; a refusal prints a line
 * and the slot must stay as it is. Without a policy: always true.
 */
export function admitDestroy(p: Partition): boolean {
  if (!active) return true;
  return configurationMay(p, p.name, p.ssidref, Op.DestroyPartition, 'not destroyed: the configuration may not destroy it');
}

/** Partition `p`'s slot is emptied: no cached decision about its label may outlive it. */
export function forgetPartition(p: Partition): void {
  if (active && p.ssidref !== 0) invalidateSubject(p.ssidref);
}

/** A run-time destroy emptied `p`'s slot: its decision counters start again for the next tenant. */
export function forgetCounters(p: Partition): void {
  forgetWho(p.lpid - 1);
}

const running = new Uint16Array(MAX_PARTITIONS);
const mapped = new Uint16Array(MAX_PARTITIONS);
const runningSlot = new Int32Array(MAX_PARTITIONS);

/**
 * Replace the policy with the binary at real address `addr` (`size` bytes): build it, replay the
 * running partitions' labels against it, then swap — or refuse and change nothing. On success
 * the running partitions get their labels' new ssidrefs and the decision cache is emptied.
 * Returns the PolicyStatus (Ok on success); prints the outcome.
 */
export function replacePolicy(by: Partition, addr: u64, size: number): PolicyStatus {
  let n = 0;
  for (let i = 0; i < partitions.length; i++) {
    if (partitions[i].runnable()) { running[n] = partitions[i].ssidref; runningSlot[n] = i; n++; }
  }
  const st = reloadPolicy(addr, size, running, n, mapped);
  writeString("[hv] sHype: policy reload by '");
  writeString(by.name);
  if (st !== PolicyStatus.Ok) {
    writeString("' refused, status ");
    writeDecimal(st);
    writeString(' (');
    writeString(policyStatusText(st));
    writeString(')');
    if (st === PolicyStatus.ReplayConflict || st === PolicyStatus.ReplayUnknownLabel) {
      writeString(" (running partition '");
      writeString(partitions[runningSlot[reloadFailure()]].name);
      writeString("')");
    }
    writeLine('; the active policy is unchanged');
    return st;
  }
  for (let i = 0; i < n; i++) partitions[runningSlot[i]].ssidref = mapped[i];
  invalidateAll();
  writeString("': now '");
  writeBytes(policyNameBytes(text));
  writeLine("'");
  return st;
}

/** Partition `p` stopped (halted or crashed): its types no longer count as running. */
export function releasePartition(p: Partition): void {
  if (!p.typesHeld) return;
  p.typesHeld = false;
  if (active && p.ssidref !== 0) wallRelease(p.ssidref);
}

/** The shutdown summary: decisions, cache hit rate, and the audit log. */
export function securitySummary(): void {
  if (!active) return;
  const hits = totalHits(), misses = totalMisses();
  writeString('[hv] sHype: ');
  writeDecimal(hits + misses);
  writeString(' decisions, ');
  writeDecimal(hits);
  writeString(' cache hits, ');
  writeDecimal(misses);
  writeString(' misses; audit log ');
  writeDecimal(auditCount());
  writeString(' records');
  if (auditLost() > 0) { writeString(', '); writeDecimal(auditLost()); writeString(' lost'); }
  writeLine('');
  for (let i = 0; i < auditCount() && i < 8; i++) auditLine(i);
}

/**
 * The operator's `audit` command (hv/operator.ts): the audit log's count and lost records, then
 * its oldest `max` records, one line each.
 */
export function writeAuditLog(max: number): void {
  writeString('[hv] audit log: ');
  writeDecimal(auditCount());
  writeString(' records, ');
  writeDecimal(auditLost());
  writeLine(' lost');
  for (let i = 0; i < auditCount() && i < max; i++) auditLine(i);
}

/** The operator's `policy` command: `[hv] policy 'NAME', N labels` or that there is none. */
export function writePolicyLine(): void {
  if (!active) {
    writeLine('[hv] no policy: sHype is off, and management commands are refused');
    return;
  }
  writeString("[hv] policy '");
  writeBytes(policyNameBytes(text));
  writeString("', ");
  writeDecimal(labelCount());
  writeLine(' labels');
}

/**
 * Print audit record i: "[hv]   audit: SUBJECT op N[ on OBJECT] denied by rule R (line L: DESCRIPTION)",
 * the subject "configuration" for the boot configuration's decisions.
 */
function auditLine(i: number): void {
  const d = decisionOf(i);
  writeString('[hv]   audit: ');
  writeBytes(nameBytes(subjectOf(i), text));
  writeString(' op ');
  writeDecimal(opOf(i));
  if (objectOf(i) !== NO_OBJECT) {
    writeString(' on ');
    writeBytes(nameBytes(objectOf(i), text));
  }
  writeString(allows(d) ? ' allowed by ' : ' denied by ');
  writeRuleLine(d);
}
