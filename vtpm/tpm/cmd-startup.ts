/**
 * TPM2_Startup, TPM2_Shutdown, TPM2_SelfTest and TPM2_GetTestResult (Part 3, sections 9 and 10).
 *
 * Startup(CLEAR) after Shutdown(STATE) is a TPM Restart (restartCount + 1), otherwise a TPM Reset
 * (resetCount + 1, restartCount 0, a new null-hierarchy seed and proof, so that null-hierarchy
 * contexts die). Startup(STATE) after Shutdown(STATE) is a TPM Resume: PCRs 0–15 come back from
 * the snapshot. In every case PCRs not restored start at zero, the launch log is extended into
 * PCR 17 (measured launch, see platform.ts), and transient objects and sessions are flushed.
 */
import { daStartup } from "./cmd-da";
import { AesKey } from "../crypto/aes";
import { ecdsaPublicKey, ecdsaSign, ecdsaVerify } from "../crypto/p256ecdsa";
import { sha256 } from "../crypto/sha256";
import { Cmd, endOfParams, rcParam } from "./cmd";
import { Hier, TpmInstance, hierOffset, randomBytes } from "./instance";
import { copyBytes, equalBytes } from "./marshal";
import { extendPcr } from "./pcr";
import { DIGEST_SIZE, PCR_COUNT, Rc, SU_CLEAR, SU_STATE } from "./tpm";

/** The PCR the hypervisor's launch measurement of the partition's image goes to. */
export const LAUNCH_PCR = 17;
/** The last PCR the hypervisor's launch measurements may go to (17..22 are the hypervisor's, pcr.ts). */
export const LAUNCH_PCR_LAST = 22;
/** PCRs 0..PCR_SAVED-1 are preserved by Shutdown(STATE) / Startup(STATE). */
export const PCR_SAVED = 16;

/** Flush every transient object and session (TPM Reset, Restart, Resume, power-on). */
export function flushVolatile(tpm: TpmInstance): void {
  for (let i = 0; i < tpm.objects.length; i++) tpm.objects[i].clear();
  for (let i = 0; i < tpm.sessions.length; i++) tpm.sessions[i].clear();
}

/** PCRs after a startup: the resumed ones from the snapshot, the rest zero, then the launch log into PCR 17. */
function initPcrs(tpm: TpmInstance, resume: boolean): void {
  tpm.pcrs.fill(0);
  if (resume) copyBytes(tpm.pcrs, 0, tpm.savedPcrs, 0, PCR_SAVED * DIGEST_SIZE);
  for (let i = 0; i < tpm.launchCount; i++) extendPcr(tpm, tpm.launchPcrs[i], tpm.launchLog, i * DIGEST_SIZE);
  tpm.pcrUpdateCounter = 0;
}

/** Draw the permanent seeds and proofs the first time the instance starts (its "manufacture"). */
function manufacture(tpm: TpmInstance): void {
  randomBytes(tpm, tpm.seeds, 0, 3 * DIGEST_SIZE);
  randomBytes(tpm, tpm.proofs, 0, 3 * DIGEST_SIZE);
  tpm.manufactured = true;
}

export function cmdStartup(tpm: TpmInstance, c: Cmd): number {
  const r = c.r;
  r.param(1);
  const su = r.u16();
  const e = endOfParams(c);
  if (e !== 0) return e;
  if (su !== SU_CLEAR && su !== SU_STATE) return rcParam(Rc.VALUE, 1);
  const orderly = tpm.lastShutdown === SU_STATE && tpm.hasSavedPcrs;
  if (su === SU_STATE && !orderly) return rcParam(Rc.VALUE, 1);
  if (!tpm.seeded) return Rc.FAILURE;
  if (!tpm.manufactured) manufacture(tpm);
  if (orderly) {
    tpm.restartCount++;
  } else {
    tpm.resetCount++;
    tpm.restartCount = 0;
    randomBytes(tpm, tpm.seeds, hierOffset(Hier.NULL), DIGEST_SIZE);
    randomBytes(tpm, tpm.proofs, hierOffset(Hier.NULL), DIGEST_SIZE);
  }
  flushVolatile(tpm);
  initPcrs(tpm, su === SU_STATE);
  tpm.hasSavedPcrs = false;
  tpm.savedPcrs.fill(0);
  tpm.lastShutdown = -1;
  daStartup(tpm);
  tpm.started = true;
  return 0;
}

/**
 * A state-saved PCR changed after Shutdown(STATE): the snapshot no longer matches the PCRs, so
 * the shutdown stops being orderly (the next Startup(STATE) is refused, Startup(CLEAR) is a Reset).
 */
export function voidSavedState(tpm: TpmInstance): void {
  tpm.hasSavedPcrs = false;
  tpm.savedPcrs.fill(0);
  tpm.lastShutdown = -1;
}

export function cmdShutdown(tpm: TpmInstance, c: Cmd): number {
  const r = c.r;
  r.param(1);
  const su = r.u16();
  const e = endOfParams(c);
  if (e !== 0) return e;
  if (su !== SU_CLEAR && su !== SU_STATE) return rcParam(Rc.VALUE, 1);
  if (su === SU_STATE) {
    copyBytes(tpm.savedPcrs, 0, tpm.pcrs, 0, PCR_COUNT * DIGEST_SIZE);
    tpm.hasSavedPcrs = true;
  } else {
    tpm.hasSavedPcrs = false;
    tpm.savedPcrs.fill(0);
  }
  tpm.lastShutdown = su;
  return 0;
}

// Known-answer tests: FIPS 180-4 "abc", FIPS-197 appendix C.1, and an ECDSA sign/verify round trip.
const ABC = new Uint8Array([0x61, 0x62, 0x63]);
const ABC_SHA256 = new Uint8Array([
  0xba, 0x78, 0x16, 0xbf, 0x8f, 0x01, 0xcf, 0xea, 0x41, 0x41, 0x40, 0xde, 0x5d, 0xae, 0x22, 0x23,
  0xb0, 0x03, 0x61, 0xa3, 0x96, 0x17, 0x7a, 0x9c, 0xb4, 0x10, 0xff, 0x61, 0xf2, 0x00, 0x15, 0xad,
]);
const AES_KEY = new Uint8Array([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15]);
const AES_PT = new Uint8Array([
  0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff,
]);
const AES_CT = new Uint8Array([
  0x69, 0xc4, 0xe0, 0xd8, 0x6a, 0x7b, 0x04, 0x30, 0xd8, 0xcd, 0xb7, 0x80, 0x70, 0xb4, 0xc5, 0x5a,
]);
/** ECDSA nonce for the self-test: the AES ciphertext twice (a valid scalar) */
const KAT_K = new Uint8Array([
  0x69, 0xc4, 0xe0, 0xd8, 0x6a, 0x7b, 0x04, 0x30, 0xd8, 0xcd, 0xb7, 0x80, 0x70, 0xb4, 0xc5, 0x5a,
  0x69, 0xc4, 0xe0, 0xd8, 0x6a, 0x7b, 0x04, 0x30, 0xd8, 0xcd, 0xb7, 0x80, 0x70, 0xb4, 0xc5, 0x5a,
]);
const KAT_AES = new AesKey();
const KAT_OUT = new Uint8Array(64);
const KAT_PUB = new Uint8Array(64);

/** Run the known-answer tests (the ECDSA one only when full); true if all pass. */
export function runSelfTests(full: boolean): boolean {
  sha256(ABC, 0, 3, KAT_OUT, 0);
  if (!equalBytes(KAT_OUT, 0, ABC_SHA256, 0, DIGEST_SIZE)) return false;
  KAT_AES.setKey(AES_KEY, 0, 16);
  KAT_AES.encryptBlock(AES_PT, 0, KAT_OUT, 0);
  if (!equalBytes(KAT_OUT, 0, AES_CT, 0, 16)) return false;
  if (!full) return true;
  // private key d = SHA-256("abc"), a valid scalar
  if (!ecdsaPublicKey(KAT_PUB, ABC_SHA256)) return false;
  if (!ecdsaSign(KAT_OUT, ABC_SHA256, 0, DIGEST_SIZE, ABC_SHA256, KAT_K)) return false;
  return ecdsaVerify(KAT_OUT, ABC_SHA256, 0, DIGEST_SIZE, KAT_PUB);
}

export function cmdSelfTest(tpm: TpmInstance, c: Cmd): number {
  const r = c.r;
  r.param(1);
  const full = r.u8();
  const e = endOfParams(c);
  if (e !== 0) return e;
  if (full > 1) return rcParam(Rc.VALUE, 1);
  if (!runSelfTests(full === 1)) {
    tpm.failed = true;
    return Rc.FAILURE;
  }
  return 0;
}

export function cmdGetTestResult(tpm: TpmInstance, c: Cmd): number {
  const e = endOfParams(c);
  if (e !== 0) return e;
  c.w.u16(0); // outData: no vendor diagnostics
  c.w.u32(tpm.failed ? Rc.FAILURE : 0);
  return 0;
}
