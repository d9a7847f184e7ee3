/**
 * vTPM engine fuzz test: at least 100,000 commands into one TpmInstance through
 * execute(tpm, locality, cmd, len, rsp), checked after every one.
 *
 * Sources (every fuzz command is one of):
 *   (a) random: purely random bytes of random length 0..4200 (lengths over 4096, a size field that
 *       lies, a length argument larger or smaller than the buffer), and random bodies behind a
 *       plausible header (an implemented command code, handles that exist);
 *   (b) mutated: a well-formed command for any implemented command code (all of them: the test checks
 *       GetCapability(TPM_CAP_COMMANDS) against its own table), built from the instance's current
 *       state (password and HMAC sessions), then mutated: bit flips, byte replacement, truncation at
 *       structure boundaries, inserted/removed bytes, size fields set to 0, max, ±1, count fields
 *       huge, handles replaced by other handle types, tags swapped, command codes swapped, sessions
 *       duplicated or added; re-MACed where possible so that the mutation gets past the HMAC check
 *       into the handler. Four times a run, systematically: for one command of every code, every
 *       truncation at a structure boundary, every size field at 0, max, +1, -1, every count field
 *       huge, every handle replaced by one of each handle type, the tag swapped, each session
 *       duplicated, a password session added;
 *   (c) valid: random sequences of well-formed commands that change the state (objects created,
 *       loaded, saved, flushed; hash sequences; sessions started and closed; NV indices defined,
 *       written, undefined; PCRs extended and reset), each with its expected response code.
 * Eight times a run the platform power-cycles the instance (sometimes after Shutdown(STATE)); fuzz
 * commands before Startup must all get TPM_RC_INITIALIZE (unless a mutated Startup gets through),
 * then Startup makes a TPM Reset, Restart or Resume, after which contexts that must die (stClear
 * ones, null-hierarchy ones at a Reset) are tried and must fail their integrity check.
 *
 * P-256 operations cost about 1 ms each in Node: key creation, loading and quotes are paced by a
 * budget per command (ECC_SHARE); a run takes about 8 s on an idle 2-core machine.
 *
 * After each command:
 *   - execute returned without throwing, 10 <= n <= 4096, tag 0x8001/0x8002, size field == n, an error
 *     response is exactly 10 bytes with tag 0x8001 (TPM_RC_BAD_TAG may carry TPM_ST_RSP_COMMAND, 0x00C4,
 *     as Part 2 specifies), the response code is a TPM 2.0 Part 2 code
 *     (format zero or format one, with a handle/session/parameter number the command can have), and
 *     header-level errors are the header codes;
 *   - a success is a command this test's own parser (written from Part 3, independent of the engine)
 *     accepts: header, handles, authorisation area (passwords equal the entity's authValue, HMACs
 *     verify under the session keys this test derived itself), parameters consumed exactly; its
 *     response parses exactly (handle, parameterSize, parameters, one response session per command
 *     session, response HMACs verified) and its contents are checked per command against a model
 *     (PCR values, NV contents, loaded objects by Name, sequences by their running hash, sessions with
 *     nonces and keys, saved contexts, the context counter, the Shutdown state, reset/restart counts,
 *     variable TPM properties; quotes are verified with Node's crypto, ticket HMACs under the proofs);
 *   - state: a snapshot of every instance field, split in components; a refused command changed no
 *     component (but the dictionary-attack one, and only when answered TPM_RC_AUTH_FAIL), a successful one only the components its command may change (the DRBG and the
 *     sessions for HMAC-session commands); every modelled component equals the model; the slot
 *     invariants hold (a used object has a public area whose hash is its Name and whose point is
 *     its x, y; free slots are all zero; NV sizes within bounds, unique indices); for 1 in 20 refused
 *     commands the saveState images before and after are identical;
 *   - a probe: GetCapability(TPM_PROPERTIES, 0x100, 8) answers the same bytes as at the start;
 *   - every FULL_EVERY commands a full check: PCR_Read of all PCRs (17 holds the launch measurement
 *     and 18..22 zero: no client locality can change them), the probe key (an endorsement primary
 *     whose saved context is reloaded when the fuzzer flushed it, and re-derived now and then: the
 *     same Name) quotes PCRs 0..7, 16, 17, 23 with a verified signature, ReadPublic of every object,
 *     NV_ReadPublic/NV_Read of every index, GetCapability(HANDLES) against the model, and a
 *     saveState/restoreState round trip into a second instance that answers the probe the same and
 *     draws the same random bytes.
 *
 * Dictionary-attack protection: setup sets DictionaryAttackParameters to DA_OFF (maxTries 2^32-1,
 * recoveryTime 0: failures of DA-protected entities are TPM_RC_AUTH_FAIL but not counted, so the
 * TPM never locks out; lockoutRecovery 0: a failed lockoutAuth locks lockoutAuth until the next
 * Startup, which the model follows). A (mutated) DictionaryAttackParameters that succeeds with
 * other values is followed at once by one restoring DA_OFF. Every TPM_RC_AUTH_FAIL must name a
 * DA-protected entity or the lockout hierarchy, every TPM_RC_BAD_AUTH an exempt one, and
 * TPM_RC_LOCKOUT only comes for lockoutAuth while the model has it locked.
 *
 * Reproducible: the seed is printed (VTPM_FUZZ_SEED=... reruns it, VTPM_FUZZ_COMMANDS=... changes
 * the count); a failure reports the seed, the command number, its source and hex, the response and
 * the commands before it.
 */
import { expect } from 'chai';
import * as crypto from 'crypto';
import { execute } from '../../vtpm/tpm/engine';
import { NvIndex, Session, TpmInstance, TpmObject } from '../../vtpm/tpm/instance';
import { addEntropy, measureLaunch, powerOff, powerOn } from '../../vtpm/tpm/platform';
import { STATE_MAX, restoreState, saveState } from '../../vtpm/tpm/state';

// ---------------------------------------------------------------------------------------------
// Specification constants (TPM 2.0 Part 2 and Part 3), written here, not imported from the engine

const ST_NO = 0x8001;
const ST_SES = 0x8002;
const ST_RSP_COMMAND = 0x00c4;

const CC = {
  NV_UndefineSpace: 0x122, NV_DefineSpace: 0x12a, CreatePrimary: 0x131, NV_Write: 0x137, PCR_Reset: 0x13d,
  SelfTest: 0x143, Startup: 0x144, Shutdown: 0x145, StirRandom: 0x146, NV_Read: 0x14e, Create: 0x153,
  Load: 0x157, Quote: 0x158, ContextLoad: 0x161, ContextSave: 0x162, FlushContext: 0x165,
  NV_ReadPublic: 0x169, ReadPublic: 0x173, StartAuthSession: 0x176, GetCapability: 0x17a,
  GetRandom: 0x17b, GetTestResult: 0x17c, Hash: 0x17d, PCR_Read: 0x17e, PCR_Extend: 0x182,
  HashSequenceStart: 0x186, SequenceUpdate: 0x15c, SequenceComplete: 0x13e,
  DictionaryAttackLockReset: 0x139, DictionaryAttackParameters: 0x13a,
} as const;

/** Part 3 per command: handles, of which need authorisation, response handle, number of parameters. */
interface CmdSpec { name: string; h: number; auth: number; rh: boolean; np: number }
const SPEC = new Map<number, CmdSpec>();
function spec(name: keyof typeof CC, h: number, auth: number, rh: boolean, np: number): void {
  SPEC.set(CC[name], { name, h, auth, rh, np });
}
spec('NV_UndefineSpace', 2, 1, false, 0);
spec('NV_DefineSpace', 1, 1, false, 2);
spec('CreatePrimary', 1, 1, true, 4);
spec('NV_Write', 2, 1, false, 2);
spec('PCR_Reset', 1, 1, false, 0);
spec('SelfTest', 0, 0, false, 1);
spec('Startup', 0, 0, false, 1);
spec('Shutdown', 0, 0, false, 1);
spec('StirRandom', 0, 0, false, 1);
spec('NV_Read', 2, 1, false, 2);
spec('Create', 1, 1, false, 4);
spec('Load', 1, 1, true, 2);
spec('Quote', 1, 1, false, 3);
spec('ContextLoad', 0, 0, true, 1);
spec('ContextSave', 1, 0, false, 0);
spec('FlushContext', 0, 0, false, 1);
spec('NV_ReadPublic', 1, 0, false, 0);
spec('ReadPublic', 1, 0, false, 0);
spec('StartAuthSession', 2, 0, true, 5);
spec('GetCapability', 0, 0, false, 3);
spec('GetRandom', 0, 0, false, 1);
spec('GetTestResult', 0, 0, false, 0);
spec('Hash', 0, 0, false, 3);
spec('PCR_Read', 0, 0, false, 1);
spec('PCR_Extend', 1, 1, false, 1);
spec('HashSequenceStart', 0, 0, true, 2);
spec('SequenceUpdate', 1, 1, false, 1);
spec('SequenceComplete', 1, 1, false, 2);
spec('DictionaryAttackLockReset', 1, 1, false, 0);
spec('DictionaryAttackParameters', 1, 1, false, 3);
const ALL_CC: number[] = [...SPEC.keys()];

const RH_OWNER = 0x40000001;
const RH_NULL = 0x40000007;
const RS_PW = 0x40000009;
const RH_LOCKOUT = 0x4000000a;
const RH_ENDORSEMENT = 0x4000000b;
const RH_PLATFORM = 0x4000000c;
const TRANSIENT = 0x80000000;
const HMAC_FIRST = 0x02000000;

const ALG_AES = 0x0006;
const ALG_SHA256 = 0x000b;
const ALG_NULL = 0x0010;
const ALG_ECDSA = 0x0018;
const ALG_ECC = 0x0023;
const ALG_CFB = 0x0043;

const OA_FIXED_TPM = 1 << 1;
const OA_ST_CLEAR = 1 << 2;
const OA_FIXED_PARENT = 1 << 4;
const OA_SENSITIVE_DATA_ORIGIN = 1 << 5;
const OA_USER_WITH_AUTH = 1 << 6;
const OA_NO_DA = 1 << 10;
const OA_RESTRICTED = 1 << 16;
const OA_DECRYPT = 1 << 17;
const OA_SIGN = 1 << 18;

const NV_PPWRITE = 1 << 0;
const NV_OWNERWRITE = 1 << 1;
const NV_AUTHWRITE = 1 << 2;
const NV_WRITEALL = 1 << 12;
const NV_PPREAD = 1 << 16;
const NV_OWNERREAD = 1 << 17;
const NV_AUTHREAD = 1 << 18;
const NV_NO_DA = 1 << 25;
const NV_WRITTEN = 1 << 29;
const NV_PLATFORMCREATE = 1 << 30;

const SA_CONTINUE = 0x01;

const RC = {
  BAD_TAG: 0x01e, INITIALIZE: 0x100, COMMAND_SIZE: 0x142, COMMAND_CODE: 0x143, NV_RANGE: 0x146,
  NV_AUTHORIZATION: 0x149, NV_UNINITIALIZED: 0x14a, NV_SPACE: 0x14b, NV_DEFINED: 0x14c,
  OBJECT_MEMORY: 0x902, SESSION_MEMORY: 0x903, LOCALITY: 0x907, VALUE: 0x084, LOCKOUT: 0x921,
  /** format-one error numbers (session-numbered here): with / without dictionary-attack implications */
  AUTH_FAIL: 0x08e, BAD_AUTH: 0x0a2,
} as const;

/**
 * The dictionary-attack parameters this test sets at the start of the run (and restores after a
 * mutated DictionaryAttackParameters that succeeds with others): maxTries, recoveryTime,
 * lockoutRecovery. recoveryTime 0 disables DA protection: failures of DA-protected entities are
 * still TPM_RC_AUTH_FAIL but not counted, so the TPM never enters lockout. lockoutRecovery 0 does
 * not disable the lockoutAuth lock: one failed lockoutAuth authorisation locks lockoutAuth
 * (TPM_RC_LOCKOUT) until the next Startup; the model follows that (Model.lockoutEnabled).
 */
const DA_OFF: readonly [number, number, number] = [0xffffffff, 0, 0];

/** Format-zero (TPM 2.0, bit 8 set) error numbers of Part 2 table 16. */
const FMT0_ERRORS = new Set([0x00, 0x01, 0x03, 0x0b, 0x19, 0x20, 0x21, 0x24, 0x25, 0x26, 0x27, 0x28, 0x2d,
  0x2e, 0x2f, 0x30, 0x31, 0x42, 0x43, 0x44, 0x45, 0x46, 0x47, 0x48, 0x49, 0x4a, 0x4b, 0x4c, 0x50, 0x51, 0x52,
  0x53, 0x54, 0x55]);
/** Warnings (0x900 + n). */
const WARNINGS = new Set([0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a, 0x10, 0x11, 0x12, 0x13,
  0x14, 0x15, 0x16, 0x18, 0x19, 0x1a, 0x1b, 0x1c, 0x1d, 0x1e, 0x20, 0x21, 0x22, 0x23]);
/** Format-one error numbers (0x080 + n). */
const FMT1_ERRORS = new Set([0x01, 0x02, 0x03, 0x04, 0x05, 0x07, 0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e,
  0x0f, 0x10, 0x12, 0x15, 0x16, 0x17, 0x18, 0x1a, 0x1b, 0x1c, 0x1d, 0x1f, 0x20, 0x21, 0x22, 0x23, 0x24, 0x25,
  0x26, 0x27]);

/** PCRs a client locality (0..3) may extend / reset in this vTPM's profile (pcr.ts documents it). */
const PCR_CLIENT_EXTEND = (i: number): boolean => i <= 16 || i === 23;
const PCR_CLIENT_RESET = (i: number): boolean => i === 16 || i === 23;
const LAUNCH_PCR = 17;

/** The answer to any command (but Startup) before TPM2_Startup. */
const NOT_STARTED = Uint8Array.from(Buffer.from('80010000000a00000100', 'hex'));

const MAX_OBJECTS = 3;
const MAX_SESSIONS = 3;
const MAX_NV = 8;
const NV_MAX_SIZE = 1024;

// ---------------------------------------------------------------------------------------------
// Run parameters

const SEED = ((): number => {
  const s = process.env.VTPM_FUZZ_SEED;
  return s !== undefined && s !== '' ? Number(s) >>> 0 : 0x7f5a2026;
})();
const COMMANDS = ((): number => {
  const s = process.env.VTPM_FUZZ_COMMANDS;
  return s !== undefined && s !== '' ? Number(s) : 100000;
})();
const FULL_EVERY = 1000;
/**
 * P-256 scalar multiplications (about 1 ms each in Node) the fuzz commands may cost, per
 * expensive command (what a success costs, and the share of the budget), spread over the run.
 */
const ECC_COST = new Map<number, number>([[CC.CreatePrimary, 2], [CC.Create, 2], [CC.Load, 1], [CC.Quote, 1], [CC.SelfTest, 3]]);
const ECC_SHARE = new Map<number, number>([[CC.CreatePrimary, 500], [CC.Create, 600], [CC.Load, 300], [CC.Quote, 600], [CC.SelfTest, 60]]);

// ---------------------------------------------------------------------------------------------
// Helpers

/** sfc32: a small, fast, seedable generator. */
class Rng {
  private a = 0x9e3779b9;
  private b = 0x243f6a88;
  private c = 0xb7e15162;
  private d: number;
  constructor(seed: number) {
    this.d = seed >>> 0;
    for (let i = 0; i < 20; i++) this.u32();
  }
  u32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }
  /** 0 .. n-1 */
  int(n: number): number {
    return Math.floor((this.u32() / 4294967296) * n);
  }
  /** lo .. hi inclusive */
  range(lo: number, hi: number): number {
    return lo + this.int(hi - lo + 1);
  }
  chance(p: number): boolean {
    return this.u32() / 4294967296 < p;
  }
  pick<T>(a: readonly T[]): T {
    return a[this.int(a.length)];
  }
  bytes(n: number): Uint8Array {
    const out = new Uint8Array(n);
    for (let i = 0; i < n; i += 4) {
      const v = this.u32();
      out[i] = v;
      if (i + 1 < n) out[i + 1] = v >>> 8;
      if (i + 2 < n) out[i + 2] = v >>> 16;
      if (i + 3 < n) out[i + 3] = v >>> 24;
    }
    return out;
  }
  /** A weighted choice: weights[i] for item i. */
  weighted(weights: number[]): number {
    let total = 0;
    for (const w of weights) total += w;
    let x = (this.u32() / 4294967296) * total;
    for (let i = 0; i < weights.length; i++) {
      x -= weights[i];
      if (x < 0) return i;
    }
    return weights.length - 1;
  }
}

const hex = (b: Uint8Array): string => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('hex');
const cat = (...parts: Uint8Array[]): Uint8Array => new Uint8Array(Buffer.concat(parts));
const eq = (a: Uint8Array, b: Uint8Array): boolean =>
  a.length === b.length && Buffer.compare(Buffer.from(a.buffer, a.byteOffset, a.length), Buffer.from(b.buffer, b.byteOffset, b.length)) === 0;
const sha = (...parts: Uint8Array[]): Uint8Array => {
  const h = crypto.createHash('sha256');
  for (const p of parts) h.update(p);
  return new Uint8Array(h.digest());
};
const hmac = (key: Uint8Array, ...parts: Uint8Array[]): Uint8Array => {
  const h = crypto.createHmac('sha256', key);
  for (const p of parts) h.update(p);
  return new Uint8Array(h.digest());
};
const be32 = (v: number): Uint8Array => Uint8Array.of(v >>> 24, (v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff);
const be16 = (v: number): Uint8Array => Uint8Array.of((v >>> 8) & 0xff, v & 0xff);
const get32 = (a: Uint8Array, o: number): number => ((a[o] << 24) | (a[o + 1] << 16) | (a[o + 2] << 8) | a[o + 3]) >>> 0;
const get16 = (a: Uint8Array, o: number): number => (a[o] << 8) | a[o + 1];
const put32 = (a: Uint8Array | number[], o: number, v: number): void => {
  a[o] = v >>> 24; a[o + 1] = (v >>> 16) & 0xff; a[o + 2] = (v >>> 8) & 0xff; a[o + 3] = v & 0xff;
};
const put16 = (a: Uint8Array | number[], o: number, v: number): void => {
  a[o] = (v >>> 8) & 0xff; a[o + 1] = v & 0xff;
};
const trim = (a: Uint8Array): Uint8Array => {
  let n = a.length;
  while (n > 0 && a[n - 1] === 0) n--;
  return a.subarray(0, n);
};
const allZero = (a: Uint8Array, from = 0): boolean => {
  for (let i = from; i < a.length; i++) if (a[i] !== 0) return false;
  return true;
};
const popcount = (m: number): number => {
  let n = 0;
  for (let i = 0; i < 24; i++) if ((m & (1 << i)) !== 0) n++;
  return n;
};
const h8 = (v: number): string => '0x' + (v >>> 0).toString(16).padStart(8, '0');

/** KDFa(SHA-256, key, label, contextU, contextV, bits) of Part 1, for bits a multiple of 256 here. */
function kdfa(key: Uint8Array, label: string, u: Uint8Array, v: Uint8Array, bits: number): Uint8Array {
  const out: Uint8Array[] = [];
  for (let i = 1; out.length * 256 < bits; i++) {
    out.push(hmac(key, be32(i), Buffer.from(label, 'ascii'), Uint8Array.of(0), u, v, be32(bits)));
  }
  return cat(...out).subarray(0, bits / 8);
}

/** Thrown by the parsers below on malformed input. */
class Malformed extends Error {}

/** A big-endian reader over a[pos..end) that throws Malformed. */
class Rd {
  constructor(public a: Uint8Array, public pos: number, public end: number) {}
  need(n: number): void {
    if (this.end - this.pos < n) throw new Malformed('short at ' + this.pos + ' (need ' + n + ')');
  }
  u8(): number { this.need(1); return this.a[this.pos++]; }
  u16(): number { this.need(2); const v = get16(this.a, this.pos); this.pos += 2; return v; }
  u32(): number { this.need(4); const v = get32(this.a, this.pos); this.pos += 4; return v; }
  u64(): number { const hi = this.u32(); const lo = this.u32(); return hi * 0x100000000 + lo; }
  take(n: number): Uint8Array { this.need(n); const v = this.a.subarray(this.pos, this.pos + n); this.pos += n; return v; }
  b2(max: number): Uint8Array {
    const n = this.u16();
    if (n > max) throw new Malformed('TPM2B size ' + n + ' > ' + max);
    return this.take(n);
  }
  /** A TPM2B wrapping a structure: returns a reader over exactly its bytes. */
  sized(min = 1): Rd {
    const n = this.u16();
    if (n < min) throw new Malformed('sized structure of ' + n);
    this.need(n);
    const r = new Rd(this.a, this.pos, this.pos + n);
    this.pos += n;
    return r;
  }
  done(what: string): void {
    if (this.pos !== this.end) throw new Malformed(what + ': ' + (this.end - this.pos) + ' bytes left');
  }
}

// ---------------------------------------------------------------------------------------------
// Structures (Part 2), parsed independently of the engine

interface PcrSel { count: number; mask: number }
function readSel(r: Rd): PcrSel {
  const count = r.u32();
  if (count > 16) throw new Malformed('TPML_PCR_SELECTION count ' + count);
  let mask = 0;
  for (let i = 0; i < count; i++) {
    const alg = r.u16();
    const size = r.u8();
    const bits = r.take(size);
    if (alg === ALG_SHA256) for (let j = 0; j < size && j < 3; j++) mask |= bits[j] << (8 * j);
  }
  return { count, mask };
}
function selBytes(s: PcrSel): Uint8Array {
  if (s.count === 0) return be32(0);
  return cat(be32(1), be16(ALG_SHA256), Uint8Array.of(3, s.mask & 0xff, (s.mask >>> 8) & 0xff, (s.mask >>> 16) & 0xff));
}

interface EccPublic { attrs: number; policy: Uint8Array; sym: number; scheme: number; x: Uint8Array; y: Uint8Array; area: Uint8Array }
/** TPMT_PUBLIC of an ECC key in r (which ends at its end). */
function readEccPublic(r: Rd): EccPublic {
  const start = r.pos;
  const type = r.u16();
  if (type !== ALG_ECC) throw new Malformed('public type ' + type);
  r.u16(); // nameAlg
  const attrs = r.u32();
  const policy = r.b2(32);
  let sym = 0;
  const symAlg = r.u16();
  if (symAlg !== ALG_NULL) { sym = r.u16(); r.u16(); }
  let scheme = ALG_NULL;
  const sch = r.u16();
  if (sch !== ALG_NULL) { scheme = sch; r.u16(); }
  r.u16(); // curve
  const kdf = r.u16();
  if (kdf !== ALG_NULL) r.u16();
  const x = r.b2(32);
  const y = r.b2(32);
  r.done('TPMT_PUBLIC');
  return { attrs, policy, sym, scheme, x, y, area: r.a.subarray(start, r.end) };
}

interface NvPub { index: number; nameAlg: number; attrs: number; policy: Uint8Array; size: number }
function readNvPublic(r: Rd): NvPub {
  const index = r.u32();
  const nameAlg = r.u16();
  const attrs = r.u32();
  const policy = r.b2(32);
  const size = r.u16();
  r.done('TPMS_NV_PUBLIC');
  return { index, nameAlg, attrs, policy, size };
}
function nvPublicBytes(p: NvPub): Uint8Array {
  return cat(be32(p.index), be16(ALG_SHA256), be32(p.attrs), be16(p.policy.length), p.policy, be16(p.size));
}

interface Ctx { seq: number; savedHandle: number; hierarchy: number; blob: Uint8Array; bytes: Uint8Array }
function readContext(r: Rd): Ctx {
  const start = r.pos;
  const seq = r.u64();
  const savedHandle = r.u32();
  const hierarchy = r.u32();
  const blob = r.b2(0xffff);
  return { seq, savedHandle, hierarchy, blob, bytes: r.a.subarray(start, r.pos) };
}

// ---------------------------------------------------------------------------------------------
// Command builder: bytes plus where their structures are, for the mutator

class W {
  b: number[] = [];
  /** offsets where a field ends (every structure boundary) */
  bounds: number[] = [];
  /** size fields: [offset, width] */
  sizes: Array<[number, number]> = [];
  /** u32 count fields */
  counts: number[] = [];
  /** u32 handle fields (handle area, session handles, handles among the parameters) */
  handles: number[] = [];
  private mark(): void { this.bounds.push(this.b.length); }
  u8(v: number): this { this.b.push(v & 0xff); this.mark(); return this; }
  u16(v: number): this { this.b.push((v >>> 8) & 0xff, v & 0xff); this.mark(); return this; }
  u32(v: number): this {
    this.b.push((v >>> 24) & 0xff, (v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff);
    this.mark();
    return this;
  }
  handle(v: number): this { this.handles.push(this.b.length); return this.u32(v); }
  count(v: number): this { this.counts.push(this.b.length); return this.u32(v); }
  raw(a: Uint8Array): this {
    for (let i = 0; i < a.length; i++) this.b.push(a[i]);
    if (a.length > 0) this.mark();
    return this;
  }
  b2(a: Uint8Array): this { this.sizes.push([this.b.length, 2]); this.u16(a.length); return this.raw(a); }
  sized(f: (w: W) => void): this {
    const at = this.b.length;
    this.sizes.push([at, 2]);
    this.u16(0);
    f(this);
    put16(this.b, at, this.b.length - at - 2);
    return this;
  }
  sel(s: PcrSel): this {
    this.count(s.count);
    for (let i = 0; i < s.count; i++) {
      this.u16(ALG_SHA256).u8(3).u8(s.mask & 0xff).u8((s.mask >>> 8) & 0xff).u8((s.mask >>> 16) & 0xff);
    }
    return this;
  }
  append(o: W): this {
    const base = this.b.length;
    for (const x of o.b) this.b.push(x);
    for (const x of o.bounds) this.bounds.push(base + x);
    for (const [at, w] of o.sizes) this.sizes.push([base + at, w]);
    for (const x of o.counts) this.counts.push(base + x);
    for (const x of o.handles) this.handles.push(base + x);
    return this;
  }
  bytes(): Uint8Array { return Uint8Array.from(this.b); }
}

interface Tmpl { attrs: number; policy: Uint8Array; sym: number; scheme: number; x: Uint8Array; y: Uint8Array }
/** Template fields to marshal differently (unsupported algorithms, for refused variants). */
interface TmplOverride { type?: number; nameAlg?: number; curve?: number; kdf?: number; symBits?: number; symMode?: number; schemeHash?: number }
function writeTmplWith(w: W, t: Tmpl, o: TmplOverride): void {
  w.u16(o.type ?? ALG_ECC).u16(o.nameAlg ?? ALG_SHA256).u32(t.attrs >>> 0).b2(t.policy);
  if (t.sym !== 0 || o.symBits !== undefined) w.u16(ALG_AES).u16(o.symBits ?? t.sym).u16(o.symMode ?? ALG_CFB); else w.u16(ALG_NULL);
  if (t.scheme === ALG_ECDSA) w.u16(ALG_ECDSA).u16(o.schemeHash ?? ALG_SHA256); else w.u16(ALG_NULL);
  w.u16(o.curve ?? 0x0003);
  if (o.kdf !== undefined) w.u16(o.kdf).u16(ALG_SHA256); else w.u16(ALG_NULL);
  w.b2(t.x).b2(t.y);
}
function writeTmpl(w: W, t: Tmpl): void {
  w.u16(ALG_ECC).u16(ALG_SHA256).u32(t.attrs).b2(t.policy);
  if (t.sym !== 0) w.u16(ALG_AES).u16(t.sym).u16(ALG_CFB); else w.u16(ALG_NULL);
  if (t.scheme === ALG_ECDSA) w.u16(ALG_ECDSA).u16(ALG_SHA256); else w.u16(ALG_NULL);
  w.u16(0x0003).u16(ALG_NULL).b2(t.x).b2(t.y);
}

/** An authorisation for one handle: a password or an HMAC session (slot). */
type AuthSpec = { kind: 'pw'; attrs: number; pw: Uint8Array; wrong?: boolean } | { kind: 'hmac'; slot: number; attrs: number };

/** A password that is almost, but not, the authValue a (trailing zeros are not significant). */
function wrongPassword(rng: Rng, a: Uint8Array): Uint8Array {
  if (a.length === 0) return Uint8Array.of(rng.range(1, 255));
  const k = rng.int(4);
  if (k === 0) { const b = a.slice(); b[b.length - 1] ^= 1 << rng.int(8); return b; }
  if (k === 1) { const b = a.slice(); b[rng.int(b.length)] ^= 1 << rng.int(8); return b; }
  if (k === 2) return a.slice(0, a.length - 1);
  return a.length < 32 ? cat(a, Uint8Array.of(rng.range(1, 255))) : a.slice(1);
}

interface Built {
  cc: number;
  bytes: Uint8Array;
  w: W;
  /** [start, end) of each session entry in the authorisation area */
  sessSpans: Array<[number, number]>;
  authSizeAt: number;
  /** the response code a well-formed command must get, or null when this test does not predict it */
  expect: number | null;
  label: string;
}

// ---------------------------------------------------------------------------------------------
// The model: what this test expects the instance to hold

/** A loaded object: its Name; for a hash sequence (whose Name is the Empty Buffer) the running hash. */
interface MSeq { hash: crypto.Hash; head: number[]; total: number }
interface MObj { name: Uint8Array; seq: MSeq | null }
const cloneObj = (o: MObj): MObj =>
  ({ name: o.name, seq: o.seq === null ? null : { hash: o.seq.hash.copy(), head: [...o.seq.head], total: o.seq.total } });
interface MSess { nonce: Uint8Array; key: Uint8Array; bound: boolean; bindName: Uint8Array; bindAuth: Uint8Array }
interface MNv { pub: NvPub; auth: Uint8Array; data: Uint8Array }

class Model {
  pcrs = new Uint8Array(24 * 32);
  pcrCounter = 0;
  obj: Array<MObj | null> = [null, null, null];
  sess: Array<MSess | null> = [null, null, null];
  nv = new Map<number, MNv>();
  lastShutdown = -1;
  hasSaved = false;
  savedPcrs = new Uint8Array(24 * 32);
  ctxSeq = 1;
  /** saved object contexts this test has seen and that still load: identity (sequence..blob) -> the object then */
  contexts = new Map<string, { obj: MObj; stClear: boolean; hierarchy: number }>();
  /** TPM2_Startup has run since power-on */
  started = true;
  resetCount = 0;
  restartCount = 0;
  /** dictionary attack: maxTries, recoveryTime, lockoutRecovery (DA_OFF but right after a mutated DictionaryAttackParameters) */
  daParams: [number, number, number] = [DA_OFF[0], DA_OFF[1], DA_OFF[2]];
  /** lockoutAuth may be used (false from a failed lockoutAuth authorisation to the next Startup) */
  lockoutEnabled = true;
}

// ---------------------------------------------------------------------------------------------
// Instance snapshot: every field, in components

const C_DRBG = 0;
const C_PERM = 1;
const C_SHUT = 2;
const C_CTX = 3;
const C_PCR = 4;
const C_OBJ = 5; // .. 7
const C_SESS = 8; // .. 10
const C_NV = 11; // .. 18
const C_DA = 19;
const N_COMP = 20;
const COMP_NAMES = ['drbg', 'permanent', 'shutdown', 'contextSeq', 'pcrs', 'object0', 'object1', 'object2',
  'session0', 'session1', 'session2', 'nv0', 'nv1', 'nv2', 'nv3', 'nv4', 'nv5', 'nv6', 'nv7', 'dictionaryAttack'];

const nums = (...v: number[]): Buffer => {
  const b = Buffer.alloc(8 * v.length);
  v.forEach((x, i) => b.writeDoubleBE(x, 8 * i));
  return b;
};
const flag = (b: boolean): number => (b ? 1 : 0);

function objBytes(o: TpmObject): Buffer {
  const q = o.seq;
  return Buffer.concat([nums(flag(o.used), o.hierarchy, o.pubLen, o.attrs, o.symBits, o.scheme, o.authLen, flag(o.isSequence),
    o.seqHead, o.seqHeadLen, q.bufLen, q.total), o.pub, o.x, o.y, o.d, o.seed, o.auth, o.name, o.qn,
  new Uint8Array(q.h.buffer, q.h.byteOffset, q.h.byteLength), q.buf, new Uint8Array(q.w.buffer, q.w.byteOffset, q.w.byteLength)]);
}
/** The fields of a free object slot that are not cleared. */
function freeObjFields(o: TpmObject): string[] {
  const q = o.seq;
  const f: Array<[string, boolean]> = [['used', o.used], ['hierarchy', o.hierarchy !== 0], ['pub', o.pubLen !== 0 || !allZero(o.pub)],
    ['attrs', o.attrs !== 0 || o.symBits !== 0 || o.scheme !== 0], ['x/y', !allZero(o.x) || !allZero(o.y)], ['d', !allZero(o.d)],
    ['seed', !allZero(o.seed)], ['auth', o.authLen !== 0 || !allZero(o.auth)], ['name/qn', !allZero(o.name) || !allZero(o.qn)],
    ['sequence flag/head', o.isSequence || o.seqHead !== 0 || o.seqHeadLen !== 0], ['seq.bufLen/total', q.bufLen !== 0 || q.total !== 0],
    ['seq.buf (message bytes)', !allZero(q.buf)], ['seq.w (message schedule)', !allZero(new Uint8Array(q.w.buffer, q.w.byteOffset, q.w.byteLength))]];
  return f.filter(([, bad]) => bad).map(([n]) => n);
}
/** A free object slot: every field zero, the hash state the initial one and no message bytes left. */
function freeObjBytes(o: TpmObject): Buffer {
  const q = o.seq;
  return Buffer.concat([nums(flag(o.used), o.hierarchy, o.pubLen, o.attrs, o.symBits, o.scheme, o.authLen, flag(o.isSequence),
    o.seqHead, o.seqHeadLen, q.bufLen, q.total), o.pub, o.x, o.y, o.d, o.seed, o.auth, o.name, o.qn, q.buf,
  new Uint8Array(q.w.buffer, q.w.byteOffset, q.w.byteLength)]);
}
function sessBytes(s: Session): Buffer {
  return Buffer.concat([nums(flag(s.used), s.keyLen, flag(s.bound), s.bindNameLen, s.bindAuthLen), s.nonceTpm, s.sessionKey,
    s.bindName, s.bindAuth]);
}
function nvBytes(n: NvIndex): Buffer {
  return Buffer.concat([nums(flag(n.used), n.index, n.attrs, n.policyLen, n.authLen, n.size), n.policy, n.auth, n.data]);
}
function snapshot(t: TpmInstance): Buffer[] {
  const s: Buffer[] = new Array(N_COMP);
  s[C_DRBG] = Buffer.concat([t.drbg.key, t.drbg.v, nums(t.drbg.reseedCounter)]);
  s[C_PERM] = Buffer.concat([nums(t.id, flag(t.manufactured), flag(t.powered), flag(t.started), flag(t.failed), flag(t.seeded),
    t.resetCount, t.restartCount, t.clockMs, t.launchCount), t.seeds, t.proofs, t.hierAuth,
  new Uint8Array(t.hierAuthLen.buffer, t.hierAuthLen.byteOffset, t.hierAuthLen.byteLength), t.launchLog]);
  s[C_SHUT] = Buffer.concat([nums(t.lastShutdown, flag(t.hasSavedPcrs)), t.savedPcrs]);
  s[C_CTX] = nums(t.contextSeq);
  s[C_PCR] = Buffer.concat([nums(t.pcrUpdateCounter), t.pcrs]);
  for (let i = 0; i < MAX_OBJECTS; i++) s[C_OBJ + i] = objBytes(t.objects[i]);
  for (let i = 0; i < MAX_SESSIONS; i++) s[C_SESS + i] = sessBytes(t.sessions[i]);
  for (let i = 0; i < MAX_NV; i++) s[C_NV + i] = nvBytes(t.nv[i]);
  s[C_DA] = nums(t.failedTries, t.maxTries, t.recoveryTime, t.lockoutRecovery, t.selfHealMs, flag(t.lockoutAuthEnabled), t.lockoutFailedMs);
  return s;
}

/**
 * Components a successful command may change (besides DRBG and sessions for HMAC sessions). A
 * refused command may change only C_DA, and only when it is answered TPM_RC_AUTH_FAIL.
 */
function mayChange(cc: number): number[] {
  const objs = [C_OBJ, C_OBJ + 1, C_OBJ + 2];
  const sess = [C_SESS, C_SESS + 1, C_SESS + 2];
  const nv = [0, 1, 2, 3, 4, 5, 6, 7].map((i) => C_NV + i);
  switch (cc) {
    case CC.Shutdown: return [C_SHUT];
    case CC.Startup: return [C_DRBG, C_PERM, C_SHUT, C_PCR, ...objs, ...sess, C_DA];
    case CC.GetRandom: case CC.StirRandom: case CC.Create: case CC.Quote: return [C_DRBG];
    case CC.PCR_Extend: return [C_PCR, C_SHUT];
    case CC.PCR_Reset: return [C_PCR];
    case CC.CreatePrimary: case CC.Load: case CC.ContextLoad: return objs;
    case CC.ContextSave: return [C_CTX];
    case CC.FlushContext: return [...objs, ...sess];
    case CC.StartAuthSession: return [C_DRBG, ...sess];
    case CC.NV_DefineSpace: case CC.NV_UndefineSpace: case CC.NV_Write: return nv;
    case CC.HashSequenceStart: case CC.SequenceUpdate: case CC.SequenceComplete: return objs;
    case CC.DictionaryAttackLockReset: case CC.DictionaryAttackParameters: return [C_DA];
    default: return [];
  }
}

// ---------------------------------------------------------------------------------------------
// Command parsing (independent of the engine)

interface SessIn { handle: number; nonce: Uint8Array; attrs: number; hmac: Uint8Array; hmacAt: number }
interface PCmd {
  /** 'ok', or which header check fails: 'size' (length or size field), 'tag', 'cc' */
  hdr: 'ok' | 'size' | 'tag' | 'cc';
  /** header, handles and authorisation area well formed */
  ok: boolean;
  why: string;
  tag: number;
  cc: number;
  spec: CmdSpec | undefined;
  handles: number[];
  sessions: SessIn[];
  pStart: number;
  pEnd: number;
}

function parseCmd(cmd: Uint8Array, len: number): PCmd {
  const p: PCmd = { hdr: 'size', ok: false, why: '', tag: 0, cc: 0, spec: undefined, handles: [], sessions: [], pStart: 0, pEnd: len };
  if (len < 10 || len > 4096 || len > cmd.length) return p;
  p.tag = get16(cmd, 0);
  if (p.tag !== ST_NO && p.tag !== ST_SES) { p.hdr = 'tag'; return p; }
  if (get32(cmd, 2) !== len) { p.hdr = 'size'; return p; }
  p.cc = get32(cmd, 6);
  p.spec = SPEC.get(p.cc);
  if (p.spec === undefined) { p.hdr = 'cc'; return p; }
  p.hdr = 'ok';
  const r = new Rd(cmd, 10, len);
  try {
    for (let i = 0; i < p.spec.h; i++) p.handles.push(r.u32());
    if (p.tag === ST_SES) {
      const authSize = r.u32();
      r.need(authSize);
      const a = new Rd(cmd, r.pos, r.pos + authSize);
      r.pos += authSize;
      while (a.pos < a.end) {
        if (p.sessions.length === 3) throw new Malformed('more than 3 sessions');
        const handle = a.u32();
        const nonce = a.b2(32);
        const attrs = a.u8();
        const hmacAt = a.pos;
        const mac = a.b2(32);
        p.sessions.push({ handle, nonce, attrs, hmac: mac, hmacAt });
      }
      if (p.sessions.length === 0) throw new Malformed('empty authorisation area');
    }
    p.pStart = r.pos;
    p.ok = true;
  } catch (e) {
    if (!(e instanceof Malformed)) throw e;
    p.why = e.message;
  }
  return p;
}

/** The parameters of command cc in cmd[pStart..pEnd), parsed per Part 3; throws Malformed. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- per-command fields, checked where used
type Fields = Record<string, any>;
function parseParams(cc: number, cmd: Uint8Array, pStart: number, pEnd: number): Fields {
  const r = new Rd(cmd, pStart, pEnd);
  const f: Fields = {};
  switch (cc) {
    case CC.Startup: case CC.Shutdown: f.su = r.u16(); break;
    case CC.SelfTest: f.full = r.u8(); break;
    case CC.GetTestResult: case CC.PCR_Reset: case CC.ReadPublic: case CC.ContextSave:
    case CC.NV_ReadPublic: case CC.NV_UndefineSpace: case CC.DictionaryAttackLockReset: break;
    case CC.DictionaryAttackParameters: f.maxTries = r.u32(); f.recoveryTime = r.u32(); f.lockoutRecovery = r.u32(); break;
    case CC.GetCapability: f.cap = r.u32(); f.property = r.u32(); f.count = r.u32(); break;
    case CC.GetRandom: f.n = r.u16(); break;
    case CC.StirRandom: f.data = r.b2(128); break;
    case CC.Hash: f.data = r.b2(1024); f.alg = r.u16(); f.hier = r.u32(); break;
    case CC.PCR_Extend: {
      const count = r.u32();
      if (count > 16) throw new Malformed('TPML_DIGEST_VALUES count ' + count);
      f.digests = [];
      for (let i = 0; i < count; i++) {
        const alg = r.u16();
        if (alg !== ALG_SHA256) throw new Malformed('digest of unknown size, alg ' + alg);
        f.digests.push(r.take(32));
      }
      break;
    }
    case CC.PCR_Read: f.sel = readSel(r); break;
    case CC.CreatePrimary: case CC.Create: {
      const s = r.sized(4);
      f.userAuth = s.b2(32);
      f.data = s.b2(128);
      s.done('TPMS_SENSITIVE_CREATE');
      f.pub = readEccPublic(r.sized());
      f.outside = r.b2(34);
      f.sel = readSel(r);
      break;
    }
    case CC.Load: f.priv = r.b2(0xffff); f.pub = readEccPublic(r.sized()); break;
    case CC.ContextLoad: f.ctx = readContext(r); break;
    case CC.FlushContext: f.handle = r.u32(); break;
    case CC.StartAuthSession: {
      f.nonce = r.b2(32);
      f.salt = r.b2(0xffff);
      f.type = r.u8();
      f.sym = r.u16();
      if (f.sym !== ALG_NULL) { r.u16(); r.u16(); }
      f.hash = r.u16();
      break;
    }
    case CC.Quote: {
      f.qual = r.b2(34);
      f.scheme = r.u16();
      if (f.scheme !== ALG_NULL) r.u16();
      f.sel = readSel(r);
      break;
    }
    case CC.NV_DefineSpace: f.auth = r.b2(32); f.pub = readNvPublic(r.sized()); break;
    case CC.NV_Write: f.data = r.b2(1024); f.offset = r.u16(); break;
    case CC.NV_Read: f.size = r.u16(); f.offset = r.u16(); break;
    case CC.HashSequenceStart: f.auth = r.b2(32); f.alg = r.u16(); break;
    case CC.SequenceUpdate: f.data = r.b2(1024); break;
    case CC.SequenceComplete: f.data = r.b2(1024); f.hier = r.u32(); break;
    default: throw new Malformed('unknown command code');
  }
  r.done('parameters');
  return f;
}

// ---------------------------------------------------------------------------------------------
// The fuzzer

type Source = 'random' | 'mutated' | 'valid' | 'probe';

interface Created { parentName: Uint8Array; priv: Uint8Array; pub: Uint8Array }
/** A saved context: its bytes, and whether it must still load (stClear ones die at a Reset or Restart, null-hierarchy ones at a Reset). */
interface Saved { ctx: Uint8Array; name: Uint8Array; stClear: boolean; hierarchy: number; alive: boolean }

class Fuzzer {
  readonly tpm = new TpmInstance(7);
  readonly rng: Rng;
  readonly model = new Model();
  readonly rsp = new Uint8Array(4096);
  private snap: Buffer[] = [];
  private readonly history: string[] = [];
  private baseline: Uint8Array = new Uint8Array(0);
  private probeCmd: Uint8Array = new Uint8Array(0);
  private readonly image0 = new Uint8Array(STATE_MAX);
  private readonly image1 = new Uint8Array(STATE_MAX);
  readonly clone = new TpmInstance(7);
  /** launch measurement digest and the value PCR 17 must hold */
  private launch: Uint8Array = new Uint8Array(32);
  private pcr17: Uint8Array = new Uint8Array(32);
  private probeName: Uint8Array = new Uint8Array(0);
  private probePublic: Uint8Array = new Uint8Array(0);
  private probeCtx: Uint8Array = new Uint8Array(0);
  private probeTmplBytes: Uint8Array = new Uint8Array(0);
  /** the platform, owner and endorsement seeds and proofs: nothing a command does changes them */
  private seeds0: Uint8Array = new Uint8Array(0);
  private proofs0: Uint8Array = new Uint8Array(0);
  private readonly created: Created[] = [];
  private readonly saved: Saved[] = [];

  // statistics
  fuzzSent = 0;
  probesSent = 0;
  readonly bySource = new Map<Source, number>();
  readonly okBySource = new Map<Source, number>();
  readonly byCc = new Map<number, number>();
  readonly okByCc = new Map<number, number>();
  readonly rcCount = new Map<number, number>();
  eccSpent = 0;
  readonly eccByCc = new Map<number, number>();
  eccProbe = 0;
  imagesCompared = 0;
  fullChecks = 0;
  remacs = 0;
  systematic = 0;
  readonly notes = new Map<string, number>();
  note(what: string): void { this.notes.set(what, (this.notes.get(what) ?? 0) + 1); }
  powerCycles = 0;
  current: { src: Source; label: string; index: number } = { src: 'probe', label: '', index: 0 };

  constructor(seed: number) {
    this.rng = new Rng(seed);
  }

  // ---- reporting ----

  fail(msg: string, cmd?: Uint8Array, len?: number, loc?: number, n?: number): never {
    const lines = [
      `vTPM fuzz failure: ${msg}`,
      `  seed ${h8(SEED)} (rerun: VTPM_FUZZ_SEED=${h8(SEED)}), fuzz command #${this.current.index}, source ${this.current.src}, ${this.current.label}`,
    ];
    if (cmd !== undefined && len !== undefined) {
      lines.push(`  locality ${loc}, len ${len}, buffer ${cmd.length}`);
      lines.push(`  command  ${hex(cmd.subarray(0, Math.min(len, cmd.length)))}`);
    }
    if (n !== undefined && n >= 0 && n <= 4096) lines.push(`  response ${hex(this.rsp.subarray(0, n))}`);
    lines.push('  commands before it (newest last):');
    for (const h of this.history.slice(-12)) lines.push('    ' + h);
    throw new Error(lines.join('\n'));
  }

  // ---- setup ----

  setup(): void {
    const t = this.tpm;
    powerOn(t);
    const entropy = this.rng.bytes(48);
    expect(addEntropy(t, entropy, 0, 48)).to.equal(true);
    this.launch = this.rng.bytes(32);
    expect(measureLaunch(t, this.launch, 0)).to.equal(0);
    this.pcr17 = sha(new Uint8Array(32), this.launch);
    const su = new W().u16(ST_NO).u32(12).u32(CC.Startup).u16(0).bytes();
    const n = execute(t, 0, su, su.length, this.rsp);
    expect(hex(this.rsp.subarray(0, n))).to.equal('80010000000a00000000');
    // DA protection off for the run (DA_OFF): failures are not counted, the TPM never locks out
    const da = this.daParamsCmd().bytes;
    const dn = execute(t, 0, da, da.length, this.rsp);
    expect(hex(this.rsp.subarray(0, dn))).to.equal('800200000013' + '00000000' + '00000000' + '0000' + '00' + '0000');
    expect([t.failedTries, t.maxTries, t.recoveryTime, t.lockoutRecovery]).to.deep.equal([0, ...DA_OFF]);
    // the model of a fresh instance after Startup(CLEAR)
    this.model.pcrs.set(this.pcr17, LAUNCH_PCR * 32);
    this.model.ctxSeq = t.contextSeq;
    this.model.resetCount = t.resetCount;
    this.model.restartCount = t.restartCount;
    this.seeds0 = t.seeds.slice(0, 3 * 32);
    this.proofs0 = t.proofs.slice(0, 3 * 32);
    this.snap = snapshot(t);
    this.checkModel(new Set(Array.from({ length: N_COMP }, (_, i) => i)));
    // every command the engine implements is one this test knows (else its successes cannot be checked)
    const gc = new W().u16(ST_NO).u32(22).u32(CC.GetCapability).u32(2).u32(0).u32(64).bytes();
    const gn = execute(t, 0, gc, gc.length, this.rsp);
    const implemented: number[] = [];
    for (let i = 0; i < get32(this.rsp, 15); i++) implemented.push(get32(this.rsp, 19 + 4 * i) & 0xffff);
    const unknown = implemented.filter((cc) => !SPEC.has(cc));
    const missing = ALL_CC.filter((cc) => !implemented.includes(cc));
    if (gn < 19 || unknown.length > 0 || missing.length > 0) {
      this.fail(`the engine implements ${unknown.map(h8).join(', ') || 'no unknown command'} that this fuzz test does not know ` +
        `(add it to SPEC, parseParams, build and responseAndModel), and not ${missing.map(h8).join(', ') || 'all it knows'}`);
    }
    // the probe and its baseline answer
    this.probeCmd = new W().u16(ST_NO).u32(22).u32(CC.GetCapability).u32(6).u32(0x100).u32(8).bytes();
    const pn = execute(t, 0, this.probeCmd, this.probeCmd.length, this.rsp);
    this.baseline = this.rsp.slice(0, pn);
    expect(get32(this.baseline, 6)).to.equal(0);
    // the probe key: an endorsement primary, restricted ECDSA signing, saved for reloading
    const tmpl: Tmpl = {
      attrs: OA_FIXED_TPM | OA_FIXED_PARENT | OA_SENSITIVE_DATA_ORIGIN | OA_USER_WITH_AUTH | OA_RESTRICTED | OA_SIGN,
      policy: new Uint8Array(0), sym: 0, scheme: ALG_ECDSA, x: new Uint8Array(0), y: new Uint8Array(0),
    };
    const tw = new W();
    writeTmpl(tw, tmpl);
    this.probeTmplBytes = tw.bytes();
    const cp = this.createPrimaryCmd(RH_ENDORSEMENT, tmpl, new Uint8Array(0), new Uint8Array(0), { count: 0, mask: 0 },
      [{ kind: 'pw', attrs: 0, pw: new Uint8Array(0) }], 0);
    const r = this.send('probe', cp.bytes, cp.bytes.length, 0, cp);
    const slot = get32(r, 10) - TRANSIENT;
    this.probeName = this.tpm.objects[slot].name.slice();
    this.probePublic = this.tpm.objects[slot].pub.slice(0, this.tpm.objects[slot].pubLen);
    const cs = this.assemble(CC.ContextSave, [TRANSIENT + slot], null, new W(), 0, 'probe ContextSave');
    const rr = this.send('probe', cs.bytes, cs.bytes.length, 0, cs);
    this.probeCtx = rr.slice(10);
    this.eccProbe += 2;
  }

  // ---- sending and checking ----

  /** DictionaryAttackParameters(TPM_RH_LOCKOUT, DA_OFF) with an empty password. */
  daParamsCmd(): Built {
    const p = new W().u32(DA_OFF[0]).u32(DA_OFF[1]).u32(DA_OFF[2]);
    return this.assemble(CC.DictionaryAttackParameters, [RH_LOCKOUT], [{ kind: 'pw', attrs: 0, pw: new Uint8Array(0) }], p, 0,
      'DictionaryAttackParameters(DA_OFF)');
  }

  /** DA-protected entity (Part 1; cmd-da.ts): a failed authorisation of it is TPM_RC_AUTH_FAIL, else TPM_RC_BAD_AUTH. */
  daProtected(h: number): boolean {
    const t = h >>> 24;
    if (t === 0x80) {
      const s = h - TRANSIENT;
      const o = s >= 0 && s < MAX_OBJECTS ? this.model.obj[s] : null;
      return o !== null && o.seq === null && (this.tpm.objects[s].attrs & OA_NO_DA) === 0;
    }
    if (t === 0x01) {
      const nv = this.model.nv.get(h);
      return nv !== undefined && (nv.pub.attrs & NV_NO_DA) === 0;
    }
    return false;
  }

  /**
   * A refusal with dictionary-attack meaning, against the model: TPM_RC_AUTH_FAIL only for a
   * DA-protected entity or the lockout hierarchy (a failed lockoutAuth locks lockoutAuth in the
   * model), TPM_RC_BAD_AUTH only for an exempt one, neither for a correct password, and
   * TPM_RC_LOCKOUT only for lockoutAuth while it is locked (with DA_OFF the TPM is never in
   * lockout). Returns '' or what is wrong; adds C_DA to allowed when the refusal may change it.
   */
  checkDaRefusal(rc: number, pc: PCmd, allowed: Set<number>): string {
    const m = this.model;
    const s = pc.spec;
    if (rc === RC.LOCKOUT) {
      if (s === undefined || !pc.ok) return 'TPM_RC_LOCKOUT for a command whose authorisations this test cannot parse';
      const n = Math.min(s.auth, pc.sessions.length, pc.handles.length);
      if (!pc.handles.slice(0, n).includes(RH_LOCKOUT)) return 'TPM_RC_LOCKOUT without a lockoutAuth authorisation (DA protection is off)';
      if (m.lockoutEnabled) return 'TPM_RC_LOCKOUT while lockoutAuth is not locked';
      this.note('TPM_RC_LOCKOUT (lockoutAuth locked)');
      return '';
    }
    if ((rc & 0x80) === 0 || (rc & 0x40) !== 0 || (rc & 0x800) === 0) return '';
    const e = rc & 0xbf;
    if (e !== RC.AUTH_FAIL && e !== RC.BAD_AUTH) return '';
    const k = ((rc >>> 8) & 7) - 1;
    if (s === undefined || !pc.ok || k < 0 || k >= Math.min(s.auth, pc.sessions.length, pc.handles.length)) {
      return `${h8(rc)} for session ${k + 1}, which authorises no handle`;
    }
    const h = pc.handles[k];
    const si = pc.sessions[k];
    const auth = this.entityAuth(h);
    if (si.handle === RS_PW && auth !== null && eq(trim(si.hmac), auth)) return `${h8(rc)} for the right password of ${h8(h)}`;
    const prot = h === RH_LOCKOUT || this.daProtected(h);
    if (e === RC.AUTH_FAIL) {
      if (!prot) return `TPM_RC_AUTH_FAIL for ${h8(h)}, which is not DA-protected`;
      if (h === RH_LOCKOUT) {
        if (!m.lockoutEnabled) return 'TPM_RC_AUTH_FAIL for lockoutAuth while it is locked (TPM_RC_LOCKOUT expected)';
        m.lockoutEnabled = false;
        this.note('lockoutAuth locked by a failure');
      } else {
        this.note('TPM_RC_AUTH_FAIL (DA-protected)');
      }
      allowed.add(C_DA);
    } else {
      if (prot) return `TPM_RC_BAD_AUTH for ${h8(h)}, which is DA-protected`;
      this.note('TPM_RC_BAD_AUTH (exempt)');
    }
    return '';
  }

  /**
   * Execute one command and check everything; returns the response. Probe commands (the harness's
   * own) go through the same checks but are not counted as fuzz commands.
   */
  send(src: Source, cmd: Uint8Array, len: number, loc: number, built?: Built): Uint8Array {
    const t = this.tpm;
    if (src === 'probe') this.probesSent++;
    else {
      this.fuzzSent++;
      this.bySource.set(src, (this.bySource.get(src) ?? 0) + 1);
    }
    const shown = hex(cmd.subarray(0, Math.min(len, cmd.length, 96)));
    this.history.push(`[${src}${built !== undefined ? ' ' + built.label : ''}] loc ${loc} len ${len}: ${shown}${len > 96 ? '…' : ''}`);
    if (this.history.length > 16) this.history.shift();

    const pc = parseCmd(cmd, len);
    if (pc.hdr === 'ok') this.byCc.set(pc.cc, (this.byCc.get(pc.cc) ?? 0) + 1);
    // what HMAC verification needs from before the command
    const pre = pc.ok && pc.sessions.length > 0 ? this.preAuth(pc) : null;
    const before = this.snap;
    const modelCtxSeq = this.model.ctxSeq;
    const sampleImage = this.rng.int(20) === 0;
    let img0Len = 0;
    if (sampleImage) img0Len = saveState(t, this.image0);

    let n = -1;
    try {
      n = execute(t, loc, cmd, len, this.rsp);
    } catch (e) {
      this.fail('execute threw: ' + (e instanceof Error ? e.stack ?? e.message : String(e)), cmd, len, loc);
    }
    const rsp = this.rsp;
    if (!Number.isInteger(n) || n < 10 || n > 4096) this.fail(`response length ${n}`, cmd, len, loc);
    const rtag = get16(rsp, 0);
    const rsize = get32(rsp, 2);
    const rc = get32(rsp, 6);
    if (built !== undefined && src === 'valid' && built.label === 'ContextLoad of a dead context') this.note('dead contexts refused');
    // TPM_ST_RSP_COMMAND (0x00C4) is the tag of a TPM_RC_BAD_TAG response (Part 2, TPM_ST)
    const rspCommandTag = rtag === ST_RSP_COMMAND && rc === RC.BAD_TAG;
    if (rtag !== ST_NO && rtag !== ST_SES && !rspCommandTag) this.fail(`response tag ${rtag.toString(16)}`, cmd, len, loc, n);
    if (rsize !== n) this.fail(`response size field ${rsize} != length ${n}`, cmd, len, loc, n);
    this.rcCount.set(rc, (this.rcCount.get(rc) ?? 0) + 1);
    if (built !== undefined && built.expect !== null && (built.expect === -1 ? rc === 0 : rc !== built.expect)) {
      this.fail(`well-formed ${built.label}: response code ${h8(rc)}, expected ${built.expect === -1 ? 'a refusal' : h8(built.expect)}`, cmd, len, loc, n);
    }

    let allowed = new Set<number>();
    if (rc !== 0) {
      if (n !== 10 || (rtag !== ST_NO && !rspCommandTag)) this.fail(`error response ${h8(rc)} is ${n} bytes with tag ${rtag.toString(16)}`, cmd, len, loc, n);
      const why = this.implausible(rc, pc, loc);
      if (why !== '') this.fail(`response code ${h8(rc)}: ${why}`, cmd, len, loc, n);
      const daWhy = this.checkDaRefusal(rc, pc, allowed);
      if (daWhy !== '') this.fail(`response code ${h8(rc)}: ${daWhy}`, cmd, len, loc, n);
    } else {
      if (src !== 'probe') this.okBySource.set(src, (this.okBySource.get(src) ?? 0) + 1);
      this.okByCc.set(pc.cc, (this.okByCc.get(pc.cc) ?? 0) + 1);
      try {
        allowed = this.checkSuccess(pc, cmd, len, loc, rsp.subarray(0, n), pre, modelCtxSeq);
      } catch (e) {
        if (e instanceof Malformed) this.fail('successful command: ' + e.message, cmd, len, loc, n);
        throw e;
      }
      const cost = pc.cc === CC.SelfTest && cmd[len - 1] !== 1 ? 0 : ECC_COST.get(pc.cc) ?? 0;
      if (src === 'probe') this.eccProbe += cost;
      else {
        this.eccSpent += cost;
        this.eccByCc.set(pc.cc, (this.eccByCc.get(pc.cc) ?? 0) + cost);
      }
    }

    // state: what changed, against what may change, and the model
    const after = snapshot(t);
    const changed = new Set<number>();
    for (let i = 0; i < N_COMP; i++) if (!before[i].equals(after[i])) changed.add(i);
    for (const i of changed) {
      if (!allowed.has(i)) {
        this.fail(`${rc === 0 ? 'successful ' + (pc.spec?.name ?? '?') : 'refused (' + h8(rc) + ')'} command changed ${COMP_NAMES[i]}`,
          cmd, len, loc, n);
      }
    }
    this.snap = after;
    // a counted failure (C_DA) is the one change a refused command makes, and the image holds it
    if (sampleImage && rc !== 0 && !changed.has(C_DA)) {
      const img1Len = saveState(t, this.image1);
      this.imagesCompared++;
      if (img1Len !== img0Len || !eq(this.image0.subarray(0, img0Len), this.image1.subarray(0, img1Len))) {
        this.fail(`refused command (${h8(rc)}) changed the saveState image`, cmd, len, loc, n);
      }
    }
    // after a success, the components it may change are checked against the model even if they did not change
    const why = this.checkModel(rc === 0 ? new Set([...changed, ...allowed]) : changed);
    if (why !== '') this.fail(why, cmd, len, loc, n);

    // the probe
    const out = rsp.slice(0, n);
    const pn = execute(t, 0, this.probeCmd, this.probeCmd.length, rsp);
    const want = this.model.started ? this.baseline : NOT_STARTED;
    if (pn !== want.length || !eq(rsp.subarray(0, pn), want)) {
      this.fail(`probe GetCapability answers ${hex(rsp.subarray(0, pn))}, expected ${hex(want)}`, cmd, len, loc);
    }
    // a (mutated) DictionaryAttackParameters set other values: DA_OFF again at once
    const dp = this.model.daParams;
    if (dp[0] !== DA_OFF[0] || dp[1] !== DA_OFF[1] || dp[2] !== DA_OFF[2]) {
      this.note('DA parameters restored');
      const da = this.daParamsCmd();
      this.send('probe', da.bytes, da.bytes.length, 0, da);
    }
    return out;
  }

  /** '' if rc is a response code this command can get, else why not. */
  implausible(rc: number, pc: PCmd, loc: number): string {
    if (rc > 0xfff) return 'bits above 11 set';
    if (rc === RC.BAD_TAG) {
      return pc.hdr === 'tag' || pc.hdr === 'size' ? '' : 'TPM_RC_BAD_TAG for a good tag';
    }
    if ((rc & 0x80) === 0) {
      if ((rc & 0x100) === 0 || (rc & 0x600) !== 0) return 'not a TPM 2.0 format-zero code';
      const e = rc & 0x7f;
      if ((rc & 0x800) !== 0 ? !WARNINGS.has(e) : !FMT0_ERRORS.has(e)) return 'undefined format-zero code';
    } else if (!FMT1_ERRORS.has(rc & 0x3f)) {
      return 'undefined format-one code';
    }
    if (pc.hdr === 'size' || pc.hdr === 'tag') {
      return rc === RC.COMMAND_SIZE ? '' : `a bad header (${pc.hdr}) gets ${h8(rc)}`;
    }
    if (pc.hdr === 'cc') return rc === RC.COMMAND_CODE ? '' : 'an unimplemented command code gets ' + h8(rc);
    if (rc === RC.COMMAND_SIZE || rc === RC.COMMAND_CODE) return 'header code for a good header';
    const s = pc.spec as CmdSpec;
    if (this.model.started) {
      if (pc.cc === CC.Startup) return rc === RC.INITIALIZE ? '' : 'Startup of a started TPM must get TPM_RC_INITIALIZE';
    } else if (pc.cc !== CC.Startup) {
      return rc === RC.INITIALIZE ? '' : 'a command before Startup must get TPM_RC_INITIALIZE';
    }
    if (loc < 0 || loc > 3) return rc === RC.LOCALITY ? '' : `locality ${loc} must get TPM_RC_LOCALITY`;
    if (rc === RC.INITIALIZE) return 'TPM_RC_INITIALIZE on a started TPM';
    // TPM_RC_REFERENCE_Hn / _Sn: handle n / session n names a transient object or session that is not loaded
    if (rc >= 0x910 && rc <= 0x916) {
      const k = rc - 0x910;
      if (k >= s.h) return `TPM_RC_REFERENCE_H${k} for a command with ${s.h} handles`;
      if (pc.handles.length > k && this.loaded(pc.handles[k]) !== false) return `TPM_RC_REFERENCE_H${k} for handle ${h8(pc.handles[k])}, which is no unloaded object or session`;
    }
    if (rc >= 0x918 && rc <= 0x91e) {
      const k = rc - 0x918;
      if (k >= (pc.ok ? pc.sessions.length : 3)) return `TPM_RC_REFERENCE_S${k} for a command with ${pc.ok ? pc.sessions.length : '?'} sessions`;
      if (pc.ok && this.loaded(pc.sessions[k].handle) !== false) return `TPM_RC_REFERENCE_S${k} for session ${h8(pc.sessions[k].handle)}, which is no unloaded session`;
    }
    if ((rc & 0x80) !== 0) {
      const num = (rc >>> 8) & 0xf;
      if ((rc & 0x40) !== 0) {
        if (num === 0 || num > s.np) return `parameter ${num} of a command with ${s.np}`;
      } else if ((num & 8) !== 0) {
        const max = pc.ok ? pc.sessions.length : 3;
        if (num - 8 === 0 || num - 8 > max) return `session ${num - 8} of a command with ${max}`;
      } else if (num > s.h) {
        return `handle ${num} of a command with ${s.h}`;
      }
    }
    return '';
  }

  /** For a transient object or session handle, whether the model has it loaded; null for other handles. */
  loaded(h: number): boolean | null {
    const t = h >>> 24;
    if (t === 0x80) return h - TRANSIENT < MAX_OBJECTS && this.model.obj[h - TRANSIENT] !== null;
    if (t === 0x02) return h - HMAC_FIRST < MAX_SESSIONS && this.model.sess[h - HMAC_FIRST] !== null;
    if (t === 0x03) return false;
    return null;
  }

  /** Names and authValues, before the command, of the handles its sessions authorise. */
  preAuth(pc: PCmd): Array<{ name: Uint8Array; auth: Uint8Array | null; sess: MSess | null }> {
    const out: Array<{ name: Uint8Array; auth: Uint8Array | null; sess: MSess | null }> = [];
    for (let i = 0; i < pc.sessions.length; i++) {
      const h = i < pc.handles.length ? pc.handles[i] : 0;
      const sh = pc.sessions[i].handle;
      const slot = sh - HMAC_FIRST;
      const sess = slot >= 0 && slot < MAX_SESSIONS ? this.model.sess[slot] : null;
      out.push({ name: this.entityName(h) ?? be32(h), auth: this.entityAuth(h), sess });
    }
    return out;
  }

  /** The Name of entity h from the model, or null if it names nothing there. */
  entityName(h: number): Uint8Array | null {
    const t = h >>> 24;
    if (t === 0x80) {
      const s = h - TRANSIENT;
      const o = s >= 0 && s < MAX_OBJECTS ? this.model.obj[s] : null;
      // a sequence object's Name is the Empty Buffer (Part 1, "Hash, HMAC, and Event Sequences")
      return o === null ? null : o.seq !== null ? new Uint8Array(0) : o.name;
    }
    if (t === 0x01) {
      const nv = this.model.nv.get(h);
      return nv === undefined ? null : cat(be16(ALG_SHA256), sha(nvPublicBytes(nv.pub)));
    }
    return be32(h);
  }

  /** The USER authValue of entity h (trailing zeros removed), or null when there is none. */
  entityAuth(h: number): Uint8Array | null {
    const t = h >>> 24;
    if (t === 0x80) {
      const s = h - TRANSIENT;
      if (s < 0 || s >= MAX_OBJECTS || this.model.obj[s] === null) return null;
      const o = this.tpm.objects[s];
      // a sequence is authorised with the authValue given at its start
      return (o.attrs & OA_USER_WITH_AUTH) !== 0 || (this.model.obj[s] as MObj).seq !== null ? trim(o.auth.slice(0, o.authLen)) : null;
    }
    if (t === 0x01) {
      const nv = this.model.nv.get(h);
      return nv === undefined ? null : nv.auth;
    }
    if (t === 0x00) return h < 24 ? new Uint8Array(0) : null;
    if (h === RH_OWNER || h === RH_ENDORSEMENT || h === RH_PLATFORM || h === RH_LOCKOUT || h === RH_NULL) return new Uint8Array(0);
    return null;
  }

  /** The authValue of entity h regardless of role (an object's even without userWithAuth), or null. */
  entityAuthValue(h: number): Uint8Array | null {
    if ((h >>> 24) === 0x80) {
      const s = h - TRANSIENT;
      if (s < 0 || s >= MAX_OBJECTS || this.model.obj[s] === null) return null;
      const o = this.tpm.objects[s];
      return trim(o.auth.slice(0, o.authLen));
    }
    return this.entityAuth(h);
  }

  /** The session key || authValue for an HMAC over entity (name, auth) with session s. */
  static hmacKey(s: MSess, name: Uint8Array, auth: Uint8Array): Uint8Array {
    const bound = s.bound && eq(s.bindName, name) && eq(s.bindAuth, auth);
    return bound ? s.key : cat(s.key, auth);
  }

  cpHash(cc: number, names: Uint8Array[], params: Uint8Array): Uint8Array {
    return sha(be32(cc), ...names, params);
  }

  /**
   * A successful command: check it was well formed and authorised, check its response, update the
   * model. Returns the snapshot components it may have changed.
   */
  checkSuccess(pc: PCmd, cmd: Uint8Array, len: number, loc: number, rsp: Uint8Array,
    pre: Array<{ name: Uint8Array; auth: Uint8Array | null; sess: MSess | null }> | null, ctxSeq0: number): Set<number> {
    if (pc.hdr !== 'ok') throw new Malformed('header ' + pc.hdr);
    if (!pc.ok) throw new Malformed('handles or authorisation area: ' + pc.why);
    if (loc < 0 || loc > 3) throw new Malformed('locality ' + loc + ' accepted');
    const s = pc.spec as CmdSpec;
    if (this.model.started === (pc.cc === CC.Startup)) throw new Malformed(this.model.started ? 'Startup accepted on a started TPM' : 'a command accepted before Startup');
    if (get16(rsp, 0) !== pc.tag) throw new Malformed('response tag differs from the command tag');
    const nSess = pc.sessions.length;
    if (nSess !== (pc.tag === ST_SES ? s.auth : 0) || (s.auth > 0 && pc.tag !== ST_SES)) {
      throw new Malformed(`${nSess} sessions accepted for ${s.auth} authorisations`);
    }
    const f = parseParams(pc.cc, cmd, pc.pStart, len);
    const params = cmd.subarray(pc.pStart, len);

    // authorisations: every accepted one must be right
    let cp: Uint8Array | null = null;
    const keys: Array<Uint8Array | null> = [];
    for (let i = 0; i < nSess; i++) {
      const si = pc.sessions[i];
      const p = (pre as Array<{ name: Uint8Array; auth: Uint8Array | null; sess: MSess | null }>)[i];
      if (p.auth === null) throw new Malformed(`session ${i + 1} authorised an entity without authValue`);
      if (si.handle === RS_PW) {
        if (si.nonce.length !== 0 || (si.attrs & ~SA_CONTINUE) !== 0) throw new Malformed('password session with nonce or attributes');
        if (!eq(trim(si.hmac), p.auth)) throw new Malformed(`wrong password accepted for ${h8(pc.handles[i])}`);
        keys.push(null);
      } else {
        if (p.sess === null) throw new Malformed(`session handle ${h8(si.handle)} is not an active session`);
        if (cp === null) cp = this.cpHash(pc.cc, pc.handles.map((h) => this.entityName(h) ?? be32(h)), params);
        const key = Fuzzer.hmacKey(p.sess, p.name, p.auth);
        const want = hmac(key, cp, si.nonce, p.sess.nonce, Uint8Array.of(si.attrs));
        if (!eq(si.hmac, want)) throw new Malformed(`wrong HMAC accepted in session ${i + 1}`);
        if (si.nonce.length < 16) throw new Malformed('nonceCaller under 16 bytes accepted');
        keys.push(key);
      }
    }

    // response layout
    const r = new Rd(rsp, 10, rsp.length);
    const rh = s.rh ? r.u32() : 0;
    let pr: Rd;
    if (pc.tag === ST_SES) {
      const psize = r.u32();
      r.need(psize);
      pr = new Rd(rsp, r.pos, r.pos + psize);
      r.pos += psize;
    } else {
      pr = new Rd(rsp, r.pos, rsp.length);
      r.pos = rsp.length;
    }
    const rParams = rsp.subarray(pr.pos, pr.end);
    const newNonces: Array<Uint8Array | null> = [];
    for (let i = 0; i < nSess; i++) {
      const si = pc.sessions[i];
      const nonce = r.b2(32);
      const attrs = r.u8();
      const mac = r.b2(32);
      if (attrs !== si.attrs) throw new Malformed(`response session ${i + 1} attributes ${attrs} for ${si.attrs}`);
      if (si.handle === RS_PW) {
        if (nonce.length !== 0 || mac.length !== 0) throw new Malformed('password response session with nonce or HMAC');
        newNonces.push(null);
      } else {
        if (nonce.length !== 32 || mac.length !== 32) throw new Malformed('HMAC response session sizes');
        const rp = sha(be32(0), be32(pc.cc), rParams);
        const want = hmac(keys[i] as Uint8Array, rp, nonce, si.nonce, Uint8Array.of(si.attrs));
        if (!eq(mac, want)) throw new Malformed(`response HMAC of session ${i + 1} does not verify`);
        newNonces.push(nonce.slice());
      }
    }
    r.done('response sessions');

    const allowed = new Set(mayChange(pc.cc));
    this.responseAndModel(pc, f, pr, rh, loc, ctxSeq0);
    pr.done('response parameters');

    // sessions after the command: nonces rolled, sessions without continueSession closed
    for (let i = 0; i < nSess; i++) {
      const si = pc.sessions[i];
      if (si.handle === RS_PW) continue;
      allowed.add(C_DRBG);
      allowed.add(C_SESS + (si.handle - HMAC_FIRST));
      const m = this.model.sess[si.handle - HMAC_FIRST] as MSess;
      if ((si.attrs & SA_CONTINUE) !== 0) m.nonce = newNonces[i] as Uint8Array;
      else this.model.sess[si.handle - HMAC_FIRST] = null;
    }
    return allowed;
  }

  /** The response parameters of a successful command, against the command and the model; updates the model. */
  responseAndModel(pc: PCmd, f: Fields, r: Rd, rh: number, loc: number, ctxSeq0: number): void {
    const m = this.model;
    const t = this.tpm;
    const h = pc.handles;
    switch (pc.cc) {
      case CC.Startup: {
        // TPM Resume (STATE after Shutdown(STATE)), Restart (CLEAR after Shutdown(STATE)) or Reset
        const orderly = m.lastShutdown === 1 && m.hasSaved;
        if (f.su > 1 || (f.su === 1 && !orderly)) throw new Malformed(`Startup(${f.su}) accepted (orderly ${orderly})`);
        if (orderly) m.restartCount++;
        else { m.resetCount++; m.restartCount = 0; }
        this.note(f.su === 1 ? 'TPM Resume' : orderly ? 'TPM Restart' : 'TPM Reset');
        // contexts that die: stClear ones at any Reset or Restart, null-hierarchy ones at a Reset
        for (const sv of this.saved) if (sv.stClear || (!orderly && sv.hierarchy === RH_NULL)) sv.alive = false;
        for (const [k, v] of [...m.contexts.entries()]) if (v.stClear || (!orderly && v.hierarchy === RH_NULL)) m.contexts.delete(k);
        m.pcrs.fill(0);
        if (f.su === 1) m.pcrs.set(m.savedPcrs.subarray(0, 16 * 32), 0);
        m.pcrs.set(this.pcr17, LAUNCH_PCR * 32);
        m.pcrCounter = 0;
        m.hasSaved = false;
        m.savedPcrs.fill(0);
        m.lastShutdown = -1;
        m.obj = [null, null, null];
        m.sess = [null, null, null];
        m.started = true;
        // lockoutRecovery 0: lockoutAuth is usable again after every Startup
        if (m.daParams[2] === 0) m.lockoutEnabled = true;
        break;
      }
      case CC.Shutdown:
        m.lastShutdown = f.su;
        if (f.su === 1) { m.savedPcrs.set(m.pcrs); m.hasSaved = true; } else { m.savedPcrs.fill(0); m.hasSaved = false; }
        if (f.su > 1) throw new Malformed('Shutdown type ' + f.su);
        break;
      case CC.SelfTest:
        if (f.full > 1) throw new Malformed('SelfTest fullTest ' + f.full);
        break;
      case CC.GetTestResult:
        r.b2(1024);
        if (r.u32() !== 0) throw new Malformed('testResult not success');
        break;
      case CC.StirRandom:
        break;
      case CC.GetCapability: this.checkCapability(f, r); break;
      case CC.GetRandom: {
        const b = r.b2(32);
        if (b.length !== Math.min(f.n, 32)) throw new Malformed(`GetRandom(${f.n}) returned ${b.length}`);
        break;
      }
      case CC.Hash: {
        if (f.alg !== ALG_SHA256) throw new Malformed('Hash with alg ' + f.alg);
        const d = r.b2(32);
        if (!eq(d, sha(f.data))) throw new Malformed('Hash digest');
        if (r.u16() !== 0x8024) throw new Malformed('hashcheck tag');
        const hier = r.u32();
        const tk = r.b2(32);
        const nullTicket = f.hier === RH_NULL || (f.data.length >= 4 && get32(f.data, 0) === 0xff544347);
        if (![RH_OWNER, RH_ENDORSEMENT, RH_PLATFORM, RH_NULL].includes(f.hier)) throw new Malformed('Hash hierarchy ' + h8(f.hier));
        if (nullTicket ? hier !== RH_NULL || tk.length !== 0 : hier !== f.hier || tk.length !== 32) throw new Malformed('hashcheck ticket');
        if (!nullTicket && !eq(tk, hmac(this.proof(hier), be16(0x8024), d))) throw new Malformed('hashcheck ticket HMAC');
        break;
      }
      case CC.PCR_Extend: {
        const pcr = h[0];
        if (pcr !== RH_NULL && !(pcr < 24)) throw new Malformed('PCR_Extend of ' + h8(pcr));
        if (pcr !== RH_NULL && !PCR_CLIENT_EXTEND(pcr)) throw new Malformed(`PCR ${pcr} extended from locality ${loc}`);
        if (f.digests.length > 1) throw new Malformed('more than one SHA-256 digest');
        if (pcr !== RH_NULL && f.digests.length === 1) {
          m.pcrs.set(sha(m.pcrs.subarray(pcr * 32, pcr * 32 + 32), f.digests[0]), pcr * 32);
          m.pcrCounter++;
          // a state-saved PCR (0..15) changed after Shutdown(STATE): the saved state is void
          if (pcr < 16 && m.hasSaved) { m.hasSaved = false; m.savedPcrs.fill(0); m.lastShutdown = -1; }
        }
        break;
      }
      case CC.PCR_Reset: {
        const pcr = h[0];
        if (!(pcr < 24) || !PCR_CLIENT_RESET(pcr)) throw new Malformed(`PCR ${h8(pcr)} reset from locality ${loc}`);
        m.pcrs.fill(0, pcr * 32, pcr * 32 + 32);
        m.pcrCounter++;
        break;
      }
      case CC.PCR_Read: {
        const counter = r.u32();
        if (counter !== m.pcrCounter) throw new Malformed(`pcrUpdateCounter ${counter}, model ${m.pcrCounter}`);
        const out = readSel(r);
        if ((out.mask & ~f.sel.mask) !== 0 || popcount(out.mask) > 8) throw new Malformed('pcrSelectionOut');
        if (popcount(out.mask) < Math.min(8, popcount(f.sel.mask & 0xffffff))) throw new Malformed('PCR_Read returned fewer than it could');
        const count = r.u32();
        if (count !== popcount(out.mask)) throw new Malformed('digest count');
        for (let i = 0; i < 24; i++) {
          if ((out.mask & (1 << i)) === 0) continue;
          const d = r.b2(32);
          if (!eq(d, m.pcrs.subarray(i * 32, i * 32 + 32))) throw new Malformed(`PCR ${i} reads ${hex(d)}, model ${hex(m.pcrs.subarray(i * 32, i * 32 + 32))}`);
        }
        break;
      }
      case CC.CreatePrimary: case CC.Create: {
        const primary = pc.cc === CC.CreatePrimary;
        let slot = -1;
        if (primary) {
          slot = rh - TRANSIENT;
          if (slot < 0 || slot >= MAX_OBJECTS) throw new Malformed('object handle ' + h8(rh));
          if (m.obj[slot] !== null) throw new Malformed('CreatePrimary into a used slot');
          if (![RH_OWNER, RH_ENDORSEMENT, RH_PLATFORM, RH_NULL].includes(h[0])) throw new Malformed('primary hierarchy ' + h8(h[0]));
        } else if (m.obj[h[0] - TRANSIENT] === undefined || m.obj[h[0] - TRANSIENT] === null) {
          throw new Malformed('Create under no object');
        } else {
          const pa = t.objects[h[0] - TRANSIENT].attrs;
          if ((pa & (OA_RESTRICTED | OA_DECRYPT | OA_SIGN)) !== (OA_RESTRICTED | OA_DECRYPT)) throw new Malformed('Create under a non-storage key');
        }
        if (f.data.length !== 0) throw new Malformed('sensitive data accepted for an ECC key');
        const priv = primary ? null : r.b2(0xffff);
        const pubR = r.sized();
        const pub = readEccPublic(pubR);
        const tp = f.pub as EccPublic;
        if (pub.attrs !== tp.attrs || !eq(pub.policy, tp.policy) || pub.sym !== tp.sym || pub.scheme !== tp.scheme) {
          throw new Malformed('outPublic differs from the template');
        }
        if (pub.x.length !== 32 || pub.y.length !== 32) throw new Malformed('outPublic point sizes');
        const name = cat(be16(ALG_SHA256), sha(pub.area));
        // creation data, and creationHash = H(its bytes)
        const cdStart = r.pos + 2;
        const cd = r.sized();
        const csel = readSel(cd);
        if (!eq(selBytes(csel), selBytes(f.sel))) throw new Malformed('creation pcrSelect');
        const pd = cd.b2(32);
        const want = f.sel.count === 0 || f.sel.mask === 0 ? new Uint8Array(0) : this.pcrDigest(f.sel.mask);
        if (!eq(pd, want)) throw new Malformed('creation pcrDigest');
        if (cd.u8() !== 1 << loc) throw new Malformed('creation locality');
        const pna = cd.u16();
        const pn = cd.b2(34);
        const pq = cd.b2(34);
        if (primary) {
          if (pna !== ALG_NULL || !eq(pn, be32(h[0])) || !eq(pq, be32(h[0]))) throw new Malformed('creation parent of a primary');
        } else {
          const po = t.objects[h[0] - TRANSIENT];
          if (pna !== ALG_SHA256 || !eq(pn, (m.obj[h[0] - TRANSIENT] as MObj).name) || !eq(pq, po.qn)) throw new Malformed('creation parent');
        }
        if (!eq(cd.b2(34), f.outside)) throw new Malformed('creation outsideInfo');
        cd.done('TPMS_CREATION_DATA');
        const ch = r.b2(32);
        if (!eq(ch, sha(r.a.subarray(cdStart, cd.end)))) throw new Malformed('creationHash is not the hash of the creation data');
        if (r.u16() !== 0x8021) throw new Malformed('creation ticket tag');
        const th = r.u32();
        const tk = r.b2(32);
        const hier = primary ? h[0] : t.objects[h[0] - TRANSIENT].hierarchy;
        if (hier === RH_NULL ? th !== RH_NULL || tk.length !== 0 : th !== hier || tk.length !== 32) throw new Malformed('creation ticket');
        if (hier !== RH_NULL && !eq(tk, hmac(this.proof(hier), be16(0x8021), name, ch))) throw new Malformed('creation ticket HMAC');
        if (primary) {
          const nm = r.b2(34);
          if (!eq(nm, name)) throw new Malformed('CreatePrimary name is not the hash of outPublic');
          const o = t.objects[slot];
          if (!eq(o.pub.subarray(0, o.pubLen), pub.area)) throw new Malformed('loaded public area differs from outPublic');
          m.obj[slot] = { name, seq: null };
        } else {
          this.created.push({ parentName: (m.obj[h[0] - TRANSIENT] as MObj).name, priv: (priv as Uint8Array).slice(), pub: pubR.a.slice(pubR.pos - pub.area.length - 2, pubR.end) });
          if (this.created.length > 12) this.created.shift();
        }
        break;
      }
      case CC.Load: {
        const slot = rh - TRANSIENT;
        if (slot < 0 || slot >= MAX_OBJECTS || m.obj[slot] !== null) throw new Malformed('Load into handle ' + h8(rh));
        const nm = r.b2(34);
        const name = cat(be16(ALG_SHA256), sha((f.pub as EccPublic).area));
        if (!eq(nm, name)) throw new Malformed('Load name is not the hash of inPublic');
        m.obj[slot] = { name, seq: null };
        break;
      }
      case CC.ReadPublic: {
        const slot = h[0] - TRANSIENT;
        const mo = m.obj[slot];
        if (mo === null || mo === undefined) throw new Malformed('ReadPublic of no object');
        if (mo.seq !== null) throw new Malformed('ReadPublic of a sequence object');
        const pub = readEccPublic(r.sized());
        const nm = r.b2(34);
        const qn = r.b2(34);
        if (!eq(nm, mo.name) || !eq(cat(be16(ALG_SHA256), sha(pub.area)), mo.name)) throw new Malformed('ReadPublic name');
        if (!eq(qn, t.objects[slot].qn)) throw new Malformed('ReadPublic qualified name');
        break;
      }
      case CC.ContextSave: {
        const slot = h[0] - TRANSIENT;
        const mo = slot >= 0 && slot < MAX_OBJECTS ? m.obj[slot] : null;
        if (mo === null) throw new Malformed('ContextSave of ' + h8(h[0]));
        const c = readContext(r);
        if (c.seq !== ctxSeq0) throw new Malformed(`context sequence ${c.seq}, expected ${ctxSeq0}`);
        m.ctxSeq = ctxSeq0 + 1;
        const o = t.objects[slot];
        // savedHandle: 0x80000001 for a sequence, 0x80000002 for stClear, else 0x80000000 (Part 3, ContextSave)
        const want = mo.seq !== null ? 0x80000001 : (o.attrs & OA_ST_CLEAR) !== 0 ? 0x80000002 : 0x80000000;
        if (c.savedHandle !== want) throw new Malformed(`savedHandle ${h8(c.savedHandle)}, expected ${h8(want)}`);
        if (c.hierarchy !== o.hierarchy || c.blob.length < 34) throw new Malformed('saved context fields');
        m.contexts.set(hex(c.bytes), { obj: cloneObj(mo), stClear: c.savedHandle === 0x80000002, hierarchy: c.hierarchy });
        this.saved.push({ ctx: c.bytes.slice(), name: mo.name, stClear: c.savedHandle === 0x80000002, hierarchy: c.hierarchy, alive: true });
        if (this.saved.length > 16) this.saved.shift();
        break;
      }
      case CC.ContextLoad: {
        const slot = rh - TRANSIENT;
        if (slot < 0 || slot >= MAX_OBJECTS || m.obj[slot] !== null) throw new Malformed('ContextLoad into handle ' + h8(rh));
        const saved = m.contexts.get(hex((f.ctx as Ctx).bytes));
        if (saved === undefined) throw new Malformed('ContextLoad accepted a context the TPM never saved or that died at a TPM Reset/Restart');
        m.obj[slot] = cloneObj(saved.obj);
        break;
      }
      case CC.FlushContext: {
        const fh = f.handle as number;
        if ((fh >>> 24) === 0x80) {
          const slot = fh - TRANSIENT;
          if (slot < 0 || slot >= MAX_OBJECTS || m.obj[slot] === null) throw new Malformed('flushed no object');
          m.obj[slot] = null;
        } else if ((fh >>> 24) === 0x02 || (fh >>> 24) === 0x03) {
          const slot = fh - HMAC_FIRST;
          if (slot < 0 || slot >= MAX_SESSIONS || m.sess[slot] === null) throw new Malformed('flushed no session');
          m.sess[slot] = null;
        } else {
          throw new Malformed('flushed ' + h8(fh));
        }
        break;
      }
      case CC.StartAuthSession: {
        const slot = rh - HMAC_FIRST;
        if (slot < 0 || slot >= MAX_SESSIONS || m.sess[slot] !== null) throw new Malformed('session handle ' + h8(rh));
        if (h[0] !== RH_NULL || f.salt.length !== 0 || f.type !== 0 || f.sym !== ALG_NULL || f.hash !== ALG_SHA256) {
          throw new Malformed('StartAuthSession accepted a salt, key, type, symmetric or hash it does not implement');
        }
        if (f.nonce.length < 16) throw new Malformed('nonceCaller under 16 bytes');
        const nonce = r.b2(32);
        if (nonce.length !== 32) throw new Malformed('nonceTPM size');
        const bind = h[1];
        let sess: MSess;
        if (bind === RH_NULL) {
          sess = { nonce: nonce.slice(), key: new Uint8Array(0), bound: false, bindName: new Uint8Array(0), bindAuth: new Uint8Array(0) };
        } else {
          // the bind entity's authValue, whatever its attributes (the reference's EntityGetAuthValue)
          const auth = this.entityAuthValue(bind) ?? new Uint8Array(0);
          const name = this.entityName(bind);
          if (name === null) throw new Malformed('bound to nothing');
          sess = { nonce: nonce.slice(), key: kdfa(auth, 'ATH', nonce, f.nonce, 256), bound: true, bindName: name, bindAuth: auth };
        }
        m.sess[slot] = sess;
        break;
      }
      case CC.Quote: this.checkQuote(pc, f, r); break;
      case CC.NV_DefineSpace: {
        const p = f.pub as NvPub;
        if ((p.index >>> 24) !== 0x01 || p.nameAlg !== ALG_SHA256) throw new Malformed('NV index or nameAlg');
        if (m.nv.has(p.index)) throw new Malformed('NV index defined twice');
        if (m.nv.size >= MAX_NV) throw new Malformed('more NV indices than slots');
        if (p.size > NV_MAX_SIZE) throw new Malformed('NV size ' + p.size);
        if (((p.attrs & NV_PLATFORMCREATE) !== 0) !== (h[0] === RH_PLATFORM)) throw new Malformed('platformCreate and authHandle');
        if ((p.attrs & NV_WRITTEN) !== 0) throw new Malformed('TPMA_NV_WRITTEN at definition');
        if (p.policy.length !== 0 && p.policy.length !== 32) throw new Malformed('NV policy size');
        m.nv.set(p.index, { pub: { ...p, policy: p.policy.slice() }, auth: trim(f.auth).slice(), data: new Uint8Array(p.size) });
        break;
      }
      case CC.NV_UndefineSpace: {
        const nv = m.nv.get(h[1]);
        if (nv === undefined) throw new Malformed('undefined an undefined index');
        // the owner may not delete a platform-created index; the platform may delete either kind
        if ((nv.pub.attrs & NV_PLATFORMCREATE) !== 0 && h[0] === RH_OWNER) throw new Malformed('the owner deleted a platform index');
        m.nv.delete(h[1]);
        break;
      }
      case CC.NV_Write: {
        const nv = m.nv.get(h[1]);
        if (nv === undefined) throw new Malformed('wrote an undefined index');
        this.nvAccess(nv, h[0], true);
        const data = f.data as Uint8Array;
        if (f.offset + data.length > nv.pub.size) throw new Malformed('NV_Write out of range');
        if ((nv.pub.attrs & NV_WRITEALL) !== 0 && (f.offset !== 0 || data.length !== nv.pub.size)) throw new Malformed('partial write of a writeAll index');
        nv.data.set(data, f.offset);
        nv.pub.attrs = (nv.pub.attrs | NV_WRITTEN) >>> 0;
        break;
      }
      case CC.NV_Read: {
        const nv = m.nv.get(h[1]);
        if (nv === undefined) throw new Malformed('read an undefined index');
        this.nvAccess(nv, h[0], false);
        if ((nv.pub.attrs & NV_WRITTEN) === 0) throw new Malformed('read an unwritten index');
        if (f.offset + f.size > nv.pub.size) throw new Malformed('NV_Read out of range');
        const d = r.b2(1024);
        if (!eq(d, nv.data.subarray(f.offset, f.offset + f.size))) throw new Malformed('NV_Read data differs from the model');
        break;
      }
      case CC.NV_ReadPublic: {
        const nv = m.nv.get(h[0]);
        if (nv === undefined) throw new Malformed('NV_ReadPublic of an undefined index');
        const p = readNvPublic(r.sized());
        const nm = r.b2(34);
        if (!eq(nvPublicBytes(p), nvPublicBytes(nv.pub))) throw new Malformed('NV public differs from the model');
        if (!eq(nm, cat(be16(ALG_SHA256), sha(nvPublicBytes(nv.pub))))) throw new Malformed('NV name');
        break;
      }
      case CC.HashSequenceStart: {
        const slot = rh - TRANSIENT;
        if (slot < 0 || slot >= MAX_OBJECTS || m.obj[slot] !== null) throw new Malformed('sequence handle ' + h8(rh));
        if (f.alg !== ALG_SHA256) throw new Malformed('hash sequence of alg ' + f.alg);
        m.obj[slot] = { name: new Uint8Array(0), seq: { hash: crypto.createHash('sha256'), head: [], total: 0 } };
        break;
      }
      case CC.SequenceUpdate: case CC.SequenceComplete: {
        const slot = h[0] - TRANSIENT;
        const mo = slot >= 0 && slot < MAX_OBJECTS ? m.obj[slot] : null;
        if (mo === null || mo.seq === null) throw new Malformed('sequence command on no sequence');
        const data = f.data as Uint8Array;
        mo.seq.hash.update(data);
        for (let i = 0; i < data.length && mo.seq.head.length < 4; i++) mo.seq.head.push(data[i]);
        mo.seq.total += data.length;
        if (pc.cc === CC.SequenceUpdate) break;
        if (![RH_OWNER, RH_ENDORSEMENT, RH_PLATFORM, RH_NULL].includes(f.hier)) throw new Malformed('SequenceComplete hierarchy ' + h8(f.hier));
        const d = r.b2(32);
        if (!eq(d, new Uint8Array(mo.seq.hash.digest()))) throw new Malformed('SequenceComplete digest');
        if (r.u16() !== 0x8024) throw new Malformed('hashcheck tag');
        const hier = r.u32();
        const tk = r.b2(32);
        const generated = mo.seq.head.length === 4 && get32(Uint8Array.from(mo.seq.head), 0) === 0xff544347;
        const nullTicket = f.hier === RH_NULL || generated;
        if (nullTicket ? hier !== RH_NULL || tk.length !== 0 : hier !== f.hier || tk.length !== 32) throw new Malformed('sequence hashcheck ticket');
        if (!nullTicket && !eq(tk, hmac(this.proof(hier), be16(0x8024), d))) throw new Malformed('sequence hashcheck ticket HMAC');
        m.obj[slot] = null;
        break;
      }
      case CC.DictionaryAttackLockReset: case CC.DictionaryAttackParameters:
        if (h[0] !== RH_LOCKOUT) throw new Malformed(`${(pc.spec as CmdSpec).name} with ${h8(h[0])}`);
        if (!m.lockoutEnabled) throw new Malformed('lockoutAuth accepted while locked');
        // failedTries stays 0 (DA_OFF): LockReset changes nothing the model holds
        if (pc.cc === CC.DictionaryAttackParameters) m.daParams = [f.maxTries, f.recoveryTime, f.lockoutRecovery];
        break;
      default:
        throw new Malformed('no response check for ' + h8(pc.cc));
    }
  }

  /** The proof of a hierarchy (tickets are HMACs under it). */
  proof(hier: number): Uint8Array {
    const slot = hier === RH_PLATFORM ? 0 : hier === RH_OWNER ? 1 : hier === RH_ENDORSEMENT ? 2 : 3;
    return this.tpm.proofs.slice(slot * 32, slot * 32 + 32);
  }

  nvAccess(nv: MNv, auth: number, write: boolean): void {
    const a = nv.pub.attrs;
    let ok = false;
    if (auth === nv.pub.index) ok = (a & (write ? NV_AUTHWRITE : NV_AUTHREAD)) !== 0;
    else if (auth === RH_OWNER) ok = (a & (write ? NV_OWNERWRITE : NV_OWNERREAD)) !== 0;
    else if (auth === RH_PLATFORM) ok = (a & (write ? NV_PPWRITE : NV_PPREAD)) !== 0;
    if (!ok) throw new Malformed(`NV ${write ? 'write' : 'read'} by ${h8(auth)} accepted without the attribute`);
  }

  pcrDigest(mask: number): Uint8Array {
    const parts: Uint8Array[] = [];
    for (let i = 0; i < 24; i++) if ((mask & (1 << i)) !== 0) parts.push(this.model.pcrs.subarray(i * 32, i * 32 + 32));
    return sha(...parts);
  }

  /** A variable TPM property the model knows: [value, mask of the bits checked], or null. */
  variableProperty(pt: number): [number, number] | null {
    const m = this.model;
    const sess = m.sess.filter((x) => x !== null).length;
    switch (pt) {
      case 0x201: return [0xf, 0xf]; // TPMA_STARTUP_CLEAR: phEnable, shEnable, ehEnable, phEnableNV (orderly: not checked)
      case 0x202: return [m.nv.size, 0xffffffff]; // TPM_PT_HR_NV_INDEX
      case 0x203: return [sess, 0xffffffff]; // TPM_PT_HR_LOADED
      case 0x204: return [MAX_SESSIONS - sess, 0xffffffff]; // TPM_PT_HR_LOADED_AVAIL
      case 0x205: return [sess, 0xffffffff]; // TPM_PT_HR_ACTIVE (no saved sessions)
      case 0x206: return [MAX_SESSIONS - sess, 0xffffffff]; // TPM_PT_HR_ACTIVE_AVAIL
      case 0x207: return [m.obj.filter((x) => x === null).length, 0xffffffff]; // TPM_PT_HR_TRANSIENT_AVAIL
      case 0x200: return [0, 1 << 9]; // TPMA_PERMANENT.inLockout: never with DA protection off
      case 0x20e: return [0, 0xffffffff]; // TPM_PT_LOCKOUT_COUNTER
      case 0x20f: return [m.daParams[0], 0xffffffff]; // TPM_PT_MAX_AUTH_FAIL
      case 0x210: return [m.daParams[1], 0xffffffff]; // TPM_PT_LOCKOUT_INTERVAL
      case 0x211: return [m.daParams[2], 0xffffffff]; // TPM_PT_LOCKOUT_RECOVERY
      default: return null;
    }
  }

  checkCapability(f: Fields, r: Rd): void {
    const more = r.u8();
    if (more > 1) throw new Malformed('moreData ' + more);
    const cap = r.u32();
    if (cap !== f.cap) throw new Malformed(`capability ${cap} for ${f.cap}`);
    const count = r.u32();
    const req = f.count as number;
    const list: number[] = [];
    switch (cap) {
      case 0: for (let i = 0; i < count; i++) { list.push(r.u16()); r.u32(); } break;
      case 1: case 2: case 3: case 4: for (let i = 0; i < count; i++) list.push(r.u32()); break;
      case 5: for (let i = 0; i < count; i++) { r.u16(); r.take(r.u8()); } break;
      case 6:
        for (let i = 0; i < count; i++) {
          const pt = r.u32();
          const v = r.u32();
          list.push(pt);
          const want = this.variableProperty(pt);
          if (want !== null && ((v & want[1]) >>> 0) !== want[0]) throw new Malformed(`property ${h8(pt)} = ${h8(v)}, model ${h8(want[0])}`);
        }
        break;
      case 7: for (let i = 0; i < count; i++) { list.push(r.u32()); r.take(r.u8()); } break;
      case 8: for (let i = 0; i < count; i++) list.push(r.u16()); break;
      default: throw new Malformed('capability ' + cap);
    }
    if (cap !== 5 && count > req) throw new Malformed(`${count} entries for ${req} requested`);
    // entries ascend from the requested property (commands by their commandIndex)
    const key = (x: number): number => (cap === 2 ? x & 0xffff : x);
    for (let i = 0; i < list.length; i++) {
      if (cap !== 3 && cap !== 4 && key(list[i]) < (cap === 2 ? Math.min(f.property >>> 0, 0x10000) : f.property >>> 0)) {
        throw new Malformed(`entry ${h8(list[i])} below property ${h8(f.property)}`);
      }
      if (i > 0 && key(list[i]) <= key(list[i - 1])) throw new Malformed('entries not ascending');
    }
    if (cap === 1) {
      const type = f.property >>> 24;
      for (const x of list) if (x >>> 24 !== type) throw new Malformed(`handle ${h8(x)} of another type than ${h8(f.property)}`);
      let want: number[] | null = null;
      if (type === 0x80) want = this.model.obj.map((o, i) => (o !== null ? TRANSIENT + i : -1)).filter((x) => x >= 0);
      if (type === 0x02) want = this.model.sess.map((o, i) => (o !== null ? HMAC_FIRST + i : -1)).filter((x) => x >= 0);
      if (type === 0x01) want = [...this.model.nv.keys()].sort((a, b) => a - b);
      if (want !== null) {
        want = want.filter((x) => x >= f.property >>> 0);
        const n = Math.min(want.length, req);
        if (list.length !== n || list.some((x, i) => x !== (want as number[])[i])) {
          throw new Malformed(`handles ${list.map(h8)} for model ${want.map(h8)}`);
        }
        if ((more === 1) !== (want.length > n)) throw new Malformed('moreData for handles');
      }
    }
  }

  checkQuote(pc: PCmd, f: Fields, r: Rd): void {
    const slot = pc.handles[0] - TRANSIENT;
    const o = this.tpm.objects[slot];
    if (this.model.obj[slot] === null || (o.attrs & OA_SIGN) === 0) throw new Malformed('Quote with a non-signing key');
    const attest = r.b2(0xffff);
    const a = new Rd(attest, 0, attest.length);
    if (a.u32() !== 0xff544347 || a.u16() !== 0x8018) throw new Malformed('attest magic/type');
    if (!eq(a.b2(34), o.qn)) throw new Malformed('qualifiedSigner');
    if (!eq(a.b2(34), f.qual)) throw new Malformed('extraData');
    if (a.u64() !== this.tpm.clockMs) throw new Malformed('clock');
    const reset = a.u32();
    const restart = a.u32();
    if (a.u8() !== 1) throw new Malformed('safe');
    const fw = a.u64();
    if (o.hierarchy === RH_ENDORSEMENT || o.hierarchy === RH_PLATFORM) {
      if (reset !== this.model.resetCount || restart !== this.model.restartCount || fw !== 0x00010000 * 0x100000000) {
        throw new Malformed('clock info of an endorsement/platform key');
      }
    }
    const sel = readSel(a);
    if (!eq(selBytes(sel), selBytes(f.sel))) throw new Malformed('quoted selection');
    const pd = a.b2(32);
    if (!eq(pd, this.pcrDigest(sel.count === 0 ? 0 : sel.mask))) throw new Malformed('pcrDigest differs from the model');
    a.done('TPMS_ATTEST');
    const alg = r.u16();
    const hash = r.u16();
    const sr = r.b2(32);
    const ss = r.b2(32);
    if (alg !== ALG_ECDSA || hash !== ALG_SHA256 || sr.length !== 32 || ss.length !== 32) throw new Malformed('signature fields');
    const b64 = (b: Uint8Array): string => Buffer.from(b).toString('base64url');
    const key = crypto.createPublicKey({ key: { kty: 'EC', crv: 'P-256', x: b64(o.x), y: b64(o.y) }, format: 'jwk' });
    if (!crypto.verify('sha256', attest, { key, dsaEncoding: 'ieee-p1363' }, cat(sr, ss))) throw new Malformed('quote signature does not verify');
  }

  /**
   * The instance against the model and the slot invariants (for the changed components, or all).
   * Returns '' or what is wrong.
   */
  checkModel(changed: Set<number>): string {
    const t = this.tpm;
    const m = this.model;
    if (changed.has(C_PERM)) {
      if (t.resetCount !== m.resetCount || t.restartCount !== m.restartCount) return `reset/restart counts ${t.resetCount}/${t.restartCount}, model ${m.resetCount}/${m.restartCount}`;
      if (!eq(t.seeds.subarray(0, 3 * 32), this.seeds0) || !eq(t.proofs.subarray(0, 3 * 32), this.proofs0)) return 'a platform/owner/endorsement seed or proof changed';
      if (t.started !== m.started) return `started ${t.started}, model ${m.started}`;
    }
    if (changed.has(C_PCR) || changed.has(C_SHUT)) {
      if (!eq(t.pcrs, m.pcrs) || (m.started && t.pcrUpdateCounter !== m.pcrCounter)) return 'PCRs differ from the model';
      if (m.started && !eq(t.pcrs.subarray(LAUNCH_PCR * 32, LAUNCH_PCR * 32 + 32), this.pcr17)) return 'PCR 17 changed';
      for (let i = 18; i <= 22; i++) if (!allZero(t.pcrs.subarray(i * 32, i * 32 + 32))) return `PCR ${i} changed`;
      if (t.lastShutdown !== m.lastShutdown || t.hasSavedPcrs !== m.hasSaved || !eq(t.savedPcrs, m.savedPcrs)) return 'Shutdown state differs from the model';
    }
    if (changed.has(C_CTX) && t.contextSeq !== m.ctxSeq) return `contextSeq ${t.contextSeq}, model ${m.ctxSeq}`;
    if (changed.has(C_DA)) {
      const d = [t.maxTries, t.recoveryTime, t.lockoutRecovery];
      if (d.some((x, i) => x !== m.daParams[i])) return `DA parameters ${d.join('/')}, model ${m.daParams.join('/')}`;
      if (t.failedTries !== 0) return `failedTries ${t.failedTries} with DA protection off`;
      if (t.lockoutAuthEnabled !== m.lockoutEnabled) return `lockoutAuthEnabled ${t.lockoutAuthEnabled}, model ${m.lockoutEnabled}`;
      if (t.selfHealMs > t.clockMs || t.lockoutFailedMs > t.clockMs) return 'DA times after the clock';
    }
    for (let i = 0; i < MAX_OBJECTS; i++) {
      if (!changed.has(C_OBJ + i)) continue;
      const o = t.objects[i];
      const mo = m.obj[i];
      if (o.used !== (mo !== null)) return `object slot ${i} used ${o.used}, model ${mo !== null}`;
      if (!o.used) {
        if (!allZero(freeObjBytes(o))) return `free object slot ${i} is not cleared: ${freeObjFields(o).join(', ')} left`;
        continue;
      }
      const seq = (mo as MObj).seq;
      if (o.isSequence !== (seq !== null)) return `object slot ${i}: isSequence ${o.isSequence}, model ${seq !== null}`;
      if (seq !== null) {
        if (o.seq.total !== seq.total) return `sequence slot ${i}: ${o.seq.total} bytes hashed, model ${seq.total}`;
        const head = seq.head.reduce((a, b) => ((a << 8) | b) >>> 0, 0);
        if (o.seqHeadLen !== seq.head.length || o.seqHead !== head) return `sequence slot ${i}: message head`;
        if (o.hierarchy !== RH_NULL || o.pubLen !== 0 || o.authLen > 32 || !allZero(o.auth, o.authLen)) return `sequence slot ${i}: fields`;
        continue;
      }
      if (o.pubLen <= 0 || o.pubLen > o.pub.length) return `object slot ${i} pubLen ${o.pubLen}`;
      const pub = o.pub.subarray(0, o.pubLen);
      if (!eq(o.name, cat(be16(ALG_SHA256), sha(pub)))) return `object slot ${i}: name is not the hash of its public area`;
      if (!eq(o.name, (mo as MObj).name)) return `object slot ${i}: name differs from the model`;
      let p: EccPublic;
      try { p = readEccPublic(new Rd(pub, 0, pub.length)); } catch (e) { return `object slot ${i}: public area ${(e as Error).message}`; }
      if (!eq(p.x, o.x) || !eq(p.y, o.y) || p.attrs !== o.attrs) return `object slot ${i}: fields differ from its public area`;
      if (![RH_OWNER, RH_ENDORSEMENT, RH_PLATFORM, RH_NULL].includes(o.hierarchy)) return `object slot ${i}: hierarchy ${h8(o.hierarchy)}`;
      if (allZero(o.d) || o.authLen > 32 || !allZero(o.auth, o.authLen)) return `object slot ${i}: sensitive fields`;
      if (!allZero(o.pub, o.pubLen)) return `object slot ${i}: bytes after the public area`;
    }
    for (let i = 0; i < MAX_SESSIONS; i++) {
      if (!changed.has(C_SESS + i)) continue;
      const s = t.sessions[i];
      const ms = m.sess[i];
      if (s.used !== (ms !== null)) return `session slot ${i} used ${s.used}, model ${ms !== null}`;
      if (!s.used) {
        if (!allZero(sessBytes(s))) return `free session slot ${i} is not cleared`;
        continue;
      }
      const x = ms as MSess;
      if (!eq(s.nonceTpm, x.nonce)) return `session ${i}: nonceTPM differs from the last response`;
      if (!eq(s.sessionKey.subarray(0, s.keyLen), x.key) || !allZero(s.sessionKey, s.keyLen)) return `session ${i}: sessionKey differs from KDFa`;
      if (s.bound !== x.bound || !eq(s.bindName.subarray(0, s.bindNameLen), x.bindName) || !eq(s.bindAuth.subarray(0, s.bindAuthLen), x.bindAuth)) {
        return `session ${i}: bind entity differs`;
      }
    }
    let nvChanged = false;
    for (let i = 0; i < MAX_NV; i++) nvChanged = nvChanged || changed.has(C_NV + i);
    if (nvChanged) {
      const seen = new Set<number>();
      for (let i = 0; i < MAX_NV; i++) {
        const n = t.nv[i];
        if (!n.used) {
          if (!allZero(nvBytes(n))) return `free NV slot ${i} is not cleared`;
          continue;
        }
        if (seen.has(n.index)) return `NV index ${h8(n.index)} twice`;
        seen.add(n.index);
        const mn = m.nv.get(n.index);
        if (mn === undefined) return `NV index ${h8(n.index)} not in the model`;
        if ((n.index >>> 24) !== 1 || n.size > NV_MAX_SIZE || n.size !== mn.pub.size || n.attrs !== mn.pub.attrs) return `NV index ${h8(n.index)} public fields`;
        if (!eq(n.policy.subarray(0, n.policyLen), mn.pub.policy) || !eq(n.auth.subarray(0, n.authLen), mn.auth)) return `NV index ${h8(n.index)} policy/auth`;
        if (!eq(n.data.subarray(0, n.size), mn.data) || !allZero(n.data, n.size)) return `NV index ${h8(n.index)} data differs from the model`;
        if (!allZero(n.auth, n.authLen) || !allZero(n.policy, n.policyLen)) return `NV index ${h8(n.index)} stale bytes`;
      }
      if (seen.size !== m.nv.size) return `NV indices ${[...seen].map(h8)}, model ${[...m.nv.keys()].map(h8)}`;
    }
    return '';
  }

  // ---- building well-formed commands ----

  assemble(cc: number, handles: number[], auths: AuthSpec[] | null, params: W, expectRc: number | null, labelIn: string): Built {
    let label = labelIn;
    const w = new W();
    w.u16(auths !== null ? ST_SES : ST_NO);
    w.sizes.push([2, 4]);
    w.u32(0);
    w.u32(cc);
    for (const h of handles) w.handle(h);
    const spans: Array<[number, number]> = [];
    let authSizeAt = -1;
    if (auths !== null) {
      authSizeAt = w.b.length;
      w.sizes.push([authSizeAt, 4]);
      w.u32(0);
      const pbytes = params.bytes();
      let cp: Uint8Array | null = null;
      auths.forEach((a, i) => {
        const start = w.b.length;
        if (a.kind === 'pw') {
          w.handle(RS_PW).b2(new Uint8Array(0)).u8(a.attrs).b2(a.pw);
        } else {
          const s = this.model.sess[a.slot] as MSess;
          const h = handles[i];
          const nonce = this.rng.bytes(this.rng.range(16, 32));
          if (cp === null) cp = this.cpHash(cc, handles.map((x) => this.entityName(x) ?? be32(x)), pbytes);
          const key = Fuzzer.hmacKey(s, this.entityName(h) ?? be32(h), this.entityAuth(h) ?? new Uint8Array(0));
          w.handle(HMAC_FIRST + a.slot).b2(nonce).u8(a.attrs).b2(hmac(key, cp, nonce, s.nonce, Uint8Array.of(a.attrs)));
        }
        spans.push([start, w.b.length]);
      });
      put32(w.b, authSizeAt, w.b.length - authSizeAt - 4);
    }
    w.append(params);
    put32(w.b, 2, w.b.length);
    // an entity without a USER authValue (an object without userWithAuth) needs a policy session
    let exp = expectRc;
    if (exp !== null && auths !== null && auths.some((_, i) => this.entityAuth(handles[i]) === null && this.entityAuthValue(handles[i]) !== null)) {
      exp = 0x12f;
    } else if (exp !== null && auths !== null && auths.some((a) => a.kind === 'pw' && a.wrong === true)) {
      // a wrong password must be refused: TPM_RC_AUTH_FAIL for a DA-protected entity or the lockout hierarchy (which it
      // then locks), TPM_RC_BAD_AUTH for an exempt one (checkDaRefusal checks which), unless an earlier check refuses first
      exp = -1;
      label += ' with a wrong password';
    }
    return { cc, bytes: w.bytes(), w, sessSpans: spans, authSizeAt, expect: exp, label };
  }

  /** Authorisations for the first n handles: passwords, or HMAC sessions when some are active. */
  auths(handles: number[], n: number): AuthSpec[] | null {
    if (n === 0) return null;
    const out: AuthSpec[] = [];
    const used = new Set<number>();
    for (let i = 0; i < n; i++) {
      const active = this.model.sess.map((s, k) => (s !== null && !used.has(k) ? k : -1)).filter((k) => k >= 0);
      if (active.length > 0 && this.rng.chance(0.35)) {
        const slot = this.rng.pick(active);
        used.add(slot);
        out.push({ kind: 'hmac', slot, attrs: this.rng.chance(0.88) ? SA_CONTINUE : 0 });
      } else {
        let pw = this.entityAuth(handles[i]) ?? new Uint8Array(0);
        // rarer for lockoutAuth: one failure locks it until the next Startup
        const wrong = this.rng.chance(handles[i] === RH_LOCKOUT ? 0.01 : 0.05);
        if (wrong) pw = wrongPassword(this.rng, pw);
        else if (pw.length < 32 && this.rng.chance(0.1)) pw = cat(pw, new Uint8Array(this.rng.range(1, 32 - pw.length)));
        out.push({ kind: 'pw', attrs: this.rng.chance(0.5) ? SA_CONTINUE : 0, pw, wrong });
      }
    }
    return out;
  }

  freeObjSlot(): boolean { return this.model.obj.some((o) => o === null); }
  /** Some created object's parent is loaded. */
  loadable(): boolean {
    return this.created.some((c) => this.model.obj.some((o) => o !== null && eq(o.name, c.parentName)));
  }
  loadedSlots(pred?: (o: TpmObject) => boolean): number[] {
    return this.model.obj.map((o, i) => (o !== null && (pred === undefined || pred(this.tpm.objects[i])) ? i : -1)).filter((i) => i >= 0);
  }

  randomSel(): PcrSel {
    if (this.rng.chance(0.1)) return { count: 0, mask: 0 };
    const r = this.rng.int(4);
    const mask = r === 0 ? this.rng.u32() & 0xffffff : r === 1 ? 1 << this.rng.int(24) : r === 2 ? 0xff : (this.rng.u32() & 0xffffff) & (this.rng.u32() & 0xffffff);
    return { count: 1, mask };
  }

  randomTmpl(kind: number): Tmpl {
    const base = OA_FIXED_TPM | OA_FIXED_PARENT | OA_SENSITIVE_DATA_ORIGIN | (this.rng.chance(0.9) ? OA_USER_WITH_AUTH : 0) |
      (this.rng.chance(0.3) ? OA_NO_DA : 0) | (this.rng.chance(0.2) ? OA_ST_CLEAR : 0);
    const policy = this.rng.chance(0.2) ? this.rng.bytes(32) : new Uint8Array(0);
    const xy = this.rng.chance(0.2);
    const x = xy ? this.rng.bytes(32) : new Uint8Array(0);
    const y = xy ? this.rng.bytes(32) : new Uint8Array(0);
    switch (kind) {
      case 0: return { attrs: base | OA_RESTRICTED | OA_DECRYPT, policy, sym: this.rng.chance(0.5) ? 128 : 256, scheme: ALG_NULL, x, y };
      case 1: return { attrs: base | OA_RESTRICTED | OA_SIGN, policy, sym: 0, scheme: ALG_ECDSA, x, y };
      case 2: return { attrs: base | OA_SIGN, policy, sym: 0, scheme: this.rng.chance(0.5) ? ALG_ECDSA : ALG_NULL, x, y };
      default: return { attrs: base | OA_DECRYPT, policy, sym: 0, scheme: ALG_NULL, x, y };
    }
  }

  createPrimaryCmd(hier: number, t: Tmpl, auth: Uint8Array, outside: Uint8Array, sel: PcrSel, auths: AuthSpec[] | null, exp: number | null): Built {
    const p = new W();
    p.sized((w) => { w.b2(auth).b2(new Uint8Array(0)); });
    p.sized((w) => writeTmpl(w, t));
    p.b2(outside).sel(sel);
    return this.assemble(CC.CreatePrimary, [hier], auths, p, exp, 'CreatePrimary');
  }

  /**
   * A command of code cc that is well formed but must be refused: an unsupported or inconsistent
   * value in an otherwise valid command (so that the handlers' refusal paths run), or null.
   */
  refusedVariant(cc: number): Built | null {
    const rng = this.rng;
    const m = this.model;
    const spec = SPEC.get(cc) as CmdSpec;
    const bad = (handles: number[], p: W, why: string): Built =>
      this.assemble(cc, handles, this.auths(handles, spec.auth), p, -1, `${spec.name} (refused: ${why})`);
    const anyObj = (): number => {
      const l = this.loadedSlots();
      return l.length > 0 ? TRANSIENT + rng.pick(l) : TRANSIENT + rng.int(4);
    };
    const storage = this.loadedSlots((o) => (o.attrs & (OA_RESTRICTED | OA_DECRYPT | OA_SIGN)) === (OA_RESTRICTED | OA_DECRYPT));
    switch (cc) {
      case CC.Startup: case CC.Shutdown: return bad([], new W().u16(rng.range(2, 0xffff)), 'type');
      case CC.SelfTest: return bad([], new W().u8(rng.range(2, 255)), 'fullTest');
      case CC.StirRandom: return bad([], new W().b2(rng.bytes(rng.range(129, 300))), 'more than 128 bytes');
      case CC.Hash: {
        const alg = rng.chance(0.5);
        return bad([], new W().b2(rng.bytes(rng.int(40))).u16(alg ? rng.pick([0x0004, 0x000c, ALG_NULL, 0]) : ALG_SHA256)
          .handle(alg ? RH_OWNER : rng.pick([RH_LOCKOUT, 0x40000000, 0, TRANSIENT])), alg ? 'hash algorithm' : 'hierarchy');
      }
      case CC.PCR_Extend: {
        const p = new W();
        const k = rng.int(3);
        if (k === 0) p.count(1).u16(0x0004).raw(rng.bytes(20));
        else if (k === 1) p.count(2).u16(ALG_SHA256).raw(rng.bytes(32)).u16(ALG_SHA256).raw(rng.bytes(32));
        else p.count(1).u16(0x000c).raw(rng.bytes(48));
        return bad([rng.pick([0, 16, 23])], p, 'digest banks');
      }
      case CC.PCR_Read: {
        const p = new W();
        const k = rng.int(3);
        if (k === 0) p.count(1).u16(0x0004).u8(3).u8(0xff).u8(0).u8(0);
        else if (k === 1) { const n = rng.pick([0, 1, 2, 4]); p.count(1).u16(ALG_SHA256).u8(n).raw(rng.bytes(n)); }
        else p.count(2).u16(ALG_SHA256).u8(3).u8(1).u8(0).u8(0).u16(ALG_SHA256).u8(3).u8(2).u8(0).u8(0);
        return bad([], p, 'selection');
      }
      case CC.PCR_Reset: return bad([rng.range(0, 15)], new W(), 'a PCR that cannot be reset');
      case CC.StartAuthSession: {
        const k = rng.int(6);
        let tpmKey = RH_NULL;
        let nonce: Uint8Array = rng.bytes(rng.range(16, 32));
        let salt: Uint8Array = new Uint8Array(0);
        let type = 0;
        let hash = ALG_SHA256;
        if (k === 0) salt = rng.bytes(rng.range(1, 68));
        if (k === 1) tpmKey = anyObj();
        if (k === 2) type = rng.pick([1, 2, 3, 0xff]);
        if (k === 4) hash = rng.pick([0x0004, 0x000c, ALG_NULL]);
        if (k === 5) nonce = rng.bytes(rng.int(16));
        const p = new W().b2(nonce).b2(salt).u8(type);
        if (k === 3) p.u16(ALG_AES).u16(128).u16(ALG_CFB); else p.u16(ALG_NULL);
        p.u16(hash);
        const why = ['salt', 'tpmKey', 'session type', 'symmetric', 'authHash', 'short nonceCaller'][k];
        return this.assemble(cc, [tpmKey, RH_NULL], null, p, -1, `StartAuthSession (refused: ${why})`);
      }
      case CC.CreatePrimary: case CC.Create: {
        const handle = cc === CC.CreatePrimary ? rng.pick([RH_OWNER, RH_ENDORSEMENT, RH_PLATFORM, RH_NULL])
          : storage.length > 0 ? TRANSIENT + rng.pick(storage) : anyObj();
        const k = rng.int(12);
        const t = this.randomTmpl(k === 5 ? 0 : k === 6 || k === 7 ? 1 : k === 8 ? 3 : rng.int(4));
        const o: TmplOverride = {};
        let data: Uint8Array = new Uint8Array(0);
        switch (k) {
          case 0: t.attrs |= OA_SIGN | OA_DECRYPT | OA_RESTRICTED; break;
          case 1: t.attrs &= ~OA_SENSITIVE_DATA_ORIGIN; break;
          case 2: t.attrs = (t.attrs | OA_FIXED_TPM) & ~OA_FIXED_PARENT; break;
          case 3: t.attrs &= ~(OA_SIGN | OA_DECRYPT); break;
          case 4: t.attrs = (t.attrs | rng.pick([1 << 0, 1 << 3, 1 << 8, 1 << 9, 1 << 12, 1 << 15, 1 << 19, 1 << 31])) >>> 0; break;
          case 5: t.sym = 0; break;
          case 6: t.sym = 128; break;
          case 7: t.scheme = ALG_NULL; break;
          case 8: t.scheme = ALG_ECDSA; break;
          case 9: t.policy = rng.bytes(20); break;
          case 10: data = rng.bytes(rng.range(1, 128)); break;
          default: {
            const f = rng.int(7);
            if (f === 0) o.nameAlg = rng.pick([0x0004, 0x000c, ALG_NULL]);
            if (f === 1) o.curve = rng.pick([0x0001, 0x0004, 0x0010, 0]);
            if (f === 2) o.kdf = rng.pick([0x0020, 0x0022, 0x0007]);
            if (f === 3) { t.attrs = (t.attrs & ~OA_SIGN) | OA_RESTRICTED | OA_DECRYPT; t.scheme = ALG_NULL; o.symBits = rng.pick([192, 0, 512]); }
            if (f === 4) { t.attrs = (t.attrs & ~OA_SIGN) | OA_RESTRICTED | OA_DECRYPT; t.scheme = ALG_NULL; t.sym = 128; o.symMode = rng.pick([0x0040, 0x0044, ALG_NULL]); }
            if (f === 5) { t.attrs = (t.attrs & ~OA_DECRYPT) | OA_SIGN; t.sym = 0; t.scheme = ALG_ECDSA; o.schemeHash = rng.pick([0x0004, 0x000c]); }
            if (f === 6) o.type = rng.pick([0x0001, 0x0008, 0x0025]);
          }
        }
        const p = new W();
        p.sized((w) => { w.b2(new Uint8Array(0)).b2(data); });
        p.sized((w) => writeTmplWith(w, t, o));
        p.b2(new Uint8Array(0)).sel({ count: 0, mask: 0 });
        const whys = ['restricted sign+decrypt', 'no sensitiveDataOrigin', 'fixedTPM without fixedParent', 'neither sign nor decrypt',
          'reserved attribute', 'storage key without symmetric', 'signing key with symmetric', 'restricted signing key without scheme',
          'decryption key with ECDSA', '20-byte policy', 'sensitive data for an ECC key', 'unsupported algorithm in the template'];
        return bad([handle], p, whys[k]);
      }
      case CC.Load: {
        if (this.created.length === 0) return null;
        const c = rng.pick(this.created);
        const parent = storage.length > 0 ? TRANSIENT + rng.pick(storage) : anyObj();
        const priv = c.priv.slice();
        const pub = c.pub.slice();
        const k = rng.int(3);
        if (k === 0) priv[rng.int(priv.length)] ^= 1 << rng.int(8);
        if (k === 1) pub[pub.length - 1 - rng.int(32)] ^= 1 << rng.int(8); // the unique point: another Name
        const p = new W().b2(priv);
        p.sizes.push([p.b.length, 2]);
        p.raw(pub);
        // k === 2: under whatever parent was picked (the right one only by chance: then it may load)
        if (k === 2) return this.assemble(cc, [parent], this.auths([parent], 1), p, null, 'Load (maybe under another parent)');
        return bad([parent], p, k === 0 ? 'tampered private' : 'tampered public');
      }
      case CC.Quote: {
        const signers = this.loadedSlots((o) => (o.attrs & OA_SIGN) !== 0);
        const others = this.loadedSlots((o) => (o.attrs & OA_SIGN) === 0);
        const k = rng.int(others.length > 0 ? 5 : 4);
        const key = k === 4 && others.length > 0 ? TRANSIENT + rng.pick(others) : signers.length > 0 ? TRANSIENT + rng.pick(signers) : anyObj();
        const p = new W().b2(rng.bytes(k === 2 ? rng.range(35, 64) : 8));
        if (k === 0) p.u16(rng.pick([0x0014, 0x0016, 0x001a])).u16(ALG_SHA256);
        else if (k === 1) p.u16(ALG_ECDSA).u16(rng.pick([0x0004, 0x000c, ALG_NULL]));
        else p.u16(ALG_ECDSA).u16(ALG_SHA256);
        if (k === 3) p.count(1).u16(0x0004).u8(3).u8(1).u8(0).u8(0); else p.sel({ count: 1, mask: 1 });
        return bad([key], p, ['signature scheme', 'scheme hash', 'qualifyingData over 34 bytes', 'SHA-1 bank', 'a key that cannot sign'][k]);
      }
      case CC.NV_DefineSpace: {
        const platform = rng.chance(0.3);
        let attrs = NV_OWNERWRITE | NV_OWNERREAD | (platform ? NV_PLATFORMCREATE | NV_PPWRITE | NV_PPREAD : 0);
        let index = 0x01000000 + rng.int(12);
        let size = rng.int(64);
        let nameAlg = ALG_SHA256;
        let policy: Uint8Array = new Uint8Array(0);
        let auth0 = platform ? RH_PLATFORM : RH_OWNER;
        const k = rng.int(9);
        if (k === 0) attrs |= rng.pick([1 << 3, 1 << 19, 1 << 10, 1 << 13, 1 << 14, 1 << 15, 1 << 31, 1 << 27, 1 << 26]);
        if (k === 1) attrs |= rng.pick([1 << 11, 1 << 28, 1 << 29]);
        if (k === 2) attrs |= rng.pick([1, 2, 4, 8]) << 4;
        if (k === 3) attrs |= rng.pick([1 << 8, 1 << 9, 1 << 20, 1 << 24]);
        if (k === 4) attrs &= rng.chance(0.5) ? ~(NV_OWNERWRITE | NV_PPWRITE | NV_AUTHWRITE) : ~(NV_OWNERREAD | NV_PPREAD | NV_AUTHREAD);
        if (k === 5) auth0 = platform ? RH_OWNER : RH_PLATFORM;
        if (k === 6) size = rng.range(1025, 0xffff);
        if (k === 7) { if (rng.chance(0.5)) nameAlg = rng.pick([0x0004, 0x000c, ALG_NULL]); else index = rng.pick([0x02000000, 0x81000001, 0x00000007]); }
        if (k === 8) policy = rng.bytes(rng.pick([20, 1, 31]));
        const p = new W().b2(new Uint8Array(0));
        p.sized((w) => { w.handle(index).u16(nameAlg).u32(attrs >>> 0).b2(policy).u16(size); });
        return bad([auth0], p, ['unsupported attribute', 'state attribute', 'index type', 'reserved attribute', 'no write or no read access',
          'platformCreate and the wrong hierarchy', 'size over 1024', 'nameAlg or handle', 'policy size'][k]);
      }
      case CC.NV_Write: case CC.NV_Read: {
        const idx = [...m.nv.entries()].filter(([, v]) => (v.pub.attrs & (cc === CC.NV_Write ? NV_OWNERWRITE : NV_OWNERREAD)) !== 0);
        if (idx.length === 0) return null;
        const [index, nv] = rng.pick(idx);
        const size = nv.pub.size;
        const offset = rng.range(0, size + 4);
        const n = Math.max(size - offset + 1, 1) + rng.int(8);
        if (cc === CC.NV_Write) return bad([RH_OWNER, index], new W().b2(rng.bytes(Math.min(n, 1024))).u16(offset), 'out of range');
        return bad([RH_OWNER, index], new W().u16(n).u16(offset), 'out of range');
      }
      case CC.NV_UndefineSpace: {
        const idx = [...m.nv.entries()].filter(([, v]) => (v.pub.attrs & NV_PLATFORMCREATE) !== 0);
        if (idx.length === 0) return null;
        return bad([RH_OWNER, rng.pick(idx)[0]], new W(), 'the owner deleting a platform index');
      }
      case CC.HashSequenceStart: return bad([], new W().b2(new Uint8Array(0)).u16(rng.pick([0x0004, 0x000c, ALG_NULL, 0])), 'hash algorithm');
      case CC.SequenceUpdate: case CC.SequenceComplete: {
        const seqs = this.loadedSlots().filter((i) => (m.obj[i] as MObj).seq !== null);
        if (seqs.length === 0) return null;
        const h = TRANSIENT + rng.pick(seqs);
        if (cc === CC.SequenceUpdate) return bad([h], new W().b2(rng.bytes(rng.range(1025, 1200))), 'more than 1024 bytes');
        return bad([h], new W().b2(rng.bytes(rng.int(64))).handle(rng.pick([RH_LOCKOUT, 0x40000000, 0, TRANSIENT])), 'hierarchy');
      }
      case CC.ContextLoad: {
        const alive = this.saved.filter((s) => s.alive);
        if (alive.length === 0) return null;
        const c = rng.pick(alive).ctx.slice();
        const k = rng.int(4);
        if (k === 0) put32(c, 8, rng.pick([0x80000003, 0x02000000, 0x81000000]));
        if (k === 1) put32(c, 12, rng.pick([RH_LOCKOUT, 0x40000000, TRANSIENT]));
        if (k === 2) c[18 + 2 + rng.int(c.length - 20)] ^= 1 << rng.int(8);
        if (k === 3) put16(c, 18, rng.pick([20, 0, 33]));
        return bad([], new W().raw(c), ['savedHandle', 'hierarchy', 'a tampered blob', 'integrity size'][k]);
      }
      case CC.FlushContext: return bad([], new W().handle(rng.pick([0, 16, RH_OWNER, RH_NULL, 0x01000000, TRANSIENT + 3, 0x81000000, HMAC_FIRST + 3, 0x03000000])), 'handle');
      case CC.ContextSave: {
        const sess = m.sess.map((s, i) => (s !== null ? HMAC_FIRST + i : -1)).filter((x) => x >= 0);
        return sess.length > 0 ? bad([rng.pick(sess)], new W(), 'a session (not saved by this TPM)') : null;
      }
      case CC.ReadPublic: {
        const seqs = this.loadedSlots().filter((i) => (m.obj[i] as MObj).seq !== null);
        return seqs.length > 0 ? bad([TRANSIENT + rng.pick(seqs)], new W(), 'a sequence') : null;
      }
      case CC.GetCapability: return bad([], new W().u32(rng.pick([9, 0x100, 0xffffffff])).u32(0).u32(1), 'capability');
      case CC.DictionaryAttackLockReset: case CC.DictionaryAttackParameters: {
        const p = cc === CC.DictionaryAttackParameters ? new W().u32(DA_OFF[0]).u32(DA_OFF[1]).u32(DA_OFF[2]) : new W();
        return bad([rng.pick([RH_OWNER, RH_ENDORSEMENT, RH_PLATFORM, RH_NULL])], p, 'not the lockout hierarchy');
      }
      default: return null;
    }
  }

  /** A well-formed command of code cc for the current state (expensive ones only if allowed). */
  build(cc: number, progress: number): Built | null {
    const eccOk = this.eccAllowed(cc, progress);
    const rng = this.rng;
    const m = this.model;
    const A = (handles: number[]): AuthSpec[] | null => this.auths(handles, (SPEC.get(cc) as CmdSpec).auth);
    const mk = (handles: number[], p: W, exp: number | null, label?: string): Built =>
      this.assemble(cc, handles, A(handles), p, exp, label ?? (SPEC.get(cc) as CmdSpec).name);
    const anyObj = (): number => {
      const l = this.loadedSlots();
      return l.length > 0 ? TRANSIENT + rng.pick(l) : TRANSIENT + rng.int(4);
    };
    if (rng.chance(0.12)) {
      const v = this.refusedVariant(cc);
      if (v !== null) return v;
    }
    switch (cc) {
      case CC.Startup: return mk([], new W().u16(rng.int(2)), RC.INITIALIZE);
      case CC.Shutdown: return mk([], new W().u16(rng.chance(0.5) ? 1 : 0), 0);
      case CC.SelfTest: return mk([], new W().u8(eccOk && rng.chance(0.03) ? 1 : 0), 0);
      case CC.GetTestResult: return mk([], new W(), 0);
      case CC.GetCapability: {
        const cap = rng.int(10);
        const count = rng.chance(0.1) ? rng.pick([0, 0xffffffff, 0x80000000, 65]) : rng.range(1, 64);
        let prop = 0;
        switch (cap) {
          case 0: prop = rng.pick([0, 1, 0x10, 0x23, 0xffff]); break;
          case 1: prop = rng.pick([0x80000000, 0x80000001, 0x02000000, 0x01000000, 0x01000004, 0, 5, 0x40000000, 0x81000000, 0x03000000]); break;
          case 2: prop = rng.pick([0x11f, 0x150, 0x17a, 0x183, 0]); break;
          case 6: prop = rng.pick([0x100, 0x105, 0x11e, 0x12f, 0x200, 0x214, 0x215, 0]); break;
          case 7: prop = rng.range(0, 0xc); break;
          case 8: prop = rng.range(0, 4); break;
          default: prop = rng.int(8);
        }
        return mk([], new W().u32(cap === 9 ? rng.pick([9, 0x100, 0xffffffff]) : cap).u32(prop).u32(count),
          cap === 9 ? RC.VALUE | 0x40 | 0x100 : 0, 'GetCapability ' + cap);
      }
      case CC.GetRandom: return mk([], new W().u16(rng.chance(0.05) ? rng.int(0x10000) : rng.int(49)), 0);
      case CC.StirRandom: return mk([], new W().b2(rng.bytes(rng.int(129))), 0);
      case CC.Hash: {
        let data = rng.bytes(rng.chance(0.8) ? rng.int(65) : rng.int(1025));
        if (data.length >= 4 && rng.chance(0.1)) data = cat(be32(0xff544347), data.subarray(4));
        return mk([], new W().b2(data).u16(ALG_SHA256).handle(rng.pick([RH_OWNER, RH_ENDORSEMENT, RH_PLATFORM, RH_NULL])), 0);
      }
      case CC.PCR_Extend: {
        const r = rng.int(10);
        const pcr = r < 7 ? rng.pick([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 23]) : r < 9 ? rng.range(17, 22) : RH_NULL;
        const p = new W();
        const one = rng.chance(0.92);
        p.count(one ? 1 : 0);
        if (one) p.u16(ALG_SHA256).raw(rng.bytes(32));
        return mk([pcr], p, pcr === RH_NULL || PCR_CLIENT_EXTEND(pcr) ? 0 : RC.LOCALITY);
      }
      case CC.PCR_Read: return mk([], new W().sel(this.randomSel()), 0);
      case CC.PCR_Reset: {
        const pcr = rng.chance(0.7) ? rng.pick([16, 23]) : rng.int(24);
        return mk([pcr], new W(), PCR_CLIENT_RESET(pcr) ? 0 : RC.LOCALITY);
      }
      case CC.CreatePrimary: {
        if (!eccOk && this.freeObjSlot()) return null;
        const hier = rng.pick([RH_OWNER, RH_ENDORSEMENT, RH_PLATFORM, RH_NULL]);
        const t = this.randomTmpl(rng.int(4));
        const auth = rng.chance(0.5) ? rng.bytes(rng.int(33)) : new Uint8Array(0);
        return this.createPrimaryCmd(hier, t, auth, rng.bytes(rng.int(35)), rng.chance(0.7) ? { count: 0, mask: 0 } : this.randomSel(),
          this.auths([hier], 1), this.freeObjSlot() ? 0 : RC.OBJECT_MEMORY);
      }
      case CC.Create: {
        const parents = this.loadedSlots((o) => (o.attrs & (OA_RESTRICTED | OA_DECRYPT | OA_SIGN)) === (OA_RESTRICTED | OA_DECRYPT));
        if (!eccOk && parents.length > 0) return null;
        const parent = parents.length > 0 ? TRANSIENT + rng.pick(parents) : anyObj();
        const t = this.randomTmpl(rng.int(4));
        const p = new W();
        const auth = rng.chance(0.5) ? rng.bytes(rng.int(33)) : new Uint8Array(0);
        p.sized((w) => { w.b2(auth).b2(new Uint8Array(0)); });
        p.sized((w) => writeTmpl(w, t));
        p.b2(rng.bytes(rng.int(35))).sel(rng.chance(0.7) ? { count: 0, mask: 0 } : this.randomSel());
        return mk([parent], p, parents.length > 0 ? 0 : null);
      }
      case CC.Load: {
        const options: Array<[number, Created]> = [];
        for (const c of this.created) {
          for (const s of this.loadedSlots()) if (eq((m.obj[s] as MObj).name, c.parentName)) options.push([s, c]);
        }
        if (!eccOk && options.length > 0 && this.freeObjSlot()) return null;
        if (options.length === 0) {
          const p = new W().b2(rng.bytes(rng.range(34, 120)));
          p.sized((w) => writeTmpl(w, this.randomTmpl(rng.int(4))));
          return mk([anyObj()], p, null);
        }
        const [slot, c] = rng.pick(options);
        const p = new W().b2(c.priv);
        p.sizes.push([p.b.length, 2]);
        p.raw(c.pub.subarray(0, 2)).raw(c.pub.subarray(2));
        return mk([TRANSIENT + slot], p, this.freeObjSlot() ? 0 : RC.OBJECT_MEMORY);
      }
      case CC.ReadPublic: {
        const h = anyObj();
        const o = m.obj[h - TRANSIENT];
        return mk([h], new W(), o === null || o === undefined ? null : o.seq !== null ? 0x103 : 0);
      }
      case CC.HashSequenceStart: {
        const auth = rng.chance(0.5) ? rng.bytes(rng.int(33)) : new Uint8Array(0);
        return mk([], new W().b2(auth).u16(ALG_SHA256), this.freeObjSlot() ? 0 : RC.OBJECT_MEMORY);
      }
      case CC.SequenceUpdate: case CC.SequenceComplete: {
        const seqs = this.loadedSlots().filter((i) => (m.obj[i] as MObj).seq !== null);
        const h = seqs.length > 0 ? TRANSIENT + rng.pick(seqs) : anyObj();
        let data = rng.bytes(rng.chance(0.8) ? rng.int(100) : rng.int(1025));
        const o = m.obj[h - TRANSIENT];
        if (o !== null && o !== undefined && o.seq !== null && o.seq.head.length === 0 && data.length >= 4 && rng.chance(0.15)) {
          data = cat(be32(0xff544347), data.subarray(4));
        }
        const p = new W().b2(data);
        if (cc === CC.SequenceComplete) p.handle(rng.pick([RH_OWNER, RH_ENDORSEMENT, RH_PLATFORM, RH_NULL]));
        return mk([h], p, seqs.length > 0 ? 0 : null);
      }
      case CC.ContextSave: {
        const l = this.loadedSlots();
        return l.length > 0 ? mk([TRANSIENT + rng.pick(l)], new W(), 0) : mk([anyObj()], new W(), null);
      }
      case CC.ContextLoad: {
        const p = new W();
        const free = this.freeObjSlot();
        if (this.saved.length === 0 || rng.chance(0.05)) {
          p.u32(0).u32(rng.int(100)).handle(0x80000000).handle(RH_OWNER).b2(rng.bytes(rng.range(34, 200)));
          return mk([], p, null);
        }
        const sv = rng.pick(this.saved);
        const probe = rng.chance(0.2);
        const c = probe ? this.probeCtx : sv.ctx;
        p.u32(get32(c, 0)).u32(get32(c, 4)).handle(get32(c, 8)).handle(get32(c, 12));
        p.sizes.push([p.b.length, 2]);
        p.u16(get16(c, 16));
        p.sizes.push([p.b.length, 2]);
        p.raw(c.subarray(18, 20)).raw(c.subarray(20, 52)).raw(c.subarray(52));
        // a context that died at a TPM Reset/Restart fails its integrity check (TPM_RC_INTEGRITY + P + 1)
        const dead = !probe && !sv.alive;
        return mk([], p, dead ? 0x1df : free ? 0 : RC.OBJECT_MEMORY, dead ? 'ContextLoad of a dead context' : 'ContextLoad');
      }
      case CC.FlushContext: {
        const objs = this.loadedSlots().map((s) => TRANSIENT + s);
        const sess = m.sess.map((s, i) => (s !== null ? HMAC_FIRST + i : -1)).filter((x) => x >= 0);
        const all = [...objs, ...sess];
        if (all.length === 0) return mk([], new W().handle(TRANSIENT + rng.int(3)), null);
        return mk([], new W().handle(rng.pick(all)), 0);
      }
      case CC.StartAuthSession: {
        let bind = RH_NULL;
        if (rng.chance(0.5)) {
          const cands = [RH_OWNER, RH_ENDORSEMENT, RH_PLATFORM, RH_LOCKOUT, rng.int(24), ...this.loadedSlots().map((s) => TRANSIENT + s), ...m.nv.keys()];
          bind = rng.pick(cands);
        }
        const p = new W().b2(rng.bytes(rng.range(16, 32))).b2(new Uint8Array(0)).u8(0).u16(ALG_NULL).u16(ALG_SHA256);
        return this.assemble(cc, [RH_NULL, bind], null, p, m.sess.some((s) => s === null) ? 0 : RC.SESSION_MEMORY, 'StartAuthSession');
      }
      case CC.Quote: {
        const keys = this.loadedSlots((o) => (o.attrs & OA_SIGN) !== 0);
        if (!eccOk && keys.length > 0) return null;
        const slot = keys.length > 0 ? rng.pick(keys) : -1;
        const o = slot >= 0 ? this.tpm.objects[slot] : null;
        const ecdsa = o === null || o.scheme !== ALG_ECDSA || rng.chance(0.5);
        const p = new W().b2(rng.bytes(rng.int(35)));
        if (ecdsa) p.u16(ALG_ECDSA).u16(ALG_SHA256); else p.u16(ALG_NULL);
        p.sel(this.randomSel());
        return mk([slot >= 0 ? TRANSIENT + slot : anyObj()], p, slot >= 0 ? 0 : null);
      }
      case CC.NV_DefineSpace: {
        const platform = rng.chance(0.3);
        const index = rng.chance(0.85) ? 0x01000000 + rng.int(12) : 0x01000000 | (rng.u32() & 0xffffff);
        let attrs = 0;
        while ((attrs & (NV_PPWRITE | NV_OWNERWRITE | NV_AUTHWRITE)) === 0) attrs = rng.int(8);
        let rd = 0;
        while (rd === 0) rd = rng.int(8);
        attrs |= rd << 16;
        if (rng.chance(0.2)) attrs |= NV_WRITEALL;
        if (rng.chance(0.3)) attrs |= NV_NO_DA;
        if (platform) attrs |= NV_PLATFORMCREATE;
        const size = rng.chance(0.9) ? rng.int(65) : rng.int(1025);
        const auth = rng.chance(0.6) ? rng.bytes(rng.int(33)) : new Uint8Array(0);
        const policy = rng.chance(0.2) ? rng.bytes(32) : new Uint8Array(0);
        const p = new W().b2(auth);
        p.sized((w) => { w.handle(index).u16(ALG_SHA256).u32(attrs >>> 0).b2(policy).u16(size); });
        const auth0 = platform ? RH_PLATFORM : RH_OWNER;
        const exp = m.nv.has(index) ? RC.NV_DEFINED : m.nv.size >= MAX_NV ? RC.NV_SPACE : 0;
        return mk([auth0], p, exp);
      }
      case CC.NV_UndefineSpace: case CC.NV_Write: case CC.NV_Read: case CC.NV_ReadPublic: {
        const idx = [...m.nv.keys()];
        const index = idx.length > 0 && rng.chance(0.95) ? rng.pick(idx) : 0x01000000 + rng.int(12);
        const nv = m.nv.get(index);
        const a = nv === undefined ? 0 : nv.pub.attrs;
        if (cc === CC.NV_ReadPublic) return mk([index], new W(), nv !== undefined ? 0 : null);
        if (cc === CC.NV_UndefineSpace) {
          return mk([(a & NV_PLATFORMCREATE) !== 0 ? RH_PLATFORM : RH_OWNER, index], new W(), nv !== undefined ? 0 : null);
        }
        const write = cc === CC.NV_Write;
        const who: number[] = [];
        if ((a & (write ? NV_PPWRITE : NV_PPREAD)) !== 0) who.push(RH_PLATFORM);
        if ((a & (write ? NV_OWNERWRITE : NV_OWNERREAD)) !== 0) who.push(RH_OWNER);
        if ((a & (write ? NV_AUTHWRITE : NV_AUTHREAD)) !== 0) who.push(index);
        const wrongAuth = who.length === 0 || rng.chance(0.05);
        const auth = wrongAuth ? rng.pick([RH_OWNER, RH_PLATFORM, index]) : rng.pick(who);
        const size = nv === undefined ? 8 : nv.pub.size;
        const writeAll = (a & NV_WRITEALL) !== 0;
        const offset = write && writeAll ? 0 : rng.int(size + 1);
        const n = write && writeAll ? size : rng.int(size - offset + 1);
        const p = write ? new W().b2(rng.bytes(n)).u16(offset) : new W().u16(n).u16(offset);
        let exp: number | null = null;
        if (nv !== undefined) {
          const allowed = who.includes(auth);
          exp = !allowed ? RC.NV_AUTHORIZATION : !write && (a & NV_WRITTEN) === 0 ? RC.NV_UNINITIALIZED : 0;
        }
        return mk([auth, index], p, exp);
      }
      case CC.DictionaryAttackLockReset: return mk([RH_LOCKOUT], new W(), m.lockoutEnabled ? 0 : RC.LOCKOUT);
      case CC.DictionaryAttackParameters: {
        // mostly DA_OFF; other values are restored at once (send)
        const v = rng.chance(0.8) ? [...DA_OFF] : [rng.pick([0, 1, 32, rng.u32()]), rng.pick([0, 1, 600, rng.u32()]), rng.pick([0, 1, 86400, rng.u32()])];
        return mk([RH_LOCKOUT], new W().u32(v[0]).u32(v[1]).u32(v[2]), m.lockoutEnabled ? 0 : RC.LOCKOUT);
      }
      default: return null;
    }
  }

  /** The pacing of expensive commands: each one's share of the budget spreads over the run. */
  eccAllowed(cc: number, progress: number): boolean {
    const share = ECC_SHARE.get(cc);
    if (share === undefined) return true;
    const spent = (this.eccByCc.get(cc) ?? 0) + (ECC_COST.get(cc) as number);
    return spent <= share * progress + 4 && spent <= share;
  }

  // ---- source (c): valid sequences ----

  validWeights(): number[] {
    const m = this.model;
    const nObj = m.obj.filter((o) => o !== null).length;
    const nSess = m.sess.filter((s) => s !== null).length;
    return ALL_CC.map((cc) => {
      switch (cc) {
        case CC.Startup: return 0.3;
        case CC.Shutdown: return 0.7;
        case CC.SelfTest: case CC.GetTestResult: return 0.7;
        case CC.GetCapability: return 4;
        case CC.GetRandom: return 3;
        case CC.StirRandom: return 2;
        case CC.Hash: return 2;
        case CC.PCR_Extend: return 6;
        case CC.PCR_Read: return 4;
        case CC.PCR_Reset: return 2;
        case CC.CreatePrimary: return nObj < 3 ? 0.5 : 0.3;
        case CC.Create: return 3;
        case CC.Load: return nObj < 3 ? (this.loadable() ? 8 : 2) : 0.3;
        case CC.ReadPublic: return 3;
        case CC.ContextSave: return nObj > 0 ? 3 : 0.3;
        case CC.ContextLoad: return nObj < 3 ? 6 : 0.5;
        case CC.FlushContext: return nObj === 3 || nSess === 3 ? 6 : 2;
        case CC.StartAuthSession: return nSess < 3 ? 4 : 0.5;
        case CC.Quote: return 1;
        case CC.NV_DefineSpace: return m.nv.size < 6 ? 3 : 1;
        case CC.NV_UndefineSpace: return m.nv.size > 4 ? 2 : 0.7;
        case CC.NV_Write: return 5;
        case CC.NV_Read: return 4;
        case CC.NV_ReadPublic: return 3;
        case CC.HashSequenceStart: return nObj < 3 ? 1.5 : 0.3;
        case CC.SequenceUpdate: return 3;
        case CC.SequenceComplete: return 1.5;
        case CC.DictionaryAttackLockReset: return 0.7;
        case CC.DictionaryAttackParameters: return 0.7;
        default: return 1;
      }
    });
  }

  validCommand(progress: number): Built {
    const weights = this.validWeights();
    for (;;) {
      const cc = ALL_CC[this.rng.weighted(weights)];
      const b = this.build(cc, progress);
      if (b !== null) return b;
    }
  }

  // ---- source (b): mutations ----

  handlePool(): number[] {
    const m = this.model;
    return [0, 7, 16, 17, 23, 24, 0xff, ...m.nv.keys(), 0x01000000 + this.rng.int(12), 0x01ffffff, HMAC_FIRST, HMAC_FIRST + 1,
      HMAC_FIRST + 2, HMAC_FIRST + 3, 0x03000000, 0x03000001, RH_OWNER, RH_NULL, RS_PW, RH_LOCKOUT, RH_ENDORSEMENT,
      RH_PLATFORM, 0x40000000, 0x40000010, 0x4000010f, TRANSIENT, TRANSIENT + 1, TRANSIENT + 2, TRANSIENT + 3, 0x80ffffff,
      0x81000000, 0x81010001, 0xffffffff, this.rng.u32()];
  }

  mutate(b: Built): { bytes: Uint8Array; len: number; buffer: Uint8Array; what: string[]; remac: boolean } {
    const rng = this.rng;
    const a = Array.from(b.bytes);
    const w = b.w;
    const what: string[] = [];
    const k = rng.chance(0.7) ? 1 : rng.range(2, 4);
    let fixSize = rng.chance(0.85);
    for (let j = 0; j < k; j++) {
      const op = rng.weighted([10, 8, 8, 5, 5, 10, 5, 10, 4, 3, 3, 3, 4]);
      switch (op) {
        case 0: { // bit flip
          const at = rng.int(a.length);
          a[at] ^= 1 << rng.int(8);
          what.push('flip@' + at);
          break;
        }
        case 1: { // byte replacement
          const at = rng.int(a.length);
          a[at] = rng.pick([0, 0xff, 0x80, 0x7f, (a[at] + 1) & 0xff, (a[at] - 1) & 0xff, rng.int(256)]);
          what.push('byte@' + at);
          break;
        }
        case 2: { // truncation at a structure boundary (±1)
          const at = Math.max(0, Math.min(a.length, rng.pick(w.bounds) + rng.pick([0, 0, 0, -1, 1])));
          a.length = at;
          what.push('truncate@' + at);
          break;
        }
        case 3: { // insertion
          const at = rng.chance(0.6) ? Math.min(a.length, rng.pick(w.bounds)) : rng.int(a.length + 1);
          const ins = rng.bytes(rng.pick([1, 1, 2, 4, 8, rng.range(1, 64)]));
          a.splice(at, 0, ...ins);
          what.push(`insert${ins.length}@${at}`);
          break;
        }
        case 4: { // removal
          const at = rng.chance(0.6) ? Math.min(a.length, rng.pick(w.bounds)) : rng.int(a.length + 1);
          const n = rng.pick([1, 1, 2, 4, 8, rng.range(1, 64)]);
          a.splice(at, n);
          what.push(`remove${n}@${at}`);
          break;
        }
        case 5: { // a size field
          const [at, width] = rng.pick(w.sizes);
          if (at + width > a.length) break;
          const cur = width === 2 ? get16(Uint8Array.from(a), at) : get32(Uint8Array.from(a), at);
          const max = width === 2 ? 0xffff : 0xffffffff;
          const v = rng.pick([0, max, cur + 1, cur - 1, cur + rng.range(2, 64), rng.int(max + 1), 1, 0x8000, cur * 2]);
          if (width === 2) put16(a, at, v); else put32(a, at, v >>> 0);
          if (at === 2) fixSize = false;
          what.push(`size@${at}=${(v >>> 0).toString(16)}`);
          break;
        }
        case 6: { // a count field
          if (w.counts.length === 0) break;
          const at = rng.pick(w.counts);
          if (at + 4 > a.length) break;
          const v = rng.pick([0xffffffff, 0x80000000, 0x10000, 2, 3, 17, 0, 1, rng.u32()]);
          put32(a, at, v);
          what.push(`count@${at}=${v.toString(16)}`);
          break;
        }
        case 7: { // a handle replaced by another type
          if (w.handles.length === 0) break;
          const at = rng.pick(w.handles);
          if (at + 4 > a.length) break;
          const v = rng.pick(this.handlePool());
          put32(a, at, v);
          what.push(`handle@${at}=${h8(v)}`);
          break;
        }
        case 8: { // tag
          const v = rng.chance(0.7) ? (get16(Uint8Array.from(a), 0) === ST_NO ? ST_SES : ST_NO) : rng.pick([0x8000, 0x00c1, 0x00c4, 0x8003, rng.int(0x10000)]);
          put16(a, 0, v);
          what.push('tag=' + v.toString(16));
          break;
        }
        case 9: { // sessions: duplicate one, or add a password session
          if (b.authSizeAt < 0) {
            // give a command without an authorisation area one
            const pw = [0x40, 0, 0, 9, 0, 0, 1, 0, 0];
            const at = 10 + 4 * (SPEC.get(b.cc) as CmdSpec).h;
            if (at > a.length) break;
            a.splice(at, 0, 0, 0, 0, pw.length, ...pw);
            put16(a, 0, ST_SES);
            what.push('add-auth-area');
            break;
          }
          const span = b.sessSpans.length > 0 ? rng.pick(b.sessSpans) : null;
          const entry = span !== null && rng.chance(0.7) ? b.bytes.slice(span[0], span[1]) : Uint8Array.of(0x40, 0, 0, 9, 0, 0, 1, 0, 0);
          const endAuth = b.sessSpans.length > 0 ? b.sessSpans[b.sessSpans.length - 1][1] : b.authSizeAt + 4;
          if (endAuth > a.length) break;
          a.splice(endAuth, 0, ...entry);
          if (rng.chance(0.85)) put32(a, b.authSizeAt, get32(Uint8Array.from(a), b.authSizeAt) + entry.length);
          what.push('dup-session');
          break;
        }
        case 10: { // command code
          if (a.length < 10) break;
          const v = rng.chance(0.85) ? rng.pick(ALL_CC) : rng.pick([0x11f, 0x120, 0x1a0, 0x20000000 | b.cc, rng.u32()]);
          put32(a, 6, v);
          what.push('cc=' + v.toString(16));
          break;
        }
        case 12: { // a password session's password: almost right (or right with trailing zeros)
          const pws = b.sessSpans.filter(([x]) => get32(b.bytes, x) === RS_PW && get16(b.bytes, x + 4) === 0);
          if (pws.length === 0) break;
          const [x, y] = rng.pick(pws);
          if (y > a.length) break;
          const cur = b.bytes.slice(x + 9, y);
          const pw = rng.chance(0.8) ? wrongPassword(rng, trim(cur)) : cat(cur, new Uint8Array(rng.range(1, 4)));
          if (pw.length > 32) break;
          a.splice(x + 7, y - x - 7, (pw.length >>> 8) & 0xff, pw.length & 0xff, ...pw);
          put32(a, b.authSizeAt, get32(Uint8Array.from(a), b.authSizeAt) + pw.length - cur.length);
          what.push('password');
          break;
        }
        default: { // session attributes
          if (b.sessSpans.length === 0) break;
          const span = rng.pick(b.sessSpans);
          const at = span[0] + 4 + 2 + get16(b.bytes, span[0] + 4);
          if (at >= a.length) break;
          a[at] = rng.pick([0, 1, 0x20, 0x40, 0x80, 0x02, 0x04, 0xff, rng.int(256)]);
          what.push('attrs@' + at);
        }
      }
    }
    if (fixSize && a.length >= 6) put32(a, 2, a.length);
    const bytes = Uint8Array.from(a);
    // re-MAC: recompute the HMACs of the mutated command, so the mutation reaches the handler
    let remac = false;
    if (rng.chance(0.6)) remac = this.remac(bytes);
    // the length argument against the buffer
    let buffer: Uint8Array = bytes;
    let len = bytes.length;
    const lr = rng.int(100);
    if (lr < 4) {
      buffer = cat(bytes, rng.bytes(rng.range(1, 64)));
    } else if (lr < 6) {
      len = bytes.length + rng.range(1, 16);
    }
    return { bytes, len, buffer, what, remac };
  }

  /**
   * Every single structural mutation of command b: truncation at each structure boundary, each
   * size field set to 0, max, +1, -1, each count field huge, each handle replaced by one of every
   * handle type, the tag swapped, each session duplicated, a password session added.
   */
  variants(b: Built): Array<{ bytes: Uint8Array; what: string; fix: boolean }> {
    const out: Array<{ bytes: Uint8Array; what: string; fix: boolean }> = [];
    const base = b.bytes;
    const w = b.w;
    const edit = (what: string, f: (a: Uint8Array) => void, fix = true): void => {
      const a = base.slice();
      f(a);
      out.push({ bytes: a, what, fix });
    };
    for (const at of [...new Set(w.bounds)].sort((x, y) => x - y)) {
      if (at < base.length) out.push({ bytes: base.slice(0, at), what: 'truncate@' + at, fix: true });
    }
    for (const [at, width] of w.sizes) {
      const cur = width === 2 ? get16(base, at) : get32(base, at);
      const max = width === 2 ? 0xffff : 0xffffffff;
      for (const v of [0, max, cur + 1, cur - 1]) {
        edit(`size@${at}=${(v >>> 0).toString(16)}`, (a) => (width === 2 ? put16(a, at, v) : put32(a, at, v >>> 0)), at !== 2);
      }
    }
    for (const at of w.counts) for (const v of [0xffffffff, 0x80000000, 0x10000, 2, 0]) edit(`count@${at}=${v.toString(16)}`, (a) => put32(a, at, v));
    const nv = [...this.model.nv.keys()];
    const sess = this.model.sess.findIndex((x) => x !== null);
    const obj = this.model.obj.findIndex((x) => x !== null);
    const types = [0, 17, 24, nv.length > 0 ? nv[0] : 0x01000000, 0x0100000b, sess >= 0 ? HMAC_FIRST + sess : HMAC_FIRST, HMAC_FIRST + 3,
      0x03000000, RH_OWNER, RH_NULL, RS_PW, RH_LOCKOUT, RH_ENDORSEMENT, RH_PLATFORM, 0x40000000, obj >= 0 ? TRANSIENT + obj : TRANSIENT,
      TRANSIENT + 3, 0x81000000, 0xffffffff];
    for (const at of w.handles) for (const v of types) edit(`handle@${at}=${h8(v)}`, (a) => put32(a, at, v));
    for (const v of [get16(base, 0) === ST_NO ? ST_SES : ST_NO, 0x00c1, 0x8000]) edit('tag=' + v.toString(16), (a) => put16(a, 0, v));
    const pw = Uint8Array.of(0x40, 0, 0, 9, 0, 0, 1, 0, 0);
    for (const [x, y] of b.sessSpans) {
      if (get32(base, x) !== RS_PW || get16(base, x + 4) !== 0) continue;
      const cur = trim(base.slice(x + 9, y));
      const wrongs = cur.length === 0 ? [Uint8Array.of(1), Uint8Array.of(0x80, 0)]
        : [(() => { const c = cur.slice(); c[c.length - 1] ^= 1; return c; })(), (() => { const c = cur.slice(); c[0] ^= 0x80; return c; })(),
          cur.slice(0, cur.length - 1), cur.length < 32 ? cat(cur, Uint8Array.of(1)) : cur.slice(1)];
      for (const wpw of wrongs) {
        const a = cat(base.subarray(0, x + 7), be16(wpw.length), wpw, base.subarray(y));
        put32(a, b.authSizeAt, get32(base, b.authSizeAt) + wpw.length - (y - x - 9));
        out.push({ bytes: a, what: 'password ' + hex(wpw), fix: true });
      }
    }
    if (b.authSizeAt >= 0) {
      const end = b.sessSpans[b.sessSpans.length - 1][1];
      const entries = [...b.sessSpans.map(([x, y]) => base.slice(x, y)), pw];
      for (const e of entries) {
        const a = cat(base.subarray(0, end), e, base.subarray(end));
        put32(a, b.authSizeAt, get32(a, b.authSizeAt) + e.length);
        out.push({ bytes: a, what: 'session+' + hex(e.subarray(0, 4)), fix: true });
      }
    } else {
      const at = 10 + 4 * (SPEC.get(b.cc) as CmdSpec).h;
      const a = cat(base.subarray(0, at), be32(pw.length), pw, base.subarray(at));
      put16(a, 0, ST_SES);
      out.push({ bytes: a, what: 'add-auth-area', fix: true });
    }
    for (const v of out) if (v.fix && v.bytes.length >= 6) put32(v.bytes, 2, v.bytes.length);
    return out;
  }

  /** Source (b), systematically: the variants of one well-formed command of every code; returns how many were sent. */
  systematicPass(progress: number, index: number, max: number): number {
    let sent = 0;
    for (const cc of ALL_CC) {
      const b = this.build(cc, progress);
      if (b === null) continue;
      for (const v of this.variants(b)) {
        if (sent >= max) return sent;
        const remac = this.remac(v.bytes);
        this.current = { src: 'mutated', label: `${b.label} systematic ${v.what}${remac ? ' re-MACed' : ''}`, index: index + sent };
        this.send('mutated', v.bytes, v.bytes.length, this.rng.int(4));
        this.systematic++;
        sent++;
      }
    }
    return sent;
  }

  /**
   * A power cycle (the platform's powerOff/powerOn, not commands), after an orderly Shutdown(STATE)
   * now and then; fuzz commands before Startup (all TPM_RC_INITIALIZE unless a mutated Startup
   * gets through), then Startup: a TPM Resume, Restart or Reset. Returns how many fuzz commands were sent.
   */
  powerCycle(progress: number, index: number): number {
    const t = this.tpm;
    const m = this.model;
    let sent = 0;
    if (this.rng.chance(0.6)) {
      const sd = this.assemble(CC.Shutdown, [], null, new W().u16(1), 0, 'Shutdown(STATE)');
      this.current = { src: 'valid', label: sd.label + ' before a power cycle', index: index + sent };
      this.send('valid', sd.bytes, sd.bytes.length, this.rng.int(4), sd);
      sent++;
    }
    powerOff(t);
    powerOn(t);
    m.started = false;
    m.obj = [null, null, null];
    m.sess = [null, null, null];
    m.pcrs.fill(0);
    this.snap = snapshot(t);
    const why = this.checkModel(new Set(Array.from({ length: N_COMP }, (_, i) => i)));
    if (why !== '') this.fail('after a power cycle: ' + why);
    const burst = this.rng.range(20, 60);
    for (let j = 0; j < burst; j++) {
      if (this.rng.chance(0.3)) {
        const c = this.randomCommand();
        this.current = { src: 'random', label: c.label + ' before Startup', index: index + sent };
        this.send('random', c.buffer, c.len, this.locality());
      } else {
        const b = this.build(this.rng.chance(0.4) ? CC.Startup : this.rng.pick(ALL_CC), progress) ?? (this.build(CC.GetRandom, progress) as Built);
        const mu = this.mutate(b);
        this.current = { src: 'mutated', label: `${b.label} mutated ${mu.what.join(',')} before Startup`, index: index + sent };
        this.send('mutated', mu.buffer, mu.len, this.rng.int(4));
      }
      sent++;
    }
    if (!m.started) {
      const orderly = m.lastShutdown === 1 && m.hasSaved;
      const su = orderly && this.rng.chance(0.7) ? 1 : 0;
      const b = this.assemble(CC.Startup, [], null, new W().u16(su), 0, su === 1 ? 'Startup(STATE)' : 'Startup(CLEAR)');
      this.current = { src: 'valid', label: b.label + (orderly ? ' after Shutdown(STATE)' : ''), index: index + sent };
      this.send('valid', b.bytes, b.bytes.length, this.rng.int(4), b);
      sent++;
    }
    this.powerCycles++;
    return sent;
  }

  /** Recompute in place the HMAC of every HMAC session of cmd that this test knows; true if any. */
  remac(cmd: Uint8Array): boolean {
    const pc = parseCmd(cmd, cmd.length);
    if (!pc.ok || pc.sessions.length === 0) return false;
    let cp: Uint8Array | null = null;
    let done = false;
    pc.sessions.forEach((s, i) => {
      const slot = s.handle - HMAC_FIRST;
      if (slot < 0 || slot >= MAX_SESSIONS || s.hmac.length !== 32 || i >= pc.handles.length) return;
      const ms = this.model.sess[slot];
      if (ms === null) return;
      const h = pc.handles[i];
      if (cp === null) cp = this.cpHash(pc.cc, pc.handles.map((x) => this.entityName(x) ?? be32(x)), cmd.subarray(pc.pStart));
      const key = Fuzzer.hmacKey(ms, this.entityName(h) ?? be32(h), this.entityAuth(h) ?? new Uint8Array(0));
      cmd.set(hmac(key, cp, s.nonce, ms.nonce, Uint8Array.of(s.attrs)), s.hmacAt + 2);
      done = true;
    });
    if (done) this.remacs++;
    return done;
  }

  // ---- source (a): random ----

  randomCommand(): { buffer: Uint8Array; len: number; label: string } {
    const rng = this.rng;
    const r = rng.int(100);
    const pickLen = (): number => (rng.chance(0.5) ? rng.int(65) : rng.chance(0.6) ? rng.int(601) : rng.int(4201));
    if (r < 45) {
      // purely random bytes, the length argument being the buffer's
      const b = rng.bytes(pickLen());
      return { buffer: b, len: b.length, label: 'random bytes' };
    }
    // a plausible header in front of random bytes
    const b = rng.bytes(Math.max(10, pickLen()));
    const cc = rng.chance(0.85) ? rng.pick(ALL_CC) : rng.u32();
    put16(b, 0, rng.chance(0.9) ? rng.pick([ST_NO, ST_SES]) : rng.int(0x10000));
    put32(b, 6, cc);
    const s = SPEC.get(cc);
    if (s !== undefined && rng.chance(0.6)) {
      const pool = this.handlePool();
      for (let i = 0; i < s.h && 14 + 4 * i <= b.length; i++) put32(b, 10 + 4 * i, rng.pick(pool));
      const at = 10 + 4 * s.h;
      if (get16(b, 0) === ST_SES && at + 4 <= b.length && rng.chance(0.7)) put32(b, at, rng.int(Math.max(1, b.length - at - 3)));
    }
    let len = b.length;
    const lie = rng.int(100);
    if (lie < 70) put32(b, 2, b.length);
    else if (lie < 85) put32(b, 2, b.length + rng.pick([-1, 1, -10, 100, 4096 - b.length]));
    if (lie >= 95) len = Math.max(0, b.length + rng.pick([-1, 1, 5, -5]));
    return { buffer: b, len, label: 'random body, cc ' + h8(cc) };
  }

  locality(): number {
    const r = this.rng.int(100);
    if (r < 3) return this.rng.pick([4, 5, -1, 255]);
    return r < 80 ? 0 : this.rng.range(1, 3);
  }

  // ---- the full check ----

  fullCheck(): void {
    this.fullChecks++;
    const m = this.model;
    const t = this.tpm;
    const P = (b: Built): Uint8Array => this.send('probe', b.bytes, b.bytes.length, 0, b);
    // PCRs: all of them, 8 per read; the model check inside send() compares every value
    for (const mask of [0xff, 0xff00, 0xff0000]) P(this.assemble(CC.PCR_Read, [], null, new W().sel({ count: 1, mask }), 0, 'probe PCR_Read'));
    // handles against the model
    for (const first of [TRANSIENT, HMAC_FIRST, 0x01000000]) {
      P(this.assemble(CC.GetCapability, [], null, new W().u32(1).u32(first).u32(64), 0, 'probe GetCapability(HANDLES)'));
    }
    // every object and NV index
    for (const s of this.loadedSlots()) {
      P(this.assemble(CC.ReadPublic, [TRANSIENT + s], null, new W(), (m.obj[s] as MObj).seq !== null ? 0x103 : 0, 'probe ReadPublic'));
    }
    for (const [index, nv] of m.nv) {
      P(this.assemble(CC.NV_ReadPublic, [index], null, new W(), 0, 'probe NV_ReadPublic'));
      const a = nv.pub.attrs;
      const who = (a & NV_OWNERREAD) !== 0 ? RH_OWNER : (a & NV_PPREAD) !== 0 ? RH_PLATFORM : index;
      if ((a & NV_WRITTEN) !== 0) {
        P(this.assemble(CC.NV_Read, [who, index], [{ kind: 'pw', attrs: 1, pw: who === index ? nv.auth : new Uint8Array(0) }],
          new W().u16(nv.pub.size).u16(0), 0, 'probe NV_Read'));
      }
    }
    // the probe key: loaded, or reloaded from its saved context (making room if need be)
    let slot = m.obj.findIndex((o) => o !== null && eq(o.name, this.probeName));
    if (slot < 0) {
      if (!this.freeObjSlot()) {
        P(this.assemble(CC.FlushContext, [], null, new W().u32(TRANSIENT + 2), 0, 'probe FlushContext'));
      }
      const c = this.probeCtx;
      const p = new W().raw(c);
      const rsp = P(this.assemble(CC.ContextLoad, [], null, p, 0, 'probe ContextLoad'));
      slot = get32(rsp, 10) - TRANSIENT;
    }
    const o = t.objects[slot];
    if (!eq(o.pub.subarray(0, o.pubLen), this.probePublic)) this.fail('the probe key public area changed');
    // now and then, derive it again: the same template gives the same key while the seed lives
    if (this.fullChecks % 10 === 1) {
      if (!this.freeObjSlot()) {
        const other = (slot + 1) % MAX_OBJECTS;
        P(this.assemble(CC.FlushContext, [], null, new W().u32(TRANSIENT + other), 0, 'probe FlushContext'));
      }
      const p = new W();
      p.sized((w) => { w.b2(new Uint8Array(0)).b2(new Uint8Array(0)); });
      p.b2(this.probeTmplBytes).b2(new Uint8Array(0)).sel({ count: 0, mask: 0 });
      const rsp = P(this.assemble(CC.CreatePrimary, [RH_ENDORSEMENT], [{ kind: 'pw', attrs: 0, pw: new Uint8Array(0) }], p, 0, 'probe CreatePrimary'));
      const s2 = get32(rsp, 10) - TRANSIENT;
      if (!eq((m.obj[s2] as MObj).name, this.probeName)) this.fail('the probe key re-derived to another Name: the endorsement seed changed');
      P(this.assemble(CC.FlushContext, [], null, new W().u32(TRANSIENT + s2), 0, 'probe FlushContext'));
    }
    // a quote over PCRs the fuzzer cannot touch (17) and ones it does, against the model
    const qual = this.rng.bytes(16);
    // (a fuzz CreatePrimary may have made the same key, the same Name, with another authValue)
    const pw = this.entityAuth(TRANSIENT + slot) ?? new Uint8Array(0);
    P(this.assemble(CC.Quote, [TRANSIENT + slot], [{ kind: 'pw', attrs: 1, pw }],
      new W().b2(qual).u16(ALG_NULL).sel({ count: 1, mask: 0x8300ff }), 0, 'probe Quote'));
    // a state image round trip into a second instance, which then answers like this one
    const n = saveState(t, this.image0);
    if (n === 0) this.fail('saveState failed');
    const rc = restoreState(this.clone, this.image0, n);
    if (rc !== 0) this.fail('restoreState of a fresh image: ' + h8(rc));
    const n2 = saveState(this.clone, this.image1);
    if (n2 !== n || !eq(this.image0.subarray(0, n), this.image1.subarray(0, n))) this.fail('state image round trip differs');
    const pn = execute(this.clone, 0, this.probeCmd, this.probeCmd.length, this.rsp);
    if (!eq(this.rsp.subarray(0, pn), this.baseline)) this.fail('the restored instance answers the probe differently');
    // the restored instance continues the saved random stream: the same GetRandom as the original
    const gr = new W().u16(ST_NO).u32(12).u32(CC.GetRandom).u16(32).bytes();
    const g1 = this.send('probe', gr, gr.length, 0);
    const g2n = execute(this.clone, 0, gr, gr.length, this.rsp);
    if (!eq(g1, this.rsp.subarray(0, g2n))) this.fail('the restored instance draws other random bytes than the original');
    const r1 = new W().u16(ST_NO).u32(0).u32(CC.PCR_Read).sel({ count: 1, mask: 0x830000 }).bytes();
    put32(r1, 2, r1.length);
    const a1 = execute(this.tpm, 0, r1, r1.length, this.rsp);
    const x1 = this.rsp.slice(0, a1);
    const a2 = execute(this.clone, 0, r1, r1.length, this.rsp);
    if (!eq(x1, this.rsp.subarray(0, a2))) this.fail('the restored instance reads other PCRs');
  }

  // ---- the run ----

  run(total: number): void {
    this.setup();
    let nextFull = FULL_EVERY;
    let nextPass = 0;
    let nextCycle = total / 16;
    for (let i = 0; i < total;) {
      const progress = i / total;
      if (i >= nextCycle && total - i > 200) {
        i += this.powerCycle(progress, i);
        nextCycle += total / 8;
      }
      if (i >= nextPass) {
        i += this.systematicPass(progress, i, total - i);
        nextPass += total / 4;
      }
      const src = this.rng.weighted([30, 50, 4.5]);
      if (src === 0) {
        const c = this.randomCommand();
        this.current = { src: 'random', label: c.label, index: i };
        this.send('random', c.buffer, c.len, this.locality());
        i++;
      } else if (src === 1) {
        let cc = this.rng.pick(ALL_CC);
        let b = this.build(cc, progress);
        while (b === null) {
          cc = this.rng.pick(ALL_CC);
          b = this.build(cc, progress);
        }
        const mu = this.mutate(b);
        const label = `${b.label} mutated ${mu.what.join(',')}${mu.remac ? ' re-MACed' : ''}`;
        this.current = { src: 'mutated', label, index: i };
        this.send('mutated', mu.buffer, mu.len, this.rng.chance(0.97) ? this.rng.int(4) : this.locality());
        i++;
      } else {
        // a burst of valid commands
        const burst = this.rng.range(1, 8);
        for (let j = 0; j < burst && i < total; j++) {
          const b = this.validCommand(progress);
          this.current = { src: 'valid', label: b.label, index: i };
          this.send('valid', b.bytes, b.bytes.length, this.rng.int(4), b);
          i++;
        }
      }
      if ((i >= nextFull || i === total) && this.model.started) {
        this.current = { src: 'probe', label: 'full check', index: i };
        this.fullCheck();
        nextFull += FULL_EVERY;
      }
    }
  }
}

describe('vTPM engine fuzz', function () {
  this.timeout(300000);

  it(`survives ${COMMANDS} random, mutated and valid commands, answering correctly after each`, () => {
    const f = new Fuzzer(SEED);
    const t0 = process.hrtime.bigint();
    f.run(COMMANDS);
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    const src = (s: Source): string => `${f.bySource.get(s) ?? 0} (${f.okBySource.get(s) ?? 0} succeeded)`;
    const ccs = ALL_CC.map((cc) => `${(SPEC.get(cc) as CmdSpec).name} ${f.okByCc.get(cc) ?? 0}/${f.byCc.get(cc) ?? 0}`).join(', ');
    const rcs = [...f.rcCount.entries()].sort((a, b) => b[1] - a[1]).slice(0, 12).map(([rc, n]) => `${h8(rc)}:${n}`).join(' ');
    console.log(`      vtpm fuzz: seed ${h8(SEED)}: ${f.fuzzSent} commands in ${(ms / 1000).toFixed(1)} s: random ${src('random')}, ` +
      `mutated ${src('mutated')} (${f.systematic} systematic, ${f.remacs} re-MACed), valid ${src('valid')}; ${f.probesSent} probe commands, ${f.fullChecks} full checks, ${f.powerCycles} power cycles, ` +
      `${f.imagesCompared} refused commands' state images compared, P-256 operations ${f.eccSpent} fuzz ` +
      `(${[...f.eccByCc.entries()].filter(([, n]) => n > 0).map(([cc, n]) => `${(SPEC.get(cc) as CmdSpec).name} ${n}`).join(', ')}) + ${f.eccProbe} probe`);
    console.log(`      successes/commands by code: ${ccs}`);
    console.log(`      most frequent response codes: ${rcs}`);
    console.log(`      events: ${[...f.notes.entries()].map(([k, n]) => `${k} ${n}`).join(', ')}`);
    expect(f.fuzzSent).to.be.at.least(COMMANDS);
    expect(COMMANDS >= 100000 || process.env.VTPM_FUZZ_COMMANDS !== undefined).to.equal(true);
  });
});
