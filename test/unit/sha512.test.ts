/**
 * SHA-512 in restricted TypeScript (arch/ppc64/powernv/sha512.ts), over simulated real memory,
 * against Node's crypto: every length around the padding boundaries and a larger message.
 */
import { expect } from 'chai';
import { createHash } from 'crypto';
import { host } from 'tsnc/host';
import { sha512Memory } from '../../arch/ppc64/powernv/sha512';

const BASE = 0x20001000n;

function bytes(n: number, seed: number): Uint8Array {
  let x = seed;
  return new Uint8Array(n).map(() => { x = (x * 1103515245 + 12345) >>> 0; return x >>> 24; });
}

describe('sha512Memory (arch/ppc64/powernv/sha512.ts)', () => {
  beforeEach(() => host.reset());

  it('sha512Memory: the digest of Node\'s crypto for every length from 0 to 260 bytes', () => {
    const out = new Uint8Array(64);
    for (let n = 0; n <= 260; n++) {
      const m = bytes(n, n + 1);
      host.writeBytes(BASE, m);
      sha512Memory(BASE, n, out);
      expect(Buffer.from(out).toString('hex'), `length ${n}`).to.equal(createHash('sha512').update(m).digest('hex'));
    }
  });

  it('sha512Memory: FIPS 180-4 "abc", and a 20,000-byte message', () => {
    const out = new Uint8Array(64);
    host.writeBytes(BASE, new TextEncoder().encode('abc'));
    sha512Memory(BASE, 3, out);
    expect(Buffer.from(out).toString('hex')).to.equal('ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f');
    const m = bytes(20000, 7);
    host.writeBytes(BASE, m);
    sha512Memory(BASE, m.length, out);
    expect(Buffer.from(out).toString('hex')).to.equal(createHash('sha512').update(m).digest('hex'));
  });
});
