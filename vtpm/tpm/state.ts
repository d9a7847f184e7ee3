/**
 * Instance state images: everything an instance holds, serialised so that the vTPM partition can
 * save an instance and restore it with nothing lost (seeds, proofs, DRBG, counters, clock, PCRs,
 * the Shutdown(STATE) snapshot, NV indices, loaded objects, sessions, the launch log, the
 * dictionary-attack counter, parameters and timers).
 *
 * Image: "TSVT" u32 magic, u16 version, the fields below in order, then SHA-256 of all preceding
 * bytes. The image is integrity-checked but not encrypted: it holds the instance's secrets, so
 * whoever stores it must protect it (the vTPM partition keeps images in its own memory; sealing
 * them to the platform is the job of the manager that persists them).
 *
 * restoreState validates the whole image into a staging instance first and only then reads it
 * into the target, so a bad image leaves the target exactly as it was.
 */
import { sha256 } from "../crypto/sha256";
import { readObjectState, writeObjectState } from "./objects";
import { MAX_LAUNCH, TpmInstance } from "./instance";
import { Reader, Writer, equalBytes } from "./marshal";
import { DIGEST_SIZE, Ht, MAX_AUTH, NAME_SIZE, NV_INDEX_MAX, PCR_COUNT, Rc } from "./tpm";
import { handleType } from "./entity";
import { LAUNCH_PCR, LAUNCH_PCR_LAST } from "./cmd-startup";

export const STATE_MAGIC = 0x54535654; // "TSVT"
export const STATE_VERSION = 3;
/** Version 2 images (before launch measurements named their PCR: all went to PCR 17) still restore. */
const STATE_VERSION_2 = 2;
/** What version the image being read has (readState). */
let readingVersion = STATE_VERSION;
/** Upper bound of an image's size. */
export const STATE_MAX = 16384;

const HIER_AUTH_SLOTS = 5;
const TWO32 = 0x100000000;
const W = new Writer(new Uint8Array(1));
const R = new Reader(new Uint8Array(1));
const DIGEST = new Uint8Array(DIGEST_SIZE);
const STAGE = new TpmInstance(0);

function writeFlag(w: Writer, b: boolean): void {
  w.u8(b ? 1 : 0);
}

function writeNumber64(w: Writer, v: number): void {
  w.u64(Math.trunc(v / TWO32), v >>> 0);
}

/** Serialise tpm into out; returns the image length, or 0 if out is too small. */
export function saveState(tpm: TpmInstance, out: Uint8Array): number {
  const w = W;
  w.reset(out, 0, out.length);
  w.u32(STATE_MAGIC);
  w.u16(STATE_VERSION);
  w.u32(tpm.id);
  writeFlag(w, tpm.manufactured);
  writeFlag(w, tpm.powered);
  writeFlag(w, tpm.started);
  writeFlag(w, tpm.failed);
  writeFlag(w, tpm.seeded);
  writeFlag(w, tpm.hasSavedPcrs);
  w.u8(tpm.lastShutdown < 0 ? 0xff : tpm.lastShutdown);
  w.u32(tpm.resetCount);
  w.u32(tpm.restartCount);
  writeNumber64(w, tpm.clockMs);
  writeNumber64(w, tpm.contextSeq);
  w.u32(tpm.pcrUpdateCounter);
  w.bytes(tpm.drbg.key, 0, DIGEST_SIZE);
  w.bytes(tpm.drbg.v, 0, DIGEST_SIZE);
  writeNumber64(w, tpm.drbg.reseedCounter);
  w.bytes(tpm.seeds, 0, tpm.seeds.length);
  w.bytes(tpm.proofs, 0, tpm.proofs.length);
  for (let i = 0; i < HIER_AUTH_SLOTS; i++) w.tpm2b(tpm.hierAuth, i * MAX_AUTH, tpm.hierAuthLen[i]);
  w.bytes(tpm.pcrs, 0, tpm.pcrs.length);
  w.bytes(tpm.savedPcrs, 0, tpm.savedPcrs.length);
  w.u8(tpm.launchCount);
  w.bytes(tpm.launchLog, 0, tpm.launchCount * DIGEST_SIZE);
  w.bytes(tpm.launchPcrs, 0, tpm.launchCount);
  w.u32(tpm.failedTries);
  w.u32(tpm.maxTries);
  w.u32(tpm.recoveryTime);
  w.u32(tpm.lockoutRecovery);
  writeNumber64(w, tpm.selfHealMs);
  writeFlag(w, tpm.lockoutAuthEnabled);
  writeNumber64(w, tpm.lockoutFailedMs);
  for (let i = 0; i < tpm.objects.length; i++) {
    const o = tpm.objects[i];
    writeFlag(w, o.used);
    if (o.used) writeObjectState(w, o);
  }
  for (let i = 0; i < tpm.sessions.length; i++) {
    const s = tpm.sessions[i];
    writeFlag(w, s.used);
    if (!s.used) continue;
    w.bytes(s.nonceTpm, 0, DIGEST_SIZE);
    w.tpm2b(s.sessionKey, 0, s.keyLen);
    writeFlag(w, s.bound);
    w.tpm2b(s.bindName, 0, s.bindNameLen);
    w.tpm2b(s.bindAuth, 0, s.bindAuthLen);
  }
  for (let i = 0; i < tpm.nv.length; i++) {
    const n = tpm.nv[i];
    writeFlag(w, n.used);
    if (!n.used) continue;
    w.u32(n.index);
    w.u32(n.attrs);
    w.tpm2b(n.policy, 0, n.policyLen);
    w.tpm2b(n.auth, 0, n.authLen);
    w.tpm2b(n.data, 0, n.size);
  }
  if (w.overflow || w.pos + DIGEST_SIZE > out.length) return 0;
  sha256(out, 0, w.pos, out, w.pos);
  return w.pos + DIGEST_SIZE;
}

function readFlag(r: Reader): boolean {
  const b = r.u8();
  if (b > 1) r.fail(Rc.VALUE);
  return b === 1;
}

function readNumber64(r: Reader): number {
  const hi = r.u32();
  const lo = r.u32();
  if (hi >= 0x100000) {
    r.fail(Rc.VALUE);
    return 0;
  }
  return hi * TWO32 + lo;
}

/** Read an image body (after magic and version) into t; errors go to r. */
function readState(r: Reader, t: TpmInstance): void {
  r.u32(); // id: the instance keeps its own
  t.manufactured = readFlag(r);
  t.powered = readFlag(r);
  t.started = readFlag(r);
  t.failed = readFlag(r);
  t.seeded = readFlag(r);
  t.hasSavedPcrs = readFlag(r);
  const ls = r.u8();
  if (ls !== 0xff && ls > 1) r.fail(Rc.VALUE);
  t.lastShutdown = ls === 0xff ? -1 : ls;
  t.resetCount = r.u32();
  t.restartCount = r.u32();
  t.clockMs = readNumber64(r);
  t.contextSeq = readNumber64(r);
  t.pcrUpdateCounter = r.u32();
  r.bytes(t.drbg.key, 0, DIGEST_SIZE);
  r.bytes(t.drbg.v, 0, DIGEST_SIZE);
  t.drbg.reseedCounter = readNumber64(r);
  // the DRBG's HMAC is kept keyed with its Key between calls: key it with the restored Key
  t.drbg.mac.init(t.drbg.key, 0, DIGEST_SIZE);
  r.bytes(t.seeds, 0, t.seeds.length);
  r.bytes(t.proofs, 0, t.proofs.length);
  t.hierAuth.fill(0);
  for (let i = 0; i < HIER_AUTH_SLOTS; i++) t.hierAuthLen[i] = r.tpm2b(t.hierAuth, i * MAX_AUTH, MAX_AUTH);
  r.bytes(t.pcrs, 0, PCR_COUNT * DIGEST_SIZE);
  r.bytes(t.savedPcrs, 0, PCR_COUNT * DIGEST_SIZE);
  const lc = r.u8();
  if (lc > MAX_LAUNCH) r.fail(Rc.VALUE);
  t.launchLog.fill(0);
  t.launchCount = r.err === 0 ? lc : 0;
  r.bytes(t.launchLog, 0, t.launchCount * DIGEST_SIZE);
  t.launchPcrs.fill(0);
  if (readingVersion === STATE_VERSION_2) t.launchPcrs.fill(LAUNCH_PCR, 0, t.launchCount);
  else r.bytes(t.launchPcrs, 0, t.launchCount);
  for (let i = 0; i < t.launchCount; i++) if (t.launchPcrs[i] < LAUNCH_PCR || t.launchPcrs[i] > LAUNCH_PCR_LAST) r.fail(Rc.VALUE);
  t.failedTries = r.u32();
  t.maxTries = r.u32();
  t.recoveryTime = r.u32();
  t.lockoutRecovery = r.u32();
  t.selfHealMs = readNumber64(r);
  t.lockoutAuthEnabled = readFlag(r);
  t.lockoutFailedMs = readNumber64(r);
  if (t.selfHealMs > t.clockMs || t.lockoutFailedMs > t.clockMs) r.fail(Rc.VALUE);
  for (let i = 0; i < t.objects.length; i++) {
    const o = t.objects[i];
    o.clear();
    if (readFlag(r)) readObjectState(r, o);
  }
  for (let i = 0; i < t.sessions.length; i++) {
    const s = t.sessions[i];
    s.clear();
    if (!readFlag(r)) continue;
    r.bytes(s.nonceTpm, 0, DIGEST_SIZE);
    s.keyLen = r.tpm2b(s.sessionKey, 0, DIGEST_SIZE);
    s.bound = readFlag(r);
    s.bindNameLen = r.tpm2b(s.bindName, 0, NAME_SIZE);
    s.bindAuthLen = r.tpm2b(s.bindAuth, 0, MAX_AUTH);
    s.used = r.err === 0;
  }
  for (let i = 0; i < t.nv.length; i++) {
    const n = t.nv[i];
    n.clear();
    if (!readFlag(r)) continue;
    n.index = r.u32();
    n.attrs = r.u32();
    n.policyLen = r.tpm2b(n.policy, 0, DIGEST_SIZE);
    n.authLen = r.tpm2b(n.auth, 0, MAX_AUTH);
    n.size = r.tpm2b(n.data, 0, NV_INDEX_MAX);
    if (r.err === 0 && handleType(n.index) !== Ht.NV_INDEX) r.fail(Rc.VALUE);
    n.used = r.err === 0;
  }
}

/**
 * Restore tpm from img[0..len). Returns 0 when restored; otherwise TPM_RC_INTEGRITY (digest
 * mismatch), TPM_RC_TAG (magic or version), TPM_RC_SIZE (truncated or trailing bytes) or
 * TPM_RC_VALUE (a field out of range), with tpm unchanged.
 */
export function restoreState(tpm: TpmInstance, img: Uint8Array, len: number): number {
  if (len < 6 + DIGEST_SIZE || len > img.length) return Rc.SIZE;
  const body = len - DIGEST_SIZE;
  sha256(img, 0, body, DIGEST, 0);
  if (!equalBytes(DIGEST, 0, img, body, DIGEST_SIZE)) return Rc.INTEGRITY;
  const r = R;
  r.reset(img, 0, body);
  if (r.u32() !== STATE_MAGIC) return Rc.TAG;
  readingVersion = r.u16();
  if (readingVersion !== STATE_VERSION && readingVersion !== STATE_VERSION_2) return Rc.TAG;
  readState(r, STAGE);
  const ok = r.err === 0 && r.atEnd();
  const rc = r.err !== 0 ? ((r.err & 0xff) === Rc.INSUFFICIENT ? Rc.SIZE : Rc.VALUE) : Rc.SIZE;
  if (!ok) return rc;
  r.reset(img, 6, body);
  readState(r, tpm);
  return 0;
}
