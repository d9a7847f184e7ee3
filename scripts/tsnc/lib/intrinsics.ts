/**
 * tsnc intrinsics. Each function below is lowered by tsnc to the instruction(s) named in its
 * doc comment; the body here is the host implementation that runs in Node (see host.ts).
 * tsnc never compiles these bodies. Arguments documented as "constant" must be compile-time
 * constants (literals, const enum members or module constants); tsnc refuses anything else.
 *
 * Physical addresses are real addresses: natively each access is exactly one load or store
 * instruction of its size (volatile: never merged, split or removed; the hypervisor runs with
 * translation off), big-endian, and should be naturally aligned (the ISA handles unaligned
 * cacheable accesses, slowly; cache-inhibited ones take an alignment interrupt).
 */
import type { u8, u16, u32, u64 } from './index';
import { host } from './host';

/** lbz: load one byte from a physical address */
export function load8(addr: u64): u8 { return Number(host.read(addr, 1)); }
/** lhz: load a big-endian 16-bit value from a physical address */
export function load16(addr: u64): u16 { return Number(host.read(addr, 2)); }
/** lwz: load a big-endian 32-bit value from a physical address */
export function load32(addr: u64): u32 { return Number(host.read(addr, 4)); }
/** ld: load a big-endian 64-bit value from a physical address */
export function load64(addr: u64): u64 { return host.read(addr, 8); }
/** stb: store the low byte of v at a physical address */
export function store8(addr: u64, v: u8): void { host.write(addr, 1, BigInt(v & 0xff)); }
/** sth: store the low 16 bits of v, big-endian */
export function store16(addr: u64, v: u16): void { host.write(addr, 2, BigInt(v & 0xffff)); }
/** stw: store the low 32 bits of v, big-endian */
export function store32(addr: u64, v: u32): void { host.write(addr, 4, BigInt(v >>> 0)); }
/** std: store a 64-bit value, big-endian */
export function store64(addr: u64, v: u64): void { host.write(addr, 8, BigInt.asUintN(64, v)); }

/** lhbrx: load a little-endian 16-bit value from a physical address */
export function load16le(addr: u64): u16 { return bswap16(Number(host.read(addr, 2))); }
/** lwbrx: load a little-endian 32-bit value from a physical address */
export function load32le(addr: u64): u32 { return bswap32(Number(host.read(addr, 4))); }
/** ldbrx: load a little-endian 64-bit value from a physical address */
export function load64le(addr: u64): u64 { return bswap64(host.read(addr, 8)); }
/** sthbrx: store the low 16 bits of v, little-endian */
export function store16le(addr: u64, v: u16): void { host.write(addr, 2, BigInt(bswap16(v & 0xffff))); }
/** stwbrx: store the low 32 bits of v, little-endian */
export function store32le(addr: u64, v: u32): void { host.write(addr, 4, BigInt(bswap32(v >>> 0))); }
/** stdbrx: store a 64-bit value, little-endian */
export function store64le(addr: u64, v: u64): void { host.write(addr, 8, bswap64(v)); }

/** lbzcix: cache-inhibited byte load (device registers, hypervisor real mode only) */
export function ciLoad8(addr: u64): u8 { return Number(host.read(addr, 1)); }
/** lhzcix: cache-inhibited 16-bit load */
export function ciLoad16(addr: u64): u16 { return Number(host.read(addr, 2)); }
/** lwzcix: cache-inhibited 32-bit load */
export function ciLoad32(addr: u64): u32 { return Number(host.read(addr, 4)); }
/** ldcix: cache-inhibited 64-bit load */
export function ciLoad64(addr: u64): u64 { return host.read(addr, 8); }
/** stbcix: cache-inhibited byte store */
export function ciStore8(addr: u64, v: u8): void { host.write(addr, 1, BigInt(v & 0xff)); }
/** sthcix: cache-inhibited 16-bit store */
export function ciStore16(addr: u64, v: u16): void { host.write(addr, 2, BigInt(v & 0xffff)); }
/** stwcix: cache-inhibited 32-bit store */
export function ciStore32(addr: u64, v: u32): void { host.write(addr, 4, BigInt(v >>> 0)); }
/** stdcix: cache-inhibited 64-bit store */
export function ciStore64(addr: u64, v: u64): void { host.write(addr, 8, BigInt.asUintN(64, v)); }

/** mfspr: read the SPR numbered `spr` (constant) */
export function mfspr(spr: u32): u64 { return host.getSpr(spr); }
/** mtspr: write the SPR numbered `spr` (constant) */
export function mtspr(spr: u32, v: u64): void { host.note('mtspr', BigInt(spr), v); host.setSpr(spr, v); }
/** mfmsr: read the machine state register */
export function mfmsr(): u64 { return host.msr; }
/** mtmsrd v, l: write the MSR (`l` constant: 0 all bits, 1 only EE and RI) */
export function mtmsrd(v: u64, l: u32): void {
  host.note('mtmsrd', v, BigInt(l));
  const EE_RI = (1n << 15n) | (1n << 1n);
  host.msr = l === 0 ? BigInt.asUintN(64, v) : (host.msr & ~EE_RI) | (v & EE_RI);
}
/** mftb: read the timebase */
export function mftb(): u64 {
  const t = host.timebase;
  host.timebase = BigInt.asUintN(64, t + host.tbStep);
  return t;
}

/** sync (hwsync): full memory barrier */
export function sync(): void { host.note('sync'); }
/** isync: context synchronisation */
export function isync(): void { host.note('isync'); }
/** lwsync: lightweight barrier (orders all but store-to-load) */
export function lwsync(): void { host.note('lwsync'); }
/** eieio: orders cache-inhibited accesses */
export function eieio(): void { host.note('eieio'); }
/** ptesync: orders page-table updates before later translations */
export function ptesync(): void { host.note('ptesync'); }

/** dcbf: flush the data cache block holding addr */
export function dcbf(addr: u64): void { host.note('dcbf', addr); }
/** dcbst: store the data cache block holding addr */
export function dcbst(addr: u64): void { host.note('dcbst', addr); }
/** dcbz: zero the 128-byte cache block holding addr */
export function dcbz(addr: u64): void {
  host.note('dcbz', addr);
  const base = addr & ~127n;
  for (let i = 0n; i < 128n; i += 8n) host.write(base + i, 8, 0n);
}
/** icbi: invalidate the instruction cache block holding addr */
export function icbi(addr: u64): void { host.note('icbi', addr); }

/** tlbie rb, rs, ric, prs, r: broadcast TLB invalidation (ric, prs, r constant) */
export function tlbie(rb: u64, rs: u64, ric: u32, prs: u32, r: u32): void {
  host.note('tlbie', rb, rs, BigInt(ric), BigInt(prs), BigInt(r));
}
/** tlbiel rb, rs, ric, prs, r: local TLB invalidation (ric, prs, r constant) */
export function tlbiel(rb: u64, rs: u64, ric: u32, prs: u32, r: u32): void {
  host.note('tlbiel', rb, rs, BigInt(ric), BigInt(prs), BigInt(r));
}
/** tlbsync: wait for broadcast invalidations to complete */
export function tlbsync(): void { host.note('tlbsync'); }
/** slbia ih: invalidate the SLB (ih constant) */
export function slbia(ih: u32): void { host.note('slbia', BigInt(ih)); }

/** cntlzd: leading zero bits of a 64-bit value (64 for 0) */
export function clz64(a: u64): u32 {
  const v = BigInt.asUintN(64, a);
  return v === 0n ? 64 : 64 - v.toString(2).length;
}
/** cnttzd: trailing zero bits of a 64-bit value (64 for 0) */
export function ctz64(a: u64): u32 {
  let v = BigInt.asUintN(64, a);
  if (v === 0n) return 64;
  let n = 0;
  while ((v & 1n) === 0n) { v >>= 1n; n++; }
  return n;
}
/** popcntd: number of set bits in a 64-bit value */
export function popcnt64(a: u64): u32 {
  let v = BigInt.asUintN(64, a), n = 0;
  while (v !== 0n) { n += Number(v & 1n); v >>= 1n; }
  return n;
}
/** byte-reverse the low 16 bits (result 0..0xffff) */
export function bswap16(a: u32): u32 { return ((a & 0xff) << 8) | ((a >>> 8) & 0xff); }
/** byte-reverse the low 32 bits (result unsigned) */
export function bswap32(a: u32): u32 {
  return (((a & 0xff) << 24) | ((a & 0xff00) << 8) | ((a >>> 8) & 0xff00) | (a >>> 24)) >>> 0;
}
/** byte-reverse a 64-bit value */
export function bswap64(a: u64): u64 {
  let v = BigInt.asUintN(64, a), r = 0n;
  for (let i = 0; i < 8; i++) { r = (r << 8n) | (v & 0xffn); v >>= 8n; }
  return r;
}

/**
 * Inline assembly, for arch/ppc64 only. `template` (constant) is LLVM inline-asm text:
 * `$0` is the output register (its value is returned), `$1`..`$3` are a, b, c. The asm is
 * treated as having side effects and clobbering memory. In Node the handler installed with
 * host.onAsm(template, …) runs; with none installed the call throws.
 */
export function asm(template: string, a: u64 = 0n, b: u64 = 0n, c: u64 = 0n): u64 {
  return host.runAsm(template, a, b, c);
}

/** Stop: natively the `trap` instruction (program interrupt), in Node an exception. */
export function trap(): never { throw new Error('tsnc: trap'); }

/**
 * A fixed pool of `n` (constant) objects of class `ctor`, object i built by `new ctor(i)`.
 * Only at module initialisation; natively the objects are static data.
 */
export function pool<T>(n: number, ctor: new (index: number) => T): T[] {
  const out: T[] = [];
  for (let i = 0; i < n; i++) out.push(new ctor(i));
  return out;
}
