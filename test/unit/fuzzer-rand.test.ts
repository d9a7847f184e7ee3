/**
 * The hcall fuzzer's random stream and argument generator (lpar/guests/fuzzrand.ts), on the
 * host: a seed names one sequence (so a failure is replayed from its seed and call number), and
 * the generator reaches the edges it is meant to (lpar/guests/fuzzer.ts, docs/fuzzing.md).
 */
import { expect } from 'chai';
import { below, edgeValue, next64, ownAddress, seedRandom, setLayout, unitAddress } from '../../lpar/guests/fuzzrand';

const MEM = 64n << 20n;
const LOW = (16n << 20n) + 0x10000n;

function sequence(seed: bigint, n: number): bigint[] {
  seedRandom(seed);
  const out: bigint[] = [];
  for (let i = 0; i < n; i++) out.push(edgeValue());
  return out;
}

describe('fuzzer generator (lpar/guests/fuzzrand.ts)', () => {
  beforeEach(() => setLayout(MEM, LOW));

  it('seedRandom: the same seed gives the same values, another seed others', () => {
    expect(sequence(20261206n, 1000)).to.deep.equal(sequence(20261206n, 1000));
    expect(sequence(20261206n, 1000)).to.not.deep.equal(sequence(20261207n, 1000));
  });

  it('seedRandom: seed 0 does not stick at 0', () => {
    seedRandom(0n);
    expect(next64()).to.not.equal(0n);
  });

  it('below: stays in range and reaches both ends', () => {
    seedRandom(1n);
    const seen = new Set<number>();
    for (let i = 0; i < 10000; i++) {
      const v = below(7);
      expect(v).to.be.within(0, 6);
      seen.add(v);
    }
    expect(seen.size).to.equal(7);
  });

  it('ownAddress: always inside [low, memory size)', () => {
    seedRandom(2n);
    for (let i = 0; i < 10000; i++) {
      const a = ownAddress();
      expect(a >= LOW && a < MEM, a.toString(16)).to.equal(true);
    }
  });

  it('edgeValue: hits the memory edges, just past the end, all ones, unit addresses and misaligned addresses', () => {
    seedRandom(3n);
    const values = new Set<bigint>();
    let misaligned = 0;
    for (let i = 0; i < 200000; i++) {
      const v = edgeValue();
      values.add(v);
      if (v > LOW && v < MEM && (v & 7n) !== 0n) misaligned++;
    }
    for (const v of [0n, LOW, MEM - 8n, MEM - 4096n, MEM - 1n, MEM, MEM + 4096n, 0xffffffffffffffffn, 0x30000001n, 0x30000002n]) {
      expect(values.has(v), v.toString(16)).to.equal(true);
    }
    expect(misaligned).to.be.greaterThan(1000);
  });

  it('unitAddress: the partition\'s devices, their neighbours and the remote-window bit', () => {
    seedRandom(4n);
    const seen = new Set<bigint>();
    for (let i = 0; i < 5000; i++) seen.add(unitAddress());
    expect(seen.has(0x30000001n)).to.equal(true);
    expect(seen.has(0x2fffffffn)).to.equal(true);
    expect(seen.has(0x80000000n | 0x30000004n)).to.equal(true);
  });
});
