/**
 * NV storage (Part 3, section 31) for ordinary indices: TPM2_NV_DefineSpace, NV_UndefineSpace,
 * NV_Write, NV_Read and NV_ReadPublic. Up to MAX_NV_INDICES indices of up to NV_INDEX_MAX bytes.
 *
 * Counter, bits, extend and pin indices, write/read locks, policy authorisation and
 * NV_UndefineSpaceSpecial are not implemented: indices asking for them are refused at definition
 * (TPM_RC_ATTRIBUTES), so nothing defined can need them.
 */
import { Cmd, endOfParams, rcParam } from "./cmd";
import { handleType, isOrdinaryNv, nvAccessAllowed, nvName, nvSlot, writeNvPublic } from "./entity";
import { NvIndex, TpmInstance } from "./instance";
import { copyBytes, trimZeros } from "./marshal";
import {
  Alg, DIGEST_SIZE, Ht, MAX_AUTH, MAX_NV_BUFFER, NAME_SIZE, NV_INDEX_MAX, NVA_RESERVED, NvA, Rc, Rh,
} from "./tpm";

const AUTHV = new Uint8Array(MAX_AUTH);
const POLICY = new Uint8Array(DIGEST_SIZE);
const NAME = new Uint8Array(NAME_SIZE);

/** Attributes this engine refuses at definition: anything needing an unimplemented feature. */
const NVA_UNSUPPORTED = NvA.POLICYWRITE | NvA.POLICYREAD | NvA.POLICY_DELETE | NvA.WRITEDEFINE | NvA.WRITE_STCLEAR |
  NvA.GLOBALLOCK | NvA.READ_STCLEAR | NvA.CLEAR_STCLEAR | NvA.ORDERLY;
/** Attributes only the TPM sets. */
const NVA_STATE = NvA.WRITELOCKED | NvA.READLOCKED | NvA.WRITTEN;
const NVA_WRITE = NvA.PPWRITE | NvA.OWNERWRITE | NvA.AUTHWRITE | NvA.POLICYWRITE;
const NVA_READ = NvA.PPREAD | NvA.OWNERREAD | NvA.AUTHREAD | NvA.POLICYREAD;

/** The attribute rules of NV_DefineSpace: 0 or an unnumbered code. */
function checkNvAttributes(attrs: number, authHandle: number): number {
  if ((attrs & NVA_RESERVED) !== 0) return Rc.RESERVED_BITS;
  if (!isOrdinaryNv(attrs)) return Rc.ATTRIBUTES;
  if ((attrs & (NVA_UNSUPPORTED | NVA_STATE)) !== 0) return Rc.ATTRIBUTES;
  if ((attrs & NVA_WRITE) === 0 || (attrs & NVA_READ) === 0) return Rc.ATTRIBUTES;
  const platform = (attrs & NvA.PLATFORMCREATE) !== 0;
  if (platform !== (authHandle === Rh.PLATFORM)) return Rc.ATTRIBUTES;
  return 0;
}

export function cmdNvDefineSpace(tpm: TpmInstance, c: Cmd): number {
  const r = c.r;
  r.param(1);
  const authLen = r.tpm2b(AUTHV, 0, MAX_AUTH);
  r.param(2);
  const size = r.u16();
  const start = r.pos;
  const index = r.u32();
  const nameAlg = r.u16();
  const attrs = r.u32();
  const policyLen = r.tpm2b(POLICY, 0, DIGEST_SIZE);
  const dataSize = r.u16();
  if (r.err === 0 && r.pos - start !== size) r.fail(Rc.SIZE);
  const e = endOfParams(c);
  if (e !== 0) return e;
  if (handleType(index) !== Ht.NV_INDEX) return rcParam(Rc.VALUE, 2);
  if (nameAlg !== Alg.SHA256) return rcParam(Rc.HASH, 2);
  if (policyLen !== 0 && policyLen !== DIGEST_SIZE) return rcParam(Rc.SIZE, 2);
  const ac = checkNvAttributes(attrs, c.handles[0]);
  if (ac !== 0) return rcParam(ac, 2);
  if (dataSize > NV_INDEX_MAX) return Rc.NV_SIZE;
  if (nvSlot(tpm, index) >= 0) return Rc.NV_DEFINED;
  let slot = -1;
  for (let i = 0; i < tpm.nv.length && slot < 0; i++) {
    if (!tpm.nv[i].used) slot = i;
  }
  if (slot < 0) return Rc.NV_SPACE;
  const nv = tpm.nv[slot];
  nv.clear();
  nv.index = index;
  nv.attrs = attrs;
  copyBytes(nv.policy, 0, POLICY, 0, policyLen);
  nv.policyLen = policyLen;
  const n = trimZeros(AUTHV, 0, authLen);
  copyBytes(nv.auth, 0, AUTHV, 0, n);
  nv.authLen = n;
  nv.size = dataSize;
  nv.used = true;
  AUTHV.fill(0);
  return 0;
}

export function cmdNvUndefineSpace(tpm: TpmInstance, c: Cmd): number {
  const e = endOfParams(c);
  if (e !== 0) return e;
  const nv = tpm.nv[nvSlot(tpm, c.handles[1])];
  // the owner may delete only owner-created indices; the platform may delete either kind
  const platformIndex = (nv.attrs & NvA.PLATFORMCREATE) !== 0;
  if (platformIndex && c.handles[0] === Rh.OWNER) return Rc.NV_AUTHORIZATION;
  nv.clear();
  return 0;
}

/**
 * Common checks of NV_Write/NV_Read in Part 3's order: the access attribute, for a read the
 * WRITTEN attribute and the size bound, then the offset (TPM_RC_VALUE + P2: offset is parameter 2
 * of both) and the range. 0 or a response code.
 */
function checkAccess(nv: NvIndex, authHandle: number, write: boolean, size: number, offset: number): number {
  if (!nvAccessAllowed(nv, authHandle, write)) return Rc.NV_AUTHORIZATION;
  if (!write && (nv.attrs & NvA.WRITTEN) === 0) return Rc.NV_UNINITIALIZED;
  if (!write && size > MAX_NV_BUFFER) return rcParam(Rc.VALUE, 1);
  if (offset > nv.size) return rcParam(Rc.VALUE, 2);
  if (size > nv.size - offset) return Rc.NV_RANGE;
  return 0;
}

export function cmdNvWrite(tpm: TpmInstance, c: Cmd): number {
  const r = c.r;
  r.param(1);
  const dataOff = r.tpm2bInPlace(MAX_NV_BUFFER);
  const dataLen = r.lastSize;
  r.param(2);
  const offset = r.u16();
  const e = endOfParams(c);
  if (e !== 0) return e;
  const nv = tpm.nv[nvSlot(tpm, c.handles[1])];
  const ac = checkAccess(nv, c.handles[0], true, dataLen, offset);
  if (ac !== 0) return ac;
  if ((nv.attrs & NvA.WRITEALL) !== 0 && (offset !== 0 || dataLen !== nv.size)) return Rc.NV_RANGE;
  copyBytes(nv.data, offset, r.buf, dataOff, dataLen);
  nv.attrs = (nv.attrs | NvA.WRITTEN) >>> 0;
  return 0;
}

export function cmdNvRead(tpm: TpmInstance, c: Cmd): number {
  const r = c.r;
  r.param(1);
  const size = r.u16();
  r.param(2);
  const offset = r.u16();
  const e = endOfParams(c);
  if (e !== 0) return e;
  const nv = tpm.nv[nvSlot(tpm, c.handles[1])];
  const ac = checkAccess(nv, c.handles[0], false, size, offset);
  if (ac !== 0) return ac;
  c.w.tpm2b(nv.data, offset, size);
  return 0;
}

export function cmdNvReadPublic(tpm: TpmInstance, c: Cmd): number {
  const e = endOfParams(c);
  if (e !== 0) return e;
  const nv = tpm.nv[nvSlot(tpm, c.handles[0])];
  const w = c.w;
  const at = w.beginSize16();
  writeNvPublic(w, nv);
  w.endSize16(at);
  const n = nvName(nv, NAME, 0);
  w.tpm2b(NAME, 0, n);
  return 0;
}
