/**
 * The binary policy format, shared by the policy compiler (scripts/tshype-cli) that writes it
 * and the engine (shype/policy.ts) that loads it: one list of offsets, limits and fixed rule
 * indices, so the two can never disagree. Everything is big-endian; docs/policy-language.md
 * describes the layout in prose.
 *
 *   header (32 bytes)
 *     0 u32 magic 'sHyP'      4 u16 version      6 u16 header length (32)
 *     8 u32 total size       12 u32 checksum: FNV-1a 32 over bytes [16, total size)
 *    16 u8 primary kind     17 u8 secondary kind 18 u8 type count     19 u8 label count
 *    20 u8 conflict count   21 u8 level count    22 u16 rule count
 *    24 u16 string pool size 26 u16 policy name (string reference)    28 u32 reserved (0)
 *   types      type count x 4:      u16 name, u16 rule ("ste: common type T"); padded to 8
 *   labels     label count x 40:    u64 type mask, u16 name, u8 kind, u8 level, u32 reserved,
 *                                   u16 decision[MGMT_OPS] (Op 0..10),
 *                                   u16 the configuration's decision on this label (LABEL_LAUNCH)
 *   conflicts  conflict count x 16: u64 type mask, u16 name, u16 rule, u32 reserved
 *   levels     level count x 2:     u16 name; padded to 8
 *   rules      rule count x 8:      u32 source line (0: built in), u16 description, u8 kind, u8 0
 *   strings    pool size bytes:     strings as u8 length + bytes; padded to 8
 * A string reference is the offset of the length byte in the pool.
 */

/** 'sHyP' */
export const POLICY_MAGIC = 0x73487950;
/** 2: the label entry carries the configuration's decision (version 1 had a reserved u16). */
export const POLICY_VERSION = 2;
export const HEADER_SIZE = 32;
export const TYPE_ENTRY = 4;
export const LABEL_ENTRY = 40;
/** Offset in a label entry of the decision slots for Op 0..10 (u16 each). */
export const LABEL_DECISIONS = 16;
/**
 * Offset in a label entry of the configuration's decision on this label: whether the boot
 * configuration (subject CONFIGURATION) may create, start and destroy a partition with it.
 */
export const LABEL_LAUNCH = 38;
export const CONFLICT_ENTRY = 16;
export const LEVEL_ENTRY = 2;
export const RULE_ENTRY = 8;

/** Ops with a precomputed per-label decision: the hcall classes and the management ops. */
export const MGMT_OPS = 11;

export const MAX_TYPES = 64;
export const MAX_CONFLICTS = 32;
export const MAX_LEVELS = 16;
export const MAX_RULES = 512;
export const MAX_POOL = 16384;
export const MAX_NAME = 31;
export const MAX_DESCRIPTION = 120;

/** Policy kinds for the primary and secondary slot. */
export const enum PolicyKind {
  None = 0,
  ChineseWall = 1,
  Ste = 2,
  Blp = 3,
}

/** What a label labels: a partition (the only possible subject) or a resource. */
export const enum LabelKind {
  Partition = 0,
  Vdevice = 1,
  Vtpm = 2,
  Memory = 3,
  Lan = 4,
}
export const LABEL_KINDS = 5;

/** What kind of statement a rule comes from (for tools; the engine does not depend on it). */
export const enum RuleKind {
  Builtin = 0,
  Type = 1,
  Conflict = 2,
  Role = 3,
  Hcalls = 4,
}

/** Rules every policy has, at fixed indices (the compiler emits them first). */
export const R_DEFAULT = 0;
export const R_UNKNOWN_SUBJECT = 1;
export const R_UNKNOWN_OBJECT = 2;
export const R_UNKNOWN_OP = 3;
export const R_STE_NO_COMMON_TYPE = 4;
export const R_BLP_NO_READ_UP = 5;
export const R_BLP_NO_WRITE_DOWN = 6;
export const R_BLP_READ = 7;
export const R_BLP_WRITE = 8;
export const R_BLP_NO_FLOW = 9;
export const R_HCALL_DEFAULT = 10;
export const R_NO_ROLE = 11;
export const BUILTIN_RULES = 12;

/** Round up to a multiple of 8. */
export function align8(n: number): number {
  return (n + 7) & ~7;
}

/** FNV-1a 32 step: the checksum after one more byte. */
export function fnvStep(h: number, b: number): number {
  return Math.imul(h ^ b, 0x01000193) >>> 0;
}

/** FNV-1a 32 offset basis. */
export const FNV_BASIS = 0x811c9dc5;
