/**
 * Hash sequences (Part 3, section 17): TPM2_HashSequenceStart, TPM2_SequenceUpdate and
 * TPM2_SequenceComplete for SHA-256 — how tpm2_hash digests messages longer than one
 * TPM2B_MAX_BUFFER. A sequence occupies an object slot until SequenceComplete (or FlushContext);
 * it is authorised with the authValue given at its start. Event sequences (hashAlg TPM_ALG_NULL)
 * are not implemented (TPM_RC_HASH).
 */
import { Cmd, endOfParams } from "./cmd";
import { isHierarchy, objectSlot } from "./entity";
import { TpmObject, TpmInstance } from "./instance";
import { copyBytes, trimZeros } from "./marshal";
import { freeObjectSlot } from "./objects";
import { writeHashResult } from "./cmd-random";
import { Alg, DIGEST_SIZE, MAX_AUTH, MAX_BUFFER, Rc, Rh, TPM_GENERATED, TRANSIENT_FIRST } from "./tpm";

const AUTHV = new Uint8Array(MAX_AUTH);
const DIGEST = new Uint8Array(DIGEST_SIZE);

export function cmdHashSequenceStart(tpm: TpmInstance, c: Cmd): number {
  const r = c.r;
  r.param(1);
  const authLen = r.tpm2b(AUTHV, 0, MAX_AUTH);
  r.param(2);
  const alg = r.u16();
  if (r.err === 0 && alg !== Alg.SHA256) r.fail(Rc.HASH);
  const e = endOfParams(c);
  if (e !== 0) return e;
  const slot = freeObjectSlot(tpm);
  if (slot < 0) return Rc.OBJECT_MEMORY;
  const o = tpm.objects[slot];
  o.clear();
  o.isSequence = true;
  o.hierarchy = Rh.NULL;
  const n = trimZeros(AUTHV, 0, authLen);
  copyBytes(o.auth, 0, AUTHV, 0, n);
  o.authLen = n;
  AUTHV.fill(0);
  o.used = true;
  c.rspHandle = TRANSIENT_FIRST + slot;
  return 0;
}

/** Absorb buf[off..off+len) into the sequence, remembering the message's first 4 bytes. */
function absorb(o: TpmObject, buf: Uint8Array, off: number, len: number): void {
  for (let i = 0; i < len && o.seqHeadLen < 4; i++) {
    o.seqHead = ((o.seqHead << 8) | buf[off + i]) >>> 0;
    o.seqHeadLen++;
  }
  o.seq.update(buf, off, len);
}

export function cmdSequenceUpdate(tpm: TpmInstance, c: Cmd): number {
  const r = c.r;
  r.param(1);
  const at = r.tpm2bInPlace(MAX_BUFFER);
  const len = r.lastSize;
  const e = endOfParams(c);
  if (e !== 0) return e;
  absorb(tpm.objects[objectSlot(tpm, c.handles[0])], r.buf, at, len);
  return 0;
}

/** Completes the digest with a hashcheck ticket for `hierarchy` and flushes the sequence. */
export function cmdSequenceComplete(tpm: TpmInstance, c: Cmd): number {
  const r = c.r;
  r.param(1);
  const at = r.tpm2bInPlace(MAX_BUFFER);
  const len = r.lastSize;
  r.param(2);
  const hier = r.u32();
  if (r.err === 0 && !isHierarchy(hier)) r.fail(Rc.VALUE);
  const e = endOfParams(c);
  if (e !== 0) return e;
  const o = tpm.objects[objectSlot(tpm, c.handles[0])];
  absorb(o, r.buf, at, len);
  o.seq.final(DIGEST);
  const generated = o.seqHeadLen === 4 && o.seqHead === TPM_GENERATED;
  writeHashResult(tpm, c, hier, DIGEST, generated);
  o.clear();
  return 0;
}
