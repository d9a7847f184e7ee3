/**
 * Known answers for ECDSA P-256 with SHA-256 (vtpm/crypto/p256ecdsa.ts): the deterministic
 * signatures of RFC 6979, appendix A.2.5, for the messages "sample" and "test". ecdsaSign is given
 * the nonce k the RFC derives, so r and s must come out exactly; the public key is U = x·G of the
 * same appendix, and both signatures verify with ours and with Node's crypto.
 */
import { expect } from 'chai';
import * as crypto from 'crypto';
import { ecdsaPublicKey, ecdsaSign, ecdsaVerify } from '../../vtpm/crypto/p256ecdsa';

const h = (s: string): Buffer => Buffer.from(s, 'hex');

// RFC 6979 A.2.5, key pair (curve NIST P-256)
const X = h('c9afa9d845ba75166b5c215767b1d6934e50c3db36e89b127b8a622b120f6721');
const UX = h('60fed4ba255a9d31c961eb74c6356d68c049b8923b61fa6ce669622e60f29fb6');
const UY = h('7903fe1008b8bc99a41ae9e95628bc64f2f1b20c2d7e9f5177a3c294d4462299');

// RFC 6979 A.2.5, signatures "With SHA-256"
const VECTORS = [
  {
    message: 'sample',
    k: h('a6e3c57dd01abe90086538398355dd4c3b17aa873382b0f24d6129493d8aad60'),
    r: h('efd48b2aacb6a8fd1140dd9cd45e81d69d2c877b56aaf991c34d0ea84eaf3716'),
    s: h('f7cb1c942d657c41d436c7a1b6e29f65f3e900dbb9aff4064dc4ab2f843acda8'),
  },
  {
    message: 'test',
    k: h('d16b6ae827f17175e040871a1c7ec3500192c4c92677336ec2537acaee0008e0'),
    r: h('f1abb023518351cd71d881567b1ea663ed3efcf6c5132b354f28d3b0b7d38367'),
    s: h('019f4113742a2b14bd25926b49c649155f267e60d3814b4c0cc84250e46f0083'),
  },
];

const digest = (m: string): Buffer => crypto.createHash('sha256').update(m, 'ascii').digest();

describe('vtpm ECDSA P-256 known answers (RFC 6979 A.2.5)', () => {
  it('ecdsaPublicKey: U = x·G for the RFC key', () => {
    const pub = new Uint8Array(64);
    expect(ecdsaPublicKey(pub, X)).to.equal(true);
    expect(Buffer.from(pub).toString('hex')).to.equal(Buffer.concat([UX, UY]).toString('hex'));
  });

  for (const v of VECTORS) {
    it(`ecdsaSign: SHA-256("${v.message}") with the RFC's k gives the RFC's r and s`, () => {
      const z = digest(v.message);
      const sig = new Uint8Array(64);
      expect(ecdsaSign(sig, z, 0, 32, X, v.k)).to.equal(true);
      expect(Buffer.from(sig.subarray(0, 32)).toString('hex'), 'r').to.equal(v.r.toString('hex'));
      expect(Buffer.from(sig.subarray(32)).toString('hex'), 's').to.equal(v.s.toString('hex'));
    });

    it(`ecdsaVerify: the RFC signature of "${v.message}" verifies with ours and Node's, and not for the other message`, () => {
      const sig = Buffer.concat([v.r, v.s]);
      const pub = Buffer.concat([UX, UY]);
      expect(ecdsaVerify(sig, digest(v.message), 0, 32, pub)).to.equal(true);
      const other = v.message === 'sample' ? 'test' : 'sample';
      expect(ecdsaVerify(sig, digest(other), 0, 32, pub)).to.equal(false);
      const key = crypto.createPublicKey({
        key: { kty: 'EC', crv: 'P-256', x: UX.toString('base64url'), y: UY.toString('base64url') }, format: 'jwk',
      });
      expect(crypto.verify('sha256', Buffer.from(v.message, 'ascii'), { key, dsaEncoding: 'ieee-p1363' }, sig)).to.equal(true);
    });
  }

  it('ecdsaSign: the digest may sit at an offset inside a larger buffer', () => {
    const v = VECTORS[0];
    const buf = Buffer.concat([Buffer.alloc(7, 0xee), digest(v.message), Buffer.alloc(5, 0xdd)]);
    const sig = new Uint8Array(64);
    expect(ecdsaSign(sig, buf, 7, 32, X, v.k)).to.equal(true);
    expect(Buffer.from(sig).equals(Buffer.concat([v.r, v.s]))).to.equal(true);
  });
});
