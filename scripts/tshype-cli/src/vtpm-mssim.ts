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

/**
 * A frame parser: given the bytes received and not yet consumed (at least one), it handles the
 * first frame if it is complete and returns how many bytes it took; 0 when the frame is not
 * complete yet; CLOSE when the frame ends the connection. Bad framing throws FrameError.
 * Parsing is synchronous, so one frame's TPM operation runs to completion before any other.
 */
type FrameParser = (sock: net.Socket, buf: Buffer) => number;
const CLOSE = -1;
const EMPTY: Buffer = Buffer.alloc(0);
/** Reading pauses while this much of our output waits to be sent (a client that does not read). */
const HIGH_WATER = 1024 * 1024;

/** The description of what an incomplete frame was still waiting for, for the log. */
type Pending = (buf: Buffer) => string;

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
    return this.serve(sock, 'command', (so, b) => this.commandFrame(so, b), commandPending);
  }

  /** Serve one platform-port connection until it closes. Never rejects. */
  servePlatform(sock: net.Socket): Promise<void> {
    return this.serve(sock, 'platform', (so, b) => this.platformFrame(so, b), b => `peer closed with ${b.length} byte(s) of an incomplete word`);
  }

  /**
   * Feed the connection's bytes to `parse` frame by frame until it closes. Resolves when the
   * connection is closed (by the peer, a closing frame, bad framing or a stalled frame).
   */
  private serve(sock: net.Socket, port: string, parse: FrameParser, pending: Pending): Promise<void> {
    const name = `${port} connection ${this.nextId++}`;
    return new Promise<void>(resolve => {
      let buf: Buffer = EMPTY;
      let timing = false;
      let done = false;
      const finish = (why: string | undefined): void => {
        if (done) return;
        done = true;
        if (why !== undefined) this.ctx.log(`tshype vtpm: ${name}: ${why}; closing`);
        sock.destroy();
        resolve();
      };
      sock.setNoDelay(true);
      sock.on('timeout', () => finish(`frame not completed within ${FRAME_TIMEOUT_MS} ms`));
      sock.on('drain', () => sock.resume());
      sock.on('data', (d: Buffer) => {
        buf = buf.length === 0 ? d : Buffer.concat([buf, d]);
        try {
          while (buf.length > 0 && !done) {
            const n = parse(sock, buf);
            if (n === CLOSE) return finish(undefined);
            if (n === 0) break;
            buf = buf.subarray(n);
          }
        } catch (e) {
          return finish(e instanceof FrameError ? e.message : `internal error: ${(e as Error).stack ?? String(e)}`);
        }
        if (buf.length === 0) buf = EMPTY;
        // a frame that has begun must be finished in time
        if ((buf.length > 0) !== timing) {
          timing = buf.length > 0;
          sock.setTimeout(timing ? FRAME_TIMEOUT_MS : 0);
        }
        if (sock.writableLength > HIGH_WATER) sock.pause();
      });
      sock.on('error', () => undefined);
      sock.on('close', () => finish(buf.length > 0 ? pending(buf) : undefined));
    });
  }

  /** One command-port frame (see FrameParser). */
  private commandFrame(sock: net.Socket, buf: Buffer): number {
    if (buf.length < 4) return 0;
    const word = buf.readUInt32BE(0);
    switch (word) {
      case TPM_SEND_COMMAND: {
        if (buf.length < 9) return 0;
        const locality = buf[4];
        const size = buf.readUInt32BE(5);
        if (size > this.ctx.maxCommandSize) throw new FrameError(`command of ${size} bytes is larger than ${this.ctx.maxCommandSize}`);
        if (buf.length < 9 + size) return 0;
        const rsp = this.ctx.tpm.execute(locality, new Uint8Array(buf.buffer, buf.byteOffset + 9, size));
        this.ctx.afterChange();
        const out = Buffer.allocUnsafe(rsp.length + 8);
        out.writeUInt32BE(rsp.length, 0);
        out.set(rsp, 4);
        out.writeUInt32BE(0, rsp.length + 4);
        sock.write(out);
        return 9 + size;
      }
      case TPM_REMOTE_HANDSHAKE: {
        if (buf.length < 8) return 0;
        if (buf.readUInt32BE(4) === 0) throw new FrameError('handshake with client version 0');
        sock.write(Buffer.concat([u32(SERVER_VERSION), u32(SERVER_FLAGS), u32(0)]));
        return 8;
      }
      case TPM_SET_ALTERNATIVE_RESULT:
        if (buf.length < 8) return 0;
        sock.write(u32(0));
        return 8;
      case TPM_SESSION_END:
        return CLOSE;
      case TPM_STOP:
        this.ctx.log('tshype vtpm: a client asked the simulator to stop; the server stops only on SIGTERM/SIGINT');
        return CLOSE;
      case TPM_SIGNAL_HASH_START: case TPM_SIGNAL_HASH_DATA: case TPM_SIGNAL_HASH_END:
        throw new FrameError(`locality-4 hash signal ${word} is not supported`);
      default:
        throw new FrameError(`unknown command-port word ${hexWord(word)}`);
    }
  }

  /** One platform-port signal (see FrameParser). */
  private platformFrame(sock: net.Socket, buf: Buffer): number {
    if (buf.length < 4) return 0;
    const word = buf.readUInt32BE(0);
    if (word === TPM_SESSION_END) return CLOSE;
    if (word === TPM_STOP) {
      this.ctx.log('tshype vtpm: a client asked the simulator to stop; the server stops only on SIGTERM/SIGINT');
      return CLOSE;
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
    return 4;
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

/** What an incomplete command-port frame was waiting for. */
function commandPending(buf: Buffer): string {
  if (buf.length < 4) return `peer closed with ${buf.length} byte(s) of an incomplete word`;
  if (buf.readUInt32BE(0) !== TPM_SEND_COMMAND) return 'peer closed in the middle of a frame';
  if (buf.length < 9) return 'peer closed in the middle of a frame (expected locality and size)';
  return `peer closed in the middle of a ${buf.readUInt32BE(5)}-byte command`;
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
