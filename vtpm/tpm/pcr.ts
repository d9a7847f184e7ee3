/**
 * Platform Configuration Registers: one SHA-256 bank of 24, with the attributes of this vTPM's
 * profile (after the PC Client profile, with the hypervisor as locality 4):
 *
 *   PCR 0–15   extend at any locality, never reset (preserved by Shutdown(STATE)/Startup(STATE))
 *   PCR 16     debug: extend and reset at any locality
 *   PCR 17–22  hypervisor only (locality 4): PCR 17 holds the measured launch of the partition
 *   PCR 23     application: extend and reset at any locality
 *
 * The table below is the only place these rules are written; PCR_Extend, PCR_Reset and
 * GetCapability(TPM_CAP_PCR_PROPERTIES) all read it.
 */
import { Sha256 } from "../crypto/sha256";
import { Reader, Writer, copyBytes } from "./marshal";
import { TpmInstance } from "./instance";
import { Alg, DIGEST_SIZE, PCR_COUNT, PCR_SELECT_SIZE, Rc } from "./tpm";

const ANY = 0x1f;
const HV = 0x10;
/** per PCR: the localities (bit n = locality n) that may extend it */
export const PCR_EXTEND_LOCALITIES = new Uint8Array([
  ANY, ANY, ANY, ANY, ANY, ANY, ANY, ANY, ANY, ANY, ANY, ANY, ANY, ANY, ANY, ANY,
  ANY, HV, HV, HV, HV, HV, HV, ANY,
]);
/** per PCR: the localities that may reset it (0: never) */
export const PCR_RESET_LOCALITIES = new Uint8Array([
  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
  ANY, HV, HV, HV, HV, HV, HV, ANY,
]);

const H = new Sha256();

/** PCR[i] = SHA-256(PCR[i] || digest[off..off+32)). */
export function extendPcr(tpm: TpmInstance, i: number, digest: Uint8Array, off: number): void {
  const h = H;
  h.init();
  h.update(tpm.pcrs, i * DIGEST_SIZE, DIGEST_SIZE);
  h.update(digest, off, DIGEST_SIZE);
  h.finalAt(tpm.pcrs, i * DIGEST_SIZE);
}

/** True if `locality` may extend (reset = false) or reset (reset = true) PCR i. */
export function pcrAllowed(i: number, locality: number, reset: boolean): boolean {
  const mask = reset ? PCR_RESET_LOCALITIES[i] : PCR_EXTEND_LOCALITIES[i];
  return (mask & (1 << locality)) !== 0;
}

/** A TPML_PCR_SELECTION over the one bank: `count` 0 or 1 and the selected PCRs as a 24-bit mask. */
export class PcrSelection {
  count: number = 0;
  mask: number = 0;
}

/**
 * Read a TPML_PCR_SELECTION. More than one bank or a bank other than SHA-256 is refused
 * (TPM_RC_SIZE, TPM_RC_HASH); sizeofSelect must be 3 (TPM_RC_VALUE).
 */
export function readPcrSelection(r: Reader, sel: PcrSelection): void {
  const count = r.u32();
  sel.count = 0;
  sel.mask = 0;
  if (r.err !== 0) return;
  if (count > 1) {
    r.fail(Rc.SIZE);
    return;
  }
  for (let i = 0; i < count; i++) {
    const alg = r.u16();
    const size = r.u8();
    if (r.err !== 0) return;
    if (alg !== Alg.SHA256) {
      r.fail(Rc.HASH);
      return;
    }
    if (size !== PCR_SELECT_SIZE) {
      r.fail(Rc.VALUE);
      return;
    }
    const b0 = r.u8();
    const b1 = r.u8();
    const b2 = r.u8();
    sel.mask = b0 | (b1 << 8) | (b2 << 16);
    sel.count = 1;
  }
}

/** Write a TPML_PCR_SELECTION. */
export function writePcrSelection(w: Writer, sel: PcrSelection): void {
  w.u32(sel.count);
  if (sel.count === 0) return;
  w.u16(Alg.SHA256);
  w.u8(PCR_SELECT_SIZE);
  w.u8(sel.mask & 0xff);
  w.u8((sel.mask >>> 8) & 0xff);
  w.u8((sel.mask >>> 16) & 0xff);
}

/** out[0..32) = SHA-256 of the selected PCRs' values in index order (pcrDigest of quotes and creation data). */
export function pcrDigest(tpm: TpmInstance, sel: PcrSelection, out: Uint8Array): void {
  const h = H;
  h.init();
  if (sel.count !== 0) {
    for (let i = 0; i < PCR_COUNT; i++) {
      if ((sel.mask & (1 << i)) !== 0) h.update(tpm.pcrs, i * DIGEST_SIZE, DIGEST_SIZE);
    }
  }
  h.final(out);
}

/** Copy PCR i to out[off..]. */
export function readPcr(tpm: TpmInstance, i: number, out: Uint8Array, off: number): void {
  copyBytes(out, off, tpm.pcrs, i * DIGEST_SIZE, DIGEST_SIZE);
}
