/** TPM2_GetRandom, TPM2_StirRandom (Part 3, section 16) and TPM2_Hash (section 15.4). */
import { HmacSha256 } from "../crypto/hmac";
import { sha256 } from "../crypto/sha256";
import { Cmd, endOfParams } from "./cmd";
import { isHierarchy, proofOffset } from "./entity";
import { TpmInstance, randomBytes } from "./instance";
import { getU32 } from "./marshal";
import { Alg, DIGEST_SIZE, MAX_BUFFER, MAX_SENSITIVE_DATA, Rc, Rh, St, TPM_GENERATED } from "./tpm";

const BUF = new Uint8Array(MAX_BUFFER);
const DIGEST = new Uint8Array(DIGEST_SIZE);
const TICKET = new Uint8Array(DIGEST_SIZE);
const TAG = new Uint8Array(2);
const MAC = new HmacSha256();

/** GetRandom returns at most one digest's worth (32 bytes), as TPM2B_DIGEST bounds it. */
export function cmdGetRandom(tpm: TpmInstance, c: Cmd): number {
  const r = c.r;
  r.param(1);
  const want = r.u16();
  const e = endOfParams(c);
  if (e !== 0) return e;
  const n = want < DIGEST_SIZE ? want : DIGEST_SIZE;
  if (!randomBytes(tpm, BUF, 0, n)) return Rc.FAILURE;
  c.w.tpm2b(BUF, 0, n);
  BUF.fill(0, 0, n);
  return 0;
}

/** StirRandom mixes up to 128 bytes into the DRBG as additional input. */
export function cmdStirRandom(tpm: TpmInstance, c: Cmd): number {
  const r = c.r;
  r.param(1);
  const n = r.tpm2b(BUF, 0, MAX_SENSITIVE_DATA);
  const e = endOfParams(c);
  if (e !== 0) return e;
  tpm.drbg.reseed(BUF, 0, n, BUF, 0, 0);
  BUF.fill(0, 0, n);
  return 0;
}

/**
 * Hash returns the digest and a hashcheck ticket, HMAC(proof, TPM_ST_HASHCHECK || digest), unless
 * the hierarchy is null or the data starts with TPM_GENERATED_VALUE (then the null ticket).
 */
export function cmdHash(tpm: TpmInstance, c: Cmd): number {
  const r = c.r;
  r.param(1);
  const n = r.tpm2b(BUF, 0, MAX_BUFFER);
  r.param(2);
  const alg = r.u16();
  if (r.err === 0 && alg !== Alg.SHA256) r.fail(Rc.HASH);
  r.param(3);
  const hier = r.u32();
  if (r.err === 0 && !isHierarchy(hier)) r.fail(Rc.VALUE);
  const e = endOfParams(c);
  if (e !== 0) return e;
  sha256(BUF, 0, n, DIGEST, 0);
  const generated = n >= 4 && getU32(BUF, 0) === TPM_GENERATED;
  writeHashResult(tpm, c, hier, DIGEST, generated);
  return 0;
}

/**
 * Write outHash and its TPMT_TK_HASHCHECK: HMAC(proof(hierarchy), TPM_ST_HASHCHECK || digest),
 * or the null ticket for the null hierarchy or a message starting with TPM_GENERATED_VALUE.
 */
export function writeHashResult(tpm: TpmInstance, c: Cmd, hier: number, digest: Uint8Array, generated: boolean): void {
  const w = c.w;
  w.tpm2b(digest, 0, DIGEST_SIZE);
  w.u16(St.HASHCHECK);
  if (hier === Rh.NULL || generated) {
    w.u32(Rh.NULL);
    w.u16(0);
    return;
  }
  TAG[0] = St.HASHCHECK >>> 8;
  TAG[1] = St.HASHCHECK & 0xff;
  MAC.init(tpm.proofs, proofOffset(hier), DIGEST_SIZE);
  MAC.update(TAG, 0, 2);
  MAC.update(digest, 0, DIGEST_SIZE);
  MAC.final(TICKET, 0);
  w.u32(hier);
  w.tpm2b(TICKET, 0, DIGEST_SIZE);
}
