/**
 * TPM2_GetCapability (Part 3, section 30.2): algorithms, handles, commands, PCR banks and
 * properties, TPM properties (fixed and variable), ECC curves. Every list is derived from the
 * tables that drive the engine (commands.ts, pcr.ts, the instance's slots), never kept apart.
 */
import { Cmd, endOfParams, rcParam } from "./cmd";
import { COMMAND_COUNT, findCommand, rowAttributes } from "./commands";
import { MAX_CONTEXT_BLOB } from "./cmd-context";
import { inLockout } from "./cmd-da";
import { PCR_SAVED } from "./cmd-startup";
import { handleType } from "./entity";
import { MAX_NV_INDICES, MAX_OBJECTS, MAX_SESSIONS, TpmInstance } from "./instance";
import { Writer } from "./marshal";
import { PCR_EXTEND_LOCALITIES, PCR_RESET_LOCALITIES } from "./pcr";
import {
  Alg, Cap, DIGEST_SIZE, MAX_COMMAND_SIZE, MAX_RESPONSE_SIZE, ECC_NIST_P256, FIRMWARE_V1, FIRMWARE_V2, HMAC_SESSION_FIRST, Ht, MANUFACTURER, MAX_BUFFER,
  MAX_NV_BUFFER, NV_INDEX_MAX, PCR_COUNT, PCR_SELECT_SIZE, Rc, Rh, TRANSIENT_FIRST,
} from "./tpm";

/** Most entries one response carries (MAX_CAP_BUFFER / entry size would allow more; keep it small). */
const MAX_CAP_ENTRIES = 64;

// algorithm, TPMA_ALGORITHM (asymmetric 1, symmetric 2, hash 4, object 8, signing 0x100, encrypting 0x200, method 0x400)
const ALGS = new Uint32Array([
  Alg.HMAC, 0x104,
  Alg.AES, 0x002,
  Alg.SHA256, 0x004,
  Alg.NULL, 0x000,
  Alg.ECDSA, 0x101,
  Alg.KDF1_SP800_108, 0x404,
  Alg.ECC, 0x009,
  Alg.CFB, 0x202,
]);

const PT_FIXED = 0x100;
const PT_VAR = 0x200;
const PT_VAR_LAST = 0x214;

/** The value of a fixed property (TPM_PT 0x100..0x12e), or -1 if it is not defined. */
function fixedProperty(pt: number): number {
  switch (pt) {
    case 0x100: return 0x322e3000; // "2.0"
    case 0x101: return 0;          // level
    case 0x102: return 159;        // revision 1.59
    case 0x103: return 1;          // day of year
    case 0x104: return 2026;       // year
    case 0x105: return MANUFACTURER;
    case 0x106: return 0x74736879; // "tshy"
    case 0x107: return 0x70652076; // "pe v"
    case 0x108: return 0x54504d00; // "TPM"
    case 0x109: return 0;
    case 0x10a: return 1;          // vendor TPM type
    case 0x10b: return FIRMWARE_V1;
    case 0x10c: return FIRMWARE_V2;
    case 0x10d: return MAX_BUFFER; // input buffer
    case 0x10e: return MAX_OBJECTS; // transient min
    case 0x10f: return 0;          // persistent min: no persistent objects
    case 0x110: return MAX_OBJECTS; // loaded min
    case 0x111: return MAX_SESSIONS; // active sessions max
    case 0x112: return PCR_COUNT;
    case 0x113: return PCR_SELECT_SIZE;
    case 0x114: return 0xffff;     // context gap max
    case 0x116: return 0;          // NV counters max
    case 0x117: return NV_INDEX_MAX;
    case 0x118: return 0;          // memory: separate pools
    case 0x119: return 1000;       // clock update (ms)
    case 0x11a: return Alg.SHA256; // context hash
    case 0x11b: return Alg.AES;    // context symmetric
    case 0x11c: return 128;
    case 0x11d: return 0;          // orderly count
    case 0x11e: return MAX_COMMAND_SIZE;
    case 0x11f: return MAX_RESPONSE_SIZE;
    case 0x120: return DIGEST_SIZE;
    case 0x121: return MAX_CONTEXT_BLOB + 2 + DIGEST_SIZE + 2 + 16;
    case 0x122: return 0;          // sessions are not saved
    case 0x123: return 1;          // PC client platform family
    case 0x124: return 0;
    case 0x125: return 0x105;      // platform spec 1.05
    case 0x126: return 0;
    case 0x127: return 0;
    case 0x128: return 0;          // split max
    case 0x129: return COMMAND_COUNT;
    case 0x12a: return COMMAND_COUNT;
    case 0x12b: return 0;
    case 0x12c: return MAX_NV_BUFFER;
    case 0x12d: return 0;          // modes
    case 0x12e: return 1024;       // max cap buffer
    default: return -1;
  }
}

function countUsed(tpm: TpmInstance, which: number): number {
  let n = 0;
  if (which === 0) for (let i = 0; i < tpm.objects.length; i++) n += tpm.objects[i].used ? 1 : 0;
  if (which === 1) for (let i = 0; i < tpm.sessions.length; i++) n += tpm.sessions[i].used ? 1 : 0;
  if (which === 2) for (let i = 0; i < tpm.nv.length; i++) n += tpm.nv[i].used ? 1 : 0;
  return n;
}

/** The value of a variable property (TPM_PT 0x200..0x214), or -1. */
function variableProperty(tpm: TpmInstance, pt: number): number {
  switch (pt) {
    case 0x200: return inLockout(tpm) ? 1 << 9 : 0;      // permanent: no auth set; inLockout
    case 0x201: return ((0x7 | (1 << 3)) | (tpm.lastShutdown === 1 ? 1 << 31 : 0)) >>> 0; // ph, sh, eh, phNV enabled
    case 0x202: return countUsed(tpm, 2);                  // NV indices defined
    case 0x203: return countUsed(tpm, 1);                  // loaded sessions
    case 0x204: return MAX_SESSIONS - countUsed(tpm, 1);
    case 0x205: return countUsed(tpm, 1);                  // active sessions
    case 0x206: return MAX_SESSIONS - countUsed(tpm, 1);
    case 0x207: return MAX_OBJECTS - countUsed(tpm, 0);    // transient available
    case 0x208: return 0;
    case 0x209: return 0;
    case 0x20a: return 0;
    case 0x20b: return 0;
    case 0x20c: return 0;                                  // algorithm set
    case 0x20d: return 1;                                  // loaded curves
    case 0x20e: return tpm.failedTries;                    // lockout counter
    case 0x20f: return tpm.maxTries;                       // max auth fail
    case 0x210: return tpm.recoveryTime;                   // lockout interval (s)
    case 0x211: return tpm.lockoutRecovery;                // lockout recovery (s)
    case 0x212: return 0;
    case 0x213: return 0;
    case 0x214: return 0;
    default: return -1;
  }
}

function propertyValue(tpm: TpmInstance, pt: number): number {
  return pt < PT_VAR ? fixedProperty(pt) : variableProperty(tpm, pt);
}

/** TPML_TAGGED_TPM_PROPERTY from `first`. */
function writeProperties(tpm: TpmInstance, w: Writer, first: number, count: number): void {
  let pt = first < PT_FIXED ? PT_FIXED : first;
  const list = LIST;
  list.begin(w, Cap.TPM_PROPERTIES, count);
  for (; pt <= PT_VAR_LAST; pt++) {
    const v = propertyValue(tpm, pt);
    if (v < 0) continue;
    if (!list.take()) break;
    w.u32(pt);
    w.u32(v >>> 0);
  }
  list.end();
}

/**
 * A capability list being written: moreData, the capability, a count patched at the end, then at
 * most `max` entries; take() before each entry says whether it fits (else moreData is set).
 */
class CapList {
  w: Writer = PLACEHOLDER_W;
  moreAt: number = 0;
  countAt: number = 0;
  n: number = 0;
  max: number = 0;

  begin(w: Writer, cap: number, max: number): void {
    this.w = w;
    this.moreAt = w.pos;
    w.u8(0);
    w.u32(cap);
    this.countAt = w.pos;
    w.u32(0);
    this.n = 0;
    this.max = max;
  }

  take(): boolean {
    if (this.n === this.max) {
      if (!this.w.overflow) this.w.buf[this.moreAt] = 1;
      return false;
    }
    this.n++;
    return true;
  }

  end(): void {
    const w = this.w;
    if (w.overflow) return;
    const at = this.countAt;
    const n = this.n;
    w.buf[at] = n >>> 24;
    w.buf[at + 1] = n >>> 16;
    w.buf[at + 2] = n >>> 8;
    w.buf[at + 3] = n;
  }
}
const PLACEHOLDER_W = new Writer(new Uint8Array(1));
const LIST = new CapList();

function writeAlgs(w: Writer, first: number, count: number): void {
  const list = LIST;
  list.begin(w, Cap.ALGS, count);
  for (let i = 0; i < ALGS.length; i += 2) {
    if (ALGS[i] < first) continue;
    if (!list.take()) break;
    w.u16(ALGS[i]);
    w.u32(ALGS[i + 1]);
  }
  list.end();
}

/** The implemented command codes in ascending order: the i-th smallest >= first, via the table. */
function writeCommands(w: Writer, first: number, count: number): void {
  const list = LIST;
  list.begin(w, Cap.COMMANDS, count);
  for (let cc = first < 0x11f ? 0x11f : first; cc <= 0x19f; cc++) {
    const row = findCommand(cc);
    if (row < 0) continue;
    if (!list.take()) break;
    w.u32(rowAttributes(row));
  }
  list.end();
}

/** Handles of one type in ascending order from `first`. */
function writeHandles(tpm: TpmInstance, w: Writer, first: number, count: number): void {
  const list = LIST;
  list.begin(w, Cap.HANDLES, count);
  const t = handleType(first);
  const HANDLES = HANDLE_SCRATCH;
  let m = 0;
  if (t === Ht.TRANSIENT) {
    for (let i = 0; i < tpm.objects.length; i++) if (tpm.objects[i].used) HANDLES[m++] = TRANSIENT_FIRST + i;
  } else if (t === Ht.HMAC_SESSION) {
    for (let i = 0; i < tpm.sessions.length; i++) if (tpm.sessions[i].used) HANDLES[m++] = HMAC_SESSION_FIRST + i;
  } else if (t === Ht.NV_INDEX) {
    m = sortedNvIndices(tpm, HANDLES);
  } else if (t === Ht.PCR) {
    for (let i = 0; i < PCR_COUNT; i++) HANDLES[m++] = i;
  } else if (t === Ht.PERMANENT) {
    HANDLES[m++] = Rh.OWNER;
    HANDLES[m++] = Rh.NULL;
    HANDLES[m++] = Rh.PW;
    HANDLES[m++] = Rh.LOCKOUT;
    HANDLES[m++] = Rh.ENDORSEMENT;
    HANDLES[m++] = Rh.PLATFORM;
  }
  for (let i = 0; i < m; i++) {
    if (HANDLES[i] < first) continue;
    if (!list.take()) break;
    w.u32(HANDLES[i]);
  }
  list.end();
}
const HANDLE_SCRATCH = new Uint32Array(PCR_COUNT + MAX_NV_INDICES);

/** The defined NV indices in ascending order into out; returns how many. */
function sortedNvIndices(tpm: TpmInstance, out: Uint32Array): number {
  let m = 0;
  for (let i = 0; i < tpm.nv.length; i++) {
    if (!tpm.nv[i].used) continue;
    let j = m++;
    const v = tpm.nv[i].index;
    while (j > 0 && out[j - 1] > v) {
      out[j] = out[j - 1];
      j--;
    }
    out[j] = v;
  }
  return m;
}

function writePcrs(w: Writer): void {
  w.u8(0);
  w.u32(Cap.PCRS);
  w.u32(1);
  w.u16(Alg.SHA256);
  w.u8(PCR_SELECT_SIZE);
  w.u8(0xff);
  w.u8(0xff);
  w.u8(0xff);
}

// TPM_PT_PCR tags: 0x00 TPM_PT_PCR_SAVE, then TPM_PT_PCR_EXTEND_Ln = 1 + 2n and
// TPM_PT_PCR_RESET_Ln = 2 + 2n for localities n = 0..4
function writePcrProperties(w: Writer, first: number, count: number): void {
  const list = LIST;
  list.begin(w, Cap.PCR_PROPERTIES, count);
  for (let tag = first; tag <= 0x0a; tag++) {
    if (!list.take()) break;
    let mask = 0;
    if (tag === 0) {
      mask = (1 << PCR_SAVED) - 1;
    } else {
      const reset = (tag & 1) === 0;
      const loc = (tag - 1) >>> 1;
      for (let i = 0; i < PCR_COUNT; i++) {
        const m = reset ? PCR_RESET_LOCALITIES[i] : PCR_EXTEND_LOCALITIES[i];
        if ((m & (1 << loc)) !== 0) mask = mask | (1 << i);
      }
    }
    w.u32(tag);
    w.u8(PCR_SELECT_SIZE);
    w.u8(mask & 0xff);
    w.u8((mask >>> 8) & 0xff);
    w.u8((mask >>> 16) & 0xff);
  }
  list.end();
}

function writeEmptyCommandList(w: Writer, cap: number): void {
  w.u8(0);
  w.u32(cap);
  w.u32(0);
}

/** The one curve, if it is at or after `first` and count allows an entry (else moreData). */
function writeCurves(w: Writer, first: number, count: number): void {
  const listed = first <= ECC_NIST_P256;
  w.u8(listed && count === 0 ? 1 : 0);
  w.u32(Cap.ECC_CURVES);
  w.u32(listed && count > 0 ? 1 : 0);
  if (listed && count > 0) w.u16(ECC_NIST_P256);
}

export function cmdGetCapability(tpm: TpmInstance, c: Cmd): number {
  const r = c.r;
  r.param(1);
  const cap = r.u32();
  r.param(2);
  const property = r.u32();
  r.param(3);
  const count = r.u32();
  const e = endOfParams(c);
  if (e !== 0) return e;
  const n = count > MAX_CAP_ENTRIES ? MAX_CAP_ENTRIES : count;
  const w = c.w;
  switch (cap) {
    case Cap.ALGS: writeAlgs(w, property, n); return 0;
    case Cap.HANDLES: {
      // the handle types GetCapability lists (PCR, NV, loaded and saved sessions, permanent,
      // transient, persistent); any other range is TPM_RC_HANDLE
      const t = handleType(property);
      if (t > Ht.POLICY_SESSION && t !== Ht.PERMANENT && t !== Ht.TRANSIENT && t !== Ht.PERSISTENT) return rcParam(Rc.HANDLE, 2);
      writeHandles(tpm, w, property, n);
      return 0;
    }
    case Cap.COMMANDS: writeCommands(w, property, n); return 0;
    case Cap.PP_COMMANDS: writeEmptyCommandList(w, cap); return 0;
    case Cap.AUDIT_COMMANDS: writeEmptyCommandList(w, cap); return 0;
    case Cap.PCRS: writePcrs(w); return 0;
    case Cap.TPM_PROPERTIES: writeProperties(tpm, w, property, n); return 0;
    case Cap.PCR_PROPERTIES: writePcrProperties(w, property, n); return 0;
    case Cap.ECC_CURVES: writeCurves(w, property, n); return 0;
    default: return rcParam(Rc.VALUE, 1);
  }
}
