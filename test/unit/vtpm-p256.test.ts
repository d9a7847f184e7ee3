/**
 * P-256 in restricted TS: field arithmetic (the generic 32-bit Montgomery class and the 24-bit
 * element heap used by the curve code) against BigInt reference arithmetic, random and edge values;
 * k·G, k·P and the verifier's u·Q against Node's crypto, including the scalars at the edges of the
 * signed-digit recoding and of the exceptional-case analysis; ECDSA interoperability with Node's
 * crypto in both directions, and rejection of invalid signatures and public keys.
 */
import { expect } from 'chai';
import * as crypto from 'crypto';
import {
  add256, cmp256, fromBytes256, sub256, toBytes256,
  FE_ONE, FE_R2, SC_ONE, SC_R2, feAdd, feAlloc, feCanon, feCondNeg, feEqMask, feFromMont, feFromU32,
  feFromWords, feGetLimbs, feInv, feIsZeroMask, feMul, feMulSmall, feNeg, feSetLimbs, feSqr, feSub, feSubK,
  feSubMul, feToBytes, feToMont, feToU32, feToWords, scAdd, scCanon, scFromMont, scInv, scIsZeroMask, scMul,
  scSqr, scSub, scToMont,
} from '../../vtpm/crypto/p256field';
import {
  JPoint, baseMul, isOnCurve, mulPublic, pointFromBytes, pointMul, toAffine,
} from '../../vtpm/crypto/p256';
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

describe('vtpm P-256 field arithmetic', () => {
  it('add256/sub256/cmp256 match BigInt on random 256-bit inputs', () => {
    const out = new Uint32Array(8);
    for (let i = 0; i < 3000; i++) {
      const a = i % 7 === 0 ? R - 1n : rand256();
      const b = i % 11 === 0 ? R - 1n : rand256();
      const A = toLimbs(a), B = toLimbs(b);
      const c = add256(out, A, B);
      expect(fromLimbs(out) + (BigInt(c) << 256n)).to.equal(a + b);
      const br = sub256(out, A, B);
      expect(fromLimbs(out) - (BigInt(br) << 256n)).to.equal(a - b);
      expect(cmp256(A, B)).to.equal(a < b ? -1 : a > b ? 1 : 0);
    }
  });

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

// ---- the 24-bit element heap (the curve code's arithmetic) ----

const R264 = 1n << 264n;
const EA = feAlloc(), EB = feAlloc(), EO = feAlloc();
const LIMBS = new Int32Array(11);
function put(o: number, v: bigint): void {
  for (let i = 0; i < 11; i++) LIMBS[i] = Number((v >> BigInt(24 * i)) & 0xffffffn);
  feSetLimbs(o, LIMBS);
}
/** The value at o; throws unless the result is loosely reduced (limbs in [0, 2^24), below 2^257). */
function get(o: number): bigint {
  feGetLimbs(LIMBS, o);
  let v = 0n;
  for (let i = 10; i >= 0; i--) {
    if (LIMBS[i] < 0 || LIMBS[i] > 0xffffff) throw new Error(`limb ${i} = ${LIMBS[i]} not normalised`);
    v = (v << 24n) + BigInt(LIMBS[i]);
  }
  if (v >= 1n << 257n) throw new Error(`value ${v.toString(16)} not below 2^257`);
  return v;
}
const mod = (v: bigint, m: bigint) => ((v % m) + m) % m;
function rand257(): bigint {
  return BigInt('0x' + crypto.randomBytes(33).toString('hex')) & ((1n << 257n) - 1n);
}
/** Loosely reduced edge values: 0, 1, 2, m-2, m-1, m, m+1, 2m-1, 2m, 2^255, 2^256-1, 2^257-1. */
function looseEdges(m: bigint): bigint[] {
  return [0n, 1n, 2n, m - 2n, m - 1n, m, m + 1n, 2n * m - 1n, 2n * m, 1n << 255n, R - 1n, (1n << 257n) - 1n];
}

describe('vtpm P-256 24-bit element heap', () => {
  const cases: [string, bigint, {
    mul: typeof feMul; sqr: typeof feSqr; add: typeof feAdd; sub: typeof feSub; canon: typeof feCanon;
    zero: typeof feIsZeroMask; toMont: typeof feToMont; fromMont: typeof feFromMont; inv: typeof feInv;
  }][] = [
    ['p', P, { mul: feMul, sqr: feSqr, add: feAdd, sub: feSub, canon: feCanon, zero: feIsZeroMask, toMont: feToMont, fromMont: feFromMont, inv: feInv }],
    ['n', N, { mul: scMul, sqr: scSqr, add: scAdd, sub: scSub, canon: scCanon, zero: scIsZeroMask, toMont: scToMont, fromMont: scFromMont, inv: scInv }],
  ];
  for (const [name, m, f] of cases) {
    it(`mod ${name}: mul/sqr/add/sub/canon/zero test match BigInt on random and edge values, outputs loosely reduced`, () => {
      const rinv = modpow(R264 % m, m - 2n, m);
      const edges = looseEdges(m);
      const pairs: [bigint, bigint][] = [];
      for (const a of edges) for (const b of edges) pairs.push([a, b]);
      for (let i = 0; i < 4000; i++) pairs.push([i % 2 ? rand257() : rand256() % m, i % 3 ? rand257() : rand256() % m]);
      for (const [a, b] of pairs) {
        put(EA, a); put(EB, b);
        f.mul(EO, EA, EB);
        expect(get(EO) % m).to.equal(a * b * rinv % m);
        f.mul(EA, EA, EB); // output aliasing an input
        expect(get(EA) % m).to.equal(a * b * rinv % m);
        put(EA, a);
        f.sqr(EO, EA);
        expect(get(EO) % m).to.equal(a * a * rinv % m);
        f.add(EO, EA, EB);
        expect(get(EO) % m).to.equal((a + b) % m);
        f.sub(EO, EA, EB);
        expect(get(EO) % m).to.equal(mod(a - b, m));
        f.canon(EO, EA);
        expect(get(EO)).to.equal(a % m);
        expect(f.zero(EA)).to.equal(a % m === 0n ? -1 : 0);
      }
    });

    it(`mod ${name}: Montgomery conversions (R = 2^264) and constants`, () => {
      expect(get(name === 'p' ? FE_ONE : SC_ONE)).to.equal(R264 % m);
      expect(get(name === 'p' ? FE_R2 : SC_R2)).to.equal(R264 * R264 % m);
      for (const a of [...looseEdges(m), ...Array.from({ length: 200 }, rand257)]) {
        put(EA, a);
        f.toMont(EO, EA);
        expect(get(EO) % m).to.equal(a * R264 % m);
        f.fromMont(EO, EO);
        expect(get(EO)).to.equal(a % m); // canonical
      }
    });

    it(`mod ${name}: safegcd inversion matches BigInt (0 gives 0)`, () => {
      const xs = [0n, 1n, 2n, 3n, m - 1n, m - 2n, (m - 1n) / 2n, 1n << 255n, 1n << 128n, R - 1n - m];
      for (let k = 0; k < 256; k += 17) xs.push((1n << BigInt(k)) % m);
      for (let i = 0; i < 300; i++) xs.push(rand256() % m);
      for (const x of xs) {
        put(EA, x * R264 % m); // Montgomery form
        f.inv(EO, EA);
        const want = x === 0n ? 0n : modpow(x, m - 2n, m) * R264 % m;
        expect(get(EO) % m).to.equal(want, `x = ${x.toString(16)}`);
      }
      // Non-canonical (loosely reduced) inputs.
      for (const x of [m, m + 1n, 2n * m + 5n]) {
        put(EA, x);
        f.inv(EO, EA);
        expect(get(EO) % m).to.equal(x % m === 0n ? 0n : modpow(x * modpow(R264, m - 2n, m) % m, m - 2n, m) * R264 % m);
      }
    });
  }

  it('mod p: neg, conditional neg, small multiples, a - kb, k (a - b) and equality match BigInt', () => {
    for (const a of [...looseEdges(P), ...Array.from({ length: 1000 }, rand257)]) {
      put(EA, a);
      feNeg(EO, EA);
      expect(get(EO) % P).to.equal(mod(-a, P));
      feCondNeg(EO, EA, -1);
      expect(get(EO) % P).to.equal(mod(-a, P));
      feCondNeg(EO, EA, 0);
      expect(get(EO) % P).to.equal(a % P);
      for (let k = 0; k <= 16; k++) {
        feMulSmall(EO, EA, k);
        expect(get(EO) % P).to.equal(a * BigInt(k) % P);
      }
      const b = a % 3n === 0n ? a % P + P : rand257();
      put(EB, b);
      for (let k = 1; k <= 8; k++) {
        feSubK(EO, EA, EB, k);
        expect(get(EO) % P).to.equal(mod(a - BigInt(k) * b, P));
        feSubMul(EO, EA, EB, k);
        expect(get(EO) % P).to.equal(mod(BigInt(k) * (a - b), P));
      }
      expect(feEqMask(EA, EB)).to.equal(a % P === b % P ? -1 : 0);
    }
  });

  it('words, bytes and plain/Montgomery interface conversions', () => {
    const words = new Uint32Array(8), bytes = new Uint8Array(40);
    for (const v of [0n, 1n, P - 1n, P, N - 1n, R - 1n, ...Array.from({ length: 100 }, rand256)]) {
      feFromWords(EA, toLimbs(v));
      expect(get(EA)).to.equal(v);
      feToWords(words, EA);
      expect(fromLimbs(words)).to.equal(v);
      feToBytes(bytes, 3, EA);
      expect(Buffer.from(bytes.subarray(3, 35)).toString('hex')).to.equal(bytes32(v).toString('hex'));
      feFromU32(EO, toLimbs(v)); // any 256-bit value, reduced mod p
      expect(get(EO) % P).to.equal(v * R264 % P);
      feToU32(words, EO);
      expect(fromLimbs(words)).to.equal(v % P);
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

describe('vtpm P-256 scalar multiplication edge cases', () => {
  const x = new Uint32Array(8), y = new Uint32Array(8);
  function expectPoint(k: bigint, what: string): void {
    const km = k % N;
    if (km === 0n) {
      expect(fromLimbs(x)).to.equal(0n, what);
      return;
    }
    const pub = nodePub(km);
    expect(fromLimbs(x)).to.equal(BigInt('0x' + pub.subarray(1, 33).toString('hex')), what);
    expect(fromLimbs(y)).to.equal(BigInt('0x' + pub.subarray(33, 65).toString('hex')), what);
  }
  /** Scalars at the edges of the signed 4-bit recoding and of the order. */
  function edgeScalars(): bigint[] {
    const ks: bigint[] = [];
    for (let d = -10n; d <= 10n; d++) ks.push(N + d);
    for (let k = 0n; k <= 20n; k++) ks.push(k);
    for (const nib of [0x7n, 0x8n, 0x9n, 0xfn]) {
      let v = 0n;
      for (let i = 0; i < 64; i++) v = (v << 4n) | nib;
      ks.push(v, v >> 4n, v >> 128n);
    }
    ks.push(R - 1n, R - 2n, 1n << 255n, (1n << 255n) - 1n, (1n << 256n) - (1n << 224n), N - (1n << 128n));
    // The comb's equal-operand case: odd k' = 2^256 - n (k = k', or k = n - k' made odd).
    ks.push(R - N, N - (R - N), R - N + 2n, R - N - 2n);
    for (let j = 0n; j < 64n; j += 9n) for (const e of [1n, 7n, 8n, 9n, 15n]) ks.push(e << (4n * j));
    return ks;
  }

  it('k·G (fixed-base comb) matches Node for edge scalars, including k >= n, k = 0 mod n and 2^256 - n (equal operands)', () => {
    for (const k of edgeScalars()) {
      const got = baseMul(x, y, toLimbs(k));
      expect(got).to.equal(k % N !== 0n, `k = ${k.toString(16)}`);
      expectPoint(k, `k = ${k.toString(16)}`);
    }
  });

  it('k·P (constant-time window) matches Node for edge scalars, including k = n - 2 (equal operands)', () => {
    const qx = new Uint32Array(8), qy = new Uint32Array(8);
    for (const j of [1n, 2n, 0xdeadbeefn, N - 1n, 1n + (rand256() % (N - 1n))]) {
      const pj = nodePub(j);
      expect(pointFromBytes(qx, qy, new Uint8Array(pj), 1, 33)).to.equal(true);
      for (const k of edgeScalars()) {
        const got = pointMul(x, y, toLimbs(k), qx, qy);
        const kj = (k * j) % N;
        expect(got).to.equal(kj !== 0n, `j = ${j}, k = ${k.toString(16)}`);
        expectPoint(kj, `j = ${j}, k = ${k.toString(16)}`);
      }
    }
  });

  it('u·Q of the verifier (variable-time width-5 NAF) matches Node', () => {
    const qx = new Uint32Array(8), qy = new Uint32Array(8);
    const qxm = feAlloc(), qym = feAlloc(), u = feAlloc();
    const out = new JPoint(0);
    for (let t = 0; t < 6; t++) {
      const j = t === 0 ? 1n : 1n + (rand256() % (N - 1n));
      expect(pointFromBytes(qx, qy, new Uint8Array(nodePub(j)), 1, 33)).to.equal(true);
      feFromU32(qxm, qx);
      feFromU32(qym, qy);
      const us = [0n, 1n, 2n, 15n, 16n, 17n, 31n, 32n, 33n, N - 1n, N - 2n, N - 16n, R - 1n];
      for (let i = 0; i < 10; i++) us.push(rand256() % N);
      for (const uu of us) {
        feFromWords(u, toLimbs(uu));
        mulPublic(out, u, qxm, qym);
        const uj = (uu * j) % N;
        expect(toAffine(x, y, out)).to.equal(uj !== 0n, `u = ${uu.toString(16)}`);
        expectPoint(uj, `u = ${uu.toString(16)}`);
      }
    }
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
