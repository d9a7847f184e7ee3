/**
 * `tshype vtpm serve --port P [--state FILE] [--measure FILE]...`: one TPM instance in Node
 * behind the simulator protocol (vtpm-mssim.ts) on 127.0.0.1 only, command port P and platform
 * port P+1, so that stock tpm2-tools reach it with `-T mssim:host=127.0.0.1,port=P`.
 *
 * At start: the state is restored from FILE when it exists (a state the engine refuses stops the
 * start), the DRBG is seeded with 48 bytes from crypto.randomBytes, the launch log is cleared and
 * the SHA-256 of each --measure FILE recorded (extended into PCR 17 at each TPM2_Startup(CLEAR)),
 * and the TPM powered on. Before each command the TPM clock advances by the milliseconds that
 * have passed. With --state the state is saved after every command or power signal that changed
 * it, and on SIGTERM/SIGINT, each time to a temporary file renamed into place.
 */
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as net from 'net';
import * as path from 'path';
import { HostedTpm, OpenTpm } from './vtpm-backend';
import { MssimService, acceptInto } from './vtpm-mssim';

export const SERVE_USAGE = 'tshype vtpm serve --port P [--state FILE] [--measure FILE]...';

type Out = (s: string) => void;

/** The command line of `vtpm serve`. */
export interface ServeOptions {
  port: number;
  stateFile?: string;
  measureFiles: string[];
}

/** Parse the arguments after `vtpm serve`: the options, or what is wrong with them. */
export function parseServeArgs(args: string[]): ServeOptions | string {
  let port: number | undefined;
  let stateFile: string | undefined;
  const measureFiles: string[] = [];
  for (let i = 0; i < args.length; i += 2) {
    const [key, value] = [args[i], args[i + 1]];
    if (value === undefined) return `option '${key}' needs a value`;
    if (key === '--port') {
      if (!/^\d+$/.test(value) || Number(value) < 1 || Number(value) > 65534) return `bad port '${value}' (1..65534; P+1 is the platform port)`;
      port = Number(value);
    } else if (key === '--state') {
      if (stateFile !== undefined) return 'only one --state';
      stateFile = value;
    } else if (key === '--measure') {
      measureFiles.push(value);
    } else {
      return `bad option '${key}'`;
    }
  }
  if (port === undefined) return '--port is required';
  return { port, stateFile, measureFiles };
}

/** Write `bytes` to `file` durably and all at once: a synced temporary file renamed into place. */
export function saveFileAtomically(file: string, bytes: Uint8Array): void {
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.tmp`);
  try {
    const fd = fs.openSync(tmp, 'w', 0o600);
    try {
      fs.writeSync(fd, bytes);
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(tmp, file);
  } finally {
    fs.rmSync(tmp, { force: true });
  }
}

/** The running server: both listening ports and the TPM behind them. */
export class VtpmServer {
  private lastSaved: Uint8Array | undefined;
  private lastMs = Math.floor(performance.now());
  private readonly servers: net.Server[] = [];
  private readonly sockets: Set<net.Socket>[] = [];

  private constructor(private readonly tpm: HostedTpm, private readonly stateFile: string | undefined, private readonly log: Out) {}

  /** Listen on 127.0.0.1:port (commands) and port+1 (platform); rejects when either cannot be bound. */
  static async start(tpm: HostedTpm, port: number, stateFile: string | undefined, log: Out): Promise<VtpmServer> {
    const self = new VtpmServer(tpm, stateFile, log);
    if (stateFile !== undefined) self.save();
    const service = new MssimService({
      tpm: self.clocked(), maxCommandSize: tpm.maxCommandSize, log, afterChange: () => self.saveOrComplain(),
    });
    try {
      await self.listen(port, s => service.serveCommand(s), 'command');
      await self.listen(port + 1, s => service.servePlatform(s), 'platform');
    } catch (e) {
      await self.close();
      throw e;
    }
    return self;
  }

  /** Save the state now when it changed since the last save (and there is a --state file). */
  save(): void {
    if (this.stateFile === undefined) return;
    const img = this.tpm.saveState();
    if (this.lastSaved !== undefined && Buffer.compare(img, this.lastSaved) === 0) return;
    saveFileAtomically(this.stateFile, img);
    this.lastSaved = img;
  }

  /** save(), a failure reported and not thrown: the next change tries again. */
  private saveOrComplain(): void {
    try { this.save(); } catch (e) { this.log(`tshype vtpm: saving the state to ${this.stateFile}: ${(e as Error).message}`); }
  }

  /** Stop listening and close every connection. */
  async close(): Promise<void> {
    for (const set of this.sockets) for (const s of set) s.destroy();
    await Promise.all(this.servers.map(s => new Promise<void>(resolve => s.close(() => resolve()))));
  }

  /** The TPM as the protocol sees it, its clock advanced before each command. */
  private clocked(): HostedTpm {
    const tpm = this.tpm;
    return {
      execute: (locality, cmd) => {
        const now = Math.floor(performance.now());
        if (now > this.lastMs) tpm.advanceClock(now - this.lastMs);
        this.lastMs = now;
        return tpm.execute(locality, cmd);
      },
      powerOn: () => tpm.powerOn(),
      powerOff: () => tpm.powerOff(),
      maxCommandSize: tpm.maxCommandSize,
      advanceClock: ms => tpm.advanceClock(ms),
      saveState: () => tpm.saveState(),
    };
  }

  private listen(port: number, serve: (s: net.Socket) => Promise<void>, what: string): Promise<void> {
    const server = net.createServer();
    this.servers.push(server);
    this.sockets.push(acceptInto(server, serve, this.log, what));
    return new Promise((resolve, reject) => {
      server.once('error', e => reject(new Error(`cannot listen on 127.0.0.1:${port} (${what} port): ${e.message}`)));
      server.listen({ port, host: '127.0.0.1', exclusive: true }, () => {
        server.on('error', e => this.log(`tshype vtpm: ${what} port: ${e.message}`));
        resolve();
      });
    });
  }
}

/** What `vtpm serve` reads before it opens the TPM: the state image and the launch digests. */
function readInputs(opts: ServeOptions, err: Out): { state?: Uint8Array; digests: Uint8Array[] } | undefined {
  let state: Uint8Array | undefined;
  const digests: Uint8Array[] = [];
  try {
    if (opts.stateFile !== undefined && fs.existsSync(opts.stateFile)) state = fs.readFileSync(opts.stateFile);
    for (const f of opts.measureFiles) digests.push(crypto.createHash('sha256').update(fs.readFileSync(f)).digest());
  } catch (e) {
    err(`tshype vtpm: ${(e as Error).message}`);
    return undefined;
  }
  return { state, digests };
}

/**
 * Run `vtpm serve` with `args` (after the words `vtpm serve`), the TPM opened by `open`. Returns
 * 2 for a usage or I/O error, 1 when the TPM cannot be opened (e.g. a state it refuses), or 0
 * once listening is under way; then the process lives while the server does, and ends with
 * status 1 when a port cannot be bound, 0 after SIGTERM/SIGINT (the state saved first).
 */
export function vtpmServe(args: string[], open: OpenTpm, out: Out, err: Out): number {
  const opts = parseServeArgs(args);
  if (typeof opts === 'string') { err(`tshype: ${opts}\nusage: ${SERVE_USAGE}`); return 2; }
  const inputs = readInputs(opts, err);
  if (inputs === undefined) return 2;
  const tpm = open({ state: inputs.state, entropy: crypto.randomBytes(48), launchDigests: inputs.digests });
  if (typeof tpm === 'string') {
    err(`tshype vtpm: ${tpm}`);
    return 1;
  }
  VtpmServer.start(tpm, opts.port, opts.stateFile, err).then(server => {
    const stop = (): void => {
      try { server.save(); } catch (e) { err(`tshype vtpm: saving the state: ${(e as Error).message}`); process.exit(1); }
      process.exit(0);
    };
    process.on('SIGTERM', stop);
    process.on('SIGINT', stop);
    out(`tshype vtpm: listening on 127.0.0.1:${opts.port} (platform ${opts.port + 1})`);
  }, (e: Error) => {
    err(`tshype vtpm: ${e.message}`);
    process.exitCode = 1;
  });
  return 0;
}
