/**
 * Shared machinery of the parser fuzzers (test/unit/fuzz-*.test.ts): a seeded generator, the
 * input count (FUZZ_N, default per fuzzer; `make fuzz-parsers` runs 100,000 each), the seed
 * (FUZZ_SEED, printed by every run), replay of one input (FUZZ_ONLY=index), byte mutations
 * (bit flips, truncation, insertion, deletion, edge values in fields), fenced physical memory
 * (reads outside the input and any write throw), and the statistics every fuzzer must show
 * (inputs accepted, distinct refusals). Not restricted code.
 */
import { host } from 'tsnc/host';

/** The run's parameters: FUZZ_SEED (default: a fixed seed per fuzzer), FUZZ_N, FUZZ_ONLY. */
export interface FuzzRun { name: string; seed: number; n: number; only: number }

/** Read the environment for fuzzer `name` with default count `n` (FUZZ_N_<NAME> or FUZZ_N override it). */
export function fuzzRun(name: string, seed: number, n: number): FuzzRun {
  const env = (k: string): string | undefined => process.env[`${k}_${name.toUpperCase()}`] ?? process.env[k];
  const s = env('FUZZ_SEED');
  const count = env('FUZZ_N');
  const only = env('FUZZ_ONLY');
  return {
    name,
    seed: s !== undefined ? Number(s) >>> 0 : seed,
    n: count !== undefined ? Number(count) : n,
    only: only !== undefined ? Number(only) : -1,
  };
}

/** The text that names a failing input so that it can be replayed. */
export function replayHint(run: FuzzRun, index: number): string {
  return `fuzzer ${run.name}, FUZZ_SEED=${run.seed} input ${index} (replay: FUZZ_SEED=${run.seed} FUZZ_ONLY=${index} FUZZ_N=${index + 1})`;
}

/**
 * Run `one(rng, index)` for every input of the run; each input gets its own generator seeded
 * from (seed, index), so FUZZ_ONLY=i replays input i alone. A throw or failed expectation is
 * reported with the seed and the index.
 */
export function forEachInput(run: FuzzRun, one: (rng: Rng, index: number) => void): void {
  for (let i = 0; i < run.n; i++) {
    if (run.only >= 0 && i !== run.only) continue;
    const rng = new Rng(mix(run.seed, i));
    try {
      one(rng, i);
    } catch (e) {
      const err = e as Error;
      err.message = `${replayHint(run, i)}: ${err.message}`;
      throw err;
    }
  }
}

function mix(seed: number, i: number): number {
  let h = (seed ^ Math.imul(i + 1, 0x9e3779b1)) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b) >>> 0;
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35) >>> 0;
  return (h ^ (h >>> 16)) >>> 0 || 1;
}

/** xorshift32 with helpers for picking. */
export class Rng {
  private x: number;
  constructor(seed: number) { this.x = seed >>> 0 || 1; }
  next(): number {
    let x = this.x;
    x ^= x << 13; x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5; x >>>= 0;
    this.x = x;
    return x;
  }
  /** 0 <= result < n (n >= 1). */
  below(n: number): number { return n <= 1 ? 0 : this.next() % n; }
  /** True with probability 1/n. */
  oneIn(n: number): boolean { return this.below(n) === 0; }
  pick<T>(a: readonly T[]): T { return a[this.below(a.length)]; }
  /** A 64-bit value. */
  u64(): bigint { return (BigInt(this.next()) << 32n) | BigInt(this.next()); }
}

/** 32-bit values at the edges: 0, 1, max, sign bits, near `len` (the input's length). */
export function edge32(rng: Rng, len: number, current: number): number {
  const vals = [0, 1, 2, 3, 4, 7, 8, 0xff, 0xffff, 0x7fffffff, 0x80000000, 0xffffffff, 0xfffffffc,
    len, len - 1, len + 1, len + 4, len >>> 1, current + 1, current - 1, current + 4, current - 4, current * 2,
    rng.next(), rng.below(len + 16)];
  return rng.pick(vals) >>> 0;
}

/** 64-bit values at the edges. */
export function edge64(rng: Rng, len: number, current: bigint): bigint {
  const L = BigInt(len);
  const vals = [0n, 1n, 8n, 0xffffffffffffffffn, 0x8000000000000000n, 0x7fffffffffffffffn, 0xfffffffffffffff8n,
    L, L - 1n, L + 1n, L + 8n, 0x10000n, 0xffffffffn, 0x100000000n, current + 1n, current - 1n, current + 0x10000n,
    current ^ (1n << BigInt(rng.below(64))), rng.u64()];
  return BigInt.asUintN(64, rng.pick(vals));
}

/**
 * One generic byte-level mutation of `b` (a new array): a bit flip, a random byte, a zeroed or
 * 0xff byte, an edge 32-bit word at an aligned or any offset, truncation, insertion or deletion
 * of a few bytes, a duplicated chunk.
 */
export function mutateBytes(b: Uint8Array, rng: Rng): Uint8Array {
  const len = b.length;
  const at = (): number => rng.below(Math.max(len, 1));
  switch (rng.below(10)) {
    case 0: { const c = b.slice(); if (len) c[at()] ^= 1 << rng.below(8); return c; }
    case 1: { const c = b.slice(); if (len) c[at()] = rng.below(256); return c; }
    case 2: { const c = b.slice(); if (len) c[at()] = rng.oneIn(2) ? 0 : 0xff; return c; }
    case 3: case 4: {
      const c = b.slice();
      if (len < 4) return c;
      const off = rng.oneIn(2) ? at() & ~3 : at();
      if (off + 4 > len) return c;
      const dv = new DataView(c.buffer, c.byteOffset, c.byteLength);
      dv.setUint32(off, edge32(rng, len, dv.getUint32(off)));
      return c;
    }
    case 5: return b.slice(0, rng.oneIn(4) ? rng.below(len + 1) : Math.max(0, len - 1 - rng.below(16)));
    case 6: { // insert 1..8 bytes
      const p = rng.below(len + 1), n = 1 + rng.below(8);
      const c = new Uint8Array(len + n);
      c.set(b.subarray(0, p), 0);
      for (let i = 0; i < n; i++) c[p + i] = rng.oneIn(2) ? 0 : rng.below(256);
      c.set(b.subarray(p), p + n);
      return c;
    }
    case 7: { // delete 1..8 bytes
      const p = rng.below(len + 1), n = Math.min(1 + rng.below(8), len - p);
      const c = new Uint8Array(len - n);
      c.set(b.subarray(0, p), 0);
      c.set(b.subarray(p + n), p);
      return c;
    }
    case 8: { // copy a chunk over another place
      const c = b.slice();
      if (len < 8) return c;
      const from = at(), to = at(), n = Math.min(1 + rng.below(32), len - from, len - to);
      c.copyWithin(to, from, from + n);
      return c;
    }
    default: { // a run of random bytes
      const c = b.slice();
      const p = at(), n = Math.min(1 + rng.below(16), len - p);
      for (let i = 0; i < n; i++) c[p + i] = rng.below(256);
      return c;
    }
  }
}

/**
 * Run `fn` with physical memory replaced by `bytes` at `addr` (only [addr, addr + readable)
 * readable, `readable` <= bytes.length), reads anywhere else and every write throwing: a parser
 * of physical memory that reads outside its input or writes at all fails the input. Much faster
 * than host.writeBytes for a fresh input each time.
 */
export function withFencedInput<T>(addr: bigint, bytes: Uint8Array, readable: number, fn: () => T): T {
  const h = host as unknown as { read: (a: bigint, size: number) => bigint; write: (a: bigint, size: number, v: bigint) => void };
  if (readable > bytes.length || readable < 0) throw new Error(`fuzz harness: ${readable} readable bytes of a ${bytes.length}-byte input`);
  const end = addr + BigInt(readable);
  h.read = (a: bigint, size: number): bigint => {
    if (a < addr || a + BigInt(size) > end) {
      throw new RangeError(`read of ${size} byte(s) at 0x${a.toString(16)} outside the input [0x${addr.toString(16)}, 0x${end.toString(16)})`);
    }
    const o = Number(a - addr);
    let v = 0n;
    if (size <= 4) {
      let w = 0;
      for (let i = 0; i < size; i++) w = w * 256 + bytes[o + i];
      return BigInt(w);
    }
    for (let i = 0; i < size; i++) v = (v << 8n) | BigInt(bytes[o + i]);
    return v;
  };
  h.write = (a: bigint): void => { throw new RangeError(`write at 0x${a.toString(16)} by a reader of the input`); };
  try {
    return fn();
  } finally {
    delete (h as { read?: unknown }).read;
    delete (h as { write?: unknown }).write;
  }
}

/** Counts of outcomes: accepted inputs and each refusal (status or message shape). */
export class Outcomes {
  readonly counts = new Map<string, number>();
  accepted = 0;
  total = 0;
  add(key: string, ok: boolean): void {
    this.total++;
    if (ok) this.accepted++;
    this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
  }
  /** Distinct refusal kinds seen. */
  refusals(): number { return [...this.counts.keys()].filter(k => k !== 'Ok').length; }
  /** One line for the log: accepted, refusals and the top kinds. */
  summary(run: FuzzRun, ms: number): string {
    const top = [...this.counts.entries()].sort((a, b) => b[1] - a[1]).slice(0, 12).map(([k, v]) => `${k} ${v}`).join(', ');
    const more = this.counts.size > 12 ? ', …' : '';
    return `      fuzz ${run.name}: seed ${run.seed}, ${this.total} inputs in ${(ms / 1000).toFixed(1)} s, ` +
      `${this.accepted} accepted, ${this.refusals()} distinct refusals (${top}${more})`;
  }
}

/** Print the summary line (seed, count, time, outcomes) under the test's name. */
export function report(run: FuzzRun, o: Outcomes, ms: number): void {
  console.log(o.summary(run, ms));
}
