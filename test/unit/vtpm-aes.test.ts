/**
 * vtpm/crypto/aes.ts: FIPS-197 appendix C block vectors, NIST SP800-38A CFB128 vectors, and random
 * keys, IVs and lengths against Node's crypto ('aes-128-cfb' / 'aes-256-cfb') in both directions.
 */
import { expect } from 'chai';
import * as crypto from 'crypto';
import { AesKey, aesCfbDecrypt, aesCfbEncrypt } from '../../vtpm/crypto/aes';

function hex(s: string): Uint8Array {
  return new Uint8Array(Buffer.from(s, 'hex'));
}

function toHex(b: Uint8Array): string {
  return Buffer.from(b).toString('hex');
}

function keyOf(k: Uint8Array): AesKey {
  const key = new AesKey();
  expect(key.setKey(k, 0, k.length)).to.equal(true);
  return key;
}

function ecb(k: Uint8Array, pt: Uint8Array): string {
  const out = new Uint8Array(16);
  keyOf(k).encryptBlock(pt, 0, out, 0);
  return toHex(out);
}

function cfbEnc(k: Uint8Array, iv: Uint8Array, pt: Uint8Array): Uint8Array {
  const out = new Uint8Array(pt.length);
  aesCfbEncrypt(keyOf(k), iv.slice(), 0, pt, 0, out, 0, pt.length);
  return out;
}

function cfbDec(k: Uint8Array, iv: Uint8Array, ct: Uint8Array): Uint8Array {
  const out = new Uint8Array(ct.length);
  aesCfbDecrypt(keyOf(k), iv.slice(), 0, ct, 0, out, 0, ct.length);
  return out;
}

function nodeCipher(k: Uint8Array): string {
  return k.length === 16 ? 'aes-128-cfb' : k.length === 24 ? 'aes-192-cfb' : 'aes-256-cfb';
}

function nodeEnc(k: Uint8Array, iv: Uint8Array, pt: Uint8Array): string {
  const c = crypto.createCipheriv(nodeCipher(k), k, iv);
  return Buffer.concat([c.update(pt), c.final()]).toString('hex');
}

function nodeDec(k: Uint8Array, iv: Uint8Array, ct: Uint8Array): string {
  const c = crypto.createDecipheriv(nodeCipher(k), k, iv);
  return Buffer.concat([c.update(ct), c.final()]).toString('hex');
}

const FIPS_PT = hex('00112233445566778899aabbccddeeff');

// SP800-38A F.3.13-F.3.18
const SP_IV = hex('000102030405060708090a0b0c0d0e0f');
const SP_PT = hex(
  '6bc1bee22e409f96e93d7e117393172a' + 'ae2d8a571e03ac9c9eb76fac45af8e51' +
  '30c81c46a35ce411e5fbc1191a0a52ef' + 'f69f2445df4f9b17ad2b417be66c3710');
const SP_K128 = hex('2b7e151628aed2a6abf7158809cf4f3c');
const SP_CT128 =
  '3b3fd92eb72dad20333449f8e83cfb4a' + 'c8a64537a0b3a93fcde3cdad9f1ce58b' +
  '26751f67a3cbb140b1808cf187a4f4df' + 'c04b05357c5d1c0eeac4c66f9ff7f2e6';
const SP_K256 = hex('603deb1015ca71be2b73aef0857d77811f352c073b6108d72d9810a30914dff4');
const SP_CT256 =
  'dc7e84bfda79164b7ecd8486985d3860' + '39ffed143b28b1c832113c6331e5407b' +
  'df10132415e54b92a13ed0a8267ae2f9' + '75a385741ab9cef82031623d55b1e471';

// deterministic PRNG for the random tests (reproducible failures)
let seed = 0x12345678;
function rnd(n: number): number {
  seed ^= seed << 13; seed >>>= 0;
  seed ^= seed >>> 17;
  seed ^= seed << 5; seed >>>= 0;
  return seed % n;
}
function rndBytes(n: number): Uint8Array {
  const b = new Uint8Array(n);
  for (let i = 0; i < n; i++) b[i] = rnd(256);
  return b;
}

describe('vtpm AES', () => {
  it('FIPS-197 C.1: AES-128', () => {
    expect(ecb(hex('000102030405060708090a0b0c0d0e0f'), FIPS_PT)).to.equal('69c4e0d86a7b0430d8cdb78070b4c55a');
  });

  it('FIPS-197 C.2: AES-192', () => {
    expect(ecb(hex('000102030405060708090a0b0c0d0e0f1011121314151617'), FIPS_PT))
      .to.equal('dda97ca4864cdfe06eaf70a0ec0d7191');
  });

  it('FIPS-197 C.3: AES-256', () => {
    expect(ecb(hex('000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f'), FIPS_PT))
      .to.equal('8ea2b7ca516745bfeafc49904b496089');
  });

  it('FIPS-197 A.1: AES-128 key expansion, last round key', () => {
    const key = keyOf(SP_K128);
    expect(key.rounds).to.equal(10);
    expect([key.rk[40], key.rk[41], key.rk[42], key.rk[43]]).to.deep.equal([0xd014f9a8, 0xc9ee2589, 0xe13f0cc8, 0xb6630ca6]);
  });

  it('FIPS-197 A.3: AES-256 key expansion, last round key', () => {
    const key = keyOf(SP_K256);
    expect(key.rounds).to.equal(14);
    expect([key.rk[56], key.rk[57], key.rk[58], key.rk[59]]).to.deep.equal([0xfe4890d1, 0xe6188d0b, 0x046df344, 0x706c631e]);
  });

  it('setKey refuses other lengths', () => {
    const key = new AesKey();
    expect(key.setKey(new Uint8Array(20), 0, 20)).to.equal(false);
    expect(key.rounds).to.equal(0);
    expect(key.setKey(new Uint8Array(0), 0, 0)).to.equal(false);
  });

  it('encryptBlock works in place and at offsets', () => {
    const key = keyOf(hex('000102030405060708090a0b0c0d0e0f'));
    const buf = new Uint8Array(40);
    buf.set(FIPS_PT, 7);
    key.encryptBlock(buf, 7, buf, 7);
    expect(toHex(buf.subarray(7, 23))).to.equal('69c4e0d86a7b0430d8cdb78070b4c55a');
    expect(buf[6]).to.equal(0);
    expect(buf[23]).to.equal(0);
  });

  it('SP800-38A F.3.13/F.3.14: CFB128-AES128 encrypt and decrypt', () => {
    expect(toHex(cfbEnc(SP_K128, SP_IV, SP_PT))).to.equal(SP_CT128);
    expect(toHex(cfbDec(SP_K128, SP_IV, hex(SP_CT128)))).to.equal(toHex(SP_PT));
  });

  it('SP800-38A F.3.17/F.3.18: CFB128-AES256 encrypt and decrypt', () => {
    expect(toHex(cfbEnc(SP_K256, SP_IV, SP_PT))).to.equal(SP_CT256);
    expect(toHex(cfbDec(SP_K256, SP_IV, hex(SP_CT256)))).to.equal(toHex(SP_PT));
  });

  it('CFB updates the IV to the last ciphertext block (zero-padded when partial), as the TPM reference does', () => {
    const key = keyOf(SP_K128);
    const iv = SP_IV.slice();
    const out = new Uint8Array(64);
    aesCfbEncrypt(key, iv, 0, SP_PT, 0, out, 0, 32);
    expect(toHex(iv)).to.equal(SP_CT128.slice(32, 64));
    aesCfbEncrypt(key, iv, 0, SP_PT, 32, out, 32, 32);
    expect(toHex(out)).to.equal(SP_CT128);
    const iv2 = SP_IV.slice();
    aesCfbEncrypt(key, iv2, 0, SP_PT, 0, out, 0, 20);
    expect(toHex(iv2)).to.equal(SP_CT128.slice(32, 40) + '00'.repeat(12));
    const iv3 = SP_IV.slice();
    aesCfbDecrypt(key, iv3, 0, hex(SP_CT128), 0, out, 0, 20);
    expect(toHex(iv3)).to.equal(toHex(iv2));
  });

  it('CFB in place over a byte range leaves the rest untouched; length 0 is a no-op', () => {
    const key = keyOf(SP_K256);
    const buf = new Uint8Array(80).fill(0xee);
    buf.set(SP_PT.subarray(0, 37), 5);
    const iv = SP_IV.slice();
    aesCfbEncrypt(key, iv, 0, buf, 5, buf, 5, 37);
    expect(toHex(buf.subarray(5, 42))).to.equal(SP_CT256.slice(0, 74));
    expect(buf[4]).to.equal(0xee);
    expect(buf[42]).to.equal(0xee);
    const iv2 = SP_IV.slice();
    aesCfbDecrypt(key, iv2, 0, buf, 5, buf, 5, 37);
    expect(toHex(buf.subarray(5, 42))).to.equal(toHex(SP_PT.subarray(0, 37)));
    const iv3 = SP_IV.slice();
    aesCfbEncrypt(key, iv3, 0, buf, 0, buf, 0, 0);
    expect(toHex(iv3)).to.equal(toHex(SP_IV));
  });

  for (const klen of [16, 24, 32]) {
    it(`random AES-${klen * 8}-CFB keys, IVs and lengths 0..200 match Node's crypto both ways`, () => {
      for (let n = 0; n < 300; n++) {
        const k = rndBytes(klen);
        const iv = rndBytes(16);
        const len = n <= 200 ? n : rnd(201);
        const pt = rndBytes(len);
        const ct = cfbEnc(k, iv, pt);
        expect(toHex(ct)).to.equal(nodeEnc(k, iv, pt));
        expect(toHex(cfbDec(k, iv, ct))).to.equal(toHex(pt));
        const ct2 = rndBytes(len);
        expect(toHex(cfbDec(k, iv, ct2))).to.equal(nodeDec(k, iv, ct2));
      }
    });
  }

  it('random single blocks match Node aes-128-ecb / aes-256-ecb', () => {
    for (let n = 0; n < 200; n++) {
      const k = rndBytes(n % 2 === 0 ? 16 : 32);
      const pt = rndBytes(16);
      const c = crypto.createCipheriv(k.length === 16 ? 'aes-128-ecb' : 'aes-256-ecb', k, null);
      c.setAutoPadding(false);
      expect(ecb(k, pt)).to.equal(Buffer.concat([c.update(pt), c.final()]).toString('hex'));
    }
  });
});
