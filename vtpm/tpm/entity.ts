/**
 * Entities a handle can name: hierarchies, PCRs, transient objects, NV indices and sessions.
 * Resolves a handle to its slot, its Name (TPM 2.0 Part 1, "Names") and its authValue.
 *
 * Names: a permanent handle, PCR or session is named by its handle (4 bytes, big-endian); an
 * object by nameAlg || H(TPMT_PUBLIC); an NV index by nameAlg || H(TPMS_NV_PUBLIC); a hash sequence
 * by the Empty Buffer.
 */
import { sha256 } from "../crypto/sha256";
import { Writer, copyBytes, putU16, putU32 } from "./marshal";
import { Hier, NvIndex, TpmInstance, hierOffset } from "./instance";
import { Alg, DIGEST_SIZE, HMAC_SESSION_FIRST, Ht, MAX_AUTH, NVA_TYPE_MASK, NvA, ObjA, PCR_COUNT, Rh, TRANSIENT_FIRST } from "./tpm";

/** The hierarchy slot (Hier) of a hierarchy or lockout handle, or -1. */
export function hierSlot(h: number): number {
  switch (h) {
    case Rh.PLATFORM: return Hier.PLATFORM;
    case Rh.OWNER: return Hier.OWNER;
    case Rh.ENDORSEMENT: return Hier.ENDORSEMENT;
    case Rh.NULL: return Hier.NULL;
    case Rh.LOCKOUT: return Hier.LOCKOUT;
    default: return -1;
  }
}

/** The handle type: the top byte. */
export function handleType(h: number): number {
  return h >>> 24;
}

/** Slot of the loaded transient object with handle h, or -1. */
export function objectSlot(tpm: TpmInstance, h: number): number {
  const i = h - TRANSIENT_FIRST;
  if (i < 0 || i >= tpm.objects.length) return -1;
  return tpm.objects[i].used ? i : -1;
}

/** Slot of the active HMAC session with handle h, or -1. */
export function sessionSlot(tpm: TpmInstance, h: number): number {
  const i = h - HMAC_SESSION_FIRST;
  if (i < 0 || i >= tpm.sessions.length) return -1;
  return tpm.sessions[i].used ? i : -1;
}

/** Slot of the defined NV index with handle h, or -1. */
export function nvSlot(tpm: TpmInstance, h: number): number {
  for (let i = 0; i < tpm.nv.length; i++) {
    const n = tpm.nv[i];
    if (n.used && n.index === h) return i;
  }
  return -1;
}

/** True if h is a PCR handle this TPM implements. */
export function isPcr(h: number): boolean {
  return h >= 0 && h < PCR_COUNT;
}

/** Marshal TPMS_NV_PUBLIC of an index. */
export function writeNvPublic(w: Writer, nv: NvIndex): void {
  w.u32(nv.index);
  w.u16(Alg.SHA256);
  w.u32(nv.attrs);
  w.tpm2b(nv.policy, 0, nv.policyLen);
  w.u16(nv.size);
}

const NV_SCRATCH = new Uint8Array(64);
const NV_W = new Writer(NV_SCRATCH);

/** Write the Name of an NV index to out[off..]; returns its length (34). */
export function nvName(nv: NvIndex, out: Uint8Array, off: number): number {
  NV_W.reset(NV_SCRATCH, 0, NV_SCRATCH.length);
  writeNvPublic(NV_W, nv);
  putU16(out, off, Alg.SHA256);
  sha256(NV_SCRATCH, 0, NV_W.pos, out, off + 2);
  return 2 + DIGEST_SIZE;
}

/** Write the Name of the entity h to out[off..]; returns its length, or 0 if h names nothing loaded. */
export function entityName(tpm: TpmInstance, h: number, out: Uint8Array, off: number): number {
  const t = handleType(h);
  if (t === Ht.TRANSIENT) {
    const s = objectSlot(tpm, h);
    if (s < 0) return 0;
    // a hash sequence has no name algorithm: its Name is the Empty Buffer
    if (tpm.objects[s].isSequence) return 0;
    copyBytes(out, off, tpm.objects[s].name, 0, 2 + DIGEST_SIZE);
    return 2 + DIGEST_SIZE;
  }
  if (t === Ht.NV_INDEX) {
    const s = nvSlot(tpm, h);
    if (s < 0) return 0;
    return nvName(tpm.nv[s], out, off);
  }
  putU32(out, off, h);
  return 4;
}

/**
 * The authValue of entity h whatever the role (an object's even without userWithAuth), as the bind
 * entity of a session contributes it, copied to out[off..]; returns its length, or -1 if h names
 * nothing (an object, index or PCR that does not exist).
 */
export function entityAuthValue(tpm: TpmInstance, h: number, out: Uint8Array, off: number): number {
  const t = handleType(h);
  if (t === Ht.TRANSIENT) {
    const s = objectSlot(tpm, h);
    if (s < 0) return -1;
    const o = tpm.objects[s];
    copyBytes(out, off, o.auth, 0, o.authLen);
    return o.authLen;
  }
  if (t === Ht.NV_INDEX) {
    const s = nvSlot(tpm, h);
    if (s < 0) return -1;
    const n = tpm.nv[s];
    copyBytes(out, off, n.auth, 0, n.authLen);
    return n.authLen;
  }
  if (t === Ht.PCR) return isPcr(h) ? 0 : -1;
  const hs = hierSlot(h);
  if (hs < 0 || hs === Hier.NULL) return hs === Hier.NULL ? 0 : -1;
  const len = tpm.hierAuthLen[hs];
  copyBytes(out, off, tpm.hierAuth, hs * MAX_AUTH, len);
  return len;
}

/**
 * The authValue of entity h for the USER role (entityAuthValue, except that an object without
 * userWithAuth, other than a hash sequence, cannot be authorised with it: -1).
 */
export function entityAuth(tpm: TpmInstance, h: number, out: Uint8Array, off: number): number {
  if (handleType(h) === Ht.TRANSIENT) {
    const s = objectSlot(tpm, h);
    if (s >= 0) {
      const o = tpm.objects[s];
      if ((o.attrs & ObjA.USER_WITH_AUTH) === 0 && !o.isSequence) return -1;
    }
  }
  return entityAuthValue(tpm, h, out, off);
}

/** True for TPMI_RH_HIERARCHY+: owner, endorsement, platform or null. */
export function isHierarchy(h: number): boolean {
  return h === Rh.OWNER || h === Rh.ENDORSEMENT || h === Rh.PLATFORM || h === Rh.NULL;
}

/** The proof of a hierarchy handle (for tickets and context integrity): offset into tpm.proofs. */
export function proofOffset(hierarchyHandle: number): number {
  const s = hierSlot(hierarchyHandle);
  return hierOffset(s < 0 || s > Hier.NULL ? Hier.NULL : s);
}

/** True for an NV index of type ordinary (the only type this engine defines). */
export function isOrdinaryNv(attrs: number): boolean {
  return (attrs & NVA_TYPE_MASK) === 0;
}

/** The NV attribute allowing `authHandle` to write (true) or read (false) index nv. */
export function nvAccessAllowed(nv: NvIndex, authHandle: number, write: boolean): boolean {
  if (authHandle === nv.index) return (nv.attrs & (write ? NvA.AUTHWRITE : NvA.AUTHREAD)) !== 0;
  if (authHandle === Rh.OWNER) return (nv.attrs & (write ? NvA.OWNERWRITE : NvA.OWNERREAD)) !== 0;
  if (authHandle === Rh.PLATFORM) return (nv.attrs & (write ? NvA.PPWRITE : NvA.PPREAD)) !== 0;
  return false;
}
