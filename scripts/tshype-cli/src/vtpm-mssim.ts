/**
 * The TCG/Microsoft TPM 2.0 simulator protocol ("mssim", ms-tpm-20-ref TpmTcpProtocol.h), as
 * tpm2-tss's mssim TCTI speaks it: two TCP ports, every integer a big-endian u32 unless noted.
 *
 *   command port   TPM_SEND_COMMAND {u8 locality, u32 size, size bytes} -> {u32 size, bytes, u32 0}
 *                  TPM_REMOTE_HANDSHAKE {u32 client version} -> {u32 1, u32 flags, u32 0}
 *                  TPM_SET_ALTERNATIVE_RESULT {u32} -> {u32 0}
 *                  TPM_SESSION_END, TPM_STOP: the connection is closed
 *   platform port  a u32 signal -> u32 0 (power on/off, reset, NV, cancel, ...); SESSION_END and STOP
 *                  close the connection; an unsupported signal gets u32 1 and the connection closed
 *
 * Bad framing (an unknown word, a command larger than the TPM accepts, a peer that closes or
 * stalls in the middle of a frame) closes that connection with a line on the log; the server
 * goes on serving everyone else. Connections are served concurrently, one TPM command or signal
 * at a time: each runs to completion before the next starts, whichever connection it came from
 * (the TPM is one device; without a resource manager its clients share it, as on hardware).
 */
import * as net from 'net';
import { TpmBackend } from './vtpm-backend';

// Command-port words
export const TPM_SEND_COMMAND = 8;
export const TPM_REMOTE_HANDSHAKE = 15;
export const TPM_SET_ALTERNATIVE_RESULT = 16;
export const TPM_SESSION_END = 20;
export const TPM_STOP = 21;
// Platform-port signals
export const TPM_SIGNAL_POWER_ON = 1;
export const TPM_SIGNAL_POWER_OFF = 2;
export const TPM_SIGNAL_PHYS_PRES_ON = 3;
export const TPM_SIGNAL_PHYS_PRES_OFF = 4;
export const TPM_SIGNAL_HASH_START = 5;
export const TPM_SIGNAL_HASH_DATA = 6;
export const TPM_SIGNAL_HASH_END = 7;
export const TPM_SIGNAL_CANCEL_ON = 9;
export const TPM_SIGNAL_CANCEL_OFF = 10;
export const TPM_SIGNAL_NV_ON = 11;
export const TPM_SIGNAL_NV_OFF = 12;
export const TPM_SIGNAL_KEY_CACHE_ON = 13;
export const TPM_SIGNAL_KEY_CACHE_OFF = 14;
export const TPM_SIGNAL_RESET = 17;
export const TPM_SIGNAL_RESTART = 18;

/** The protocol version this server speaks in the handshake. */
export const SERVER_VERSION = 1;
/** Handshake flags: tpmPlatformAvailable (0x01) | tpmInRawMode (0x04). No physical presence. */
export const SERVER_FLAGS = 0x01 | 0x04;
/** A frame that has begun must be complete within this long, or the connection is closed. */
export const FRAME_TIMEOUT_MS = 30_000;
/** At most this many connections per port; more are closed at once. */
export const MAX_CONNECTIONS = 32;
/** Reading stops (TCP pushes back) while this much input waits to be parsed. */
const HIGH_WATER = 64 * 1024;

/** Signals that are acknowledged and have no effect here, and why. */
const NO_EFFECT: ReadonlyMap<number, string> = new Map([
  [TPM_SIGNAL_PHYS_PRES_ON, 'no physical presence'], [TPM_SIGNAL_PHYS_PRES_OFF, 'no physical presence'],
  [TPM_SIGNAL_CANCEL_ON, 'commands run to completion'], [TPM_SIGNAL_CANCEL_OFF, 'commands run to completion'],
  [TPM_SIGNAL_NV_ON, 'NV is always available'], [TPM_SIGNAL_NV_OFF, 'NV is always available'],
  [TPM_SIGNAL_KEY_CACHE_ON, 'no RSA key cache'], [TPM_SIGNAL_KEY_CACHE_OFF, 'no RSA key cache'],
  [TPM_SIGNAL_RESTART, 'the clock is not restarted'],
]);

/** The peer broke the framing; the connection is closed with this message. */
export class FrameError extends Error {}

/** Reads exact byte counts from a socket, in order. */
export class SocketReader {
  private chunks: Buffer[] = [];
  private have = 0;
  private closed = false;
  private wake: (() => void) | undefined;

  constructor(private readonly sock: net.Socket) {
    sock.on('data', (d: Buffer) => {
      this.chunks.push(d);
      this.have += d.length;
      if (this.have > HIGH_WATER) sock.pause();
      this.notify();
    });
    for (const ev of ['end', 'close', 'error']) sock.on(ev, () => { this.closed = true; this.notify(); });
  }

  /** `n` bytes, or undefined when the peer closed before sending them all. */
  async read(n: number): Promise<Buffer | undefined> {
    while (this.have < n) {
      if (this.closed) return undefined;
      if (this.sock.isPaused()) this.sock.resume();
      await new Promise<void>(resolve => { this.wake = resolve; });
    }
    return this.take(n);
  }

  /** The next u32 of a frame that has begun: a closed peer is a framing error. */
  async u32(what: string): Promise<number> {
    const b = await this.read(4);
    if (b === undefined) throw new FrameError(`peer closed in the middle of a frame (expected ${what})`);
    return b.readUInt32BE(0);
  }

  /** The first word of the next frame, or undefined when the peer closed between frames. */
  async word(): Promise<number | undefined> {
    const b = await this.read(4);
    if (b === undefined && this.have > 0) throw new FrameError(`peer closed with ${this.have} byte(s) of an incomplete word`);
    return b?.readUInt32BE(0);
  }

  private take(n: number): Buffer {
    const all = this.chunks.length === 1 ? this.chunks[0] : Buffer.concat(this.chunks);
    const out = all.subarray(0, n);
    const rest = all.subarray(n);
    this.chunks = rest.length > 0 ? [rest] : [];
    this.have = rest.length;
    if (this.have <= HIGH_WATER && this.sock.isPaused()) this.sock.resume();
    return out;
  }

  private notify(): void {
    const w = this.wake;
    this.wake = undefined;
    if (w !== undefined) w();
  }
}

/** The TPM shared by every connection, and what happens around each use of it. */
export interface MssimContext {
  tpm: TpmBackend;
  /** The largest command the TPM accepts, in bytes. */
  maxCommandSize: number;
  /** One line of diagnostics (stderr). */
  log(line: string): void;
  /** Called after each command or power signal, before its answer is sent (e.g. save the state). */
  afterChange(): void;
}

/** Serves the mssim command and platform ports for one TPM. */
export class MssimService {
  private powered = true;
  private nextId = 1;

  constructor(private readonly ctx: MssimContext) {}

  /** Serve one command-port connection until it closes. Never rejects. */
  serveCommand(sock: net.Socket): Promise<void> {
    return this.serve(sock, 'command', r => this.commandFrame(sock, r));
  }

  /** Serve one platform-port connection until it closes. Never rejects. */
  servePlatform(sock: net.Socket): Promise<void> {
    return this.serve(sock, 'platform', r => this.platformFrame(sock, r));
  }

  private async serve(sock: net.Socket, port: string, frame: (r: SocketReader) => Promise<boolean>): Promise<void> {
    const name = `${port} connection ${this.nextId++}`;
    const reader = new SocketReader(sock);
    sock.setNoDelay(true);
    sock.on('timeout', () => {
      this.ctx.log(`tshype vtpm: ${name}: frame not completed within ${FRAME_TIMEOUT_MS} ms; closing`);
      sock.destroy();
    });
    try {
      while (await frame(reader)) { /* next frame */ }
    } catch (e) {
      const why = e instanceof FrameError ? e.message : `internal error: ${(e as Error).stack ?? String(e)}`;
      this.ctx.log(`tshype vtpm: ${name}: ${why}; closing`);
    }
    sock.destroy();
  }

  /** One command-port frame; false when the connection is to be closed. */
  private async commandFrame(sock: net.Socket, r: SocketReader): Promise<boolean> {
    const word = await r.word();
    if (word === undefined) return false;
    sock.setTimeout(FRAME_TIMEOUT_MS);
    switch (word) {
      case TPM_SEND_COMMAND: {
        const head = await r.read(5);
        if (head === undefined) throw new FrameError('peer closed in the middle of a frame (expected locality and size)');
        const locality = head[0];
        const size = head.readUInt32BE(1);
        if (size > this.ctx.maxCommandSize) throw new FrameError(`command of ${size} bytes is larger than ${this.ctx.maxCommandSize}`);
        const body = await r.read(size);
        if (body === undefined) throw new FrameError(`peer closed in the middle of a ${size}-byte command`);
        sock.setTimeout(0);
        // execute and afterChange are synchronous: no other connection's operation can run in between
        const rsp = this.ctx.tpm.execute(locality, new Uint8Array(body.buffer, body.byteOffset, body.length));
        this.ctx.afterChange();
        sock.write(Buffer.concat([u32(rsp.length), Buffer.from(rsp.buffer, rsp.byteOffset, rsp.length), u32(0)]));
        return true;
      }
      case TPM_REMOTE_HANDSHAKE: {
        const version = await r.u32('client version');
        if (version === 0) throw new FrameError('handshake with client version 0');
        sock.setTimeout(0);
        sock.write(Buffer.concat([u32(SERVER_VERSION), u32(SERVER_FLAGS), u32(0)]));
        return true;
      }
      case TPM_SET_ALTERNATIVE_RESULT:
        await r.u32('alternative result');
        sock.setTimeout(0);
        sock.write(u32(0));
        return true;
      case TPM_SESSION_END:
        return false;
      case TPM_STOP:
        this.ctx.log('tshype vtpm: a client asked the simulator to stop; the server stops only on SIGTERM/SIGINT');
        return false;
      case TPM_SIGNAL_HASH_START: case TPM_SIGNAL_HASH_DATA: case TPM_SIGNAL_HASH_END:
        throw new FrameError(`locality-4 hash signal ${word} is not supported`);
      default:
        throw new FrameError(`unknown command-port word ${hexWord(word)}`);
    }
  }

  /** One platform-port signal; false when the connection is to be closed. */
  private async platformFrame(sock: net.Socket, r: SocketReader): Promise<boolean> {
    const word = await r.word();
    if (word === undefined || word === TPM_SESSION_END) return false;
    if (word === TPM_STOP) {
      this.ctx.log('tshype vtpm: a client asked the simulator to stop; the server stops only on SIGTERM/SIGINT');
      return false;
    }
    const power = this.powerAction(word);
    if (power === undefined && !NO_EFFECT.has(word)) {
      sock.write(u32(1));
      throw new FrameError(`unsupported platform signal ${hexWord(word)}`);
    }
    if (power !== undefined) {
      power();
      this.ctx.afterChange();
    }
    sock.write(u32(0));
    return true;
  }

  /** What a power signal does to the TPM, or undefined when `word` is not one. */
  private powerAction(word: number): (() => void) | undefined {
    const tpm = this.ctx.tpm;
    switch (word) {
      case TPM_SIGNAL_POWER_ON: return () => { tpm.powerOn(); this.powered = true; };
      case TPM_SIGNAL_POWER_OFF: return () => { tpm.powerOff(); this.powered = false; };
      // a reset is a power cycle, and only of a TPM that is on
      case TPM_SIGNAL_RESET: return () => { if (this.powered) { tpm.powerOff(); tpm.powerOn(); } };
      default: return undefined;
    }
  }
}

/** A big-endian u32. */
export function u32(v: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(v >>> 0, 0);
  return b;
}

function hexWord(w: number): string {
  return `0x${w.toString(16).padStart(8, '0')}`;
}

/** Accept connections on `server` for `serve`, at most MAX_CONNECTIONS at a time. */
export function acceptInto(server: net.Server, serve: (s: net.Socket) => Promise<void>, log: (l: string) => void, what: string): Set<net.Socket> {
  const open = new Set<net.Socket>();
  server.on('connection', (sock: net.Socket) => {
    if (open.size >= MAX_CONNECTIONS) {
      log(`tshype vtpm: ${what} port: more than ${MAX_CONNECTIONS} connections; refusing one`);
      sock.on('error', () => undefined);
      sock.destroy();
      return;
    }
    open.add(sock);
    void serve(sock).then(() => open.delete(sock));
  });
  return open;
}
