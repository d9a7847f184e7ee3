/**
 * Objects: P-256 ECC keys (TPM 2.0 Part 1, "Object"; Part 2, TPMT_PUBLIC / TPMT_SENSITIVE).
 *
 * Supported: nameAlg SHA-256; storage keys (restricted | decrypt, AES-128/256-CFB, scheme NULL)
 * and signing keys (sign, ECDSA-SHA256 or NULL scheme; restricted signing keys need ECDSA).
 * A template is parsed strictly into a Template, its attributes are checked, and the object's
 * public area is re-marshalled canonically (the same bytes the client would marshal).
 *
 * Keys: a primary key is derived from its hierarchy's seed and the template (an HMAC_DRBG
 * instantiated with the seed, SHA-256(template) as nonce and the "Primary Object Creation"
 * label), so the same template gives the same key until the seed changes; other keys come from
 * the instance DRBG.
 *
 * Protection of a child's sensitive area (Part 1, "Protected Storage"):
 *   symKey    = KDFa(parent seedValue, "STORAGE", Name(child), -, parent key bits), IV = 0
 *   hmacKey   = KDFa(parent seedValue, "INTEGRITY", -, -, 256)
 *   encSens   = AES-CFB(symKey, TPM2B_SENSITIVE)
 *   TPM2B_PRIVATE = TPM2B_DIGEST(HMAC(hmacKey, encSens || Name(child))) || encSens
 */
import { AesKey, aesCfbDecrypt, aesCfbEncrypt } from "../crypto/aes";
import { HmacDrbg } from "../crypto/drbg";
import { HmacSha256 } from "../crypto/hmac";
import { kdfa } from "../crypto/kdf";
import { ecdsaPublicKey } from "../crypto/p256ecdsa";
import { Sha256, sha256 } from "../crypto/sha256";
import { MAX_PUBLIC, TpmObject, TpmInstance, randomBytes } from "./instance";
import { Reader, Writer, copyBytes, equalBytes, putU16, trimZeros } from "./marshal";
import { Alg, DIGEST_SIZE, ECC_NIST_P256, MAX_AUTH, NAME_SIZE, OBJA_RESERVED, ObjA, Rc } from "./tpm";

/** A parsed TPMT_PUBLIC of an ECC key. */
export class Template {
  attrs: number = 0;
  readonly policy: Uint8Array = new Uint8Array(DIGEST_SIZE);
  policyLen: number = 0;
  /** AES key bits, 0 for TPM_ALG_NULL */
  symBits: number = 0;
  /** Alg.ECDSA or Alg.NULL */
  scheme: number = 0;
  readonly x: Uint8Array = new Uint8Array(32);
  xLen: number = 0;
  readonly y: Uint8Array = new Uint8Array(32);
  yLen: number = 0;
}

/** Fill dst with the ASCII bytes of s (module initialisation of the KDF labels). */
function ascii(dst: Uint8Array, s: string): void {
  for (let i = 0; i < s.length; i++) dst[i] = s.charCodeAt(i);
}
const L_STORAGE = new Uint8Array(7);
ascii(L_STORAGE, "STORAGE");
const L_INTEGRITY = new Uint8Array(9);
ascii(L_INTEGRITY, "INTEGRITY");
const L_PRIMARY = new Uint8Array(23);
ascii(L_PRIMARY, "Primary Object Creation");

/**
 * Read a TPM2B_PUBLIC holding an ECC TPMT_PUBLIC into t. Returns the offset of the TPMT_PUBLIC
 * bytes in r.buf (its length is then r.lastSize); errors are recorded in r.
 */
export function readPublic(r: Reader, t: Template): number {
  const size = r.u16();
  if (r.err !== 0) return 0;
  if (size === 0 || size > r.remaining()) {
    r.fail(size === 0 ? Rc.SIZE : Rc.INSUFFICIENT);
    return 0;
  }
  const start = r.pos;
  const end = start + size;
  const type = r.u16();
  if (r.err === 0 && type !== Alg.ECC) r.fail(Rc.TYPE);
  const nameAlg = r.u16();
  if (r.err === 0 && nameAlg !== Alg.SHA256) r.fail(Rc.HASH);
  t.attrs = r.u32();
  if (r.err === 0 && (t.attrs & OBJA_RESERVED) !== 0) r.fail(Rc.RESERVED_BITS);
  t.policyLen = r.tpm2b(t.policy, 0, DIGEST_SIZE);
  if (r.err === 0 && t.policyLen !== 0 && t.policyLen !== DIGEST_SIZE) r.fail(Rc.SIZE);
  readSymmetric(r, t);
  readScheme(r, t);
  const curve = r.u16();
  if (r.err === 0 && curve !== ECC_NIST_P256) r.fail(Rc.CURVE);
  const kdf = r.u16();
  if (r.err === 0 && kdf !== Alg.NULL) r.fail(Rc.KDF);
  t.xLen = r.tpm2b(t.x, 0, 32);
  t.yLen = r.tpm2b(t.y, 0, 32);
  if (r.err === 0 && r.pos !== end) r.fail(Rc.SIZE);
  r.lastSize = size;
  return start;
}

/** TPMT_SYM_DEF_OBJECT: NULL, or AES with 128 or 256 bits in CFB mode. */
function readSymmetric(r: Reader, t: Template): void {
  const alg = r.u16();
  t.symBits = 0;
  if (r.err !== 0 || alg === Alg.NULL) return;
  if (alg !== Alg.AES) {
    r.fail(Rc.SYMMETRIC);
    return;
  }
  const bits = r.u16();
  const mode = r.u16();
  if (r.err !== 0) return;
  if (bits !== 128 && bits !== 256) r.fail(Rc.KEY_SIZE);
  else if (mode !== Alg.CFB) r.fail(Rc.MODE);
  else t.symBits = bits;
}

/** TPMT_ECC_SCHEME: NULL, or ECDSA with SHA-256. */
function readScheme(r: Reader, t: Template): void {
  const scheme = r.u16();
  t.scheme = Alg.NULL;
  if (r.err !== 0 || scheme === Alg.NULL) return;
  if (scheme !== Alg.ECDSA) {
    r.fail(Rc.SCHEME);
    return;
  }
  const hash = r.u16();
  if (r.err === 0 && hash !== Alg.SHA256) r.fail(Rc.HASH);
  t.scheme = Alg.ECDSA;
}

/** True for a storage key: restricted, decrypt, not sign. */
export function isStorageKey(attrs: number): boolean {
  return (attrs & (ObjA.RESTRICTED | ObjA.DECRYPT | ObjA.SIGN)) === (ObjA.RESTRICTED | ObjA.DECRYPT);
}

/**
 * The attribute and parameter rules for a new or loaded key (Part 1, "Object Attributes"):
 * 0, or TPM_RC_ATTRIBUTES / SYMMETRIC / SCHEME (unnumbered; the caller numbers the parameter).
 * parentAttrs is -1 for a primary key.
 */
export function checkTemplate(t: Template, parentAttrs: number): number {
  const a = t.attrs;
  const restricted = (a & ObjA.RESTRICTED) !== 0;
  const decrypt = (a & ObjA.DECRYPT) !== 0;
  const sign = (a & ObjA.SIGN) !== 0;
  if ((a & ObjA.FIXED_TPM) !== 0 && (a & ObjA.FIXED_PARENT) === 0) return Rc.ATTRIBUTES;
  if (parentAttrs >= 0 && (a & ObjA.FIXED_TPM) !== 0 && (parentAttrs & ObjA.FIXED_TPM) === 0) return Rc.ATTRIBUTES;
  if ((a & ObjA.SENSITIVE_DATA_ORIGIN) === 0) return Rc.ATTRIBUTES;
  if (!sign && !decrypt) return Rc.ATTRIBUTES;
  if (restricted && sign && decrypt) return Rc.ATTRIBUTES;
  if (restricted && decrypt) {
    if (t.symBits === 0) return Rc.SYMMETRIC;
    if (t.scheme !== Alg.NULL) return Rc.SCHEME;
    return 0;
  }
  if (t.symBits !== 0) return Rc.SYMMETRIC;
  if (restricted && t.scheme !== Alg.ECDSA) return Rc.SCHEME;
  if (decrypt && t.scheme !== Alg.NULL) return Rc.SCHEME;
  return 0;
}

/** Marshal the canonical TPMT_PUBLIC of template t with public point (x, y). */
export function writePublicArea(w: Writer, t: Template, x: Uint8Array, y: Uint8Array): void {
  w.u16(Alg.ECC);
  w.u16(Alg.SHA256);
  w.u32(t.attrs);
  w.tpm2b(t.policy, 0, t.policyLen);
  if (t.symBits === 0) {
    w.u16(Alg.NULL);
  } else {
    w.u16(Alg.AES);
    w.u16(t.symBits);
    w.u16(Alg.CFB);
  }
  if (t.scheme === Alg.NULL) {
    w.u16(Alg.NULL);
  } else {
    w.u16(Alg.ECDSA);
    w.u16(Alg.SHA256);
  }
  w.u16(ECC_NIST_P256);
  w.u16(Alg.NULL);
  w.tpm2b(x, 0, 32);
  w.tpm2b(y, 0, 32);
}

const PUB_W = new Writer(new Uint8Array(1));
const HASH = new Sha256();

/** Name = nameAlg || SHA-256(public area bytes). */
export function computeName(pub: Uint8Array, off: number, len: number, out: Uint8Array): void {
  putU16(out, 0, Alg.SHA256);
  sha256(pub, off, len, out, 2);
}

/** Qualified name: nameAlg || SHA-256(QN(parent) || Name). */
export function computeQualifiedName(parentQn: Uint8Array, parentQnLen: number, name: Uint8Array, out: Uint8Array): void {
  const h = HASH;
  h.init();
  h.update(parentQn, 0, parentQnLen);
  h.update(name, 0, NAME_SIZE);
  putU16(out, 0, Alg.SHA256);
  h.finalAt(out, 2);
}

const PUB64 = new Uint8Array(64);

/**
 * Make o the key with private scalar d (valid: the caller drew it), seedValue seed, authValue
 * auth[0..authLen) and template t. Computes the public point, public area and Name; the
 * hierarchy and qualified name are the caller's. Returns false if d is not a valid scalar.
 */
export function setKey(o: TpmObject, t: Template, d: Uint8Array, seed: Uint8Array, auth: Uint8Array, authLen: number): boolean {
  if (!ecdsaPublicKey(PUB64, d)) return false;
  o.attrs = t.attrs;
  o.symBits = t.symBits;
  o.scheme = t.scheme;
  copyBytes(o.x, 0, PUB64, 0, 32);
  copyBytes(o.y, 0, PUB64, 32, 32);
  copyBytes(o.d, 0, d, 0, 32);
  copyBytes(o.seed, 0, seed, 0, DIGEST_SIZE);
  const n = trimZeros(auth, 0, authLen);
  o.auth.fill(0);
  copyBytes(o.auth, 0, auth, 0, n);
  o.authLen = n;
  const w = PUB_W;
  w.reset(o.pub, 0, MAX_PUBLIC);
  writePublicArea(w, t, o.x, o.y);
  o.pubLen = w.pos;
  computeName(o.pub, 0, o.pubLen, o.name);
  o.used = true;
  PUB64.fill(0);
  return true;
}

const DERIVE = new HmacDrbg();
const TEMPLATE_HASH = new Uint8Array(DIGEST_SIZE);

/**
 * Derive a primary key's private scalar and seedValue from a hierarchy seed and the template
 * bytes as sent (tmpl[off..off+len)). Deterministic; returns false only if 16 draws in a row
 * were out of range (probability about 2^-512).
 */
export function derivePrimary(seed: Uint8Array, seedOff: number, tmpl: Uint8Array, off: number, len: number,
  d: Uint8Array, seedValue: Uint8Array): boolean {
  sha256(tmpl, off, len, TEMPLATE_HASH, 0);
  DERIVE.instantiate(seed, seedOff, DIGEST_SIZE, TEMPLATE_HASH, 0, DIGEST_SIZE, L_PRIMARY, 0, L_PRIMARY.length);
  let ok = false;
  for (let i = 0; i < 16 && !ok; i++) {
    DERIVE.generate(d, 0, 32, d, 0, 0);
    ok = ecdsaPublicKey(PUB64, d);
  }
  DERIVE.generate(seedValue, 0, DIGEST_SIZE, d, 0, 0);
  DERIVE.key.fill(0);
  DERIVE.v.fill(0);
  return ok;
}

/** Draw a random private scalar and seedValue from the instance DRBG; false on DRBG failure. */
export function randomKey(tpm: TpmInstance, d: Uint8Array, seedValue: Uint8Array): boolean {
  for (let i = 0; i < 16; i++) {
    if (!randomBytes(tpm, d, 0, 32)) return false;
    if (ecdsaPublicKey(PUB64, d)) return randomBytes(tpm, seedValue, 0, DIGEST_SIZE);
  }
  return false;
}

// ---- protection of the sensitive area ----

export const MAX_PRIVATE = 2 + DIGEST_SIZE + 2 + 2 + 2 + MAX_AUTH + 2 + DIGEST_SIZE + 2 + 32;
const SENS = new Uint8Array(MAX_PRIVATE);
const SENS_W = new Writer(SENS);
const SENS_R = new Reader(SENS);
const SYMKEY = new Uint8Array(32);
const HMACKEY = new Uint8Array(DIGEST_SIZE);
const IV = new Uint8Array(16);
const MAC_OUT = new Uint8Array(DIGEST_SIZE);
const AES = new AesKey();
const MAC = new HmacSha256();

/** Derive the parent's symmetric and HMAC keys for child name `name`. */
function protectionKeys(parent: TpmObject, name: Uint8Array): void {
  kdfa(parent.seed, 0, DIGEST_SIZE, L_STORAGE, 0, L_STORAGE.length, name, 0, NAME_SIZE, name, 0, 0,
    parent.symBits, SYMKEY, 0);
  kdfa(parent.seed, 0, DIGEST_SIZE, L_INTEGRITY, 0, L_INTEGRITY.length, name, 0, 0, name, 0, 0,
    8 * DIGEST_SIZE, HMACKEY, 0);
  AES.setKey(SYMKEY, 0, parent.symBits >>> 3);
  IV.fill(0);
}

/** HMAC(hmacKey, enc || name) into MAC_OUT. */
function integrity(enc: Uint8Array, off: number, len: number, name: Uint8Array): void {
  MAC.init(HMACKEY, 0, DIGEST_SIZE);
  MAC.update(enc, off, len);
  MAC.update(name, 0, NAME_SIZE);
  MAC.final(MAC_OUT, 0);
}

function wipeProtection(): void {
  SYMKEY.fill(0);
  HMACKEY.fill(0);
  SENS.fill(0);
}

/** Write TPM2B_PRIVATE for child o under parent to w. */
export function writePrivate(w: Writer, parent: TpmObject, o: TpmObject): void {
  const s = SENS_W;
  s.reset(SENS, 0, SENS.length);
  const at = s.beginSize16();
  s.u16(Alg.ECC);
  s.tpm2b(o.auth, 0, o.authLen);
  s.tpm2b(o.seed, 0, DIGEST_SIZE);
  s.tpm2b(o.d, 0, 32);
  s.endSize16(at);
  const n = s.pos;
  protectionKeys(parent, o.name);
  aesCfbEncrypt(AES, IV, 0, SENS, 0, SENS, 0, n);
  integrity(SENS, 0, n, o.name);
  w.u16(2 + DIGEST_SIZE + n);
  w.tpm2b(MAC_OUT, 0, DIGEST_SIZE);
  w.bytes(SENS, 0, n);
  wipeProtection();
}

/**
 * Check and decrypt a TPM2B_PRIVATE (its contents priv[off..off+len)) for the child named
 * `name` under parent, and read the sensitive area into o (d, seed, auth). Returns 0, or
 * TPM_RC_INTEGRITY (bad MAC) / TPM_RC_SENSITIVE (malformed after decryption), unnumbered;
 * o is only written on success.
 */
export function readPrivate(priv: Uint8Array, off: number, len: number, parent: TpmObject, name: Uint8Array, o: TpmObject): number {
  if (len < 2 + DIGEST_SIZE) return Rc.INTEGRITY;
  const isz = (priv[off] << 8) | priv[off + 1];
  if (isz !== DIGEST_SIZE) return Rc.INTEGRITY;
  const encOff = off + 2 + DIGEST_SIZE;
  const encLen = len - 2 - DIGEST_SIZE;
  if (encLen > SENS.length) return Rc.INTEGRITY;
  protectionKeys(parent, name);
  integrity(priv, encOff, encLen, name);
  if (!equalBytes(MAC_OUT, 0, priv, off + 2, DIGEST_SIZE)) {
    wipeProtection();
    return Rc.INTEGRITY;
  }
  aesCfbDecrypt(AES, IV, 0, priv, encOff, SENS, 0, encLen);
  const rc = parseSensitive(encLen, o);
  wipeProtection();
  return rc;
}

const S_AUTH = new Uint8Array(MAX_AUTH);
const S_SEED = new Uint8Array(DIGEST_SIZE);
const S_D = new Uint8Array(32);

/** Parse the decrypted TPM2B_SENSITIVE in SENS[0..len) into o. */
function parseSensitive(len: number, o: TpmObject): number {
  const r = SENS_R;
  r.reset(SENS, 0, len);
  const size = r.u16();
  if (r.err !== 0 || size !== len - 2) return Rc.SENSITIVE;
  const type = r.u16();
  const authLen = r.tpm2b(S_AUTH, 0, MAX_AUTH);
  const seedLen = r.tpm2b(S_SEED, 0, DIGEST_SIZE);
  const dLen = r.tpm2b(S_D, 0, 32);
  if (r.err !== 0 || !r.atEnd() || type !== Alg.ECC || seedLen !== DIGEST_SIZE || dLen !== 32) return Rc.SENSITIVE;
  copyBytes(o.d, 0, S_D, 0, 32);
  copyBytes(o.seed, 0, S_SEED, 0, DIGEST_SIZE);
  o.auth.fill(0);
  const n = trimZeros(S_AUTH, 0, authLen);
  copyBytes(o.auth, 0, S_AUTH, 0, n);
  o.authLen = n;
  S_AUTH.fill(0);
  S_D.fill(0);
  S_SEED.fill(0);
  return 0;
}

/** True if o.d · G equals the public point (o.x, o.y): public and sensitive areas belong together. */
export function keyBindingOk(o: TpmObject): boolean {
  if (!ecdsaPublicKey(PUB64, o.d)) return false;
  const ok = equalBytes(PUB64, 0, o.x, 0, 32) && equalBytes(PUB64, 32, o.y, 0, 32);
  PUB64.fill(0);
  return ok;
}

/** Write TPM2B_PUBLIC of a loaded object. */
export function writeObjectPublic(w: Writer, o: TpmObject): void {
  w.tpm2b(o.pub, 0, o.pubLen);
}

/** Copy template-derived fields and public area bytes from a Template that arrived complete (Load). */
export function setPublicFromTemplate(o: TpmObject, t: Template, pub: Uint8Array, off: number, len: number): void {
  o.attrs = t.attrs;
  o.symBits = t.symBits;
  o.scheme = t.scheme;
  copyBytes(o.x, 0, t.x, 0, 32);
  copyBytes(o.y, 0, t.y, 0, 32);
  copyBytes(o.pub, 0, pub, off, len);
  o.pubLen = len;
  computeName(o.pub, 0, len, o.name);
}

/** Copy every field of object src into dst (ContextLoad, Load staging). */
export function copyObject(dst: TpmObject, src: TpmObject): void {
  dst.used = src.used;
  dst.isSequence = src.isSequence;
  dst.seq.copyFrom(src.seq);
  dst.seqHead = src.seqHead;
  dst.seqHeadLen = src.seqHeadLen;
  dst.hierarchy = src.hierarchy;
  copyBytes(dst.pub, 0, src.pub, 0, MAX_PUBLIC);
  dst.pubLen = src.pubLen;
  dst.attrs = src.attrs;
  dst.symBits = src.symBits;
  dst.scheme = src.scheme;
  copyBytes(dst.x, 0, src.x, 0, 32);
  copyBytes(dst.y, 0, src.y, 0, 32);
  copyBytes(dst.d, 0, src.d, 0, 32);
  copyBytes(dst.seed, 0, src.seed, 0, DIGEST_SIZE);
  copyBytes(dst.auth, 0, src.auth, 0, MAX_AUTH);
  dst.authLen = src.authLen;
  copyBytes(dst.name, 0, src.name, 0, NAME_SIZE);
  copyBytes(dst.qn, 0, src.qn, 0, NAME_SIZE);
}

/** A free object slot, or -1. */
export function freeObjectSlot(tpm: TpmInstance): number {
  for (let i = 0; i < tpm.objects.length; i++) {
    if (!tpm.objects[i].used) return i;
  }
  return -1;
}

// ---- internal serialisation (saved contexts and instance state images) ----

/** Marshal every field of a loaded object (the plaintext of a saved context). */
export function writeObjectState(w: Writer, o: TpmObject): void {
  w.u8(o.isSequence ? 1 : 0);
  if (o.isSequence) {
    writeSequence(w, o);
    return;
  }
  w.u32(o.hierarchy);
  w.u32(o.attrs);
  w.u16(o.symBits);
  w.u16(o.scheme);
  w.tpm2b(o.pub, 0, o.pubLen);
  w.bytes(o.x, 0, 32);
  w.bytes(o.y, 0, 32);
  w.bytes(o.d, 0, 32);
  w.bytes(o.seed, 0, DIGEST_SIZE);
  w.tpm2b(o.auth, 0, o.authLen);
  w.bytes(o.name, 0, NAME_SIZE);
  w.bytes(o.qn, 0, NAME_SIZE);
}

/** A hash sequence: its authValue, the SHA-256 state and the message head. */
function writeSequence(w: Writer, o: TpmObject): void {
  w.u32(o.hierarchy);
  w.tpm2b(o.auth, 0, o.authLen);
  const s = o.seq;
  for (let i = 0; i < 8; i++) w.u32(s.h[i]);
  w.u8(s.bufLen);
  w.bytes(s.buf, 0, s.bufLen);
  w.u64(Math.trunc(s.total / 0x100000000), s.total >>> 0);
  w.u32(o.seqHead);
  w.u8(o.seqHeadLen);
}

function readSequence(r: Reader, o: TpmObject): void {
  o.isSequence = true;
  o.hierarchy = r.u32();
  o.authLen = r.tpm2b(o.auth, 0, MAX_AUTH);
  const s = o.seq;
  for (let i = 0; i < 8; i++) s.h[i] = r.u32();
  const n = r.u8();
  if (r.err === 0 && n > 63) r.fail(Rc.VALUE);
  s.bufLen = r.err === 0 ? n : 0;
  r.bytes(s.buf, 0, s.bufLen);
  const hi = r.u32();
  const lo = r.u32();
  if (r.err === 0 && (hi >= 0x40000 || (hi * 0x100000000 + lo) % 64 !== s.bufLen)) r.fail(Rc.VALUE);
  s.total = r.err === 0 ? hi * 0x100000000 + lo : 0;
  o.seqHead = r.u32();
  o.seqHeadLen = r.u8();
  if (r.err === 0 && o.seqHeadLen > 4) r.fail(Rc.VALUE);
  o.used = r.err === 0;
}

/** Read writeObjectState's bytes into o (which must be a staging object); errors go to r. */
export function readObjectState(r: Reader, o: TpmObject): void {
  o.clear();
  const kind = r.u8();
  if (r.err === 0 && kind > 1) r.fail(Rc.VALUE);
  if (kind === 1) {
    readSequence(r, o);
    return;
  }
  o.hierarchy = r.u32();
  o.attrs = r.u32();
  o.symBits = r.u16();
  o.scheme = r.u16();
  o.pubLen = r.tpm2b(o.pub, 0, MAX_PUBLIC);
  r.bytes(o.x, 0, 32);
  r.bytes(o.y, 0, 32);
  r.bytes(o.d, 0, 32);
  r.bytes(o.seed, 0, DIGEST_SIZE);
  o.authLen = r.tpm2b(o.auth, 0, MAX_AUTH);
  r.bytes(o.name, 0, NAME_SIZE);
  r.bytes(o.qn, 0, NAME_SIZE);
  if (r.err !== 0) return;
  if (o.symBits !== 0 && o.symBits !== 128 && o.symBits !== 256) r.fail(Rc.VALUE);
  o.used = r.err === 0;
}
