/**
 * TPM 2.0 constants (TPM 2.0 Library, Part 2: Structures) used by the vTPM engine: command codes,
 * response codes, structure tags, algorithm identifiers, handles, capabilities and attribute bits.
 * Only what the engine implements or must recognise is listed; values are the specification's.
 */

/** Command codes (TPM_CC). */
export const enum Cc {
  NV_UndefineSpace = 0x122,
  NV_DefineSpace = 0x12a,
  CreatePrimary = 0x131,
  NV_Write = 0x137,
  PCR_Reset = 0x13d,
  SelfTest = 0x143,
  Startup = 0x144,
  Shutdown = 0x145,
  StirRandom = 0x146,
  NV_Read = 0x14e,
  Create = 0x153,
  Load = 0x157,
  Quote = 0x158,
  ContextLoad = 0x161,
  ContextSave = 0x162,
  FlushContext = 0x165,
  NV_ReadPublic = 0x169,
  ReadPublic = 0x173,
  StartAuthSession = 0x176,
  GetCapability = 0x17a,
  GetRandom = 0x17b,
  GetTestResult = 0x17c,
  Hash = 0x17d,
  PCR_Read = 0x17e,
  PCR_Extend = 0x182,
  HashSequenceStart = 0x186,
  SequenceUpdate = 0x15c,
  SequenceComplete = 0x13e,
  DictionaryAttackLockReset = 0x139,
  DictionaryAttackParameters = 0x13a,
}

/** Response codes (TPM_RC). Format-one codes get a handle, parameter or session number added (see rc.ts). */
export const enum Rc {
  SUCCESS = 0x000,
  BAD_TAG = 0x01e,
  INITIALIZE = 0x100,
  FAILURE = 0x101,
  SEQUENCE = 0x103,
  AUTH_MISSING = 0x125,
  AUTH_UNAVAILABLE = 0x12f,
  COMMAND_SIZE = 0x142,
  COMMAND_CODE = 0x143,
  AUTHSIZE = 0x144,
  AUTH_CONTEXT = 0x145,
  NV_RANGE = 0x146,
  NV_SIZE = 0x147,
  NV_LOCKED = 0x148,
  NV_AUTHORIZATION = 0x149,
  NV_UNINITIALIZED = 0x14a,
  NV_SPACE = 0x14b,
  NV_DEFINED = 0x14c,
  BAD_CONTEXT = 0x150,
  PARENT = 0x152,
  SENSITIVE = 0x155,
  // format one (bit 7 set)
  ASYMMETRIC = 0x081,
  ATTRIBUTES = 0x082,
  HASH = 0x083,
  VALUE = 0x084,
  HIERARCHY = 0x085,
  KEY_SIZE = 0x087,
  MODE = 0x089,
  TYPE = 0x08a,
  HANDLE = 0x08b,
  KDF = 0x08c,
  RANGE = 0x08d,
  AUTH_FAIL = 0x08e,
  NONCE = 0x08f,
  SCHEME = 0x092,
  SIZE = 0x095,
  SYMMETRIC = 0x096,
  TAG = 0x097,
  SELECTOR = 0x098,
  INSUFFICIENT = 0x09a,
  SIGNATURE = 0x09b,
  KEY = 0x09c,
  INTEGRITY = 0x09f,
  RESERVED_BITS = 0x0a1,
  BAD_AUTH = 0x0a2,
  BINDING = 0x0a5,
  CURVE = 0x0a6,
  ECC_POINT = 0x0a7,
  // warnings
  OBJECT_MEMORY = 0x902,
  SESSION_MEMORY = 0x903,
  /** the first handle of the handle area is a transient object or session that is not loaded (+1 for the second, …) */
  REFERENCE_H0 = 0x910,
  /** the first session of the authorisation area is not loaded (+1 for the second, …) */
  REFERENCE_S0 = 0x918,
  LOCALITY = 0x907,
  /** dictionary-attack lockout: failedTries >= maxTries, or lockoutAuth locked after a failure */
  LOCKOUT = 0x921,
}

/** Format-one modifiers: parameter, session, and the shift of the number. */
export const RC_P = 0x040;
export const RC_S = 0x800;
export const RC_N_SHIFT = 8;

/** Structure tags (TPM_ST). */
export const enum St {
  /** the response tag of TPM_RC_BAD_TAG (TPM 1.2 compatible) */
  RSP_COMMAND = 0x00c4,
  NULL = 0x8000,
  NO_SESSIONS = 0x8001,
  SESSIONS = 0x8002,
  ATTEST_QUOTE = 0x8018,
  CREATION = 0x8021,
  HASHCHECK = 0x8024,
}

/** Algorithm identifiers (TPM_ALG). */
export const enum Alg {
  HMAC = 0x0005,
  AES = 0x0006,
  SHA256 = 0x000b,
  NULL = 0x0010,
  ECDSA = 0x0018,
  KDF1_SP800_108 = 0x0022,
  ECC = 0x0023,
  CFB = 0x0043,
}

/** TPM_ECC_CURVE */
export const ECC_NIST_P256 = 0x0003;

/** Permanent handles (TPM_RH) and handle types (the top byte, TPM_HT). */
export const enum Rh {
  OWNER = 0x40000001,
  NULL = 0x40000007,
  PW = 0x40000009,
  LOCKOUT = 0x4000000a,
  ENDORSEMENT = 0x4000000b,
  PLATFORM = 0x4000000c,
}
export const enum Ht {
  PCR = 0x00,
  NV_INDEX = 0x01,
  HMAC_SESSION = 0x02,
  POLICY_SESSION = 0x03,
  PERMANENT = 0x40,
  TRANSIENT = 0x80,
  PERSISTENT = 0x81,
}
/** The first transient object handle and HMAC session handle; slot i has handle base + i. */
export const TRANSIENT_FIRST = 0x80000000;
export const HMAC_SESSION_FIRST = 0x02000000;
/** The saved-context handles of TPMS_CONTEXT for objects. */
export const CONTEXT_OBJECT = 0x80000000;
export const CONTEXT_OBJECT_STCLEAR = 0x80000002;

/** Startup and shutdown types (TPM_SU) and session types (TPM_SE). */
export const SU_CLEAR = 0;
export const SU_STATE = 1;
export const SE_HMAC = 0;
export const SE_POLICY = 1;
export const SE_TRIAL = 3;

/** TPM_GENERATED_VALUE: the magic at the start of every attestation structure ("\xffTCG"). */
export const TPM_GENERATED = 0xff544347;

/** Capabilities (TPM_CAP). */
export const enum Cap {
  ALGS = 0,
  HANDLES = 1,
  COMMANDS = 2,
  PP_COMMANDS = 3,
  AUDIT_COMMANDS = 4,
  PCRS = 5,
  TPM_PROPERTIES = 6,
  PCR_PROPERTIES = 7,
  ECC_CURVES = 8,
}

/** TPMA_OBJECT bits. */
export const enum ObjA {
  FIXED_TPM = 1 << 1,
  ST_CLEAR = 1 << 2,
  FIXED_PARENT = 1 << 4,
  SENSITIVE_DATA_ORIGIN = 1 << 5,
  USER_WITH_AUTH = 1 << 6,
  ADMIN_WITH_POLICY = 1 << 7,
  NO_DA = 1 << 10,
  ENCRYPTED_DUPLICATION = 1 << 11,
  RESTRICTED = 1 << 16,
  DECRYPT = 1 << 17,
  SIGN = 1 << 18,
}
/** Bits of TPMA_OBJECT that are reserved and must be zero. */
export const OBJA_RESERVED = 0xfff8f309;

/** TPMA_SESSION bits. */
export const enum SessA {
  CONTINUE = 0x01,
  AUDIT_EXCLUSIVE = 0x02,
  AUDIT_RESET = 0x04,
  DECRYPT = 0x20,
  ENCRYPT = 0x40,
  AUDIT = 0x80,
}

/** TPMA_NV bits (the TPM_NT field is bits 4..7). */
export const enum NvA {
  PPWRITE = 1 << 0,
  OWNERWRITE = 1 << 1,
  AUTHWRITE = 1 << 2,
  POLICYWRITE = 1 << 3,
  POLICY_DELETE = 1 << 10,
  WRITELOCKED = 1 << 11,
  WRITEALL = 1 << 12,
  WRITEDEFINE = 1 << 13,
  WRITE_STCLEAR = 1 << 14,
  GLOBALLOCK = 1 << 15,
  PPREAD = 1 << 16,
  OWNERREAD = 1 << 17,
  AUTHREAD = 1 << 18,
  POLICYREAD = 1 << 19,
  NO_DA = 1 << 25,
  ORDERLY = 1 << 26,
  CLEAR_STCLEAR = 1 << 27,
  READLOCKED = 1 << 28,
  WRITTEN = 1 << 29,
  PLATFORMCREATE = 1 << 30,
  READ_STCLEAR = 1 << 31,
}
export const NVA_TYPE_MASK = 0xf0;
export const NVA_RESERVED = 0x01f00300;

/** Sizes this implementation supports (SHA-256 is its only hash). */
export const DIGEST_SIZE = 32;
export const NAME_SIZE = 34;
export const PCR_COUNT = 24;
export const PCR_SELECT_SIZE = 3;
export const MAX_AUTH = 32;
export const MAX_NONCE = 32;
export const MIN_NONCE = 16;
export const MAX_BUFFER = 1024;
export const MAX_NV_BUFFER = 1024;
export const NV_INDEX_MAX = 1024;
export const MAX_SENSITIVE_DATA = 128;
export const MAX_DATA = 34;

/** This TPM's identity for TPM_PT_MANUFACTURER, TPM_PT_FIRMWARE_VERSION_1/2 and attestations. */
export const MANUFACTURER = 0x54534859; // "TSHY"
export const FIRMWARE_V1 = 0x00010000;
export const FIRMWARE_V2 = 0x00000000;

/** Command and response buffer sizes (TPM_PT_MAX_COMMAND_SIZE / MAX_RESPONSE_SIZE). */
export const MAX_COMMAND_SIZE = 4096;
export const MAX_RESPONSE_SIZE = 4096;
