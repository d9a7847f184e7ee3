/**
 * The mssim protocol layer of `tshype vtpm serve` (scripts/tshype-cli/src/vtpm-mssim.ts) against a
 * fake TPM: command framing (split, pipelined, locality), the handshake, session end, platform
 * signals (power on/off/reset, acknowledged no-ops, refusals), bad framing closing only that
 * connection, and one TPM operation at a time across concurrent connections.
 */
import { expect } from 'chai';
import * as net from 'net';
import { TpmBackend } from '../../scripts/tshype-cli/src/vtpm-backend';
import { MssimService, acceptInto, u32 } from '../../scripts/tshype-cli/src/vtpm-mssim';

/** A fake TPM: answers each command with a 10-byte response carrying its length and locality. */
class FakeTpm implements TpmBackend {
  calls: string[] = [];
  busy = false;
  overlapped = false;
  delayMs = 0;

  execute(locality: number, cmd: Uint8Array): Uint8Array {
    if (this.busy) this.overlapped = true;
    this.busy = true;
    this.calls.push(`execute ${locality} ${Buffer.from(cmd).toString('hex')}`);
    const until = Date.now() + this.delayMs;
    while (Date.now() < until) { /* a slow command: the others must wait for it */ }
    this.busy = false;
    return Uint8Array.from([0x80, 0x01, 0, 0, 0, 10, 0, 0, locality, cmd.length & 0xff]);
  }
  powerOn(): void { this.calls.push('powerOn'); }
  powerOff(): void { this.calls.push('powerOff'); }
}

/** A client that collects everything the server sends and notices when it closes. */
class Client {
  data = Buffer.alloc(0);
  closed = false;
  private waiters: (() => void)[] = [];
  constructor(readonly sock: net.Socket) {
    sock.on('data', (d: Buffer) => { this.data = Buffer.concat([this.data, d]); this.wake(); });
    sock.on('close', () => { this.closed = true; this.wake(); });
    sock.on('error', () => undefined);
  }
  static connect(port: number): Promise<Client> {
    return new Promise(resolve => { const s = net.connect(port, '127.0.0.1', () => resolve(new Client(s))); });
  }
  /** Wait until `n` bytes have arrived (or the server closed); returns them and consumes them. */
  async take(n: number): Promise<Buffer> {
    while (this.data.length < n && !this.closed) await new Promise<void>(resolve => this.waiters.push(resolve));
    const out = this.data.subarray(0, n);
    this.data = this.data.subarray(n);
    return out;
  }
  async waitClosed(ms = 2000): Promise<boolean> {
    const until = Date.now() + ms;
    while (!this.closed && Date.now() < until) await new Promise(resolve => setTimeout(resolve, 10));
    return this.closed;
  }
  private wake(): void { for (const w of this.waiters.splice(0)) w(); }
}

const sendCommand = (locality: number, cmd: Buffer): Buffer => Buffer.concat([u32(8), Buffer.from([locality]), u32(cmd.length), cmd]);
const CMD = Buffer.from('80010000000c0000017b0010', 'hex');

describe('vtpm serve: the mssim protocol', () => {
  let tpm: FakeTpm;
  let logs: string[];
  let changes: number;
  let cmdPort: number;
  let platPort: number;
  const servers: net.Server[] = [];
  const clients: Client[] = [];
  const connect = async (port: number): Promise<Client> => { const c = await Client.connect(port); clients.push(c); return c; };

  beforeEach(async () => {
    tpm = new FakeTpm();
    logs = [];
    changes = 0;
    const service = new MssimService({ tpm, maxCommandSize: 4096, log: l => logs.push(l), afterChange: () => { changes++; } });
    const listen = async (serve: (s: net.Socket) => Promise<void>): Promise<number> => {
      const server = net.createServer();
      servers.push(server);
      acceptInto(server, serve, l => logs.push(l), 'test');
      await new Promise<void>(resolve => server.listen(0, '127.0.0.1', () => resolve()));
      return (server.address() as net.AddressInfo).port;
    };
    cmdPort = await listen(s => service.serveCommand(s));
    platPort = await listen(s => service.servePlatform(s));
  });

  afterEach(async () => {
    for (const c of clients.splice(0)) c.sock.destroy();
    await Promise.all(servers.splice(0).map(s => new Promise(resolve => s.close(resolve))));
  });

  it('TPM_SEND_COMMAND: {u32 size, response, u32 0}, the locality and bytes passed through', async () => {
    const c = await connect(cmdPort);
    c.sock.write(sendCommand(3, CMD));
    const rsp = await c.take(18);
    expect(rsp.readUInt32BE(0)).to.equal(10);
    expect(rsp.subarray(4, 14).toString('hex')).to.equal('80010000000a0000030c');
    expect(rsp.readUInt32BE(14)).to.equal(0);
    expect(tpm.calls).to.deep.equal([`execute 3 ${CMD.toString('hex')}`]);
    expect(changes).to.equal(1);
  });

  it('TPM_SEND_COMMAND: frames split byte by byte and pipelined frames are all answered, in order', async () => {
    const c = await connect(cmdPort);
    const two = Buffer.concat([sendCommand(0, CMD), sendCommand(1, CMD.subarray(0, 10))]);
    for (const b of two) { c.sock.write(Buffer.from([b])); await new Promise(resolve => setImmediate(resolve)); }
    const rsp = await c.take(36);
    expect(rsp.subarray(4, 14).toString('hex')).to.equal('80010000000a0000000c');
    expect(rsp.subarray(22, 32).toString('hex')).to.equal('80010000000a0000010a');
  });

  it('TPM_REMOTE_HANDSHAKE: server version 1, flags, 0; client version 0 closes', async () => {
    const c = await connect(cmdPort);
    c.sock.write(Buffer.concat([u32(15), u32(1)]));
    const rsp = await c.take(12);
    expect([rsp.readUInt32BE(0), rsp.readUInt32BE(4), rsp.readUInt32BE(8)]).to.deep.equal([1, 5, 0]);
    c.sock.write(Buffer.concat([u32(15), u32(0)]));
    expect(await c.waitClosed()).to.equal(true);
  });

  it('TPM_SESSION_END: the server closes the connection', async () => {
    const c = await connect(cmdPort);
    c.sock.write(u32(20));
    expect(await c.waitClosed()).to.equal(true);
    expect(logs).to.deep.equal([]);
  });

  it('bad framing closes that connection with a log line; other connections go on', async () => {
    const bystander = await connect(cmdPort);
    const big = await connect(cmdPort);
    big.sock.write(Buffer.concat([u32(8), Buffer.from([0]), u32(4097)]));
    expect(await big.waitClosed()).to.equal(true);
    const bad = await connect(cmdPort);
    bad.sock.write(u32(0x12345678));
    expect(await bad.waitClosed()).to.equal(true);
    const cut = await connect(cmdPort);
    cut.sock.end(Buffer.concat([u32(8), Buffer.from([0]), u32(12), CMD.subarray(0, 5)]));
    expect(await cut.waitClosed()).to.equal(true);
    expect(logs.join('\n')).to.match(/command of 4097 bytes is larger than 4096; closing/);
    expect(logs.join('\n')).to.match(/unknown command-port word 0x12345678; closing/);
    expect(logs.join('\n')).to.match(/peer closed in the middle of a 12-byte command; closing/);
    expect(tpm.calls).to.deep.equal([]);
    bystander.sock.write(sendCommand(0, CMD));
    expect((await bystander.take(18)).readUInt32BE(0)).to.equal(10);
  });

  it('platform: power on/off/reset reach the TPM, NV/cancel/PP are acknowledged, each with u32 0', async () => {
    const c = await connect(platPort);
    for (const s of [1, 11, 1, 11, 9, 10, 3, 4, 2, 17, 1, 17]) c.sock.write(u32(s));
    const acks = await c.take(48);
    for (let i = 0; i < 12; i++) expect(acks.readUInt32BE(4 * i), `ack ${i}`).to.equal(0);
    // reset while off does nothing; reset while on is a power cycle
    expect(tpm.calls).to.deep.equal(['powerOn', 'powerOn', 'powerOff', 'powerOn', 'powerOff', 'powerOn']);
  });

  it('platform: an unsupported signal gets u32 1 and the connection is closed', async () => {
    const c = await connect(platPort);
    c.sock.write(u32(30));
    expect((await c.take(4)).readUInt32BE(0)).to.equal(1);
    expect(await c.waitClosed()).to.equal(true);
    expect(logs.join('\n')).to.match(/unsupported platform signal 0x0000001e; closing/);
  });

  it('concurrent connections: one TPM operation at a time, every command answered', async () => {
    tpm.delayMs = 5;
    const cs = await Promise.all([0, 1, 2, 3].map(() => connect(cmdPort)));
    for (const [i, c] of cs.entries()) for (let k = 0; k < 5; k++) c.sock.write(sendCommand(i, CMD));
    for (const [i, c] of cs.entries()) {
      const rsp = await c.take(18 * 5);
      for (let k = 0; k < 5; k++) expect(rsp[18 * k + 12], `locality in answer ${k} to client ${i}`).to.equal(i);
    }
    expect(tpm.calls.length).to.equal(20);
    expect(tpm.overlapped).to.equal(false);
  });
});
