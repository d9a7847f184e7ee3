/**
 * Fuzzing the vTPM's mssim framing (scripts/tshype-cli/src/vtpm-mssim.ts), the parser of what
 * TPM clients send `tshype vtpm serve` on its command and platform ports. Each input is a byte
 * stream for one connection: generated frames (TPM_SEND_COMMAND with localities and sizes at
 * the edges — 0, the TPM's maximum, one past it, a size that lies — handshakes, alternative
 * results, session end, stop, hash signals, unknown words; platform signals known and unknown),
 * then mutated or not (bytes flipped, inserted, deleted, truncated), delivered in random chunks
 * to the real serving loop through an in-memory socket, then the peer closes.
 *
 * Every input: nothing throws out of the serving loop and no "internal error" is logged; the
 * TPM sees exactly the commands an independent reading of the stream finds (same locality and
 * bytes, whatever the chunking), the client gets exactly the answers that reading predicts, and
 * the connection ends as predicted: a closing frame, or one log line naming the framing error or
 * what an incomplete frame was waiting for. One input in 100 runs against the real TPM engine
 * (openEngine), whose answers must be well-formed responses (and the engine must not throw).
 *
 * FUZZ_N, FUZZ_SEED, FUZZ_ONLY as in test/unit/fuzz-helpers.ts.
 */
import { expect } from 'chai';
import { EventEmitter } from 'events';
import * as net from 'net';
import { TpmBackend } from '../../scripts/tshype-cli/src/vtpm-backend';
import { openEngine } from '../../scripts/tshype-cli/src/vtpm-engine';
import { MssimService, u32 } from '../../scripts/tshype-cli/src/vtpm-mssim';
import { Outcomes, Rng, forEachInput, fuzzRun, mutateBytes, report } from './fuzz-helpers';

const MAX = 4096;
const NO_EFFECT = new Set([3, 4, 9, 10, 11, 12, 13, 14, 18]);

/** The subset of net.Socket the server uses, in memory. */
class FakeSocket extends EventEmitter {
  out: Buffer[] = [];
  destroyed = false;
  writableLength = 0;
  setNoDelay(): this { return this; }
  setTimeout(): this { return this; }
  write(b: Buffer): boolean { this.out.push(Buffer.from(b)); return true; }
  destroy(): this { this.destroyed = true; return this; }
  pause(): this { return this; }
  resume(): this { return this; }
}

/** A fake TPM: records each call, answers a 10-byte response carrying the locality and length. */
class FakeTpm implements TpmBackend {
  calls: string[] = [];
  execute(locality: number, cmd: Uint8Array): Uint8Array {
    this.calls.push(`execute ${locality} ${Buffer.from(cmd).toString('hex')}`);
    return fakeResponse(locality, cmd.length);
  }
  powerOn(): void { this.calls.push('powerOn'); }
  powerOff(): void { this.calls.push('powerOff'); }
}
const fakeResponse = (locality: number, len: number): Uint8Array => Uint8Array.from([0x80, 0x01, 0, 0, 0, 10, 0, 0, locality & 0xff, len & 0xff]);

/** What an independent reading of `s` predicts: TPM calls, answer bytes, and how the connection ends. */
function predict(s: Buffer, platform: boolean): { calls: string[]; out: Buffer[]; end: string } {
  const calls: string[] = [];
  const out: Buffer[] = [];
  let p = 0;
  let powered = true;
  for (;;) {
    const left = s.length - p;
    if (left === 0) return { calls, out, end: 'peer closed' };
    if (left < 4) return { calls, out, end: `peer closed with ${left} byte(s) of an incomplete word` };
    const w = s.readUInt32BE(p);
    if (w === 20) return { calls, out, end: 'session end' };
    if (w === 21) return { calls, out, end: 'stop' };
    if (platform) {
      if (w === 1) { calls.push('powerOn'); powered = true; } else if (w === 2) { calls.push('powerOff'); powered = false; } else if (w === 17) {
        if (powered) calls.push('powerOff', 'powerOn');
      } else if (!NO_EFFECT.has(w)) { out.push(u32(1)); return { calls, out, end: `unsupported platform signal` }; }
      out.push(u32(0));
      p += 4;
      continue;
    }
    if (w === 8) {
      if (left < 9) return { calls, out, end: 'peer closed in the middle of a frame (expected locality and size)' };
      const size = s.readUInt32BE(p + 5);
      if (size > MAX) return { calls, out, end: `command of ${size} bytes is larger than ${MAX}` };
      if (left < 9 + size) return { calls, out, end: `peer closed in the middle of a ${size}-byte command` };
      calls.push(`execute ${s[p + 4]} ${s.subarray(p + 9, p + 9 + size).toString('hex')}`);
      const r = fakeResponse(s[p + 4], size);
      out.push(Buffer.concat([u32(r.length), Buffer.from(r), u32(0)]));
      p += 9 + size;
    } else if (w === 15 || w === 16) {
      if (left < 8) return { calls, out, end: 'peer closed in the middle of a frame' };
      if (w === 15 && s.readUInt32BE(p + 4) === 0) return { calls, out, end: 'handshake with client version 0' };
      out.push(w === 15 ? Buffer.concat([u32(1), u32(5), u32(0)]) : u32(0));
      p += 8;
    } else if (w >= 5 && w <= 7) {
      return { calls, out, end: `locality-4 hash signal ${w} is not supported` };
    } else {
      return { calls, out, end: 'unknown command-port word' };
    }
  }
}

/** A generated stream of frames for the command or the platform port. */
function generate(rng: Rng, platform: boolean): Buffer {
  const parts: Buffer[] = [];
  const n = 1 + rng.below(6);
  for (let i = 0; i < n; i++) {
    if (platform) {
      parts.push(u32(rng.oneIn(8) ? rng.pick([0, 19, 22, 0xffffffff, rng.next()]) : 1 + rng.below(21)));
      continue;
    }
    const r = rng.below(12);
    if (r < 7) {
      const size = rng.oneIn(6) ? rng.pick([0, MAX, MAX + 1, 0xffffffff, 10]) : 10 + rng.below(60);
      const body = Buffer.alloc(Math.min(size, MAX + 1));
      for (let j = 0; j < body.length; j++) body[j] = rng.next() & 0xff;
      if (body.length >= 10 && rng.oneIn(2)) { body.writeUInt16BE(0x8001, 0); body.writeUInt32BE(body.length, 2); body.writeUInt32BE(rng.pick([0x17b, 0x17a, 0x144, 0x143]), 6); }
      parts.push(u32(8), Buffer.from([rng.oneIn(4) ? rng.below(256) : rng.below(5)]), u32(rng.oneIn(10) ? size + rng.below(9) - 4 : size), body);
    } else if (r === 7) parts.push(u32(15), u32(rng.oneIn(4) ? 0 : 1));
    else if (r === 8) parts.push(u32(16), u32(rng.next()));
    else if (r === 9) parts.push(u32(rng.pick([20, 21])));
    else parts.push(u32(rng.pick([5, 6, 7, 0, 1, 9, 0xffffffff, rng.next()])));
  }
  return Buffer.concat(parts);
}

describe('fuzz: vTPM mssim framing (vtpm-mssim.ts)', function () {
  this.timeout(600_000);

  it('serveCommand/servePlatform: FUZZ_N generated and mutated streams, chunked at random, do what an independent reading predicts', () => {
    const run = fuzzRun('mssim', 0x355133, 100_000);
    const outcomes = new Outcomes();
    const engineLogs: string[] = [];
    const engine = openEngine({ entropy: new Uint8Array(32).fill(7), launchDigests: [] }, l => engineLogs.push(l));
    if (typeof engine === 'string') throw new Error(engine);
    const t0 = Date.now();
    forEachInput(run, (rng, index) => {
      const platform = rng.oneIn(4);
      let s = generate(rng, platform);
      for (let e = rng.oneIn(2) ? 0 : 1 + rng.below(2); e > 0; e--) s = Buffer.from(mutateBytes(s, rng));
      const real = !platform && index % 100 === 0;
      const tpm = new FakeTpm();
      const logs: string[] = [];
      const service = new MssimService({ tpm: real ? engine : tpm, maxCommandSize: MAX, log: l => logs.push(l), afterChange: () => undefined });
      const sock = new FakeSocket();
      void (platform ? service.servePlatform(sock as unknown as net.Socket) : service.serveCommand(sock as unknown as net.Socket));
      for (let p = 0; p < s.length && !sock.destroyed;) {
        const n = rng.oneIn(3) ? s.length - p : 1 + rng.below(Math.min(16, s.length - p));
        sock.emit('data', s.subarray(p, p + n));
        p += n;
      }
      sock.emit('close');
      for (const l of logs) {
        if (/internal error/.test(l)) throw new Error(`the serving loop crashed: ${l}`);
        expect(l).to.match(/^tshype vtpm: ((command|platform) connection \d+: .+; closing|a client asked the simulator to stop; .+)$/);
      }
      const want = predict(s, platform);
      const closing = logs.filter(l => /; closing$/.test(l)).map(l => l.replace(/^tshype vtpm: \w+ connection \d+: |; closing$/g, ''));
      if (want.end === 'peer closed' || want.end === 'session end') expect(closing, 'no log line').to.deep.equal([]);
      else if (want.end === 'stop') expect(logs.length).to.equal(1);
      else expect(closing.length === 1 && closing[0].startsWith(want.end), `ends with "${want.end}", logged ${JSON.stringify(closing)}`).to.equal(true);
      if (real) {
        // the engine's responses differ from the fake's; every other answer is as predicted
        const got = Buffer.concat(sock.out);
        let p = 0;
        for (const o of want.out) {
          if (!o.subarray(4, 6).equals(Buffer.from([0x80, 0x01]))) {
            expect(got.subarray(p, p + o.length).toString('hex'), 'answer').to.equal(o.toString('hex'));
            p += o.length;
            continue;
          }
          const n = got.readUInt32BE(p);
          expect(n, 'response size').to.be.within(10, 4096);
          expect(got.readUInt16BE(p + 4), 'response tag (TPM_ST_RSP_COMMAND for a bad tag, as Part 2 has it)').to.be.oneOf([0x8001, 0x8002, 0x00c4]);
          expect(got.readUInt32BE(p + 4 + n), 'trailing word').to.equal(0);
          p += 4 + n + 4;
        }
        expect(p, 'all answers').to.equal(got.length);
        expect(engineLogs, 'the engine never threw').to.deep.equal([]);
      } else {
        expect(tpm.calls, 'TPM calls').to.deep.equal(want.calls);
        expect(Buffer.concat(sock.out).toString('hex'), 'answers').to.equal(Buffer.concat(want.out).toString('hex'));
      }
      outcomes.add(want.end.replace(/\d+/g, '_'), want.end === 'peer closed' || want.end === 'session end');
    });
    report(run, outcomes, Date.now() - t0);
    if (run.only < 0 && run.n >= 1000) {
      expect(outcomes.accepted, 'streams served to their end').to.be.above(run.n / 20);
      expect(outcomes.refusals(), 'distinct framing refusals').to.be.at.least(8);
    }
  });
});
