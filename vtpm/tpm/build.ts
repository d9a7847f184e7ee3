/**
 * Building TPM 2.0 commands, for clients of an instance: the vTPM test client partition
 * (lpar/guests/vtpmclient.ts) and the engine's differential program
 * (test/compiler/programs/vtpm_engine.ts). Each function appends to a Writer whose buffer holds
 * the command; beginCommand/finishCommand frame it (tag, size, command code).
 */
import { Writer, putU32 } from "./marshal";

/** TPM_ST_NO_SESSIONS and TPM_ST_SESSIONS. */
export const ST_NO_SESSIONS = 0x8001;
export const ST_SESSIONS = 0x8002;
/** TPM_RS_PW: the password session handle. */
export const RS_PW = 0x40000009;

/** Start a command in `buf`: tag, size (patched by finishCommand), command code. */
export function beginCommand(w: Writer, buf: Uint8Array, tag: number, cc: number): void {
  w.reset(buf, 0, buf.length);
  w.u16(tag);
  w.u32(0);
  w.u32(cc);
}

/** Patch the size field of the command in `buf`; returns the command's length. */
export function finishCommand(w: Writer, buf: Uint8Array): number {
  putU32(buf, 2, w.pos);
  return w.pos;
}

/** An authorisation area of one password session with an empty password. */
export function passwordSession(w: Writer): void {
  w.u32(9);
  w.u32(RS_PW);
  w.u16(0);
  w.u8(1);
  w.u16(0);
}

/**
 * A TPM2B_PUBLIC template of an ECC NIST P-256 key: a storage key (restricted|decrypt,
 * AES-128-CFB) or a restricted ECDSA-SHA256 signing key, both fixedTPM|fixedParent|
 * sensitiveDataOrigin|userWithAuth.
 */
export function eccTemplate(w: Writer, storage: boolean): void {
  const at = w.beginSize16();
  w.u16(0x0023);
  w.u16(0x000b);
  w.u32(storage ? 0x00030072 : 0x00050072);
  w.u16(0);
  if (storage) {
    w.u16(0x0006);
    w.u16(128);
    w.u16(0x0043);
    w.u16(0x0010);
  } else {
    w.u16(0x0010);
    w.u16(0x0018);
    w.u16(0x000b);
  }
  w.u16(0x0003);
  w.u16(0x0010);
  w.u16(0);
  w.u16(0);
  w.endSize16(at);
}

/** CreatePrimary/Create parameters: inSensitive (empty), the template, outsideInfo (empty), creationPCR (none). */
export function createParams(w: Writer, storage: boolean): void {
  w.u16(4);
  w.u16(0);
  w.u16(0);
  eccTemplate(w, storage);
  w.u16(0);
  w.u32(0);
}

/** A TPML_PCR_SELECTION of the SHA-256 bank with the PCRs of the 24-bit `mask`. */
export function pcrSelection(w: Writer, mask: number): void {
  w.u32(1);
  w.u16(0x000b);
  w.u8(3);
  w.u8(mask & 0xff);
  w.u8((mask >>> 8) & 0xff);
  w.u8((mask >>> 16) & 0xff);
}
