/**
 * The command table: the single source of truth for which commands the engine implements, how
 * many handles each takes and which of them need authorisation, whether it returns a handle,
 * and the kind of entity each handle must be. The engine's header/handle/session processing and
 * GetCapability(TPM_CAP_COMMANDS) are both derived from it; the handlers themselves are chosen by
 * the switch in engine.ts.
 */
import { Cc } from "./tpm";

/** What a handle in the handle area must refer to. */
export const enum Hk {
  NONE = 0,
  /** a loaded transient object */
  OBJECT = 1,
  /** a loaded transient object or TPM_RH_NULL */
  OBJECT_OR_NULL = 2,
  /** any entity with an authValue, or TPM_RH_NULL */
  ENTITY_OR_NULL = 3,
  /** TPM_RH_OWNER, ENDORSEMENT, PLATFORM or NULL */
  HIERARCHY = 4,
  /** TPM_RH_OWNER or PLATFORM */
  PROVISION = 5,
  /** TPM_RH_OWNER, PLATFORM or a defined NV index */
  NV_AUTH = 6,
  /** a defined NV index */
  NV_INDEX = 7,
  /** a PCR */
  PCR = 8,
  /** a PCR or TPM_RH_NULL */
  PCR_OR_NULL = 9,
  /** a loaded object or an active session */
  CONTEXT = 10,
  /** a hash sequence object */
  SEQUENCE = 11,
  /** TPM_RH_LOCKOUT */
  LOCKOUT = 12,
}

/** Row flags. */
export const enum CmdF {
  /** no sessions allowed at all (TPM_RC_AUTH_CONTEXT) */
  NO_SESSIONS = 1,
  /** TPMA_CC.flushed */
  FLUSHED = 2,
  /** TPMA_CC.nv: may write NV */
  NV = 4,
}

/** Columns of a row. */
export const ROW = 8;
const C_CC = 0;
const C_HANDLES = 1;
const C_AUTH = 2;
const C_RHANDLE = 3;
const C_FLAGS = 4;
const C_KIND = 5;

// cc, handles, of which need authorisation, response handle, flags, handle kinds (3)
const TABLE = new Uint32Array([
  Cc.NV_UndefineSpace, 2, 1, 0, CmdF.NV, Hk.PROVISION, Hk.NV_INDEX, 0,
  Cc.NV_DefineSpace, 1, 1, 0, CmdF.NV, Hk.PROVISION, 0, 0,
  Cc.CreatePrimary, 1, 1, 1, 0, Hk.HIERARCHY, 0, 0,
  Cc.NV_Write, 2, 1, 0, CmdF.NV, Hk.NV_AUTH, Hk.NV_INDEX, 0,
  Cc.DictionaryAttackLockReset, 1, 1, 0, CmdF.NV, Hk.LOCKOUT, 0, 0,
  Cc.DictionaryAttackParameters, 1, 1, 0, CmdF.NV, Hk.LOCKOUT, 0, 0,
  Cc.PCR_Reset, 1, 1, 0, 0, Hk.PCR, 0, 0,
  Cc.SelfTest, 0, 0, 0, 0, 0, 0, 0,
  Cc.Startup, 0, 0, 0, CmdF.NV, 0, 0, 0,
  Cc.Shutdown, 0, 0, 0, CmdF.NV, 0, 0, 0,
  Cc.StirRandom, 0, 0, 0, 0, 0, 0, 0,
  Cc.NV_Read, 2, 1, 0, 0, Hk.NV_AUTH, Hk.NV_INDEX, 0,
  Cc.Create, 1, 1, 0, 0, Hk.OBJECT, 0, 0,
  Cc.Load, 1, 1, 1, 0, Hk.OBJECT, 0, 0,
  Cc.Quote, 1, 1, 0, 0, Hk.OBJECT, 0, 0,
  Cc.ContextLoad, 0, 0, 1, CmdF.NO_SESSIONS, 0, 0, 0,
  Cc.ContextSave, 1, 0, 0, CmdF.NO_SESSIONS, Hk.CONTEXT, 0, 0,
  Cc.FlushContext, 0, 0, 0, CmdF.NO_SESSIONS | CmdF.FLUSHED, 0, 0, 0,
  Cc.NV_ReadPublic, 1, 0, 0, 0, Hk.NV_INDEX, 0, 0,
  Cc.ReadPublic, 1, 0, 0, 0, Hk.OBJECT, 0, 0,
  Cc.StartAuthSession, 2, 0, 1, 0, Hk.OBJECT_OR_NULL, Hk.ENTITY_OR_NULL, 0,
  Cc.GetCapability, 0, 0, 0, 0, 0, 0, 0,
  Cc.GetRandom, 0, 0, 0, 0, 0, 0, 0,
  Cc.GetTestResult, 0, 0, 0, 0, 0, 0, 0,
  Cc.Hash, 0, 0, 0, 0, 0, 0, 0,
  Cc.PCR_Read, 0, 0, 0, 0, 0, 0, 0,
  Cc.PCR_Extend, 1, 1, 0, 0, Hk.PCR_OR_NULL, 0, 0,
  Cc.HashSequenceStart, 0, 0, 1, 0, 0, 0, 0,
  Cc.SequenceUpdate, 1, 1, 0, 0, Hk.SEQUENCE, 0, 0,
  Cc.SequenceComplete, 1, 1, 0, CmdF.FLUSHED, Hk.SEQUENCE, 0, 0,
]);

/** Number of implemented commands. */
export const COMMAND_COUNT = (TABLE.length / ROW) | 0;

/** The row index of command code cc, or -1 if it is not implemented. */
export function findCommand(cc: number): number {
  for (let i = 0; i < COMMAND_COUNT; i++) {
    if (TABLE[i * ROW + C_CC] === cc) return i;
  }
  return -1;
}

export function rowCc(row: number): number {
  return TABLE[row * ROW + C_CC];
}

export function rowHandles(row: number): number {
  return TABLE[row * ROW + C_HANDLES];
}

export function rowAuthHandles(row: number): number {
  return TABLE[row * ROW + C_AUTH];
}

export function rowHasResponseHandle(row: number): boolean {
  return TABLE[row * ROW + C_RHANDLE] !== 0;
}

export function rowFlags(row: number): number {
  return TABLE[row * ROW + C_FLAGS];
}

/** Kind (Hk) of handle i (0-based) of the row. */
export function rowHandleKind(row: number, i: number): number {
  return TABLE[row * ROW + C_KIND + i];
}

/** TPMA_CC of a row (TPM 2.0 Part 2: commandIndex, nv, flushed, cHandles, rHandle). */
export function rowAttributes(row: number): number {
  const f = rowFlags(row);
  let a = rowCc(row) & 0xffff;
  if ((f & CmdF.NV) !== 0) a = a | (1 << 22);
  if ((f & CmdF.FLUSHED) !== 0) a = a | (1 << 24);
  a = a | (rowHandles(row) << 25);
  if (rowHasResponseHandle(row)) a = a | (1 << 28);
  return a >>> 0;
}
