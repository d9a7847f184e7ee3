/**
 * The privileged side of a vTPM instance: what the hypervisor (or `tshype vtpm serve`, standing in
 * for it) does to an instance. None of this is reachable through a TPM command.
 *
 *   powerOn / powerOff   _TPM_Init and power loss: power-on of a powered instance changes nothing
 *                        (the mssim TCTI signals power-on before every client); after a power
 *                        loss, loaded objects, sessions and PCRs are gone and TPM2_Startup is due
 *   addEntropy           seeds (first call, at least 32 bytes) or reseeds the instance's DRBG
 *   advanceClock         the TPM clock, in milliseconds of powered time; dictionary-attack
 *                        recovery (cmd-da.ts) is measured on it
 *   measureLaunch        measured launch: the hypervisor records the SHA-256 of a partition image
 *                        before the partition's first instruction; every Startup(CLEAR) extends
 *                        the recorded digests into PCR 17, which no client locality can extend or
 *                        reset (pcr.ts), so a quote over PCR 17 attests what the hypervisor launched
 */
import { daSelfHeal } from "./cmd-da";
import { flushVolatile, LAUNCH_PCR, LAUNCH_PCR_LAST } from "./cmd-startup";
import { MAX_LAUNCH, TpmInstance } from "./instance";
import { copyBytes } from "./marshal";
import { extendPcr } from "./pcr";
import { DIGEST_SIZE, Rc } from "./tpm";

const INSTANCE_NONCE = new Uint8Array(8);
const MAX_CLOCK = 0x10000000000000; // 2^52 ms

export function powerOn(tpm: TpmInstance): void {
  if (tpm.powered) return;
  tpm.powered = true;
  tpm.started = false;
  tpm.failed = false;
  flushVolatile(tpm);
  tpm.pcrs.fill(0);
}

export function powerOff(tpm: TpmInstance): void {
  tpm.powered = false;
  tpm.started = false;
  flushVolatile(tpm);
  tpm.pcrs.fill(0);
}

/**
 * Mix len bytes of entropy into the instance's DRBG. The first call instantiates it and needs at
 * least 32 bytes (returns false, nothing changed, if fewer); later calls reseed.
 */
export function addEntropy(tpm: TpmInstance, data: Uint8Array, off: number, len: number): boolean {
  if (!tpm.seeded) {
    if (len < 32) return false;
    INSTANCE_NONCE[4] = tpm.id >>> 24;
    INSTANCE_NONCE[5] = tpm.id >>> 16;
    INSTANCE_NONCE[6] = tpm.id >>> 8;
    INSTANCE_NONCE[7] = tpm.id;
    tpm.drbg.instantiate(data, off, len, INSTANCE_NONCE, 0, 8, INSTANCE_NONCE, 0, 0);
    tpm.seeded = true;
    return true;
  }
  tpm.drbg.reseed(data, off, len, data, 0, 0);
  return true;
}

/** Advance the TPM clock by ms milliseconds (negative values are ignored). */
export function advanceClock(tpm: TpmInstance, ms: number): void {
  if (ms <= 0) return;
  const t = tpm.clockMs + ms;
  tpm.clockMs = t > MAX_CLOCK ? MAX_CLOCK : t;
  daSelfHeal(tpm);
}

/** Forget the recorded launch measurements (a new partition image is about to be measured). */
export function clearLaunchLog(tpm: TpmInstance): void {
  tpm.launchLog.fill(0);
  tpm.launchPcrs.fill(0);
  tpm.launchCount = 0;
}

/**
 * Record the SHA-256 digest[off..off+32) of a partition image. If the instance is already
 * started the digest is extended into PCR 17 at once as well. Returns 0, or TPM_RC_NV_SPACE when
 * MAX_LAUNCH digests are recorded already (nothing changed).
 */
export function measureLaunch(tpm: TpmInstance, digest: Uint8Array, off: number): number {
  return measureLaunchInto(tpm, LAUNCH_PCR, digest, off);
}

/**
 * measureLaunch into hypervisor PCR `pcr` (LAUNCH_PCR..LAUNCH_PCR_LAST): the hypervisor measures
 * a partition's image into 17 and its other launch inputs (initrd, device tree, label) into the
 * next ones. TPM_RC_VALUE for another PCR, TPM_RC_NV_SPACE when the log is full (nothing changed).
 */
export function measureLaunchInto(tpm: TpmInstance, pcr: number, digest: Uint8Array, off: number): number {
  if (pcr < LAUNCH_PCR || pcr > LAUNCH_PCR_LAST) return Rc.VALUE;
  if (tpm.launchCount >= MAX_LAUNCH) return Rc.NV_SPACE;
  copyBytes(tpm.launchLog, tpm.launchCount * DIGEST_SIZE, digest, off, DIGEST_SIZE);
  tpm.launchPcrs[tpm.launchCount] = pcr;
  tpm.launchCount++;
  if (tpm.started) extendPcr(tpm, pcr, digest, off);
  return 0;
}
