/**
 * The TPM 2.0 command engine: execute(instance, locality, command) → response.
 *
 * Order of checks, each answered with the specification's response code and nothing changed:
 * header (size, tag, command code), TPM state (initialised, failure mode), locality, handles
 * (kind and existence, numbered TPM_RC_HANDLE/VALUE), authorisation area (size, sessions),
 * authorisations (passwords, HMACs), then the handler, which checks its parameters before it acts.
 * The one exception to "nothing changed": a failed authorisation of a DA-protected entity is
 * counted (TPM_RC_AUTH_FAIL, cmd-da.ts).
 * A failed command's response is the 10-byte header with the code; a successful one carries the
 * response handle, parameters and the response authorisation area.
 */
import { AUTH, checkAuthorizations, parseSessions, writeResponseSessions } from "./auth";
import { Cmd, rcHandle } from "./cmd";
import { CmdF, Hk, findCommand, rowAuthHandles, rowFlags, rowHandleKind, rowHandles, rowHasResponseHandle } from "./commands";
import { handleType, hierSlot, isHierarchy, isPcr, nvSlot, objectSlot, sessionSlot } from "./entity";
import { Reader, getU32, putU16, putU32 } from "./marshal";
import { TpmInstance } from "./instance";
import { Cc, Ht, MAX_COMMAND_SIZE, MAX_RESPONSE_SIZE, Rc, Rh, St } from "./tpm";
import { cmdGetCapability } from "./cmd-capability";
import { cmdDictionaryAttackLockReset, cmdDictionaryAttackParameters } from "./cmd-da";
import { cmdContextLoad, cmdContextSave, cmdFlushContext } from "./cmd-context";
import { cmdNvDefineSpace, cmdNvRead, cmdNvReadPublic, cmdNvUndefineSpace, cmdNvWrite } from "./cmd-nv";
import { cmdCreate, cmdCreatePrimary, cmdLoad, cmdReadPublic } from "./cmd-object";
import { cmdPcrExtend, cmdPcrRead, cmdPcrReset } from "./cmd-pcr";
import { cmdQuote } from "./cmd-quote";
import { cmdGetRandom, cmdHash, cmdStirRandom } from "./cmd-random";
import { cmdHashSequenceStart, cmdSequenceComplete, cmdSequenceUpdate } from "./cmd-sequence";
import { cmdStartAuthSession } from "./cmd-session";
import { cmdGetTestResult, cmdSelfTest, cmdShutdown, cmdStartup } from "./cmd-startup";

export { MAX_COMMAND_SIZE, MAX_RESPONSE_SIZE } from "./tpm";
const HEADER = 10;

const CMD_PLACEHOLDER = new Uint8Array(1);
const C = new Cmd(CMD_PLACEHOLDER, CMD_PLACEHOLDER);
const AUTH_READER = new Reader(CMD_PLACEHOLDER);

/** Write a header-only error response (tag TPM_ST_RSP_COMMAND for TPM_RC_BAD_TAG); returns its length. */
function errorResponse(rsp: Uint8Array, rc: number): number {
  putU16(rsp, 0, rc === Rc.BAD_TAG ? St.RSP_COMMAND : St.NO_SESSIONS);
  putU32(rsp, 2, HEADER);
  putU32(rsp, 6, rc);
  return HEADER;
}

/**
 * Check handle i (0-based) against the kind the command needs; 0 or a numbered response code
 * (a transient object or session that is not loaded is TPM_RC_REFERENCE_H0 + i, Part 3 5.6).
 */
function checkHandle(tpm: TpmInstance, kind: number, h: number, i: number): number {
  const n = i + 1;
  const t = handleType(h);
  switch (kind) {
    case Hk.OBJECT:
      if (t !== Ht.TRANSIENT) return rcHandle(Rc.VALUE, n);
      return objectSlot(tpm, h) < 0 ? Rc.REFERENCE_H0 + i : 0;
    case Hk.OBJECT_OR_NULL:
      if (h === Rh.NULL) return 0;
      if (t !== Ht.TRANSIENT) return rcHandle(Rc.VALUE, n);
      return objectSlot(tpm, h) < 0 ? Rc.REFERENCE_H0 + i : 0;
    case Hk.ENTITY_OR_NULL:
      if (hierSlot(h) >= 0) return 0; // a hierarchy, lockout or TPM_RH_NULL
      if (t === Ht.TRANSIENT) return objectSlot(tpm, h) < 0 ? Rc.REFERENCE_H0 + i : 0;
      if (t === Ht.NV_INDEX) return nvSlot(tpm, h) < 0 ? rcHandle(Rc.HANDLE, n) : 0;
      if (t === Ht.PCR) return isPcr(h) ? 0 : rcHandle(Rc.VALUE, n);
      return rcHandle(Rc.VALUE, n);
    case Hk.HIERARCHY:
      return isHierarchy(h) ? 0 : rcHandle(Rc.VALUE, n);
    case Hk.LOCKOUT:
      return h === Rh.LOCKOUT ? 0 : rcHandle(Rc.VALUE, n);
    case Hk.PROVISION:
      return h === Rh.OWNER || h === Rh.PLATFORM ? 0 : rcHandle(Rc.VALUE, n);
    case Hk.NV_AUTH:
      if (h === Rh.OWNER || h === Rh.PLATFORM) return 0;
      if (t !== Ht.NV_INDEX) return rcHandle(Rc.VALUE, n);
      return nvSlot(tpm, h) < 0 ? rcHandle(Rc.HANDLE, n) : 0;
    case Hk.NV_INDEX:
      if (t !== Ht.NV_INDEX) return rcHandle(Rc.VALUE, n);
      return nvSlot(tpm, h) < 0 ? rcHandle(Rc.HANDLE, n) : 0;
    case Hk.PCR:
      return isPcr(h) ? 0 : rcHandle(Rc.VALUE, n);
    case Hk.PCR_OR_NULL:
      return h === Rh.NULL || isPcr(h) ? 0 : rcHandle(Rc.VALUE, n);
    case Hk.SEQUENCE: {
      if (t !== Ht.TRANSIENT) return rcHandle(Rc.VALUE, n);
      const s = objectSlot(tpm, h);
      if (s < 0) return Rc.REFERENCE_H0 + i;
      return tpm.objects[s].isSequence ? 0 : rcHandle(Rc.MODE, n);
    }
    case Hk.CONTEXT:
      if (t === Ht.TRANSIENT) return objectSlot(tpm, h) < 0 ? Rc.REFERENCE_H0 + i : 0;
      if (t === Ht.HMAC_SESSION) return sessionSlot(tpm, h) < 0 ? Rc.REFERENCE_H0 + i : 0;
      return rcHandle(Rc.VALUE, n);
    default:
      return hierSlot(h) >= 0 ? 0 : rcHandle(Rc.VALUE, n);
  }
}

/** Run the handler of command code cc. */
function dispatch(tpm: TpmInstance, c: Cmd): number {
  switch (c.cc) {
    case Cc.Startup: return cmdStartup(tpm, c);
    case Cc.Shutdown: return cmdShutdown(tpm, c);
    case Cc.SelfTest: return cmdSelfTest(tpm, c);
    case Cc.GetTestResult: return cmdGetTestResult(tpm, c);
    case Cc.GetCapability: return cmdGetCapability(tpm, c);
    case Cc.GetRandom: return cmdGetRandom(tpm, c);
    case Cc.StirRandom: return cmdStirRandom(tpm, c);
    case Cc.Hash: return cmdHash(tpm, c);
    case Cc.PCR_Extend: return cmdPcrExtend(tpm, c);
    case Cc.PCR_Read: return cmdPcrRead(tpm, c);
    case Cc.PCR_Reset: return cmdPcrReset(tpm, c);
    case Cc.CreatePrimary: return cmdCreatePrimary(tpm, c);
    case Cc.Create: return cmdCreate(tpm, c);
    case Cc.Load: return cmdLoad(tpm, c);
    case Cc.ReadPublic: return cmdReadPublic(tpm, c);
    case Cc.ContextSave: return cmdContextSave(tpm, c);
    case Cc.ContextLoad: return cmdContextLoad(tpm, c);
    case Cc.FlushContext: return cmdFlushContext(tpm, c);
    case Cc.StartAuthSession: return cmdStartAuthSession(tpm, c);
    case Cc.Quote: return cmdQuote(tpm, c);
    case Cc.NV_DefineSpace: return cmdNvDefineSpace(tpm, c);
    case Cc.NV_UndefineSpace: return cmdNvUndefineSpace(tpm, c);
    case Cc.NV_Write: return cmdNvWrite(tpm, c);
    case Cc.NV_Read: return cmdNvRead(tpm, c);
    case Cc.NV_ReadPublic: return cmdNvReadPublic(tpm, c);
    case Cc.HashSequenceStart: return cmdHashSequenceStart(tpm, c);
    case Cc.SequenceUpdate: return cmdSequenceUpdate(tpm, c);
    case Cc.SequenceComplete: return cmdSequenceComplete(tpm, c);
    case Cc.DictionaryAttackLockReset: return cmdDictionaryAttackLockReset(tpm, c);
    case Cc.DictionaryAttackParameters: return cmdDictionaryAttackParameters(tpm, c);
    default: return Rc.COMMAND_CODE;
  }
}

/** The TPM state allows command cc: 0, or TPM_RC_INITIALIZE / TPM_RC_FAILURE. */
function stateCheck(tpm: TpmInstance, cc: number): number {
  if (!tpm.powered) return Rc.FAILURE;
  if (tpm.failed && cc !== Cc.GetTestResult && cc !== Cc.GetCapability) return Rc.FAILURE;
  if (!tpm.started) return cc === Cc.Startup ? 0 : Rc.INITIALIZE;
  return cc === Cc.Startup ? Rc.INITIALIZE : 0;
}

/**
 * Execute one command, cmd[0..cmdLen), at `locality` (0–3 for clients; 4 is the hypervisor's
 * and is refused here), writing the response to rsp (capacity MAX_RESPONSE_SIZE). Returns the
 * response length (10 or more). Never fails: every problem is a response code.
 */
export function execute(tpm: TpmInstance, locality: number, cmd: Uint8Array, cmdLen: number, rsp: Uint8Array): number {
  if (cmdLen < HEADER || cmdLen > MAX_COMMAND_SIZE || cmdLen > cmd.length) return errorResponse(rsp, Rc.COMMAND_SIZE);
  const tag = (cmd[0] << 8) | cmd[1];
  if (tag !== St.NO_SESSIONS && tag !== St.SESSIONS) return errorResponse(rsp, Rc.BAD_TAG);
  if (getU32(cmd, 2) !== cmdLen) return errorResponse(rsp, Rc.COMMAND_SIZE);
  const cc = getU32(cmd, 6);
  const row = findCommand(cc);
  if (row < 0) return errorResponse(rsp, Rc.COMMAND_CODE);
  const st = stateCheck(tpm, cc);
  if (st !== 0) return errorResponse(rsp, st);
  if (locality < 0 || locality > 3) return errorResponse(rsp, Rc.LOCALITY);

  const c = C;
  c.cc = cc;
  c.locality = locality;
  c.withSessions = tag === St.SESSIONS;
  c.rspHandle = 0;
  const r = c.r;
  r.reset(cmd, HEADER, cmdLen);
  const nh = rowHandles(row);
  c.nHandles = nh;
  for (let i = 0; i < nh; i++) {
    const h = r.u32();
    if (r.err !== 0) return errorResponse(rsp, Rc.INSUFFICIENT);
    const hrc = checkHandle(tpm, rowHandleKind(row, i), h, i);
    if (hrc !== 0) return errorResponse(rsp, hrc);
    c.handles[i] = h;
  }

  const nAuth = rowAuthHandles(row);
  AUTH.count = 0;
  if (c.withSessions) {
    if ((rowFlags(row) & CmdF.NO_SESSIONS) !== 0) return errorResponse(rsp, Rc.AUTH_CONTEXT);
    const authSize = r.u32();
    if (r.err !== 0 || authSize > r.remaining()) return errorResponse(rsp, Rc.AUTHSIZE);
    const ar = AUTH_READER;
    ar.reset(cmd, r.pos, r.pos + authSize);
    const prc = parseSessions(ar);
    if (prc !== 0) return errorResponse(rsp, prc);
    r.reset(cmd, r.pos + authSize, cmdLen);
  } else if (nAuth > 0) {
    return errorResponse(rsp, Rc.AUTH_MISSING);
  }
  const pStart = r.pos;
  const arc = checkAuthorizations(tpm, c, nAuth, cmd, pStart, cmdLen);
  if (arc !== 0) return errorResponse(rsp, arc);

  const hasHandle = rowHasResponseHandle(row);
  const paramStart = HEADER + (hasHandle ? 4 : 0) + (c.withSessions ? 4 : 0);
  const w = c.w;
  w.reset(rsp, paramStart, MAX_RESPONSE_SIZE < rsp.length ? MAX_RESPONSE_SIZE : rsp.length);
  const rc = dispatch(tpm, c);
  if (rc !== 0) return errorResponse(rsp, rc);
  const paramEnd = w.pos;
  if (c.withSessions) writeResponseSessions(tpm, c, rsp, paramStart, paramEnd, w);
  if (w.overflow) return errorResponse(rsp, Rc.FAILURE);
  const len = w.pos;
  putU16(rsp, 0, tag);
  putU32(rsp, 2, len);
  putU32(rsp, 6, 0);
  let p = HEADER;
  if (hasHandle) {
    putU32(rsp, p, c.rspHandle);
    p += 4;
  }
  if (c.withSessions) putU32(rsp, p, paramEnd - paramStart);
  return len;
}
