/**
 * TPM2_Quote (Part 3, section 18.4): ECDSA-SHA256 over a TPMS_ATTEST of type TPM_ST_ATTEST_QUOTE
 * with the digest of the selected PCRs.
 *
 * As the specification asks for privacy, a key outside the endorsement and platform hierarchies
 * gets resetCount, restartCount and firmwareVersion obfuscated by adding
 * KDFa(proof, "OBFUSCATE", signer name, -, 128), so quotes from different keys cannot be linked
 * by those counters.
 */
import { kdfa } from "../crypto/kdf";
import { ecdsaSign } from "../crypto/p256ecdsa";
import { sha256 } from "../crypto/sha256";
import { Cmd, endOfParams, rcHandle, rcParam } from "./cmd";
import { objectSlot, proofOffset } from "./entity";
import { TpmInstance, randomBytes } from "./instance";
import { Writer, getU32 } from "./marshal";
import { PcrSelection, pcrDigest, readPcrSelection, writePcrSelection } from "./pcr";
import { Alg, DIGEST_SIZE, FIRMWARE_V1, FIRMWARE_V2, MAX_DATA, NAME_SIZE, ObjA, Rc, Rh, St, TPM_GENERATED } from "./tpm";

const EXTRA = new Uint8Array(MAX_DATA);
const SEL = new PcrSelection();
const PCR_DIGEST = new Uint8Array(DIGEST_SIZE);
const DIGEST = new Uint8Array(DIGEST_SIZE);
const SIG = new Uint8Array(64);
const K = new Uint8Array(32);
const OBF = new Uint8Array(16);
const L_OBFUSCATE = new Uint8Array([0x4f, 0x42, 0x46, 0x55, 0x53, 0x43, 0x41, 0x54, 0x45]); // "OBFUSCATE"

/** Add the 32-bit big-endian value at OBF[off] to v, mod 2^32. */
function addObf(v: number, off: number): number {
  return (v + getU32(OBF, off)) >>> 0;
}

/** Write TPMS_CLOCK_INFO and firmwareVersion, obfuscated unless the key is endorsement or platform. */
function writeClockAndFirmware(tpm: TpmInstance, w: Writer, hierarchy: number, name: Uint8Array): void {
  const plain = hierarchy === Rh.ENDORSEMENT || hierarchy === Rh.PLATFORM;
  OBF.fill(0);
  if (!plain) {
    kdfa(tpm.proofs, proofOffset(hierarchy), DIGEST_SIZE, L_OBFUSCATE, 0, L_OBFUSCATE.length, name, 0, NAME_SIZE,
      name, 0, 0, 128, OBF, 0);
  }
  const clock = tpm.clockMs;
  w.u64(Math.trunc(clock / 0x100000000), clock >>> 0);
  w.u32(addObf(tpm.resetCount, 0));
  w.u32(addObf(tpm.restartCount, 4));
  w.u8(1); // safe: the clock never went backwards
  // firmwareVersion + obfuscation as a 64-bit sum
  const lo = FIRMWARE_V2 + getU32(OBF, 12);
  const hi = (FIRMWARE_V1 + getU32(OBF, 8) + (lo > 0xffffffff ? 1 : 0)) >>> 0;
  w.u64(hi, lo >>> 0);
}

export function cmdQuote(tpm: TpmInstance, c: Cmd): number {
  const r = c.r;
  r.param(1);
  const extraLen = r.tpm2b(EXTRA, 0, MAX_DATA);
  r.param(2);
  const scheme = r.u16();
  let hash = Alg.NULL;
  if (r.err === 0 && scheme !== Alg.NULL) {
    if (scheme !== Alg.ECDSA) r.fail(Rc.SCHEME);
    hash = r.u16();
    if (r.err === 0 && hash !== Alg.SHA256) r.fail(Rc.HASH);
  }
  r.param(3);
  readPcrSelection(r, SEL);
  const e = endOfParams(c);
  if (e !== 0) return e;
  const o = tpm.objects[objectSlot(tpm, c.handles[0])];
  if ((o.attrs & ObjA.SIGN) === 0) return rcHandle(Rc.KEY, 1);
  if (o.scheme === Alg.NULL && scheme === Alg.NULL) return rcParam(Rc.SCHEME, 2);

  pcrDigest(tpm, SEL, PCR_DIGEST);
  const w = c.w;
  const at = w.beginSize16();
  w.u32(TPM_GENERATED);
  w.u16(St.ATTEST_QUOTE);
  w.tpm2b(o.qn, 0, NAME_SIZE);
  w.tpm2b(EXTRA, 0, extraLen);
  writeClockAndFirmware(tpm, w, o.hierarchy, o.name);
  writePcrSelection(w, SEL);
  w.tpm2b(PCR_DIGEST, 0, DIGEST_SIZE);
  w.endSize16(at);
  if (w.overflow) return Rc.FAILURE;
  sha256(w.buf, at + 2, w.pos - at - 2, DIGEST, 0);
  let signed = false;
  for (let i = 0; i < 8 && !signed; i++) {
    if (!randomBytes(tpm, K, 0, 32)) return Rc.FAILURE;
    signed = ecdsaSign(SIG, DIGEST, 0, DIGEST_SIZE, o.d, K);
  }
  K.fill(0);
  if (!signed) return Rc.FAILURE;
  w.u16(Alg.ECDSA);
  w.u16(Alg.SHA256);
  w.tpm2b(SIG, 0, 32);
  w.tpm2b(SIG, 32, 32);
  return 0;
}
