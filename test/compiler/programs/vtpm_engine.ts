// The vTPM engine natively: one instance driven through a session of real TPM 2.0 commands —
// measured launch, Startup, GetCapability, GetRandom, PCR extend/read/reset, an ECC storage
// primary, a restricted signing child (Create, Load), Quote, context save/flush/load, an HMAC
// session authorising NV_DefineSpace, NV write/read/readpublic/undefine, Hash, a hash sequence,
// malformed and unauthorised commands — then a state image restored into a second instance that must answer
// the next commands byte for byte like the first, and a power cycle. Every response byte is
// folded into the checksum, so Node and native must agree on all of them.
import type { u64 } from "tsnc";
import { opq } from "./lib_opaque";
import { HmacSha256 } from "../../../vtpm/crypto/hmac";
import { Sha256 } from "../../../vtpm/crypto/sha256";
import { execute } from "../../../vtpm/tpm/engine";
import { TpmInstance } from "../../../vtpm/tpm/instance";
import { Writer, getU32, putU32 } from "../../../vtpm/tpm/marshal";
import { addEntropy, measureLaunch, powerOff, powerOn } from "../../../vtpm/tpm/platform";
import { STATE_MAX, restoreState, saveState } from "../../../vtpm/tpm/state";
import { createParams as buildCreateParams, passwordSession, pcrSelection } from "../../../vtpm/tpm/build";

const CMD = new Uint8Array(4096);
const RSP = new Uint8Array(4096);
const RSP2 = new Uint8Array(4096);
const W = new Writer(CMD);
const A = new TpmInstance(1);
const B = new TpmInstance(2);
const IMG = new Uint8Array(STATE_MAX);
const ENTROPY = new Uint8Array(48);
const DIGEST = new Uint8Array(32);
const PRIV = new Uint8Array(256);
const PUB = new Uint8Array(256);
const CTX = new Uint8Array(600);
const NONCE_TPM = new Uint8Array(32);
const NONCE_CALLER = new Uint8Array(32);
const CP = new Uint8Array(32);
const MAC_OUT = new Uint8Array(32);
const H = new Sha256();
const MAC = new HmacSha256();

const ST_NO = 0x8001;
const ST_S = 0x8002;
const RH_OWNER = 0x40000001;
const RS_PW = 0x40000009;
const RH_NULL = 0x40000007;

function mix(acc: u64, x: number): u64 {
  return BigInt.asUintN(64, (acc ^ BigInt.asUintN(64, BigInt(x))) * 0x100000001b3n);
}

function mixBytes(acc: u64, b: Uint8Array, off: number, len: number): u64 {
  let a = acc;
  for (let i = 0; i < len; i++) a = mix(a, b[off + i]);
  return a;
}

/** Start a command: tag, size (patched by finish), code. */
function begin(tag: number, cc: number): void {
  W.reset(CMD, 0, CMD.length);
  W.u16(tag);
  W.u32(0);
  W.u32(cc);
}

/** Patch the size field; returns the command length. */
function finish(): number {
  putU32(CMD, 2, W.pos);
  return W.pos;
}

/** A password session with an empty password. */
function pwSession(): void {
  passwordSession(W);
}

/** Execute on tpm; returns the response length (the response is in out). */
function send(tpm: TpmInstance, len: number, out: Uint8Array): number {
  return execute(tpm, 0, CMD, len, out);
}

function rcOf(out: Uint8Array): number {
  return getU32(out, 6);
}

/** Send and fold the whole response; returns the new checksum. */
function run(acc: u64, tpm: TpmInstance, len: number): u64 {
  const n = send(tpm, len, RSP);
  return mix(mixBytes(acc, RSP, 0, n), n);
}

/** inSensitive (empty), template, outsideInfo (empty), creationPCR (none). */
function createParams(storage: boolean): void {
  buildCreateParams(W, storage);
}

/** PCR selection of the SHA-256 bank with the given 24-bit mask. */
function pcrSelect(mask: number): void {
  pcrSelection(W, mask);
}

/** Build a Quote of PCRs 0, 16, 17 with key; returns the command length. */
function buildQuote(key: number): number {
  begin(ST_S, 0x158);
  W.u32(key);
  pwSession();
  W.u16(8);
  for (let i = 0; i < 8; i++) W.u8(0xa0 + i);
  W.u16(0x0010);
  pcrSelect((1 << 0) | (1 << 16) | (1 << 17));
  return finish();
}

function quote(acc: u64, tpm: TpmInstance, key: number): u64 {
  return run(acc, tpm, buildQuote(key));
}

/** Send the command in CMD to A and B; 1 if both responses are identical. */
function sameOnBoth(len: number): number {
  const la = send(A, len, RSP);
  const lb = send(B, len, RSP2);
  if (la !== lb) return 0;
  for (let i = 0; i < la; i++) if (RSP[i] !== RSP2[i]) return 0;
  return 1;
}

function pcrRead(acc: u64, tpm: TpmInstance, mask: number): u64 {
  begin(ST_NO, 0x17e);
  pcrSelect(mask);
  return run(acc, tpm, finish());
}

function getRandom(acc: u64, tpm: TpmInstance, n: number): u64 {
  begin(ST_NO, 0x17b);
  W.u16(n);
  return run(acc, tpm, finish());
}

function startupClear(acc: u64, tpm: TpmInstance): u64 {
  begin(ST_NO, 0x144);
  W.u16(0);
  return run(acc, tpm, finish());
}

/** The signing key: CreatePrimary storage key, Create + Load a restricted signing child. Returns its handle. */
function makeKeys(tpm: TpmInstance): number {
  begin(ST_S, 0x131);
  W.u32(RH_OWNER);
  pwSession();
  createParams(true);
  send(tpm, finish(), RSP);
  const parent = getU32(RSP, 10);
  begin(ST_S, 0x153);
  W.u32(parent);
  pwSession();
  createParams(false);
  send(tpm, finish(), RSP);
  // response: header 10, parameterSize 4, outPrivate, outPublic, …
  let p = 14;
  const privLen = 2 + ((RSP[p] << 8) | RSP[p + 1]);
  for (let i = 0; i < privLen; i++) PRIV[i] = RSP[p + i];
  p += privLen;
  const pubLen = 2 + ((RSP[p] << 8) | RSP[p + 1]);
  for (let i = 0; i < pubLen; i++) PUB[i] = RSP[p + i];
  begin(ST_S, 0x157);
  W.u32(parent);
  pwSession();
  W.bytes(PRIV, 0, privLen);
  W.bytes(PUB, 0, pubLen);
  send(tpm, finish(), RSP);
  return getU32(RSP, 10);
}

/** NV_DefineSpace authorised by an unbound HMAC session (the HMAC computed here). */
function hmacDefine(acc: u64, tpm: TpmInstance, index: number): u64 {
  for (let i = 0; i < 32; i++) NONCE_CALLER[i] = 0x40 + i;
  begin(ST_NO, 0x176);
  W.u32(RH_NULL);
  W.u32(RH_NULL);
  W.tpm2b(NONCE_CALLER, 0, 32);
  W.u16(0);
  W.u8(0);
  W.u16(0x0010);
  W.u16(0x000b);
  let a = run(acc, tpm, finish());
  const session = getU32(RSP, 10);
  for (let i = 0; i < 32; i++) NONCE_TPM[i] = RSP[16 + i];
  // parameters of NV_DefineSpace: auth (empty), TPM2B_NV_PUBLIC
  begin(ST_S, 0x12a);
  W.u32(RH_OWNER);
  const authAt = W.pos;
  W.u32(0);
  W.u32(session);
  W.tpm2b(NONCE_CALLER, 0, 32);
  W.u8(1);
  const macAt = W.pos;
  W.u16(32);
  W.zeros(32);
  putU32(CMD, authAt, W.pos - authAt - 4);
  const pStart = W.pos;
  W.u16(0);
  W.u16(14);
  W.u32(index);
  W.u16(0x000b);
  W.u32(0x00060006); // ownerwrite|authwrite|ownerread|authread
  W.u16(0);
  W.u16(64);
  const len = finish();
  H.init();
  putU32(CP, 0, 0x12a);
  H.update(CP, 0, 4);
  putU32(CP, 0, RH_OWNER);
  H.update(CP, 0, 4);
  H.update(CMD, pStart, len - pStart);
  H.final(CP);
  MAC.init(CP, 0, 0);
  MAC.update(CP, 0, 32);
  MAC.update(NONCE_CALLER, 0, 32);
  MAC.update(NONCE_TPM, 0, 32);
  MAC.updateByte(1);
  MAC.final(MAC_OUT, 0);
  for (let i = 0; i < 32; i++) CMD[macAt + 2 + i] = MAC_OUT[i];
  a = run(a, tpm, len);
  // the same command with one bit of the HMAC flipped: TPM_RC_BAD_AUTH for session 1 (the owner
  // hierarchy is exempt from dictionary-attack protection: nothing is counted)
  CMD[macAt + 2] = CMD[macAt + 2] ^ 1;
  return run(a, tpm, len);
}

function nvWriteRead(acc: u64, tpm: TpmInstance, index: number): u64 {
  begin(ST_S, 0x137);
  W.u32(RH_OWNER);
  W.u32(index);
  pwSession();
  W.u16(20);
  for (let i = 0; i < 20; i++) W.u8(0x30 + i);
  W.u16(4);
  let a = run(acc, tpm, finish());
  begin(ST_S, 0x14e);
  W.u32(index);
  W.u32(index);
  pwSession();
  W.u16(24);
  W.u16(0);
  a = run(a, tpm, finish());
  begin(ST_NO, 0x169);
  W.u32(index);
  a = run(a, tpm, finish());
  begin(ST_S, 0x122);
  W.u32(RH_OWNER);
  W.u32(index);
  pwSession();
  return run(a, tpm, finish());
}

/** Context save, flush and reload of the key; returns the checksum; the key's new handle is in RSP[10]. */
function contextRoundTrip(acc: u64, tpm: TpmInstance, key: number): u64 {
  begin(ST_NO, 0x162);
  W.u32(key);
  const n = send(tpm, finish(), RSP);
  let a = mix(acc, rcOf(RSP));
  const ctxLen = n - 10;
  for (let i = 0; i < ctxLen; i++) CTX[i] = RSP[10 + i];
  begin(ST_NO, 0x165);
  W.u32(key);
  a = run(a, tpm, finish());
  begin(ST_NO, 0x161);
  W.bytes(CTX, 0, ctxLen);
  a = run(a, tpm, finish());
  // tampered: TPM_RC_INTEGRITY
  begin(ST_NO, 0x161);
  CTX[ctxLen - 1] = CTX[ctxLen - 1] ^ 0x80;
  W.bytes(CTX, 0, ctxLen);
  return run(a, tpm, finish());
}

/** A hash sequence over 2,500 bytes: start, two updates, complete with an owner ticket. */
function hashSequence(acc: u64, tpm: TpmInstance): u64 {
  begin(ST_NO, 0x186);
  W.u16(0);
  W.u16(0x000b);
  let a = run(acc, tpm, finish());
  const seq = getU32(RSP, 10);
  for (let part = 0; part < 3; part++) {
    begin(ST_S, part < 2 ? 0x15c : 0x13e);
    W.u32(seq);
    pwSession();
    W.u16(part < 2 ? 1024 : 452);
    for (let i = 0; i < (part < 2 ? 1024 : 452); i++) W.u8((i * 31 + part) & 0xff);
    if (part === 2) W.u32(RH_OWNER);
    a = run(a, tpm, finish());
  }
  return a;
}

/** Malformed and unauthorised commands: each gets its response code and changes nothing. */
function badCommands(acc: u64, tpm: TpmInstance): u64 {
  let a = acc;
  begin(ST_NO, 0x17b);
  a = run(a, tpm, 6);
  begin(0x1234, 0x17b);
  W.u16(8);
  a = run(a, tpm, finish());
  begin(ST_NO, 0x1ff);
  a = run(a, tpm, finish());
  begin(ST_S, 0x182);
  W.u32(16);
  W.u32(9);
  W.u32(RS_PW);
  W.u16(0);
  W.u8(1);
  W.u16(0);
  W.u32(0);
  a = run(a, tpm, finish());
  begin(ST_S, 0x13d);
  W.u32(0);
  pwSession();
  a = run(a, tpm, finish());
  begin(ST_NO, 0x182);
  W.u32(16);
  W.u32(0);
  return run(a, tpm, finish());
}

export function main(): u64 {
  let acc: u64 = 0xcbf29ce484222325n;
  for (let i = 0; i < 48; i++) ENTROPY[i] = opq(i * 7 + 3) & 0xff;
  addEntropy(A, ENTROPY, 0, 48);
  for (let i = 0; i < 32; i++) DIGEST[i] = 0x11 * (i & 7);
  measureLaunch(A, DIGEST, 0);
  powerOn(A);
  acc = startupClear(acc, A);
  acc = startupClear(acc, A); // TPM_RC_INITIALIZE
  begin(ST_NO, 0x17a);
  W.u32(6);
  W.u32(0x100);
  W.u32(64);
  acc = run(acc, A, finish());
  acc = getRandom(acc, A, 32);
  acc = getRandom(acc, A, 100);
  begin(ST_S, 0x182);
  W.u32(16);
  pwSession();
  W.u32(1);
  W.u16(0x000b);
  W.bytes(DIGEST, 0, 32);
  acc = run(acc, A, finish());
  acc = pcrRead(acc, A, (1 << 16) | (1 << 17));
  const key = makeKeys(A);
  acc = mix(acc, key);
  acc = quote(acc, A, key);
  acc = contextRoundTrip(acc, A, key);
  const key2 = getU32(RSP, 10);
  acc = hmacDefine(acc, A, 0x01500020);
  acc = nvWriteRead(acc, A, 0x01500020);
  begin(ST_NO, 0x17d);
  W.u16(3);
  W.u8(0x61);
  W.u8(0x62);
  W.u8(0x63);
  W.u16(0x000b);
  W.u32(RH_OWNER);
  acc = run(acc, A, finish());
  acc = hashSequence(acc, A);
  acc = badCommands(acc, A);

  // save A, restore into B: the next commands must answer identically
  const n = saveState(A, IMG);
  acc = mix(acc, n > 0 ? 1 : 0);
  acc = mix(acc, restoreState(B, IMG, n));
  IMG[100] = IMG[100] ^ 1;
  acc = mix(acc, restoreState(B, IMG, n)); // corrupted image: TPM_RC_INTEGRITY, B unchanged
  begin(ST_NO, 0x17b);
  W.u16(32);
  acc = mix(acc, sameOnBoth(finish()));
  acc = mixBytes(acc, RSP2, 0, 44);
  acc = mix(acc, sameOnBoth(buildQuote(key2)));
  acc = mixBytes(acc, RSP2, 0, 200);

  // a power cycle: TPM reset, launch measurement replayed into PCR 17
  powerOff(A);
  powerOn(A);
  acc = pcrRead(acc, A, 1 << 17); // TPM_RC_INITIALIZE
  acc = startupClear(acc, A);
  acc = pcrRead(acc, A, (1 << 16) | (1 << 17));
  return acc;
}
