/**
 * The vTPM manager: one TPM 2.0 instance per client partition, as in the vTPM architecture
 * (Berger et al., USENIX Security 2006). Instance k is the one behind the vTPM partition's k-th
 * server end; the hypervisor pairs that end with exactly one client (lpar/config.ts addVtpm, a
 * BindVtpm decision), so a client reaches its own instance and nothing in a command can name
 * another. Pure logic over the engine, run by the vTPM partition (lpar/guests/vtpm.ts) and by
 * the unit tests.
 *
 *   launch      the hypervisor's measurements of the client's last launch (its generation, and
 *               each (PCR, digest)): a new generation is a new boot of the client, so the
 *               instance loses power, the digests become its launch log, and the platform
 *               firmware's TPM2_Startup(CLEAR) extends them (vtpm/tpm/platform.ts
 *               measureLaunchInto) — as SLOF starts a pseries vTPM before the OS, which expects
 *               a started TPM (Linux's tpm_ibmvtpm asks GetCapability before any Startup);
 *   commands    run at locality 0; afterwards `saveNeeded` says whether the instance's
 *               non-volatile state may have changed (a TPMA_CC.nv command, a ContextSave, or a
 *               counted authorisation failure) and must be stored before the client hears the
 *               answer;
 *   images      a slot image is a small header (magic, the client's identity) and the engine's
 *               state image (vtpm/tpm/state.ts): an instance is restored only into the client it
 *               belongs to, and always without power (a restarted vTPM is a power loss).
 */
import { pool } from 'tsnc';
import { Channel } from './transport';
import { Cc, MAX_RESPONSE_SIZE } from './tpm/tpm';
import { CmdF, findCommand, rowFlags } from './tpm/commands';
import { execute } from './tpm/engine';
import { getU32, putU32 } from './tpm/marshal';
import { TpmInstance } from './tpm/instance';
import { addEntropy, advanceClock, clearLaunchLog, measureLaunchInto, powerOff, powerOn } from './tpm/platform';
import { STATE_MAX, restoreState, saveState } from './tpm/state';

/** Most instances (the vTPM partition's server ends, lpar/vio.ts MAX_PARTITION_VDEVICES). */
export const MAX_INSTANCES = 8;
/** Most launch measurements per client (image, initrd, device tree, label). */
export const MAX_LAUNCH_ENTRIES = 4;
/** One launch entry as H_TSHYPE_VTPM_LAUNCH writes it: PCR (u32), reserved (u32), SHA-256. */
export const LAUNCH_ENTRY = 40;
/** A slot image: "VTCL" magic, the client's identity (u32), then the engine's state image. */
export const SLOT_MAGIC = 0x5654434c;
export const SLOT_HEADER = 8;
export const SLOT_MAX = SLOT_HEADER + STATE_MAX;

/** Why restoreSlot did not restore (or Restored). */
export const enum SlotStatus { Restored = 0, Empty = 1, BadHeader = 2, OtherClient = 3, BadImage = 4 }

export const instances: TpmInstance[] = pool(MAX_INSTANCES, TpmInstance);
export const channels: Channel[] = pool(MAX_INSTANCES, Channel);
/** The launch generation each instance was measured for (0: none yet). */
const generations = new Int32Array(MAX_INSTANCES);
/** Times each instance was power-cycled for a new launch of its client. */
export const relaunches = new Int32Array(MAX_INSTANCES);
const RSP_LIMIT = MAX_RESPONSE_SIZE;

const STARTUP = new Uint8Array(12);
const STARTUP_RSP = new Uint8Array(64);
/** The response code of the platform's Startup(CLEAR) at the last applyLaunch (0: started). */
export let startupRc = 0;

/** What the last runCommand did to non-volatile state: store the instance before answering. */
export let saveNeeded = false;

/**
 * Instance k's first power-on: its DRBG seeded (or reseeded, after a restore) with `len` bytes
 * of platform entropy (at least 32), no launch measured yet. False if the entropy is refused.
 */
export function openInstance(k: number, entropy: Uint8Array, len: number): boolean {
  const tpm = instances[k];
  if (!addEntropy(tpm, entropy, 0, len)) return false;
  powerOff(tpm);
  generations[k] = 0;
  channels[k].reset();
  return true;
}

/** Whether instance k was measured for launch `generation` of its client already. */
export function launchCurrent(k: number, generation: number): boolean {
  return generations[k] === generation;
}

/**
 * The hypervisor reports launch `generation` of instance k's client, with `count` entries of
 * LAUNCH_ENTRY bytes in `record`: a new one power-cycles the instance with these measurements
 * as its launch log and starts it (Startup(CLEAR), which extends them). Entries naming a PCR the
 * hypervisor may not use are skipped. Returns the number of entries the instance accepted, or
 * `count` unchanged when the instance was measured for `generation` already (nothing is done
 * then). The startup changed the instance's reset count: store it.
 */
export function applyLaunch(k: number, generation: number, count: number, record: Uint8Array): number {
  if (generations[k] === generation) return count;
  const tpm = instances[k];
  powerOff(tpm);
  clearLaunchLog(tpm);
  let accepted = 0;
  const n = count < MAX_LAUNCH_ENTRIES ? count : MAX_LAUNCH_ENTRIES;
  for (let i = 0; i < n; i++) {
    if (measureLaunchInto(tpm, getU32(record, i * LAUNCH_ENTRY), record, i * LAUNCH_ENTRY + 8) === 0) accepted++;
  }
  powerOn(tpm);
  STARTUP.fill(0);
  STARTUP[0] = 0x80;   // TPM_ST_NO_SESSIONS
  STARTUP[1] = 0x01;
  putU32(STARTUP, 2, STARTUP.length);
  putU32(STARTUP, 6, Cc.Startup);   // TPM_SU_CLEAR (0) in the last two bytes
  execute(tpm, 0, STARTUP, STARTUP.length, STARTUP_RSP);
  startupRc = getU32(STARTUP_RSP, 6);
  if (generations[k] !== 0) relaunches[k]++;
  generations[k] = generation;
  return accepted;
}

/** The client's partition stopped: its instance loses power until the next launch is applied. */
export function clientFailed(k: number): void {
  powerOff(instances[k]);
  generations[k] = 0;
}

/** Advance the clocks of instances 0..count-1 by `ms` milliseconds of the vTPM partition's time. */
export function advanceClocks(ms: number, count: number): void {
  for (let i = 0; i < count && i < MAX_INSTANCES; i++) advanceClock(instances[i], ms);
}

/**
 * Run cmd[0..len) on instance k at locality 0 into rsp; returns the response length and sets
 * saveNeeded.
 */
export function runCommand(k: number, cmd: Uint8Array, len: number, rsp: Uint8Array): number {
  const n = execute(instances[k], 0, cmd, len, rsp);
  saveNeeded = changesNonVolatile(cmd, len, rsp, n);
  return n > RSP_LIMIT ? RSP_LIMIT : n;
}

/**
 * Whether a command may have changed what must survive a power loss: a TPMA_CC.nv command
 * (NV, Startup/Shutdown, dictionary-attack parameters), ContextSave (its sequence number must
 * never repeat), or any command answered TPM_RC_AUTH_FAIL (a counted dictionary-attack failure).
 */
export function changesNonVolatile(cmd: Uint8Array, len: number, rsp: Uint8Array, rspLen: number): boolean {
  if (len < 10 || rspLen < 10) return false;
  const rc = getU32(rsp, 6);
  if ((rc & 0x80) !== 0 && (rc & 0x3f) === 0x0e) return true;   // format-one TPM_RC_AUTH_FAIL
  const cc = getU32(cmd, 6);
  if (cc === Cc.ContextSave) return true;
  const row = findCommand(cc);
  return row >= 0 && (rowFlags(row) & CmdF.NV) !== 0;
}

/**
 * Instance k's slot image for client `identity`: the SLOT_HEADER bytes into `header`, the
 * engine's state image into `img`. Returns the state image's length (0: `img` too small).
 */
export function saveSlot(k: number, identity: number, header: Uint8Array, img: Uint8Array): number {
  putU32(header, 0, SLOT_MAGIC);
  putU32(header, 4, identity);
  return saveState(instances[k], img);
}

/**
 * Restore instance k from a slot image (its header, and its state image img[0..len)) if it
 * belongs to client `identity`. Restored: the instance holds the image and is left without
 * power; any other status: the instance is unchanged (powered or not, as it was).
 */
export function restoreSlot(k: number, identity: number, header: Uint8Array, img: Uint8Array, len: number): SlotStatus {
  if (len === 0) return SlotStatus.Empty;
  if (getU32(header, 0) !== SLOT_MAGIC) return SlotStatus.BadHeader;
  if (getU32(header, 4) !== identity >>> 0) return SlotStatus.OtherClient;
  if (restoreState(instances[k], img, len) !== 0) return SlotStatus.BadImage;
  powerOff(instances[k]);
  return SlotStatus.Restored;
}
