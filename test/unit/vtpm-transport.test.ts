/**
 * vtpm/transport.ts: tpm_ibmvtpm's CRQ protocol as the vTPM partition answers it. Every message
 * of the table with the exact reply doubleword, every refusal (0x80/0xFF with its data), the
 * transport events, and the counters; a refused command changes nothing but the error counter.
 * Reply words are spelled out here as hex, not built with crqWord.
 */
import { expect } from 'chai';
import { Action, Channel, crqWord } from '../../vtpm/transport';

const hex = (v: bigint): string => '0x' + v.toString(16).padStart(16, '0');

/** Everything a Channel holds, to compare before and after. */
function state(c: Channel): Record<string, string | number | boolean> {
  return {
    index: c.index, initialised: c.initialised, reply: hex(c.reply), commandLength: c.commandLength,
    commandIoba: hex(c.commandIoba), commands: c.commands, errors: c.errors, failures: c.failures,
  };
}

/** Receive `hi`, expect `action` and (for a reply) exactly `reply`. */
function answer(c: Channel, hi: bigint, action: Action, reply?: bigint): void {
  expect(c.receive(hi), `receive ${hex(hi)}`).to.equal(action);
  if (reply !== undefined) expect(hex(c.reply), `reply to ${hex(hi)}`).to.equal(hex(reply));
}

/** Expect `hi` to be refused with 0x80/0xFF data `code`: only reply and errors change. */
function refused(c: Channel, hi: bigint, code: number): void {
  const before = state(c);
  answer(c, hi, Action.Reply, 0x80ff000000000000n | BigInt(code));
  expect(state(c)).to.deep.equal({ ...before, reply: hex(0x80ff000000000000n | BigInt(code)), errors: (before.errors as number) + 1 });
}

describe('vtpm/transport: the tpm_ibmvtpm CRQ protocol', () => {
  it('crqWord: valid, format, length, data at bytes 0, 1, 2-3, 4-7', () => {
    expect(hex(crqWord(0x80, 0x02, 0x1234, 0xdeadbeef))).to.equal('0x80021234deadbeef');
    expect(hex(crqWord(0x1c0, 0x101, 0x12345, -1))).to.equal('0xc0012345ffffffff');
  });

  it('receive: an empty entry (valid byte 0) is Action.None and changes nothing', () => {
    const c = new Channel(3);
    const before = state(c);
    answer(c, 0n, Action.None);
    answer(c, 0x0080000012345678n, Action.None);
    expect(state(c)).to.deep.equal(before);
  });

  it('receive: the init handshake 0xC0/0x01 then 0xC0/0x02 is echoed, and sets initialised', () => {
    const c = new Channel(0);
    answer(c, 0xc001000000000000n, Action.Reply, 0xc001000000000000n);
    expect(c.initialised).to.equal(false);
    answer(c, 0xc002000000000000n, Action.Reply, 0xc002000000000000n);
    expect(c.initialised).to.equal(true);
    // a new initialise request forgets the completed handshake; the length and data are ignored
    answer(c, 0xc0010005000000ffn, Action.Reply, 0xc001000000000000n);
    expect(c.initialised).to.equal(false);
    expect([c.commands, c.errors, c.failures]).to.deep.equal([0, 0, 0]);
  });

  it('receive: GET_VERSION 0x80/0x01 is answered 0x80/0x81 with data 2 (TPM 2.0)', () => {
    const c = new Channel(0);
    answer(c, 0x8001000000000000n, Action.Reply, 0x8081000000000002n);
    answer(c, 0x80010010deadbeefn, Action.Reply, 0x8081000000000002n);
    expect([c.commands, c.errors]).to.deep.equal([0, 0]);
  });

  it('receive: GET_RTCE_SIZE 0x80/0x03 is answered 0x80/0x83 with length 4096', () => {
    const c = new Channel(0);
    answer(c, 0x8003000000000000n, Action.Reply, 0x8083100000000000n);
  });

  it('receive: PREPARE_TO_SUSPEND 0x80/0x04 is answered 0x80/0x84', () => {
    const c = new Channel(0);
    answer(c, 0x8004000000000000n, Action.Reply, 0x8084000000000000n);
    expect([c.commands, c.errors]).to.deep.equal([0, 0]);
  });

  it('receive: TPM_COMMAND 0x80/0x02 asks to run length bytes at the I/O address in data; commandDone answers 0x80/0x82', () => {
    const c = new Channel(1);
    const before = state(c);
    expect(c.receive(0x8002000c00042000n)).to.equal(Action.Command);
    expect(state(c)).to.deep.equal({ ...before, commandLength: 12, commandIoba: hex(0x42000n) });
    c.commandDone(0x1a);
    expect(hex(c.reply)).to.equal(hex(0x8082001a00000000n));
    expect(c.commands).to.equal(1);
    expect(c.errors).to.equal(0);
    // the bounds: a bare header and a whole buffer are accepted
    expect(c.receive(0x8002000aff000000n)).to.equal(Action.Command);
    expect([c.commandLength, hex(c.commandIoba)]).to.deep.equal([10, hex(0xff000000n)]);
    expect(c.receive(0x80021000ffffffffn)).to.equal(Action.Command);
    expect([c.commandLength, hex(c.commandIoba)]).to.deep.equal([4096, hex(0xffffffffn)]);
    c.commandDone(4096);
    expect(hex(c.reply)).to.equal(hex(0x8082100000000000n));
    expect(c.commands).to.equal(2);
  });

  it('receive: a command shorter than a TPM header or longer than the buffer is 0x80/0xFF data 3 (ERROR_COPY_IN), nothing else changes', () => {
    const c = new Channel(0);
    expect(c.receive(0x8002000c00001000n)).to.equal(Action.Command);   // an earlier command's length and address stay
    for (const len of [0, 1, 9, 4097, 0x2000, 0xffff]) refused(c, 0x8002000000003000n | (BigInt(len) << 32n), 3);
    expect([c.commandLength, hex(c.commandIoba), c.errors, c.commands]).to.deep.equal([12, hex(0x1000n), 6, 0]);
  });

  it('receive: unknown command formats, init formats and valid bytes are 0x80/0xFF data 1 (ERROR_BAD_MESSAGE)', () => {
    const c = new Channel(0);
    expect(c.receive(0xc002000000000000n)).to.equal(Action.Reply);
    for (const hi of [0x8000000000000000n, 0x8005000000000000n, 0x8081000000000002n, 0x80ff000000000001n,
      0xc000000000000000n, 0xc003000000000000n, 0xc081000000000000n,
      0x0100000000000000n, 0x7f01000000000000n, 0x8101000000000000n, 0xc101000000000000n, 0xfe01000000000000n]) {
      refused(c, hi, 1);
    }
    expect(c.initialised, 'a bad message does not undo the handshake').to.equal(true);
    expect(c.errors).to.equal(12);
  });

  it('copyFailed: ERROR_COPY_IN and ERROR_COPY_OUT are 0x80/0xFF data 3 and 4, counted as errors, not commands', () => {
    const c = new Channel(0);
    expect(c.receive(0x8002001000002000n)).to.equal(Action.Command);
    c.copyFailed(3);
    expect(hex(c.reply)).to.equal(hex(0x80ff000000000003n));
    expect(c.receive(0x8002001000002000n)).to.equal(Action.Command);
    c.copyFailed(4);
    expect(hex(c.reply)).to.equal(hex(0x80ff000000000004n));
    expect([c.commands, c.errors]).to.deep.equal([0, 2]);
  });

  it('receive: transport event 0xFF/0x01 is PartnerFailed (counted), 0xFF/0x02 PartnerGone; both end the handshake, reply nothing', () => {
    const c = new Channel(0);
    c.receive(0xc002000000000000n);
    const reply = c.reply;
    expect(c.receive(0xff01000000000000n)).to.equal(Action.PartnerFailed);
    expect([c.initialised, c.failures, c.errors, hex(c.reply)]).to.deep.equal([false, 1, 0, hex(reply)]);
    c.receive(0xc002000000000000n);
    expect(c.receive(0xff02000000000000n)).to.equal(Action.PartnerGone);
    expect([c.initialised, c.failures, c.errors]).to.deep.equal([false, 1, 0]);
    expect(c.receive(0xff01000000000000n)).to.equal(Action.PartnerFailed);
    expect(c.failures).to.equal(2);
  });

  it('reset: forgets the conversation and keeps the counters', () => {
    const c = new Channel(5);
    c.receive(0xc002000000000000n);
    c.receive(0x8002000c00001000n);
    c.commandDone(10);
    c.receive(0x8000000000000000n);
    c.receive(0xff01000000000000n);
    c.receive(0xc002000000000000n);
    c.reset();
    expect(state(c)).to.deep.equal({ index: 5, initialised: false, reply: hex(0n), commandLength: 0, commandIoba: hex(0n),
      commands: 1, errors: 1, failures: 1 });
  });

  it('fuzz: 100,000 random and mutated entries never throw; every answer is a reply word of the table, a command within the buffer, or an event', () => {
    let x = 0x2545f4914f6cdd1dn;
    const next = (): bigint => { x ^= (x << 13n) & 0xffffffffffffffffn; x ^= x >> 7n; x ^= (x << 17n) & 0xffffffffffffffffn; return x; };
    const valid = [0x00n, 0x80n, 0xc0n, 0xffn];
    const c = new Channel(0);
    const replies = new Set(['c001', 'c002', '8081', '8083', '8084', '80ff']);
    for (let i = 0; i < 100_000; i++) {
      let w = next();
      if (i % 2 === 0) w = (valid[Number(next() % 4n)] << 56n) | (BigInt(Number(next() % 6n)) << 48n) | (w & 0xffffffffffffn);
      const before = c.commands;
      const action = c.receive(w);
      expect(c.commands, 'only commandDone counts a command').to.equal(before);
      if (action === Action.Reply) expect(replies.has((c.reply >> 48n).toString(16)), `entry 0x${w.toString(16)}`).to.equal(true);
      if (action === Action.Command) {
        expect(c.commandLength).to.be.within(10, 4096);
        expect(c.commandIoba >> 32n).to.equal(0n);
      }
      if (action === Action.None) expect(w >> 56n).to.equal(0n);
    }
  });
});
