/**
 * vTPM crypto in Node: SHA-256, HMAC-SHA-256 and TPM 2.0 KDFa (vtpm/crypto/) against Node's
 * crypto module (NIST vectors, random lengths, streaming splits) and, for KDFa, an independent
 * implementation written here from the TPM 2.0 Part 1 byte layout.
 */
import { expect } from 'chai';
import * as crypto from 'crypto';
import { Sha256, sha256 } from '../../vtpm/crypto/sha256';
import { HmacSha256, hmacSha256 } from '../../vtpm/crypto/hmac';
import { kdfa } from '../../vtpm/crypto/kdf';

/** Deterministic pseudo-random bytes (xorshift32), so failures reproduce. */
function prng(seed: number): (n: number) => Uint8Array {
  let s = seed >>> 0 || 1;
  return (n: number) => {
    const out = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      s ^= s << 13; s >>>= 0; s ^= s >>> 17; s ^= s << 5; s >>>= 0;
      out[i] = s & 0xff;
    }
    return out;
  };
}

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const ascii = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, 'latin1'));

function ours(data: Uint8Array): string {
  const out = new Uint8Array(32);
  sha256(data, 0, data.length, out, 0);
  return hex(out);
}
const nodeSha = (data: Uint8Array): string => crypto.createHash('sha256').update(data).digest('hex');

describe('vtpm crypto: SHA-256', () => {
  it('NIST vectors: "", "abc", 448-bit message', () => {
    expect(ours(ascii(''))).to.equal('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    expect(ours(ascii('abc'))).to.equal('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(ours(ascii('abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq')))
      .to.equal('248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1');
    expect(ours(ascii('abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu')))
      .to.equal('cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1');
  });

  it('1,000,000 x "a" (one-shot and streamed in odd pieces)', () => {
    const expected = 'cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0';
    const a = new Uint8Array(1_000_000).fill(0x61);
    expect(ours(a)).to.equal(expected);
    const ctx = new Sha256();
    let p = 0;
    let step = 1;
    while (p < a.length) {
      const n = Math.min(step, a.length - p);
      ctx.update(a, p, n);
      p += n;
      step = (step * 7 + 3) % 1000;
    }
    const out = new Uint8Array(32);
    ctx.final(out);
    expect(hex(out)).to.equal(expected);
  });

  it('every length 0..300 of random data matches crypto.createHash', () => {
    const rnd = prng(0x5eed);
    for (let len = 0; len <= 300; len++) {
      const d = rnd(len);
      expect(ours(d), `len ${len}`).to.equal(nodeSha(d));
    }
  });

  it('streaming: random splits, offsets inside larger buffers, reuse after init', () => {
    const rnd = prng(42);
    const ctx = new Sha256();
    for (let t = 0; t < 200; t++) {
      const len = rnd(2)[0] | (rnd(1)[0] & 3) << 8;          // 0..1023
      const pad = rnd(1)[0] & 15;
      const buf = rnd(len + 2 * pad);
      ctx.init();
      let p = pad;
      while (p < pad + len) {
        const n = Math.min(1 + (rnd(1)[0] % 130), pad + len - p);
        ctx.update(buf, p, n);
        p += n;
      }
      ctx.update(buf, p, 0);
      const out = new Uint8Array(40);
      ctx.finalAt(out, 5);
      expect(hex(out.subarray(5, 37)), `case ${t}`).to.equal(nodeSha(buf.subarray(pad, pad + len)));
      expect(out[4]).to.equal(0);
      expect(out[37]).to.equal(0);
    }
  });

  it('copyFrom forks a context mid-message', () => {
    const rnd = prng(7);
    const data = rnd(500);
    const a = new Sha256();
    a.update(data, 0, 137);
    const b = new Sha256();
    b.copyFrom(a);
    a.update(data, 137, 363);
    b.update(data, 137, 10);
    const oa = new Uint8Array(32);
    const ob = new Uint8Array(32);
    a.final(oa);
    b.final(ob);
    expect(hex(oa)).to.equal(nodeSha(data));
    expect(hex(ob)).to.equal(nodeSha(data.subarray(0, 147)));
  });
});

describe('vtpm crypto: HMAC-SHA-256', () => {
  const nodeHmac = (k: Uint8Array, d: Uint8Array): string => crypto.createHmac('sha256', k).update(d).digest('hex');
  function oursHmac(k: Uint8Array, d: Uint8Array): string {
    const out = new Uint8Array(32);
    hmacSha256(k, 0, k.length, d, 0, d.length, out, 0);
    return hex(out);
  }

  it('RFC 4231 test case 2 and 6 (key longer than the block)', () => {
    expect(oursHmac(ascii('Jefe'), ascii('what do ya want for nothing?')))
      .to.equal('5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843');
    expect(oursHmac(new Uint8Array(131).fill(0xaa), ascii('Test Using Larger Than Block-Size Key - Hash Key First')))
      .to.equal('60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54');
  });

  it('key lengths 0..200 and message lengths 0..300 match crypto.createHmac', () => {
    const rnd = prng(0xbeef);
    for (let t = 0; t < 400; t++) {
      const klen = t < 201 ? t : rnd(1)[0];
      const dlen = (t * 37) % 301;
      const k = rnd(klen);
      const d = rnd(dlen);
      expect(oursHmac(k, d), `key ${klen} data ${dlen}`).to.equal(nodeHmac(k, d));
    }
  });

  it('streaming with offsets; the context is reusable after final', () => {
    const rnd = prng(99);
    const mac = new HmacSha256();
    const key = rnd(80);
    mac.init(key, 3, 70);
    const k = key.subarray(3, 73);
    for (let t = 0; t < 50; t++) {
      const d = rnd(t * 13);
      let p = 0;
      while (p < d.length) {
        const n = Math.min(1 + (rnd(1)[0] % 70), d.length - p);
        mac.update(d, p, n);
        p += n;
      }
      const out = new Uint8Array(34);
      mac.final(out, 2);
      expect(hex(out.subarray(2)), `message ${t}`).to.equal(nodeHmac(k, d));
    }
    mac.updateU32(0x01020304);
    mac.updateByte(0xff);
    const out = new Uint8Array(32);
    mac.final(out, 0);
    expect(hex(out)).to.equal(nodeHmac(k, new Uint8Array([1, 2, 3, 4, 0xff])));
  });
});

describe('vtpm crypto: KDFa (TPM 2.0 Part 1, SP 800-108 counter mode, HMAC-SHA-256)', () => {
  /** Independent straightforward KDFa from the spec's layout, using Node's HMAC. */
  function refKdfa(key: Uint8Array, label: Uint8Array, u: Uint8Array, v: Uint8Array, bits: number): Uint8Array {
    const bytes = Math.ceil(bits / 8);
    const parts: Buffer[] = [];
    const be32 = (x: number): Buffer => { const b = Buffer.alloc(4); b.writeUInt32BE(x >>> 0); return b; };
    const nul = label.length > 0 && label[label.length - 1] === 0 ? Buffer.alloc(0) : Buffer.from([0]);
    for (let i = 1; parts.length * 32 < bytes; i++) {
      parts.push(crypto.createHmac('sha256', key)
        .update(be32(i)).update(label).update(nul).update(u).update(v).update(be32(bits)).digest());
    }
    const out = new Uint8Array(Buffer.concat(parts).subarray(0, bytes));
    if (bits % 8 !== 0) out[0] &= (1 << (bits % 8)) - 1;
    return out;
  }
  function oursKdfa(key: Uint8Array, label: Uint8Array, u: Uint8Array, v: Uint8Array, bits: number): Uint8Array {
    const bytes = Math.ceil(bits / 8);
    const out = new Uint8Array(bytes + 4).fill(0xee);
    kdfa(key, 0, key.length, label, 0, label.length, u, 0, u.length, v, 0, v.length, bits, out, 2);
    expect(out[0]).to.equal(0xee);
    expect(out[1]).to.equal(0xee);
    expect(out[bytes + 2]).to.equal(0xee);
    expect(out[bytes + 3]).to.equal(0xee);
    return out.subarray(2, 2 + bytes);
  }

  it('the byte layout: one block by hand', () => {
    const key = ascii('seed-seed-seed-seed');
    const u = ascii('U');
    const v = ascii('VV');
    // [1]_32 || "STORAGE" || 00 || "U" || "VV" || [128]_32
    const msg = Buffer.from('00000001' + Buffer.from('STORAGE').toString('hex') + '00' + '55' + '5656' + '00000080', 'hex');
    const expected = crypto.createHmac('sha256', key).update(msg).digest().subarray(0, 16);
    expect(hex(oursKdfa(key, ascii('STORAGE'), u, v, 128))).to.equal(expected.toString('hex'));
    // a label that already ends in NUL gives the same key
    expect(hex(oursKdfa(key, ascii('STORAGE\0'), u, v, 128))).to.equal(expected.toString('hex'));
  });

  it('TPM labels and sizes (1..1100 bits, multi-block, odd bit counts) match the reference', () => {
    const rnd = prng(0x7b3);
    const labels = ['STORAGE', 'INTEGRITY', 'ATH', 'CFB', 'SECRET', 'DUPLICATE', 'IDENTITY', 'OBFUSCATE', ''];
    const sizes = [1, 7, 8, 9, 128, 129, 255, 256, 257, 384, 511, 512, 513, 1024, 1100];
    let t = 0;
    for (const s of sizes) {
      for (const l of labels) {
        const key = rnd((t * 29) % 140);
        const u = rnd((t * 7) % 50);
        const v = rnd((t * 11) % 40);
        const label = ascii(l);
        expect(hex(oursKdfa(key, label, u, v, s)), `bits ${s} label '${l}'`).to.equal(hex(refKdfa(key, label, u, v, s)));
        t++;
      }
    }
  });

  it('output may overwrite the key in place', () => {
    const key = prng(5)(32);
    const expected = refKdfa(key, ascii('CFB'), new Uint8Array(0), new Uint8Array(0), 256);
    kdfa(key, 0, 32, ascii('CFB'), 0, 3, key, 0, 0, key, 0, 0, 256, key, 0);
    expect(hex(key)).to.equal(hex(expected));
  });
});
