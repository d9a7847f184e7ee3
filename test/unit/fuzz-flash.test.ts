/**
 * Fuzzing the flash image reader as it is on this branch (scripts/flash/image.ts verifyImage and
 * the header decoding of scripts/flash/format.ts), in its own file so that a rewrite of
 * scripts/flash merges without touching the other fuzzers.
 *
 * Inputs: images packed by packImage (both machines, bios and skiboot-elf, payloads of 1 byte
 * to 8 KiB), foreign files (ELF, gzip, FDT, text, empty, erased flash), each mutated or not:
 * bytes (flips, truncation, insertion, deletion), and header fields set to edge values then
 * resealed (header SHA-256 recomputed) so that the checks after the header digest are reached;
 * callers' expectations (machine, kind) at random.
 *
 * Every input: verifyImage never throws; the status is a VerifyStatus with an exit code; a
 * refusal's message starts with the file name and says what is wrong (no "undefined", "NaN");
 * an accepted image is exactly header + payload, with the payload's SHA-256, a known machine and
 * kind, the caller's expectations met and a printable version.
 *
 * FUZZ_N, FUZZ_SEED, FUZZ_ONLY as in test/unit/fuzz-helpers.ts.
 */
import { expect } from 'chai';
import { HEADER_SIZE, ImageKind, Machine, OFF, sealHeader, sha256 } from '../../scripts/flash/format';
import { exitCodeFor, packImage, VerifyStatus, verifyImage } from '../../scripts/flash/image';
import { Outcomes, Rng, edge32, edge64, forEachInput, fuzzRun, mutateBytes, report } from './fuzz-helpers';

const STATUSES = Object.values(VerifyStatus) as string[];

/** A 64-bit big-endian PowerPC64 executable with its entry `entry` bytes into one PT_LOAD at 0x100. */
function ppc64Elf(rng: Rng): Buffer {
  const b = Buffer.alloc(0x400);
  Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 2, 1]).copy(b);
  b.writeUInt16BE(2, 16); b.writeUInt16BE(21, 18); b.writeUInt32BE(1, 20);
  b.writeBigUInt64BE(0x30000000n + BigInt(rng.below(0x300)), 24);
  b.writeBigUInt64BE(64n, 32); b.writeUInt16BE(64, 52); b.writeUInt16BE(56, 54); b.writeUInt16BE(1, 56);
  b.writeUInt32BE(1, 64); b.writeBigUInt64BE(0x100n, 72); b.writeBigUInt64BE(0x30000000n, 80);
  b.writeBigUInt64BE(0x300n, 96); b.writeBigUInt64BE(0x300n, 104);
  return b;
}

function randomPayload(rng: Rng): Buffer {
  const b = Buffer.alloc(0x104 + 4 * rng.below(rng.oneIn(4) ? 2048 : 150) + rng.below(4));   // past the default entry, 0x100
  for (let i = 0; i < b.length; i++) b[i] = rng.next() & 0xff;
  if (b[0] === 0x7f) b[0] = 0;
  return b;
}

/** A packed image, or now and then a file of another kind. */
function generate(rng: Rng): Buffer {
  if (rng.oneIn(15)) {
    return rng.pick([Buffer.alloc(0), Buffer.from([0x1f, 0x8b, 8, 0]), Buffer.from('d00dfeed00000100', 'hex'), ppc64Elf(rng),
      Buffer.alloc(5000, 0xff), Buffer.from('hello\nworld\n'), Buffer.from('TSHYPE'), Buffer.from('TSHYPEFW')]);
  }
  const machine = rng.oneIn(2) ? Machine.Pseries : Machine.Powernv;
  const skiboot = machine === Machine.Powernv && rng.oneIn(3);
  return packImage({
    machine, kind: skiboot ? ImageKind.SkibootElf : ImageKind.Bios, payload: skiboot ? ppc64Elf(rng) : randomPayload(rng),
    version: rng.pick(['tshype 1.0', 'x', 'v'.repeat(63)]), buildTime: BigInt(rng.next()),
  });
}

/** A header field at an edge value, the header then resealed (or, 1 time in 5, not). */
function mutateField(img: Buffer, rng: Rng): Buffer {
  const c = Buffer.from(img);
  if (c.length < HEADER_SIZE) return c;
  const f = rng.pick([[OFF.major, 2], [OFF.minor, 2], [OFF.headerSize, 4], [OFF.flags, 4], [OFF.machine, 2], [OFF.kind, 2],
    [OFF.payloadSize, 8], [OFF.loadAddress, 8], [OFF.entryOffset, 8], [OFF.buildTime, 8], [OFF.reserved0, 8],
    [OFF.version + rng.below(64), 1], [OFF.reservedTail + rng.below(64), 1], [OFF.payloadSha256 + rng.below(32), 1]] as const);
  if (f[1] === 1) c[f[0]] = rng.pick([0, 0x20, 0x41, 0x7f, 0xff]);
  else if (f[1] === 2) c.writeUInt16BE(rng.pick([0, 1, 2, 3, 0xffff, c.readUInt16BE(f[0]) + 1]) & 0xffff, f[0]);
  else if (f[1] === 4) c.writeUInt32BE(f[0] === OFF.headerSize ? rng.pick([0, 0x30, 0xfff, 0x1000, 0x2000, 0x10000, 0x11000, 0xffffffff]) : edge32(rng, c.length, c.readUInt32BE(f[0])), f[0]);
  else c.writeBigUInt64BE(edge64(rng, c.length - HEADER_SIZE, c.readBigUInt64BE(f[0])), f[0]);
  if (!rng.oneIn(5)) sealHeader(c);
  return c;
}

describe('fuzz: flash image reader (scripts/flash verifyImage)', function () {
  this.timeout(600_000);

  it('verifyImage: FUZZ_N packed, foreign and mutated images never throw; a status, an exit code and a clear message each', () => {
    const run = fuzzRun('flash', 0xf1a5, 50_000);
    const outcomes = new Outcomes();
    const t0 = Date.now();
    forEachInput(run, (rng) => {
      let b = generate(rng);
      const edits = rng.oneIn(4) ? 0 : 1 + rng.below(3);
      for (let e = 0; e < edits; e++) b = rng.oneIn(3) ? Buffer.from(mutateBytes(b, rng)) : mutateField(b, rng);
      const expectations = {
        name: 'fuzz.flash',
        machine: rng.oneIn(3) ? rng.pick([Machine.Pseries, Machine.Powernv]) : undefined,
        kind: rng.oneIn(4) ? rng.pick([ImageKind.Bios, ImageKind.SkibootElf]) : undefined,
      };
      const before = sha256(b);
      const r = verifyImage(b, expectations);
      expect(sha256(b).equals(before), 'the input is not modified').to.equal(true);
      expect(STATUSES).to.include(r.status);
      expect(exitCodeFor(r.status)).to.be.a('number');
      for (const n of r.notes) expect(n).to.match(/^fuzz\.flash: note: /);
      if (r.status !== VerifyStatus.Ok) {
        expect(r.message).to.match(/^fuzz\.flash: \S/);
        if (/undefined|NaN|\[object/.test(r.message)) throw new Error(`unclear message: ${r.message}`);
        outcomes.add(`${r.status}: ${r.message.replace(/^fuzz\.flash: /, '').replace(/"[^"]*"|\([^)]*\)|0x[0-9a-f]+|[0-9a-f]{16}…|\d+/g, '_')}`, false);
        return;
      }
      const h = r.header!;
      expect(h.headerSize + Number(h.payloadSize)).to.equal(b.length);
      expect(sha256(b.subarray(h.headerSize)).equals(h.payloadSha256)).to.equal(true);
      expect([Machine.Pseries, Machine.Powernv]).to.include(h.machine);
      expect([ImageKind.Bios, ImageKind.SkibootElf]).to.include(h.kind);
      if (expectations.machine !== undefined) expect(h.machine).to.equal(expectations.machine);
      if (expectations.kind !== undefined) expect(h.kind).to.equal(expectations.kind);
      expect(r.version).to.match(/^[\x20-\x7e]{1,63}$/);
      outcomes.add('Ok', true);
    });
    report(run, outcomes, Date.now() - t0);
    if (run.only < 0 && run.n >= 1000) {
      expect(outcomes.accepted, 'accepted images').to.be.above(run.n / 20);
      expect(outcomes.refusals(), 'distinct refusals').to.be.at.least(20);
    }
  });
});
