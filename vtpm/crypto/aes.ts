// AES (FIPS-197) block encryption and CFB-128 mode as TPM 2.0 uses it for protected objects
// (TPM 2.0 Part 1, symmetric encryption: CFB with full-block feedback, partial last block allowed;
// the reference implementation's CryptSymmetricEncrypt/Decrypt). Restricted TypeScript: the S-box
// and the four encryption T-tables are Uint32Array/Uint8Array tables built once at module
// initialisation; an AesKey holds a fixed-size round-key schedule (enough for AES-256).
//
// Word convention: a 32-bit word holds four state bytes big-endian (first byte in bits 31..24).

/** AES block size in bytes. */
export const AES_BLOCK = 16;
/** Largest schedule: AES-256, 15 round keys of 4 words. */
const MAX_RK_WORDS = 60;

const SBOX = new Uint8Array(256);
const TE0 = new Uint32Array(256);
const TE1 = new Uint32Array(256);
const TE2 = new Uint32Array(256);
const TE3 = new Uint32Array(256);
const RCON = new Uint32Array(10);

function xtime(x: number): number {
  return ((x << 1) ^ ((x & 0x80) !== 0 ? 0x1b : 0)) & 0xff;
}

function rotl8(x: number, n: number): number {
  return ((x << n) | (x >>> (8 - n))) & 0xff;
}

function initTables(): void {
  // Walk the multiplicative group with generator 3 (p) and its inverse 0xf6 (q): q = p^-1.
  let p = 1;
  let q = 1;
  do {
    p = (p ^ xtime(p)) & 0xff; // p * 3
    q = q ^ ((q << 1) & 0xff); // q / 3
    q = q ^ ((q << 2) & 0xff);
    q = q ^ ((q << 4) & 0xff);
    if ((q & 0x80) !== 0) {
      q = q ^ 0x09;
    }
    SBOX[p] = q ^ rotl8(q, 1) ^ rotl8(q, 2) ^ rotl8(q, 3) ^ rotl8(q, 4) ^ 0x63;
  } while (p !== 1);
  SBOX[0] = 0x63;
  for (let x = 0; x < 256; x++) {
    const s = SBOX[x];
    const s2 = xtime(s);
    const s3 = s2 ^ s;
    const w = ((s2 << 24) | (s << 16) | (s << 8) | s3) >>> 0;
    TE0[x] = w;
    TE1[x] = ((w >>> 8) | (w << 24)) >>> 0;
    TE2[x] = ((w >>> 16) | (w << 16)) >>> 0;
    TE3[x] = ((w >>> 24) | (w << 8)) >>> 0;
  }
  let r = 1;
  for (let i = 0; i < 10; i++) {
    RCON[i] = (r << 24) >>> 0;
    r = xtime(r);
  }
}

initTables();

function subWord(w: number): number {
  return ((SBOX[w >>> 24] << 24) | (SBOX[(w >>> 16) & 0xff] << 16) | (SBOX[(w >>> 8) & 0xff] << 8) |
    SBOX[w & 0xff]) >>> 0;
}

function loadBE32(b: Uint8Array, off: number): number {
  return ((b[off] << 24) | (b[off + 1] << 16) | (b[off + 2] << 8) | b[off + 3]) >>> 0;
}

function storeBE32(b: Uint8Array, off: number, w: number): void {
  b[off] = w >>> 24;
  b[off + 1] = (w >>> 16) & 0xff;
  b[off + 2] = (w >>> 8) & 0xff;
  b[off + 3] = w & 0xff;
}

/** An expanded AES encryption key (AES-128, AES-192 or AES-256). */
export class AesKey {
  /** Round keys, 4 * (rounds + 1) words used. */
  readonly rk: Uint32Array = new Uint32Array(MAX_RK_WORDS);
  /** 10, 12 or 14 once a key is set; 0 before. */
  rounds: number = 0;
  /** Scratch block for the modes. */
  readonly tmp: Uint8Array = new Uint8Array(AES_BLOCK);

  /**
   * Expands the key in key[off .. off+len). len must be 16, 24 or 32 bytes; returns false (and
   * leaves the key unset, rounds 0) otherwise.
   */
  setKey(key: Uint8Array, off: number, len: number): boolean {
    if (len !== 16 && len !== 24 && len !== 32) {
      this.rk.fill(0);
      this.rounds = 0;
      return false;
    }
    const nk = len >>> 2;
    const rounds = nk + 6;
    const total = 4 * (rounds + 1);
    const rk = this.rk;
    for (let i = 0; i < nk; i++) {
      rk[i] = loadBE32(key, off + 4 * i);
    }
    let k = 0;
    let j = 0;
    for (let i = nk; i < total; i++) {
      let t = rk[i - 1];
      if (j === 0) {
        t = (subWord(((t << 8) | (t >>> 24)) >>> 0) ^ RCON[k]) >>> 0;
        k++;
      } else if (nk > 6 && j === 4) {
        t = subWord(t);
      }
      rk[i] = rk[i - nk] ^ t;
      j++;
      if (j === nk) {
        j = 0;
      }
    }
    this.rounds = rounds;
    return true;
  }

  /** Clears the schedule (rounds 0). */
  clear(): void {
    this.rk.fill(0);
    this.tmp.fill(0);
    this.rounds = 0;
  }

  /**
   * Encrypts the block src[srcOff .. srcOff+16) into dst[dstOff .. dstOff+16). src and dst may be
   * the same range. Promise: a key is set and both ranges are in bounds.
   */
  encryptBlock(src: Uint8Array, srcOff: number, dst: Uint8Array, dstOff: number): void {
    const rk = this.rk;
    const nr = this.rounds;
    let s0 = loadBE32(src, srcOff) ^ rk[0];
    let s1 = loadBE32(src, srcOff + 4) ^ rk[1];
    let s2 = loadBE32(src, srcOff + 8) ^ rk[2];
    let s3 = loadBE32(src, srcOff + 12) ^ rk[3];
    let p = 4;
    for (let r = 1; r < nr; r++) {
      const t0 = TE0[s0 >>> 24] ^ TE1[(s1 >>> 16) & 0xff] ^ TE2[(s2 >>> 8) & 0xff] ^ TE3[s3 & 0xff] ^ rk[p];
      const t1 = TE0[s1 >>> 24] ^ TE1[(s2 >>> 16) & 0xff] ^ TE2[(s3 >>> 8) & 0xff] ^ TE3[s0 & 0xff] ^ rk[p + 1];
      const t2 = TE0[s2 >>> 24] ^ TE1[(s3 >>> 16) & 0xff] ^ TE2[(s0 >>> 8) & 0xff] ^ TE3[s1 & 0xff] ^ rk[p + 2];
      const t3 = TE0[s3 >>> 24] ^ TE1[(s0 >>> 16) & 0xff] ^ TE2[(s1 >>> 8) & 0xff] ^ TE3[s2 & 0xff] ^ rk[p + 3];
      s0 = t0;
      s1 = t1;
      s2 = t2;
      s3 = t3;
      p += 4;
    }
    const o0 = ((SBOX[s0 >>> 24] << 24) | (SBOX[(s1 >>> 16) & 0xff] << 16) | (SBOX[(s2 >>> 8) & 0xff] << 8) |
      SBOX[s3 & 0xff]) ^ rk[p];
    const o1 = ((SBOX[s1 >>> 24] << 24) | (SBOX[(s2 >>> 16) & 0xff] << 16) | (SBOX[(s3 >>> 8) & 0xff] << 8) |
      SBOX[s0 & 0xff]) ^ rk[p + 1];
    const o2 = ((SBOX[s2 >>> 24] << 24) | (SBOX[(s3 >>> 16) & 0xff] << 16) | (SBOX[(s0 >>> 8) & 0xff] << 8) |
      SBOX[s1 & 0xff]) ^ rk[p + 2];
    const o3 = ((SBOX[s3 >>> 24] << 24) | (SBOX[(s0 >>> 16) & 0xff] << 16) | (SBOX[(s1 >>> 8) & 0xff] << 8) |
      SBOX[s2 & 0xff]) ^ rk[p + 3];
    storeBE32(dst, dstOff, o0 >>> 0);
    storeBE32(dst, dstOff + 4, o1 >>> 0);
    storeBE32(dst, dstOff + 8, o2 >>> 0);
    storeBE32(dst, dstOff + 12, o3 >>> 0);
  }
}

/**
 * CFB-128 encryption of src[srcOff .. srcOff+len) into dst[dstOff .. dstOff+len) (the ranges may be
 * the same; len may be 0 and need not be a multiple of 16). iv[ivOff .. ivOff+16) is the IV and is
 * updated in place to the chaining value, as TPM 2.0's CryptSymmetricEncrypt does: after the call
 * it holds the last ciphertext block, zero-padded when that block was partial.
 * Promise: a key is set and all ranges are in bounds.
 */
export function aesCfbEncrypt(key: AesKey, iv: Uint8Array, ivOff: number, src: Uint8Array, srcOff: number,
  dst: Uint8Array, dstOff: number, len: number): void {
  let done = 0;
  while (done < len) {
    key.encryptBlock(iv, ivOff, iv, ivOff);
    const n = Math.min(AES_BLOCK, len - done);
    for (let i = 0; i < n; i++) {
      const c = (iv[ivOff + i] ^ src[srcOff + done + i]) & 0xff;
      iv[ivOff + i] = c;
      dst[dstOff + done + i] = c;
    }
    for (let i = n; i < AES_BLOCK; i++) {
      iv[ivOff + i] = 0;
    }
    done += n;
  }
}

/**
 * CFB-128 decryption, the inverse of aesCfbEncrypt with the same conventions (ranges may be the
 * same; iv updated in place to the last ciphertext block, zero-padded when partial).
 * Promise: a key is set and all ranges are in bounds.
 */
export function aesCfbDecrypt(key: AesKey, iv: Uint8Array, ivOff: number, src: Uint8Array, srcOff: number,
  dst: Uint8Array, dstOff: number, len: number): void {
  const tmp = key.tmp;
  let done = 0;
  while (done < len) {
    key.encryptBlock(iv, ivOff, tmp, 0);
    const n = Math.min(AES_BLOCK, len - done);
    for (let i = 0; i < n; i++) {
      const c = src[srcOff + done + i];
      iv[ivOff + i] = c;
      dst[dstOff + done + i] = (tmp[i] ^ c) & 0xff;
    }
    for (let i = n; i < AES_BLOCK; i++) {
      iv[ivOff + i] = 0;
    }
    done += n;
  }
  tmp.fill(0);
}
