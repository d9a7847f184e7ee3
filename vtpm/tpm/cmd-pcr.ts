/** TPM2_PCR_Extend, TPM2_PCR_Read, TPM2_PCR_Reset (Part 3, section 22). Rules per PCR: pcr.ts. */
import { Cmd, endOfParams } from "./cmd";
import { PCR_SAVED, voidSavedState } from "./cmd-startup";
import { TpmInstance } from "./instance";
import { PcrSelection, extendPcr, pcrAllowed, readPcrSelection, writePcrSelection } from "./pcr";
import { Alg, DIGEST_SIZE, PCR_COUNT, Rc, Rh } from "./tpm";

const MAX_READ = 8;
const SEL = new PcrSelection();
const OUT_SEL = new PcrSelection();
const DIGEST = new Uint8Array(DIGEST_SIZE);

export function cmdPcrExtend(tpm: TpmInstance, c: Cmd): number {
  const r = c.r;
  r.param(1);
  const count = r.u32();
  if (r.err === 0 && count > 1) r.fail(Rc.SIZE);
  if (count === 1) {
    const alg = r.u16();
    if (r.err === 0 && alg !== Alg.SHA256) r.fail(Rc.HASH);
    r.bytes(DIGEST, 0, DIGEST_SIZE);
  }
  const e = endOfParams(c);
  if (e !== 0) return e;
  const pcr = c.handles[0];
  if (pcr === Rh.NULL) return 0;
  if (!pcrAllowed(pcr, c.locality, false)) return Rc.LOCALITY;
  if (count === 1) {
    extendPcr(tpm, pcr, DIGEST, 0);
    tpm.pcrUpdateCounter++;
    if (pcr < PCR_SAVED && tpm.hasSavedPcrs) voidSavedState(tpm);
  }
  return 0;
}

export function cmdPcrReset(tpm: TpmInstance, c: Cmd): number {
  const e = endOfParams(c);
  if (e !== 0) return e;
  const pcr = c.handles[0];
  if (!pcrAllowed(pcr, c.locality, true)) return Rc.LOCALITY;
  tpm.pcrs.fill(0, pcr * DIGEST_SIZE, (pcr + 1) * DIGEST_SIZE);
  tpm.pcrUpdateCounter++;
  return 0;
}

/** PCR_Read returns at most 8 values; pcrSelectionOut says which. */
export function cmdPcrRead(tpm: TpmInstance, c: Cmd): number {
  const r = c.r;
  r.param(1);
  readPcrSelection(r, SEL);
  const e = endOfParams(c);
  if (e !== 0) return e;
  OUT_SEL.count = SEL.count;
  OUT_SEL.mask = 0;
  let n = 0;
  for (let i = 0; i < PCR_COUNT && n < MAX_READ; i++) {
    if ((SEL.mask & (1 << i)) !== 0) {
      OUT_SEL.mask = OUT_SEL.mask | (1 << i);
      n++;
    }
  }
  const w = c.w;
  w.u32(tpm.pcrUpdateCounter);
  writePcrSelection(w, OUT_SEL);
  w.u32(n);
  for (let i = 0; i < PCR_COUNT; i++) {
    if ((OUT_SEL.mask & (1 << i)) !== 0) w.tpm2b(tpm.pcrs, i * DIGEST_SIZE, DIGEST_SIZE);
  }
  return 0;
}
