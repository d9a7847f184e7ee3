/**
 * HMAC_DRBG (NIST SP 800-90A Rev. 1, section 10.1.2) with HMAC-SHA-256, in restricted TypeScript:
 * the deterministic random bit generator behind each vTPM instance (TPM2_GetRandom, key generation,
 * ECDSA nonces, session nonces).
 *
 * The working state is (Key, V, reseed_counter), 32 + 32 bytes and a count. Every operation is the
 * spec's HMAC_DRBG_Update (10.1.2.2) around its own step:
 *
 *   Update(data):  Key = HMAC(Key, V || 0x00 || data);  V = HMAC(Key, V);
 *                  if data is not empty: Key = HMAC(Key, V || 0x01 || data);  V = HMAC(Key, V)
 *   instantiate:   Key = 00…00, V = 01…01, Update(entropy || nonce || personalization), counter = 1
 *   reseed:        Update(entropy || additional input), counter = 1
 *   generate:      [Update(addl) if addl is not empty]; V = HMAC(Key, V) per 32 output bytes;
 *                  Update(addl); counter + 1
 *
 * An empty input is the spec's "Null" (as in the CAVP tests). The seed material is never
 * concatenated into a buffer: the pieces are streamed into the HMAC in order, which is the same
 * message. One HmacSha256 context stays keyed with the current Key (HmacSha256.init runs once per
 * Key change), so generate(32 bytes) costs 3 HMACs of one block each plus one re-key, and each
 * further 32 bytes one more HMAC; additional input adds 6 HMACs and 3 re-keys (both updates
 * then take two rounds).
 *
 * Parameters for SHA-256 (SP 800-90A Table 2): security strength 256 bits, at most 2^19 bits
 * (65536 bytes) per request, reseed_interval 2^48 requests. The spec's 2^35-bit (4 GiB) limit on
 * the entropy input, nonce, personalization string and additional input is far beyond any vTPM
 * buffer and is not checked. Nothing is allocated after construction; no method throws.
 *
 * Promises (the caller's, not checked): the entropy input holds at least 256 bits of entropy
 * (32 bytes of full entropy) and the nonce at least 128 bits (SP 800-90A 8.6.7); no input range
 * overlaps `key` or `v` of the same generator; `out` does not overlap `addl` in generate (the
 * additional input is read again after the output is written).
 */
import { HmacSha256, HMAC_SHA256_SIZE } from "./hmac";

/** Output length of one HMAC-SHA-256 block: the size of Key and V. */
export const DRBG_OUTLEN = HMAC_SHA256_SIZE;
/** max_number_of_bits_per_request = 2^19 bits: the most bytes one generate call returns. */
export const DRBG_MAX_REQUEST_BYTES = 65536;
/** reseed_interval = 2^48: generate refuses once reseedCounter exceeds it. */
export const DRBG_RESEED_INTERVAL = 0x1000000000000;

/** Placeholder for an absent input (always passed with length 0). */
const NONE = new Uint8Array(1);

export class HmacDrbg {
  /** Key of the working state (32 bytes). */
  readonly key: Uint8Array = new Uint8Array(DRBG_OUTLEN);
  /** V of the working state (32 bytes). */
  readonly v: Uint8Array = new Uint8Array(DRBG_OUTLEN);
  /**
   * reseed_counter: 1 after instantiate or reseed, one more after each successful generate.
   * 0 means "never seeded" (a new or uninstantiated generator): generate refuses.
   */
  reseedCounter: number = 0;
  /** HMAC context keyed with `key`, always at the start of a message between calls. */
  readonly mac: HmacSha256 = new HmacSha256();

  /** A generator that is not seeded yet: Key = 00…00, V = 01…01, reseedCounter = 0. */
  constructor() {
    this.clearState();
  }

  /**
   * Instantiate (SP 800-90A 10.1.2.3): start from Key = 00…00, V = 01…01 and absorb
   * entropy[eOff..eOff+eLen) || nonce[nOff..nOff+nLen) || pers[pOff..pOff+pLen). Any previous state
   * is discarded; reseedCounter becomes 1. Lengths may be 0 (an absent nonce or personalization
   * string); see the file comment for the entropy promise.
   */
  instantiate(entropy: Uint8Array, eOff: number, eLen: number, nonce: Uint8Array, nOff: number, nLen: number,
    pers: Uint8Array, pOff: number, pLen: number): void {
    this.clearState();
    this.update(entropy, eOff, eLen, nonce, nOff, nLen, pers, pOff, pLen);
    this.reseedCounter = 1;
  }

  /**
   * Reseed (SP 800-90A 10.1.2.4): absorb entropy[eOff..eOff+eLen) || addl[aOff..aOff+aLen) into the
   * current state; reseedCounter becomes 1, so generate works again after refusing for the reseed
   * interval. On a generator that was never instantiated this seeds it from the initial state, the
   * same as instantiate(entropy || addl) with no nonce and no personalization string.
   */
  reseed(entropy: Uint8Array, eOff: number, eLen: number, addl: Uint8Array, aOff: number, aLen: number): void {
    this.update(entropy, eOff, eLen, addl, aOff, aLen, NONE, 0, 0);
    this.reseedCounter = 1;
  }

  /**
   * Generate (SP 800-90A 10.1.2.5): write `len` pseudo-random bytes to out[off..off+len), with the
   * optional additional input addl[aOff..aOff+aLen) (aLen 0: none), and return true. Returns false,
   * writing nothing and leaving the state unchanged, when len is negative or above
   * DRBG_MAX_REQUEST_BYTES, when the generator was never seeded, or when a reseed is required
   * (reseedCounter > DRBG_RESEED_INTERVAL). len 0 is a valid request: it writes nothing but still
   * advances the state and the counter, as the spec's algorithm does.
   * Promise: out[off..off+len) is inside `out` and does not overlap the additional input.
   */
  generate(out: Uint8Array, off: number, len: number, addl: Uint8Array, aOff: number, aLen: number): boolean {
    if (len < 0 || len > DRBG_MAX_REQUEST_BYTES) return false;
    if (this.reseedCounter < 1 || this.reseedCounter > DRBG_RESEED_INTERVAL) return false;
    if (aLen > 0) this.update(addl, aOff, aLen, NONE, 0, 0, NONE, 0, 0);
    const mac = this.mac;
    const v = this.v;
    let done = 0;
    while (done < len) {
      mac.update(v, 0, DRBG_OUTLEN);
      mac.final(v, 0);
      const n = Math.min(DRBG_OUTLEN, len - done);
      const base = off + done;
      for (let i = 0; i < n; i++) out[base + i] = v[i];
      done += n;
    }
    this.update(addl, aOff, aLen, NONE, 0, 0, NONE, 0, 0);
    this.reseedCounter++;
    return true;
  }

  /**
   * Make this generator an exact copy of `other` (Key, V, reseedCounter); the two then produce the
   * same output for the same calls, independently. Copying a generator onto itself changes nothing.
   */
  copyFrom(other: HmacDrbg): void {
    if (other === this) return;
    for (let i = 0; i < DRBG_OUTLEN; i++) {
      this.key[i] = other.key[i];
      this.v[i] = other.v[i];
    }
    this.reseedCounter = other.reseedCounter;
    this.mac.init(this.key, 0, DRBG_OUTLEN);
  }

  /**
   * Uninstantiate (SP 800-90A 9.4): forget the secret state. Afterwards the generator is as new
   * (Key = 00…00, V = 01…01, reseedCounter = 0) and generate refuses until the next instantiate.
   */
  uninstantiate(): void {
    this.clearState();
  }

  /** Key = 00…00, V = 01…01 (10.1.2.3 steps 2-3), the HMAC keyed with it, reseedCounter = 0. */
  private clearState(): void {
    this.key.fill(0);
    this.v.fill(1);
    this.mac.init(this.key, 0, DRBG_OUTLEN);
    this.reseedCounter = 0;
  }

  /**
   * HMAC_DRBG_Update (10.1.2.2) with provided_data = a[aOff..aOff+aLen) || b[…] || c[…]; all three
   * lengths 0 is the spec's Null. Leaves `mac` keyed with the new Key.
   */
  private update(a: Uint8Array, aOff: number, aLen: number, b: Uint8Array, bOff: number, bLen: number,
    c: Uint8Array, cOff: number, cLen: number): void {
    const mac = this.mac;
    const key = this.key;
    const v = this.v;
    const rounds = aLen > 0 || bLen > 0 || cLen > 0 ? 2 : 1;
    for (let round = 0; round < rounds; round++) {
      // Key = HMAC(Key, V || round || provided_data), round being the byte 0x00, then 0x01
      mac.update(v, 0, DRBG_OUTLEN);
      mac.updateByte(round);
      if (aLen > 0) mac.update(a, aOff, aLen);
      if (bLen > 0) mac.update(b, bOff, bLen);
      if (cLen > 0) mac.update(c, cOff, cLen);
      mac.final(key, 0);
      mac.init(key, 0, DRBG_OUTLEN);
      // V = HMAC(Key, V)
      mac.update(v, 0, DRBG_OUTLEN);
      mac.final(v, 0);
    }
  }
}
