/**
 * The authorisation area: password sessions (TPM_RS_PW) and HMAC sessions (TPM 2.0 Part 1,
 * "Authorization"; Part 3, "Command Processing").
 *
 * Command HMAC:  HMAC(sessionKey || authValue, cpHash || nonceCaller || nonceTPM || sessionAttributes)
 * Response HMAC: HMAC(sessionKey || authValue, rpHash || nonceTPM' || nonceCaller || sessionAttributes)
 * with cpHash = H(commandCode || Name(handle 1) || … || parameters) and
 * rpHash = H(TPM_RC_SUCCESS || commandCode || response parameters). The authValue is left out
 * when the session is bound to the very entity it authorises (its authValue is in the
 * sessionKey already). authValues are compared and used without trailing zero bytes.
 *
 * Dictionary-attack protection (cmd-da.ts): an authorisation of a DA-protected entity while the
 * TPM is in lockout (or of the lockout hierarchy while lockoutAuth is locked) is TPM_RC_LOCKOUT,
 * before the password or HMAC is checked. A wrong password or HMAC for a DA-protected entity
 * (or the lockout hierarchy) is recorded and answered TPM_RC_AUTH_FAIL; for any other entity it
 * is TPM_RC_BAD_AUTH, "authorization failure without DA implications", and changes nothing.
 *
 * Sessions serve authorisation only: audit, parameter encryption and policy sessions are not
 * implemented, and a session asking for them is refused with TPM_RC_ATTRIBUTES.
 */
import { pool } from "tsnc";
import { HmacSha256 } from "../crypto/hmac";
import { Sha256 } from "../crypto/sha256";
import { Cmd } from "./cmd";
import { daFailure, daLocked } from "./cmd-da";
import { entityAuth, entityName, handleType, sessionSlot } from "./entity";
import { Reader, Writer, copyBytes, equalBytes, putU32, trimZeros } from "./marshal";
import { TpmInstance, randomBytes } from "./instance";
import { DIGEST_SIZE, Ht, MAX_AUTH, MAX_NONCE, MIN_NONCE, NAME_SIZE, RC_N_SHIFT, RC_S, Rc, Rh, SessA } from "./tpm";

export const MAX_SESSIONS_IN = 3;

/** One session of the command's authorisation area. */
export class SessionIn {
  readonly slot: number;
  handle: number = 0;
  readonly nonce: Uint8Array = new Uint8Array(MAX_NONCE);
  nonceLen: number = 0;
  attrs: number = 0;
  readonly hmac: Uint8Array = new Uint8Array(DIGEST_SIZE);
  hmacLen: number = 0;
  /** HMAC key for the response: sessionKey || authValue */
  readonly key: Uint8Array = new Uint8Array(DIGEST_SIZE + MAX_AUTH);
  keyLen: number = 0;

  constructor(slot: number) {
    this.slot = slot;
  }
}

/** The sessions of the command being executed. */
export class AuthArea {
  readonly s: Array<SessionIn> = pool(MAX_SESSIONS_IN, SessionIn);
  count: number = 0;
}

export const AUTH = new AuthArea();

const MAC = new HmacSha256();
const HASH = new Sha256();
const CP_HASH = new Uint8Array(DIGEST_SIZE);
const RP_HASH = new Uint8Array(DIGEST_SIZE);
const EXPECT = new Uint8Array(DIGEST_SIZE);
const NAME = new Uint8Array(NAME_SIZE);
const AUTHV = new Uint8Array(MAX_AUTH);
const ONE = new Uint8Array(4);

function rcSession(rc: number, i: number): number {
  return rc | RC_S | ((i + 1) << RC_N_SHIFT);
}

/** Read the authorisation area (r positioned after authorizationSize, ending at its end). */
export function parseSessions(r: Reader): number {
  const a = AUTH;
  a.count = 0;
  while (!r.atEnd()) {
    if (a.count === MAX_SESSIONS_IN) return Rc.AUTHSIZE;
    const s = a.s[a.count];
    s.handle = r.u32();
    s.nonceLen = r.tpm2b(s.nonce, 0, MAX_NONCE);
    s.attrs = r.u8();
    s.hmacLen = r.tpm2b(s.hmac, 0, DIGEST_SIZE);
    if (r.err !== 0) return (r.err & 0xff) === Rc.INSUFFICIENT ? Rc.AUTHSIZE : rcSession(Rc.SIZE, a.count);
    const t = handleType(s.handle);
    if (s.handle !== Rh.PW && t !== Ht.HMAC_SESSION && t !== Ht.POLICY_SESSION) return rcSession(Rc.HANDLE, a.count);
    a.count++;
  }
  if (a.count === 0) return Rc.AUTHSIZE;
  return 0;
}

/** cpHash of the command: names of all its handles and its parameter bytes. */
function computeCpHash(tpm: TpmInstance, c: Cmd, cmd: Uint8Array, pStart: number, pEnd: number): void {
  const h = HASH;
  h.init();
  putU32(ONE, 0, c.cc);
  h.update(ONE, 0, 4);
  for (let i = 0; i < c.nHandles; i++) {
    const n = entityName(tpm, c.handles[i], NAME, 0);
    h.update(NAME, 0, n);
  }
  h.update(cmd, pStart, pEnd - pStart);
  h.final(CP_HASH);
}

/** A wrong password or HMAC for entity h in session i: TPM_RC_AUTH_FAIL (failure recorded) or TPM_RC_BAD_AUTH. */
function authFailure(tpm: TpmInstance, h: number, i: number): number {
  return rcSession(daFailure(tpm, h) ? Rc.AUTH_FAIL : Rc.BAD_AUTH, i);
}

/** Check a password session for entity handle h. */
function checkPassword(tpm: TpmInstance, s: SessionIn, i: number, h: number, authLen: number): number {
  if (s.nonceLen !== 0) return rcSession(Rc.NONCE, i);
  if ((s.attrs & ~SessA.CONTINUE) !== 0) return rcSession(Rc.ATTRIBUTES, i);
  if (daLocked(tpm, h)) return Rc.LOCKOUT;
  const given = trimZeros(s.hmac, 0, s.hmacLen);
  if (given !== authLen || !equalBytes(s.hmac, 0, AUTHV, 0, authLen)) return authFailure(tpm, h, i);
  s.keyLen = 0;
  return 0;
}

/** Check an HMAC session for entity handle h (the cpHash is computed). */
function checkHmac(tpm: TpmInstance, s: SessionIn, i: number, h: number, authLen: number): number {
  const slot = sessionSlot(tpm, s.handle);
  if (slot < 0) return Rc.REFERENCE_S0 + i;
  if ((s.attrs & (SessA.AUDIT | SessA.AUDIT_EXCLUSIVE | SessA.AUDIT_RESET | SessA.DECRYPT | SessA.ENCRYPT)) !== 0) {
    return rcSession(Rc.ATTRIBUTES, i);
  }
  if (s.nonceLen < MIN_NONCE) return rcSession(Rc.SIZE, i);
  if (daLocked(tpm, h)) return Rc.LOCKOUT;
  const sess = tpm.sessions[slot];
  copyBytes(s.key, 0, sess.sessionKey, 0, sess.keyLen);
  let keyLen = sess.keyLen;
  let boundHere = false;
  if (sess.bound) {
    const n = entityName(tpm, h, NAME, 0);
    boundHere = n === sess.bindNameLen && equalBytes(NAME, 0, sess.bindName, 0, n) &&
      authLen === sess.bindAuthLen && equalBytes(AUTHV, 0, sess.bindAuth, 0, authLen);
  }
  if (!boundHere) {
    copyBytes(s.key, keyLen, AUTHV, 0, authLen);
    keyLen += authLen;
  }
  s.keyLen = keyLen;
  const m = MAC;
  m.init(s.key, 0, keyLen);
  m.update(CP_HASH, 0, DIGEST_SIZE);
  m.update(s.nonce, 0, s.nonceLen);
  m.update(sess.nonceTpm, 0, DIGEST_SIZE);
  m.updateByte(s.attrs);
  m.final(EXPECT, 0);
  if (s.hmacLen !== DIGEST_SIZE || !equalBytes(EXPECT, 0, s.hmac, 0, DIGEST_SIZE)) return authFailure(tpm, h, i);
  return 0;
}

/**
 * Check every session against the command's first nAuth handles. Returns 0 when all are
 * authorised; changes nothing in the instance, except that a failed authorisation of a
 * DA-protected entity or the lockout hierarchy is recorded (TPM_RC_AUTH_FAIL, cmd-da.ts).
 */
export function checkAuthorizations(tpm: TpmInstance, c: Cmd, nAuth: number, cmd: Uint8Array, pStart: number, pEnd: number): number {
  const a = AUTH;
  if (a.count < nAuth) return Rc.AUTH_MISSING;
  let cpDone = false;
  for (let i = 0; i < a.count; i++) {
    const s = a.s[i];
    if (i >= nAuth) return rcSession(Rc.ATTRIBUTES, i);
    for (let j = 0; j < i; j++) {
      if (s.handle !== Rh.PW && a.s[j].handle === s.handle) return rcSession(Rc.HANDLE, i);
    }
    const h = c.handles[i];
    const authLen0 = entityAuth(tpm, h, AUTHV, 0);
    if (authLen0 < 0) return Rc.AUTH_UNAVAILABLE;
    const authLen = trimZeros(AUTHV, 0, authLen0);
    let rc = 0;
    if (s.handle === Rh.PW) {
      rc = checkPassword(tpm, s, i, h, authLen);
    } else {
      if (!cpDone) {
        computeCpHash(tpm, c, cmd, pStart, pEnd);
        cpDone = true;
      }
      rc = checkHmac(tpm, s, i, h, authLen);
    }
    if (rc !== 0) return rc;
  }
  return 0;
}

/**
 * Append the response authorisation area to w for the response parameters rsp[pStart..pEnd):
 * roll each HMAC session's nonceTPM, MAC the response, and close sessions without
 * continueSession. Called only for a successful command.
 */
export function writeResponseSessions(tpm: TpmInstance, c: Cmd, rsp: Uint8Array, pStart: number, pEnd: number, w: Writer): void {
  const a = AUTH;
  let rpDone = false;
  for (let i = 0; i < a.count; i++) {
    const s = a.s[i];
    if (s.handle === Rh.PW) {
      w.u16(0);
      w.u8(s.attrs);
      w.u16(0);
      continue;
    }
    const slot = sessionSlot(tpm, s.handle);
    if (slot < 0) {
      // the command itself ended the session (cannot happen with the implemented commands)
      w.u16(0);
      w.u8(s.attrs);
      w.u16(0);
      continue;
    }
    if (!rpDone) {
      const h = HASH;
      h.init();
      putU32(ONE, 0, 0);
      h.update(ONE, 0, 4);
      putU32(ONE, 0, c.cc);
      h.update(ONE, 0, 4);
      h.update(rsp, pStart, pEnd - pStart);
      h.final(RP_HASH);
      rpDone = true;
    }
    const sess = tpm.sessions[slot];
    randomBytes(tpm, sess.nonceTpm, 0, DIGEST_SIZE);
    const m = MAC;
    m.init(s.key, 0, s.keyLen);
    m.update(RP_HASH, 0, DIGEST_SIZE);
    m.update(sess.nonceTpm, 0, DIGEST_SIZE);
    m.update(s.nonce, 0, s.nonceLen);
    m.updateByte(s.attrs);
    m.final(EXPECT, 0);
    w.tpm2b(sess.nonceTpm, 0, DIGEST_SIZE);
    w.u8(s.attrs);
    w.tpm2b(EXPECT, 0, DIGEST_SIZE);
    if ((s.attrs & SessA.CONTINUE) === 0) sess.clear();
  }
}
