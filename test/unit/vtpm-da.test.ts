/**
 * vTPM dictionary-attack protection: the lockout counter, TPM_RC_AUTH_FAIL vs TPM_RC_BAD_AUTH,
 * TPM_RC_LOCKOUT, recovery on the clock, the lockout hierarchy's own rule, the two DA commands,
 * the GetCapability report and the state image.
 */
import { expect } from 'chai';
import { advanceClock } from '../../vtpm/tpm/platform';
import {
  CC, NVA, OA, RC, RH, SIGNING_ATTRS, SU_CLEAR, Tpm, W, daState, expectAuthFail, expectRefused, hex, pw, rcH, rcS,
  signingTemplate, startHmacSession,
} from './vtpm-client';

const IDX = 0x01000010;
const NV_RW = NVA.AUTHWRITE | NVA.AUTHREAD;
const daParams = (maxTries: number, recovery: number, lockoutRecovery: number): Buffer =>
  new W().u32(maxTries).u32(recovery).u32(lockoutRecovery).done();
const setParams = (t: Tpm, maxTries: number, recovery: number, lockoutRecovery: number, auth = pw()) =>
  t.cmd(CC.DictionaryAttackParameters, [RH.LOCKOUT], daParams(maxTries, recovery, lockoutRecovery), { sessions: [auth] });
const lockReset = (t: Tpm, auth = pw()) => t.cmd(CC.DictionaryAttackLockReset, [RH.LOCKOUT], Buffer.alloc(0), { sessions: [auth] });
/** A DA-protected NV index (no TPMA_NV_NO_DA) with password 's'; the hierarchies themselves are exempt. */
const DA_IDX = IDX + 5;
const protectedIndex = (t: Tpm): Tpm => {
  expect(t.nvDefine(RH.OWNER, { index: DA_IDX, attrs: NV_RW, size: 8 }, Buffer.from('s')).rc).to.equal(0);
  return t;
};
const daFail = (t: Tpm) => t.nvWrite(DA_IDX, DA_IDX, Buffer.from('x'), 0, [pw('wrong')]);
const daGood = (t: Tpm) => t.nvWrite(DA_IDX, DA_IDX, Buffer.from('x'), 0, [pw('s')]);

describe('vtpm dictionary-attack protection', () => {
  it('defaults: maxTries 32, recoveryTime 600 s, lockoutRecovery 86400 s, no failures, not in lockout', () => {
    expect(daState(new Tpm())).to.deep.equal({ failedTries: 0, maxTries: 32, recoveryTime: 600, lockoutRecovery: 86400, inLockout: false });
  });

  it('a wrong password of a DA-protected index is TPM_RC_AUTH_FAIL + S1 (0x98e) and counted; a wrong owner, endorsement or platform password or PCR auth is TPM_RC_BAD_AUTH (0x9a2) and changes nothing', () => {
    const t = protectedIndex(new Tpm());
    expect(rcS(RC.AUTH_FAIL, 1)).to.equal(0x98e);
    expectAuthFail(t, 1, () => daFail(t));
    expectRefused(t, rcS(RC.BAD_AUTH, 1), () => t.createPrimary(RH.ENDORSEMENT, signingTemplate(), { sessions: [pw('x')] }));
    expectRefused(t, rcS(RC.BAD_AUTH, 1), () => t.createPrimary(RH.OWNER, signingTemplate(), { sessions: [pw('x')] }));
    expectRefused(t, rcS(RC.BAD_AUTH, 1), () => t.createPrimary(RH.PLATFORM, signingTemplate(), { sessions: [pw('x')] }));
    expectRefused(t, rcS(RC.BAD_AUTH, 1), () => t.pcrExtend(16, Buffer.alloc(32), { sessions: [pw('x')] }));
    expect(daState(t).failedTries).to.equal(1);
  });

  it('objects: without noDA a wrong password counts; with noDA it is TPM_RC_BAD_AUTH; an NV index likewise with TPMA_NV_NO_DA', () => {
    const t = new Tpm();
    const da = t.primary(RH.OWNER, signingTemplate({ attrs: SIGNING_ATTRS & ~OA.noDA }), Buffer.from('k'));
    const noDa = t.primary(RH.OWNER, signingTemplate(), Buffer.from('k'));
    expectAuthFail(t, 1, () => t.quote(da.handle, Buffer.alloc(0), [0]));
    expectRefused(t, rcS(RC.BAD_AUTH, 1), () => t.quote(noDa.handle, Buffer.alloc(0), [0]));
    expect(t.nvDefine(RH.OWNER, { index: IDX, attrs: NV_RW, size: 8 }, Buffer.from('s')).rc).to.equal(0);
    expect(t.nvDefine(RH.OWNER, { index: IDX + 1, attrs: NV_RW | NVA.NO_DA, size: 8 }, Buffer.from('s')).rc).to.equal(0);
    expectAuthFail(t, 1, () => t.nvWrite(IDX, IDX, Buffer.from('x'), 0, [pw('t')]));
    expectRefused(t, rcS(RC.BAD_AUTH, 1), () => t.nvWrite(IDX + 1, IDX + 1, Buffer.from('x'), 0, [pw('t')]));
    // a wrong HMAC counts the same way
    const s = startHmacSession(t);
    const params = new W().b2(Buffer.from('x')).u16(0).done();
    const bad = s.authorize(CC.NV_Write, [Buffer.alloc(34), Buffer.alloc(34)], params, Buffer.from('s'));
    expectAuthFail(t, 1, () => t.cmd(CC.NV_Write, [IDX, IDX], params, { sessions: [bad] }));
    expect(daState(t).failedTries).to.equal(3);
  });

  it('lockout after maxTries failures: TPM_RC_LOCKOUT (0x921) for DA-protected entities even with the right password; noDA objects, PCRs and the hierarchies stay usable', () => {
    const t = new Tpm();
    protectedIndex(t);
    const noDa = t.primary(RH.OWNER, signingTemplate(), Buffer.from('k'));
    expect(setParams(t, 3, 600, 86400).rc).to.equal(0);
    for (let i = 0; i < 3; i++) expectAuthFail(t, 1, () => daFail(t));
    expect(daState(t).inLockout).to.equal(true);
    expect(RC.LOCKOUT).to.equal(0x921);
    expectRefused(t, RC.LOCKOUT, () => daGood(t));
    expectRefused(t, RC.LOCKOUT, () => daFail(t));
    // before the HMAC is checked: any HMAC gets TPM_RC_LOCKOUT as well
    const s = startHmacSession(t);
    const params = new W().b2(Buffer.from('x')).u16(0).done();
    expectRefused(t, RC.LOCKOUT, () => t.cmd(CC.NV_Write, [DA_IDX, DA_IDX], params, { sessions: [s.authorize(CC.NV_Write, [Buffer.alloc(34), Buffer.alloc(34)], params, Buffer.from('s'))] }));
    // the hierarchies are exempt
    expect(t.createPrimary(RH.ENDORSEMENT, signingTemplate()).rc).to.equal(0);
    expect(t.quote(noDa.handle, Buffer.alloc(0), [0], { auth: Buffer.from('k') }).rc).to.equal(0);
    expect(t.pcrExtend(16, Buffer.alloc(32)).rc).to.equal(0);
    expect(t.createPrimary(RH.PLATFORM, signingTemplate()).rc).to.equal(0);
    expect(daState(t).failedTries).to.equal(3);
  });

  it('recovery: every recoveryTime seconds of clock after the last failure forgive one failure', () => {
    const t = protectedIndex(new Tpm());
    expect(setParams(t, 2, 10, 86400).rc).to.equal(0);
    expectAuthFail(t, 1, () => daFail(t));
    expectAuthFail(t, 1, () => daFail(t));
    expect(daState(t).inLockout).to.equal(true);
    advanceClock(t.inst, 9999);
    expect(daState(t).failedTries).to.equal(2);
    advanceClock(t.inst, 1);
    expect(daState(t)).to.include({ failedTries: 1, inLockout: false });
    expect(daGood(t).rc).to.equal(0);
    advanceClock(t.inst, 25000);
    expect(daState(t).failedTries).to.equal(0);
  });

  it('recoveryTime 0 disables DA protection: failures are TPM_RC_AUTH_FAIL but not counted, no lockout', () => {
    const t = protectedIndex(new Tpm());
    expectAuthFail(t, 1, () => daFail(t));
    expect(setParams(t, 1, 0, 86400).rc).to.equal(0);
    expect(daState(t).failedTries).to.equal(0);
    for (let i = 0; i < 3; i++) {
      const r = daFail(t);
      expect(hex(r.rc)).to.equal(hex(rcS(RC.AUTH_FAIL, 1)));
    }
    expect(daState(t)).to.include({ failedTries: 0, inLockout: false });
  });

  it('DictionaryAttackLockReset with lockoutAuth clears the counter; DictionaryAttackParameters sets the parameters', () => {
    const t = protectedIndex(new Tpm());
    expect(setParams(t, 1, 600, 86400).rc).to.equal(0);
    expectAuthFail(t, 1, () => daFail(t));
    expect(daState(t).inLockout).to.equal(true);
    expect(lockReset(t).rc).to.equal(0);
    expect(daState(t)).to.include({ failedTries: 0, inLockout: false });
    expect(setParams(t, 7, 33, 44).rc).to.equal(0);
    expect(daState(t)).to.deep.equal({ failedTries: 0, maxTries: 7, recoveryTime: 33, lockoutRecovery: 44, inLockout: false });
    // only TPM_RH_LOCKOUT, with authorisation, with exactly its parameters
    expectRefused(t, rcH(RC.VALUE, 1), () => t.cmd(CC.DictionaryAttackLockReset, [RH.OWNER], Buffer.alloc(0), { sessions: [pw()] }));
    expectRefused(t, RC.AUTH_MISSING, () => t.cmd(CC.DictionaryAttackLockReset, [RH.LOCKOUT], Buffer.alloc(0)));
    expectRefused(t, RC.SIZE, () => t.cmd(CC.DictionaryAttackParameters, [RH.LOCKOUT], Buffer.concat([daParams(1, 2, 3), Buffer.alloc(1)]), { sessions: [pw()] }));
  });

  it('a wrong lockoutAuth locks lockoutAuth (TPM_RC_LOCKOUT) for lockoutRecovery seconds; with lockoutRecovery 0 until the next Startup', () => {
    const t = protectedIndex(new Tpm());
    expect(setParams(t, 32, 600, 100).rc).to.equal(0);
    const r = lockReset(t, pw('bad'));
    expect(hex(r.rc)).to.equal(hex(rcS(RC.AUTH_FAIL, 1)));
    expect(daState(t).failedTries).to.equal(0);
    expectRefused(t, RC.LOCKOUT, () => lockReset(t));
    advanceClock(t.inst, 99999);
    expectRefused(t, RC.LOCKOUT, () => lockReset(t));
    advanceClock(t.inst, 1);
    expect(lockReset(t).rc).to.equal(0);
    expect(setParams(t, 32, 600, 0).rc).to.equal(0);
    expect(hex(lockReset(t, pw('bad')).rc)).to.equal(hex(rcS(RC.AUTH_FAIL, 1)));
    advanceClock(t.inst, 1e9);
    expectRefused(t, RC.LOCKOUT, () => lockReset(t));
    t.shutdown(SU_CLEAR);
    t.powerCycle();
    t.startup();
    expect(lockReset(t).rc).to.equal(0);
  });

  it('the DA fields survive a state image round trip', () => {
    const t = protectedIndex(new Tpm());
    expect(setParams(t, 5, 20, 30).rc).to.equal(0);
    expectAuthFail(t, 1, () => daFail(t));
    expect(hex(lockReset(t, pw('bad')).rc)).to.equal(hex(rcS(RC.AUTH_FAIL, 1)));
    advanceClock(t.inst, 5000);
    const img = t.image();
    const u = new Tpm(2, Buffer.alloc(48, 0x33));
    expect(u.restore(img)).to.equal(0);
    expect(daState(u)).to.deep.equal({ failedTries: 1, maxTries: 5, recoveryTime: 20, lockoutRecovery: 30, inLockout: false });
    expectRefused(u, RC.LOCKOUT, () => lockReset(u));
    // the timers came along: 15 s more forgive the failure, 25 s more re-enable lockoutAuth
    advanceClock(u.inst, 15000);
    expect(daState(u).failedTries).to.equal(0);
    advanceClock(u.inst, 10000);
    expect(lockReset(u).rc).to.equal(0);
    expect(u.image().length).to.equal(img.length);
  });
});
