/**
 * The host machine behind tsnc's intrinsics when restricted code runs in Node: simulated
 * physical memory (sparse, big-endian), an SPR file, an MSR, a timebase the test controls,
 * counters for barriers and cache/TLB operations, and handlers for `asm` templates.
 *
 * Tests import `host` from "tsnc/host" and call `host.reset()` in a beforeEach.
 * This module is not restricted code: it never reaches the native build.
 */

const PAGE_SHIFT = 16;
const PAGE_SIZE = 1 << PAGE_SHIFT;

/** A handler standing in for one `asm` template in Node: inputs in, output register value out. */
export type AsmHandler = (a: bigint, b: bigint, c: bigint) => bigint;

/** Names of the operations the host counts. */
export type CountedOp =
  'sync' | 'isync' | 'lwsync' | 'eieio' | 'ptesync' | 'dcbf' | 'dcbst' | 'dcbz' | 'icbi' |
  'tlbie' | 'tlbiel' | 'tlbsync' | 'slbia' | 'mtspr' | 'mtmsrd';

/** One TLB or cache operation as the host saw it, for tests that check what was invalidated. */
export interface TraceEntry { op: CountedOp; args: bigint[] }

class HostMachine {
  private pages = new Map<number, Uint8Array>();
  private sprs = new Map<number, bigint>();
  private asmHandlers = new Map<string, AsmHandler>();
  /** MSR value that mfmsr returns and mtmsrd sets. */
  msr = 0n;
  /** Current timebase value; mftb returns it, then adds `tbStep`. */
  timebase = 0n;
  /** Amount the timebase advances after every mftb (0: frozen until the test moves it). */
  tbStep = 0n;
  /** How often each counted operation ran since the last reset. */
  counts = new Map<CountedOp, number>();
  /** Every TLB/cache/SPR-write operation since the last reset, in order. */
  trace: TraceEntry[] = [];
  /** Physical accesses at or above this address throw (simulated machine check). */
  memLimit = 1n << 62n;

  /** Forget all memory, SPRs, counters and asm handlers; timebase back to 0. */
  reset(): void {
    this.pages.clear();
    this.sprs.clear();
    this.asmHandlers.clear();
    this.msr = 0n;
    this.timebase = 0n;
    this.tbStep = 0n;
    this.counts.clear();
    this.trace = [];
    this.memLimit = 1n << 62n;
  }

  /** Record one operation in the counters and the trace. */
  note(op: CountedOp, ...args: bigint[]): void {
    this.counts.set(op, (this.counts.get(op) ?? 0) + 1);
    this.trace.push({ op, args });
  }

  /** Number of times `op` ran since the last reset. */
  count(op: CountedOp): number { return this.counts.get(op) ?? 0; }

  private byteAt(addr: bigint, create: boolean): { page: Uint8Array | undefined; off: number } {
    if (addr < 0n || addr >= this.memLimit) {
      throw new RangeError(`tsnc host: physical address 0x${addr.toString(16)} outside memory`);
    }
    const index = Number(addr >> BigInt(PAGE_SHIFT));
    let page = this.pages.get(index);
    if (!page && create) {
      page = new Uint8Array(PAGE_SIZE);
      this.pages.set(index, page);
    }
    return { page, off: Number(addr & BigInt(PAGE_SIZE - 1)) };
  }

  /** Read `size` bytes big-endian at a physical address (unwritten memory reads as zero). */
  read(addr: bigint, size: number): bigint {
    let v = 0n;
    for (let i = 0; i < size; i++) {
      const { page, off } = this.byteAt(BigInt.asUintN(64, addr + BigInt(i)), false);
      v = (v << 8n) | BigInt(page ? page[off] : 0);
    }
    return v;
  }

  /** Write the low `size` bytes of `value` big-endian at a physical address. */
  write(addr: bigint, size: number, value: bigint): void {
    for (let i = 0; i < size; i++) {
      const { page, off } = this.byteAt(BigInt.asUintN(64, addr + BigInt(i)), true);
      page![off] = Number((value >> BigInt(8 * (size - 1 - i))) & 0xffn);
    }
  }

  /** Copy bytes into simulated physical memory (to load an image or a guest structure). */
  writeBytes(addr: bigint, bytes: Uint8Array): void {
    for (let i = 0; i < bytes.length; i++) this.write(addr + BigInt(i), 1, BigInt(bytes[i]));
  }

  /** Copy bytes out of simulated physical memory. */
  readBytes(addr: bigint, length: number): Uint8Array {
    const out = new Uint8Array(length);
    for (let i = 0; i < length; i++) out[i] = Number(this.read(addr + BigInt(i), 1));
    return out;
  }

  /** Value of an SPR (0 if never written). */
  getSpr(spr: number): bigint { return this.sprs.get(spr) ?? 0n; }
  /** Set an SPR as hardware would show it to mfspr. */
  setSpr(spr: number, value: bigint): void { this.sprs.set(spr, BigInt.asUintN(64, value)); }

  /** Install the Node stand-in for an `asm` template (the exact template string). */
  onAsm(template: string, handler: AsmHandler): void { this.asmHandlers.set(template, handler); }
  /** Run the stand-in for an `asm` template; throws if the test installed none. */
  runAsm(template: string, a: bigint, b: bigint, c: bigint): bigint {
    const h = this.asmHandlers.get(template);
    if (!h) throw new Error(`tsnc host: no handler for asm "${template}" (host.onAsm)`);
    return BigInt.asUintN(64, h(a, b, c));
  }
}

/** The one host machine of this Node process. */
export const host = new HostMachine();
