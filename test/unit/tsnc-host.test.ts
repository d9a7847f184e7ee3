/**
 * The Node host behind tsnc's intrinsics: simulated big-endian physical memory, SPR file,
 * MSR, timebase under test control, counters and traces, asm stand-ins, pools; and the
 * wrapped 64-bit helpers against a reference computed with unbounded BigInt.
 */
import { expect } from 'chai';
import {
  load8, load16, load32, load64, store8, store16, store32, store64, mfspr,
  load16le, load32le, load64le, store16le, store32le, store64le, mtspr, mfmsr, mtmsrd, mftb,
  sync, dcbz, tlbie, asm, trap, pool, clz64, ctz64, popcnt64, bswap16, bswap32, bswap64,
  add64, sub64, mul64, neg64, not64, shl64, rotl64, rotr64, rotl32, rotr32, toI64, toU64, lo32, hi32, make64,
} from 'tsnc';
import { host } from 'tsnc/host';

const M64 = (1n << 64n) - 1n;

/** xorshift64: deterministic test values. */
function* values(seed: bigint, n: number): Generator<bigint> {
  let x = seed;
  for (let i = 0; i < n; i++) {
    x ^= (x << 13n) & M64; x ^= x >> 7n; x ^= (x << 17n) & M64;
    yield x;
  }
}

describe('tsnc host intrinsics', () => {
  beforeEach(() => host.reset());

  it('load/store: big-endian byte order at every width', () => {
    store64(0x1000n, 0x0102030405060708n);
    expect(load8(0x1000n)).to.equal(1);
    expect(load16(0x1000n)).to.equal(0x0102);
    expect(load32(0x1004n)).to.equal(0x05060708);
    store32(0x2000n, 0xdeadbeef);
    store16(0x2004n, 0x1234);
    store8(0x2006n, 0x1ff);
    expect(load64(0x2000n)).to.equal(0xdeadbeef1234ff00n);
  });

  it('load/store le: little-endian accessors reverse the bytes of the big-endian memory', () => {
    store64le(0x1000n, 0x0102030405060708n);
    expect(load8(0x1000n)).to.equal(8);
    expect(load64(0x1000n)).to.equal(0x0807060504030201n);
    expect(load64le(0x1000n)).to.equal(0x0102030405060708n);
    expect(load32le(0x1000n)).to.equal(0x05060708);
    store16le(0x2000n, 0xabcd);
    expect(load16(0x2000n)).to.equal(0xcdab);
    expect(load16le(0x2000n)).to.equal(0xabcd);
    store32le(0x3000n, 0x80000001);
    expect(load32(0x3000n)).to.equal(0x01000080);
  });

  it('load/store: unaligned accesses across a page boundary, unwritten memory reads zero', () => {
    store64(0xfffcn, 0xa1a2a3a4a5a6a7a8n);
    expect(load32(0x10000n)).to.equal(0xa5a6a7a8);
    expect(load64(0x7000_0000n)).to.equal(0n);
  });

  it('load/store: addresses beyond the memory limit throw (simulated machine check)', () => {
    host.memLimit = 0x10000n;
    expect(() => load8(0x10000n)).to.throw(RangeError, /outside memory/);
  });

  it('mfspr/mtspr: an SPR file; writes are counted and traced', () => {
    mtspr(0x13f, 0x1234n);
    expect(mfspr(0x13f)).to.equal(0x1234n);
    expect(mfspr(0x130)).to.equal(0n);
    expect(host.count('mtspr')).to.equal(1);
    expect(host.trace[0]).to.deep.equal({ op: 'mtspr', args: [0x13fn, 0x1234n] });
  });

  it('mtmsrd: L=0 sets the whole MSR, L=1 only EE and RI', () => {
    mtmsrd(0x9000000000000000n, 0);
    expect(mfmsr()).to.equal(0x9000000000000000n);
    mtmsrd(0xffffffffffffffffn, 1);
    expect(mfmsr()).to.equal(0x9000000000008002n);
  });

  it('mftb: the test controls the timebase', () => {
    host.timebase = 1000n;
    host.tbStep = 5n;
    expect(mftb()).to.equal(1000n);
    expect(mftb()).to.equal(1005n);
  });

  it('barriers and TLB operations: counted and traced in order', () => {
    sync(); sync();
    tlbie(0x123n, 4n, 2, 1, 1);
    expect(host.count('sync')).to.equal(2);
    expect(host.trace.at(-1)).to.deep.equal({ op: 'tlbie', args: [0x123n, 4n, 2n, 1n, 1n] });
  });

  it('dcbz: zeroes the aligned 128-byte block holding the address', () => {
    for (let a = 0x3f80n; a < 0x4080n; a += 8n) store64(a, M64);
    dcbz(0x4010n);
    expect(load64(0x4000n)).to.equal(0n);
    expect(load64(0x4078n)).to.equal(0n);
    expect(load64(0x3ff8n)).to.equal(M64);
    expect(load64(0x4080n)).to.equal(0n);
  });

  it('asm: runs the installed stand-in, throws without one', () => {
    host.onAsm('mfspr $0, 1023', () => 7n);
    expect(asm('mfspr $0, 1023')).to.equal(7n);
    expect(() => asm('slbmte $1, $2', 1n, 2n)).to.throw(/no handler for asm/);
  });

  it('trap: throws in Node', () => {
    expect(() => trap()).to.throw(/tsnc: trap/);
  });

  it('pool: builds n objects with their index', () => {
    class Slot { index: number; constructor(i: number) { this.index = i; } }
    const p = pool(3, Slot);
    expect(p.map(s => s.index)).to.deep.equal([0, 1, 2]);
  });

  it('bit intrinsics: clz64, ctz64, popcnt64 and byte swaps', () => {
    expect([clz64(0n), clz64(1n), clz64(1n << 63n)]).to.deep.equal([64, 63, 0]);
    expect([ctz64(0n), ctz64(8n), ctz64(1n << 63n)]).to.deep.equal([64, 3, 63]);
    expect(popcnt64(M64)).to.equal(64);
    expect(bswap16(0x1234)).to.equal(0x3412);
    expect(bswap32(0x12345678)).to.equal(0x78563412);
    expect(bswap32(0x80)).to.equal(0x80000000);
    expect(bswap64(0x0102030405060708n)).to.equal(0x0807060504030201n);
  });
});

describe('tsnc wrapped 64-bit helpers', () => {
  const pairs = [...values(0x9e3779b97f4a7c15n, 2000)];
  it('add64/sub64/mul64/neg64/not64: arithmetic mod 2^64', () => {
    for (let i = 1; i < pairs.length; i++) {
      const a = pairs[i - 1], b = pairs[i];
      expect(add64(a, b)).to.equal((a + b) & M64);
      expect(sub64(a, b)).to.equal((a - b) & M64);
      expect(mul64(a, b)).to.equal((a * b) & M64);
      expect(neg64(a)).to.equal(-a & M64);
      expect(not64(a)).to.equal(~a & M64);
    }
  });

  it('shl64/rotl64/rotr64: shifts and rotates for every count 0..70', () => {
    const a = 0x8123456789abcdefn;
    for (let n = 0n; n <= 70n; n++) {
      const s = n & 63n;
      const ref = ((a << s) | (a >> ((64n - s) & 63n) & (s === 0n ? 0n : M64))) & M64;
      expect(shl64(a, n)).to.equal(n >= 64n ? 0n : (a << n) & M64);
      expect(rotl64(a, n)).to.equal(ref);
      expect(rotr64(rotl64(a, n), n)).to.equal(a);
    }
  });

  it('rotl32/rotr32: unsigned 32-bit rotates', () => {
    expect(rotl32(0x80000001, 1)).to.equal(3);
    expect(rotr32(3, 1)).to.equal(0x80000001);
    expect(rotl32(0x12345678, 0)).to.equal(0x12345678);
    expect(rotl32(0x12345678, 32)).to.equal(0x12345678);
  });

  it('toI64/toU64/lo32/hi32/make64: conversions', () => {
    expect(toI64(M64)).to.equal(-1n);
    expect(toU64(-1n)).to.equal(M64);
    expect(lo32(0x123456789abcdef0n)).to.equal(0x9abcdef0);
    expect(hi32(0x123456789abcdef0n)).to.equal(0x12345678);
    expect(make64(0xffffffff, -1)).to.equal(M64);
    expect(make64(0x12345678, 0x9abcdef0)).to.equal(0x123456789abcdef0n);
  });
});
