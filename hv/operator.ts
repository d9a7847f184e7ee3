/**
 * The operator's console: when the console focus is on the hypervisor (hv/focus.ts), typed
 * lines are management commands, run for the operator, who holds the label the configuration
 * names (SystemConfig.operatorLabel); each is decided by the policy as that label's
 * (hv/manage.ts). A line is echoed as `[hv] > LINE` when Enter is pressed, then answered:
 *
 *   help                          the commands
 *   list                          every partition: number, name, state, memory, vCPUs, entitlement
 *   start NAME                    start a created partition
 *   stop NAME [MS]                ask it to power off; stopped after MS ms (default 5000)
 *   destroy NAME                  stop it at once and give back all it holds
 *   restart NAME                  reboot a running one; load and start a stopped one again
 *   create NAME IMAGE MEM [VCPUS] create definition NAME from catalog image IMAGE ('-': its own)
 *                                 with MEM MiB and VCPUS vCPUs, not started
 *   entitle NAME PERCENT [capped | uncapped WEIGHT]   change its entitlement (and mode)
 *   stats                         accounting per partition, memory and page pool
 *   audit                         the audit log
 *   policy                        the active policy
 */
import { poolFree } from '../arch/ppc64/common/pages';
import { MAX_PARTITIONS } from '../lpar/config';
import { writeByte, writeDecimal, writeLine, writeString } from '../lpar/console';
import { LparState, partitions } from '../lpar/partition';
import { writePartitionStats } from './accounting';
import { regionsFreeMiB, regionsTotalMiB } from '../lpar/regions';
import { labelOf, writeAuditLog, writePolicyLine } from '../shype/security';
import {
  EntitlementMode, ManageStatus, createdAtRunTime, managedConfiguration, destroyedAtRunTime, imageByName, manageCreate, manageDestroy, manageList, manageQuery,
  manageRestart, manageSetEntitlement, manageStart, manageStatusText, manageStop, QUERY_WORDS, slotByName,
} from './manage';

/** Longest command line. */
const LINE_MAX = 80;
/** Most words a command has. */
const WORDS_MAX = 6;
/** Audit records the `audit` command prints at most. */
const AUDIT_LINES = 16;

const line = new Uint8Array(LINE_MAX);
let length = 0;
/** The line overflowed: it is refused at Enter. */
let overflow = false;
const wordStart = new Int32Array(WORDS_MAX);
const wordLength = new Int32Array(WORDS_MAX);
let words = 0;
const answer = new BigUint64Array(QUERY_WORDS);
const word = new Uint8Array(LINE_MAX);

/** Commands run since boot (for the tests). */
export let operatorCommands = 0;

/** One byte typed while the hypervisor has the focus. */
export function operatorByte(b: number): void {
  if (b === 0x0d || b === 0x0a) {
    if (length > 0 || overflow) runLine();
    length = 0;
    overflow = false;
    return;
  }
  if (b === 0x7f || b === 0x08) {
    if (length > 0) length--;
    return;
  }
  if (b < 0x20 || b > 0x7e) return;
  if (length < LINE_MAX) line[length++] = b;
  else overflow = true;
}

/** Echo and run the line typed. */
function runLine(): void {
  writeString('[hv] > ');
  for (let i = 0; i < length; i++) writeByte(line[i]);
  writeLine('');
  if (overflow) {
    writeString('[hv] line longer than ');
    writeDecimal(LINE_MAX);
    writeLine(' characters: ignored');
    return;
  }
  split();
  if (words === 0) return;
  operatorCommands++;
  if (is(0, 'help')) help();
  else if (is(0, 'list')) list();
  else if (is(0, 'stats')) stats();
  else if (is(0, 'audit')) writeAuditLog(AUDIT_LINES);
  else if (is(0, 'policy')) policy();
  else if (is(0, 'start') || is(0, 'destroy') || is(0, 'restart')) onePartition();
  else if (is(0, 'stop')) stop();
  else if (is(0, 'create')) create();
  else if (is(0, 'entitle')) entitle();
  else {
    writeString("[hv] unknown command '");
    writeWord(0);
    writeLine("' (help lists the commands)");
  }
}

/** Split the line at blanks into words (more than WORDS_MAX: the extra ones are counted, not kept). */
function split(): void {
  words = 0;
  let i = 0;
  while (i < length) {
    while (i < length && line[i] === 0x20) i++;
    if (i >= length) break;
    const start = i;
    while (i < length && line[i] !== 0x20) i++;
    if (words < WORDS_MAX) { wordStart[words] = start; wordLength[words] = i - start; }
    words++;
  }
}

/** Whether word k is `s`. */
function is(k: number, s: string): boolean {
  if (k >= words || k >= WORDS_MAX || wordLength[k] !== s.length) return false;
  for (let j = 0; j < s.length; j++) if (line[wordStart[k] + j] !== s.charCodeAt(j)) return false;
  return true;
}

function writeWord(k: number): void {
  for (let j = 0; j < wordLength[k]; j++) writeByte(line[wordStart[k] + j]);
}

/** Word k as a decimal number (at most 9 digits), or -1. */
function numberWord(k: number): number {
  if (k >= words || wordLength[k] < 1 || wordLength[k] > 9) return -1;
  let n = 0;
  for (let j = 0; j < wordLength[k]; j++) {
    const c = line[wordStart[k] + j];
    if (c < 0x30 || c > 0x39) return -1;
    n = n * 10 + (c - 0x30);
  }
  return n;
}

/** The slot named by word k, or -1 after saying there is none. */
function slotWord(k: number): number {
  for (let j = 0; j < wordLength[k]; j++) word[j] = line[wordStart[k] + j];
  const slot = slotByName(word, wordLength[k]);
  if (slot >= 0) return slot;
  writeString("[hv] no partition '");
  writeWord(k);
  writeLine("' (list shows them)");
  return -1;
}

/** Say a usage line when the command has not between `min` and `max` words. */
function usage(min: number, max: number, text: string): boolean {
  if (words >= min && words <= max) return true;
  writeString('[hv] usage: ');
  writeLine(text);
  return false;
}

/** The operator's label: its ssidref, or 0 after saying the console takes no management commands. */
function operator(): number {
  const s = labelOf(managedConfiguration().operatorLabel);
  if (s === 0) writeLine('[hv] refused: the configuration gives the operator no label of the policy (operatorLabel)');
  return s;
}

/** `[hv] VERB NAME: outcome`. */
function outcome(slot: number, st: ManageStatus): void {
  writeString('[hv] ');
  writeWord(0);
  writeString(' ');
  writeString(managedConfiguration().partitions[slot].name);
  writeString(': ');
  writeLine(manageStatusText(st));
}

function onePartition(): void {
  if (!usage(2, 2, 'start|destroy|restart NAME')) return;
  const slot = slotWord(1);
  const subject = slot >= 0 ? operator() : 0;
  if (subject === 0) return;
  let st = ManageStatus.Ok;
  if (is(0, 'start')) st = manageStart(slot, subject, slot);
  else if (is(0, 'destroy')) st = manageDestroy(slot, subject, slot);
  else st = manageRestart(slot, subject, slot);
  outcome(slot, st);
}

function stop(): void {
  if (!usage(2, 3, 'stop NAME [MS]')) return;
  const ms = words === 3 ? numberWord(2) : 0;
  if (ms < 0) { writeLine('[hv] stop: MS must be a number of milliseconds'); return; }
  const slot = slotWord(1);
  const subject = slot >= 0 ? operator() : 0;
  if (subject === 0) return;
  outcome(slot, manageStop(slot, subject, slot, ms));
}

function create(): void {
  if (!usage(4, 5, 'create NAME IMAGE MEM [VCPUS]   (IMAGE: an image of the catalog, or - for the definition\'s own)')) return;
  let image = -1;
  if (!is(2, '-')) {
    for (let j = 0; j < wordLength[2]; j++) word[j] = line[wordStart[2] + j];
    image = imageByName(word, wordLength[2]);
    if (image < 0) {
      writeString("[hv] create: no image '");
      writeWord(2);
      writeLine("' in the catalog (help lists them)");
      return;
    }
  }
  const mem = numberWord(3);
  const vcpus = words === 5 ? numberWord(4) : 0;
  if (mem <= 0) { writeLine('[hv] create: MEM must be a number of MiB'); return; }
  if (vcpus < 0) { writeLine('[hv] create: VCPUS must be a number'); return; }
  const slot = slotWord(1);
  const subject = slot >= 0 ? operator() : 0;
  if (subject === 0) return;
  outcome(slot, manageCreate(slot, subject, slot, image, mem, vcpus));
}

function entitle(): void {
  if (!usage(3, 5, 'entitle NAME PERCENT [capped | uncapped WEIGHT]')) return;
  const share = numberWord(2);
  if (share < 0) { writeLine('[hv] entitle: PERCENT must be a number'); return; }
  let mode = EntitlementMode.Keep, weight = 0;
  if (words >= 4 && is(3, 'capped') && words === 4) mode = EntitlementMode.Capped;
  else if (words === 5 && is(3, 'uncapped')) { mode = EntitlementMode.Uncapped; weight = numberWord(4); }
  else if (words > 3) { writeLine('[hv] usage: entitle NAME PERCENT [capped | uncapped WEIGHT]'); return; }
  if (weight < 0) { writeLine('[hv] entitle: WEIGHT must be a number (0..255)'); return; }
  const slot = slotWord(1);
  const subject = slot >= 0 ? operator() : 0;
  if (subject === 0) return;
  outcome(slot, manageSetEntitlement(slot, subject, slot, share, mode, weight));
}

/** The words of the LparState values, for list. */
function stateText(st: number): string {
  switch (st) {
    case LparState.Empty: return 'not created';
    case LparState.Created: return 'created';
    case LparState.Running: return 'running';
    case LparState.Halted: return 'halted';
    case LparState.Crashed: return 'stopped';
  }
  return '?';
}

function list(): void {
  if (!usage(1, 1, 'list')) return;
  const subject = operator();
  if (subject === 0) return;
  const st = manageList(0, subject, answer);
  if (st !== ManageStatus.Ok) { writeString('[hv] list: '); writeLine(manageStatusText(st)); return; }
  for (let i = 0; i < managedConfiguration().count && i < MAX_PARTITIONS; i++) {
    if (manageQuery(i, subject, i, answer) !== ManageStatus.Ok) continue;
    writeString('[hv]   ');
    writeDecimal(i + 1);
    writeString(' ');
    writeString(managedConfiguration().partitions[i].name);
    writeString(': ');
    writeString(stateText(Number(answer[0])));
    if (answer[0] !== BigInt(LparState.Empty)) {
      writeString(', ');
      writeDecimal(Number(answer[1]));
      writeString(' MiB, ');
      writeDecimal(Number(answer[2]));
      writeString(' vCPU');
    }
    writeString(', entitlement ');
    writeDecimal(Number(answer[3]));
    writeString('%, label ');
    writeLine(managedConfiguration().partitions[i].label);
  }
  help2();
}

/** The catalog line after list. */
function help2(): void {
  if (managedConfiguration().imageCount === 0) return;
  writeString('[hv]   images:');
  for (let i = 0; i < managedConfiguration().imageCount && i < managedConfiguration().images.length; i++) {
    writeString(' ');
    writeString(managedConfiguration().images[i].name);
  }
  writeLine('');
}

function stats(): void {
  if (!usage(1, 1, 'stats')) return;
  const subject = operator();
  if (subject === 0) return;
  for (let i = 0; i < managedConfiguration().count && i < MAX_PARTITIONS; i++) {
    if (manageQuery(i, subject, i, answer) !== ManageStatus.Ok || answer[0] === BigInt(LparState.Empty)) continue;
    writePartitionStats(partitions[i]);
  }
  writeString('[hv]   partition memory ');
  writeDecimal(regionsFreeMiB());
  writeString(' MiB free of ');
  writeDecimal(regionsTotalMiB());
  writeString(', page pool ');
  writeDecimal(Number(poolFree() >> 10n));
  writeString(' KiB free; created ');
  writeDecimal(createdAtRunTime);
  writeString(', destroyed ');
  writeDecimal(destroyedAtRunTime);
  writeLine(' at run time');
}

function policy(): void {
  writePolicyLine();
  writeString('[hv] operator label: ');
  writeLine(managedConfiguration().operatorLabel.length > 0 ? managedConfiguration().operatorLabel : '(none: management commands are refused)');
}

function help(): void {
  writeLine('[hv] commands: list | start NAME | stop NAME [MS] | destroy NAME | restart NAME |');
  writeLine('[hv]   create NAME IMAGE MEM [VCPUS] | entitle NAME PERCENT [capped | uncapped WEIGHT] | stats | audit | policy | help');
  writeLine('[hv] (Ctrl-] then a partition number gives the console to that partition)');
  help2();
}
