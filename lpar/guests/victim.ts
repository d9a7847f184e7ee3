/**
 * A fuzzer's victim (lpar/configs/fuzz.ts): runs beside lpar/guests/fuzzer.ts and keeps
 * working while it is attacked. It fills REGION with a checksummed pattern and then, chunk by
 * chunk, checks each chunk against what it last wrote and rewrites it with the next
 * generation's pattern; it registers a CRQ on its one device (a CRQ end paired with the
 * fuzzer), drains its queue, sends the fuzzer a message now and then (as a server, also copies
 * into the fuzzer's window with H_COPY_RDMA), and prints a progress line every PROGRESS chunks.
 *
 * It stops when the fuzzer says it is done (a CRQ message with DONE_MAGIC), when the fuzzer
 * stops (transport event 0xFF/0x01, or its sends find the pair closed for CLOSED_SECONDS: an
 * event can be lost in a full queue) or after MAX_SECONDS; then it checks the whole region
 * once more, reports (chunks checked, mismatches) with H_TSHYPE_REPORT, so that a single word
 * of it changed by anyone else fails the run (hv/boot.ts isolationSummary), and halts with
 * status 0 (1 after a mismatch).
 */
import { load64, load8, mftb, store64, store8, type u64 } from 'tsnc';
import { H_CONFER, H_TSHYPE_REPORT, hcall } from './lib';
import { endLine, put, putDecimal, putHex } from './line';

/** The checksummed region: 8 MiB from 8 MiB. */
const REGION: u64 = 0x800000n;
const CHUNK_BYTES = 0x10000;
const CHUNKS = 128;
/** The CRQ queue (window page 0) and an RDMA buffer (window page 1). */
const QUEUE: u64 = 0x1000000n;
const QUEUE_BYTES = 4096;
const UNIT: u64 = 0x30000001n;
const REMOTE_LIOBN: u64 = 0x80000000n;
/** A progress line every this many chunks. */
const PROGRESS = 2048;
/** Give up waiting for the fuzzer after this long (seconds of a 512 MHz timebase). */
const MAX_SECONDS = 3600;
const TB_HZ: u64 = 512000000n;
/** The fuzzer has stopped when the pair stays closed this long (it reopens its end at once). */
const CLOSED_SECONDS = 5;
const H_CLOSED: u64 = 2n;

const H_PUT_TCE: u64 = 0x20n;
const H_REG_CRQ: u64 = 0xfcn;
const H_SEND_CRQ: u64 = 0x108n;
const H_COPY_RDMA: u64 = 0x110n;
const CRQ_COMMAND: u64 = 0x8000000000000000n;
const DONE_MAGIC: u64 = 0x46555a5a444f4e45n;   // fuzzer.ts DONE_MAGIC
const VALID_TRANSPORT = 0xff;
const EVENT_PARTNER_FAILED = 0x01;

/** Each chunk's generation: what it was last written with. */
const generation = new Uint32Array(CHUNKS);
let checks = 0;
let mismatches = 0;
/** When its sends started to find the pair closed (0: they do not). */
let closedSince: u64 = 0n;
let done = false;
let messages = 0;

/** The pattern word at `a` in generation `g`. */
function word(a: u64, g: number): u64 {
  return BigInt.asUintN(64, (a * 0x9e3779b97f4a7c15n) ^ (BigInt(g) << 40n) ^ 0x5a5a5a5a5a5a5a5an);
}

function chunkBase(c: number): u64 {
  return BigInt.asUintN(64, REGION + BigInt(c * CHUNK_BYTES));
}

/** Check chunk c against its generation: false (and a printed line) on a mismatch. */
function verify(c: number): boolean {
  const base = chunkBase(c), g = generation[c];
  checks++;
  for (let off = 0; off < CHUNK_BYTES; off += 8) {
    const a: u64 = BigInt.asUintN(64, base + BigInt(off));
    const got = load64(a);
    if (got === word(a, g)) continue;
    mismatches++;
    put('victim: MISMATCH at ');
    putHex(a);
    put(': ');
    putHex(got);
    put(', expected ');
    putHex(word(a, g));
    endLine();
    return false;
  }
  return true;
}

/** Write chunk c with generation g. */
function fill(c: number, g: number): void {
  const base = chunkBase(c);
  generation[c] = g;
  for (let off = 0; off < CHUNK_BYTES; off += 8) {
    const a: u64 = BigInt.asUintN(64, base + BigInt(off));
    store64(a, word(a, g));
  }
}

/**
 * Take every valid entry off the queue, wherever it is (the fuzzer, as a server, may also
 * H_COPY_RDMA anything into it, so entries need not come in order): note the fuzzer's end,
 * clear each valid byte.
 */
function drain(): void {
  for (let off = 0; off < QUEUE_BYTES; off += 16) {
    const at: u64 = BigInt.asUintN(64, QUEUE + BigInt(off));
    const valid = load8(at);
    if (valid === 0) continue;
    const hi = load64(at), lo = load64(BigInt.asUintN(64, at + 8n));
    if (valid === VALID_TRANSPORT && Number((hi >> 48n) & 0xffn) === EVENT_PARTNER_FAILED) done = true;
    if (lo === DONE_MAGIC && (hi >> 56n) === 0x80n) done = true;
    messages++;
    store8(at, 0);
  }
}

/** Map the queue and a buffer page into the window and register the queue. */
function openQueue(): void {
  for (let i = 0; i < QUEUE_BYTES; i += 8) store64(BigInt.asUintN(64, QUEUE + BigInt(i)), 0n);
  hcall(H_PUT_TCE, UNIT, 0n, QUEUE | 3n, 0n, 0n, 0n, 0n);
  hcall(H_PUT_TCE, UNIT, 0x1000n, (QUEUE + 0x1000n) | 3n, 0n, 0n, 0n, 0n);
  hcall(H_REG_CRQ, UNIT, 0n, BigInt(QUEUE_BYTES), 0n, 0n, 0n, 0n);
}

/** Some traffic for the fuzzer: a message, and (a server only; refused otherwise) a copy into its window. */
function talk(round: number): void {
  const status = hcall(H_SEND_CRQ, UNIT, CRQ_COMMAND | BigInt(round), 0x56494354494dn, 0n, 0n, 0n, 0n);
  if (status !== H_CLOSED) closedSince = 0n;
  else if (closedSince === 0n) closedSince = mftb();
  else if (BigInt.asUintN(64, mftb() - closedSince) > TB_HZ * BigInt(CLOSED_SECONDS)) done = true;
  hcall(H_COPY_RDMA, 64n, UNIT, 0x1000n, UNIT | REMOTE_LIOBN, BigInt(0x9000 + 64 * (round % 16)), 0n, 0n);
}

export function guestMain(_fdt: u64): u64 {
  for (let c = 0; c < CHUNKS; c++) fill(c, 0);
  openQueue();
  const deadline: u64 = BigInt.asUintN(64, mftb() + TB_HZ * BigInt(MAX_SECONDS));
  let round = 0;
  while (!done && mftb() < deadline) {
    const c = round % CHUNKS;
    verify(c);
    fill(c, generation[c] + 1);
    drain();
    if (round % 4 === 0) talk(round);
    round++;
    if (round % PROGRESS === 0) {
      put('victim: ');
      putDecimal(round);
      put(' chunks checked, ');
      putDecimal(messages);
      put(' CRQ entries received');
      endLine();
    }
    hcall(H_CONFER, 0xffffffffffffffffn, 0n, 0n, 0n, 0n, 0n, 0n);
  }
  for (let c = 0; c < CHUNKS; c++) verify(c);
  hcall(H_TSHYPE_REPORT, BigInt(checks), BigInt(mismatches), 0n, 0n, 0n, 0n, 0n);
  put('victim: done: ');
  putDecimal(checks);
  put(' chunks checked, ');
  putDecimal(mismatches);
  put(' mismatches, ');
  putDecimal(messages);
  put(' CRQ entries received');
  put(done ? '' : ' (timed out waiting for the fuzzer)');
  endLine();
  return mismatches > 0 ? 1n : 0n;
}
