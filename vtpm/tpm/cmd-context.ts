/**
 * TPM2_ContextSave, TPM2_ContextLoad and TPM2_FlushContext (Part 3, section 28) for transient
 * objects. (Sessions are not saved: a session's context is refused with TPM_RC_HANDLE.)
 *
 * A saved object context is TPMS_CONTEXT { sequence, savedHandle, hierarchy, contextBlob } with
 *   contextBlob = TPM2B_DIGEST integrity || AES-128-CFB(key, iv, object state)
 *   key || iv  = KDFa(proof(hierarchy), "CONTEXT", sequence, resetValue, 256)
 *   integrity  = HMAC(proof(hierarchy), sequence || savedHandle || hierarchy || resetValue || encrypted)
 * where resetValue is the (resetCount, restartCount) pair for stClear objects and zero otherwise,
 * so stClear contexts die at the next TPM Reset or Restart, null-hierarchy ones at the next TPM
 * Reset (the null proof changes), and the others live as long as the hierarchy's proof.
 */
import { AesKey, aesCfbDecrypt, aesCfbEncrypt } from "../crypto/aes";
import { HmacSha256 } from "../crypto/hmac";
import { kdfa } from "../crypto/kdf";
import { Cmd, endOfParams, rcHandle, rcParam } from "./cmd";
import { handleType, isHierarchy, objectSlot, proofOffset, sessionSlot } from "./entity";
import { TpmObject, TpmInstance } from "./instance";
import { Reader, Writer, equalBytes, putU32 } from "./marshal";
import { copyObject, freeObjectSlot, readObjectState, writeObjectState } from "./objects";
import { CONTEXT_OBJECT, CONTEXT_OBJECT_STCLEAR, DIGEST_SIZE, Ht, ObjA, Rc, TRANSIENT_FIRST } from "./tpm";

/** The savedHandle of a hash sequence's context (Part 2 TPMS_CONTEXT; objects 0x80000000, stClear 0x80000002). */
const CONTEXT_SEQUENCE = 0x80000001;

/** Largest contextBlob this engine writes (TPM_PT_MAX_OBJECT_CONTEXT). */
export const MAX_CONTEXT_BLOB = 512;

const PLAIN = new Uint8Array(MAX_CONTEXT_BLOB);
const PLAIN_W = new Writer(PLAIN);
const PLAIN_R = new Reader(PLAIN);
const CTX_BYTES = new Uint8Array(16);
const KEYIV = new Uint8Array(32);
const MAC_OUT = new Uint8Array(DIGEST_SIZE);
const AES = new AesKey();
const MAC = new HmacSha256();
const STAGE = new TpmObject(0);
const L_CONTEXT = new Uint8Array([0x43, 0x4f, 0x4e, 0x54, 0x45, 0x58, 0x54]); // "CONTEXT"

/** CTX_BYTES = sequence (8) || resetValue (8). */
function contextBytes(tpm: TpmInstance, seqHi: number, seqLo: number, stClear: boolean): void {
  putU32(CTX_BYTES, 0, seqHi);
  putU32(CTX_BYTES, 4, seqLo);
  putU32(CTX_BYTES, 8, stClear ? tpm.resetCount : 0);
  putU32(CTX_BYTES, 12, stClear ? tpm.restartCount : 0);
}

/** Set AES to the context key and KEYIV[16..32) to the IV. */
function contextKey(tpm: TpmInstance, hierarchy: number): void {
  kdfa(tpm.proofs, proofOffset(hierarchy), DIGEST_SIZE, L_CONTEXT, 0, L_CONTEXT.length, CTX_BYTES, 0, 8,
    CTX_BYTES, 8, 8, 256, KEYIV, 0);
  AES.setKey(KEYIV, 0, 16);
}

/** MAC_OUT = the integrity value over enc[off..off+len). */
function contextIntegrity(tpm: TpmInstance, savedHandle: number, hierarchy: number, enc: Uint8Array, off: number, len: number): void {
  MAC.init(tpm.proofs, proofOffset(hierarchy), DIGEST_SIZE);
  MAC.update(CTX_BYTES, 0, 8);
  MAC.updateU32(savedHandle);
  MAC.updateU32(hierarchy);
  MAC.update(CTX_BYTES, 8, 8);
  MAC.update(enc, off, len);
  MAC.final(MAC_OUT, 0);
}

export function cmdContextSave(tpm: TpmInstance, c: Cmd): number {
  const e = endOfParams(c);
  if (e !== 0) return e;
  const h = c.handles[0];
  if (handleType(h) !== Ht.TRANSIENT) return rcHandle(Rc.HANDLE, 1);
  const o = tpm.objects[objectSlot(tpm, h)];
  const stClear = (o.attrs & ObjA.ST_CLEAR) !== 0;
  const savedHandle = o.isSequence ? CONTEXT_SEQUENCE : stClear ? CONTEXT_OBJECT_STCLEAR : CONTEXT_OBJECT;
  const seq = tpm.contextSeq;
  const seqHi = Math.trunc(seq / 0x100000000);
  const seqLo = seq >>> 0;
  tpm.contextSeq = seq + 1;
  const pw = PLAIN_W;
  pw.reset(PLAIN, 0, PLAIN.length);
  writeObjectState(pw, o);
  const n = pw.pos;
  contextBytes(tpm, seqHi, seqLo, stClear);
  contextKey(tpm, o.hierarchy);
  aesCfbEncrypt(AES, KEYIV, 16, PLAIN, 0, PLAIN, 0, n);
  contextIntegrity(tpm, savedHandle, o.hierarchy, PLAIN, 0, n);
  const w = c.w;
  w.u64(seqHi, seqLo);
  w.u32(savedHandle);
  w.u32(o.hierarchy);
  w.u16(2 + DIGEST_SIZE + n);
  w.tpm2b(MAC_OUT, 0, DIGEST_SIZE);
  w.bytes(PLAIN, 0, n);
  PLAIN.fill(0);
  KEYIV.fill(0);
  return 0;
}

export function cmdContextLoad(tpm: TpmInstance, c: Cmd): number {
  const r = c.r;
  r.param(1);
  const seqHi = r.u32();
  const seqLo = r.u32();
  const savedHandle = r.u32();
  const hierarchy = r.u32();
  const blobOff = r.tpm2bInPlace(MAX_CONTEXT_BLOB + 2 + DIGEST_SIZE);
  const blobLen = r.lastSize;
  const e = endOfParams(c);
  if (e !== 0) return e;
  if (savedHandle !== CONTEXT_OBJECT && savedHandle !== CONTEXT_OBJECT_STCLEAR && savedHandle !== CONTEXT_SEQUENCE) {
    return rcParam(Rc.HANDLE, 1);
  }
  if (!isHierarchy(hierarchy)) return rcParam(Rc.HIERARCHY, 1);
  const buf = r.buf;
  if (blobLen < 2 + DIGEST_SIZE || ((buf[blobOff] << 8) | buf[blobOff + 1]) !== DIGEST_SIZE) return rcParam(Rc.SIZE, 1);
  const encOff = blobOff + 2 + DIGEST_SIZE;
  const encLen = blobLen - 2 - DIGEST_SIZE;
  if (encLen > MAX_CONTEXT_BLOB) return rcParam(Rc.SIZE, 1);
  const stClear = savedHandle === CONTEXT_OBJECT_STCLEAR;
  contextBytes(tpm, seqHi, seqLo, stClear);
  contextIntegrity(tpm, savedHandle, hierarchy, buf, encOff, encLen);
  if (!equalBytes(MAC_OUT, 0, buf, blobOff + 2, DIGEST_SIZE)) return rcParam(Rc.INTEGRITY, 1);
  const slot = freeObjectSlot(tpm);
  if (slot < 0) return Rc.OBJECT_MEMORY;
  contextKey(tpm, hierarchy);
  aesCfbDecrypt(AES, KEYIV, 16, buf, encOff, PLAIN, 0, encLen);
  KEYIV.fill(0);
  const pr = PLAIN_R;
  pr.reset(PLAIN, 0, encLen);
  readObjectState(pr, STAGE);
  const ok = pr.err === 0 && pr.atEnd() && STAGE.hierarchy === hierarchy && STAGE.isSequence === (savedHandle === CONTEXT_SEQUENCE);
  PLAIN.fill(0);
  if (!ok) {
    STAGE.clear();
    return Rc.BAD_CONTEXT;
  }
  copyObject(tpm.objects[slot], STAGE);
  STAGE.clear();
  c.rspHandle = TRANSIENT_FIRST + slot;
  return 0;
}

export function cmdFlushContext(tpm: TpmInstance, c: Cmd): number {
  const r = c.r;
  r.param(1);
  const h = r.u32();
  const e = endOfParams(c);
  if (e !== 0) return e;
  const t = handleType(h);
  if (t === Ht.TRANSIENT) {
    const s = objectSlot(tpm, h);
    if (s < 0) return rcParam(Rc.HANDLE, 1);
    tpm.objects[s].clear();
    return 0;
  }
  if (t === Ht.HMAC_SESSION || t === Ht.POLICY_SESSION) {
    const s = sessionSlot(tpm, h);
    if (s < 0) return rcParam(Rc.HANDLE, 1);
    tpm.sessions[s].clear();
    return 0;
  }
  return rcParam(Rc.VALUE, 1);
}
