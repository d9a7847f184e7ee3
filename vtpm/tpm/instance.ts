/**
 * One vTPM instance: everything a TPM keeps, in fixed-size storage allocated at construction.
 *
 * Persistent state (survives power cycles and is saved by state.ts): the hierarchy seeds and
 * proofs, hierarchy authValues, NV indices, the reset/restart counters and clock, the DRBG, the
 * context counter, the launch log and the PCR snapshot of an orderly Shutdown(STATE).
 * Volatile state (lost at TPM reset, also saved so that a restore loses nothing): PCRs, loaded
 * transient objects and sessions.
 *
 * An instance is chosen by its transport (the vTPM partition's CRQ binds one instance per client
 * partition; `tshype vtpm serve` runs one): nothing in a command names it.
 */
import { pool } from "tsnc";
import { HmacDrbg } from "../crypto/drbg";
import { Sha256 } from "../crypto/sha256";
import { DIGEST_SIZE, MAX_AUTH, NAME_SIZE, NV_INDEX_MAX, PCR_COUNT } from "./tpm";

export const MAX_OBJECTS = 3;
export const MAX_SESSIONS = 3;
export const MAX_NV_INDICES = 8;
export const MAX_LAUNCH = 8;
/** largest canonical TPMT_PUBLIC this engine produces (ECC key with a 32-byte policy) */
export const MAX_PUBLIC = 160;
/** Dictionary-attack defaults: maxTries, recoveryTime (s), lockoutRecovery (s). */
export const DA_MAX_TRIES = 32;
export const DA_RECOVERY_TIME = 600;
export const DA_LOCKOUT_RECOVERY = 86400;

/** Hierarchy slots for seeds, proofs and authValues. */
export const enum Hier {
  PLATFORM = 0,
  OWNER = 1,
  ENDORSEMENT = 2,
  NULL = 3,
  LOCKOUT = 4,
}

/** A loaded transient object: a P-256 key (storage or signing) or a hash sequence. */
export class TpmObject {
  readonly slot: number;
  used: boolean = false;
  /** a hash sequence (HashSequenceStart): only auth, seq and seqHead are meaningful */
  isSequence: boolean = false;
  /** the running SHA-256 of a hash sequence */
  readonly seq: Sha256 = new Sha256();
  /** the first (up to 4) bytes of the sequence's message, big-endian, and how many there are */
  seqHead: number = 0;
  seqHeadLen: number = 0;
  /** TPM_RH of the hierarchy it belongs to */
  hierarchy: number = 0;
  /** canonical marshalled TPMT_PUBLIC */
  readonly pub: Uint8Array = new Uint8Array(MAX_PUBLIC);
  pubLen: number = 0;
  /** TPMA_OBJECT */
  attrs: number = 0;
  /** storage keys: AES key bits of the symmetric definition (0 for none) */
  symBits: number = 0;
  /** signing scheme: Alg.ECDSA or Alg.NULL */
  scheme: number = 0;
  readonly x: Uint8Array = new Uint8Array(32);
  readonly y: Uint8Array = new Uint8Array(32);
  /** private scalar */
  readonly d: Uint8Array = new Uint8Array(32);
  /** seedValue of the sensitive area (the storage key's protection seed) */
  readonly seed: Uint8Array = new Uint8Array(DIGEST_SIZE);
  readonly auth: Uint8Array = new Uint8Array(MAX_AUTH);
  authLen: number = 0;
  readonly name: Uint8Array = new Uint8Array(NAME_SIZE);
  readonly qn: Uint8Array = new Uint8Array(NAME_SIZE);

  constructor(slot: number) {
    this.slot = slot;
  }

  /** Forget everything (the slot becomes free and holds no key material). */
  clear(): void {
    this.used = false;
    this.isSequence = false;
    this.seq.init();
    // init() keeps the partial block and the message schedule: wipe the sequence's message bytes
    this.seq.buf.fill(0);
    this.seq.w.fill(0);
    this.seqHead = 0;
    this.seqHeadLen = 0;
    this.hierarchy = 0;
    this.pub.fill(0);
    this.pubLen = 0;
    this.attrs = 0;
    this.symBits = 0;
    this.scheme = 0;
    this.x.fill(0);
    this.y.fill(0);
    this.d.fill(0);
    this.seed.fill(0);
    this.auth.fill(0);
    this.authLen = 0;
    this.name.fill(0);
    this.qn.fill(0);
  }
}

/** An HMAC authorisation session. */
export class Session {
  readonly slot: number;
  used: boolean = false;
  readonly nonceTpm: Uint8Array = new Uint8Array(DIGEST_SIZE);
  readonly sessionKey: Uint8Array = new Uint8Array(DIGEST_SIZE);
  keyLen: number = 0;
  /** bound session: the bind entity's name and authValue */
  bound: boolean = false;
  readonly bindName: Uint8Array = new Uint8Array(NAME_SIZE);
  bindNameLen: number = 0;
  readonly bindAuth: Uint8Array = new Uint8Array(MAX_AUTH);
  bindAuthLen: number = 0;

  constructor(slot: number) {
    this.slot = slot;
  }

  clear(): void {
    this.used = false;
    this.nonceTpm.fill(0);
    this.sessionKey.fill(0);
    this.keyLen = 0;
    this.bound = false;
    this.bindName.fill(0);
    this.bindNameLen = 0;
    this.bindAuth.fill(0);
    this.bindAuthLen = 0;
  }
}

/** An ordinary NV index. */
export class NvIndex {
  readonly slot: number;
  used: boolean = false;
  index: number = 0;
  /** TPMA_NV */
  attrs: number = 0;
  readonly policy: Uint8Array = new Uint8Array(DIGEST_SIZE);
  policyLen: number = 0;
  readonly auth: Uint8Array = new Uint8Array(MAX_AUTH);
  authLen: number = 0;
  size: number = 0;
  readonly data: Uint8Array = new Uint8Array(NV_INDEX_MAX);

  constructor(slot: number) {
    this.slot = slot;
  }

  clear(): void {
    this.used = false;
    this.index = 0;
    this.attrs = 0;
    this.policy.fill(0);
    this.policyLen = 0;
    this.auth.fill(0);
    this.authLen = 0;
    this.size = 0;
    this.data.fill(0);
  }
}

export class TpmInstance {
  readonly id: number;
  /** set once the seeds have been drawn (the first power-on with entropy) */
  manufactured: boolean = false;
  powered: boolean = false;
  /** TPM2_Startup has run since power-on */
  started: boolean = false;
  /** a self-test failed: only GetTestResult and GetCapability are answered */
  failed: boolean = false;
  /** the last TPM2_Shutdown since power-on: -1 none, else SU_CLEAR or SU_STATE */
  lastShutdown: number = -1;
  resetCount: number = 0;
  restartCount: number = 0;
  /** milliseconds the instance has been powered, advanced by the platform */
  clockMs: number = 0;
  /** the DRBG has been given entropy */
  seeded: boolean = false;
  readonly drbg: HmacDrbg = new HmacDrbg();
  /** per hierarchy (Hier.PLATFORM..NULL): primary seed and proof */
  readonly seeds: Uint8Array = new Uint8Array(4 * DIGEST_SIZE);
  readonly proofs: Uint8Array = new Uint8Array(4 * DIGEST_SIZE);
  /** per Hier (PLATFORM, OWNER, ENDORSEMENT, NULL unused, LOCKOUT): authValue */
  readonly hierAuth: Uint8Array = new Uint8Array(5 * MAX_AUTH);
  readonly hierAuthLen: Uint32Array = new Uint32Array(5);
  readonly pcrs: Uint8Array = new Uint8Array(PCR_COUNT * DIGEST_SIZE);
  pcrUpdateCounter: number = 0;
  /** PCR values saved by Shutdown(STATE) for a later Startup(STATE) */
  readonly savedPcrs: Uint8Array = new Uint8Array(PCR_COUNT * DIGEST_SIZE);
  hasSavedPcrs: boolean = false;
  readonly objects: Array<TpmObject> = pool(MAX_OBJECTS, TpmObject);
  readonly sessions: Array<Session> = pool(MAX_SESSIONS, Session);
  readonly nv: Array<NvIndex> = pool(MAX_NV_INDICES, NvIndex);
  /** sequence number of the next saved context */
  contextSeq: number = 1;
  /**
   * what the hypervisor measured before the partition started: launchCount digests, each to be
   * extended into PCR launchPcrs[i] (17..22) at every Startup(CLEAR)
   */
  readonly launchLog: Uint8Array = new Uint8Array(MAX_LAUNCH * DIGEST_SIZE);
  readonly launchPcrs: Uint8Array = new Uint8Array(MAX_LAUNCH);
  launchCount: number = 0;
  /**
   * Dictionary-attack protection (TPM 2.0 Part 1, "Dictionary Attack Protection"; see auth.ts):
   * authorisation failures of DA-protected entities counted, the lockout threshold, the seconds
   * of clock after which one failure is forgiven (0: DA protection disabled) and the seconds
   * after a lockoutAuth failure before lockoutAuth may be used again (0: only after the next
   * Startup). Times are tpm.clockMs values.
   */
  failedTries: number = 0;
  maxTries: number = DA_MAX_TRIES;
  recoveryTime: number = DA_RECOVERY_TIME;
  lockoutRecovery: number = DA_LOCKOUT_RECOVERY;
  /** the clock from which the next recoveryTime interval counts (the last failure, or the last forgiven one) */
  selfHealMs: number = 0;
  /** lockoutAuth may be used (false after a failed lockoutAuth authorisation) */
  lockoutAuthEnabled: boolean = true;
  /** the clock at the last failed lockoutAuth authorisation */
  lockoutFailedMs: number = 0;

  constructor(id: number) {
    this.id = id;
  }
}

/** Draw len random bytes into out[off..] from the instance's DRBG (reseeding is the platform's job). */
export function randomBytes(tpm: TpmInstance, out: Uint8Array, off: number, len: number): boolean {
  return tpm.drbg.generate(out, off, len, out, 0, 0);
}

/** Offset in seeds/proofs of a hierarchy slot. */
export function hierOffset(h: number): number {
  return h * DIGEST_SIZE;
}
