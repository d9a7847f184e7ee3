#!/usr/bin/env node
// make bench-vtpm: TPM commands per second of `tshype vtpm serve` (the project's TPM engine, in
// Node) against swtpm (libtpms, C), both driven by this one client with the same command bytes
// over the same framing: the mssim protocol (u32 8, u8 locality, u32 size, command -> u32 size,
// response, u32 0), which swtpm 0.7 also accepts on its server port. Both servers run on
// 127.0.0.1 and are killed by PID at the end, on failure too.
//
// The client sends TPM2_Startup(CLEAR), creates a P-256 restricted ECDSA-SHA256 signing primary
// under the owner hierarchy (TPM2_CreatePrimary, password session) and checks one quote with
// Node's crypto; then, after WARMUP runs of each, it times N runs of each of PCR_Extend (PCR 16,
// password session), PCR_Read (sha256 PCR 16), GetRandom(32) and Quote (sha256 PCRs 0 and 16,
// password session). Every response code must be 0 (a failing command is not an operation).
// The rounds take turns between the two servers (BENCH_ROUNDS of each); per command the median
// round is shown, and the total is over those. Environment: BENCH_N (runs of each of the three
// cheap commands per round, default 2000), BENCH_QUOTES (default 300), BENCH_WARMUP (default 3000: our server is JIT-compiled
// by Node and reaches its steady rate only after a few thousand commands, ~3,000 PCR_Extend/s before, ~12,000 after),
// BENCH_ROUNDS (default 5: loopback round trips on a shared 2-core machine vary by 2-3x from run to run).
'use strict';
const crypto = require('crypto');
const fs = require('fs');
const net = require('net');
const os = require('os');
const path = require('path');
const { spawn } = require('child_process');

const ROOT = path.resolve(__dirname, '..', '..');
const N = Number(process.env.BENCH_N || 2000);
const QUOTES = Number(process.env.BENCH_QUOTES || 300);
const WARMUP = Number(process.env.BENCH_WARMUP || 3000);
const ROUNDS = Number(process.env.BENCH_ROUNDS || 5);
/** Seconds either server may live (both are killed earlier, at the end). */
const SERVER_TIMEOUT = '300';

// --- TPM 2.0 command bytes -------------------------------------------------------------------

const u8 = v => Buffer.from([v & 0xff]);
const u16 = v => { const b = Buffer.alloc(2); b.writeUInt16BE(v); return b; };
const u32 = v => { const b = Buffer.alloc(4); b.writeUInt32BE(v >>> 0); return b; };
const b2b = bytes => Buffer.concat([u16(bytes.length), bytes]);

const ST_NO_SESSIONS = 0x8001;
const ST_SESSIONS = 0x8002;
const RS_PW = 0x40000009;
const RH_OWNER = 0x40000001;
const ALG_SHA256 = 0x000b;
const ALG_NULL = 0x0010;
const ALG_ECDSA = 0x0018;
const ALG_ECC = 0x0023;
const ECC_NIST_P256 = 0x0003;
/** TPM_RC_RETRY, TPM_RC_TESTING, TPM_RC_YIELDED: warnings that ask for the command again. */
const AGAIN = new Set([0x922, 0x90a, 0x908]);

/** A whole command: header, handles, the authorization area (if any), parameters. */
function command(cc, handles, withPassword, params) {
  const auth = withPassword ? Buffer.concat([u32(9), u32(RS_PW), u16(0), u8(0), u16(0)]) : Buffer.alloc(0);
  const body = Buffer.concat([...handles.map(u32), auth, params]);
  return Buffer.concat([u16(withPassword ? ST_SESSIONS : ST_NO_SESSIONS), u32(10 + body.length), u32(cc), body]);
}

/** TPML_PCR_SELECTION of the sha256 bank, PCRs `pcrs`. */
function pcrSelection(pcrs) {
  const bits = Buffer.alloc(3);
  for (const p of pcrs) bits[p >> 3] |= 1 << (p & 7);
  return Buffer.concat([u32(1), u16(ALG_SHA256), u8(3), bits]);
}

const STARTUP_CLEAR = command(0x144, [], false, u16(0));
const PCR_EXTEND_16 = command(0x182, [16], true,
  Buffer.concat([u32(1), u16(ALG_SHA256), crypto.createHash('sha256').update('bench').digest()]));
const PCR_READ_16 = command(0x17e, [], false, pcrSelection([16]));
const GET_RANDOM_32 = command(0x17b, [], false, u16(32));
/** fixedTPM | fixedParent | sensitiveDataOrigin | userWithAuth | restricted | sign */
const AK_ATTRIBUTES = (1 << 1) | (1 << 4) | (1 << 5) | (1 << 6) | (1 << 16) | (1 << 18);
const AK_TEMPLATE = Buffer.concat([u16(ALG_ECC), u16(ALG_SHA256), u32(AK_ATTRIBUTES), u16(0),
  u16(ALG_NULL), u16(ALG_ECDSA), u16(ALG_SHA256), u16(ECC_NIST_P256), u16(ALG_NULL), u16(0), u16(0)]);
const CREATE_PRIMARY = command(0x131, [RH_OWNER], true,
  Buffer.concat([b2b(Buffer.concat([u16(0), u16(0)])), b2b(AK_TEMPLATE), u16(0), u32(0)]));
const NONCE = crypto.createHash('sha256').update('bench nonce').digest().subarray(0, 16);
const quote = key => command(0x158, [key], true, Buffer.concat([b2b(NONCE), u16(ALG_NULL), pcrSelection([0, 16])]));

// --- responses -------------------------------------------------------------------------------

/** Throws unless `rsp` is a whole response with code 0. */
function checkOk(name, rsp) {
  if (rsp.length < 10 || rsp.readUInt32BE(2) !== rsp.length) throw new Error(`${name}: malformed response ${rsp.toString('hex')}`);
  const rc = rsp.readUInt32BE(6);
  if (rc !== 0) throw new Error(`${name}: TPM response code 0x${rc.toString(16)}`);
  return rsp;
}

/** A reader over a response's parameter area. */
function reader(buf, at) {
  let o = at;
  return {
    u16() { const v = buf.readUInt16BE(o); o += 2; return v; },
    u32() { const v = buf.readUInt32BE(o); o += 4; return v; },
    b2b() { const n = buf.readUInt16BE(o); const v = buf.subarray(o + 2, o + 2 + n); o += 2 + n; return v; },
  };
}

/** CreatePrimary's response: the object handle and the public key as a Node KeyObject. */
function parseCreatePrimary(rsp) {
  const r = reader(rsp, 10);
  const handle = r.u32();
  r.u32();                                   // parameterSize
  const pub = reader(r.b2b(), 0);
  pub.u16(); pub.u16(); pub.u32(); pub.b2b(); // type, nameAlg, objectAttributes, authPolicy
  pub.u16(); pub.u16(); pub.u16(); pub.u16(); pub.u16(); // symmetric, scheme, its hash, curve, kdf
  const x = pub.b2b();
  const y = pub.b2b();
  const jwk = { kty: 'EC', crv: 'P-256', x: x.toString('base64url'), y: y.toString('base64url') };
  return { handle, key: crypto.createPublicKey({ key: jwk, format: 'jwk' }) };
}

/** Quote's response: TPMS_ATTEST and the signature as r||s. */
function parseQuote(rsp) {
  const r = reader(rsp, 10);
  r.u32();                                   // parameterSize
  const attest = r.b2b();
  const alg = r.u16();
  const hash = r.u16();
  const pad = b => Buffer.concat([Buffer.alloc(32 - b.length), b]);
  const rs = Buffer.concat([pad(r.b2b()), pad(r.b2b())]);
  return { attest, alg, hash, rs };
}

// --- the mssim client ------------------------------------------------------------------------

class MssimClient {
  constructor(sock) {
    this.sock = sock;
    this.buf = Buffer.alloc(0);
    this.wait = undefined;
    this.repeats = 0;
    sock.on('data', d => { this.buf = Buffer.concat([this.buf, d]); if (this.wait) this.wait(); });
    sock.on('close', () => { this.closed = true; if (this.wait) this.wait(); });
  }

  static connect(port) {
    return new Promise((resolve, reject) => {
      const sock = net.connect(port, '127.0.0.1', () => { sock.setNoDelay(true); resolve(new MssimClient(sock)); });
      sock.once('error', reject);
    });
  }

  /**
   * Send one command at locality 0; resolves to the response. A TPM asking for the command again
   * (TPM_RC_RETRY, TPM_RC_TESTING, TPM_RC_YIELDED) gets it again, as a TSS does, up to 100 times;
   * the repeats are counted in this.repeats and their time is the operation's.
   */
  async send(cmd) {
    for (let i = 0; ; i++) {
      const rsp = await this.sendOnce(cmd);
      if (i === 100 || rsp.length < 10 || !AGAIN.has(rsp.readUInt32BE(6))) return rsp;
      this.repeats++;
    }
  }

  async sendOnce(cmd) {
    this.sock.write(Buffer.concat([u32(8), u8(0), u32(cmd.length), cmd]));
    for (;;) {
      if (this.buf.length >= 4) {
        const n = this.buf.readUInt32BE(0);
        if (this.buf.length >= 8 + n) {
          const rsp = Buffer.from(this.buf.subarray(4, 4 + n));
          if (this.buf.readUInt32BE(4 + n) !== 0) throw new Error('mssim: the response is not followed by u32 0');
          this.buf = this.buf.subarray(8 + n);
          return rsp;
        }
      }
      if (this.closed) throw new Error('mssim: the server closed the connection');
      await new Promise(resolve => { this.wait = resolve; });
      this.wait = undefined;
    }
  }

  close() { this.sock.destroy(); }
}

// --- the servers -----------------------------------------------------------------------------

const children = new Set();
function killAll() {
  for (const c of children) { try { process.kill(c.pid, 'SIGTERM'); } catch { /* gone already */ } }
  children.clear();
}
process.on('exit', killAll);
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => { killAll(); process.exit(1); });

/** Start `cmd args` under timeout(1); resolves once a TCP connection to `port` succeeds. */
async function startServer(name, cmd, args, port) {
  const child = spawn('timeout', [SERVER_TIMEOUT, cmd, ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(child);
  let log = '';
  child.stdout.on('data', d => { log += d; });
  child.stderr.on('data', d => { log += d; });
  let exited = false;
  child.on('exit', () => { exited = true; });
  for (let i = 0; i < 600; i++) {
    if (exited) throw new Error(`${name} exited at start:\n${log}`);
    const up = await new Promise(resolve => {
      const s = net.connect(port, '127.0.0.1', () => { s.destroy(); resolve(true); });
      s.on('error', () => resolve(false));
    });
    if (up) return { name, child, port, log: () => log };
    await new Promise(resolve => setTimeout(resolve, 100));
  }
  throw new Error(`${name} did not listen on ${port} within 60 s:\n${log}`);
}

/** Two free consecutive ports on 127.0.0.1. */
async function freePortPair() {
  const bind = port => new Promise(resolve => {
    const s = net.createServer();
    s.once('error', () => resolve(undefined));
    s.listen({ port, host: '127.0.0.1', exclusive: true }, () => resolve(s));
  });
  for (let i = 0; i < 50; i++) {
    const a = await bind(0);
    if (a === undefined) continue;
    const port = a.address().port;
    const b = port < 65535 ? await bind(port + 1) : undefined;
    await new Promise(resolve => a.close(resolve));
    if (b !== undefined) { await new Promise(resolve => b.close(resolve)); return port; }
  }
  throw new Error('no two consecutive free ports');
}

// --- the measurement -------------------------------------------------------------------------

/** Time `runs` runs of `cmd` (after WARMUP, at most `runs` for the slow Quote); each response must be code 0. */
async function timeCommand(client, name, cmd, runs, check) {
  const warm = name === 'Quote' ? Math.min(WARMUP, runs) : WARMUP;
  for (let i = 0; i < warm; i++) check(checkOk(name, await client.send(cmd)));
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < runs; i++) check(checkOk(name, await client.send(cmd)));
  const s = Number(process.hrtime.bigint() - t0) / 1e9;
  return { name, runs, seconds: s };
}

/** Start-up, the primary key and one quote verified with Node; the client and the key's handle. */
async function prepare(server) {
  const client = await MssimClient.connect(server.port);
  checkOk('Startup(CLEAR)', await client.send(STARTUP_CLEAR));
  const primary = parseCreatePrimary(checkOk('CreatePrimary', await client.send(CREATE_PRIMARY)));
  const q = parseQuote(checkOk('Quote', await client.send(quote(primary.handle))));
  if (q.alg !== ALG_ECDSA || q.hash !== ALG_SHA256) throw new Error(`Quote: signature scheme 0x${q.alg.toString(16)}/0x${q.hash.toString(16)}`);
  if (!crypto.verify('sha256', q.attest, { key: primary.key, dsaEncoding: 'ieee-p1363' }, q.rs)) {
    throw new Error(`${server.name}: the quote does not verify with the primary's public key`);
  }
  return { server, client, handle: primary.handle };
}

/** One round of the mix. */
async function measure({ client, handle }) {
  const none = () => undefined;
  const random = rsp => { if (rsp.readUInt16BE(10) !== 32) throw new Error('GetRandom: not 32 bytes'); };
  return [
    await timeCommand(client, 'PCR_Extend', PCR_EXTEND_16, N, none),
    await timeCommand(client, 'PCR_Read', PCR_READ_16, N, none),
    await timeCommand(client, 'GetRandom(32)', GET_RANDOM_32, N, random),
    await timeCommand(client, 'Quote', quote(handle), QUOTES, none),
  ];
}

async function finish({ server, client, handle }) {
  checkOk('FlushContext', await client.send(command(0x165, [], false, u32(handle))));
  if (client.repeats > 0) console.log(`  ${server.name}: ${client.repeats} command(s) sent again after TPM_RC_RETRY/TESTING/YIELDED`);
  client.close();
}

/** Per command, the round with the median rate. */
function median(rounds) {
  return rounds[0].map((_, i) => {
    const sorted = rounds.map(r => r[i]).sort((a, b) => a.runs / a.seconds - b.runs / b.seconds);
    return sorted[sorted.length >> 1];
  });
}

function table(ours, theirs) {
  const rate = r => r.runs / r.seconds;
  const rows = [['command', 'runs', 'tshype op/s', 'swtpm op/s', 'ours/swtpm']];
  for (let i = 0; i < ours.length; i++) {
    rows.push([ours[i].name, String(ours[i].runs), rate(ours[i]).toFixed(1), rate(theirs[i]).toFixed(1), (rate(ours[i]) / rate(theirs[i])).toFixed(3)]);
  }
  const total = rs => ({ runs: rs.reduce((a, r) => a + r.runs, 0), seconds: rs.reduce((a, r) => a + r.seconds, 0) });
  const [to, tt] = [total(ours), total(theirs)];
  rows.push(['total (the mix)', String(to.runs), rate(to).toFixed(1), rate(tt).toFixed(1), (rate(to) / rate(tt)).toFixed(3)]);
  const widths = rows[0].map((_, c) => Math.max(...rows.map(r => r[c].length)));
  for (const r of rows) console.log('  ' + r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join('  '));
  console.log(`  time: tshype ${to.seconds.toFixed(2)} s, swtpm ${tt.seconds.toFixed(2)} s`);
}

/**
 * The engine alone, in this process, without the protocol and the loopback round trip: the same
 * command bytes through execute(), so the table above can be read as server cost vs TPM cost.
 */
function engineAlone() {
  require(path.join(ROOT, 'scripts/tsnc/register.cjs'));
  const { TpmInstance } = require(path.join(ROOT, 'vtpm/tpm/instance.ts'));
  const { execute } = require(path.join(ROOT, 'vtpm/tpm/engine.ts'));
  const { addEntropy, powerOn } = require(path.join(ROOT, 'vtpm/tpm/platform.ts'));
  const tpm = new TpmInstance(0);
  addEntropy(tpm, crypto.randomBytes(48), 0, 48);
  powerOn(tpm);
  const rsp = new Uint8Array(4096);
  const run = (name, cmd) => {
    const n = execute(tpm, 0, cmd, cmd.length, rsp);
    const rc = Buffer.from(rsp.buffer, 0, n).readUInt32BE(6);
    if (rc !== 0) throw new Error(`engine alone: ${name} answered 0x${rc.toString(16)}`);
    return Buffer.from(rsp.subarray(0, n));
  };
  run('Startup(CLEAR)', STARTUP_CLEAR);
  const handle = parseCreatePrimary(run('CreatePrimary', CREATE_PRIMARY)).handle;
  const rows = [];
  for (const [name, cmd, runs] of [['PCR_Extend', PCR_EXTEND_16, 20000], ['PCR_Read', PCR_READ_16, 20000],
    ['GetRandom(32)', GET_RANDOM_32, 20000], ['Quote', quote(handle), 2000]]) {
    for (let i = 0; i < runs; i++) run(name, cmd);
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < runs; i++) run(name, cmd);
    const us = Number(process.hrtime.bigint() - t0) / 1e3 / runs;
    rows.push(`${name} ${us.toFixed(1)} us`);
  }
  console.log(`  the engine alone (execute() in this process, no protocol): ${rows.join(', ')}`);
}

async function main() {
  const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tshype-bench-swtpm-'));
  try {
    const ourPort = await freePortPair();
    const ours = await startServer('tshype vtpm serve', 'node', ['scripts/tshype-cli/bin/tshype.cjs', 'vtpm', 'serve', '--port', String(ourPort)], ourPort);
    const swPort = await freePortPair();
    const sw = await startServer('swtpm', 'swtpm', ['socket', '--tpm2', '--server', `type=tcp,port=${swPort}`,
      '--ctrl', `type=tcp,port=${swPort + 1}`, '--tpmstate', `dir=${stateDir}`, '--flags', 'not-need-init'], swPort);
    console.log(`bench-vtpm: ${N} runs of each command (${QUOTES} quotes) after ${WARMUP} warm-up runs, one client, mssim framing;`);
    console.log(`  ${ROUNDS} rounds taking turns between the servers, the median round of each command shown`);
    const a = await prepare(ours);
    const b = await prepare(sw);
    const [ra, rb] = [[], []];
    for (let i = 0; i < ROUNDS; i++) { ra.push(await measure(a)); rb.push(await measure(b)); }
    await finish(a);
    await finish(b);
    table(median(ra), median(rb));
    engineAlone();
  } finally {
    killAll();
    fs.rmSync(stateDir, { recursive: true, force: true });
  }
}

main().catch(e => {
  console.error(`bench-vtpm: ${e.stack || e.message}`);
  killAll();
  process.exit(1);
});
