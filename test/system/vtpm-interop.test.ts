/**
 * Interop of the vTPM with stock tpm2-tools: `tshype vtpm serve` (one TPM engine instance in
 * Node behind the mssim protocol) driven by tpm2_* over TPM2TOOLS_TCTI=mssim, each step checked
 * against values computed here with Node's crypto: random numbers, PCR extend/read/reset, the
 * measured launch in PCR 17, a restricted ECDSA P-256 attestation key under an owner primary,
 * a quote verified by tpm2_checkquote and by Node, NV define/write/read/undefine, hashing,
 * self test, capabilities; the server surviving garbage on both ports and concurrent clients;
 * the state file carrying NV across a restart. Skipped only when tpm2-tools are not installed.
 */
import { expect } from 'chai';
import { ChildProcess, spawn, spawnSync } from 'child_process';
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';
import { Run, TOP, run, show } from './helpers';

const TOOLS = ['tpm2_startup', 'tpm2_getrandom', 'tpm2_pcrextend', 'tpm2_pcrread', 'tpm2_pcrreset', 'tpm2_createprimary',
  'tpm2_flushcontext', 'tpm2_create', 'tpm2_load', 'tpm2_quote', 'tpm2_readpublic', 'tpm2_checkquote', 'tpm2_nvdefine',
  'tpm2_nvwrite', 'tpm2_nvread', 'tpm2_nvreadpublic', 'tpm2_nvundefine', 'tpm2_hash', 'tpm2_selftest', 'tpm2_getcap'];
/** Seconds any one tool may take. */
const TOOL_TIMEOUT = '60';
const NV_INDEX = '0x1500016';

/** The tools that are not installed. */
function missingTools(): string[] {
  return TOOLS.filter(t => spawnSync('sh', ['-c', `command -v ${t}`]).status !== 0);
}

/** Two free consecutive TCP ports on 127.0.0.1 (P for commands, P+1 for the platform). */
async function freePortPair(): Promise<number> {
  const bind = (port: number): Promise<net.Server | undefined> => new Promise(resolve => {
    const s = net.createServer();
    s.once('error', () => resolve(undefined));
    s.listen({ port, host: '127.0.0.1', exclusive: true }, () => resolve(s));
  });
  const close = (s: net.Server | undefined): Promise<void> => new Promise(resolve => (s ? s.close(() => resolve()) : resolve()));
  for (let i = 0; i < 50; i++) {
    const a = await bind(0);
    const port = (a?.address() as net.AddressInfo | undefined)?.port;
    if (a === undefined || port === undefined || port >= 65535) { await close(a); continue; }
    const b = await bind(port + 1);
    await close(a);
    await close(b);
    if (b !== undefined) return port;
  }
  throw new Error('no two consecutive free ports');
}

/** A `vtpm serve` process and everything it printed. */
class Server {
  stdout = '';
  stderr = '';
  exit: number | null | undefined = undefined;
  readonly child: ChildProcess;

  constructor(args: string[]) {
    this.child = spawn('node', ['scripts/tshype-cli/bin/tshype.cjs', 'vtpm', 'serve', ...args],
      { cwd: TOP, stdio: ['ignore', 'pipe', 'pipe'] });
    this.child.stdout!.on('data', (d: Buffer) => { this.stdout += d.toString('latin1'); });
    this.child.stderr!.on('data', (d: Buffer) => { this.stderr += d.toString('latin1'); });
    this.child.on('exit', code => { this.exit = code; });
  }

  /** Resolves when the listening line is out; rejects when the server exits or 60 s pass. */
  ready(): Promise<void> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => { this.kill(); reject(new Error(`no listening line in 60 s\n${this.describe()}`)); }, 60_000);
      const check = (): void => {
        if (/tshype vtpm: listening on 127\.0\.0\.1:\d+ \(platform \d+\)/.test(this.stdout)) { clearTimeout(timer); resolve(); }
      };
      this.child.stdout!.on('data', check);
      this.child.on('exit', () => { clearTimeout(timer); reject(new Error(`server exited before listening\n${this.describe()}`)); });
      check();
    });
  }

  /** Resolves with the exit status once the process has ended (killed after `ms`). */
  ended(ms = 30_000): Promise<number | null> {
    if (this.exit !== undefined) return Promise.resolve(this.exit);
    return new Promise(resolve => {
      const timer = setTimeout(() => this.kill('SIGKILL'), ms);
      this.child.on('exit', code => { clearTimeout(timer); resolve(code); });
    });
  }

  kill(signal: NodeJS.Signals = 'SIGTERM'): void {
    if (this.exit === undefined && this.child.pid !== undefined) process.kill(this.child.pid, signal);
  }

  describe(): string {
    return `server exit ${this.exit}\n--- server stdout\n${this.stdout}\n--- server stderr\n${this.stderr}`;
  }
}

const sha256 = (...parts: Uint8Array[]): Buffer => {
  const h = crypto.createHash('sha256');
  for (const p of parts) h.update(p);
  return h.digest();
};
const ZERO32 = Buffer.alloc(32);

/** PCR `index` of the sha256 bank from tpm2_pcrread output. */
function pcrFrom(r: Run, index: number): string {
  const m = new RegExp(`^\\s*${index}\\s*: 0x([0-9A-Fa-f]{64})\\s*$`, 'm').exec(r.stdout);
  expect(m, `PCR ${index} in tpm2_pcrread output\n${show(r)}`).to.not.equal(null);
  return m![1].toLowerCase();
}

/** Send `bytes` to 127.0.0.1:port and wait (up to 5 s) for the server to close the connection. */
function sendAndWaitClose(port: number, bytes: Buffer, end: boolean): Promise<'closed' | 'open'> {
  return new Promise(resolve => {
    const s = net.connect(port, '127.0.0.1', () => { s.write(bytes); if (end) s.end(); });
    const timer = setTimeout(() => { s.destroy(); resolve('open'); }, 5_000);
    s.on('data', () => undefined);
    s.on('error', () => undefined);
    s.on('close', () => { clearTimeout(timer); resolve('closed'); });
  });
}

/** Parsed TPMS_ATTEST of a quote: the fields the test checks. */
function parseQuote(msg: Buffer): { magic: number; type: number; extraData: Buffer; select: Buffer; pcrDigest: Buffer } {
  let o = 0;
  const u16 = (): number => { const v = msg.readUInt16BE(o); o += 2; return v; };
  const u32 = (): number => { const v = msg.readUInt32BE(o); o += 4; return v; };
  const b2b = (): Buffer => { const n = u16(); const v = msg.subarray(o, o + n); o += n; return v; };
  const magic = u32();
  const type = u16();
  b2b();                  // qualifiedSigner
  const extraData = b2b();
  o += 17 + 8;            // clockInfo, firmwareVersion
  const count = u32();
  expect(count, 'one PCR selection in the quote').to.equal(1);
  const start = o;
  o += 2;
  o += 1 + msg[o];
  const select = msg.subarray(start, o);
  const pcrDigest = b2b();
  expect(o, 'TPMS_ATTEST fully parsed').to.equal(msg.length);
  return { magic, type, extraData, select, pcrDigest };
}

/** The ECDSA signature of a TPMT_SIGNATURE as r||s (32 bytes each). */
function ecdsaOf(sig: Buffer): { alg: number; hash: number; rs: Buffer } {
  const alg = sig.readUInt16BE(0);
  const hash = sig.readUInt16BE(2);
  const rLen = sig.readUInt16BE(4);
  const r = sig.subarray(6, 6 + rLen);
  const sLen = sig.readUInt16BE(6 + rLen);
  const s = sig.subarray(8 + rLen, 8 + rLen + sLen);
  expect(8 + rLen + sLen, 'TPMT_SIGNATURE length').to.equal(sig.length);
  const pad = (b: Buffer): Buffer => Buffer.concat([Buffer.alloc(32 - b.length), b]);
  return { alg, hash, rs: Buffer.concat([pad(r), pad(s)]) };
}

const missing = missingTools();

describe('vTPM interop: tpm2-tools against tshype vtpm serve', function () {
  this.timeout(120_000);
  let server: Server;
  let dir: string;
  let port: number;
  const image = crypto.randomBytes(5000);
  const f = (name: string): string => path.join(dir, name);
  const tpm2 = (tool: string, ...args: string[]): Promise<Run> =>
    run('timeout', [TOOL_TIMEOUT, tool, ...args], { TPM2TOOLS_TCTI: `mssim:host=127.0.0.1,port=${port}` });
  const ok = async (tool: string, ...args: string[]): Promise<Run> => {
    const r = await tpm2(tool, ...args);
    expect(r.status, `${tool} ${args.join(' ')}\n${show(r)}\n${server.describe()}`).to.equal(0);
    return r;
  };
  const flush = (): Promise<Run> => ok('tpm2_flushcontext', '-t');
  const nonce = crypto.randomBytes(16).toString('hex');

  before(async function () {
    if (missing.length > 0) {
      console.log(`      skipped: tpm2-tools not installed (missing ${missing.join(', ')}); scripts/install-deps.sh installs them`);
      this.skip();
    }
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tshype-vtpm-'));
    fs.writeFileSync(f('image.bin'), image);
    port = await freePortPair();
    server = new Server(['--port', String(port), '--measure', f('image.bin')]);
    await server.ready();
  });

  after(async () => {
    if (server !== undefined) { server.kill(); await server.ended(); }
    if (dir !== undefined) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('tpm2_startup -c: TPM2_Startup(CLEAR) succeeds', async () => {
    await ok('tpm2_startup', '-c');
  });

  it('tpm2_getrandom --hex 16: 32 hex digits, two calls differ', async () => {
    const a = (await ok('tpm2_getrandom', '--hex', '16')).stdout.trim();
    const b = (await ok('tpm2_getrandom', '--hex', '16')).stdout.trim();
    expect(a).to.match(/^[0-9a-f]{32}$/);
    expect(b).to.match(/^[0-9a-f]{32}$/);
    expect(a).to.not.equal(b);
  });

  it('tpm2_pcrextend 16 then tpm2_pcrread: SHA-256(zeros || digest)', async () => {
    const digest = crypto.randomBytes(32);
    await ok('tpm2_pcrextend', `16:sha256=${digest.toString('hex')}`);
    const r = await ok('tpm2_pcrread', 'sha256:16');
    expect(pcrFrom(r, 16)).to.equal(sha256(ZERO32, digest).toString('hex'));
  });

  it('tpm2_pcrread 17: the measured launch, SHA-256(zeros || SHA-256(image))', async () => {
    const r = await ok('tpm2_pcrread', 'sha256:17');
    expect(pcrFrom(r, 17)).to.equal(sha256(ZERO32, sha256(image)).toString('hex'));
  });

  it('tpm2_pcrreset 16: back to zero', async () => {
    await ok('tpm2_pcrreset', '16');
    const r = await ok('tpm2_pcrread', 'sha256:16');
    expect(pcrFrom(r, 16)).to.equal(ZERO32.toString('hex'));
  });

  it('tpm2_createprimary -C o -G ecc: an owner primary saved as a context', async () => {
    await ok('tpm2_createprimary', '-C', 'o', '-G', 'ecc', '-c', f('primary.ctx'));
    expect(fs.statSync(f('primary.ctx')).size).to.be.greaterThan(0);
    await flush();
  });

  it('tpm2_create: a restricted ECDSA P-256 signing key under the primary', async () => {
    await ok('tpm2_create', '-C', f('primary.ctx'), '-G', 'ecc256:ecdsa-sha256:null',
      '-a', 'fixedtpm|fixedparent|sensitivedataorigin|userwithauth|restricted|sign', '-u', f('ak.pub'), '-r', f('ak.priv'));
    await flush();
  });

  it('tpm2_load: the key loads under the primary', async () => {
    await ok('tpm2_load', '-C', f('primary.ctx'), '-u', f('ak.pub'), '-r', f('ak.priv'), '-c', f('ak.ctx'));
    await flush();
  });

  it('tpm2_quote of sha256:0,16,17: attests the nonce and the PCR digest', async () => {
    await ok('tpm2_quote', '-c', f('ak.ctx'), '-l', 'sha256:0,16,17', '-q', nonce, '-m', f('quote.msg'),
      '-s', f('quote.sig'), '-o', f('pcrs.out'), '-g', 'sha256');
    await flush();
    const q = parseQuote(fs.readFileSync(f('quote.msg')));
    expect(q.magic.toString(16)).to.equal('ff544347');       // TPM_GENERATED_VALUE
    expect(q.type.toString(16)).to.equal('8018');            // TPM_ST_ATTEST_QUOTE
    expect(q.extraData.toString('hex')).to.equal(nonce);
    expect(q.select.toString('hex')).to.equal('000b03010003'); // sha256, PCRs 0, 16, 17
    const r = await ok('tpm2_pcrread', 'sha256:0,16,17');
    const values = [0, 16, 17].map(i => Buffer.from(pcrFrom(r, i), 'hex'));
    expect(q.pcrDigest.toString('hex')).to.equal(sha256(...values).toString('hex'));
  });

  it('tpm2_readpublic -f pem: the attestation key as PEM', async () => {
    await ok('tpm2_readpublic', '-c', f('ak.ctx'), '-o', f('ak.pem'), '-f', 'pem');
    await flush();
    const key = crypto.createPublicKey(fs.readFileSync(f('ak.pem')));
    expect(key.asymmetricKeyType).to.equal('ec');
    expect(key.asymmetricKeyDetails?.namedCurve).to.equal('prime256v1');
  });

  it('tpm2_checkquote: the quote verifies', async () => {
    await ok('tpm2_checkquote', '-u', f('ak.pem'), '-m', f('quote.msg'), '-s', f('quote.sig'), '-f', f('pcrs.out'),
      '-g', 'sha256', '-q', nonce);
  });

  it('quote signature: ECDSA P-256 SHA-256 over quote.msg, verified with Node', () => {
    const sig = ecdsaOf(fs.readFileSync(f('quote.sig')));
    expect(sig.alg.toString(16)).to.equal('18');   // TPM_ALG_ECDSA
    expect(sig.hash.toString(16)).to.equal('b');   // TPM_ALG_SHA256
    const key = { key: fs.readFileSync(f('ak.pem')), dsaEncoding: 'ieee-p1363' as const };
    const msg = fs.readFileSync(f('quote.msg'));
    expect(crypto.verify('sha256', msg, key, sig.rs), 'Node verifies the quote').to.equal(true);
    msg[msg.length - 1] ^= 1;
    expect(crypto.verify('sha256', msg, key, sig.rs), 'Node refuses a changed quote').to.equal(false);
  });

  it('tpm2_checkquote refuses a quote with one byte flipped', async () => {
    const msg = fs.readFileSync(f('quote.msg'));
    msg[msg.length >> 1] ^= 0x01;
    fs.writeFileSync(f('bad.msg'), msg);
    const r = await tpm2('tpm2_checkquote', '-u', f('ak.pem'), '-m', f('bad.msg'), '-s', f('quote.sig'), '-f', f('pcrs.out'),
      '-g', 'sha256', '-q', nonce);
    expect(r.status, show(r)).to.not.equal(0);
  });

  it('tpm2_nvdefine: a 32-byte owner index, listed by tpm2_nvreadpublic', async () => {
    await ok('tpm2_nvdefine', NV_INDEX, '-C', 'o', '-s', '32', '-a', 'ownerread|ownerwrite|authread|authwrite');
    const r = await ok('tpm2_nvreadpublic', NV_INDEX);
    expect(r.stdout).to.contain(NV_INDEX);
    expect(r.stdout).to.match(/size:\s*32/);
  });

  it('tpm2_nvwrite then tpm2_nvread: the bytes written come back', async () => {
    const data = crypto.randomBytes(32);
    fs.writeFileSync(f('nv.in'), data);
    await ok('tpm2_nvwrite', NV_INDEX, '-C', 'o', '-i', f('nv.in'));
    await ok('tpm2_nvread', NV_INDEX, '-C', 'o', '-s', '32', '-o', f('nv.out'));
    expect(fs.readFileSync(f('nv.out')).toString('hex')).to.equal(data.toString('hex'));
  });

  it('tpm2_nvundefine: the index is gone', async () => {
    await ok('tpm2_nvundefine', NV_INDEX, '-C', 'o');
    const r = await tpm2('tpm2_nvread', NV_INDEX, '-C', 'o', '-s', '32', '-o', f('nv.gone'));
    expect(r.status, show(r)).to.not.equal(0);
  });

  it('tpm2_hash -g sha256 --hex: 100 bytes (TPM2_Hash), the same digest as Node', async () => {
    const data = crypto.randomBytes(100);
    fs.writeFileSync(f('small.bin'), data);
    const r = await ok('tpm2_hash', '-g', 'sha256', '--hex', f('small.bin'));
    expect(r.stdout.trim()).to.equal(sha256(data).toString('hex'));
  });

  it('tpm2_hash -g sha256 --hex: 3000 bytes (a hash sequence), the same digest as Node', async () => {
    const data = crypto.randomBytes(3000);
    fs.writeFileSync(f('big.bin'), data);
    const r = await ok('tpm2_hash', '-g', 'sha256', '--hex', f('big.bin'));
    expect(r.stdout.trim()).to.equal(sha256(data).toString('hex'));
  });

  it('tpm2_selftest: succeeds', async () => {
    await ok('tpm2_selftest');
  });

  it('tpm2_getcap properties-fixed: a TPM 2.0 family', async () => {
    const r = await ok('tpm2_getcap', 'properties-fixed');
    expect(r.stdout).to.match(/TPM2_PT_FAMILY_INDICATOR:\s*\n\s*raw: 0x322E3000/);
  });

  it('tpm2_getcap algorithms: lists sha256 and ecc', async () => {
    const r = await ok('tpm2_getcap', 'algorithms');
    expect(r.stdout).to.match(/^sha256:/m);
    expect(r.stdout).to.match(/^ecc:/m);
  });

  it('garbage on both ports closes those connections; the server goes on serving, idle clients too', async () => {
    const garbage = (): Buffer => { const b = crypto.randomBytes(2048); b.writeUInt32BE(0xdeadbeef, 0); return b; };
    const frame = (size: number, body: Buffer): Buffer => {
      const h = Buffer.alloc(9);
      h.writeUInt32BE(8, 0);
      h.writeUInt32BE(size, 5);
      return Buffer.concat([h, body]);
    };
    // an idle connection on each port stays open while everything below happens
    const idle = [net.connect(port, '127.0.0.1'), net.connect(port + 1, '127.0.0.1')];
    for (const s of idle) s.on('error', () => undefined);
    try {
      expect(await sendAndWaitClose(port, garbage(), false), 'unknown command word').to.equal('closed');
      expect(await sendAndWaitClose(port + 1, garbage(), false), 'unknown platform signal').to.equal('closed');
      expect(await sendAndWaitClose(port, frame(0x01000000, Buffer.alloc(16)), false), 'oversized command').to.equal('closed');
      expect(await sendAndWaitClose(port, frame(100, Buffer.alloc(10)), true), 'truncated command').to.equal('closed');
      expect(await sendAndWaitClose(port, Buffer.from([0, 0]), true), 'truncated word').to.equal('closed');
      const a = (await ok('tpm2_getrandom', '--hex', '16')).stdout.trim();
      expect(a).to.match(/^[0-9a-f]{32}$/);
      await ok('tpm2_pcrread', 'sha256:17');
      expect(idle.every(s => !s.destroyed), 'idle connections still open').to.equal(true);
    } finally {
      for (const s of idle) s.destroy();
    }
    expect(server.exit, server.describe()).to.equal(undefined);
    expect(server.stderr).to.match(/command connection \d+: unknown command-port word 0xdeadbeef; closing/);
    expect(server.stderr).to.match(/platform connection \d+: unsupported platform signal 0xdeadbeef; closing/);
    expect(server.stderr).to.match(/command of 16777216 bytes is larger than \d+; closing/);
  });
});

describe('vTPM serve: the state file, refusals and usage', function () {
  this.timeout(120_000);
  let dir: string;
  let port: number;
  const running: Server[] = [];
  const start = (...args: string[]): Server => { const s = new Server(args); running.push(s); return s; };
  const tpm2 = (tool: string, ...args: string[]): Promise<Run> =>
    run('timeout', [TOOL_TIMEOUT, tool, ...args], { TPM2TOOLS_TCTI: `mssim:host=127.0.0.1,port=${port}` });
  const ok = async (tool: string, ...args: string[]): Promise<Run> => {
    const r = await tpm2(tool, ...args);
    expect(r.status, `${tool} ${args.join(' ')}\n${show(r)}\n${running.map(s => s.describe()).join('\n')}`).to.equal(0);
    return r;
  };

  before(async function () {
    if (missing.length > 0) {
      console.log(`      skipped: tpm2-tools not installed (missing ${missing.join(', ')})`);
      this.skip();
    }
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tshype-vtpm-state-'));
    port = await freePortPair();
  });

  after(async () => {
    for (const s of running) { s.kill(); await s.ended(); }
    if (dir !== undefined) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('--state: an NV index written before SIGTERM is there after a restart', async () => {
    const state = path.join(dir, 'tpm.state');
    const data = crypto.randomBytes(32);
    fs.writeFileSync(path.join(dir, 'nv.in'), data);
    const first = start('--port', String(port), '--state', state);
    await first.ready();
    await ok('tpm2_startup', '-c');
    await ok('tpm2_nvdefine', NV_INDEX, '-C', 'o', '-s', '32', '-a', 'ownerread|ownerwrite|authread|authwrite');
    await ok('tpm2_nvwrite', NV_INDEX, '-C', 'o', '-i', path.join(dir, 'nv.in'));
    first.kill('SIGTERM');
    expect(await first.ended(), first.describe()).to.equal(0);
    expect(fs.statSync(state).size).to.be.greaterThan(0);
    expect(fs.readdirSync(dir).filter(n => n.endsWith('.tmp')), 'no temporary file left').to.deep.equal([]);

    const second = start('--port', String(port), '--state', state);
    await second.ready();
    await ok('tpm2_startup', '-c');
    await ok('tpm2_nvread', NV_INDEX, '-C', 'o', '-s', '32', '-o', path.join(dir, 'nv.out'));
    expect(fs.readFileSync(path.join(dir, 'nv.out')).toString('hex')).to.equal(data.toString('hex'));
    await ok('tpm2_nvundefine', NV_INDEX, '-C', 'o');
    second.kill('SIGTERM');
    expect(await second.ended(), second.describe()).to.equal(0);
  });

  it('--state with a corrupt image: refuses to start, status 1, the file untouched', async () => {
    const state = path.join(dir, 'corrupt.state');
    const junk = crypto.randomBytes(300);
    fs.writeFileSync(state, junk);
    const s = start('--port', String(port), '--state', state);
    expect(await s.ended(), s.describe()).to.equal(1);
    expect(s.stdout).to.not.contain('listening');
    expect(s.stderr).to.match(/tshype vtpm: .*state/i);
    expect(fs.readFileSync(state).equals(junk)).to.equal(true);
  });

  it('usage errors: status 2 and the usage text', async () => {
    for (const args of [[], ['--port'], ['--port', 'x'], ['--port', '70000'], ['--port', '1', '--bogus', 'y']]) {
      const s = start(...args);
      expect(await s.ended(), `${args.join(' ')}\n${s.describe()}`).to.equal(2);
      expect(s.stderr).to.contain('usage: tshype vtpm serve --port P [--state FILE] [--measure FILE]...');
    }
  });

  it('a port already in use: status 1 with a message', async () => {
    const blocker = net.createServer();
    await new Promise<void>(resolve => blocker.listen({ port, host: '127.0.0.1' }, () => resolve()));
    try {
      const s = start('--port', String(port));
      expect(await s.ended(), s.describe()).to.equal(1);
      expect(s.stderr).to.match(/cannot listen on 127\.0\.0\.1:\d+ \(command port\)/);
    } finally {
      await new Promise<void>(resolve => blocker.close(() => resolve()));
    }
  });
});
