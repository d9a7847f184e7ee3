/**
 * A small TPM 2.0 client for the vTPM unit tests, written in ordinary Node TypeScript and kept
 * independent of the engine's own marshalling: its own constants (TPM 2.0 Part 2 values), command
 * builder, response parser, HMAC-session arithmetic (TPM 2.0 Part 1, "Authorization" and "KDFa")
 * on Node's crypto, and templates. Only the driver (class Tpm) touches the engine, through its
 * public entry points: execute(), the platform calls and the state images.
 */
import * as crypto from 'crypto';
import { expect } from 'chai';
import { execute } from '../../vtpm/tpm/engine';
import { TpmInstance } from '../../vtpm/tpm/instance';
import { addEntropy, measureLaunch, powerOff, powerOn } from '../../vtpm/tpm/platform';
import { STATE_MAX, restoreState, saveState } from '../../vtpm/tpm/state';

// ---- constants (TPM 2.0 Part 2) ----

export const ST = {
  RSP_COMMAND: 0x00c4, NULL: 0x8000, NO_SESSIONS: 0x8001, SESSIONS: 0x8002,
  ATTEST_QUOTE: 0x8018, CREATION: 0x8021, HASHCHECK: 0x8024,
};

export const CC = {
  NV_UndefineSpace: 0x122, NV_DefineSpace: 0x12a, CreatePrimary: 0x131, NV_Write: 0x137,
  PCR_Reset: 0x13d, SelfTest: 0x143, Startup: 0x144, Shutdown: 0x145, StirRandom: 0x146,
  NV_Read: 0x14e, Create: 0x153, Load: 0x157, Quote: 0x158, ContextLoad: 0x161,
  ContextSave: 0x162, FlushContext: 0x165, NV_ReadPublic: 0x169, ReadPublic: 0x173,
  StartAuthSession: 0x176, GetCapability: 0x17a, GetRandom: 0x17b, GetTestResult: 0x17c,
  Hash: 0x17d, PCR_Read: 0x17e, PCR_Extend: 0x182,
  DictionaryAttackLockReset: 0x139, DictionaryAttackParameters: 0x13a,
  // not implemented by the engine
  Clear: 0x126, HierarchyChangeAuth: 0x129, EvictControl: 0x120, PolicyPCR: 0x17f,
};

/** Commands whose response carries a handle (Part 3). */
const RESPONSE_HANDLE = new Set([CC.CreatePrimary, CC.Load, CC.ContextLoad, CC.StartAuthSession]);

export const RC = {
  SUCCESS: 0x000, BAD_TAG: 0x01e,
  INITIALIZE: 0x100, FAILURE: 0x101, AUTH_MISSING: 0x125, AUTH_UNAVAILABLE: 0x12f,
  COMMAND_SIZE: 0x142, COMMAND_CODE: 0x143, AUTHSIZE: 0x144, AUTH_CONTEXT: 0x145,
  NV_RANGE: 0x146, NV_SIZE: 0x147, NV_LOCKED: 0x148, NV_AUTHORIZATION: 0x149,
  NV_UNINITIALIZED: 0x14a, NV_SPACE: 0x14b, NV_DEFINED: 0x14c, BAD_CONTEXT: 0x150,
  ATTRIBUTES: 0x082, HASH: 0x083, VALUE: 0x084, HIERARCHY: 0x085, KEY_SIZE: 0x087,
  MODE: 0x089, TYPE: 0x08a, HANDLE: 0x08b, KDF: 0x08c, RANGE: 0x08d, AUTH_FAIL: 0x08e,
  NONCE: 0x08f, SCHEME: 0x092, SIZE: 0x095, SYMMETRIC: 0x096, TAG: 0x097,
  INSUFFICIENT: 0x09a, KEY: 0x09c, INTEGRITY: 0x09f, RESERVED_BITS: 0x0a1, BAD_AUTH: 0x0a2,
  BINDING: 0x0a5, CURVE: 0x0a6, ECC_POINT: 0x0a7,
  OBJECT_MEMORY: 0x902, SESSION_MEMORY: 0x903, LOCALITY: 0x907, REFERENCE_H0: 0x910, REFERENCE_S0: 0x918, LOCKOUT: 0x921,
};
/** format-one code numbered as parameter n */
export const rcP = (rc: number, n: number): number => rc | 0x040 | (n << 8);
/** format-one code numbered as handle n */
export const rcH = (rc: number, n: number): number => rc | (n << 8);
/** format-one code numbered as session n */
export const rcS = (rc: number, n: number): number => rc | 0x800 | (n << 8);

export const ALG = {
  HMAC: 0x0005, AES: 0x0006, KEYEDHASH: 0x0008, SHA1: 0x0004, SHA256: 0x000b, SHA384: 0x000c,
  NULL: 0x0010, RSA: 0x0001, ECDSA: 0x0018, ECDH: 0x0019, KDF1_SP800_108: 0x0022, ECC: 0x0023,
  CFB: 0x0043, CBC: 0x0042,
};
export const ECC_NIST_P256 = 0x0003;
export const ECC_NIST_P384 = 0x0004;

export const RH = {
  OWNER: 0x40000001, NULL: 0x40000007, PW: 0x40000009, LOCKOUT: 0x4000000a,
  ENDORSEMENT: 0x4000000b, PLATFORM: 0x4000000c,
};
export const SU_CLEAR = 0;
export const SU_STATE = 1;

export const CAP = {
  ALGS: 0, HANDLES: 1, COMMANDS: 2, PP_COMMANDS: 3, AUDIT_COMMANDS: 4, PCRS: 5,
  TPM_PROPERTIES: 6, PCR_PROPERTIES: 7, ECC_CURVES: 8, AUTH_POLICIES: 9,
};

/** TPMA_OBJECT */
export const OA = {
  fixedTPM: 1 << 1, stClear: 1 << 2, fixedParent: 1 << 4, sensitiveDataOrigin: 1 << 5,
  userWithAuth: 1 << 6, adminWithPolicy: 1 << 7, noDA: 1 << 10, encryptedDuplication: 1 << 11,
  restricted: 1 << 16, decrypt: 1 << 17, sign: 1 << 18,
};
export const STORAGE_ATTRS = OA.fixedTPM | OA.fixedParent | OA.sensitiveDataOrigin | OA.userWithAuth |
  OA.noDA | OA.restricted | OA.decrypt;
export const SIGNING_ATTRS = OA.fixedTPM | OA.fixedParent | OA.sensitiveDataOrigin | OA.userWithAuth |
  OA.noDA | OA.restricted | OA.sign;

/** TPMA_NV */
export const NVA = {
  PPWRITE: 1 << 0, OWNERWRITE: 1 << 1, AUTHWRITE: 1 << 2, POLICYWRITE: 1 << 3,
  NT_COUNTER: 1 << 4, NT_BITS: 2 << 4, NT_EXTEND: 4 << 4,
  POLICY_DELETE: 1 << 10, WRITELOCKED: 1 << 11, WRITEALL: 1 << 12, WRITEDEFINE: 1 << 13,
  WRITE_STCLEAR: 1 << 14, GLOBALLOCK: 1 << 15, PPREAD: 1 << 16, OWNERREAD: 1 << 17,
  AUTHREAD: 1 << 18, POLICYREAD: 1 << 19, NO_DA: 1 << 25, ORDERLY: 1 << 26,
  CLEAR_STCLEAR: 1 << 27, READLOCKED: 1 << 28, WRITTEN: 1 << 29, PLATFORMCREATE: 1 << 30,
  READ_STCLEAR: 2 ** 31,
};

/** TPMA_SESSION */
export const SA = { continueSession: 0x01, auditExclusive: 0x02, auditReset: 0x04, decrypt: 0x20, encrypt: 0x40, audit: 0x80 };

// ---- marshalling ----

/** Big-endian byte builder. */
export class W {
  private parts: Buffer[] = [];
  u8(v: number): this { this.parts.push(Buffer.from([v & 0xff])); return this; }
  u16(v: number): this { const b = Buffer.alloc(2); b.writeUInt16BE(v & 0xffff); this.parts.push(b); return this; }
  u32(v: number): this { const b = Buffer.alloc(4); b.writeUInt32BE(v >>> 0); this.parts.push(b); return this; }
  u64(v: bigint): this { const b = Buffer.alloc(8); b.writeBigUInt64BE(v); this.parts.push(b); return this; }
  bytes(b: Uint8Array): this { this.parts.push(Buffer.from(b)); return this; }
  /** TPM2B: u16 size then the bytes */
  b2(b: Uint8Array): this { return this.u16(b.length).bytes(b); }
  done(): Buffer { return Buffer.concat(this.parts); }
}

/** Big-endian reader; throws on a short buffer (a malformed response is a test failure). */
export class R {
  constructor(public buf: Buffer, public pos = 0) {}
  private need(n: number): void {
    if (this.pos + n > this.buf.length) throw new Error(`response too short: need ${n} at ${this.pos} of ${this.buf.length}`);
  }
  u8(): number { this.need(1); return this.buf[this.pos++]; }
  u16(): number { this.need(2); const v = this.buf.readUInt16BE(this.pos); this.pos += 2; return v; }
  u32(): number { this.need(4); const v = this.buf.readUInt32BE(this.pos); this.pos += 4; return v; }
  u64(): bigint { this.need(8); const v = this.buf.readBigUInt64BE(this.pos); this.pos += 8; return v; }
  bytes(n: number): Buffer { this.need(n); const b = this.buf.subarray(this.pos, this.pos + n); this.pos += n; return Buffer.from(b); }
  b2(): Buffer { return this.bytes(this.u16()); }
  rest(): Buffer { return this.bytes(this.buf.length - this.pos); }
  atEnd(): boolean { return this.pos === this.buf.length; }
}

export const sha256 = (...parts: Uint8Array[]): Buffer => {
  const h = crypto.createHash('sha256');
  for (const p of parts) h.update(p);
  return h.digest();
};
export const hmac = (key: Uint8Array, ...parts: Uint8Array[]): Buffer => {
  const m = crypto.createHmac('sha256', key);
  for (const p of parts) m.update(p);
  return m.digest();
};
export const u32b = (v: number): Buffer => new W().u32(v).done();
export const u16b = (v: number): Buffer => new W().u16(v).done();

/** KDFa (SP 800-108 counter mode, HMAC-SHA-256): HMAC(key, [i] || label || 0 || U || V || [bits]). */
export function kdfa(key: Uint8Array, label: string, contextU: Uint8Array, contextV: Uint8Array, bits: number): Buffer {
  const out: Buffer[] = [];
  const bytes = Math.ceil(bits / 8);
  for (let i = 1; out.length * 32 < bytes; i++) {
    out.push(hmac(key, u32b(i), Buffer.from(label, 'ascii'), Buffer.from([0]), contextU, contextV, u32b(bits)));
  }
  return Buffer.concat(out).subarray(0, bytes);
}

/** authValues are used without trailing zero bytes (Part 1, "authValue"). */
export function trimZeros(b: Buffer): Buffer {
  let n = b.length;
  while (n > 0 && b[n - 1] === 0) n--;
  return b.subarray(0, n);
}

// ---- commands and responses ----

/** One entry of a command's authorisation area (TPMS_AUTH_COMMAND). */
export interface AuthCommand { handle: number; nonce: Buffer; attrs: number; hmac: Buffer }

/** A password authorisation. */
export function pw(auth: Buffer | string = Buffer.alloc(0), attrs = SA.continueSession): AuthCommand {
  return { handle: RH.PW, nonce: Buffer.alloc(0), attrs, hmac: Buffer.from(auth) };
}

export function authArea(sessions: AuthCommand[]): Buffer {
  const w = new W();
  for (const s of sessions) w.u32(s.handle).b2(s.nonce).u8(s.attrs).b2(s.hmac);
  return w.done();
}

/** Marshal a command: header, handles, [authorizationSize, sessions], parameters. */
export function buildCommand(cc: number, handles: number[], params: Buffer, sessions: AuthCommand[] | null = null): Buffer {
  const w = new W();
  for (const h of handles) w.u32(h);
  if (sessions !== null) {
    const a = authArea(sessions);
    w.u32(a.length).bytes(a);
  }
  w.bytes(params);
  const body = w.done();
  return new W().u16(sessions !== null ? ST.SESSIONS : ST.NO_SESSIONS).u32(10 + body.length).u32(cc).bytes(body).done();
}

export interface AuthResponse { nonce: Buffer; attrs: number; hmac: Buffer }

export interface Rsp {
  rc: number;
  tag: number;
  raw: Buffer;
  handle: number;
  /** the response parameters */
  params: Buffer;
  sessions: AuthResponse[];
  /** a reader over the parameters */
  r: R;
}

/** Parse a response; hasHandle says whether a successful one starts with a handle. */
export function parseResponse(raw: Buffer, hasHandle: boolean): Rsp {
  const r = new R(raw);
  const tag = r.u16();
  const size = r.u32();
  const rc = r.u32();
  expect(size, 'responseSize').to.equal(raw.length);
  let handle = 0;
  let params: Buffer = Buffer.alloc(0);
  const sessions: AuthResponse[] = [];
  if (rc === 0) {
    if (hasHandle) handle = r.u32();
    if (tag === ST.SESSIONS) {
      const psize = r.u32();
      params = r.bytes(psize);
      while (!r.atEnd()) sessions.push({ nonce: r.b2(), attrs: r.u8(), hmac: r.b2() });
    } else {
      params = r.rest();
    }
  } else {
    expect(raw.length, `error response 0x${rc.toString(16)} is header-only`).to.equal(10);
  }
  return { rc, tag, raw, handle, params, sessions, r: new R(params) };
}

/** Run-time options of one command. */
export interface Opts { sessions?: AuthCommand[] | null; locality?: number }

/** The engine driven through execute(), with helpers for the commands the tests use. */
export class Tpm {
  readonly inst: TpmInstance;
  readonly rsp = new Uint8Array(4096);

  constructor(id = 1, seed: Buffer = Buffer.alloc(48, 0x5a), started = true) {
    this.inst = new TpmInstance(id);
    powerOn(this.inst);
    expect(addEntropy(this.inst, seed, 0, seed.length)).to.equal(true);
    if (started) this.startup();
  }

  /** Send raw command bytes (len defaults to the buffer's length); returns the response bytes. */
  raw(cmd: Uint8Array, locality = 0, len = cmd.length): Buffer {
    const n = execute(this.inst, locality, cmd, len, this.rsp);
    return Buffer.from(this.rsp.subarray(0, n));
  }

  cmd(cc: number, handles: number[], params: Buffer, o: Opts = {}): Rsp {
    const raw = this.raw(buildCommand(cc, handles, params, o.sessions ?? null), o.locality ?? 0);
    return parseResponse(raw, RESPONSE_HANDLE.has(cc));
  }

  /** Run a command and expect success. */
  ok(cc: number, handles: number[], params: Buffer, o: Opts = {}): Rsp {
    const r = this.cmd(cc, handles, params, o);
    expect(hex(r.rc), `TPM_CC 0x${cc.toString(16)}`).to.equal(hex(0));
    return r;
  }

  image(): Buffer {
    const out = new Uint8Array(STATE_MAX);
    const n = saveState(this.inst, out);
    expect(n).to.be.greaterThan(0);
    return Buffer.from(out.subarray(0, n));
  }

  restore(img: Uint8Array): number {
    return restoreState(this.inst, img, img.length);
  }

  powerCycle(): void {
    powerOff(this.inst);
    powerOn(this.inst);
  }

  measure(digest: Buffer): number {
    return measureLaunch(this.inst, digest, 0);
  }

  // -- commands --

  startup(su = SU_CLEAR): Rsp { return this.ok(CC.Startup, [], u16b(su)); }
  shutdown(su = SU_CLEAR): Rsp { return this.ok(CC.Shutdown, [], u16b(su)); }

  getCap(cap: number, property: number, count: number): { more: number; cap: number; r: R } {
    const r = this.ok(CC.GetCapability, [], new W().u32(cap).u32(property).u32(count).done()).r;
    return { more: r.u8(), cap: r.u32(), r };
  }

  pcrExtend(pcr: number, digest: Buffer, o: Opts = {}): Rsp {
    return this.cmd(CC.PCR_Extend, [pcr], new W().u32(1).u16(ALG.SHA256).bytes(digest).done(), { sessions: [pw()], ...o });
  }

  pcrRead(pcrs: number[]): { counter: number; sel: number[]; values: Buffer[] } {
    const r = this.ok(CC.PCR_Read, [], pcrSelection(pcrs)).r;
    const counter = r.u32();
    const sel = readPcrSelection(r);
    const n = r.u32();
    const values: Buffer[] = [];
    for (let i = 0; i < n; i++) values.push(r.b2());
    expect(r.atEnd()).to.equal(true);
    return { counter, sel, values };
  }

  pcr(i: number): Buffer { return this.pcrRead([i]).values[0]; }

  createPrimary(hierarchy: number, tmpl: Buffer, o: { auth?: Buffer; data?: Buffer; outside?: Buffer; pcrs?: number[]; sessions?: AuthCommand[] } = {}): Rsp {
    const params = new W().bytes(sensitiveCreate(o.auth, o.data)).b2(tmpl).b2(o.outside ?? Buffer.alloc(0))
      .bytes(pcrSelection(o.pcrs ?? null)).done();
    return this.cmd(CC.CreatePrimary, [hierarchy], params, { sessions: o.sessions ?? [pw()] });
  }

  /** CreatePrimary that must succeed; returns the handle and the parsed response. */
  primary(hierarchy: number, tmpl: Buffer, auth?: Buffer): Created {
    const r = this.createPrimary(hierarchy, tmpl, { auth });
    expect(hex(r.rc), 'CreatePrimary').to.equal(hex(0));
    return parseCreated(r, true);
  }

  create(parent: number, tmpl: Buffer, o: { auth?: Buffer; data?: Buffer; parentAuth?: Buffer; sessions?: AuthCommand[] } = {}): Rsp {
    const params = new W().bytes(sensitiveCreate(o.auth, o.data)).b2(tmpl).b2(Buffer.alloc(0)).bytes(pcrSelection(null)).done();
    return this.cmd(CC.Create, [parent], params, { sessions: o.sessions ?? [pw(o.parentAuth ?? Buffer.alloc(0))] });
  }

  child(parent: number, tmpl: Buffer, auth?: Buffer, parentAuth?: Buffer): Created {
    const r = this.create(parent, tmpl, { auth, parentAuth });
    expect(hex(r.rc), 'Create').to.equal(hex(0));
    return parseCreated(r, false);
  }

  load(parent: number, priv: Buffer, pub: Buffer, parentAuth: Buffer = Buffer.alloc(0)): Rsp {
    return this.cmd(CC.Load, [parent], new W().b2(priv).b2(pub).done(), { sessions: [pw(parentAuth)] });
  }

  readPublic(h: number): { pub: Buffer; name: Buffer; qn: Buffer } {
    const r = this.ok(CC.ReadPublic, [h], Buffer.alloc(0)).r;
    return { pub: r.b2(), name: r.b2(), qn: r.b2() };
  }

  flush(h: number): Rsp { return this.cmd(CC.FlushContext, [], u32b(h)); }

  contextSave(h: number): Rsp { return this.cmd(CC.ContextSave, [h], Buffer.alloc(0)); }

  contextLoad(ctx: Buffer): Rsp { return this.cmd(CC.ContextLoad, [], ctx); }

  quote(key: number, nonce: Buffer, pcrs: number[] | null, o: { scheme?: number; auth?: Buffer; sessions?: AuthCommand[] } = {}): Rsp {
    const w = new W().b2(nonce);
    const scheme = o.scheme ?? ALG.NULL;
    w.u16(scheme);
    if (scheme !== ALG.NULL) w.u16(ALG.SHA256);
    w.bytes(pcrSelection(pcrs));
    return this.cmd(CC.Quote, [key], w.done(), { sessions: o.sessions ?? [pw(o.auth ?? Buffer.alloc(0))] });
  }

  startAuthSession(o: { tpmKey?: number; bind?: number; nonce?: Buffer; salt?: Buffer; type?: number; sym?: number; hash?: number } = {}): Rsp {
    const w = new W().b2(o.nonce ?? Buffer.alloc(16, 0x11)).b2(o.salt ?? Buffer.alloc(0)).u8(o.type ?? 0);
    w.u16(o.sym ?? ALG.NULL);
    if ((o.sym ?? ALG.NULL) === ALG.AES) w.u16(128).u16(ALG.CFB);
    w.u16(o.hash ?? ALG.SHA256);
    return this.cmd(CC.StartAuthSession, [o.tpmKey ?? RH.NULL, o.bind ?? RH.NULL], w.done());
  }

  nvDefine(auth: number, pub: NvPublic, indexAuth: Buffer = Buffer.alloc(0), sessions: AuthCommand[] = [pw()]): Rsp {
    return this.cmd(CC.NV_DefineSpace, [auth], new W().b2(indexAuth).b2(nvPublicBytes(pub)).done(), { sessions });
  }

  nvWrite(auth: number, index: number, data: Buffer, offset = 0, sessions: AuthCommand[] = [pw()]): Rsp {
    return this.cmd(CC.NV_Write, [auth, index], new W().b2(data).u16(offset).done(), { sessions });
  }

  nvRead(auth: number, index: number, size: number, offset = 0, sessions: AuthCommand[] = [pw()]): Rsp {
    return this.cmd(CC.NV_Read, [auth, index], new W().u16(size).u16(offset).done(), { sessions });
  }

  nvReadPublic(index: number): { pub: Buffer; name: Buffer } {
    const r = this.ok(CC.NV_ReadPublic, [index], Buffer.alloc(0)).r;
    return { pub: r.b2(), name: r.b2() };
  }

  nvUndefine(auth: number, index: number, sessions: AuthCommand[] = [pw()]): Rsp {
    return this.cmd(CC.NV_UndefineSpace, [auth, index], Buffer.alloc(0), { sessions });
  }
}

export const hex = (v: number): string => '0x' + (v >>> 0).toString(16);

/**
 * Expect the command to be refused with `rc` (a header-only TPM_ST_NO_SESSIONS response) and the
 * instance to be exactly as before (its state image unchanged).
 */
export function expectRefused(tpm: Tpm, rc: number, run: () => Rsp | Buffer): void {
  const before = tpm.image();
  const out = run();
  const raw = Buffer.isBuffer(out) ? out : out.raw;
  expect(raw.length, 'header-only response').to.equal(10);
  expect(hex(raw.readUInt32BE(6))).to.equal(hex(rc));
  expect(raw.readUInt32BE(2)).to.equal(10);
  expect(hex(raw.readUInt16BE(0)), 'tag').to.equal(hex(rc === RC.BAD_TAG ? ST.RSP_COMMAND : ST.NO_SESSIONS));
  expect(tpm.image().equals(before), 'state unchanged by a refused command').to.equal(true);
}

/** TPM_PT_LOCKOUT_COUNTER, MAX_AUTH_FAIL, LOCKOUT_INTERVAL, LOCKOUT_RECOVERY and TPMA_PERMANENT.inLockout. */
export function daState(tpm: Tpm): { failedTries: number; maxTries: number; recoveryTime: number; lockoutRecovery: number; inLockout: boolean } {
  const { r } = tpm.getCap(6, 0x200, 1);
  expect(r.u32()).to.equal(1);
  expect(r.u32()).to.equal(0x200);
  const perm = r.u32();
  const q = tpm.getCap(6, 0x20e, 4).r;
  expect(q.u32()).to.equal(4);
  const v: number[] = [];
  for (let i = 0; i < 4; i++) {
    expect(q.u32()).to.equal(0x20e + i);
    v.push(q.u32());
  }
  return { failedTries: v[0], maxTries: v[1], recoveryTime: v[2], lockoutRecovery: v[3], inLockout: (perm & (1 << 9)) !== 0 };
}

/**
 * Expect a failed authorisation of a DA-protected entity in session `session`: a header-only
 * TPM_RC_AUTH_FAIL + session, and the lockout counter one higher (the one change a refused
 * command makes).
 */
export function expectAuthFail(tpm: Tpm, session: number, run: () => Rsp | Buffer): void {
  const before = daState(tpm).failedTries;
  const out = run();
  const raw = Buffer.isBuffer(out) ? out : out.raw;
  expect(raw.length, 'header-only response').to.equal(10);
  expect(hex(raw.readUInt32BE(6))).to.equal(hex(rcS(RC.AUTH_FAIL, session)));
  expect(daState(tpm).failedTries, 'lockout counter').to.equal(before + 1);
}

// ---- structures ----

/** TPML_PCR_SELECTION over the SHA-256 bank (null: an empty list). */
export function pcrSelection(pcrs: number[] | null, alg = ALG.SHA256, sizeofSelect = 3): Buffer {
  if (pcrs === null) return u32b(0);
  const sel = Buffer.alloc(sizeofSelect);
  for (const p of pcrs) sel[p >> 3] |= 1 << (p & 7);
  return new W().u32(1).u16(alg).u8(sizeofSelect).bytes(sel).done();
}

export function readPcrSelection(r: R): number[] {
  const count = r.u32();
  const out: number[] = [];
  for (let i = 0; i < count; i++) {
    expect(r.u16()).to.equal(ALG.SHA256);
    const n = r.u8();
    const sel = r.bytes(n);
    for (let p = 0; p < 8 * n; p++) if ((sel[p >> 3] & (1 << (p & 7))) !== 0) out.push(p);
  }
  return out;
}

/** TPM2B_SENSITIVE_CREATE */
export function sensitiveCreate(auth: Buffer = Buffer.alloc(0), data: Buffer = Buffer.alloc(0)): Buffer {
  return new W().b2(new W().b2(auth).b2(data).done()).done();
}

export interface EccTemplate {
  type?: number;
  nameAlg?: number;
  attrs: number;
  policy?: Buffer;
  /** AES key bits, or 0 for TPM_ALG_NULL */
  sym?: number;
  symAlg?: number;
  symMode?: number;
  scheme?: number;
  schemeHash?: number;
  curve?: number;
  kdf?: number;
  x?: Buffer;
  y?: Buffer;
}

/** Marshal an ECC TPMT_PUBLIC. */
export function eccPublic(t: EccTemplate): Buffer {
  const w = new W().u16(t.type ?? ALG.ECC).u16(t.nameAlg ?? ALG.SHA256).u32(t.attrs).b2(t.policy ?? Buffer.alloc(0));
  const sym = t.sym ?? 0;
  if (sym === 0 && t.symAlg === undefined) w.u16(ALG.NULL);
  else w.u16(t.symAlg ?? ALG.AES).u16(sym).u16(t.symMode ?? ALG.CFB);
  const scheme = t.scheme ?? ALG.NULL;
  w.u16(scheme);
  if (scheme !== ALG.NULL) w.u16(t.schemeHash ?? ALG.SHA256);
  w.u16(t.curve ?? ECC_NIST_P256).u16(t.kdf ?? ALG.NULL);
  w.b2(t.x ?? Buffer.alloc(0)).b2(t.y ?? Buffer.alloc(0));
  return w.done();
}

export const storageTemplate = (over: Partial<EccTemplate> = {}): Buffer => eccPublic({ attrs: STORAGE_ATTRS, sym: 128, ...over });
export const signingTemplate = (over: Partial<EccTemplate> = {}): Buffer => eccPublic({ attrs: SIGNING_ATTRS, scheme: ALG.ECDSA, ...over });

export interface EccPublic {
  type: number; nameAlg: number; attrs: number; policy: Buffer; symAlg: number; symBits: number;
  scheme: number; curve: number; kdf: number; x: Buffer; y: Buffer;
}

export function parseEccPublic(b: Buffer): EccPublic {
  const r = new R(b);
  const type = r.u16();
  const nameAlg = r.u16();
  const attrs = r.u32();
  const policy = r.b2();
  const symAlg = r.u16();
  let symBits = 0;
  if (symAlg !== ALG.NULL) { symBits = r.u16(); expect(r.u16()).to.equal(ALG.CFB); }
  const scheme = r.u16();
  if (scheme !== ALG.NULL) expect(r.u16()).to.equal(ALG.SHA256);
  const curve = r.u16();
  const kdf = r.u16();
  const x = r.b2();
  const y = r.b2();
  expect(r.atEnd(), 'TPMT_PUBLIC fully consumed').to.equal(true);
  return { type, nameAlg, attrs, policy, symAlg, symBits, scheme, curve, kdf, x, y };
}

/** A Node public key for a TPM ECC point. */
export function nodeKey(x: Buffer, y: Buffer): crypto.KeyObject {
  return crypto.createPublicKey({ key: { kty: 'EC', crv: 'P-256', x: x.toString('base64url'), y: y.toString('base64url') }, format: 'jwk' });
}

/** Name of an object: nameAlg || SHA-256(TPMT_PUBLIC). */
export const objectName = (pub: Buffer): Buffer => Buffer.concat([u16b(ALG.SHA256), sha256(pub)]);
/** Qualified name: nameAlg || SHA-256(QN(parent) || Name). */
export const qualifiedName = (parentQn: Buffer, name: Buffer): Buffer => Buffer.concat([u16b(ALG.SHA256), sha256(parentQn, name)]);

export interface Created {
  handle: number;
  priv: Buffer;
  pub: Buffer;
  creationData: Buffer;
  creationHash: Buffer;
  ticket: { tag: number; hierarchy: number; digest: Buffer };
  name: Buffer;
}

export function parseCreated(rsp: Rsp, primary: boolean): Created {
  const r = rsp.r;
  const priv = primary ? Buffer.alloc(0) : r.b2();
  const pub = r.b2();
  const creationData = r.b2();
  const creationHash = r.b2();
  const ticket = { tag: r.u16(), hierarchy: r.u32(), digest: r.b2() };
  const name = primary ? r.b2() : objectName(pub);
  expect(r.atEnd()).to.equal(true);
  return { handle: rsp.handle, priv, pub, creationData, creationHash, ticket, name };
}

export interface NvPublic { index: number; attrs: number; size: number; policy?: Buffer; nameAlg?: number }

export function nvPublicBytes(p: NvPublic): Buffer {
  return new W().u32(p.index).u16(p.nameAlg ?? ALG.SHA256).u32(p.attrs).b2(p.policy ?? Buffer.alloc(0)).u16(p.size).done();
}

export const nvName = (p: NvPublic): Buffer => Buffer.concat([u16b(ALG.SHA256), sha256(nvPublicBytes(p))]);

// ---- HMAC sessions (Part 1, 19.6) ----

export class HmacSession {
  nonceCaller: Buffer;
  constructor(public handle: number, public nonceTpm: Buffer, public sessionKey: Buffer, nonceCaller: Buffer) {
    this.nonceCaller = nonceCaller;
  }

  /**
   * The authorisation for a command: a fresh nonceCaller and
   * HMAC(sessionKey || authValue, cpHash || nonceCaller || nonceTPM || attrs).
   * authValue is left out by the caller (pass empty) when the session is bound to the entity.
   */
  authorize(cc: number, names: Buffer[], params: Buffer, authValue: Buffer, attrs = SA.continueSession, nonce?: Buffer): AuthCommand {
    this.nonceCaller = nonce ?? crypto.randomBytes(16);
    const cp = sha256(u32b(cc), ...names, params);
    const key = Buffer.concat([this.sessionKey, trimZeros(authValue)]);
    const mac = hmac(key, cp, this.nonceCaller, this.nonceTpm, Buffer.from([attrs]));
    return { handle: this.handle, nonce: this.nonceCaller, attrs, hmac: mac };
  }

  /** Check the response HMAC and take the new nonceTPM. */
  verify(cc: number, rsp: Rsp, authValue: Buffer, index = 0): void {
    const a = rsp.sessions[index];
    expect(a, 'response session').to.not.equal(undefined);
    const rp = sha256(u32b(0), u32b(cc), rsp.params);
    const key = Buffer.concat([this.sessionKey, trimZeros(authValue)]);
    const expected = hmac(key, rp, a.nonce, this.nonceCaller, Buffer.from([a.attrs]));
    expect(a.hmac.toString('hex'), 'response HMAC').to.equal(expected.toString('hex'));
    expect(a.nonce.equals(this.nonceTpm), 'nonceTPM rolled').to.equal(false);
    this.nonceTpm = a.nonce;
  }
}

/** Start an HMAC session (unbound, or bound to `bind` with authValue bindAuth) and derive its key. */
export function startHmacSession(tpm: Tpm, bind = RH.NULL, bindAuth: Buffer = Buffer.alloc(0), nonceCaller: Buffer = crypto.randomBytes(16)): HmacSession {
  const r = tpm.ok(CC.StartAuthSession, [RH.NULL, bind], new W().b2(nonceCaller).b2(Buffer.alloc(0)).u8(0).u16(ALG.NULL).u16(ALG.SHA256).done());
  const nonceTpm = r.r.b2();
  expect(nonceTpm.length).to.equal(32);
  const key = bind === RH.NULL ? Buffer.alloc(0) : kdfa(trimZeros(bindAuth), 'ATH', nonceTpm, nonceCaller, 256);
  return new HmacSession(r.handle, nonceTpm, key, nonceCaller);
}

/** TPMS_ATTEST of a quote. */
export interface Attest {
  magic: number; type: number; qualifiedSigner: Buffer; extraData: Buffer;
  clock: bigint; resetCount: number; restartCount: number; safe: number; firmware: bigint;
  pcrSelect: number[]; pcrDigest: Buffer;
}

export function parseAttest(b: Buffer): Attest {
  const r = new R(b);
  const a: Attest = {
    magic: r.u32(), type: r.u16(), qualifiedSigner: r.b2(), extraData: r.b2(),
    clock: r.u64(), resetCount: r.u32(), restartCount: r.u32(), safe: r.u8(), firmware: r.u64(),
    pcrSelect: readPcrSelection(r), pcrDigest: r.b2(),
  };
  expect(r.atEnd()).to.equal(true);
  return a;
}

/** Parse a Quote response: the TPMS_ATTEST bytes and r || s. */
export function parseQuote(rsp: Rsp): { attest: Buffer; sig: Buffer } {
  const r = new R(rsp.params);
  const attest = r.b2();
  expect(r.u16(), 'sigAlg').to.equal(ALG.ECDSA);
  expect(r.u16(), 'hash').to.equal(ALG.SHA256);
  const sr = r.b2();
  const ss = r.b2();
  expect(r.atEnd()).to.equal(true);
  return { attest, sig: Buffer.concat([sr, ss]) };
}

export function verifyQuote(pub: Buffer, q: { attest: Buffer; sig: Buffer }): boolean {
  const p = parseEccPublic(pub);
  return crypto.verify('sha256', q.attest, { key: nodeKey(p.x, p.y), dsaEncoding: 'ieee-p1363' }, q.sig);
}
