/**
 * TPM2_StartAuthSession (Part 3, section 11.1) for HMAC sessions, unsalted, bound or unbound,
 * with no parameter encryption (symmetric TPM_ALG_NULL) and SHA-256.
 *
 *   sessionKey = KDFa(SHA-256, bind.authValue, "ATH", nonceTPM, nonceCaller, 256)  (bound)
 *   sessionKey = empty                                                              (unbound)
 *
 * Refused: salted sessions (tpmKey other than TPM_RH_NULL: TPM_RC_KEY), policy and trial
 * sessions (TPM_RC_VALUE), parameter encryption (TPM_RC_SYMMETRIC), other hashes (TPM_RC_HASH).
 */
import { kdfa } from "../crypto/kdf";
import { Cmd, endOfParams, rcHandle, rcParam } from "./cmd";
import { entityAuthValue, entityName } from "./entity";
import { TpmInstance, randomBytes } from "./instance";
import { copyBytes, trimZeros } from "./marshal";
import { Alg, DIGEST_SIZE, HMAC_SESSION_FIRST, MAX_AUTH, MAX_NONCE, MIN_NONCE, Rc, Rh, SE_HMAC } from "./tpm";

const NONCE_CALLER = new Uint8Array(MAX_NONCE);
const AUTHV = new Uint8Array(MAX_AUTH);
const L_ATH = new Uint8Array([0x41, 0x54, 0x48]); // "ATH"

/** A free session slot, or -1. */
function freeSessionSlot(tpm: TpmInstance): number {
  for (let i = 0; i < tpm.sessions.length; i++) {
    if (!tpm.sessions[i].used) return i;
  }
  return -1;
}

export function cmdStartAuthSession(tpm: TpmInstance, c: Cmd): number {
  const r = c.r;
  r.param(1);
  const nLen = r.tpm2b(NONCE_CALLER, 0, MAX_NONCE);
  if (r.err === 0 && nLen < MIN_NONCE) r.fail(Rc.SIZE);
  r.param(2);
  r.tpm2bInPlace(512);
  const saltLen = r.lastSize;
  r.param(3);
  const type = r.u8();
  r.param(4);
  const sym = r.u16();
  if (r.err === 0 && sym !== Alg.NULL) r.fail(Rc.SYMMETRIC);
  r.param(5);
  const hash = r.u16();
  if (r.err === 0 && hash !== Alg.SHA256) r.fail(Rc.HASH);
  const e = endOfParams(c);
  if (e !== 0) return e;
  const tpmKey = c.handles[0];
  const bind = c.handles[1];
  if (tpmKey !== Rh.NULL) return rcHandle(Rc.KEY, 1);
  if (saltLen !== 0) return rcParam(Rc.VALUE, 2);
  if (type !== SE_HMAC) return rcParam(Rc.VALUE, 3);
  const slot = freeSessionSlot(tpm);
  if (slot < 0) return Rc.SESSION_MEMORY;
  const s = tpm.sessions[slot];
  s.clear();
  if (!randomBytes(tpm, s.nonceTpm, 0, DIGEST_SIZE)) return Rc.FAILURE;
  if (bind !== Rh.NULL) {
    const a = entityAuthValue(tpm, bind, AUTHV, 0);
    const authLen = a < 0 ? 0 : trimZeros(AUTHV, 0, a);
    s.bound = true;
    s.bindNameLen = entityName(tpm, bind, s.bindName, 0);
    copyBytes(s.bindAuth, 0, AUTHV, 0, authLen);
    s.bindAuthLen = authLen;
    kdfa(AUTHV, 0, authLen, L_ATH, 0, L_ATH.length, s.nonceTpm, 0, DIGEST_SIZE, NONCE_CALLER, 0, nLen,
      8 * DIGEST_SIZE, s.sessionKey, 0);
    s.keyLen = DIGEST_SIZE;
    AUTHV.fill(0);
  }
  s.used = true;
  c.rspHandle = HMAC_SESSION_FIRST + slot;
  c.w.tpm2b(s.nonceTpm, 0, DIGEST_SIZE);
  return 0;
}
