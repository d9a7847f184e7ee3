/**
 * HMAC-SHA-256 (RFC 2104 / FIPS 198-1) in restricted TypeScript.
 *
 * init(key) hashes the padded key once into two saved contexts (key ⊕ ipad, key ⊕ opad), so each
 * message under the same key costs only its own blocks plus two: after final() the context is
 * ready for the next message with the same key (no need to call init again).
 *
 *   mac.init(key, kOff, kLen); mac.update(data, off, len) …; mac.final(out, outOff)   (32 bytes)
 *   hmacSha256(key, kOff, kLen, data, off, len, out, outOff)                          (one-shot)
 *
 * The key is fully consumed by init: the caller may overwrite it afterwards.
 */
import { Sha256, SHA256_BLOCK_SIZE, SHA256_DIGEST_SIZE } from "./sha256";

export const HMAC_SHA256_SIZE = SHA256_DIGEST_SIZE;

export class HmacSha256 {
  /** state after absorbing key ⊕ ipad */
  readonly ipadCtx: Sha256 = new Sha256();
  /** state after absorbing key ⊕ opad */
  readonly opadCtx: Sha256 = new Sha256();
  /** running inner hash of the current message */
  readonly inner: Sha256 = new Sha256();
  /** outer hash scratch */
  readonly outer: Sha256 = new Sha256();
  /** padded key block scratch */
  readonly block: Uint8Array = new Uint8Array(SHA256_BLOCK_SIZE);
  /** inner digest scratch */
  readonly digest: Uint8Array = new Uint8Array(SHA256_DIGEST_SIZE);

  /** Set the key (any length; longer than 64 bytes is hashed first) and start a message. */
  init(key: Uint8Array, kOff: number, kLen: number): void {
    const block = this.block;
    block.fill(0);
    if (kLen > SHA256_BLOCK_SIZE) {
      const t = this.outer;
      t.init();
      t.update(key, kOff, kLen);
      t.finalAt(block, 0);
    } else {
      for (let i = 0; i < kLen; i++) block[i] = key[kOff + i];
    }
    for (let i = 0; i < SHA256_BLOCK_SIZE; i++) block[i] = block[i] ^ 0x36;
    this.ipadCtx.init();
    this.ipadCtx.update(block, 0, SHA256_BLOCK_SIZE);
    for (let i = 0; i < SHA256_BLOCK_SIZE; i++) block[i] = block[i] ^ (0x36 ^ 0x5c);
    this.opadCtx.init();
    this.opadCtx.update(block, 0, SHA256_BLOCK_SIZE);
    block.fill(0);
    this.reset();
  }

  /** Start a new message under the current key. */
  reset(): void {
    this.inner.copyFrom(this.ipadCtx);
  }

  /** Absorb data[off..off+len-1]. */
  update(data: Uint8Array, off: number, len: number): void {
    this.inner.update(data, off, len);
  }

  /** Absorb one byte. */
  updateByte(b: number): void {
    const block = this.block;
    block[0] = b;
    this.inner.update(block, 0, 1);
  }

  /** Absorb a 32-bit value, big-endian. */
  updateU32(v: number): void {
    const block = this.block;
    block[0] = v >>> 24;
    block[1] = v >>> 16;
    block[2] = v >>> 8;
    block[3] = v;
    this.inner.update(block, 0, 4);
  }

  /** Write the 32-byte MAC to out[outOff..] and start the next message under the same key. */
  final(out: Uint8Array, outOff: number): void {
    const d = this.digest;
    this.inner.finalAt(d, 0);
    const o = this.outer;
    o.copyFrom(this.opadCtx);
    o.update(d, 0, SHA256_DIGEST_SIZE);
    o.finalAt(out, outOff);
    this.reset();
  }
}

const ONE_SHOT = new HmacSha256();

/** HMAC-SHA-256 of data[off..off+len-1] under key[kOff..kOff+kLen-1], into out[outOff..outOff+31]. */
export function hmacSha256(key: Uint8Array, kOff: number, kLen: number, data: Uint8Array, off: number, len: number,
  out: Uint8Array, outOff: number): void {
  ONE_SHOT.init(key, kOff, kLen);
  ONE_SHOT.update(data, off, len);
  ONE_SHOT.final(out, outOff);
}
