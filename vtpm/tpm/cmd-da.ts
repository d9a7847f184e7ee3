/**
 * Dictionary-attack protection (TPM 2.0 Part 1, "Dictionary Attack Protection") and its two
 * commands, TPM2_DictionaryAttackLockReset and TPM2_DictionaryAttackParameters (Part 3).
 *
 * DA-protected entities: transient objects without noDA (hash sequences are exempt) and NV
 * indices without TPMA_NV_NO_DA. PCRs and every permanent handle but TPM_RH_LOCKOUT (the owner,
 * endorsement and platform hierarchies, TPM_RH_NULL) are exempt, as in TPM 2.0 Part 1 and the
 * reference implementation's IsDAExempted. The lockout hierarchy has its own rule: one failed lockoutAuth
 * authorisation locks lockoutAuth until lockoutRecovery seconds of clock have passed (with
 * lockoutRecovery 0, until the next Startup).
 *
 * A failed authValue authorisation (password or HMAC) of a protected entity counts one failure
 * in failedTries (unless recoveryTime is 0: DA protection disabled) and is answered
 * TPM_RC_AUTH_FAIL; while failedTries >= maxTries every authValue authorisation of a protected
 * entity is refused with TPM_RC_LOCKOUT before it is checked. Every recoveryTime seconds of
 * clock after the last failure forgive one failure (daSelfHeal, run as the platform advances the
 * clock). Counting a failure is the one change a refused command makes to the instance.
 */
import { Cmd, endOfParams } from "./cmd";
import { handleType, nvSlot, objectSlot } from "./entity";
import { TpmInstance } from "./instance";
import { Ht, NvA, ObjA, Rh } from "./tpm";

/** True if a failed authorisation of entity h counts towards the DA lockout (h is not the lockout hierarchy). */
export function daProtected(tpm: TpmInstance, h: number): boolean {
  const t = handleType(h);
  if (t === Ht.TRANSIENT) {
    const s = objectSlot(tpm, h);
    if (s < 0) return false;
    const o = tpm.objects[s];
    return !o.isSequence && (o.attrs & ObjA.NO_DA) === 0;
  }
  if (t === Ht.NV_INDEX) {
    const s = nvSlot(tpm, h);
    return s >= 0 && (tpm.nv[s].attrs & NvA.NO_DA) === 0;
  }
  return false;
}

/** The TPM is in DA lockout: protected entities cannot be authorised with their authValue. */
export function inLockout(tpm: TpmInstance): boolean {
  return tpm.recoveryTime !== 0 && tpm.failedTries >= tpm.maxTries;
}

/** An authValue authorisation of h is locked out now (TPM_RC_LOCKOUT before any check). */
export function daLocked(tpm: TpmInstance, h: number): boolean {
  if (h === Rh.LOCKOUT) return !tpm.lockoutAuthEnabled;
  return inLockout(tpm) && daProtected(tpm, h);
}

/**
 * Record a failed authValue authorisation of h. Returns true if it has DA implications
 * (TPM_RC_AUTH_FAIL), false if not (TPM_RC_BAD_AUTH, nothing changed).
 */
export function daFailure(tpm: TpmInstance, h: number): boolean {
  if (h === Rh.LOCKOUT) {
    tpm.lockoutAuthEnabled = false;
    tpm.lockoutFailedMs = tpm.clockMs;
    return true;
  }
  if (!daProtected(tpm, h)) return false;
  if (tpm.recoveryTime !== 0) tpm.failedTries++;
  tpm.selfHealMs = tpm.clockMs;
  return true;
}

/** Forgive failures for the clock that has passed; re-enable lockoutAuth after lockoutRecovery. */
export function daSelfHeal(tpm: TpmInstance): void {
  if (tpm.failedTries !== 0) {
    if (tpm.recoveryTime === 0) {
      tpm.failedTries = 0;
    } else {
      const interval = tpm.recoveryTime * 1000;
      const n = Math.trunc((tpm.clockMs - tpm.selfHealMs) / interval);
      if (n > 0) {
        tpm.failedTries = n >= tpm.failedTries ? 0 : tpm.failedTries - n;
        tpm.selfHealMs = tpm.selfHealMs + n * interval;
      }
    }
  }
  if (!tpm.lockoutAuthEnabled && tpm.lockoutRecovery !== 0 && tpm.clockMs - tpm.lockoutFailedMs >= tpm.lockoutRecovery * 1000) {
    tpm.lockoutAuthEnabled = true;
  }
}

/** At every Startup: with lockoutRecovery 0, lockoutAuth is usable again. */
export function daStartup(tpm: TpmInstance): void {
  if (tpm.lockoutRecovery === 0) tpm.lockoutAuthEnabled = true;
}

/** TPM2_DictionaryAttackLockReset (lockoutHandle authorised): failedTries = 0. */
export function cmdDictionaryAttackLockReset(tpm: TpmInstance, c: Cmd): number {
  const e = endOfParams(c);
  if (e !== 0) return e;
  tpm.failedTries = 0;
  return 0;
}

/**
 * TPM2_DictionaryAttackParameters (lockoutHandle authorised): newMaxTries, newRecoveryTime,
 * lockoutRecovery. failedTries is kept (a lower maxTries may put the TPM in lockout at once);
 * newRecoveryTime 0 disables DA protection and forgives every failure.
 */
export function cmdDictionaryAttackParameters(tpm: TpmInstance, c: Cmd): number {
  const r = c.r;
  r.param(1);
  const maxTries = r.u32();
  r.param(2);
  const recoveryTime = r.u32();
  r.param(3);
  const lockoutRecovery = r.u32();
  const e = endOfParams(c);
  if (e !== 0) return e;
  tpm.maxTries = maxTries;
  tpm.recoveryTime = recoveryTime;
  tpm.lockoutRecovery = lockoutRecovery;
  if (recoveryTime === 0) tpm.failedTries = 0;
  return 0;
}
