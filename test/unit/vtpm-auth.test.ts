/**
 * vTPM authorisation: StartAuthSession and HMAC sessions checked against HMACs computed here with
 * Node's crypto per TPM 2.0 Part 1 (cpHash/rpHash, nonces, session attributes, KDFa "ATH" for
 * bound sessions), the session refusals, and the authorisation-area framing rules.
 */
import { expect } from 'chai';
import * as crypto from 'crypto';
import {
  ALG, AuthCommand, CAP, CC, HmacSession, NVA, RC, RH, Rsp, SA, SU_CLEAR, Tpm, W, authArea, buildCommand, expectRefused,
  kdfa, parseResponse, pcrSelection, pw, rcH, rcP, rcS, sensitiveCreate, sha256, signingTemplate, startHmacSession,
  storageTemplate, u32b,
} from './vtpm-client';

const extendParams = (d: Buffer): Buffer => new W().u32(1).u16(ALG.SHA256).bytes(d).done();
const D = sha256(Buffer.from('measurement'));

/** Authorise cc with session s (names of all handles, authValue of the authorised entity) and run it. */
function withHmac(t: Tpm, s: HmacSession, cc: number, handles: number[], names: Buffer[], params: Buffer, authValue: Buffer,
  attrs = SA.continueSession): Rsp {
  return t.cmd(cc, handles, params, { sessions: [s.authorize(cc, names, params, authValue, attrs)] });
}

function sessionHandles(t: Tpm): number[] {
  const r = t.getCap(CAP.HANDLES, 0x02000000, 8).r;
  const n = r.u32();
  return [...Array(n)].map(() => r.u32());
}

describe('vtpm authorisation: StartAuthSession', () => {
  it('StartAuthSession: an unbound HMAC session gets an HMAC-session handle and a 32-byte nonceTPM', () => {
    const t = new Tpm();
    const r = t.startAuthSession({ nonce: Buffer.alloc(16, 1) });
    expect(r.rc).to.equal(0);
    expect(r.handle >>> 24).to.equal(0x02);
    const nonce = r.r.b2();
    expect(nonce.length).to.equal(32);
    expect(r.r.atEnd()).to.equal(true);
    expect(sessionHandles(t)).to.deep.equal([r.handle]);
    const r2 = t.startAuthSession({ nonce: Buffer.alloc(32, 2) });
    expect(r2.handle).to.not.equal(r.handle);
    expect(r2.r.b2().equals(nonce)).to.equal(false);
  });

  it('StartAuthSession: a salted session (tpmKey not TPM_RH_NULL) is TPM_RC_KEY + H1', () => {
    const t = new Tpm();
    const k = t.primary(RH.OWNER, storageTemplate()).handle;
    expectRefused(t, rcH(RC.KEY, 1), () => t.startAuthSession({ tpmKey: k }));
    expectRefused(t, RC.REFERENCE_H0, () => t.startAuthSession({ tpmKey: 0x80000002 }));
    expectRefused(t, rcH(RC.VALUE, 1), () => t.startAuthSession({ tpmKey: RH.OWNER }));
  });

  it('StartAuthSession: an encryptedSalt without tpmKey is TPM_RC_VALUE + P + 2', () => {
    const t = new Tpm();
    expectRefused(t, rcP(RC.VALUE, 2), () => t.startAuthSession({ salt: Buffer.alloc(32, 1) }));
  });

  it('StartAuthSession: policy and trial sessions are TPM_RC_VALUE + P + 3', () => {
    const t = new Tpm();
    for (const type of [1, 3, 2, 0xff]) expectRefused(t, rcP(RC.VALUE, 3), () => t.startAuthSession({ type }));
  });

  it('StartAuthSession: parameter encryption (symmetric not TPM_ALG_NULL) is TPM_RC_SYMMETRIC + P + 4', () => {
    const t = new Tpm();
    expectRefused(t, rcP(RC.SYMMETRIC, 4), () => t.startAuthSession({ sym: ALG.AES }));
  });

  it('StartAuthSession: an authHash other than SHA-256 is TPM_RC_HASH + P + 5', () => {
    const t = new Tpm();
    expectRefused(t, rcP(RC.HASH, 5), () => t.startAuthSession({ hash: ALG.SHA1 }));
    expectRefused(t, rcP(RC.HASH, 5), () => t.startAuthSession({ hash: ALG.NULL }));
  });

  it('StartAuthSession: nonceCaller shorter than 16 or longer than 32 bytes is TPM_RC_SIZE + P + 1', () => {
    const t = new Tpm();
    expectRefused(t, rcP(RC.SIZE, 1), () => t.startAuthSession({ nonce: Buffer.alloc(15) }));
    expectRefused(t, rcP(RC.SIZE, 1), () => t.startAuthSession({ nonce: Buffer.alloc(33) }));
  });

  it('StartAuthSession: with every session slot in use, TPM_RC_SESSION_MEMORY', () => {
    const t = new Tpm();
    const avail = ((): number => { const r = t.getCap(CAP.TPM_PROPERTIES, 0x206, 1).r; r.u32(); r.u32(); return r.u32(); })();
    expect(avail).to.be.greaterThan(0);
    for (let i = 0; i < avail; i++) t.startAuthSession();
    expectRefused(t, RC.SESSION_MEMORY, () => t.startAuthSession());
    // a flushed slot is reusable
    const h = sessionHandles(t)[0];
    expect(t.flush(h).rc).to.equal(0);
    expect(t.startAuthSession().handle).to.equal(h);
  });

  it('StartAuthSession: the bind entity must exist (TPM_RC_REFERENCE_H1 for an object, TPM_RC_HANDLE + H2 for an index, TPM_RC_VALUE + H2)', () => {
    const t = new Tpm();
    expectRefused(t, RC.REFERENCE_H0 + 1, () => t.startAuthSession({ bind: 0x80000001 }));
    expectRefused(t, rcH(RC.HANDLE, 2), () => t.startAuthSession({ bind: 0x01000001 }));
    expectRefused(t, rcH(RC.VALUE, 2), () => t.startAuthSession({ bind: 24 }));
    expectRefused(t, rcH(RC.VALUE, 2), () => t.startAuthSession({ bind: RH.PW }));
  });
});

describe('vtpm authorisation: HMAC sessions', () => {
  it('PCR_Extend: authorised by an unbound HMAC session; the response HMAC verifies and nonceTPM rolls', () => {
    const t = new Tpm();
    const s = startHmacSession(t);
    for (let i = 0; i < 3; i++) {
      const params = extendParams(D);
      const r = withHmac(t, s, CC.PCR_Extend, [16], [u32b(16)], params, Buffer.alloc(0));
      expect(r.rc).to.equal(0);
      expect(r.tag).to.equal(0x8002);
      expect(r.sessions.length).to.equal(1);
      expect(r.sessions[0].attrs).to.equal(SA.continueSession);
      s.verify(CC.PCR_Extend, r, Buffer.alloc(0));
    }
    let v: Buffer = Buffer.alloc(32);
    for (let i = 0; i < 3; i++) v = sha256(v, D);
    expect(t.pcr(16).equals(v)).to.equal(true);
  });

  it('CreatePrimary: an HMAC session authorises the owner hierarchy; response parameters are MACed', () => {
    const t = new Tpm();
    const s = startHmacSession(t);
    const params = new W().bytes(sensitiveCreate()).b2(signingTemplate()).b2(Buffer.alloc(0)).bytes(pcrSelection(null)).done();
    const r = withHmac(t, s, CC.CreatePrimary, [RH.OWNER], [u32b(RH.OWNER)], params, Buffer.alloc(0));
    expect(r.rc).to.equal(0);
    expect(r.handle >>> 24).to.equal(0x80);
    s.verify(CC.CreatePrimary, r, Buffer.alloc(0));
  });

  it('PCR_Extend: a wrong HMAC is TPM_RC_BAD_AUTH + S1; nothing changes and nonceTPM does not roll', () => {
    const t = new Tpm();
    const s = startHmacSession(t);
    const params = extendParams(D);
    const good = s.authorize(CC.PCR_Extend, [u32b(16)], params, Buffer.alloc(0));
    const bad: AuthCommand = { ...good, hmac: Buffer.from(good.hmac) };
    bad.hmac[0] ^= 1;
    expectRefused(t, rcS(RC.BAD_AUTH, 1), () => t.cmd(CC.PCR_Extend, [16], params, { sessions: [bad] }));
    // HMAC over other parameters, or with an authValue the PCR does not have
    const other = s.authorize(CC.PCR_Extend, [u32b(16)], extendParams(Buffer.alloc(32)), Buffer.alloc(0));
    expectRefused(t, rcS(RC.BAD_AUTH, 1), () => t.cmd(CC.PCR_Extend, [16], params, { sessions: [{ ...other, nonce: other.nonce }] }));
    const withAuth = s.authorize(CC.PCR_Extend, [u32b(16)], params, Buffer.from('x'));
    expectRefused(t, rcS(RC.BAD_AUTH, 1), () => t.cmd(CC.PCR_Extend, [16], params, { sessions: [withAuth] }));
    const noMac: AuthCommand = { ...good, hmac: Buffer.alloc(0) };
    expectRefused(t, rcS(RC.BAD_AUTH, 1), () => t.cmd(CC.PCR_Extend, [16], params, { sessions: [noMac] }));
    // the original nonceTPM still works: it did not roll
    const r = withHmac(t, s, CC.PCR_Extend, [16], [u32b(16)], params, Buffer.alloc(0));
    expect(r.rc).to.equal(0);
    s.verify(CC.PCR_Extend, r, Buffer.alloc(0));
  });

  it('PCR_Extend: an HMAC computed with the command code or handle of another command fails', () => {
    const t = new Tpm();
    const s = startHmacSession(t);
    const params = extendParams(D);
    const wrongCc = s.authorize(CC.PCR_Reset, [u32b(16)], params, Buffer.alloc(0));
    expectRefused(t, rcS(RC.BAD_AUTH, 1), () => t.cmd(CC.PCR_Extend, [16], params, { sessions: [wrongCc] }));
    const wrongName = s.authorize(CC.PCR_Extend, [u32b(23)], params, Buffer.alloc(0));
    expectRefused(t, rcS(RC.BAD_AUTH, 1), () => t.cmd(CC.PCR_Extend, [16], params, { sessions: [wrongName] }));
  });

  it('PCR_Extend: continueSession = 0 closes the session after the command; a closed session is TPM_RC_REFERENCE_S0', () => {
    const t = new Tpm();
    const s = startHmacSession(t);
    const params = extendParams(D);
    const r = withHmac(t, s, CC.PCR_Extend, [16], [u32b(16)], params, Buffer.alloc(0), 0);
    expect(r.rc).to.equal(0);
    expect(r.sessions[0].attrs).to.equal(0);
    s.verify(CC.PCR_Extend, r, Buffer.alloc(0));
    expect(sessionHandles(t)).to.deep.equal([]);
    expectRefused(t, RC.REFERENCE_S0, () => withHmac(t, s, CC.PCR_Extend, [16], [u32b(16)], params, Buffer.alloc(0)));
  });

  it('PCR_Extend: a flushed session or a never-started one is TPM_RC_REFERENCE_S0', () => {
    const t = new Tpm();
    const s = startHmacSession(t);
    t.flush(s.handle);
    const params = extendParams(D);
    expectRefused(t, RC.REFERENCE_S0, () => withHmac(t, s, CC.PCR_Extend, [16], [u32b(16)], params, Buffer.alloc(0)));
    const ghost = new HmacSession(0x02000002, Buffer.alloc(32), Buffer.alloc(0), Buffer.alloc(16));
    expectRefused(t, RC.REFERENCE_S0, () => withHmac(t, ghost, CC.PCR_Extend, [16], [u32b(16)], params, Buffer.alloc(0)));
    const policy = new HmacSession(0x03000000, Buffer.alloc(32), Buffer.alloc(0), Buffer.alloc(16));
    expectRefused(t, RC.REFERENCE_S0, () => withHmac(t, policy, CC.PCR_Extend, [16], [u32b(16)], params, Buffer.alloc(0)));
  });

  it('PCR_Extend: HMAC sessions asking for audit or parameter encryption are TPM_RC_ATTRIBUTES + S1', () => {
    const t = new Tpm();
    const s = startHmacSession(t);
    const params = extendParams(D);
    for (const a of [SA.audit, SA.auditExclusive | SA.audit, SA.auditReset | SA.audit, SA.decrypt, SA.encrypt]) {
      expectRefused(t, rcS(RC.ATTRIBUTES, 1), () => withHmac(t, s, CC.PCR_Extend, [16], [u32b(16)], params, Buffer.alloc(0), a | SA.continueSession));
    }
  });

  it('StartAuthSession: a session bound to the owner (empty authValue) uses KDFa(\'\', "ATH", nonceTPM, nonceCaller)', () => {
    const t = new Tpm();
    const nonceCaller = crypto.randomBytes(20);
    const s = startHmacSession(t, RH.OWNER, Buffer.alloc(0), nonceCaller);
    expect(s.sessionKey.length).to.equal(32);
    expect(s.sessionKey.equals(kdfa(Buffer.alloc(0), 'ATH', s.nonceTpm, nonceCaller, 256))).to.equal(true);
    // the bind entity itself
    const params = new W().bytes(sensitiveCreate()).b2(storageTemplate()).b2(Buffer.alloc(0)).bytes(pcrSelection(null)).done();
    const r = withHmac(t, s, CC.CreatePrimary, [RH.OWNER], [u32b(RH.OWNER)], params, Buffer.alloc(0));
    expect(r.rc).to.equal(0);
    s.verify(CC.CreatePrimary, r, Buffer.alloc(0));
    // another entity: the key is sessionKey || authValue (empty for a PCR)
    const r2 = withHmac(t, s, CC.PCR_Extend, [16], [u32b(16)], extendParams(D), Buffer.alloc(0));
    expect(r2.rc).to.equal(0);
    s.verify(CC.PCR_Extend, r2, Buffer.alloc(0));
    // an unbound key (no sessionKey) does not verify
    const unbound = new HmacSession(s.handle, s.nonceTpm, Buffer.alloc(0), Buffer.alloc(16));
    expectRefused(t, rcS(RC.BAD_AUTH, 1), () => withHmac(t, unbound, CC.PCR_Extend, [16], [u32b(16)], extendParams(D), Buffer.alloc(0)));
  });

  it('StartAuthSession: a session bound to an object with an authValue: the authValue is left out for the object and added for others', () => {
    const t = new Tpm();
    const parentAuth = Buffer.from('parent-secret');
    const parent = t.primary(RH.OWNER, storageTemplate(), parentAuth);
    const nonceCaller = crypto.randomBytes(32);
    const s = startHmacSession(t, parent.handle, parentAuth, nonceCaller);
    expect(s.sessionKey.equals(kdfa(parentAuth, 'ATH', s.nonceTpm, nonceCaller, 256))).to.equal(true);
    // Create under the bind entity: HMAC key = sessionKey only
    const createParams = new W().bytes(sensitiveCreate()).b2(signingTemplate()).b2(Buffer.alloc(0)).bytes(pcrSelection(null)).done();
    const withAuthIncluded = s.authorize(CC.Create, [parent.name], createParams, parentAuth);
    expectRefused(t, rcS(RC.BAD_AUTH, 1), () => t.cmd(CC.Create, [parent.handle], createParams, { sessions: [withAuthIncluded] }));
    const r = withHmac(t, s, CC.Create, [parent.handle], [parent.name], createParams, Buffer.alloc(0));
    expect(r.rc).to.equal(0);
    s.verify(CC.Create, r, Buffer.alloc(0));
    // Quote with another key that has its own authValue: HMAC key = sessionKey || its authValue
    const keyAuth = Buffer.from('signer');
    const signer = t.primary(RH.OWNER, signingTemplate(), keyAuth);
    const quoteParams = new W().b2(Buffer.from('nonce')).u16(ALG.NULL).bytes(pcrSelection([0])).done();
    const bare = s.authorize(CC.Quote, [signer.name], quoteParams, Buffer.alloc(0));
    expectRefused(t, rcS(RC.BAD_AUTH, 1), () => t.cmd(CC.Quote, [signer.handle], quoteParams, { sessions: [bare] }));
    const q = withHmac(t, s, CC.Quote, [signer.handle], [signer.name], quoteParams, keyAuth);
    expect(q.rc).to.equal(0);
    s.verify(CC.Quote, q, keyAuth);
  });

  it('Quote: an unbound session authorises a key with an authValue: HMAC key = authValue (trailing zeros dropped)', () => {
    const t = new Tpm();
    const keyAuth = Buffer.from([1, 2, 3, 0, 0]);
    const signer = t.primary(RH.OWNER, signingTemplate(), keyAuth);
    const s = startHmacSession(t);
    const quoteParams = new W().b2(Buffer.from('n')).u16(ALG.NULL).bytes(pcrSelection([0])).done();
    const q = withHmac(t, s, CC.Quote, [signer.handle], [signer.name], quoteParams, Buffer.from([1, 2, 3]));
    expect(q.rc).to.equal(0);
    s.verify(CC.Quote, q, Buffer.from([1, 2, 3]));
    // and by password, with or without the trailing zeros
    expect(t.quote(signer.handle, Buffer.from('n'), [0], { auth: keyAuth }).rc).to.equal(0);
    expect(t.quote(signer.handle, Buffer.from('n'), [0], { auth: Buffer.from([1, 2, 3]) }).rc).to.equal(0);
    expectRefused(t, rcS(RC.BAD_AUTH, 1), () => t.quote(signer.handle, Buffer.from('n'), [0], { auth: Buffer.from([1, 2]) }));
  });

  it('Startup: sessions do not survive a TPM Reset', () => {
    const t = new Tpm();
    const s = startHmacSession(t);
    t.powerCycle();
    t.startup(SU_CLEAR);
    expectRefused(t, RC.REFERENCE_S0, () => withHmac(t, s, CC.PCR_Extend, [16], [u32b(16)], extendParams(D), Buffer.alloc(0)));
  });
});

describe('vtpm authorisation: the authorisation area', () => {
  /** A command with a hand-made authorisation area (authSize as given). */
  function rawAuth(t: Tpm, cc: number, handles: number[], authSize: number, area: Buffer, params: Buffer): Buffer {
    const w = new W();
    for (const h of handles) w.u32(h);
    const body = w.u32(authSize).bytes(area).bytes(params).done();
    const cmd = new W().u16(0x8002).u32(10 + body.length).u32(cc).bytes(body).done();
    return t.raw(cmd);
  }

  it('PCR_Extend: more than three sessions is TPM_RC_AUTHSIZE', () => {
    const t = new Tpm();
    const area = authArea([pw(), pw(), pw(), pw()]);
    expectRefused(t, RC.AUTHSIZE, () => rawAuth(t, CC.PCR_Extend, [16], area.length, area, extendParams(D)));
  });

  it('PCR_Extend: an authorizationSize beyond the command, zero, or cutting a session is TPM_RC_AUTHSIZE', () => {
    const t = new Tpm();
    const area = authArea([pw()]);
    const params = extendParams(D);
    expectRefused(t, RC.AUTHSIZE, () => rawAuth(t, CC.PCR_Extend, [16], area.length + params.length + 1, area, params));
    expectRefused(t, RC.AUTHSIZE, () => rawAuth(t, CC.PCR_Extend, [16], 0, Buffer.alloc(0), params));
    expectRefused(t, RC.AUTHSIZE, () => rawAuth(t, CC.PCR_Extend, [16], area.length - 1, area.subarray(0, area.length - 1), params));
    // authorizationSize missing altogether
    const cmd = new W().u16(0x8002).u32(16).u32(CC.PCR_Extend).u32(16).u16(0).done();
    expectRefused(t, RC.AUTHSIZE, () => t.raw(cmd));
  });

  it('PCR_Extend: a session handle that is neither TPM_RS_PW nor a session is TPM_RC_HANDLE + S1', () => {
    const t = new Tpm();
    const s: AuthCommand = { ...pw(), handle: RH.OWNER };
    expectRefused(t, rcS(RC.HANDLE, 1), () => t.pcrExtend(16, D, { sessions: [s] }));
    const s2: AuthCommand = { ...pw(), handle: 0x80000000 };
    expectRefused(t, rcS(RC.HANDLE, 1), () => t.pcrExtend(16, D, { sessions: [s2] }));
  });

  it('PCR_Extend: a session beyond the handles needing authorisation is TPM_RC_ATTRIBUTES for that session', () => {
    const t = new Tpm();
    expectRefused(t, rcS(RC.ATTRIBUTES, 2), () => t.pcrExtend(16, D, { sessions: [pw(), pw()] }));
    const s = startHmacSession(t);
    const params = extendParams(D);
    const a = s.authorize(CC.PCR_Extend, [u32b(16)], params, Buffer.alloc(0));
    expectRefused(t, rcS(RC.ATTRIBUTES, 2), () => t.cmd(CC.PCR_Extend, [16], params, { sessions: [pw(), a] }));
  });

  it('GetRandom: a command without authorisation handles refuses a password session (TPM_RC_ATTRIBUTES + S1)', () => {
    const t = new Tpm();
    expectRefused(t, rcS(RC.ATTRIBUTES, 1), () => t.cmd(CC.GetRandom, [], Buffer.from([0, 8]), { sessions: [pw()] }));
  });

  it('PCR_Extend: without an authorisation area, TPM_RC_AUTH_MISSING', () => {
    const t = new Tpm();
    expectRefused(t, RC.AUTH_MISSING, () => t.raw(buildCommand(CC.PCR_Extend, [16], extendParams(D))));
    expectRefused(t, RC.AUTH_MISSING, () => t.raw(buildCommand(CC.NV_DefineSpace, [RH.OWNER], Buffer.alloc(0))));
  });

  it('ContextSave: any session on a context command is TPM_RC_AUTH_CONTEXT (ContextSave, ContextLoad, FlushContext)', () => {
    const t = new Tpm();
    const k = t.primary(RH.OWNER, storageTemplate()).handle;
    expectRefused(t, RC.AUTH_CONTEXT, () => t.cmd(CC.ContextSave, [k], Buffer.alloc(0), { sessions: [pw()] }));
    expectRefused(t, RC.AUTH_CONTEXT, () => t.cmd(CC.FlushContext, [], u32b(k), { sessions: [pw()] }));
    const ctx = t.contextSave(k);
    expect(ctx.rc).to.equal(0);
    expectRefused(t, RC.AUTH_CONTEXT, () => t.cmd(CC.ContextLoad, [], ctx.params, { sessions: [pw()] }));
  });

  it('PCR_Extend: a password session of wrong length framing (hmac size above 32) is TPM_RC_SIZE + S1', () => {
    const t = new Tpm();
    const bad = new W().u32(RH.PW).u16(0).u8(1).b2(Buffer.alloc(33)).done();
    expectRefused(t, rcS(RC.SIZE, 1), () => rawAuth(t, CC.PCR_Extend, [16], bad.length, bad, extendParams(D)));
  });

  it('NV_DefineSpace: a response to a command with a password session carries its empty acknowledgement', () => {
    const t = new Tpm();
    const r = t.nvDefine(RH.OWNER, { index: 0x01000001, attrs: NVA.OWNERREAD | NVA.OWNERWRITE, size: 4 });
    expect(r.rc).to.equal(0);
    expect(r.params.length).to.equal(0);
    expect(r.sessions).to.deep.equal([{ nonce: Buffer.alloc(0), attrs: SA.continueSession, hmac: Buffer.alloc(0) }]);
    const raw = parseResponse(r.raw, false);
    expect(raw.tag).to.equal(0x8002);
  });
});
