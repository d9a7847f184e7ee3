/**
 * TPM2_CreatePrimary, TPM2_Create, TPM2_Load and TPM2_ReadPublic (Part 3, sections 12 and 24.1).
 * Key rules and protection: objects.ts.
 */
import { HmacSha256 } from "../crypto/hmac";
import { Sha256 } from "../crypto/sha256";
import { Cmd, endOfParams, rcHandle, rcParam } from "./cmd";
import { objectSlot, proofOffset } from "./entity";
import { Hier, TpmObject, TpmInstance, hierOffset } from "./instance";
import { putU32 } from "./marshal";
import {
  Template, checkTemplate, computeQualifiedName, copyObject, derivePrimary, freeObjectSlot, isStorageKey,
  keyBindingOk, randomKey, readPrivate, readPublic, setKey, setPublicFromTemplate, writeObjectPublic, writePrivate,
} from "./objects";
import { PcrSelection, pcrDigest, readPcrSelection, writePcrSelection } from "./pcr";
import { Alg, DIGEST_SIZE, MAX_AUTH, MAX_DATA, MAX_SENSITIVE_DATA, NAME_SIZE, Rc, Rh, St, TRANSIENT_FIRST } from "./tpm";

const TMPL = new Template();
const USER_AUTH = new Uint8Array(MAX_AUTH);
const SENS_DATA = new Uint8Array(MAX_SENSITIVE_DATA);
const OUTSIDE = new Uint8Array(MAX_DATA);
const SEL = new PcrSelection();
const D = new Uint8Array(32);
const SEED = new Uint8Array(DIGEST_SIZE);
const STAGE = new TpmObject(0);
const HNAME = new Uint8Array(4);
const CREATION_HASH = new Uint8Array(DIGEST_SIZE);
const TICKET = new Uint8Array(DIGEST_SIZE);
const TAG = new Uint8Array(2);
const HASH = new Sha256();
const MAC = new HmacSha256();

/** The parsed parameters shared by CreatePrimary and Create. */
class CreateParams {
  authLen: number = 0;
  dataLen: number = 0;
  outsideLen: number = 0;
  /** the TPMT_PUBLIC template bytes in the command buffer */
  tmplOff: number = 0;
  tmplLen: number = 0;
}
const P = new CreateParams();

/** Read inSensitive, inPublic, outsideInfo, creationPCR; 0 or a numbered response code. */
function readCreateParams(c: Cmd): number {
  const r = c.r;
  r.param(1);
  const size = r.u16();
  const start = r.pos;
  P.authLen = r.tpm2b(USER_AUTH, 0, MAX_AUTH);
  P.dataLen = r.tpm2b(SENS_DATA, 0, MAX_SENSITIVE_DATA);
  if (r.err === 0 && r.pos - start !== size) r.fail(Rc.SIZE);
  r.param(2);
  P.tmplOff = readPublic(r, TMPL);
  P.tmplLen = r.lastSize;
  r.param(3);
  P.outsideLen = r.tpm2b(OUTSIDE, 0, MAX_DATA);
  r.param(4);
  readPcrSelection(r, SEL);
  return endOfParams(c);
}

/** Checks common to both creations: the template against its parent (-1: primary). */
function checkCreate(parentAttrs: number): number {
  const rc = checkTemplate(TMPL, parentAttrs);
  if (rc !== 0) return rcParam(rc, 2);
  if (P.dataLen !== 0) return rcParam(Rc.SIZE, 1);
  return 0;
}

/**
 * Write TPM2B_CREATION_DATA, TPM2B_DIGEST creationHash and TPMT_TK_CREATION for object o.
 * parentName/parentQn of length 4 mean a hierarchy (parentNameAlg TPM_ALG_NULL).
 */
function writeCreation(tpm: TpmInstance, c: Cmd, o: TpmObject, parentName: Uint8Array, parentQn: Uint8Array, pLen: number): void {
  const w = c.w;
  const at = w.beginSize16();
  writePcrSelection(w, SEL);
  if (SEL.count === 0 || SEL.mask === 0) {
    w.u16(0);
  } else {
    pcrDigest(tpm, SEL, CREATION_HASH);
    w.tpm2b(CREATION_HASH, 0, DIGEST_SIZE);
  }
  w.u8(1 << c.locality);
  w.u16(pLen === 4 ? Alg.NULL : Alg.SHA256);
  w.tpm2b(parentName, 0, pLen);
  w.tpm2b(parentQn, 0, pLen);
  w.tpm2b(OUTSIDE, 0, P.outsideLen);
  w.endSize16(at);
  HASH.init();
  if (!w.overflow) HASH.update(w.buf, at + 2, w.pos - at - 2);
  HASH.final(CREATION_HASH);
  w.tpm2b(CREATION_HASH, 0, DIGEST_SIZE);
  w.u16(St.CREATION);
  if (o.hierarchy === Rh.NULL) {
    w.u32(Rh.NULL);
    w.u16(0);
    return;
  }
  TAG[0] = St.CREATION >>> 8;
  TAG[1] = St.CREATION & 0xff;
  MAC.init(tpm.proofs, proofOffset(o.hierarchy), DIGEST_SIZE);
  MAC.update(TAG, 0, 2);
  MAC.update(o.name, 0, NAME_SIZE);
  MAC.update(CREATION_HASH, 0, DIGEST_SIZE);
  MAC.final(TICKET, 0);
  w.u32(o.hierarchy);
  w.tpm2b(TICKET, 0, DIGEST_SIZE);
}

/** The Hier slot of a primary hierarchy handle. */
function primarySeedSlot(h: number): number {
  if (h === Rh.PLATFORM) return Hier.PLATFORM;
  if (h === Rh.ENDORSEMENT) return Hier.ENDORSEMENT;
  if (h === Rh.NULL) return Hier.NULL;
  return Hier.OWNER;
}

export function cmdCreatePrimary(tpm: TpmInstance, c: Cmd): number {
  const e = readCreateParams(c);
  if (e !== 0) return e;
  const chk = checkCreate(-1);
  if (chk !== 0) return chk;
  const slot = freeObjectSlot(tpm);
  if (slot < 0) return Rc.OBJECT_MEMORY;
  const hier = c.handles[0];
  if (!derivePrimary(tpm.seeds, hierOffset(primarySeedSlot(hier)), c.r.buf, P.tmplOff, P.tmplLen, D, SEED)) return Rc.FAILURE;
  const o = tpm.objects[slot];
  if (!setKey(o, TMPL, D, SEED, USER_AUTH, P.authLen)) {
    o.clear();
    return Rc.FAILURE;
  }
  D.fill(0);
  SEED.fill(0);
  o.hierarchy = hier;
  putU32(HNAME, 0, hier);
  computeQualifiedName(HNAME, 4, o.name, o.qn);
  c.rspHandle = TRANSIENT_FIRST + slot;
  const w = c.w;
  writeObjectPublic(w, o);
  writeCreation(tpm, c, o, HNAME, HNAME, 4);
  w.tpm2b(o.name, 0, NAME_SIZE);
  return 0;
}

/** The parent handle must be a loaded storage key: its slot, or a negative response code. */
function storageParent(tpm: TpmInstance, h: number): number {
  const s = objectSlot(tpm, h);
  if (s < 0) return -rcHandle(Rc.HANDLE, 1);
  if (!isStorageKey(tpm.objects[s].attrs)) return -rcHandle(Rc.TYPE, 1);
  return s;
}

export function cmdCreate(tpm: TpmInstance, c: Cmd): number {
  const e = readCreateParams(c);
  if (e !== 0) return e;
  const ps = storageParent(tpm, c.handles[0]);
  if (ps < 0) return -ps;
  const parent = tpm.objects[ps];
  const chk = checkCreate(parent.attrs);
  if (chk !== 0) return chk;
  const o = STAGE;
  o.clear();
  if (!randomKey(tpm, D, SEED) || !setKey(o, TMPL, D, SEED, USER_AUTH, P.authLen)) return Rc.FAILURE;
  D.fill(0);
  SEED.fill(0);
  o.hierarchy = parent.hierarchy;
  const w = c.w;
  writePrivate(w, parent, o);
  writeObjectPublic(w, o);
  writeCreation(tpm, c, o, parent.name, parent.qn, NAME_SIZE);
  o.clear();
  return 0;
}

export function cmdLoad(tpm: TpmInstance, c: Cmd): number {
  const r = c.r;
  r.param(1);
  const privOff = r.tpm2bInPlace(2 + DIGEST_SIZE + 256);
  const privLen = r.lastSize;
  r.param(2);
  const pubOff = readPublic(r, TMPL);
  const pubLen = r.lastSize;
  const e = endOfParams(c);
  if (e !== 0) return e;
  const ps = storageParent(tpm, c.handles[0]);
  if (ps < 0) return -ps;
  const parent = tpm.objects[ps];
  const chk = checkTemplate(TMPL, parent.attrs);
  if (chk !== 0) return rcParam(chk, 2);
  if (TMPL.xLen !== 32 || TMPL.yLen !== 32) return rcParam(Rc.ECC_POINT, 2);
  const slot = freeObjectSlot(tpm);
  if (slot < 0) return Rc.OBJECT_MEMORY;
  const o = STAGE;
  o.clear();
  setPublicFromTemplate(o, TMPL, r.buf, pubOff, pubLen);
  const prc = readPrivate(r.buf, privOff, privLen, parent, o.name, o);
  if (prc !== 0) {
    o.clear();
    return prc === Rc.INTEGRITY ? rcParam(prc, 1) : prc;
  }
  if (!keyBindingOk(o)) {
    o.clear();
    return rcParam(Rc.BINDING, 2);
  }
  o.hierarchy = parent.hierarchy;
  computeQualifiedName(parent.qn, NAME_SIZE, o.name, o.qn);
  o.used = true;
  copyObject(tpm.objects[slot], o);
  o.clear();
  c.rspHandle = TRANSIENT_FIRST + slot;
  c.w.tpm2b(tpm.objects[slot].name, 0, NAME_SIZE);
  return 0;
}

export function cmdReadPublic(tpm: TpmInstance, c: Cmd): number {
  const e = endOfParams(c);
  if (e !== 0) return e;
  const o = tpm.objects[objectSlot(tpm, c.handles[0])];
  if (o.isSequence) return Rc.SEQUENCE;
  const w = c.w;
  writeObjectPublic(w, o);
  w.tpm2b(o.name, 0, NAME_SIZE);
  w.tpm2b(o.qn, 0, NAME_SIZE);
  return 0;
}
