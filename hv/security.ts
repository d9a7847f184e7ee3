/**
 * sHype in the hypervisor: the policy built into the image, partition labels, the gate's
 * decisions, Chinese Wall admission of partitions and the shutdown summary. Every decision
 * about an hcall goes through shype/decide.ts (cache, policy, audit); this module only says
 * who is asking for what.
 *
 * Without a policy in the image (a configuration with `policy = ''`) sHype is off: every hcall
 * class is allowed and partitions are not labelled.
 */
import { load64, mftb, type u64 } from 'tsnc';
import { consoleWrite } from '@platform';
import { decide } from '../shype/decide';
import { NO_OBJECT, Op, allows, ruleOf, decision } from '../shype/ops';
import {
  PolicyStatus, cwCommit, cwConflictMessage, cwPrepare, cwRelease, labelByName, labelCount, loadPolicy,
  policyNameBytes, nameBytes, ruleDescriptionBytes, ruleLine, reloadPolicy, reloadFailure,
} from '../shype/policy';
import { count as auditCount, lost as auditLost, opOf, subjectOf, decisionOf, record } from '../shype/audit';
import { invalidateAll, invalidateSubject, totalHits, totalMisses } from '../shype/cache';
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

/** Load the image's policy. False (with a PANIC line) when it is invalid. */
export function initSecurity(): boolean {
  const d = policyBlob();
  const addr = load64(d), size = load64(BigInt.asUintN(64, d + 8n));
  if (size === 0n) {
    writeLine('[hv] sHype: no policy in this image, every hcall class is allowed');
    return true;
  }
  const st = loadPolicy(addr, Number(size));
  if (st !== PolicyStatus.Ok) {
    writeString('[hv] PANIC: the sHype policy in the image is invalid, status ');
    writeDecimal(st);
    writeLine('');
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

/** The gate's decision for partition `p` making an hcall of class `hclass` (an Op 0..5). */
export function admitHcall(p: Partition, hclass: number): boolean {
  if (!active) return true;
  return allows(decide(p.lpid - 1, p.ssidref, NO_OBJECT, hclass, mftb()));
}

/** The decision for partition `p` doing management operation `op` on `object` (NO_OBJECT or an ssidref). */
export function admitOperation(p: Partition, op: Op, object: number): boolean {
  if (!active) return false;   // management operations need a policy granting them
  return allows(decide(p.lpid - 1, p.ssidref, object, op, mftb()));
}

/**
 * Chinese Wall admission of partition `p` about to start: true (and its types now count as
 * running) or false, with a console line naming the conflicting types and an audit record.
 */
export function admitStart(p: Partition): boolean {
  if (!active) return true;
  const refused = cwPrepare(p.ssidref);
  if (refused === 0) {
    cwCommit(p.ssidref);
    return true;
  }
  record(mftb(), p.lpid - 1, p.ssidref, p.ssidref, Op.StartPartition, decision(false, ruleOf(refused)));
  writeString("[hv] partition '");
  writeString(p.name);
  writeString("' refused by the Chinese Wall: ");
  writeBytes(cwConflictMessage(text));
  writeString(', rule ');
  writeDecimal(ruleOf(refused));
  writeLine('');
  return false;
}

/** Partition `p`'s slot is emptied: no cached decision about its label may outlive it. */
export function forgetPartition(p: Partition): void {
  if (active && p.ssidref !== 0) invalidateSubject(p.ssidref);
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
  if (active && p.ssidref !== 0) cwRelease(p.ssidref);
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

function auditLine(i: number): void {
  const d = decisionOf(i);
  writeString('[hv]   audit: ');
  writeBytes(nameBytes(subjectOf(i), text));
  writeString(' op ');
  writeDecimal(opOf(i));
  writeString(allows(d) ? ' allowed by rule ' : ' denied by rule ');
  writeDecimal(ruleOf(d));
  writeString(' (line ');
  writeDecimal(ruleLine(ruleOf(d)));
  writeString(': ');
  writeBytes(ruleDescriptionBytes(ruleOf(d), text));
  writeLine(')');
}
