/**
 * vTPM objects, contexts and quotes: CreatePrimary/Create/Load/ReadPublic of P-256 keys (names,
 * qualified names, creation data, derivation determinism, every template refusal),
 * ContextSave/ContextLoad/FlushContext (round trip, tampering, hierarchy and reset rules) and
 * Quote (signature verified with Node's crypto, every TPMS_ATTEST field checked).
 */
import { expect } from 'chai';
import * as crypto from 'crypto';
import { advanceClock } from '../../vtpm/tpm/platform';
import {
  ALG, CAP, CC, Created, ECC_NIST_P256, ECC_NIST_P384, OA, R, RC, RH, SIGNING_ATTRS, STORAGE_ATTRS, ST, SU_CLEAR, SU_STATE,
  Tpm, W, eccPublic, expectRefused, hmac, nodeKey, objectName, parseAttest, parseEccPublic, parseQuote, pcrSelection, pw,
  qualifiedName, rcH, rcP, rcS, readPcrSelection, sensitiveCreate, sha256, signingTemplate, startHmacSession,
  storageTemplate, u16b, u32b, verifyQuote,
} from './vtpm-client';

const EMPTY: Buffer = Buffer.alloc(0);

describe('vtpm objects: CreatePrimary, Create, Load, ReadPublic', () => {
  it('CreatePrimary: an ECC storage key; outPublic is the template with the point, Name = nameAlg || SHA-256(public area)', () => {
    const t = new Tpm();
    const tmpl = storageTemplate();
    const c = t.primary(RH.OWNER, tmpl);
    expect(c.handle >>> 24).to.equal(0x80);
    const p = parseEccPublic(c.pub);
    expect([p.type, p.nameAlg, p.attrs, p.symAlg, p.symBits, p.scheme, p.curve, p.kdf])
      .to.deep.equal([ALG.ECC, ALG.SHA256, STORAGE_ATTRS, ALG.AES, 128, ALG.NULL, ECC_NIST_P256, ALG.NULL]);
    expect(p.x.length).to.equal(32);
    expect(p.y.length).to.equal(32);
    nodeKey(p.x, p.y); // a valid P-256 point (Node refuses points off the curve)
    expect(c.pub.equals(eccPublic({ attrs: STORAGE_ATTRS, sym: 128, x: p.x, y: p.y }))).to.equal(true);
    expect(c.name.toString('hex')).to.equal(Buffer.concat([u16b(ALG.SHA256), sha256(c.pub)]).toString('hex'));
    // creation data: no PCRs, locality 0, parent = the hierarchy (nameAlg NULL, handle as name)
    const r = new R(c.creationData);
    expect(readPcrSelection(r)).to.deep.equal([]);
    expect(r.b2().length).to.equal(0);
    expect(r.u8()).to.equal(1);
    expect(r.u16()).to.equal(ALG.NULL);
    expect(r.b2().equals(u32b(RH.OWNER))).to.equal(true);
    expect(r.b2().equals(u32b(RH.OWNER))).to.equal(true);
    expect(r.b2().length).to.equal(0);
    expect(r.atEnd()).to.equal(true);
    expect(c.creationHash.equals(sha256(c.creationData))).to.equal(true);
    expect([c.ticket.tag, c.ticket.hierarchy, c.ticket.digest.length]).to.deep.equal([ST.CREATION, RH.OWNER, 32]);
    // white box: the ticket is HMAC(proof(owner), TPM_ST_CREATION || Name || creationHash)
    const ownerProof = Buffer.from(t.inst.proofs.subarray(32, 64));
    expect(c.ticket.digest.toString('hex')).to.equal(hmac(ownerProof, u16b(ST.CREATION), c.name, c.creationHash).toString('hex'));
  });

  it('CreatePrimary: a restricted ECDSA signing key; its creation data records outsideInfo, PCRs and locality', () => {
    const t = new Tpm();
    t.pcrExtend(3, sha256(Buffer.from('x')));
    const r = t.createPrimary(RH.ENDORSEMENT, signingTemplate(), { outside: Buffer.from('outside'), pcrs: [3, 4], sessions: [pw()] });
    expect(r.rc).to.equal(0);
    const c = t.primary(RH.ENDORSEMENT, signingTemplate());
    const p = parseEccPublic(c.pub);
    expect([p.attrs, p.scheme, p.symAlg]).to.deep.equal([SIGNING_ATTRS, ALG.ECDSA, ALG.NULL]);
    const rr = r.r;
    rr.b2();
    const cd = new R(rr.b2());
    expect(readPcrSelection(cd)).to.deep.equal([3, 4]);
    expect(cd.b2().equals(sha256(t.pcr(3), t.pcr(4)))).to.equal(true);
    expect(cd.u8()).to.equal(1);
    cd.u16(); cd.b2(); cd.b2();
    expect(cd.b2().toString()).to.equal('outside');
    // at locality 2; in the null hierarchy the ticket is the null ticket
    const params = new W().bytes(sensitiveCreate()).b2(signingTemplate()).b2(EMPTY).bytes(pcrSelection(null)).done();
    const n = t.ok(CC.CreatePrimary, [RH.NULL], params, { sessions: [pw()], locality: 2 }).r;
    n.b2();
    const ncd = new R(n.b2());
    readPcrSelection(ncd); ncd.b2();
    expect(ncd.u8()).to.equal(1 << 2);
    n.b2();
    expect([n.u16(), n.u32(), n.b2().length]).to.deep.equal([ST.CREATION, RH.NULL, 0]);
  });

  it('CreatePrimary: the same template gives the same key after a flush; another unique, hierarchy or template does not', () => {
    const t = new Tpm();
    const tmpl = signingTemplate();
    const a = t.primary(RH.OWNER, tmpl);
    t.flush(a.handle);
    const b = t.primary(RH.OWNER, tmpl, Buffer.from('a different authValue'));
    expect(b.pub.equals(a.pub)).to.equal(true);
    t.flush(b.handle);
    const u = t.primary(RH.OWNER, signingTemplate({ x: Buffer.from('my unique'), y: EMPTY }));
    expect(parseEccPublic(u.pub).x.equals(parseEccPublic(a.pub).x)).to.equal(false);
    t.flush(u.handle);
    const e = t.primary(RH.ENDORSEMENT, tmpl);
    expect(parseEccPublic(e.pub).x.equals(parseEccPublic(a.pub).x)).to.equal(false);
    t.flush(e.handle);
    const s = t.primary(RH.OWNER, storageTemplate());
    expect(parseEccPublic(s.pub).x.equals(parseEccPublic(a.pub).x)).to.equal(false);
    t.flush(s.handle);
    // another instance (other seeds) derives another key from the same template
    const other = new Tpm(2, Buffer.alloc(48, 0x77));
    expect(parseEccPublic(other.primary(RH.OWNER, tmpl).pub).x.equals(parseEccPublic(a.pub).x)).to.equal(false);
  });

  it('ReadPublic: outPublic, Name and qualified name (QN = H(handle || Name) for a primary)', () => {
    const t = new Tpm();
    const c = t.primary(RH.OWNER, storageTemplate());
    const rp = t.readPublic(c.handle);
    expect(rp.pub.equals(c.pub)).to.equal(true);
    expect(rp.name.equals(c.name)).to.equal(true);
    expect(rp.qn.toString('hex')).to.equal(qualifiedName(u32b(RH.OWNER), c.name).toString('hex'));
  });

  it('Create/Load: a restricted ECDSA child; Load returns its Name, ReadPublic its QN = H(QN(parent) || Name)', () => {
    const t = new Tpm();
    const parent = t.primary(RH.OWNER, storageTemplate());
    const parentQn = t.readPublic(parent.handle).qn;
    const child = t.child(parent.handle, signingTemplate());
    expect(child.priv.length).to.be.greaterThan(34);
    const p = parseEccPublic(child.pub);
    expect([p.attrs, p.scheme]).to.deep.equal([SIGNING_ATTRS, ALG.ECDSA]);
    // creation data names the parent
    const cd = new R(child.creationData);
    readPcrSelection(cd); cd.b2(); cd.u8();
    expect(cd.u16()).to.equal(ALG.SHA256);
    expect(cd.b2().equals(parent.name)).to.equal(true);
    expect(cd.b2().equals(parentQn)).to.equal(true);
    expect([child.ticket.tag, child.ticket.hierarchy]).to.deep.equal([ST.CREATION, RH.OWNER]);
    // Create loads nothing
    expect(t.getCap(CAP.HANDLES, 0x80000000, 8).r.u32()).to.equal(1);
    const l = t.load(parent.handle, child.priv, child.pub);
    expect(l.rc).to.equal(0);
    expect(l.r.b2().toString('hex')).to.equal(objectName(child.pub).toString('hex'));
    const rp = t.readPublic(l.handle);
    expect(rp.pub.equals(child.pub)).to.equal(true);
    expect(rp.qn.toString('hex')).to.equal(qualifiedName(parentQn, rp.name).toString('hex'));
    // two children of the same template are different keys
    const child2 = t.child(parent.handle, signingTemplate());
    expect(parseEccPublic(child2.pub).x.equals(p.x)).to.equal(false);
  });

  it('Create/Load: a storage child can parent a grandchild; QNs chain', () => {
    const t = new Tpm();
    const root = t.primary(RH.OWNER, storageTemplate({ sym: 256 }));
    const mid = t.child(root.handle, storageTemplate());
    const midH = t.load(root.handle, mid.priv, mid.pub).handle;
    const leaf = t.child(midH, signingTemplate());
    t.flush(root.handle);
    const leafH = t.load(midH, leaf.priv, leaf.pub).handle;
    const rootQn = qualifiedName(u32b(RH.OWNER), root.name);
    const midQn = qualifiedName(rootQn, mid.name);
    expect(t.readPublic(midH).qn.equals(midQn)).to.equal(true);
    expect(t.readPublic(leafH).qn.equals(qualifiedName(midQn, leaf.name))).to.equal(true);
  });

  it('Load: the child of a primary loads again after the primary is recreated (same seed)', () => {
    const t = new Tpm();
    const parent = t.primary(RH.OWNER, storageTemplate());
    const child = t.child(parent.handle, signingTemplate());
    t.flush(parent.handle);
    t.powerCycle();
    t.startup(SU_CLEAR);
    const again = t.primary(RH.OWNER, storageTemplate());
    expect(t.load(again.handle, child.priv, child.pub).rc).to.equal(0);
  });

  describe('template refusals', () => {
    const t = new Tpm();
    const refused = (rc: number, tmpl: Buffer, data?: Buffer): void => {
      expectRefused(t, rc, () => t.createPrimary(RH.OWNER, tmpl, { data }));
    };

    it('CreatePrimary: an RSA (or other non-ECC) type is TPM_RC_TYPE + P + 2', () => {
      refused(rcP(RC.TYPE, 2), eccPublic({ attrs: SIGNING_ATTRS, scheme: ALG.ECDSA, type: ALG.RSA }));
      refused(rcP(RC.TYPE, 2), eccPublic({ attrs: SIGNING_ATTRS, scheme: ALG.ECDSA, type: ALG.KEYEDHASH }));
    });

    it('CreatePrimary: a nameAlg other than SHA-256 is TPM_RC_HASH + P + 2', () => {
      refused(rcP(RC.HASH, 2), signingTemplate({ nameAlg: ALG.SHA1 }));
      refused(rcP(RC.HASH, 2), signingTemplate({ nameAlg: ALG.NULL }));
    });

    it('CreatePrimary: reserved TPMA_OBJECT bits are TPM_RC_RESERVED_BITS + P + 2', () => {
      for (const bit of [0, 3, 8, 9, 12, 15, 19, 31]) refused(rcP(RC.RESERVED_BITS, 2), signingTemplate({ attrs: (SIGNING_ATTRS | (2 ** bit)) >>> 0 }));
    });

    it('CreatePrimary: a restricted signing key with the NULL scheme is TPM_RC_SCHEME + P + 2', () => {
      refused(rcP(RC.SCHEME, 2), signingTemplate({ scheme: ALG.NULL }));
      refused(rcP(RC.SCHEME, 2), signingTemplate({ scheme: ALG.ECDH }));
      refused(rcP(RC.HASH, 2), signingTemplate({ schemeHash: ALG.SHA1 }));
    });

    it('CreatePrimary: a storage key without a symmetric definition is TPM_RC_SYMMETRIC + P + 2; with a scheme TPM_RC_SCHEME + P + 2', () => {
      refused(rcP(RC.SYMMETRIC, 2), storageTemplate({ sym: 0 }));
      refused(rcP(RC.SCHEME, 2), storageTemplate({ scheme: ALG.ECDSA }));
      refused(rcP(RC.SYMMETRIC, 2), signingTemplate({ sym: 128 }));
    });

    it('CreatePrimary: bad symmetric parameters are TPM_RC_KEY_SIZE / MODE / SYMMETRIC + P + 2', () => {
      refused(rcP(RC.KEY_SIZE, 2), storageTemplate({ sym: 192 }));
      refused(rcP(RC.MODE, 2), storageTemplate({ symMode: ALG.CBC }));
      refused(rcP(RC.SYMMETRIC, 2), storageTemplate({ symAlg: ALG.SHA256 }));
    });

    it('CreatePrimary: another curve is TPM_RC_CURVE + P + 2, a KDF TPM_RC_KDF + P + 2', () => {
      refused(rcP(RC.CURVE, 2), signingTemplate({ curve: ECC_NIST_P384 }));
      refused(rcP(RC.KDF, 2), signingTemplate({ kdf: ALG.KDF1_SP800_108 }));
    });

    it('CreatePrimary: sensitive data for an ECC key is refused (TPM_RC_SIZE + P + 1)', () => {
      refused(rcP(RC.SIZE, 1), signingTemplate(), Buffer.from('secret'));
    });

    it('CreatePrimary: fixedTPM without fixedParent is TPM_RC_ATTRIBUTES + P + 2, as are other attribute conflicts', () => {
      refused(rcP(RC.ATTRIBUTES, 2), signingTemplate({ attrs: SIGNING_ATTRS & ~OA.fixedParent }));
      refused(rcP(RC.ATTRIBUTES, 2), signingTemplate({ attrs: SIGNING_ATTRS & ~OA.sensitiveDataOrigin }));
      refused(rcP(RC.ATTRIBUTES, 2), signingTemplate({ attrs: SIGNING_ATTRS & ~OA.sign }));
      refused(rcP(RC.ATTRIBUTES, 2), signingTemplate({ attrs: SIGNING_ATTRS | OA.decrypt }));
    });

    it('CreatePrimary: malformed TPM2B fields are TPM_RC_SIZE numbered with their parameter', () => {
      refused(rcP(RC.SIZE, 2), signingTemplate({ policy: Buffer.alloc(20) }));
      refused(rcP(RC.SIZE, 2), Buffer.concat([signingTemplate(), Buffer.from([0])]));
      refused(rcP(RC.SIZE, 2), signingTemplate({ x: Buffer.alloc(33) }));
      const badSensitive = new W().u16(5).b2(EMPTY).b2(EMPTY).done();
      const params = new W().bytes(badSensitive).b2(signingTemplate()).b2(EMPTY).u32(0).done();
      expectRefused(t, rcP(RC.SIZE, 1), () => t.cmd(CC.CreatePrimary, [RH.OWNER], params, { sessions: [pw()] }));
      expectRefused(t, rcP(RC.SIZE, 3), () => t.createPrimary(RH.OWNER, signingTemplate(), { outside: Buffer.alloc(35) }));
    });

    it('CreatePrimary: a wrong owner password is TPM_RC_BAD_AUTH + S1 (hierarchies are exempt from DA protection)', () => {
      expectRefused(t, rcS(RC.BAD_AUTH, 1), () => t.createPrimary(RH.OWNER, signingTemplate(), { sessions: [pw('x')] }));
    });
  });

  it('Create: a parent that is not a storage key is TPM_RC_TYPE + H1 (Create and Load)', () => {
    const t = new Tpm();
    const signer = t.primary(RH.OWNER, signingTemplate());
    expectRefused(t, rcH(RC.TYPE, 1), () => t.create(signer.handle, signingTemplate()));
    const parent = t.primary(RH.OWNER, storageTemplate());
    const child = t.child(parent.handle, signingTemplate());
    expectRefused(t, rcH(RC.TYPE, 1), () => t.load(signer.handle, child.priv, child.pub));
  });

  it('Create: a fixedTPM child under a parent without fixedTPM is TPM_RC_ATTRIBUTES + P + 2', () => {
    const t = new Tpm();
    const parent = t.primary(RH.OWNER, storageTemplate({ attrs: STORAGE_ATTRS & ~OA.fixedTPM }));
    expectRefused(t, rcP(RC.ATTRIBUTES, 2), () => t.create(parent.handle, signingTemplate()));
    const ok = t.child(parent.handle, signingTemplate({ attrs: SIGNING_ATTRS & ~OA.fixedTPM }));
    expect(t.load(parent.handle, ok.priv, ok.pub).rc).to.equal(0);
  });

  it('Create: a creationPCR selection of another bank is TPM_RC_HASH + P + 4; outsideInfo over 34 bytes TPM_RC_SIZE + P + 3', () => {
    const t = new Tpm();
    const parent = t.primary(RH.OWNER, storageTemplate());
    const params = (outside: Buffer, sel: Buffer): Buffer => new W().bytes(sensitiveCreate()).b2(signingTemplate()).b2(outside).bytes(sel).done();
    expectRefused(t, rcP(RC.HASH, 4), () => t.cmd(CC.Create, [parent.handle], params(EMPTY, pcrSelection([0], ALG.SHA1)), { sessions: [pw()] }));
    expectRefused(t, rcP(RC.SIZE, 3), () => t.cmd(CC.Create, [parent.handle], params(Buffer.alloc(35), pcrSelection(null)), { sessions: [pw()] }));
    expectRefused(t, rcP(RC.SIZE, 1), () => t.create(parent.handle, signingTemplate(), { auth: Buffer.alloc(33, 1) }));
  });

  it('Create: a wrong parent password is TPM_RC_BAD_AUTH + S1', () => {
    const t = new Tpm();
    const parent = t.primary(RH.OWNER, storageTemplate(), Buffer.from('pp'));
    expectRefused(t, rcS(RC.BAD_AUTH, 1), () => t.create(parent.handle, signingTemplate(), { parentAuth: Buffer.from('p') }));
    expect(t.create(parent.handle, signingTemplate(), { parentAuth: Buffer.from('pp') }).rc).to.equal(0);
  });

  it('CreatePrimary: with every object slot in use, TPM_RC_OBJECT_MEMORY (CreatePrimary, Load, ContextLoad)', () => {
    const t = new Tpm();
    const parent = t.primary(RH.OWNER, storageTemplate());
    const child = t.child(parent.handle, signingTemplate());
    const ctx = t.contextSave(parent.handle).params;
    const avail = ((): number => { const r = t.getCap(CAP.TPM_PROPERTIES, 0x207, 1).r; r.u32(); r.u32(); return r.u32(); })();
    for (let i = 0; i < avail; i++) t.primary(RH.OWNER, signingTemplate({ x: Buffer.from([i]), y: EMPTY }));
    expectRefused(t, RC.OBJECT_MEMORY, () => t.createPrimary(RH.OWNER, signingTemplate()));
    expectRefused(t, RC.OBJECT_MEMORY, () => t.load(parent.handle, child.priv, child.pub));
    expectRefused(t, RC.OBJECT_MEMORY, () => t.contextLoad(ctx));
    // Create needs no slot
    expect(t.create(parent.handle, signingTemplate()).rc).to.equal(0);
  });

  describe('Load refusals', () => {
    const t = new Tpm();
    const parent = t.primary(RH.OWNER, storageTemplate());
    const a = t.child(parent.handle, signingTemplate());
    const b = t.child(parent.handle, signingTemplate());

    it('Load: a tampered private blob is TPM_RC_INTEGRITY + P + 1', () => {
      for (const at of [0, 1, 2, 20, 34, 35, a.priv.length - 1]) {
        const p = Buffer.from(a.priv);
        p[at] ^= 0x40;
        expectRefused(t, rcP(RC.INTEGRITY, 1), () => t.load(parent.handle, p, a.pub));
      }
      expectRefused(t, rcP(RC.INTEGRITY, 1), () => t.load(parent.handle, a.priv.subarray(0, a.priv.length - 1), a.pub));
      expectRefused(t, rcP(RC.INTEGRITY, 1), () => t.load(parent.handle, a.priv.subarray(0, 20), a.pub));
      expectRefused(t, rcP(RC.INTEGRITY, 1), () => t.load(parent.handle, EMPTY, a.pub));
    });

    it('Load: the private blob of one key with the public area of another is refused (TPM_RC_INTEGRITY + P + 1)', () => {
      expectRefused(t, rcP(RC.INTEGRITY, 1), () => t.load(parent.handle, a.priv, b.pub));
      // the same point with other attributes is another Name
      const pa = parseEccPublic(a.pub);
      const altered = eccPublic({ attrs: SIGNING_ATTRS & ~OA.noDA, scheme: ALG.ECDSA, x: pa.x, y: pa.y });
      expectRefused(t, rcP(RC.INTEGRITY, 1), () => t.load(parent.handle, a.priv, altered));
    });

    it('Load: under another parent, TPM_RC_INTEGRITY + P + 1', () => {
      const other = t.primary(RH.ENDORSEMENT, storageTemplate());
      expectRefused(t, rcP(RC.INTEGRITY, 1), () => t.load(other.handle, a.priv, a.pub));
      t.flush(other.handle);
    });

    it('Load: a public point of the wrong size is TPM_RC_ECC_POINT + P + 2; a bad template its own code', () => {
      const pa = parseEccPublic(a.pub);
      const short = eccPublic({ attrs: SIGNING_ATTRS, scheme: ALG.ECDSA, x: pa.x.subarray(1), y: pa.y });
      expectRefused(t, rcP(RC.ECC_POINT, 2), () => t.load(parent.handle, a.priv, short));
      const badScheme = eccPublic({ attrs: SIGNING_ATTRS, x: pa.x, y: pa.y });
      expectRefused(t, rcP(RC.SCHEME, 2), () => t.load(parent.handle, a.priv, badScheme));
      expectRefused(t, rcP(RC.SIZE, 2), () => t.cmd(CC.Load, [parent.handle], new W().b2(a.priv).u16(0).done(), { sessions: [pw()] }));
    });
  });

  it('Quote: a key without userWithAuth cannot be authorised by password or HMAC (TPM_RC_AUTH_UNAVAILABLE)', () => {
    const t = new Tpm();
    const k = t.primary(RH.OWNER, signingTemplate({ attrs: SIGNING_ATTRS & ~OA.userWithAuth }));
    expectRefused(t, RC.AUTH_UNAVAILABLE, () => t.quote(k.handle, EMPTY, [0]));
    const s = startHmacSession(t);
    const params = new W().b2(EMPTY).u16(ALG.NULL).bytes(pcrSelection([0])).done();
    const a = s.authorize(CC.Quote, [k.name], params, EMPTY);
    expectRefused(t, RC.AUTH_UNAVAILABLE, () => t.cmd(CC.Quote, [k.handle], params, { sessions: [a] }));
    // it is still usable where no authorisation is needed
    expect(t.readPublic(k.handle).name.equals(k.name)).to.equal(true);
  });
});

describe('vtpm objects: ContextSave, ContextLoad, FlushContext', () => {
  const ctxFields = (b: Buffer) => {
    const r = new R(b);
    return { seq: r.u64(), savedHandle: r.u32(), hierarchy: r.u32(), blob: r.b2(), end: r.atEnd() };
  };
  const ctxBytes = (seq: bigint, savedHandle: number, hierarchy: number, blob: Buffer): Buffer =>
    new W().u64(seq).u32(savedHandle).u32(hierarchy).b2(blob).done();

  it('ContextSave/ContextLoad: round trip; the reloaded key is the same and quotes', () => {
    const t = new Tpm();
    const k = t.primary(RH.OWNER, signingTemplate());
    const before = t.readPublic(k.handle);
    const s = t.contextSave(k.handle);
    expect(s.rc).to.equal(0);
    const f = ctxFields(s.params);
    expect(f.end).to.equal(true);
    expect(f.savedHandle).to.equal(0x80000000);
    expect(f.hierarchy).to.equal(RH.OWNER);
    // ContextSave leaves the object loaded
    expect(t.readPublic(k.handle).name.equals(k.name)).to.equal(true);
    const s2 = t.contextSave(k.handle);
    expect(ctxFields(s2.params).seq).to.equal(f.seq + 1n);
    expect(t.flush(k.handle).rc).to.equal(0);
    expectRefused(t, RC.REFERENCE_H0, () => t.cmd(CC.ReadPublic, [k.handle], EMPTY));
    const l = t.contextLoad(s.params);
    expect(l.rc).to.equal(0);
    expect(l.r.atEnd()).to.equal(true);
    const after = t.readPublic(l.handle);
    expect(after).to.deep.equal(before);
    const q = t.quote(l.handle, Buffer.from('after reload'), [0]);
    expect(q.rc).to.equal(0);
    expect(verifyQuote(k.pub, parseQuote(q))).to.equal(true);
  });

  it('ContextLoad: a child context, loaded twice, gives two working copies', () => {
    const t = new Tpm();
    const p = t.primary(RH.OWNER, storageTemplate());
    const c = t.child(p.handle, signingTemplate());
    const h = t.load(p.handle, c.priv, c.pub).handle;
    const ctx = t.contextSave(h).params;
    t.flush(h);
    t.flush(p.handle);
    const h1 = t.contextLoad(ctx).handle;
    const h2 = t.contextLoad(ctx).handle;
    expect(h1).to.not.equal(h2);
    for (const hh of [h1, h2]) expect(verifyQuote(c.pub, parseQuote(t.quote(hh, EMPTY, [1])))).to.equal(true);
  });

  it('ContextLoad: a tampered context is TPM_RC_INTEGRITY + P + 1', () => {
    const t = new Tpm();
    const k = t.primary(RH.OWNER, signingTemplate());
    const ctx = t.contextSave(k.handle).params;
    t.flush(k.handle);
    const f = ctxFields(ctx);
    for (const at of [0, 2, 33, 34, 40, f.blob.length - 1]) {
      const blob = Buffer.from(f.blob);
      blob[at] ^= 1;
      const rc = at < 2 ? rcP(RC.SIZE, 1) : rcP(RC.INTEGRITY, 1); // the integrity digest's own size field
      expectRefused(t, rc, () => t.contextLoad(ctxBytes(f.seq, f.savedHandle, f.hierarchy, blob)));
    }
    expectRefused(t, rcP(RC.INTEGRITY, 1), () => t.contextLoad(ctxBytes(f.seq + 1n, f.savedHandle, f.hierarchy, f.blob)));
    expectRefused(t, rcP(RC.INTEGRITY, 1), () => t.contextLoad(ctxBytes(f.seq, 0x80000002, f.hierarchy, f.blob)));
    expectRefused(t, rcP(RC.INTEGRITY, 1), () => t.contextLoad(ctxBytes(f.seq, f.savedHandle, RH.ENDORSEMENT, f.blob)));
    expectRefused(t, rcP(RC.INTEGRITY, 1), () => t.contextLoad(ctxBytes(f.seq, f.savedHandle, f.hierarchy, f.blob.subarray(0, f.blob.length - 1))));
    // 0x80000001 (a sequence) is a valid savedHandle, covered by the integrity value; 0x80000003 is none
    expectRefused(t, rcP(RC.INTEGRITY, 1), () => t.contextLoad(ctxBytes(f.seq, 0x80000001, f.hierarchy, f.blob)));
    expectRefused(t, rcP(RC.HANDLE, 1), () => t.contextLoad(ctxBytes(f.seq, 0x80000003, f.hierarchy, f.blob)));
    expectRefused(t, rcP(RC.HANDLE, 1), () => t.contextLoad(ctxBytes(f.seq, 0x02000000, f.hierarchy, f.blob)));
    expectRefused(t, rcP(RC.HIERARCHY, 1), () => t.contextLoad(ctxBytes(f.seq, f.savedHandle, RH.LOCKOUT, f.blob)));
    expectRefused(t, rcP(RC.SIZE, 1), () => t.contextLoad(ctxBytes(f.seq, f.savedHandle, f.hierarchy, f.blob.subarray(0, 10))));
    expectRefused(t, rcP(RC.INSUFFICIENT, 1), () => t.contextLoad(ctx.subarray(0, 20)));
    // the untampered one still loads
    expect(t.contextLoad(ctx).rc).to.equal(0);
  });

  it('ContextLoad: a null-hierarchy context is refused after a TPM Reset; other hierarchies survive it', () => {
    const t = new Tpm();
    const n = t.primary(RH.NULL, signingTemplate());
    const o = t.primary(RH.OWNER, signingTemplate());
    const nctx = t.contextSave(n.handle).params;
    const octx = t.contextSave(o.handle).params;
    expect(ctxFields(nctx).hierarchy).to.equal(RH.NULL);
    t.shutdown(SU_STATE);
    t.powerCycle();
    t.startup(SU_STATE); // Resume: the null proof is kept
    const h = t.contextLoad(nctx).handle;
    t.flush(h);
    t.powerCycle();
    t.startup(SU_CLEAR); // Reset: a new null proof
    expectRefused(t, rcP(RC.INTEGRITY, 1), () => t.contextLoad(nctx));
    const l = t.contextLoad(octx);
    expect(l.rc).to.equal(0);
    expect(t.readPublic(l.handle).name.equals(o.name)).to.equal(true);
  });

  it('ContextLoad: an stClear object\'s context does not survive a TPM Restart', () => {
    const t = new Tpm();
    const k = t.primary(RH.OWNER, signingTemplate({ attrs: SIGNING_ATTRS | OA.stClear }));
    const ctx = t.contextSave(k.handle).params;
    expect(ctxFields(ctx).savedHandle).to.equal(0x80000002);
    t.flush(k.handle);
    expect(t.contextLoad(ctx).rc).to.equal(0);
    t.shutdown(SU_STATE);
    t.powerCycle();
    t.startup(SU_CLEAR);
    expectRefused(t, rcP(RC.INTEGRITY, 1), () => t.contextLoad(ctx));
  });

  it('ContextSave: sessions are not saved (TPM_RC_HANDLE + H1); a missing object or session is TPM_RC_REFERENCE_H0', () => {
    const t = new Tpm();
    const s = t.startAuthSession();
    expectRefused(t, rcH(RC.HANDLE, 1), () => t.contextSave(s.handle));
    expectRefused(t, RC.REFERENCE_H0, () => t.contextSave(0x80000001));
    t.flush(s.handle);
    expectRefused(t, RC.REFERENCE_H0, () => t.contextSave(s.handle));
    expectRefused(t, rcH(RC.VALUE, 1), () => t.contextSave(RH.OWNER));
  });

  it('FlushContext: an unknown handle is TPM_RC_HANDLE + P + 1, a handle that is no context TPM_RC_VALUE + P + 1', () => {
    const t = new Tpm();
    expectRefused(t, rcP(RC.HANDLE, 1), () => t.flush(0x80000000));
    expectRefused(t, rcP(RC.HANDLE, 1), () => t.flush(0x80000002));
    expectRefused(t, rcP(RC.HANDLE, 1), () => t.flush(0x02000001));
    expectRefused(t, rcP(RC.HANDLE, 1), () => t.flush(0x03000000));
    for (const h of [RH.OWNER, 0, 0x01000001, 0x81000000]) expectRefused(t, rcP(RC.VALUE, 1), () => t.flush(h));
    const k = t.primary(RH.OWNER, signingTemplate());
    expect(t.flush(k.handle).rc).to.equal(0);
    expectRefused(t, rcP(RC.HANDLE, 1), () => t.flush(k.handle));
  });
});

describe('vtpm objects: Quote', () => {
  const pcrDigest = (t: Tpm, pcrs: number[]): Buffer => sha256(...pcrs.map((p) => t.pcr(p)));

  function checkQuote(t: Tpm, k: Created, nonce: Buffer, pcrs: number[]): ReturnType<typeof parseAttest> {
    const r = t.quote(k.handle, nonce, pcrs);
    expect(r.rc).to.equal(0);
    const q = parseQuote(r);
    expect(verifyQuote(k.pub, q), 'ECDSA P-256 signature').to.equal(true);
    const a = parseAttest(q.attest);
    expect(a.magic).to.equal(0xff544347);
    expect(a.type).to.equal(ST.ATTEST_QUOTE);
    expect(a.qualifiedSigner.toString('hex')).to.equal(t.readPublic(k.handle).qn.toString('hex'));
    expect(a.extraData.equals(nonce)).to.equal(true);
    expect(a.pcrSelect).to.deep.equal([...pcrs].sort((x, y) => x - y));
    expect(a.pcrDigest.toString('hex')).to.equal(pcrDigest(t, [...pcrs].sort((x, y) => x - y)).toString('hex'));
    expect(a.safe).to.equal(1);
    return a;
  }

  it('Quote: the signature verifies with Node\'s crypto and every TPMS_ATTEST field is right', () => {
    const t = new Tpm(1, undefined, false);
    t.measure(sha256(Buffer.from('kernel')));
    t.startup();
    t.pcrExtend(0, sha256(Buffer.from('firmware')));
    const k = t.primary(RH.ENDORSEMENT, signingTemplate());
    advanceClock(t.inst, 0x123456789);
    const a = checkQuote(t, k, crypto.randomBytes(32), [0, 17, 23]);
    expect(a.clock).to.equal(0x123456789n);
    // endorsement keys see the real counters and firmware version
    expect(a.resetCount).to.equal(t.inst.resetCount);
    expect(a.restartCount).to.equal(t.inst.restartCount);
    const fw = t.getCap(CAP.TPM_PROPERTIES, 0x10b, 2).r;
    fw.u32(); fw.u32();
    const v1 = fw.u32(); fw.u32();
    const v2 = fw.u32();
    expect(a.firmware).to.equal((BigInt(v1) << 32n) | BigInt(v2));
  });

  it('Quote: the PCR digest follows extends; an empty selection hashes nothing', () => {
    const t = new Tpm();
    const k = t.primary(RH.OWNER, signingTemplate());
    const a1 = checkQuote(t, k, Buffer.from('n1'), [16]);
    t.pcrExtend(16, sha256(Buffer.from('e')));
    const a2 = checkQuote(t, k, Buffer.from('n2'), [16]);
    expect(a1.pcrDigest.equals(a2.pcrDigest)).to.equal(false);
    const r = t.quote(k.handle, EMPTY, null);
    const a3 = parseAttest(parseQuote(r).attest);
    expect(a3.pcrSelect).to.deep.equal([]);
    expect(a3.pcrDigest.equals(sha256())).to.equal(true);
    expect(verifyQuote(k.pub, parseQuote(r))).to.equal(true);
  });

  it('Quote: a loaded child key quotes; qualifiedSigner is its qualified name', () => {
    const t = new Tpm();
    const p = t.primary(RH.OWNER, storageTemplate());
    const c = t.child(p.handle, signingTemplate());
    const h = t.load(p.handle, c.priv, c.pub).handle;
    checkQuote(t, { ...c, handle: h }, Buffer.alloc(34, 9), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16]);
  });

  it('Quote: owner-hierarchy keys get obfuscated counters, differing between keys', () => {
    const t = new Tpm();
    const k1 = t.primary(RH.OWNER, signingTemplate());
    const k2 = t.primary(RH.OWNER, signingTemplate({ x: Buffer.from('2'), y: EMPTY }));
    const a1 = checkQuote(t, k1, EMPTY, [0]);
    const a2 = checkQuote(t, k2, EMPTY, [0]);
    expect([a1.resetCount, a1.restartCount]).to.not.deep.equal([t.inst.resetCount, t.inst.restartCount]);
    expect(a1.resetCount).to.not.equal(a2.resetCount);
    // stable for one key
    expect(checkQuote(t, k1, EMPTY, [0]).resetCount).to.equal(a1.resetCount);
  });

  it('Quote: a key without sign (a storage key) is TPM_RC_KEY + H1', () => {
    const t = new Tpm();
    const s = t.primary(RH.OWNER, storageTemplate());
    expectRefused(t, rcH(RC.KEY, 1), () => t.quote(s.handle, EMPTY, [0]));
  });

  it('Quote: qualifyingData longer than 34 bytes is TPM_RC_SIZE + P + 1', () => {
    const t = new Tpm();
    const k = t.primary(RH.OWNER, signingTemplate());
    expectRefused(t, rcP(RC.SIZE, 1), () => t.quote(k.handle, Buffer.alloc(35), [0]));
    expect(t.quote(k.handle, Buffer.alloc(34), [0]).rc).to.equal(0);
  });

  it('Quote: scheme rules: NULL/NULL is TPM_RC_SCHEME + P + 2, a foreign scheme or hash is refused', () => {
    const t = new Tpm();
    const unrestricted = t.primary(RH.OWNER, eccPublic({ attrs: (SIGNING_ATTRS & ~OA.restricted) >>> 0 }));
    expectRefused(t, rcP(RC.SCHEME, 2), () => t.quote(unrestricted.handle, EMPTY, [0]));
    const r = t.quote(unrestricted.handle, EMPTY, [0], { scheme: ALG.ECDSA });
    expect(r.rc).to.equal(0);
    expect(verifyQuote(unrestricted.pub, parseQuote(r))).to.equal(true);
    const k = t.primary(RH.OWNER, signingTemplate());
    expectRefused(t, rcP(RC.SCHEME, 2), () => t.quote(k.handle, EMPTY, [0], { scheme: ALG.ECDH }));
    const sha1 = new W().b2(EMPTY).u16(ALG.ECDSA).u16(ALG.SHA1).bytes(pcrSelection([0])).done();
    expectRefused(t, rcP(RC.HASH, 2), () => t.cmd(CC.Quote, [k.handle], sha1, { sessions: [pw()] }));
    expectRefused(t, rcP(RC.HASH, 3), () => t.cmd(CC.Quote, [k.handle],
      new W().b2(EMPTY).u16(ALG.NULL).bytes(pcrSelection([0], ALG.SHA1)).done(), { sessions: [pw()] }));
  });

  it('Quote: a wrong key password is TPM_RC_BAD_AUTH + S1', () => {
    const t = new Tpm();
    const k = t.primary(RH.OWNER, signingTemplate(), Buffer.from('k'));
    expectRefused(t, rcS(RC.BAD_AUTH, 1), () => t.quote(k.handle, EMPTY, [0]));
  });

  it('Quote: signatures differ each time (fresh nonce k) and all verify', () => {
    const t = new Tpm();
    const k = t.primary(RH.OWNER, signingTemplate());
    const sigs = new Set<string>();
    for (let i = 0; i < 4; i++) {
      const q = parseQuote(t.quote(k.handle, Buffer.from('same'), [0]));
      expect(verifyQuote(k.pub, q)).to.equal(true);
      sigs.add(q.sig.toString('hex'));
    }
    expect(sigs.size).to.equal(4);
  });
});
