/**
 * vTPM NV storage (NV_DefineSpace/Write/Read/ReadPublic/UndefineSpace: names, access rules and
 * every refusal) and instance state images (saveState/restoreState: a restored instance is
 * indistinguishable, a damaged image is refused with its documented code and changes nothing).
 */
import { expect } from 'chai';
import { TpmInstance } from '../../vtpm/tpm/instance';
import { STATE_MAX, restoreState, saveState } from '../../vtpm/tpm/state';
import {
  ALG, CC, NVA, NvPublic, RC, RH, SA, SU_CLEAR, SU_STATE, Tpm, W, buildCommand, expectAuthFail, expectRefused, hex, nvName, nvPublicBytes,
  parseQuote, parseResponse, pcrSelection, pw, rcH, rcP, rcS, sha256, signingTemplate, startHmacSession, storageTemplate, u16b, verifyQuote,
} from './vtpm-client';

const IDX = 0x01000001;
const RW_OWNER = NVA.OWNERWRITE | NVA.OWNERREAD;
const RW_AUTH = NVA.AUTHWRITE | NVA.AUTHREAD;
const EMPTY: Buffer = Buffer.alloc(0);

describe('vtpm NV storage', () => {
  it('NV_DefineSpace/Write/Read/ReadPublic/UndefineSpace: a round trip', () => {
    const t = new Tpm();
    const pub: NvPublic = { index: IDX, attrs: RW_OWNER | RW_AUTH | NVA.NO_DA, size: 32 };
    expect(t.nvDefine(RH.OWNER, pub).rc).to.equal(0);
    const rp = t.nvReadPublic(IDX);
    expect(rp.pub.toString('hex')).to.equal(nvPublicBytes(pub).toString('hex'));
    expect(rp.name.toString('hex')).to.equal(nvName(pub).toString('hex'));
    expect(t.nvWrite(RH.OWNER, IDX, Buffer.from('hello')).rc).to.equal(0);
    expect(t.nvWrite(RH.OWNER, IDX, Buffer.from('world'), 27).rc).to.equal(0);
    const r = t.nvRead(RH.OWNER, IDX, 32);
    expect(r.rc).to.equal(0);
    const data = r.r.b2();
    expect(data.subarray(0, 5).toString()).to.equal('hello');
    expect(data.subarray(5, 27).equals(Buffer.alloc(22))).to.equal(true);
    expect(data.subarray(27).toString()).to.equal('world');
    expect(t.nvRead(RH.OWNER, IDX, 3, 1).r.b2().toString()).to.equal('ell');
    expect(t.nvRead(RH.OWNER, IDX, 0, 32).r.b2().length).to.equal(0);
    expect(t.nvUndefine(RH.OWNER, IDX).rc).to.equal(0);
    expectRefused(t, rcH(RC.HANDLE, 1), () => t.cmd(CC.NV_ReadPublic, [IDX], EMPTY));
    expectRefused(t, rcH(RC.HANDLE, 2), () => t.nvRead(RH.OWNER, IDX, 1));
    // and it can be defined again
    expect(t.nvDefine(RH.OWNER, pub).rc).to.equal(0);
    expectRefused(t, RC.NV_UNINITIALIZED, () => t.nvRead(RH.OWNER, IDX, 1));
  });

  it('NV_ReadPublic: the Name is nameAlg || SHA-256(TPMS_NV_PUBLIC) and changes when TPMA_NV_WRITTEN is set', () => {
    const t = new Tpm();
    const pub: NvPublic = { index: IDX, attrs: RW_OWNER, size: 8, policy: Buffer.alloc(32, 0xab) };
    t.nvDefine(RH.OWNER, pub);
    const before = t.nvReadPublic(IDX);
    expect(before.name.equals(nvName(pub))).to.equal(true);
    t.nvWrite(RH.OWNER, IDX, Buffer.from([1]));
    const written = { ...pub, attrs: (pub.attrs | NVA.WRITTEN) >>> 0 };
    const after = t.nvReadPublic(IDX);
    expect(after.pub.toString('hex')).to.equal(nvPublicBytes(written).toString('hex'));
    expect(after.name.toString('hex')).to.equal(nvName(written).toString('hex'));
    expect(after.name.equals(before.name)).to.equal(false);
  });

  it('NV_Read: before the first write, TPM_RC_NV_UNINITIALIZED', () => {
    const t = new Tpm();
    t.nvDefine(RH.OWNER, { index: IDX, attrs: RW_OWNER, size: 8 });
    expectRefused(t, RC.NV_UNINITIALIZED, () => t.nvRead(RH.OWNER, IDX, 8));
    expectRefused(t, RC.NV_UNINITIALIZED, () => t.nvRead(RH.OWNER, IDX, 0));
    // checked before the range (Part 3, NV_Read: the access checks come first)
    expectRefused(t, RC.NV_UNINITIALIZED, () => t.nvRead(RH.OWNER, IDX, 9));
    expectRefused(t, RC.NV_UNINITIALIZED, () => t.nvRead(RH.OWNER, IDX, 1, 100));
    // but after the authorisation attribute
    t.nvDefine(RH.OWNER, { index: IDX + 1, attrs: NVA.OWNERWRITE | NVA.AUTHREAD, size: 8 });
    expectRefused(t, RC.NV_AUTHORIZATION, () => t.nvRead(RH.OWNER, IDX + 1, 8));
  });

  it('NV_Write/NV_Read: beyond the index, TPM_RC_NV_RANGE (an offset past the end TPM_RC_VALUE + P + 2); TPMA_NV_WRITEALL needs the whole index', () => {
    const t = new Tpm();
    t.nvDefine(RH.OWNER, { index: IDX, attrs: RW_OWNER, size: 8 });
    expectRefused(t, RC.NV_RANGE, () => t.nvWrite(RH.OWNER, IDX, Buffer.alloc(9)));
    expectRefused(t, RC.NV_RANGE, () => t.nvWrite(RH.OWNER, IDX, Buffer.alloc(1), 8));
    t.nvWrite(RH.OWNER, IDX, Buffer.alloc(8, 1));
    expectRefused(t, RC.NV_RANGE, () => t.nvRead(RH.OWNER, IDX, 9));
    expectRefused(t, RC.NV_RANGE, () => t.nvRead(RH.OWNER, IDX, 4, 5));
    // Part 3 order: size above MAX_NV_BUFFER_SIZE (VALUE + P1), offset beyond the index (VALUE + P2), then the range
    expectRefused(t, rcP(RC.VALUE, 1), () => t.nvRead(RH.OWNER, IDX, 0xffff, 0xffff));
    expectRefused(t, rcP(RC.VALUE, 1), () => t.nvRead(RH.OWNER, IDX, 1025, 0));
    expectRefused(t, rcP(RC.VALUE, 2), () => t.nvRead(RH.OWNER, IDX, 0, 9));
    expectRefused(t, rcP(RC.VALUE, 2), () => t.nvWrite(RH.OWNER, IDX, EMPTY, 9));
    expect(t.nvRead(RH.OWNER, IDX, 0, 8).rc).to.equal(0);
    t.nvDefine(RH.OWNER, { index: IDX + 1, attrs: RW_OWNER | NVA.WRITEALL, size: 8 });
    expectRefused(t, RC.NV_RANGE, () => t.nvWrite(RH.OWNER, IDX + 1, Buffer.alloc(4)));
    expectRefused(t, RC.NV_RANGE, () => t.nvWrite(RH.OWNER, IDX + 1, Buffer.alloc(7), 1));
    expect(t.nvWrite(RH.OWNER, IDX + 1, Buffer.alloc(8, 2)).rc).to.equal(0);
    expectRefused(t, rcP(RC.SIZE, 1), () => t.nvWrite(RH.OWNER, IDX, Buffer.alloc(1025)));
  });

  it('NV_Read/NV_Write: a hierarchy without the matching attribute is TPM_RC_NV_AUTHORIZATION', () => {
    const t = new Tpm();
    t.nvDefine(RH.OWNER, { index: IDX, attrs: NVA.OWNERWRITE | NVA.AUTHREAD, size: 8 });
    t.nvWrite(RH.OWNER, IDX, Buffer.alloc(8));
    expectRefused(t, RC.NV_AUTHORIZATION, () => t.nvRead(RH.OWNER, IDX, 8));
    expectRefused(t, RC.NV_AUTHORIZATION, () => t.nvRead(RH.PLATFORM, IDX, 8));
    expectRefused(t, RC.NV_AUTHORIZATION, () => t.nvWrite(IDX, IDX, Buffer.alloc(1)));
    expectRefused(t, RC.NV_AUTHORIZATION, () => t.nvWrite(RH.PLATFORM, IDX, Buffer.alloc(1)));
    expect(t.nvRead(IDX, IDX, 8).rc).to.equal(0);
    // authHandle must be the index itself, not another one
    t.nvDefine(RH.OWNER, { index: IDX + 1, attrs: RW_AUTH, size: 8 });
    expectRefused(t, RC.NV_AUTHORIZATION, () => t.nvRead(IDX + 1, IDX, 8));
  });

  it('NV_Write/NV_Read: the index\'s own password authorises TPMA_NV_AUTHWRITE/AUTHREAD', () => {
    const t = new Tpm();
    const secret = Buffer.from('nv secret');
    t.nvDefine(RH.OWNER, { index: IDX, attrs: RW_AUTH, size: 16 }, secret);
    expectAuthFail(t, 1, () => t.nvWrite(IDX, IDX, Buffer.from('x'), 0, [pw('nv secreT')]));
    expectAuthFail(t, 1, () => t.nvWrite(IDX, IDX, Buffer.from('x'), 0, [pw()]));
    expect(t.nvWrite(IDX, IDX, Buffer.from('data'), 0, [pw(secret)]).rc).to.equal(0);
    expect(t.nvRead(IDX, IDX, 4, 0, [pw(Buffer.concat([secret, Buffer.alloc(2)]))]).r.b2().toString()).to.equal('data');
    // the owner's authorisation does not replace the index's attributes
    expectRefused(t, RC.NV_AUTHORIZATION, () => t.nvRead(RH.OWNER, IDX, 4));
  });

  it('NV_Write: an HMAC session authorises the index; cpHash covers both NV Names, which change once written', () => {
    const t = new Tpm();
    const secret = Buffer.from('hmac nv');
    const pub: NvPublic = { index: IDX, attrs: RW_AUTH, size: 16 };
    t.nvDefine(RH.OWNER, pub, secret);
    const s = startHmacSession(t);
    const run = (cc: number, params: Buffer, name: Buffer) => {
      const a = s.authorize(cc, [name, name], params, secret);
      const r = t.cmd(cc, [IDX, IDX], params, { sessions: [a] });
      return r;
    };
    const wparams = new W().b2(Buffer.from('abc')).u16(0).done();
    const r1 = run(CC.NV_Write, wparams, nvName(pub));
    expect(r1.rc).to.equal(0);
    s.verify(CC.NV_Write, r1, secret);
    const written = { ...pub, attrs: (pub.attrs | NVA.WRITTEN) >>> 0 };
    const rparams = new W().u16(3).u16(0).done();
    // the Name before the write no longer matches
    expectAuthFail(t, 1, () => run(CC.NV_Read, rparams, nvName(pub)));
    const r2 = run(CC.NV_Read, rparams, nvName(written));
    expect(r2.rc).to.equal(0);
    s.verify(CC.NV_Read, r2, secret);
    expect(r2.r.b2().toString()).to.equal('abc');
  });

  it('NV_DefineSpace: an index defined twice is TPM_RC_NV_DEFINED', () => {
    const t = new Tpm();
    t.nvDefine(RH.OWNER, { index: IDX, attrs: RW_OWNER, size: 8 });
    expectRefused(t, RC.NV_DEFINED, () => t.nvDefine(RH.OWNER, { index: IDX, attrs: RW_OWNER, size: 16 }));
  });

  it('NV_DefineSpace: more indices than the TPM holds is TPM_RC_NV_SPACE', () => {
    const t = new Tpm();
    let n = 0;
    for (; n < 64; n++) {
      const r = t.nvDefine(RH.OWNER, { index: IDX + n, attrs: RW_OWNER, size: 1024 });
      if (r.rc !== 0) break;
    }
    expect(n).to.be.greaterThan(0);
    expectRefused(t, RC.NV_SPACE, () => t.nvDefine(RH.OWNER, { index: 0x01400000, attrs: RW_OWNER, size: 1 }));
    t.nvUndefine(RH.OWNER, IDX);
    expect(t.nvDefine(RH.OWNER, { index: 0x01400000, attrs: RW_OWNER, size: 1 }).rc).to.equal(0);
  });

  it('NV_DefineSpace: an index larger than TPM_PT_NV_INDEX_MAX is TPM_RC_NV_SIZE', () => {
    const t = new Tpm();
    const max = ((): number => { const r = t.getCap(6, 0x117, 1).r; r.u32(); r.u32(); return r.u32(); })();
    expect(max).to.equal(1024);
    expectRefused(t, RC.NV_SIZE, () => t.nvDefine(RH.OWNER, { index: IDX, attrs: RW_OWNER, size: max + 1 }));
    expect(t.nvDefine(RH.OWNER, { index: IDX, attrs: RW_OWNER, size: max }).rc).to.equal(0);
    expect(t.nvDefine(RH.OWNER, { index: IDX + 1, attrs: RW_OWNER, size: 0 }).rc).to.equal(0);
  });

  it('NV_DefineSpace: unsupported types and attributes are TPM_RC_ATTRIBUTES + P + 2', () => {
    const t = new Tpm();
    const bad = [
      NVA.NT_COUNTER, NVA.NT_BITS, NVA.NT_EXTEND, 8 << 4, // TPM_NT other than ordinary
      NVA.POLICYWRITE, NVA.POLICYREAD, NVA.POLICY_DELETE, NVA.WRITEDEFINE, NVA.WRITE_STCLEAR, NVA.GLOBALLOCK,
      NVA.READ_STCLEAR, NVA.CLEAR_STCLEAR, NVA.ORDERLY, NVA.WRITTEN, NVA.WRITELOCKED, NVA.READLOCKED,
    ];
    for (const a of bad) {
      expectRefused(t, rcP(RC.ATTRIBUTES, 2), () => t.nvDefine(RH.OWNER, { index: IDX, attrs: (RW_OWNER | a) >>> 0, size: 8 }));
    }
    // no way to read, or no way to write
    expectRefused(t, rcP(RC.ATTRIBUTES, 2), () => t.nvDefine(RH.OWNER, { index: IDX, attrs: NVA.OWNERWRITE, size: 8 }));
    expectRefused(t, rcP(RC.ATTRIBUTES, 2), () => t.nvDefine(RH.OWNER, { index: IDX, attrs: NVA.AUTHREAD, size: 8 }));
  });

  it('NV_DefineSpace: reserved TPMA_NV bits are TPM_RC_RESERVED_BITS + P + 2', () => {
    const t = new Tpm();
    for (const bit of [8, 9, 20, 21, 22, 23, 24]) {
      expectRefused(t, rcP(RC.RESERVED_BITS, 2), () => t.nvDefine(RH.OWNER, { index: IDX, attrs: RW_OWNER | (1 << bit), size: 8 }));
    }
  });

  it('NV_DefineSpace: malformed publicInfo fields are refused with their codes', () => {
    const t = new Tpm();
    expectRefused(t, rcP(RC.VALUE, 2), () => t.nvDefine(RH.OWNER, { index: 0x81000001, attrs: RW_OWNER, size: 8 }));
    expectRefused(t, rcP(RC.HASH, 2), () => t.nvDefine(RH.OWNER, { index: IDX, attrs: RW_OWNER, size: 8, nameAlg: ALG.SHA1 }));
    expectRefused(t, rcP(RC.SIZE, 2), () => t.nvDefine(RH.OWNER, { index: IDX, attrs: RW_OWNER, size: 8, policy: Buffer.alloc(20) }));
    expectRefused(t, rcP(RC.SIZE, 1), () => t.nvDefine(RH.OWNER, { index: IDX, attrs: RW_OWNER, size: 8 }, Buffer.alloc(33)));
    const tooLong = new W().b2(EMPTY).b2(Buffer.concat([nvPublicBytes({ index: IDX, attrs: RW_OWNER, size: 8 }), Buffer.from([0])])).done();
    expectRefused(t, rcP(RC.SIZE, 2), () => t.cmd(CC.NV_DefineSpace, [RH.OWNER], tooLong, { sessions: [pw()] }));
    expectRefused(t, rcH(RC.VALUE, 1), () => t.nvDefine(RH.ENDORSEMENT, { index: IDX, attrs: RW_OWNER, size: 8 }));
    expectRefused(t, rcS(RC.BAD_AUTH, 1), () => t.nvDefine(RH.OWNER, { index: IDX, attrs: RW_OWNER, size: 8 }, EMPTY, [pw('wrong')]));
  });

  it('NV_DefineSpace/NV_UndefineSpace: TPMA_NV_PLATFORMCREATE rules', () => {
    const t = new Tpm();
    const P = { index: IDX, attrs: (NVA.PPWRITE | NVA.PPREAD | NVA.PLATFORMCREATE) >>> 0, size: 8 };
    const O = { index: IDX + 1, attrs: RW_OWNER, size: 8 };
    // the platform must set it, the owner must not
    expectRefused(t, rcP(RC.ATTRIBUTES, 2), () => t.nvDefine(RH.OWNER, P));
    expectRefused(t, rcP(RC.ATTRIBUTES, 2), () => t.nvDefine(RH.PLATFORM, { ...O, attrs: NVA.PPWRITE | NVA.PPREAD }));
    expect(t.nvDefine(RH.PLATFORM, P).rc).to.equal(0);
    expect(t.nvDefine(RH.OWNER, O).rc).to.equal(0);
    expect(t.nvWrite(RH.PLATFORM, IDX, Buffer.alloc(8, 3)).rc).to.equal(0);
    expect(t.nvRead(RH.PLATFORM, IDX, 8).r.b2().equals(Buffer.alloc(8, 3))).to.equal(true);
    // the owner cannot delete a platform index; the platform can delete either kind
    expectRefused(t, RC.NV_AUTHORIZATION, () => t.nvUndefine(RH.OWNER, IDX));
    expect(t.nvUndefine(RH.PLATFORM, IDX + 1).rc).to.equal(0);
    expect(t.nvUndefine(RH.PLATFORM, IDX).rc).to.equal(0);
  });

  it('NV: indices and their data survive a TPM Reset and a power cycle', () => {
    const t = new Tpm();
    t.nvDefine(RH.OWNER, { index: IDX, attrs: RW_OWNER, size: 4 });
    t.nvWrite(RH.OWNER, IDX, Buffer.from('keep'));
    t.shutdown(SU_CLEAR);
    t.powerCycle();
    t.startup(SU_CLEAR);
    expect(t.nvRead(RH.OWNER, IDX, 4).r.b2().toString()).to.equal('keep');
  });
});

describe('vtpm state images', () => {
  /** An instance with something of everything: launch log, PCRs, NV, keys, sessions, saved state. */
  function busy(): { t: Tpm; key: number; keyPub: Buffer; session: ReturnType<typeof startHmacSession> } {
    const t = new Tpm(7, Buffer.alloc(48, 0x42), false);
    t.measure(sha256(Buffer.from('image')));
    t.startup();
    t.pcrExtend(0, sha256(Buffer.from('a')));
    t.pcrExtend(23, sha256(Buffer.from('b')));
    t.nvDefine(RH.OWNER, { index: IDX, attrs: RW_OWNER | RW_AUTH, size: 16 }, Buffer.from('pw'));
    t.nvWrite(RH.OWNER, IDX, Buffer.from('state'));
    const parent = t.primary(RH.OWNER, storageTemplate(), Buffer.from('parent'));
    const child = t.child(parent.handle, signingTemplate(), Buffer.from('child'), Buffer.from('parent'));
    const key = t.cmd(CC.Load, [parent.handle], new W().b2(child.priv).b2(child.pub).done(), { sessions: [pw('parent')] }).handle;
    t.contextSave(key);
    const session = startHmacSession(t, parent.handle, Buffer.from('parent'));
    t.ok(CC.StirRandom, [], new W().b2(Buffer.from('stir')).done());
    return { t, key, keyPub: child.pub, session };
  }

  function image(inst: TpmInstance): Buffer {
    const out = new Uint8Array(STATE_MAX);
    const n = saveState(inst, out);
    expect(n).to.be.greaterThan(0);
    return Buffer.from(out.subarray(0, n));
  }

  /** Replace the trailing SHA-256 so that a modified body passes the integrity check. */
  const reseal = (body: Buffer): Buffer => Buffer.concat([body, sha256(body)]);

  it('restoreState: a fresh instance restored from an image has the same image', () => {
    const { t } = busy();
    const img = t.image();
    const fresh = new TpmInstance(7);
    expect(restoreState(fresh, img, img.length)).to.equal(0);
    expect(image(fresh).equals(img)).to.equal(true);
  });

  it('restoreState: the restored instance answers the same command sequence with the same bytes (DRBG included)', () => {
    const { t, key, keyPub, session } = busy();
    const img = t.image();
    const u = new Tpm(7, Buffer.alloc(48, 0x99), false);
    expect(u.restore(img)).to.equal(0);
    const quoteParams = new W().b2(Buffer.from('q')).u16(ALG.NULL).bytes(pcrSelection([0, 17, 23])).done();
    const childName = t.readPublic(key).name;
    const auth = session.authorize(CC.Quote, [childName], quoteParams, Buffer.from('child'), SA.continueSession, Buffer.alloc(16, 5));
    const seq: Buffer[] = [
      buildCommand(CC.GetRandom, [], u16b(32)),
      buildCommand(CC.PCR_Read, [], pcrSelection([0, 17, 23])),
      buildCommand(CC.NV_Read, [IDX, IDX], new W().u16(5).u16(0).done(), [pw('pw')]),
      buildCommand(CC.Quote, [key], quoteParams, [auth]),
      buildCommand(CC.Quote, [key], quoteParams, [pw('child')]),
      buildCommand(CC.ContextSave, [key], EMPTY),
      buildCommand(CC.CreatePrimary, [RH.NULL], new W().b2(new W().b2(EMPTY).b2(EMPTY).done()).b2(signingTemplate()).b2(EMPTY).u32(0).done(), [pw()]),
      buildCommand(CC.StartAuthSession, [RH.NULL, RH.NULL], new W().b2(Buffer.alloc(16, 1)).b2(EMPTY).u8(0).u16(ALG.NULL).u16(ALG.SHA256).done()),
      buildCommand(CC.GetRandom, [], u16b(32)),
    ];
    for (const c of seq) {
      const a = t.raw(c);
      const b = u.raw(c);
      expect(a.readUInt32BE(6), `rc of 0x${c.readUInt32BE(6).toString(16)}`).to.equal(0);
      expect(b.toString('hex')).to.equal(a.toString('hex'));
    }
    expect(u.image().equals(t.image())).to.equal(true);
    // and the quotes were real: a further one from the restored instance verifies
    const q = u.raw(buildCommand(CC.Quote, [key], quoteParams, [pw('child')]));
    expect(verifyQuote(keyPub, parseQuote(parseResponse(q, false)))).to.equal(true);
  });

  it('restoreState: a restored image replaces whatever the target held', () => {
    const { t } = busy();
    const img = t.image();
    const other = new Tpm(7, Buffer.alloc(48, 1));
    other.primary(RH.OWNER, signingTemplate());
    other.nvDefine(RH.OWNER, { index: 0x01000099, attrs: RW_OWNER, size: 1 });
    expect(other.restore(img)).to.equal(0);
    expect(other.image().equals(img)).to.equal(true);
  });

  it('restoreState: a powered-off, shut-down instance round-trips and resumes after restore', () => {
    const { t } = busy();
    t.shutdown(SU_STATE);
    t.powerCycle();
    const img = t.image();
    const u = new Tpm(7, Buffer.alloc(48, 3), false);
    expect(u.restore(img)).to.equal(0);
    u.startup(SU_STATE);
    expect(u.pcr(0).equals(sha256(Buffer.alloc(32), sha256(Buffer.from('a'))))).to.equal(true);
  });

  it('restoreState: any flipped byte is TPM_RC_INTEGRITY, the target unchanged', () => {
    const { t } = busy();
    const img = t.image();
    const target = new Tpm(7, Buffer.alloc(48, 0x10));
    const before = target.image();
    for (let i = 0; i < img.length; i++) {
      const bad = Buffer.from(img);
      bad[i] ^= 1 << (i % 8);
      expect(hex(target.restore(bad)), `byte ${i}`).to.equal(hex(RC.INTEGRITY));
    }
    expect(target.image().equals(before)).to.equal(true);
  });

  it('restoreState: a truncated or empty image is refused (TPM_RC_SIZE below the minimum, else TPM_RC_INTEGRITY)', () => {
    const { t } = busy();
    const img = t.image();
    const target = new Tpm(7, Buffer.alloc(48, 0x10));
    const before = target.image();
    for (let n = 0; n < img.length; n++) {
      const rc = target.restore(img.subarray(0, n));
      expect(hex(rc), `length ${n}`).to.equal(hex(n < 38 ? RC.SIZE : RC.INTEGRITY));
    }
    // a length beyond the buffer
    expect(hex(restoreState(target.inst, img, img.length + 1))).to.equal(hex(RC.SIZE));
    expect(target.image().equals(before)).to.equal(true);
  });

  it('restoreState: well-sealed but malformed images: wrong magic or version TPM_RC_TAG, truncated body or trailing bytes TPM_RC_SIZE, a field out of range TPM_RC_VALUE', () => {
    const { t } = busy();
    const img = t.image();
    const body = img.subarray(0, img.length - 32);
    const target = new Tpm(7, Buffer.alloc(48, 0x10));
    const before = target.image();
    const patched = (at: number, v: number): Buffer => { const b = Buffer.from(body); b[at] = v; return reseal(b); };
    expect(hex(target.restore(patched(0, 0x55)))).to.equal(hex(RC.TAG)); // magic
    expect(hex(target.restore(patched(5, 1)))).to.equal(hex(RC.TAG)); // version 1 (before the DA fields)
    expect(hex(target.restore(patched(5, 4)))).to.equal(hex(RC.TAG)); // a version after 3
    expect(hex(target.restore(reseal(body.subarray(0, body.length - 1))))).to.equal(hex(RC.SIZE));
    expect(hex(target.restore(reseal(body.subarray(0, 20))))).to.equal(hex(RC.SIZE));
    expect(hex(target.restore(reseal(Buffer.concat([body, Buffer.from([0])]))))).to.equal(hex(RC.SIZE));
    // flags at 10..15 are 0 or 1; lastShutdown at 16 is 0, 1 or 0xff
    for (let at = 10; at <= 15; at++) expect(hex(target.restore(patched(at, 2))), `flag ${at}`).to.equal(hex(RC.VALUE));
    expect(hex(target.restore(patched(16, 2)))).to.equal(hex(RC.VALUE));
    // clock (8 bytes at 25) beyond 2^52
    expect(hex(target.restore(patched(25, 0xff)))).to.equal(hex(RC.VALUE));
    expect(target.image().equals(before)).to.equal(true);
    // the untouched image still restores
    expect(target.restore(img)).to.equal(0);
  });

  it('saveState: a buffer too small for the image gives 0', () => {
    const { t } = busy();
    const need = t.image().length;
    expect(saveState(t.inst, new Uint8Array(need - 1))).to.equal(0);
    expect(saveState(t.inst, new Uint8Array(need))).to.equal(need);
  });
});
