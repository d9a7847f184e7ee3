/**
 * vtpm/manager.ts: one instance per client (separate NV), the platform's measured launch
 * (applyLaunch: power cycle, PCRs 17..22 from the launch entries, Startup(CLEAR)), what must be
 * stored after a command (saveNeeded), and slot images (saveSlot/restoreSlot: a client's own
 * image only, a damaged one refused, the instance unchanged on refusal); the platform's
 * measureLaunchInto and state images of version 2. Commands are marshalled by the independent
 * client of test/unit/vtpm-client.ts; expected PCRs are computed with Node's crypto.
 */
import { expect } from 'chai';
import * as crypto from 'crypto';
import {
  LAUNCH_ENTRY, MAX_INSTANCES, SLOT_HEADER, SlotStatus, applyLaunch, changesNonVolatile, clientFailed, instances,
  launchCurrent, openInstance, relaunches, restoreSlot, runCommand, saveSlot,
} from '../../vtpm/manager';
import * as manager from '../../vtpm/manager';
import { TpmInstance } from '../../vtpm/tpm/instance';
import { measureLaunchInto, powerOn } from '../../vtpm/tpm/platform';
import { STATE_MAX, STATE_VERSION, restoreState, saveState } from '../../vtpm/tpm/state';
import {
  ALG, CC, NVA, RC, RH, SU_CLEAR, W, buildCommand, hex, parseResponse, pcrSelection, pw, rcH, rcS, sha256, storageTemplate,
  sensitiveCreate, nvPublicBytes, u16b, u32b, type AuthCommand,
} from './vtpm-client';

const ZERO32 = Buffer.alloc(32);
const extend = (pcr: Buffer, d: Buffer): Buffer => sha256(pcr, d);
const digest = (s: string): Buffer => sha256(Buffer.from(s));
const entropy = (seed: number): Uint8Array => new Uint8Array(48).fill(seed);

/** A launch record as H_TSHYPE_VTPM_LAUNCH writes it: per entry PCR (be32), 0 (be32), SHA-256. */
function record(entries: [number, Buffer][]): Uint8Array {
  const out = Buffer.alloc(entries.length * LAUNCH_ENTRY, 0xee);
  entries.forEach(([pcr, d], i) => {
    out.writeUInt32BE(pcr, i * LAUNCH_ENTRY);
    out.writeUInt32BE(0, i * LAUNCH_ENTRY + 4);
    d.copy(out, i * LAUNCH_ENTRY + 8);
  });
  return new Uint8Array(out);
}

const RSP = new Uint8Array(4096);

/** Run a command on instance k through runCommand; the parsed response and saveNeeded after it. */
function run(k: number, cc: number, handles: number[], params: Buffer, sessions: AuthCommand[] | null = null, hasHandle = false) {
  const cmd = buildCommand(cc, handles, params, sessions);
  const n = runCommand(k, cmd, cmd.length, RSP);
  // saveNeeded is a live binding: read it through the module
  return { ...parseResponse(Buffer.from(RSP.subarray(0, n)), hasHandle), save: manager.saveNeeded };
}

function pcrs(k: number, list: number[]): Buffer[] {
  const r = run(k, CC.PCR_Read, [], pcrSelection(list));
  expect(hex(r.rc)).to.equal(hex(0));
  r.r.u32();
  const count = r.r.u32();
  for (let i = 0; i < count; i++) { r.r.u16(); r.r.bytes(r.r.u8()); }
  const n = r.r.u32();
  const out: Buffer[] = [];
  for (let i = 0; i < n; i++) out.push(r.r.b2());
  return out;
}

const IDX = 0x01500020;
const NV_RW = NVA.AUTHWRITE | NVA.AUTHREAD;
const defineNv = (k: number, index = IDX, attrs = NV_RW) =>
  run(k, CC.NV_DefineSpace, [RH.OWNER], new W().b2(Buffer.from('s')).b2(nvPublicBytes({ index, attrs, size: 8 })).done(), [pw()]);
const writeNv = (k: number, data: Buffer, auth = 's', index = IDX) =>
  run(k, CC.NV_Write, [index, index], new W().b2(data).u16(0).done(), [pw(auth)]);
const readNv = (k: number, index = IDX) => run(k, CC.NV_Read, [index, index], new W().u16(8).u16(0).done(), [pw('s')]);
const nvReadPublic = (k: number, index = IDX) => run(k, CC.NV_ReadPublic, [index], Buffer.alloc(0));

/** The instance's state image (everything it holds). */
function image(k: number): Buffer {
  const out = new Uint8Array(STATE_MAX);
  const n = saveState(instances[k], out);
  expect(n).to.be.greaterThan(0);
  return Buffer.from(out.subarray(0, n));
}

/** Generation numbers no other test uses (the manager keeps each instance's last one). */
let nextGeneration = 1000;
const gen = (): number => nextGeneration++;

/** Open instance k and launch it with one image digest. */
function started(k: number, seed = k + 1): number {
  expect(openInstance(k, entropy(seed), 48)).to.equal(true);
  const g = gen();
  expect(applyLaunch(k, g, 1, record([[17, digest(`image ${k}`)]]))).to.equal(1);
  expect(manager.startupRc).to.equal(0);
  return g;
}

describe('vtpm/manager: instances, measured launch, saves and slot images', () => {
  it('openInstance: refuses less than 32 bytes of entropy for a new instance (instance untouched)', () => {
    const k = MAX_INSTANCES - 1;
    expect(instances[k].seeded).to.equal(false);
    expect(openInstance(k, entropy(9), 31)).to.equal(false);
    expect(instances[k].seeded).to.equal(false);
    expect(openInstance(k, entropy(9), 32)).to.equal(true);
    expect([instances[k].seeded, instances[k].powered, launchCurrent(k, 0)]).to.deep.equal([true, false, true]);
  });

  it('instances: two clients\' instances are separate: an NV index defined on one is absent on the other', () => {
    started(0);
    started(1);
    expect(hex(defineNv(0).rc)).to.equal(hex(0));
    expect(hex(writeNv(0, Buffer.from('alpha123')).rc)).to.equal(hex(0));
    expect(hex(nvReadPublic(0).rc)).to.equal(hex(0));
    expect(hex(nvReadPublic(1).rc), 'instance 1 has no such index').to.equal(hex(rcH(RC.HANDLE, 1)));
    expect(hex(readNv(1).rc)).to.equal(hex(rcH(RC.HANDLE, 1)));
    const r = readNv(0);
    expect(r.r.b2().toString()).to.equal('alpha123');
    // and the other way round: the same index defined on instance 1 holds its own data
    expect(hex(defineNv(1).rc)).to.equal(hex(0));
    expect(hex(writeNv(1, Buffer.from('bravo456')).rc)).to.equal(hex(0));
    expect(readNv(0).r.b2().toString()).to.equal('alpha123');
    expect(readNv(1).r.b2().toString()).to.equal('bravo456');
  });

  it('applyLaunch: PCRs 17..20 are SHA-256 chains of the entries\' digests after the platform\'s Startup(CLEAR); 21..23 stay zero', () => {
    const k = 2;
    expect(openInstance(k, entropy(3), 48)).to.equal(true);
    const d = ['image', 'initrd', 'tree', 'label'].map(digest);
    const g = gen();
    expect(launchCurrent(k, g)).to.equal(false);
    expect(applyLaunch(k, g, 4, record([[17, d[0]], [18, d[1]], [19, d[2]], [20, d[3]]]))).to.equal(4);
    expect(manager.startupRc).to.equal(0);
    expect(launchCurrent(k, g)).to.equal(true);
    expect(instances[k].started).to.equal(true);
    expect(pcrs(k, [17, 18, 19, 20, 21, 22, 23]).map(b => b.toString('hex'))).to.deep.equal(
      [...d.map(x => extend(ZERO32, x)), ZERO32, ZERO32, ZERO32].map(b => b.toString('hex')));
    // the client's own Startup finds the TPM started
    expect(hex(run(k, CC.Startup, [], u16b(SU_CLEAR)).rc)).to.equal(hex(RC.INITIALIZE));
    // the launch PCRs cannot be extended from the client's locality
    const ext = run(k, CC.PCR_Extend, [17], new W().u32(1).u16(ALG.SHA256).bytes(ZERO32).done(), [pw()]);
    expect(hex(ext.rc)).to.equal(hex(RC.LOCALITY));
  });

  it('applyLaunch: two entries into one PCR chain in order; a PCR outside 17..22 is skipped; at most 4 entries are read', () => {
    const k = 3;
    expect(openInstance(k, entropy(4), 48)).to.equal(true);
    const [a, b, c, e] = ['a', 'b', 'c', 'e'].map(digest);
    expect(applyLaunch(k, gen(), 4, record([[17, a], [16, b], [17, c], [22, e]]))).to.equal(3);
    expect(pcrs(k, [16, 17, 22]).map(x => x.toString('hex'))).to.deep.equal(
      [ZERO32, extend(extend(ZERO32, a), c), extend(ZERO32, e)].map(x => x.toString('hex')));
    expect(applyLaunch(k, gen(), 6, record([[18, a], [18, b], [18, c], [18, e], [19, a], [19, b]]))).to.equal(4);
    expect(pcrs(k, [18, 19]).map(x => x.toString('hex'))).to.deep.equal(
      [extend(extend(extend(extend(ZERO32, a), b), c), e), ZERO32].map(x => x.toString('hex')));
  });

  it('applyLaunch: a new generation power-cycles and re-measures; the same generation does nothing', () => {
    const k = 4;
    expect(openInstance(k, entropy(5), 48)).to.equal(true);
    const g1 = gen();
    expect(applyLaunch(k, g1, 1, record([[17, digest('v1')]]))).to.equal(1);
    const cycles = relaunches[k];
    // the client extends PCR 23 and loads an object: both die with power
    expect(hex(run(k, CC.PCR_Extend, [23], new W().u32(1).u16(ALG.SHA256).bytes(digest('x')).done(), [pw()]).rc)).to.equal(hex(0));
    const primary = run(k, CC.CreatePrimary, [RH.OWNER],
      new W().bytes(sensitiveCreate()).b2(storageTemplate()).b2(Buffer.alloc(0)).bytes(pcrSelection(null)).done(), [pw()], true);
    expect(hex(primary.rc)).to.equal(hex(0));
    const resets = instances[k].resetCount;
    // the same generation again, even with other entries: nothing happens
    const before = image(k);
    expect(applyLaunch(k, g1, 1, record([[17, digest('other')]]))).to.equal(1);
    expect(image(k).equals(before), 'instance unchanged').to.equal(true);
    expect(relaunches[k]).to.equal(cycles);
    // a new generation: power cycle, new measurement, new Startup
    const g2 = gen();
    expect(applyLaunch(k, g2, 2, record([[17, digest('v2')], [20, digest('label')]]))).to.equal(2);
    expect(manager.startupRc).to.equal(0);
    expect(relaunches[k]).to.equal(cycles + 1);
    expect(instances[k].resetCount).to.equal(resets + 1);
    expect(launchCurrent(k, g1)).to.equal(false);
    expect(launchCurrent(k, g2)).to.equal(true);
    expect(pcrs(k, [17, 20, 23]).map(x => x.toString('hex'))).to.deep.equal(
      [extend(ZERO32, digest('v2')), extend(ZERO32, digest('label')), ZERO32].map(x => x.toString('hex')));
    const rp = run(k, CC.ReadPublic, [primary.handle], Buffer.alloc(0));
    expect(hex(rp.rc), 'the transient object is gone').to.equal(hex(RC.REFERENCE_H0));
  });

  it('clientFailed: the instance loses power (TPM_RC_FAILURE) until the next launch is applied, whatever its generation', () => {
    const k = 5;
    const g = started(k);
    clientFailed(k);
    expect(instances[k].powered).to.equal(false);
    expect(launchCurrent(k, g)).to.equal(false);
    expect(hex(run(k, CC.GetRandom, [], u16b(8)).rc)).to.equal(hex(RC.FAILURE));
    expect(applyLaunch(k, g, 1, record([[17, digest('again')]]))).to.equal(1);
    expect(pcrs(k, [17])[0].toString('hex')).to.equal(extend(ZERO32, digest('again')).toString('hex'));
  });

  describe('saveNeeded', () => {
    const k = 6;
    before(() => { started(k); });

    it('runCommand: NV_DefineSpace, NV_Write, ContextSave and a counted authorisation failure need a save', () => {
      const d = defineNv(k, IDX + 6);
      expect([hex(d.rc), d.save]).to.deep.equal([hex(0), true]);
      const w = writeNv(k, Buffer.from('12345678'), 's', IDX + 6);
      expect([hex(w.rc), w.save]).to.deep.equal([hex(0), true]);
      const after = run(k, CC.GetRandom, [], u16b(8));
      expect([hex(after.rc), after.save], 'cleared by the next command').to.deep.equal([hex(0), false]);
      const primary = run(k, CC.CreatePrimary, [RH.OWNER],
        new W().bytes(sensitiveCreate()).b2(storageTemplate()).b2(Buffer.alloc(0)).bytes(pcrSelection(null)).done(), [pw()], true);
      expect(hex(primary.rc)).to.equal(hex(0));
      const cs = run(k, CC.ContextSave, [primary.handle], Buffer.alloc(0));
      expect([hex(cs.rc), cs.save]).to.deep.equal([hex(0), true]);
      expect(hex(run(k, CC.FlushContext, [], u32b(primary.handle)).rc)).to.equal(hex(0));
      const bad = writeNv(k, Buffer.from('xxxxxxxx'), 'wrong', IDX + 6);
      expect([hex(bad.rc), bad.save]).to.deep.equal([hex(rcS(RC.AUTH_FAIL, 1)), true]);
      expect(instances[k].failedTries).to.equal(1);
    });

    it('runCommand: PCR_Read, GetRandom and a non-counted failure (TPM_RC_BAD_AUTH) need none', () => {
      writeNv(k, Buffer.from('12345678'), 's', IDX + 6);
      expect(manager.saveNeeded).to.equal(true);
      const r = run(k, CC.PCR_Read, [], pcrSelection([17]));
      expect([hex(r.rc), r.save]).to.deep.equal([hex(0), false]);
      writeNv(k, Buffer.from('12345678'), 's', IDX + 6);
      const g = run(k, CC.GetRandom, [], u16b(16));
      expect([hex(g.rc), g.save]).to.deep.equal([hex(0), false]);
      const ext = run(k, CC.PCR_Extend, [16], new W().u32(1).u16(ALG.SHA256).bytes(ZERO32).done(), [pw('wrong')]);
      expect([hex(ext.rc), ext.save]).to.deep.equal([hex(rcS(RC.BAD_AUTH, 1)), false]);
    });

    it('changesNonVolatile: commands or responses shorter than a header never need a save', () => {
      const cmd = buildCommand(CC.NV_Write, [IDX, IDX], Buffer.alloc(4));
      const rsp = Buffer.from('80010000000a0000098e', 'hex');
      expect(changesNonVolatile(cmd, cmd.length, rsp, 10)).to.equal(true);
      expect(changesNonVolatile(cmd, 9, rsp, 10)).to.equal(false);
      expect(changesNonVolatile(cmd, cmd.length, rsp, 9)).to.equal(false);
      const read = buildCommand(CC.PCR_Read, [], Buffer.alloc(4));
      expect(changesNonVolatile(read, read.length, rsp, 10), 'AUTH_FAIL whatever the command').to.equal(true);
      expect(changesNonVolatile(read, read.length, Buffer.from('80010000000a000009a2', 'hex'), 10)).to.equal(false);
    });
  });

  describe('slot images', () => {
    const k = 0;
    const ID = 0x1234abcd;
    const header = new Uint8Array(SLOT_HEADER);
    const img = new Uint8Array(STATE_MAX);
    let len = 0;

    before(() => {
      started(k, 11);
      defineNv(k, IDX + 1);
      expect(hex(writeNv(k, Buffer.from('saved-01'), 's', IDX + 1).rc)).to.equal(hex(0));
      len = saveSlot(k, ID, header, img);
    });

    it('saveSlot: header "VTCL" + the client identity (big-endian), then the engine\'s state image', () => {
      expect(Buffer.from(header).toString('hex')).to.equal('5654434c1234abcd');
      expect(len).to.be.greaterThan(100);
      expect(Buffer.from(img.subarray(0, len)).equals(image(k))).to.equal(true);
      expect(Buffer.from(img.subarray(4, 6)).readUInt16BE(0)).to.equal(STATE_VERSION);
      expect(saveSlot(k, ID, new Uint8Array(SLOT_HEADER), new Uint8Array(64)), 'image buffer too small').to.equal(0);
    });

    it('restoreSlot: the client\'s own image restores (unpowered); launched again it holds what was saved', () => {
      expect(hex(writeNv(k, Buffer.from('changed!'), 's', IDX + 1).rc)).to.equal(hex(0));
      expect(restoreSlot(k, ID, header, img, len)).to.equal(SlotStatus.Restored);
      expect(instances[k].powered).to.equal(false);
      expect(hex(run(k, CC.GetRandom, [], u16b(8)).rc)).to.equal(hex(RC.FAILURE));
      expect(applyLaunch(k, gen(), 1, record([[17, digest('after restore')]]))).to.equal(1);
      expect(manager.startupRc).to.equal(0);
      expect(readNv(k, IDX + 1).r.b2().toString()).to.equal('saved-01');
    });

    for (const [what, status, breakIt] of [
      ['another client\'s image is OtherClient', SlotStatus.OtherClient, (h: Uint8Array) => { h[7] ^= 1; }],
      ['a damaged image is BadImage', SlotStatus.BadImage, (_h: Uint8Array, i: Uint8Array) => { i[40] ^= 0x10; }],
      ['a truncated image is BadImage', SlotStatus.BadImage, () => undefined],
      ['a header without the magic is BadHeader', SlotStatus.BadHeader, (h: Uint8Array) => { h[0] = 0x58; }],
      ['an empty slot is Empty', SlotStatus.Empty, () => undefined],
    ] as [string, SlotStatus, (h: Uint8Array, i: Uint8Array) => void][]) {
      it(`restoreSlot: ${what}; the instance is unchanged (powered, state image equal)`, () => {
        const h = header.slice();
        const i = img.slice();
        breakIt(h, i);
        const n = what.includes('truncated') ? len - 1 : what.includes('empty') ? 0 : len;
        expect(hex(writeNv(k, Buffer.from(`now-${status}-xx`.slice(0, 8)), 's', IDX + 1).rc)).to.equal(hex(0));
        const before = image(k);
        expect(instances[k].powered).to.equal(true);
        expect(restoreSlot(k, ID, h, i, n)).to.equal(status);
        expect(image(k).equals(before), 'instance unchanged').to.equal(true);
        expect(instances[k].powered).to.equal(true);
        expect(readNv(k, IDX + 1).r.b2().toString()).to.equal(`now-${status}-xx`.slice(0, 8));
      });
    }
  });

  describe('launch log in state images', () => {
    /** A started instance measured into PCRs 17, 18, 19; its image and the launch log's offset in it. */
    function measured(): { img: Buffer; at: number; d: Buffer[] } {
      expect(openInstance(7, entropy(7), 48)).to.equal(true);
      const d = ['i', 'r', 't'].map(x => digest(`v2 ${x}`));
      const g = gen();
      expect(applyLaunch(7, g, 3, record([[17, d[0]], [18, d[1]], [19, d[2]]]))).to.equal(3);
      const img = image(7);
      const at = img.indexOf(Buffer.concat(d));
      expect(at).to.be.greaterThan(0);
      expect(img[at - 1], 'launch count').to.equal(3);
      expect([...img.subarray(at + 96, at + 99)], 'version 3: each entry\'s PCR').to.deep.equal([17, 18, 19]);
      return { img, at, d };
    }

    it('measureLaunchInto: PCRs 17..22 only (TPM_RC_VALUE otherwise), TPM_RC_NV_SPACE when the log is full, nothing changed', () => {
      const tpm = new TpmInstance(10);
      const d = new Uint8Array(40).fill(0x42);
      for (const pcr of [0, 16, 23, 24, -1]) expect(hex(measureLaunchInto(tpm, pcr, d, 8))).to.equal(hex(RC.VALUE));
      expect(tpm.launchCount).to.equal(0);
      for (let i = 0; i < 8; i++) expect(measureLaunchInto(tpm, 17 + (i % 6), d, 8)).to.equal(0);
      const log = tpm.launchLog.slice(), pcrsOf = tpm.launchPcrs.slice();
      expect([...pcrsOf]).to.deep.equal([17, 18, 19, 20, 21, 22, 17, 18]);
      expect(hex(measureLaunchInto(tpm, 17, d, 0))).to.equal(hex(RC.NV_SPACE));
      expect(tpm.launchCount).to.equal(8);
      expect(Buffer.from(tpm.launchLog).equals(Buffer.from(log))).to.equal(true);
      expect(Buffer.from(tpm.launchPcrs).equals(Buffer.from(pcrsOf))).to.equal(true);
    });

    it('restoreState: a version-3 image keeps each launch entry\'s PCR', () => {
      const { img, d } = measured();
      const t = new TpmInstance(11);
      expect(restoreState(t, img, img.length)).to.equal(0);
      expect([t.launchCount, ...t.launchPcrs.subarray(0, 3)]).to.deep.equal([3, 17, 18, 19]);
      expect(Buffer.from(t.launchLog.subarray(0, 96)).equals(Buffer.concat(d))).to.equal(true);
    });

    it('restoreState: a version-2 image (no PCR per entry) restores with every entry in PCR 17', () => {
      const { img, at, d } = measured();
      // the same image as version 2 wrote it: version 2, no PCR bytes after the digests, its own SHA-256
      const body = Buffer.concat([img.subarray(0, at + 96), img.subarray(at + 99, img.length - 32)]);
      body.writeUInt16BE(2, 4);
      const v2 = Buffer.concat([body, crypto.createHash('sha256').update(body).digest()]);
      const k = 7;
      clientFailed(k);
      expect(restoreSlot(k, 5, Buffer.from('5654434c00000005', 'hex'), v2, v2.length)).to.equal(SlotStatus.Restored);
      const t = instances[k];
      expect([t.launchCount, ...t.launchPcrs.subarray(0, 3)]).to.deep.equal([3, 17, 17, 17]);
      // started by its platform, all three digests extend PCR 17
      powerOn(t);
      const su = run(k, CC.Startup, [], u16b(SU_CLEAR));
      expect(hex(su.rc)).to.equal(hex(0));
      expect(pcrs(k, [17, 18, 19]).map(x => x.toString('hex'))).to.deep.equal(
        [extend(extend(extend(ZERO32, d[0]), d[1]), d[2]), ZERO32, ZERO32].map(x => x.toString('hex')));
      // and a version 1 image is refused
      body.writeUInt16BE(1, 4);
      const v1 = Buffer.concat([body, crypto.createHash('sha256').update(body).digest()]);
      expect(hex(restoreState(new TpmInstance(12), v1, v1.length))).to.equal(hex(RC.TAG));
    });
  });
});
