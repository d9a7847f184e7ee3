/**
 * P-256 in restricted TS: field arithmetic against BigInt reference arithmetic, k·G and k·P
 * against Node's crypto, ECDSA interoperability with Node's crypto in both directions, and
 * rejection of invalid signatures and public keys.
 */
import { expect } from 'chai';
import * as crypto from 'crypto';
import {
  Modulus, add256, cmp256, fieldN, fieldP, fromBytes256, mul512, sub256, toBytes256,
} from '../../vtpm/crypto/p256field';
import { baseMul, isOnCurve, pointFromBytes, pointMul } from '../../vtpm/crypto/p256';
import { ecdsaPublicKey, ecdsaSign, ecdsaVerify } from '../../vtpm/crypto/p256ecdsa';

const P = 0xffffffff00000001000000000000000000000000ffffffffffffffffffffffffn;
const N = 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n;
const R = 1n << 256n;

function toLimbs(v: bigint, n = 8): Uint32Array {
  const a = new Uint32Array(n);
  for (let i = 0; i < n; i++) a[i] = Number((v >> BigInt(32 * i)) & 0xffffffffn);
  return a;
}
function fromLimbs(a: Uint32Array): bigint {
  let v = 0n;
  for (let i = a.length - 1; i >= 0; i--) v = (v << 32n) | BigInt(a[i]);
  return v;
}
function rand256(): bigint {
  return BigInt('0x' + crypto.randomBytes(32).toString('hex'));
}
function modpow(b: bigint, e: bigint, m: bigint): bigint {
  let r = 1n;
  b %= m;
  while (e > 0n) {
    if (e & 1n) r = (r * b) % m;
    b = (b * b) % m;
    e >>= 1n;
  }
  return r;
}
function bytes32(v: bigint): Buffer {
  return Buffer.from(v.toString(16).padStart(64, '0'), 'hex');
}
/** Random value with a bias towards edge cases (0, 1, m-1, all ones, high limbs). */
function randEdge(m: bigint, i: number): bigint {
  switch (i % 16) {
    case 0: return 0n;
    case 1: return 1n;
    case 2: return m - 1n;
    case 3: return m - 2n;
    case 4: return (1n << 255n) % m;
    default: return rand256() % m;
  }
}

describe('vtpm P-256 field arithmetic', () => {
  it('add256/sub256/cmp256/mul512 match BigInt on random 256-bit inputs', () => {
    const out = new Uint32Array(8);
    const wide = new Uint32Array(16);
    for (let i = 0; i < 3000; i++) {
      const a = i % 7 === 0 ? R - 1n : rand256();
      const b = i % 11 === 0 ? R - 1n : rand256();
      const A = toLimbs(a), B = toLimbs(b);
      const c = add256(out, A, B);
      expect(fromLimbs(out) + (BigInt(c) << 256n)).to.equal(a + b);
      const br = sub256(out, A, B);
      expect(fromLimbs(out) - (BigInt(br) << 256n)).to.equal(a - b);
      expect(cmp256(A, B)).to.equal(a < b ? -1 : a > b ? 1 : 0);
      mul512(wide, A, B);
      expect(fromLimbs(wide)).to.equal(a * b);
    }
  });

  for (const [name, F, m] of [['p', fieldP, P], ['n', fieldN, N]] as [string, Modulus, bigint][]) {
    it(`mod ${name}: Montgomery mul/sqr/add/sub/neg/conversions match BigInt`, () => {
      const rinv = modpow(R % m, m - 2n, m);
      const am = new Uint32Array(8), bm = new Uint32Array(8), o = new Uint32Array(8);
      for (let i = 0; i < 3000; i++) {
        const a = randEdge(m, i), b = randEdge(m, i * 7 + 3);
        F.toMont(am, toLimbs(a));
        expect(fromLimbs(am)).to.equal((a * R) % m);
        F.toMont(bm, toLimbs(b));
        F.mul(o, am, bm);
        expect(fromLimbs(o)).to.equal((a * b * R) % m);
        F.sqr(o, am);
        expect(fromLimbs(o)).to.equal((a * a * R) % m);
        F.fromMont(o, o);
        expect(fromLimbs(o)).to.equal((a * a) % m);
        F.add(o, am, bm);
        expect(fromLimbs(o)).to.equal(((a + b) * R) % m);
        F.sub(o, am, bm);
        expect(fromLimbs(o)).to.equal((((a - b) % m + m) * R) % m);
        F.neg(o, am);
        expect(fromLimbs(o)).to.equal(((m - a) * R) % m);
        // Plain product through redc with R^-1.
        F.mul(o, toLimbs(a), toLimbs(b));
        expect(fromLimbs(o)).to.equal((a * b * rinv) % m);
      }
      // Reduction of values in [m, 2^256).
      for (const v of [m, m + 1n, R - 1n]) {
        F.reduceOnce(o, toLimbs(v));
        expect(fromLimbs(o)).to.equal(v % m);
        F.toMont(o, toLimbs(v));
        expect(fromLimbs(o)).to.equal(((v % m) * R) % m);
      }
    });

    it(`mod ${name}: Fermat inversion matches BigInt`, () => {
      const am = new Uint32Array(8), o = new Uint32Array(8);
      for (let i = 0; i < 40; i++) {
        const a = i === 0 ? 1n : i === 1 ? m - 1n : 1n + (rand256() % (m - 1n));
        F.toMont(am, toLimbs(a));
        F.inv(o, am);
        F.fromMont(o, o);
        expect(fromLimbs(o)).to.equal(modpow(a, m - 2n, m));
        expect((fromLimbs(o) * a) % m).to.equal(1n);
      }
      F.inv(o, new Uint32Array(8));
      expect(fromLimbs(o)).to.equal(0n);
    });
  }

  it('big-endian byte conversion round-trips', () => {
    const a = new Uint32Array(8);
    const buf = new Uint8Array(40);
    for (let i = 0; i < 100; i++) {
      const v = rand256();
      fromBytes256(a, bytes32(v), 0);
      expect(fromLimbs(a)).to.equal(v);
      toBytes256(buf, 5, a);
      expect(Buffer.from(buf.subarray(5, 37)).toString('hex')).to.equal(bytes32(v).toString('hex'));
    }
  });
});

function nodePub(k: bigint): Buffer {
  const ecdh = crypto.createECDH('prime256v1');
  ecdh.setPrivateKey(bytes32(k));
  return ecdh.getPublicKey(); // 04 || X || Y
}

describe('vtpm P-256 points', () => {
  it('k·G matches Node crypto for random and edge-case k', () => {
    const x = new Uint32Array(8), y = new Uint32Array(8);
    const ks = [1n, 2n, 3n, 15n, 16n, 17n, N - 1n, N - 2n, (1n << 255n), 0xf0n << 248n];
    for (let i = 0; i < 30; i++) ks.push(1n + (rand256() % (N - 1n)));
    for (const k of ks) {
      expect(baseMul(x, y, toLimbs(k))).to.equal(true);
      const pub = nodePub(k);
      expect(fromLimbs(x)).to.equal(BigInt('0x' + pub.subarray(1, 33).toString('hex')), `k=${k}`);
      expect(fromLimbs(y)).to.equal(BigInt('0x' + pub.subarray(33, 65).toString('hex')), `k=${k}`);
      expect(isOnCurve(x, y)).to.equal(true);
    }
    expect(baseMul(x, y, toLimbs(0n))).to.equal(false);
    expect(baseMul(x, y, toLimbs(N))).to.equal(false);
  });

  it('k·(j·G) = (k·j)·G against Node crypto, coordinates from bytes', () => {
    const qx = new Uint32Array(8), qy = new Uint32Array(8), x = new Uint32Array(8), y = new Uint32Array(8);
    for (let i = 0; i < 10; i++) {
      const j = 1n + (rand256() % (N - 1n)), k = 1n + (rand256() % (N - 1n));
      const pj = nodePub(j);
      expect(pointFromBytes(qx, qy, new Uint8Array(pj), 1, 33)).to.equal(true);
      expect(pointMul(x, y, toLimbs(k), qx, qy)).to.equal(true);
      const expected = nodePub((j * k) % N);
      expect(fromLimbs(x)).to.equal(BigInt('0x' + expected.subarray(1, 33).toString('hex')));
      expect(fromLimbs(y)).to.equal(BigInt('0x' + expected.subarray(33, 65).toString('hex')));
    }
  });

  it('rejects points off the curve or with coordinates >= p', () => {
    const qx = new Uint32Array(8), qy = new Uint32Array(8);
    const pub = new Uint8Array(nodePub(12345n));
    expect(pointFromBytes(qx, qy, pub, 1, 33)).to.equal(true);
    const bad = new Uint8Array(pub);
    bad[64] ^= 1;
    expect(pointFromBytes(qx, qy, bad, 1, 33)).to.equal(false);
    expect(isOnCurve(toLimbs(0n), toLimbs(0n))).to.equal(false);
    // x + p, y: same point mod p but out of range.
    const x = BigInt('0x' + Buffer.from(pub.subarray(1, 33)).toString('hex'));
    const y = BigInt('0x' + Buffer.from(pub.subarray(33, 65)).toString('hex'));
    if (x + P < R) expect(isOnCurve(toLimbs(x + P), toLimbs(y))).to.equal(false);
    if (y + P < R) expect(isOnCurve(toLimbs(x), toLimbs(y + P))).to.equal(false);
    expect(isOnCurve(toLimbs(x), toLimbs(P - y))).to.equal(true);
  });
});

function nodeKey(d: bigint): { priv: crypto.KeyObject; pub: crypto.KeyObject; raw: Uint8Array } {
  const pubRaw = nodePub(d);
  const jwk = {
    kty: 'EC', crv: 'P-256',
    x: pubRaw.subarray(1, 33).toString('base64url'),
    y: pubRaw.subarray(33, 65).toString('base64url'),
    d: bytes32(d).toString('base64url'),
  };
  const priv = crypto.createPrivateKey({ key: jwk, format: 'jwk' });
  const pub = crypto.createPublicKey(priv);
  return { priv, pub, raw: new Uint8Array(pubRaw.subarray(1)) };
}

describe('vtpm P-256 ECDSA', () => {
  it('public key derivation matches Node and rejects d = 0 and d >= n', () => {
    const pub = new Uint8Array(64);
    const d = 1n + (rand256() % (N - 1n));
    expect(ecdsaPublicKey(pub, new Uint8Array(bytes32(d)))).to.equal(true);
    expect(Buffer.from(pub).toString('hex')).to.equal(nodePub(d).subarray(1).toString('hex'));
    expect(ecdsaPublicKey(pub, new Uint8Array(32))).to.equal(false);
    expect(ecdsaPublicKey(pub, new Uint8Array(bytes32(N)))).to.equal(false);
  });

  it('our signatures verify with Node crypto.verify (ieee-p1363), and with ours', () => {
    const sig = new Uint8Array(64);
    for (let i = 0; i < 10; i++) {
      const d = 1n + (rand256() % (N - 1n));
      const k = 1n + (rand256() % (N - 1n));
      const { pub, raw } = nodeKey(d);
      const msg = crypto.randomBytes(1 + i * 13);
      const hash = new Uint8Array(crypto.createHash('sha256').update(msg).digest());
      expect(ecdsaSign(sig, hash, 0, 32, new Uint8Array(bytes32(d)), new Uint8Array(bytes32(k)))).to.equal(true);
      expect(crypto.verify('sha256', msg, { key: pub, dsaEncoding: 'ieee-p1363' }, Buffer.from(sig))).to.equal(true);
      expect(ecdsaVerify(sig, hash, 0, 32, raw)).to.equal(true);
      // The r component is (k·G).x mod n.
      const kg = nodePub(k);
      expect(BigInt('0x' + Buffer.from(sig.subarray(0, 32)).toString('hex')))
        .to.equal(BigInt('0x' + kg.subarray(1, 33).toString('hex')) % N);
    }
  });

  it('signatures made by Node crypto.sign verify with ours; tampering is rejected', () => {
    for (let i = 0; i < 10; i++) {
      const d = 1n + (rand256() % (N - 1n));
      const { priv, raw } = nodeKey(d);
      const msg = crypto.randomBytes(50 + i);
      const hash = new Uint8Array(crypto.createHash('sha256').update(msg).digest());
      const sig = new Uint8Array(crypto.sign('sha256', msg, { key: priv, dsaEncoding: 'ieee-p1363' }));
      expect(ecdsaVerify(sig, hash, 0, 32, raw)).to.equal(true);
      const h2 = new Uint8Array(hash);
      h2[i % 32] ^= 0x10;
      expect(ecdsaVerify(sig, h2, 0, 32, raw)).to.equal(false);
      const s2 = new Uint8Array(sig);
      s2[40] ^= 1;
      expect(ecdsaVerify(s2, hash, 0, 32, raw)).to.equal(false);
    }
  });

  it('digests longer and shorter than 32 bytes use bits2int (leftmost bytes)', () => {
    const d = 0x1234567890abcdefn;
    const { pub, raw } = nodeKey(d);
    const sig = new Uint8Array(64);
    const msg = Buffer.from('hello');
    const h384 = new Uint8Array(crypto.createHash('sha384').update(msg).digest());
    expect(ecdsaSign(sig, h384, 0, 48, new Uint8Array(bytes32(d)), new Uint8Array(bytes32(77n)))).to.equal(true);
    expect(crypto.verify('sha384', msg, { key: pub, dsaEncoding: 'ieee-p1363' }, Buffer.from(sig))).to.equal(true);
    expect(ecdsaVerify(sig, h384, 0, 48, raw)).to.equal(true);
    const h1 = new Uint8Array(crypto.createHash('sha1').update(msg).digest());
    expect(ecdsaSign(sig, h1, 0, 20, new Uint8Array(bytes32(d)), new Uint8Array(bytes32(78n)))).to.equal(true);
    expect(crypto.verify('sha1', msg, { key: pub, dsaEncoding: 'ieee-p1363' }, Buffer.from(sig))).to.equal(true);
    expect(ecdsaVerify(sig, h1, 0, 20, raw)).to.equal(true);
  });

  it('rejects r or s equal to 0 or >= n, keys off the curve, and bad d or k when signing', () => {
    const d = 987654321n;
    const { raw } = nodeKey(d);
    const hash = new Uint8Array(crypto.createHash('sha256').update('x').digest());
    const sig = new Uint8Array(64);
    expect(ecdsaSign(sig, hash, 0, 32, new Uint8Array(bytes32(d)), new Uint8Array(bytes32(5n)))).to.equal(true);
    expect(ecdsaVerify(sig, hash, 0, 32, raw)).to.equal(true);
    const r = BigInt('0x' + Buffer.from(sig.subarray(0, 32)).toString('hex'));
    const s = BigInt('0x' + Buffer.from(sig.subarray(32)).toString('hex'));
    const mk = (rr: bigint, ss: bigint) => new Uint8Array(Buffer.concat([bytes32(rr), bytes32(ss)]));
    expect(ecdsaVerify(mk(0n, s), hash, 0, 32, raw)).to.equal(false);
    expect(ecdsaVerify(mk(r, 0n), hash, 0, 32, raw)).to.equal(false);
    if (r + N < R) expect(ecdsaVerify(mk(r + N, s), hash, 0, 32, raw)).to.equal(false);
    if (s + N < R) expect(ecdsaVerify(mk(r, s + N), hash, 0, 32, raw)).to.equal(false);
    expect(ecdsaVerify(mk(N, s), hash, 0, 32, raw)).to.equal(false);
    expect(ecdsaVerify(mk(r, N), hash, 0, 32, raw)).to.equal(false);
    expect(ecdsaVerify(mk(r, N - s), hash, 0, 32, raw)).to.equal(true); // (r, -s) is valid too
    const badKey = new Uint8Array(raw);
    badKey[63] ^= 1;
    expect(ecdsaVerify(sig, hash, 0, 32, badKey)).to.equal(false);
    expect(ecdsaVerify(sig, hash, 0, 32, new Uint8Array(64))).to.equal(false);
    expect(ecdsaSign(sig, hash, 0, 32, new Uint8Array(32), new Uint8Array(bytes32(5n)))).to.equal(false);
    expect(ecdsaSign(sig, hash, 0, 32, new Uint8Array(bytes32(d)), new Uint8Array(32))).to.equal(false);
    expect(ecdsaSign(sig, hash, 0, 32, new Uint8Array(bytes32(d)), new Uint8Array(bytes32(N)))).to.equal(false);
  });
});
