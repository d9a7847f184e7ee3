/**
 * The OpenPOWER secure-boot container (skiboot libstb/container.h): a 4096-byte header in front
 * of a payload, with the payload's SHA-512 and ECDSA P-521 signatures. tshype's BOOTKERNEL
 * partition holds the powernv payload (build/tshype-powernv.elf) wrapped in one. Writing
 * (`signContainer`) and checking (`verifyContainer`); docs/flash-image.md has the layout and
 * every refusal. All integers big-endian.
 *
 *   0x000  container:      magic 0x17082011, version 1, container size (4096 + payload),
 *                          target HRMOR 0, stack pointer 0, HW public keys A, B, C (132 each)
 *   0x1aa  prefix header:  version 1, hash alg 1 (SHA-512), signature alg 1 (ECDSA P-521),
 *                          code start 0, reserved 0, flags, SW key count (1..3),
 *                          payload size (= count × 132), payload hash (SHA-512 of the SW keys),
 *                          ECID count 0                                          (98 bytes)
 *   0x20c  prefix data:    HW signatures A, B, C of the prefix header, then the SW public keys
 *   …      software header: version 1, algs 1/1, code start 0, component ID (8 ASCII), flags,
 *                          reserved 0, payload size, payload hash (SHA-512), ECID count 0
 *   …      SW signatures of the software header, one per SW key; then zero to 0x1000
 *   0x1000 payload
 *
 * A public key is the P-521 point's X and Y, 66 bytes each; a signature is r and s, 66 bytes
 * each (ECDSA over SHA-512 of the signed header). The hash of the three HW keys (SHA-512 of
 * A‖B‖C, 64 bytes) is what a secure-boot machine trusts (skiboot's /ibm,secureboot/hw-key-hash);
 * `verifyContainer` checks it when given one.
 */
import { createECDH, createHash, createPrivateKey, createPublicKey, KeyObject, sign, verify } from 'crypto';
import { identifyForeign } from './foreign';

export const CONTAINER_MAGIC = 0x17082011;
export const HEADERS_SIZE = 0x1000;
export const COORD = 66;
export const KEY_BYTES = 2 * COORD;
export const SIG_BYTES = 2 * COORD;
export const SHA512_BYTES = 64;
/** Bytes of the prefix header and of the software header (without ECIDs). */
export const PREFIX_HEADER_BYTES = 98;
export const SW_HEADER_BYTES = 98;
/** Largest payload this tool signs or accepts (a BOOTKERNEL partition is far smaller). */
export const PAYLOAD_MAX = 64 * 1024 * 1024;
/** The component ID tshype writes into the software header's reserved field. */
export const COMPONENT_ID = 'BOOTKERN';

/** Offsets in the container. */
export const OFF = {
  magic: 0, version: 4, containerSize: 6, targetHrmor: 14, stackPointer: 22, hwKeys: 30,
  prefix: 426, prefixData: 524,
} as const;
/** Offsets inside the prefix header and the software header (the same layout, but +0x15). */
const HOFF = { version: 0, hashAlg: 2, sigAlg: 3, codeStart: 4, reserved: 12, flags: 20, keyCount: 24, payloadSize: 25, payloadHash: 33, ecidCount: 97 } as const;
/** Prefix header flags create-container writes by default. */
export const PREFIX_FLAGS = 0x80000000;

/** The signing keys: three hardware keys (A, B, C) and one to three software keys (P, Q, R). */
export interface SigningKeys {
  hw: [KeyObject, KeyObject, KeyObject];
  sw: KeyObject[];
}

export const HW_KEY_NAMES = ['hw-a', 'hw-b', 'hw-c'] as const;
export const SW_KEY_NAMES = ['sw-p', 'sw-q', 'sw-r'] as const;

/**
 * A fresh P-521 private key. Made with ECDH's key generation rather than generateKeyPairSync:
 * Node 20's synchronous key-pair job can deadlock when a garbage collection runs during it
 * (seen here: the KeyGenJob destructor waits on a mutex its own thread holds).
 */
export function generateKey(): KeyObject {
  const ecdh = createECDH('secp521r1');
  const point = ecdh.generateKeys();   // 04 || X || Y
  const d = ecdh.getPrivateKey();
  const pad = (b: Buffer): string => Buffer.concat([Buffer.alloc(COORD - b.length), b]).toString('base64url');
  return createPrivateKey({
    key: { kty: 'EC', crv: 'P-521', d: pad(d), x: pad(point.subarray(1, 1 + COORD)), y: pad(point.subarray(1 + COORD)) },
    format: 'jwk',
  });
}

/** A fresh set of P-521 keys: three HW keys and `swCount` SW keys. */
export function generateKeys(swCount = 1): SigningKeys {
  const one = generateKey;
  return { hw: [one(), one(), one()], sw: Array.from({ length: swCount }, one) };
}

/** A P-521 key's public point as X‖Y (132 bytes); throws for another key type or curve. */
export function rawPublicKey(key: KeyObject): Buffer {
  const pub = key.type === 'private' ? createPublicKey(key) : key;
  const jwk = pub.export({ format: 'jwk' });
  if (jwk.kty !== 'EC' || jwk.crv !== 'P-521' || !jwk.x || !jwk.y) throw new Error(`not a P-521 (secp521r1) key: ${jwk.kty} ${jwk.crv ?? ''}`);
  const coord = (s: string): Buffer => {
    const b = Buffer.from(s, 'base64url');
    return Buffer.concat([Buffer.alloc(COORD - b.length), b]);
  };
  return Buffer.concat([coord(jwk.x), coord(jwk.y)]);
}

/** The public key for X‖Y, or undefined if it is not a point of P-521. */
export function publicKeyFromRaw(raw: Uint8Array): KeyObject | undefined {
  const b = Buffer.from(raw);
  try {
    return createPublicKey({ key: { kty: 'EC', crv: 'P-521', x: b.subarray(0, COORD).toString('base64url'), y: b.subarray(COORD).toString('base64url') }, format: 'jwk' });
  } catch {
    return undefined;
  }
}

/** A private key from PEM (PKCS#8 or SEC1), checked to be P-521; throws with a reason. */
export function privateKeyFromPem(pem: string | Buffer): KeyObject {
  const key = createPrivateKey(pem);
  if (key.asymmetricKeyType !== 'ec' || key.asymmetricKeyDetails?.namedCurve !== 'secp521r1') {
    throw new Error(`key type ${key.asymmetricKeyType}${key.asymmetricKeyDetails?.namedCurve ? ` on ${key.asymmetricKeyDetails.namedCurve}` : ''}, not ECDSA P-521 (secp521r1)`);
  }
  return key;
}

export const sha512 = (b: Uint8Array): Buffer => createHash('sha512').update(b).digest();

/** SHA-512 of the three HW public keys: what a machine in secure mode trusts. */
export function hwKeyHash(keys: SigningKeys | Uint8Array[]): Buffer {
  const raws = Array.isArray(keys) ? keys.map(k => Buffer.from(k)) : keys.hw.map(rawPublicKey);
  return sha512(Buffer.concat(raws));
}

function ecdsaSign(key: KeyObject, data: Uint8Array): Buffer {
  return sign('sha512', data, { key, dsaEncoding: 'ieee-p1363' });
}

function ecdsaVerify(key: KeyObject, data: Uint8Array, sig: Uint8Array): boolean {
  return verify('sha512', data, { key, dsaEncoding: 'ieee-p1363' }, sig);
}

/** Where the software header and its signatures start, for `swKeyCount` SW keys. */
export function swHeaderOffset(swKeyCount: number): number {
  return OFF.prefixData + 3 * SIG_BYTES + swKeyCount * KEY_BYTES;
}

function writeHeaderCommon(h: Buffer, flags: number, payloadSize: number, payloadHash: Buffer): void {
  h.writeUInt16BE(1, HOFF.version);
  h[HOFF.hashAlg] = 1;
  h[HOFF.sigAlg] = 1;
  h.writeUInt32BE(flags, HOFF.flags);
  h.writeBigUInt64BE(BigInt(payloadSize), HOFF.payloadSize);
  payloadHash.copy(h, HOFF.payloadHash);
}

/** The container (headers + payload) for `payload`, signed with `keys`. */
export function signContainer(payload: Uint8Array, keys: SigningKeys): Buffer {
  if (payload.length === 0 || payload.length > PAYLOAD_MAX) throw new Error(`a payload of ${payload.length} bytes cannot be signed (1 byte to ${PAYLOAD_MAX >> 20} MiB)`);
  if (keys.sw.length < 1 || keys.sw.length > 3) throw new Error(`${keys.sw.length} software keys: a container has 1 to 3`);
  const out = Buffer.alloc(HEADERS_SIZE + payload.length);
  out.writeUInt32BE(CONTAINER_MAGIC, OFF.magic);
  out.writeUInt16BE(1, OFF.version);
  out.writeBigUInt64BE(BigInt(HEADERS_SIZE + payload.length), OFF.containerSize);
  keys.hw.forEach((k, i) => rawPublicKey(k).copy(out, OFF.hwKeys + i * KEY_BYTES));
  const swKeys = Buffer.concat(keys.sw.map(rawPublicKey));
  const prefix = out.subarray(OFF.prefix, OFF.prefix + PREFIX_HEADER_BYTES);
  writeHeaderCommon(prefix, PREFIX_FLAGS, swKeys.length, sha512(swKeys));
  prefix[HOFF.keyCount] = keys.sw.length;
  keys.hw.forEach((k, i) => ecdsaSign(k, prefix).copy(out, OFF.prefixData + i * SIG_BYTES));
  swKeys.copy(out, OFF.prefixData + 3 * SIG_BYTES);
  const swAt = swHeaderOffset(keys.sw.length);
  const sw = out.subarray(swAt, swAt + SW_HEADER_BYTES);
  writeHeaderCommon(sw, 0, payload.length, sha512(payload));
  sw.write(COMPONENT_ID, HOFF.reserved, 'ascii');
  keys.sw.forEach((k, i) => ecdsaSign(k, sw).copy(out, swAt + SW_HEADER_BYTES + i * SIG_BYTES));
  Buffer.from(payload).copy(out, HEADERS_SIZE);
  return out;
}

/** What a container says, once verified (or as far as it was read). */
export interface ContainerInfo {
  payloadSize: number;
  payloadSha512: Buffer;
  hwKeyHash: Buffer;
  swKeyCount: number;
  prefixFlags: number;
  swFlags: number;
  componentId: string;
}

export interface ContainerResult {
  ok: boolean;
  /** "OK: container verified …", or the first reason for refusal (without the file name). */
  message: string;
  /** True when the file is not a container at all (magic), as opposed to a damaged or forged one. */
  notContainer?: boolean;
  info?: ContainerInfo;
}

/** What the caller trusts: the HW key hash of its own keys (skiboot's hw-key-hash). */
export interface Trust {
  hwKeyHash?: Uint8Array;
}

class Refusal extends Error {}

const hex = (b: Uint8Array, n = b.length): string => Buffer.from(b.subarray(0, n)).toString('hex');

function allZero(b: Uint8Array, from: number, to: number): number {
  for (let i = from; i < to; i++) if (b[i] !== 0) return i;
  return -1;
}

function checkHeaderCommon(h: Buffer, what: string): void {
  const v = h.readUInt16BE(HOFF.version);
  if (v !== 1) throw new Refusal(`${what}: version ${v}, only 1 is defined`);
  if (h[HOFF.hashAlg] !== 1) throw new Refusal(`${what}: hash algorithm ${h[HOFF.hashAlg]}, expected 1 (SHA-512)`);
  if (h[HOFF.sigAlg] !== 1) throw new Refusal(`${what}: signature algorithm ${h[HOFF.sigAlg]}, expected 1 (ECDSA P-521)`);
  if (h.readBigUInt64BE(HOFF.codeStart) !== 0n) throw new Refusal(`${what}: code start offset 0x${h.readBigUInt64BE(HOFF.codeStart).toString(16)}, expected 0`);
  if (h[HOFF.ecidCount] !== 0) throw new Refusal(`${what}: bound to ${h[HOFF.ecidCount]} chip ECIDs; ECID-bound containers are not supported`);
}

/** Each check in order; throws Refusal at the first failure. */
function check(b: Buffer, trust: Trust): ContainerInfo {
  if (b.length < 4 || b.readUInt32BE(OFF.magic) !== CONTAINER_MAGIC) {
    const what = identifyForeign(b);
    const magic = b.length >= 4 ? `0x${b.readUInt32BE(0).toString(16).padStart(8, '0')}` : `${b.length} bytes`;
    throw new Refusal(`not a secure-boot container: ${what ? `this is ${what}` : `starts with ${magic}`}, expected the magic 0x17082011`);
  }
  if (b.length < HEADERS_SIZE) throw new Refusal(`truncated: ${b.length} bytes, shorter than the ${HEADERS_SIZE}-byte container header`);
  const version = b.readUInt16BE(OFF.version);
  if (version !== 1) throw new Refusal(`container version ${version}, only 1 is defined`);
  const hrmor = b.readBigUInt64BE(OFF.targetHrmor), sp = b.readBigUInt64BE(OFF.stackPointer);
  if (hrmor !== 0n || sp !== 0n) throw new Refusal(`target HRMOR 0x${hrmor.toString(16)} / stack pointer 0x${sp.toString(16)}: a skiboot payload's container has both 0`);
  const prefix = b.subarray(OFF.prefix, OFF.prefix + PREFIX_HEADER_BYTES);
  checkHeaderCommon(prefix, 'prefix header');
  if (prefix.readBigUInt64BE(HOFF.reserved) !== 0n || prefix[HOFF.keyCount] < 1 || prefix[HOFF.keyCount] > 3) {
    throw new Refusal(`prefix header: reserved field not zero or ${prefix[HOFF.keyCount]} software keys (1 to 3)`);
  }
  const count = prefix[HOFF.keyCount];
  const swKeysAt = OFF.prefixData + 3 * SIG_BYTES;
  const swKeys = b.subarray(swKeysAt, swKeysAt + count * KEY_BYTES);
  if (prefix.readBigUInt64BE(HOFF.payloadSize) !== BigInt(swKeys.length)) throw new Refusal(`prefix header: key payload size ${prefix.readBigUInt64BE(HOFF.payloadSize)}, ${count} software keys are ${swKeys.length} bytes`);
  if (!sha512(swKeys).equals(prefix.subarray(HOFF.payloadHash, HOFF.payloadHash + SHA512_BYTES))) throw new Refusal('software keys do not match the prefix header\'s SHA-512 of them (keys or header corrupt)');
  const swAt = swHeaderOffset(count);
  const sw = b.subarray(swAt, swAt + SW_HEADER_BYTES);
  checkHeaderCommon(sw, 'software header');
  if (sw[HOFF.keyCount] !== 0) throw new Refusal('software header: reserved byte is not zero');
  const id = sw.subarray(HOFF.reserved, HOFF.reserved + 8);
  if (!id.every(c => c === 0 || (c >= 0x20 && c < 0x7f))) throw new Refusal(`software header: component ID ${hex(id)} is not ASCII`);
  const sigsEnd = swAt + SW_HEADER_BYTES + count * SIG_BYTES;
  const stray = allZero(b, sigsEnd, HEADERS_SIZE);
  if (stray >= 0) throw new Refusal(`non-zero byte at 0x${stray.toString(16)} in the header padding (0x${sigsEnd.toString(16)}..0x1000)`);
  const size = sw.readBigUInt64BE(HOFF.payloadSize);
  const have = BigInt(b.length - HEADERS_SIZE);
  if (size === 0n || size > BigInt(PAYLOAD_MAX)) throw new Refusal(`software header: payload size ${size} is not 1 byte to ${PAYLOAD_MAX >> 20} MiB`);
  if (have < size) throw new Refusal(`truncated: the header declares a ${size}-byte payload, only ${have} bytes follow it`);
  if (have > size) throw new Refusal(`${have - size} bytes of trailing data after the ${size}-byte payload (a partition read back from flash has erased padding: take the first ${HEADERS_SIZE + Number(size)} bytes)`);
  const cs = b.readBigUInt64BE(OFF.containerSize);
  if (cs !== BigInt(HEADERS_SIZE) + size) throw new Refusal(`container size ${cs}, expected ${BigInt(HEADERS_SIZE) + size} (header + payload)`);
  const payload = b.subarray(HEADERS_SIZE);
  const want = sw.subarray(HOFF.payloadHash, HOFF.payloadHash + SHA512_BYTES);
  const got = sha512(payload);
  if (!got.equals(want)) throw new Refusal(`payload SHA-512 mismatch: header says ${hex(want, 16)}…, payload is ${hex(got, 16)}… (corrupt, do not flash)`);
  const hwRaw = [0, 1, 2].map(i => b.subarray(OFF.hwKeys + i * KEY_BYTES, OFF.hwKeys + (i + 1) * KEY_BYTES));
  const keyHash = hwKeyHash(hwRaw);
  if (trust.hwKeyHash && !keyHash.equals(Buffer.from(trust.hwKeyHash))) {
    throw new Refusal(`signed with other hardware keys: their hash is ${hex(keyHash, 16)}…, the trusted hw-key-hash is ${hex(trust.hwKeyHash, 16)}…`);
  }
  hwRaw.forEach((raw, i) => {
    const key = publicKeyFromRaw(raw);
    if (!key) throw new Refusal(`hardware key ${'ABC'[i]} is not a P-521 public key`);
    const sig = b.subarray(OFF.prefixData + i * SIG_BYTES, OFF.prefixData + (i + 1) * SIG_BYTES);
    if (!ecdsaVerify(key, prefix, sig)) throw new Refusal(`bad signature: hardware key ${'ABC'[i]}'s signature of the prefix header does not verify`);
  });
  for (let i = 0; i < count; i++) {
    const key = publicKeyFromRaw(swKeys.subarray(i * KEY_BYTES, (i + 1) * KEY_BYTES));
    if (!key) throw new Refusal(`software key ${'PQR'[i]} is not a P-521 public key`);
    const sig = b.subarray(swAt + SW_HEADER_BYTES + i * SIG_BYTES, swAt + SW_HEADER_BYTES + (i + 1) * SIG_BYTES);
    if (!ecdsaVerify(key, sw, sig)) throw new Refusal(`bad signature: software key ${'PQR'[i]}'s signature of the software header does not verify`);
  }
  return {
    payloadSize: Number(size), payloadSha512: got, hwKeyHash: keyHash, swKeyCount: count,
    prefixFlags: prefix.readUInt32BE(HOFF.flags), swFlags: sw.readUInt32BE(HOFF.flags),
    componentId: id.toString('latin1').replace(/\0+$/, ''),
  };
}

/**
 * Verify a container: structure, sizes, the payload's SHA-512, the HW key hash (when `trust`
 * names one), then every signature. Never throws for bad input; the first failing check is the
 * message.
 */
export function verifyContainer(bytes: Uint8Array, trust: Trust = {}): ContainerResult {
  const b = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  try {
    const info = check(b, trust);
    const pinned = trust.hwKeyHash ? 'trusted hardware keys' : 'hardware keys NOT checked against a trusted hw-key-hash';
    return { ok: true, message: `OK: container verified (payload ${info.payloadSize} bytes, 3 HW + ${info.swKeyCount} SW signatures, ${pinned})`, info };
  } catch (e) {
    if (!(e instanceof Refusal)) throw e;
    return { ok: false, message: e.message, notContainer: e.message.startsWith('not a secure-boot container') };
  }
}

/** The payload of a container (no checks: verify first). */
export function containerPayload(bytes: Uint8Array): Buffer {
  return Buffer.from(bytes.subarray(HEADERS_SIZE));
}

/**
 * The length (header + payload) a container at the start of `bytes` declares, for reading one
 * back from a flash partition whose tail is erased; undefined when `bytes` does not start with
 * a container header.
 */
export function declaredLength(bytes: Uint8Array): number | undefined {
  const b = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (b.length < HEADERS_SIZE || b.readUInt32BE(OFF.magic) !== CONTAINER_MAGIC) return undefined;
  const count = b[OFF.prefix + HOFF.keyCount];
  if (count < 1 || count > 3) return undefined;
  const size = b.readBigUInt64BE(swHeaderOffset(count) + HOFF.payloadSize);
  return size > 0n && size <= BigInt(PAYLOAD_MAX) ? HEADERS_SIZE + Number(size) : undefined;
}
