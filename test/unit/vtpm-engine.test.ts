/**
 * vTPM engine through execute(): command header processing, Startup/Shutdown and the reset,
 * restart and resume semantics, measured launch into PCR 17, SelfTest/GetTestResult,
 * GetCapability, GetRandom/StirRandom/Hash and the PCR commands. Every refusal is checked for
 * its exact TPM 2.0 response code and for leaving the instance unchanged (state image compared).
 * The client (test/unit/vtpm-client.ts) marshals independently of the engine.
 */
import { expect } from 'chai';
import * as crypto from 'crypto';
import { COMMAND_COUNT, rowAttributes, rowCc } from '../../vtpm/tpm/commands';
import { MAX_LAUNCH, TpmInstance } from '../../vtpm/tpm/instance';
import { addEntropy, clearLaunchLog, powerOff, powerOn } from '../../vtpm/tpm/platform';
import { execute } from '../../vtpm/tpm/engine';
import {
  ALG, CAP, CC, ECC_NIST_P256, NVA, R, RC, RH, ST, SU_CLEAR, SU_STATE, Tpm, W, buildCommand, expectRefused, hex, hmac,
  parseResponse, pcrSelection, pw, rcH, rcP, rcS, sha256, signingTemplate, storageTemplate, u16b,
} from './vtpm-client';

const ZERO32: Buffer = Buffer.alloc(32);
const digestOf = (s: string): Buffer => sha256(Buffer.from(s));
const getRandomCmd = (n: number): Buffer => buildCommand(CC.GetRandom, [], u16b(n));

describe('vtpm engine: command header', () => {
  const tpm = new Tpm();

  it('header: a command shorter than 10 bytes is TPM_RC_COMMAND_SIZE', () => {
    const c = getRandomCmd(8).subarray(0, 9);
    expectRefused(tpm, RC.COMMAND_SIZE, () => tpm.raw(c));
    expectRefused(tpm, RC.COMMAND_SIZE, () => tpm.raw(Buffer.alloc(0)));
  });

  it('header: a command longer than 4096 bytes is TPM_RC_COMMAND_SIZE', () => {
    const c = Buffer.alloc(4097);
    c.writeUInt16BE(ST.NO_SESSIONS, 0);
    c.writeUInt32BE(4097, 2);
    c.writeUInt32BE(CC.GetRandom, 6);
    expectRefused(tpm, RC.COMMAND_SIZE, () => tpm.raw(c));
  });

  it('header: a size field that differs from the bytes received is TPM_RC_COMMAND_SIZE', () => {
    const c = getRandomCmd(8);
    const big = Buffer.from(c);
    big.writeUInt32BE(c.length + 1, 2);
    expectRefused(tpm, RC.COMMAND_SIZE, () => tpm.raw(big));
    const small = Buffer.from(c);
    small.writeUInt32BE(c.length - 1, 2);
    expectRefused(tpm, RC.COMMAND_SIZE, () => tpm.raw(small));
    // fewer bytes received than the size field says
    expectRefused(tpm, RC.COMMAND_SIZE, () => tpm.raw(c, 0, c.length - 1));
  });

  it('header: a tag other than TPM_ST_SESSIONS/NO_SESSIONS is TPM_RC_BAD_TAG, answered with TPM_ST_RSP_COMMAND', () => {
    for (const tag of [0x00c1, 0x8000, 0x8003, 0xffff]) {
      const c = getRandomCmd(8);
      c.writeUInt16BE(tag, 0);
      expectRefused(tpm, RC.BAD_TAG, () => tpm.raw(c));
    }
  });

  it('header: an unimplemented command code is TPM_RC_COMMAND_CODE', () => {
    for (const cc of [CC.Clear, CC.EvictControl, CC.PolicyPCR, 0x0000, 0x20000144]) {
      expectRefused(tpm, RC.COMMAND_CODE, () => tpm.raw(buildCommand(cc, [], Buffer.alloc(0))));
    }
  });

  it('header: locality 4 (the hypervisor\'s) and beyond are refused with TPM_RC_LOCALITY; 0–3 are served', () => {
    for (const loc of [4, 5, 255, -1]) expectRefused(tpm, RC.LOCALITY, () => tpm.raw(getRandomCmd(8), loc));
    for (const loc of [0, 1, 2, 3]) expect(parseResponse(tpm.raw(getRandomCmd(8), loc), false).rc).to.equal(0);
  });

  it('header: parameter bytes left over are TPM_RC_SIZE', () => {
    expectRefused(tpm, RC.SIZE, () => tpm.cmd(CC.GetRandom, [], Buffer.from([0, 8, 0])));
    expectRefused(tpm, RC.SIZE, () => tpm.cmd(CC.GetTestResult, [], Buffer.from([0])));
  });

  it('header: a truncated parameter is TPM_RC_INSUFFICIENT numbered with the parameter', () => {
    expectRefused(tpm, rcP(RC.INSUFFICIENT, 1), () => tpm.cmd(CC.GetRandom, [], Buffer.from([0])));
    const t = new Tpm(4, undefined, false);
    expectRefused(t, rcP(RC.INSUFFICIENT, 1), () => t.cmd(CC.Startup, [], Buffer.from([0])));
  });

  it('header: commands before Startup are TPM_RC_INITIALIZE, Startup twice too', () => {
    const t = new Tpm(2, undefined, false);
    for (const cc of [CC.GetRandom, CC.GetCapability, CC.PCR_Read, CC.Shutdown, CC.SelfTest]) {
      expectRefused(t, RC.INITIALIZE, () => t.raw(buildCommand(cc, [], Buffer.alloc(4))));
    }
    t.startup();
    expectRefused(t, RC.INITIALIZE, () => t.cmd(CC.Startup, [], u16b(SU_CLEAR)));
    expectRefused(t, RC.INITIALIZE, () => t.cmd(CC.Startup, [], u16b(SU_STATE)));
  });

  it('header: a powered-off instance answers TPM_RC_FAILURE to everything', () => {
    const t = new Tpm(3);
    powerOff(t.inst);
    expectRefused(t, RC.FAILURE, () => t.raw(getRandomCmd(8)));
    expectRefused(t, RC.FAILURE, () => t.cmd(CC.Startup, [], u16b(SU_CLEAR)));
  });

  it('powerOn: on a powered instance changes nothing (the mssim TCTI signals it before every client)', () => {
    const t = new Tpm(5);
    t.pcrExtend(0, digestOf('x'));
    t.primary(RH.OWNER, storageTemplate());
    const before = t.image();
    powerOn(t.inst);
    expect(t.image().equals(before)).to.equal(true);
    expect(t.pcr(0).equals(sha256(ZERO32, digestOf('x')))).to.equal(true);
  });

  it('addEntropy: the first seeding needs 32 bytes; later calls reseed', () => {
    const inst = new TpmInstance(10);
    powerOn(inst);
    expect(addEntropy(inst, Buffer.alloc(31, 1), 0, 31)).to.equal(false);
    expect(inst.seeded).to.equal(false);
    expect(addEntropy(inst, Buffer.alloc(32, 1), 0, 32)).to.equal(true);
    expect(addEntropy(inst, Buffer.alloc(1, 2), 0, 1)).to.equal(true);
    const rsp = new Uint8Array(4096);
    expect(execute(inst, 0, buildCommand(CC.Startup, [], u16b(SU_CLEAR)), 12, rsp)).to.equal(10);
    expect(Buffer.from(rsp).readUInt32BE(6)).to.equal(0);
  });

  it('Startup: an instance that was never given entropy cannot start (TPM_RC_FAILURE)', () => {
    const inst = new TpmInstance(9);
    powerOn(inst);
    const rsp = new Uint8Array(4096);
    const n = execute(inst, 0, buildCommand(CC.Startup, [], u16b(SU_CLEAR)), 12, rsp);
    expect(n).to.equal(10);
    expect(hex(Buffer.from(rsp).readUInt32BE(6))).to.equal(hex(RC.FAILURE));
    expect(inst.started).to.equal(false);
  });

  it('header: a command needing authorisation without an authorisation area is TPM_RC_AUTH_MISSING', () => {
    expectRefused(tpm, RC.AUTH_MISSING, () => tpm.cmd(CC.PCR_Extend, [16], new W().u32(0).done()));
    expectRefused(tpm, RC.AUTH_MISSING, () => tpm.cmd(CC.CreatePrimary, [RH.OWNER], Buffer.alloc(0)));
  });

  it('header: handles of the wrong kind are TPM_RC_VALUE + Hn; an object that is not loaded TPM_RC_REFERENCE_Hn', () => {
    expectRefused(tpm, rcH(RC.VALUE, 1), () => tpm.pcrExtend(24, ZERO32));
    expectRefused(tpm, rcH(RC.VALUE, 1), () => tpm.pcrExtend(RH.OWNER, ZERO32));
    expectRefused(tpm, RC.REFERENCE_H0, () => tpm.cmd(CC.ReadPublic, [0x80000002], Buffer.alloc(0)));
    expectRefused(tpm, rcH(RC.VALUE, 1), () => tpm.cmd(CC.ReadPublic, [0x81000000], Buffer.alloc(0)));
    expectRefused(tpm, rcH(RC.VALUE, 1), () => tpm.createPrimary(RH.LOCKOUT, storageTemplate()));
    // the number is the handle's: StartAuthSession's second handle, NV_Write's second handle
    expectRefused(tpm, RC.REFERENCE_H0 + 1, () => tpm.startAuthSession({ bind: 0x80000002 }));
    expectRefused(tpm, rcH(RC.HANDLE, 2), () => tpm.nvWrite(RH.OWNER, 0x01000123, Buffer.alloc(1)));
    expectRefused(tpm, rcH(RC.HANDLE, 1), () => tpm.cmd(CC.NV_ReadPublic, [0x01000123], Buffer.alloc(0)));
  });
});

describe('vtpm engine: Startup and Shutdown', () => {
  it('Startup: CLEAR after Shutdown(CLEAR) is a TPM Reset: PCRs zero, resetCount + 1, restartCount 0', () => {
    const t = new Tpm();
    t.pcrExtend(0, digestOf('a'));
    t.pcrExtend(16, digestOf('b'));
    t.pcrExtend(23, digestOf('c'));
    const reset0 = t.inst.resetCount;
    t.shutdown(SU_CLEAR);
    t.powerCycle();
    t.startup(SU_CLEAR);
    const v = t.pcrRead([0, 16, 23]).values;
    for (const x of v) expect(x.equals(ZERO32)).to.equal(true);
    expect(t.inst.resetCount).to.equal(reset0 + 1);
    expect(t.inst.restartCount).to.equal(0);
  });

  it('Startup: CLEAR without any Shutdown (power loss) is a TPM Reset too', () => {
    const t = new Tpm();
    t.pcrExtend(5, digestOf('a'));
    const reset0 = t.inst.resetCount;
    t.powerCycle();
    t.startup(SU_CLEAR);
    expect(t.pcr(5).equals(ZERO32)).to.equal(true);
    expect(t.inst.resetCount).to.equal(reset0 + 1);
    expect(t.inst.restartCount).to.equal(0);
  });

  it('Startup: CLEAR after Shutdown(STATE) is a TPM Restart: restartCount + 1, resetCount kept, PCRs zero', () => {
    const t = new Tpm();
    t.pcrExtend(0, digestOf('a'));
    const reset0 = t.inst.resetCount;
    t.shutdown(SU_STATE);
    t.powerCycle();
    t.startup(SU_CLEAR);
    expect(t.pcr(0).equals(ZERO32)).to.equal(true);
    expect(t.inst.resetCount).to.equal(reset0);
    expect(t.inst.restartCount).to.equal(1);
    // and the next plain power loss is a reset again
    t.powerCycle();
    t.startup(SU_CLEAR);
    expect(t.inst.resetCount).to.equal(reset0 + 1);
    expect(t.inst.restartCount).to.equal(0);
  });

  it('Startup: STATE after Shutdown(STATE) is a TPM Resume: PCRs 0–15 restored, 16–23 not', () => {
    const t = new Tpm();
    const expected: Buffer[] = [];
    for (let i = 0; i < 24; i++) {
      if (i >= 17 && i <= 22) { expected.push(ZERO32); continue; }
      t.pcrExtend(i, digestOf('pcr' + i));
      expected.push(sha256(ZERO32, digestOf('pcr' + i)));
    }
    const reset0 = t.inst.resetCount;
    t.shutdown(SU_STATE);
    t.powerCycle();
    t.startup(SU_STATE);
    const all = [...t.pcrRead([0, 1, 2, 3, 4, 5, 6, 7]).values, ...t.pcrRead([8, 9, 10, 11, 12, 13, 14, 15]).values,
      ...t.pcrRead([16, 17, 18, 19, 20, 21, 22, 23]).values];
    for (let i = 0; i < 24; i++) {
      const want = i < 16 ? expected[i] : ZERO32;
      expect(all[i].toString('hex'), `PCR ${i}`).to.equal(want.toString('hex'));
    }
    expect(t.inst.resetCount).to.equal(reset0);
    expect(t.inst.restartCount).to.equal(1);
  });

  it('Startup: STATE without a preceding Shutdown(STATE) is TPM_RC_VALUE + P + 1', () => {
    const t = new Tpm();
    t.powerCycle();
    expectRefused(t, rcP(RC.VALUE, 1), () => t.cmd(CC.Startup, [], u16b(SU_STATE)));
    t.startup(SU_CLEAR);
    t.shutdown(SU_CLEAR);
    t.powerCycle();
    expectRefused(t, rcP(RC.VALUE, 1), () => t.cmd(CC.Startup, [], u16b(SU_STATE)));
    // a saved state is used once
    t.startup(SU_CLEAR);
    t.shutdown(SU_STATE);
    t.powerCycle();
    t.startup(SU_STATE);
    t.powerCycle();
    expectRefused(t, rcP(RC.VALUE, 1), () => t.cmd(CC.Startup, [], u16b(SU_STATE)));
  });

  it('Startup: a Shutdown(STATE) superseded by Shutdown(CLEAR) cannot be resumed', () => {
    const t = new Tpm();
    t.shutdown(SU_STATE);
    t.shutdown(SU_CLEAR);
    t.powerCycle();
    expectRefused(t, rcP(RC.VALUE, 1), () => t.cmd(CC.Startup, [], u16b(SU_STATE)));
  });

  it('Startup: a state-saved PCR extended after Shutdown(STATE) voids the saved state (no Resume to stale PCRs)', () => {
    const t = new Tpm();
    t.pcrExtend(0, digestOf('boot'));
    t.shutdown(SU_STATE);
    t.pcrExtend(0, digestOf('evidence'));
    const reset0 = t.inst.resetCount;
    t.powerCycle();
    expectRefused(t, rcP(RC.VALUE, 1), () => t.cmd(CC.Startup, [], u16b(SU_STATE)));
    t.startup(SU_CLEAR);
    // no longer an orderly shutdown: a TPM Reset
    expect(t.inst.resetCount).to.equal(reset0 + 1);
    expect(t.inst.restartCount).to.equal(0);
  });

  it('Startup: PCRs outside 0–15 extended after Shutdown(STATE) leave the saved state usable', () => {
    const t = new Tpm();
    t.pcrExtend(3, digestOf('x'));
    t.shutdown(SU_STATE);
    t.pcrExtend(16, digestOf('debug'));
    t.pcrExtend(23, digestOf('app'));
    t.powerCycle();
    t.startup(SU_STATE);
    expect(t.pcr(3).equals(sha256(ZERO32, digestOf('x')))).to.equal(true);
  });

  it('Startup/Shutdown: an undefined TPM_SU value is TPM_RC_VALUE + P + 1', () => {
    const t = new Tpm(1, undefined, false);
    expectRefused(t, rcP(RC.VALUE, 1), () => t.cmd(CC.Startup, [], u16b(2)));
    t.startup();
    expectRefused(t, rcP(RC.VALUE, 1), () => t.cmd(CC.Shutdown, [], u16b(2)));
    expectRefused(t, rcP(RC.VALUE, 1), () => t.cmd(CC.Shutdown, [], u16b(0xffff)));
  });

  it('Startup: transient objects and sessions are flushed by every startup', () => {
    const t = new Tpm();
    t.primary(RH.OWNER, storageTemplate());
    t.ok(CC.StartAuthSession, [RH.NULL, RH.NULL], new W().b2(Buffer.alloc(16, 1)).b2(Buffer.alloc(0)).u8(0).u16(ALG.NULL).u16(ALG.SHA256).done());
    t.shutdown(SU_STATE);
    t.powerCycle();
    t.startup(SU_STATE);
    expect(t.getCap(CAP.HANDLES, 0x80000000, 8).r.u32()).to.equal(0);
    expect(t.getCap(CAP.HANDLES, 0x02000000, 8).r.u32()).to.equal(0);
  });

  it('Startup: the null hierarchy seed changes at TPM Reset only; the owner seed never', () => {
    const t = new Tpm();
    const tmpl = signingTemplate();
    const key = (h: number): string => {
      const c = t.primary(h, tmpl);
      t.flush(c.handle);
      return c.name.toString('hex');
    };
    const null0 = key(RH.NULL);
    const owner0 = key(RH.OWNER);
    expect(key(RH.NULL)).to.equal(null0);
    t.shutdown(SU_STATE);
    t.powerCycle();
    t.startup(SU_STATE);
    expect(key(RH.NULL)).to.equal(null0);
    t.powerCycle();
    t.startup(SU_CLEAR);
    expect(key(RH.NULL)).to.not.equal(null0);
    expect(key(RH.OWNER)).to.equal(owner0);
  });
});

describe('vtpm engine: measured launch (PCR 17)', () => {
  const d1 = digestOf('partition image 1');
  const d2 = digestOf('partition image 2');

  it('measureLaunch: recorded before Startup, PCR 17 = SHA256(0^32 || digest) after Startup(CLEAR)', () => {
    const t = new Tpm(1, undefined, false);
    expect(t.measure(d1)).to.equal(0);
    t.startup(SU_CLEAR);
    expect(t.pcr(17).toString('hex')).to.equal(sha256(ZERO32, d1).toString('hex'));
  });

  it('measureLaunch: several digests are extended in order', () => {
    const t = new Tpm(1, undefined, false);
    t.measure(d1);
    t.measure(d2);
    t.startup();
    expect(t.pcr(17).toString('hex')).to.equal(sha256(sha256(ZERO32, d1), d2).toString('hex'));
  });

  it('measureLaunch: replayed after every TPM Reset, Restart and Resume', () => {
    const t = new Tpm(1, undefined, false);
    t.measure(d1);
    t.startup();
    const want = sha256(ZERO32, d1).toString('hex');
    t.powerCycle();
    t.startup(SU_CLEAR);
    expect(t.pcr(17).toString('hex'), 'after reset').to.equal(want);
    t.shutdown(SU_STATE);
    t.powerCycle();
    t.startup(SU_CLEAR);
    expect(t.pcr(17).toString('hex'), 'after restart').to.equal(want);
    t.shutdown(SU_STATE);
    t.powerCycle();
    t.startup(SU_STATE);
    expect(t.pcr(17).toString('hex'), 'after resume').to.equal(want);
  });

  it('measureLaunch: on a started instance the digest is extended at once', () => {
    const t = new Tpm();
    t.measure(d1);
    expect(t.pcr(17).equals(sha256(ZERO32, d1))).to.equal(true);
  });

  it('PCR_Extend: PCR 17 cannot be extended or reset at localities 0–3 (TPM_RC_LOCALITY)', () => {
    const t = new Tpm(1, undefined, false);
    t.measure(d1);
    t.startup();
    for (let loc = 0; loc < 4; loc++) {
      expectRefused(t, RC.LOCALITY, () => t.pcrExtend(17, d2, { locality: loc }));
      expectRefused(t, RC.LOCALITY, () => t.cmd(CC.PCR_Reset, [17], Buffer.alloc(0), { sessions: [pw()], locality: loc }));
    }
    for (const p of [18, 19, 20, 21, 22]) {
      expectRefused(t, RC.LOCALITY, () => t.pcrExtend(p, d2));
      expectRefused(t, RC.LOCALITY, () => t.cmd(CC.PCR_Reset, [p], Buffer.alloc(0), { sessions: [pw()] }));
    }
  });

  it('clearLaunchLog: a cleared log is not replayed; new measurements are', () => {
    const t = new Tpm(1, undefined, false);
    t.measure(d1);
    t.startup();
    clearLaunchLog(t.inst);
    t.measure(d2);
    expect(t.pcr(17).equals(sha256(sha256(ZERO32, d1), d2))).to.equal(true);
    t.powerCycle();
    t.startup();
    expect(t.pcr(17).equals(sha256(ZERO32, d2))).to.equal(true);
  });

  it('measureLaunch: a full log is TPM_RC_NV_SPACE, nothing changed', () => {
    const t = new Tpm(1, undefined, false);
    for (let i = 0; i < MAX_LAUNCH; i++) expect(t.measure(digestOf('img' + i))).to.equal(0);
    const before = t.image();
    expect(hex(t.measure(d1))).to.equal(hex(RC.NV_SPACE));
    expect(t.image().equals(before)).to.equal(true);
    t.startup();
    let v = ZERO32;
    for (let i = 0; i < MAX_LAUNCH; i++) v = sha256(v, digestOf('img' + i));
    expect(t.pcr(17).equals(v)).to.equal(true);
  });
});

describe('vtpm engine: SelfTest and GetTestResult', () => {
  const t = new Tpm();

  it('SelfTest: partial and full tests pass', () => {
    t.ok(CC.SelfTest, [], Buffer.from([0]));
    t.ok(CC.SelfTest, [], Buffer.from([1]));
  });

  it('SelfTest: fullTest other than YES/NO is TPM_RC_VALUE + P + 1', () => {
    expectRefused(t, rcP(RC.VALUE, 1), () => t.cmd(CC.SelfTest, [], Buffer.from([2])));
  });

  it('GetTestResult: empty outData and TPM_RC_SUCCESS', () => {
    const r = t.ok(CC.GetTestResult, [], Buffer.alloc(0)).r;
    expect(r.b2().length).to.equal(0);
    expect(r.u32()).to.equal(0);
    expect(r.atEnd()).to.equal(true);
  });
});

/** Collect a paged capability: returns the entries of every page. */
function paged<T>(t: Tpm, cap: number, first: number, pageSize: number, read: (r: R) => T, next: (e: T) => number): { entries: T[]; pages: number } {
  const entries: T[] = [];
  let prop = first;
  let pages = 0;
  for (;;) {
    const c = t.getCap(cap, prop, pageSize);
    expect(c.cap).to.equal(cap);
    const n = c.r.u32();
    expect(n).to.be.at.most(pageSize);
    for (let i = 0; i < n; i++) entries.push(read(c.r));
    expect(c.r.atEnd()).to.equal(true);
    pages++;
    if (c.more === 0) break;
    expect(n, 'moreData with a full page').to.equal(pageSize);
    prop = next(entries[entries.length - 1]);
  }
  return { entries, pages };
}

describe('vtpm engine: GetCapability', () => {
  it('GetCapability: TPM_CAP_ALGS lists the implemented algorithms with their TPMA_ALGORITHM, in order, paged', () => {
    const t = new Tpm();
    const all = paged(t, CAP.ALGS, 0, 64, (r) => ({ alg: r.u16(), attrs: r.u32() }), (e) => e.alg + 1);
    expect(all.pages).to.equal(1);
    const algs = all.entries.map((e) => e.alg);
    expect(algs).to.deep.equal([...algs].sort((a, b) => a - b));
    const attrs = new Map(all.entries.map((e) => [e.alg, e.attrs]));
    expect(attrs.get(ALG.SHA256)).to.equal(0x4); // hash
    expect(attrs.get(ALG.ECC)).to.equal(0x9); // asymmetric | object
    expect(attrs.get(ALG.ECDSA)).to.equal(0x101); // asymmetric | signing
    expect(attrs.get(ALG.AES)).to.equal(0x2); // symmetric
    expect(attrs.get(ALG.HMAC)).to.equal(0x104); // hash | signing
    expect(attrs.has(ALG.RSA)).to.equal(false);
    const two = paged(t, CAP.ALGS, 0, 2, (r) => ({ alg: r.u16(), attrs: r.u32() }), (e) => e.alg + 1);
    expect(two.entries).to.deep.equal(all.entries);
    expect(two.pages).to.equal(Math.ceil(all.entries.length / 2));
    // from a starting algorithm
    const fromEcc = t.getCap(CAP.ALGS, ALG.ECDSA, 64).r;
    expect(fromEcc.u32()).to.equal(algs.filter((a) => a >= ALG.ECDSA).length);
  });

  it('GetCapability: TPM_CAP_HANDLES lists PCRs and permanent handles', () => {
    const t = new Tpm();
    const pcrs = paged(t, CAP.HANDLES, 0, 64, (r) => r.u32(), (h) => h + 1).entries;
    expect(pcrs).to.deep.equal([...Array(24).keys()]);
    const from20 = t.getCap(CAP.HANDLES, 20, 64).r;
    expect(from20.u32()).to.equal(4);
    const perm = paged(t, CAP.HANDLES, 0x40000000, 64, (r) => r.u32(), (h) => h + 1).entries;
    for (const h of [RH.OWNER, RH.NULL, RH.PW, RH.LOCKOUT, RH.ENDORSEMENT, RH.PLATFORM]) expect(perm).to.include(h);
    expect(perm).to.deep.equal([...perm].sort((a, b) => a - b));
    const permPaged = paged(t, CAP.HANDLES, 0x40000000, 2, (r) => r.u32(), (h) => h + 1);
    expect(permPaged.entries).to.deep.equal(perm);
  });

  it('GetCapability: TPM_CAP_HANDLES lists transient objects, sessions and NV indices as they come and go', () => {
    const t = new Tpm();
    const list = (first: number): number[] => paged(t, CAP.HANDLES, first, 64, (r) => r.u32(), (h) => h + 1).entries;
    expect(list(0x80000000)).to.deep.equal([]);
    expect(list(0x02000000)).to.deep.equal([]);
    expect(list(0x01000000)).to.deep.equal([]);
    const k1 = t.primary(RH.OWNER, storageTemplate()).handle;
    const k2 = t.primary(RH.OWNER, signingTemplate()).handle;
    expect(list(0x80000000)).to.deep.equal([k1, k2]);
    const s = t.startAuthSession();
    expect(list(0x02000000)).to.deep.equal([s.handle]);
    for (const idx of [0x01000005, 0x01000001, 0x01000003]) {
      t.nvDefine(RH.OWNER, { index: idx, attrs: NVA.OWNERWRITE | NVA.OWNERREAD, size: 8 });
    }
    expect(list(0x01000000)).to.deep.equal([0x01000001, 0x01000003, 0x01000005]);
    expect(list(0x01000002)).to.deep.equal([0x01000003, 0x01000005]);
    t.flush(k1);
    t.flush(s.handle);
    expect(list(0x80000000)).to.deep.equal([k2]);
    expect(list(0x02000000)).to.deep.equal([]);
    expect(list(0x81000000)).to.deep.equal([]); // no persistent objects
  });

  it('GetCapability: TPM_CAP_HANDLES of an unsupported handle type is TPM_RC_HANDLE + P + 2', () => {
    const t = new Tpm();
    for (const first of [0x05000000, 0x41000000, 0xff000000]) {
      expectRefused(t, rcP(RC.HANDLE, 2), () => t.cmd(CC.GetCapability, [], new W().u32(CAP.HANDLES).u32(first).u32(8).done()));
    }
  });

  it('GetCapability: TPM_CAP_COMMANDS agrees with the command table (commands.ts), with TPMA_CC fields', () => {
    const t = new Tpm();
    const attrs = paged(t, CAP.COMMANDS, 0, 64, (r) => r.u32(), (a) => (a & 0xffff) + 1).entries;
    const codes = attrs.map((a) => a & 0xffff);
    const table = [...Array(COMMAND_COUNT).keys()].map((i) => rowCc(i)).sort((a, b) => a - b);
    expect(codes).to.deep.equal(table);
    for (let i = 0; i < COMMAND_COUNT; i++) expect(attrs[codes.indexOf(rowCc(i))]).to.equal(rowAttributes(i));
    const a = (cc: number): number => attrs[codes.indexOf(cc)];
    const cHandles = (v: number): number => (v >>> 25) & 7;
    const rHandle = (v: number): number => (v >>> 28) & 1;
    const flushed = (v: number): number => (v >>> 24) & 1;
    expect([cHandles(a(CC.CreatePrimary)), rHandle(a(CC.CreatePrimary))]).to.deep.equal([1, 1]);
    expect([cHandles(a(CC.NV_Write)), rHandle(a(CC.NV_Write))]).to.deep.equal([2, 0]);
    expect([cHandles(a(CC.StartAuthSession)), rHandle(a(CC.StartAuthSession))]).to.deep.equal([2, 1]);
    expect([cHandles(a(CC.ContextLoad)), rHandle(a(CC.ContextLoad))]).to.deep.equal([0, 1]);
    expect(flushed(a(CC.FlushContext))).to.equal(1);
    expect(flushed(a(CC.Quote))).to.equal(0);
    for (const v of attrs) expect((v >>> 16) & 0x3f, 'reserved bits').to.equal(0);
    // paging
    const small = paged(t, CAP.COMMANDS, 0, 5, (r) => r.u32(), (v) => (v & 0xffff) + 1);
    expect(small.entries).to.deep.equal(attrs);
    const totals = t.getCap(CAP.TPM_PROPERTIES, 0x129, 2).r;
    expect(totals.u32()).to.equal(2);
    expect([totals.u32(), totals.u32(), totals.u32(), totals.u32()]).to.deep.equal([0x129, attrs.length, 0x12a, attrs.length]);
  });

  it('GetCapability: TPM_CAP_PCRS reports one SHA-256 bank of 24 PCRs', () => {
    const t = new Tpm();
    const c = t.getCap(CAP.PCRS, 0, 1);
    expect(c.more).to.equal(0);
    expect(c.r.rest().toString('hex')).to.equal(pcrSelection([...Array(24).keys()]).toString('hex'));
  });

  it('GetCapability: TPM_CAP_TPM_PROPERTIES reports fixed and variable properties, paged by moreData', () => {
    const t = new Tpm();
    const props = paged(t, CAP.TPM_PROPERTIES, 0x100, 7, (r) => ({ pt: r.u32(), v: r.u32() }), (e) => e.pt + 1);
    expect(props.pages).to.be.greaterThan(5);
    const pts = props.entries.map((e) => e.pt);
    expect(pts).to.deep.equal([...new Set(pts)].sort((a, b) => a - b));
    const expectedPts = [...Array(0x12f - 0x100).keys()].map((i) => 0x100 + i).filter((p) => p !== 0x115)
      .concat([...Array(0x15).keys()].map((i) => 0x200 + i));
    expect(pts).to.deep.equal(expectedPts);
    const v = new Map(props.entries.map((e) => [e.pt, e.v]));
    expect(hex(v.get(0x100)!)).to.equal(hex(0x322e3000)); // TPM_PT_FAMILY_INDICATOR "2.0"
    expect(v.get(0x112)).to.equal(24); // TPM_PT_PCR_COUNT
    expect(v.get(0x113)).to.equal(3); // TPM_PT_PCR_SELECT_MIN
    expect(v.get(0x11e)).to.equal(4096); // TPM_PT_MAX_COMMAND_SIZE
    expect(v.get(0x11f)).to.equal(4096); // TPM_PT_MAX_RESPONSE_SIZE
    expect(v.get(0x120)).to.equal(32); // TPM_PT_MAX_DIGEST
    expect(v.get(0x11a)).to.equal(ALG.SHA256); // TPM_PT_CONTEXT_HASH
    // a property below the fixed range starts at TPM_PT_FIXED; one response carries at most 64
    const one = t.getCap(CAP.TPM_PROPERTIES, 0, 1000);
    expect(one.more).to.equal(1);
    expect(one.r.u32()).to.equal(64);
    expect(one.r.u32()).to.equal(0x100);
    const from = t.getCap(CAP.TPM_PROPERTIES, 0x200, 64).r;
    expect(from.u32()).to.equal(0x15);
    expect(from.u32()).to.equal(0x200);
  });

  it('GetCapability: TPM_PT_HR_* track loaded objects, sessions and NV indices', () => {
    const t = new Tpm();
    const prop = (pt: number): number => {
      const r = t.getCap(CAP.TPM_PROPERTIES, pt, 1).r;
      expect(r.u32()).to.equal(1);
      expect(r.u32()).to.equal(pt);
      return r.u32();
    };
    const transientAvail = prop(0x207);
    const loadedAvail = prop(0x204);
    t.primary(RH.OWNER, storageTemplate());
    t.startAuthSession();
    t.nvDefine(RH.OWNER, { index: 0x01000010, attrs: NVA.OWNERWRITE | NVA.OWNERREAD, size: 8 });
    expect(prop(0x207)).to.equal(transientAvail - 1);
    expect(prop(0x204)).to.equal(loadedAvail - 1);
    expect(prop(0x203)).to.equal(1); // TPM_PT_HR_LOADED (sessions)
    expect(prop(0x202)).to.equal(1); // TPM_PT_HR_NV_INDEX
  });

  it('GetCapability: TPM_CAP_PCR_PROPERTIES gives the saved set and the extend/reset sets per locality', () => {
    const t = new Tpm();
    const props = paged(t, CAP.PCR_PROPERTIES, 0, 64, (r) => {
      const tag = r.u32();
      const n = r.u8();
      const sel = r.bytes(n);
      const pcrs: number[] = [];
      for (let p = 0; p < 8 * n; p++) if ((sel[p >> 3] & (1 << (p & 7))) !== 0) pcrs.push(p);
      return { tag, pcrs };
    }, (e) => e.tag + 1).entries;
    const m = new Map(props.map((e) => [e.tag, e.pcrs]));
    const range = (a: number, b: number): number[] => [...Array(b - a + 1).keys()].map((i) => a + i);
    expect(m.get(0x00), 'TPM_PT_PCR_SAVE').to.deep.equal(range(0, 15));
    for (let loc = 0; loc < 4; loc++) {
      expect(m.get(1 + 2 * loc), `TPM_PT_PCR_EXTEND_L${loc}`).to.deep.equal([...range(0, 16), 23]);
      expect(m.get(2 + 2 * loc), `TPM_PT_PCR_RESET_L${loc}`).to.deep.equal([16, 23]);
    }
    expect(m.get(0x09), 'TPM_PT_PCR_EXTEND_L4').to.deep.equal(range(0, 23));
    expect(m.get(0x0a), 'TPM_PT_PCR_RESET_L4').to.deep.equal(range(16, 23));
    const page = t.getCap(CAP.PCR_PROPERTIES, 1, 2);
    expect(page.more).to.equal(1);
    expect(page.r.u32()).to.equal(2);
    expect(page.r.u32()).to.equal(1);
  });

  it('GetCapability: TPM_CAP_ECC_CURVES lists NIST P-256', () => {
    const t = new Tpm();
    const c = t.getCap(CAP.ECC_CURVES, 0, 64);
    expect(c.r.u32()).to.equal(1);
    expect(c.r.u16()).to.equal(ECC_NIST_P256);
    const after = t.getCap(CAP.ECC_CURVES, ECC_NIST_P256 + 1, 64);
    expect(after.r.u32()).to.equal(0);
  });

  it('GetCapability: TPM_CAP_PP_COMMANDS and TPM_CAP_AUDIT_COMMANDS are empty lists', () => {
    const t = new Tpm();
    for (const cap of [CAP.PP_COMMANDS, CAP.AUDIT_COMMANDS]) {
      const c = t.getCap(cap, 0, 64);
      expect(c.more).to.equal(0);
      expect(c.r.u32()).to.equal(0);
      expect(c.r.atEnd()).to.equal(true);
    }
  });

  it('GetCapability: an undefined capability is TPM_RC_VALUE + P + 1', () => {
    const t = new Tpm();
    for (const cap of [0x0a, 0x0b, 0xff, 0x100, 0xffffffff]) {
      expectRefused(t, rcP(RC.VALUE, 1), () => t.cmd(CC.GetCapability, [], new W().u32(cap).u32(0).u32(1).done()));
    }
  });
});

describe('vtpm engine: GetRandom, StirRandom, Hash', () => {
  it('GetRandom: returns min(requested, 32) bytes, fresh each time', () => {
    const t = new Tpm();
    const get = (n: number): Buffer => t.ok(CC.GetRandom, [], u16b(n)).r.b2();
    expect(get(0).length).to.equal(0);
    expect(get(16).length).to.equal(16);
    expect(get(32).length).to.equal(32);
    expect(get(100).length).to.equal(32);
    expect(get(0xffff).length).to.equal(32);
    const seen = new Set<string>();
    for (let i = 0; i < 16; i++) seen.add(get(32).toString('hex'));
    expect(seen.size).to.equal(16);
  });

  it('GetRandom: two instances seeded alike give the same bytes; differently seeded, different bytes', () => {
    const a = new Tpm(1, Buffer.alloc(48, 7));
    const b = new Tpm(1, Buffer.alloc(48, 7));
    const c = new Tpm(1, Buffer.alloc(48, 8));
    const ra = a.ok(CC.GetRandom, [], u16b(32)).r.b2();
    expect(ra.equals(b.ok(CC.GetRandom, [], u16b(32)).r.b2())).to.equal(true);
    expect(ra.equals(c.ok(CC.GetRandom, [], u16b(32)).r.b2())).to.equal(false);
  });

  it('StirRandom: up to 128 bytes are mixed into the DRBG (the output changes)', () => {
    const a = new Tpm(1, Buffer.alloc(48, 7));
    const b = new Tpm(1, Buffer.alloc(48, 7));
    a.ok(CC.StirRandom, [], new W().b2(Buffer.alloc(128, 0x33)).done());
    b.ok(CC.StirRandom, [], new W().b2(Buffer.alloc(0)).done());
    const ra = a.ok(CC.GetRandom, [], u16b(32)).r.b2();
    expect(ra.equals(b.ok(CC.GetRandom, [], u16b(32)).r.b2())).to.equal(false);
  });

  it('StirRandom: more than 128 bytes is TPM_RC_SIZE + P + 1', () => {
    const t = new Tpm();
    expectRefused(t, rcP(RC.SIZE, 1), () => t.cmd(CC.StirRandom, [], new W().b2(Buffer.alloc(129)).done()));
    expectRefused(t, rcP(RC.INSUFFICIENT, 1), () => t.cmd(CC.StirRandom, [], new W().u16(10).bytes(Buffer.alloc(5)).done()));
  });

  const hashCmd = (t: Tpm, data: Buffer, alg: number, hier: number) => t.cmd(CC.Hash, [], new W().b2(data).u16(alg).u32(hier).done());

  it('Hash: digest equals SHA-256 and a hashcheck ticket for the hierarchy is returned', () => {
    const t = new Tpm();
    for (const data of [Buffer.alloc(0), Buffer.from('abc'), crypto.randomBytes(1024)]) {
      const r = hashCmd(t, data, ALG.SHA256, RH.OWNER);
      expect(r.rc).to.equal(0);
      const d = r.r.b2();
      expect(d.toString('hex')).to.equal(sha256(data).toString('hex'));
      expect(r.r.u16()).to.equal(ST.HASHCHECK);
      expect(hex(r.r.u32())).to.equal(hex(RH.OWNER));
      expect(r.r.b2().length).to.equal(32);
      expect(r.r.atEnd()).to.equal(true);
    }
    const ticket = (hier: number): string => { const r = hashCmd(t, Buffer.from('x'), ALG.SHA256, hier).r; r.b2(); r.u16(); r.u32(); return r.b2().toString('hex'); };
    // white box: the ticket is HMAC(proof(hierarchy), TPM_ST_HASHCHECK || digest)
    const ownerProof = Buffer.from(t.inst.proofs.subarray(32, 64));
    expect(ticket(RH.OWNER)).to.equal(hmac(ownerProof, u16b(ST.HASHCHECK), sha256(Buffer.from('x'))).toString('hex'));
    expect(ticket(RH.OWNER)).to.equal(ticket(RH.OWNER));
    expect(ticket(RH.OWNER)).to.not.equal(ticket(RH.ENDORSEMENT));
    expect(ticket(RH.PLATFORM)).to.not.equal(ticket(RH.OWNER));
  });

  it('Hash: TPM_RH_NULL and data starting with TPM_GENERATED_VALUE get the null ticket', () => {
    const t = new Tpm();
    const nullTicket = (data: Buffer, hier: number): void => {
      const r = hashCmd(t, data, ALG.SHA256, hier).r;
      expect(r.b2().equals(sha256(data))).to.equal(true);
      expect(r.u16()).to.equal(ST.HASHCHECK);
      expect(hex(r.u32())).to.equal(hex(RH.NULL));
      expect(r.b2().length).to.equal(0);
      expect(r.atEnd()).to.equal(true);
    };
    nullTicket(Buffer.from('abc'), RH.NULL);
    nullTicket(Buffer.from([0xff, 0x54, 0x43, 0x47, 1, 2, 3]), RH.OWNER);
    nullTicket(Buffer.from([0xff, 0x54, 0x43, 0x47]), RH.ENDORSEMENT);
    // three bytes of the magic are not the magic
    const r = hashCmd(t, Buffer.from([0xff, 0x54, 0x43]), ALG.SHA256, RH.OWNER).r;
    r.b2(); r.u16();
    expect(hex(r.u32())).to.equal(hex(RH.OWNER));
  });

  it('Hash: a hash other than SHA-256 is TPM_RC_HASH + P + 2, a bad hierarchy TPM_RC_VALUE + P + 3', () => {
    const t = new Tpm();
    for (const alg of [ALG.SHA1, ALG.SHA384, ALG.NULL, 0x1234]) {
      expectRefused(t, rcP(RC.HASH, 2), () => hashCmd(t, Buffer.from('a'), alg, RH.OWNER));
    }
    for (const h of [RH.LOCKOUT, RH.PW, 0x40000002, 0x80000000, 0]) {
      expectRefused(t, rcP(RC.VALUE, 3), () => hashCmd(t, Buffer.from('a'), ALG.SHA256, h));
    }
    expectRefused(t, rcP(RC.SIZE, 1), () => hashCmd(t, Buffer.alloc(1025), ALG.SHA256, RH.OWNER));
  });
});

describe('vtpm engine: PCR_Extend, PCR_Read, PCR_Reset', () => {
  it('PCR_Extend: values follow the SHA-256 extend chain and the update counter counts', () => {
    const t = new Tpm();
    const c0 = t.pcrRead([0]).counter;
    let v0 = ZERO32;
    let v23 = ZERO32;
    for (let i = 0; i < 5; i++) {
      const d = digestOf('m' + i);
      t.ok(CC.PCR_Extend, [0], new W().u32(1).u16(ALG.SHA256).bytes(d).done(), { sessions: [pw()] });
      v0 = sha256(v0, d);
      t.pcrExtend(23, d, { locality: 3 });
      v23 = sha256(v23, d);
    }
    const r = t.pcrRead([0, 23]);
    expect(r.values[0].toString('hex')).to.equal(v0.toString('hex'));
    expect(r.values[1].toString('hex')).to.equal(v23.toString('hex'));
    expect(r.counter).to.equal(c0 + 10);
    expect(r.sel).to.deep.equal([0, 23]);
  });

  it('PCR_Extend: an empty digest list succeeds and changes nothing', () => {
    const t = new Tpm();
    const before = t.image();
    t.ok(CC.PCR_Extend, [4], new W().u32(0).done(), { sessions: [pw()] });
    expect(t.image().equals(before)).to.equal(true);
  });

  it('PCR_Extend: TPM_RH_NULL is a no-op that succeeds', () => {
    const t = new Tpm();
    const before = t.image();
    const r = t.pcrExtend(RH.NULL, digestOf('x'));
    expect(r.rc).to.equal(0);
    expect(t.image().equals(before)).to.equal(true);
  });

  it('PCR_Extend: a bank other than SHA-256 is TPM_RC_HASH + P + 1', () => {
    const t = new Tpm();
    expectRefused(t, rcP(RC.HASH, 1), () => t.cmd(CC.PCR_Extend, [0], new W().u32(1).u16(ALG.SHA1).bytes(Buffer.alloc(20)).done(), { sessions: [pw()] }));
    expectRefused(t, rcP(RC.INSUFFICIENT, 1), () => t.cmd(CC.PCR_Extend, [0], new W().u32(1).u16(ALG.SHA256).bytes(Buffer.alloc(31)).done(), { sessions: [pw()] }));
  });

  it('PCR_Extend: a wrong password is TPM_RC_BAD_AUTH for session 1 (0x9a2)', () => {
    const t = new Tpm();
    expectRefused(t, 0x9a2, () => t.pcrExtend(0, digestOf('x'), { sessions: [pw('wrong')] }));
    expect(rcS(RC.BAD_AUTH, 1)).to.equal(0x9a2);
    // trailing zeros of a password do not count
    t.ok(CC.PCR_Extend, [0], new W().u32(1).u16(ALG.SHA256).bytes(digestOf('x')).done(), { sessions: [pw(Buffer.alloc(3))] });
  });

  it('PCR_Extend: a password session with a nonce or with attributes other than continueSession is refused', () => {
    const t = new Tpm();
    const s = { ...pw(), nonce: Buffer.alloc(16) };
    expectRefused(t, rcS(RC.NONCE, 1), () => t.pcrExtend(0, digestOf('x'), { sessions: [s] }));
    expectRefused(t, rcS(RC.ATTRIBUTES, 1), () => t.pcrExtend(0, digestOf('x'), { sessions: [pw('', 0x21)] }));
  });

  it('PCR_Read: more than 8 PCRs selected returns the first 8 and a selection saying which', () => {
    const t = new Tpm();
    for (let i = 0; i < 24; i++) if (i < 17 || i > 22) t.pcrExtend(i, digestOf('p' + i));
    const all = [...Array(24).keys()];
    const r = t.pcrRead(all);
    expect(r.sel).to.deep.equal([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(r.values.length).to.equal(8);
    for (let i = 0; i < 8; i++) expect(r.values[i].equals(sha256(ZERO32, digestOf('p' + i)))).to.equal(true);
    const rest = t.pcrRead(all.filter((p) => !r.sel.includes(p)));
    expect(rest.sel).to.deep.equal([8, 9, 10, 11, 12, 13, 14, 15]);
    const last = t.pcrRead([16, 17, 18, 19, 20, 21, 22, 23]);
    expect(last.values[0].equals(sha256(ZERO32, digestOf('p16')))).to.equal(true);
    expect(last.values[1].equals(ZERO32)).to.equal(true);
  });

  it('PCR_Read: an empty selection returns nothing', () => {
    const t = new Tpm();
    const r = t.ok(CC.PCR_Read, [], pcrSelection(null)).r;
    r.u32();
    expect(r.u32()).to.equal(0);
    expect(r.u32()).to.equal(0);
    const r2 = t.pcrRead([]);
    expect(r2.values.length).to.equal(0);
  });

  it('PCR_Read: a bank other than SHA-256 is TPM_RC_HASH + P + 1, a select size other than 3 TPM_RC_VALUE + P + 1', () => {
    const t = new Tpm();
    expectRefused(t, rcP(RC.HASH, 1), () => t.cmd(CC.PCR_Read, [], pcrSelection([0], ALG.SHA1)));
    expectRefused(t, rcP(RC.VALUE, 1), () => t.cmd(CC.PCR_Read, [], pcrSelection([0], ALG.SHA256, 2)));
    expectRefused(t, rcP(RC.VALUE, 1), () => t.cmd(CC.PCR_Read, [], pcrSelection([0], ALG.SHA256, 4)));
  });

  it('PCR_Reset: PCRs 16 and 23 reset to zero at localities 0–3; the counter counts', () => {
    const t = new Tpm();
    for (const p of [16, 23]) {
      t.pcrExtend(p, digestOf('x'));
      const c0 = t.pcrRead([p]).counter;
      t.ok(CC.PCR_Reset, [p], Buffer.alloc(0), { sessions: [pw()], locality: 2 });
      const r = t.pcrRead([p]);
      expect(r.values[0].equals(ZERO32)).to.equal(true);
      expect(r.counter).to.equal(c0 + 1);
    }
  });

  it('PCR_Reset: PCR 0–15 cannot be reset (TPM_RC_LOCALITY)', () => {
    const t = new Tpm();
    t.pcrExtend(0, digestOf('x'));
    for (const p of [0, 7, 15]) {
      for (let loc = 0; loc < 4; loc++) {
        expectRefused(t, RC.LOCALITY, () => t.cmd(CC.PCR_Reset, [p], Buffer.alloc(0), { sessions: [pw()], locality: loc }));
      }
    }
  });

  it('PCR_Reset: TPM_RH_NULL is not a PCR (TPM_RC_VALUE + H1), neither is PCR 24', () => {
    const t = new Tpm();
    expectRefused(t, rcH(RC.VALUE, 1), () => t.cmd(CC.PCR_Reset, [RH.NULL], Buffer.alloc(0), { sessions: [pw()] }));
    expectRefused(t, rcH(RC.VALUE, 1), () => t.cmd(CC.PCR_Reset, [24], Buffer.alloc(0), { sessions: [pw()] }));
  });
});
