/**
 * KDFa: the TPM 2.0 key derivation function (TPM 2.0 Part 1, "KDFa()"), NIST SP 800-108 in
 * counter mode with HMAC-SHA-256 as the PRF. For i = 1, 2, … the i-th 32-byte block is
 *
 *   HMAC(key, [i]_32 || label || 0x00 || contextU || contextV || [sizeInBits]_32)
 *
 * with both 32-bit integers big-endian. The 0x00 follows the label unless the label already ends
 * with a 0x00 byte (as the TCG reference implementation does; so "STORAGE" and "STORAGE\0" give
 * the same key). The result is the first ceil(sizeInBits / 8) bytes of the concatenated blocks;
 * when sizeInBits is not a multiple of 8 the unused high-order bits of the first byte are cleared.
 *
 * Promise: `out` does not overlap label, contextU or contextV (it may overlap key, which is
 * consumed before anything is written).
 */
import { HmacSha256, HMAC_SHA256_SIZE } from "./hmac";

const MAC = new HmacSha256();
const BLOCK = new Uint8Array(HMAC_SHA256_SIZE);

/**
 * Derive ceil(sizeInBits / 8) bytes into out[outOff..]. Any length may be 0 (an absent label or
 * context). Promise: 0 < sizeInBits < 2^32.
 */
export function kdfa(key: Uint8Array, kOff: number, kLen: number,
  label: Uint8Array, lOff: number, lLen: number,
  contextU: Uint8Array, uOff: number, uLen: number,
  contextV: Uint8Array, vOff: number, vLen: number,
  sizeInBits: number, out: Uint8Array, outOff: number): void {
  const mac = MAC;
  mac.init(key, kOff, kLen);
  const total = (sizeInBits >>> 3) + ((sizeInBits & 7) !== 0 ? 1 : 0);
  const addNul = lLen === 0 || label[lOff + lLen - 1] !== 0;
  let done = 0;
  let counter = 1;
  while (done < total) {
    mac.updateU32(counter);
    mac.update(label, lOff, lLen);
    if (addNul) mac.updateByte(0);
    mac.update(contextU, uOff, uLen);
    mac.update(contextV, vOff, vLen);
    mac.updateU32(sizeInBits);
    mac.final(BLOCK, 0);
    const n = Math.min(HMAC_SHA256_SIZE, total - done);
    for (let i = 0; i < n; i++) out[outOff + done + i] = BLOCK[i];
    done += n;
    counter++;
  }
  if ((sizeInBits & 7) !== 0 && total > 0) out[outOff] = out[outOff] & ((1 << (sizeInBits & 7)) - 1);
  BLOCK.fill(0);
}
