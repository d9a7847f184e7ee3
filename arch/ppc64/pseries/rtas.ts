/**
 * L0's RTAS, as the pseries back end calls it: through QEMU's private hcall KVMPPC_H_RTAS with
 * the real address of the argument buffer (there is no RTAS blob to enter: SLOF would
 * instantiate one). platform.ts (power-off, ibm,os-term), rtc.ts (get-time-of-day) and
 * nvram.ts (nvram-fetch, nvram-store) all call it here.
 *
 * The buffer (big-endian 32-bit words): token, nargs, nret, the nargs arguments, the nret
 * returns, the first of which is the RTAS status.
 */
import type { i64, u64 } from 'tsnc';
import { wordsAddress } from '../common/buffers';

/** `sc 1` (entry.S): r3 = opcode, r4.. = arguments; returns the PAPR status from r3. */
declare function paprHcall(opcode: u64, a1: u64, a2: u64, a3: u64, a4: u64): i64;

/** QEMU's private "call RTAS" hcall; r4 = real address of the RTAS argument buffer. */
const KVMPPC_H_RTAS = 0xf000n;
const H_SUCCESS: i64 = 0n;
/** A status RTAS never returns, left in the buffer so that an unanswered call reads as failed. */
export const RTAS_NOT_ANSWERED = 0x7fffffff;
/** What rtasCall answers when the hcall itself failed (RTAS's own "hardware error"). */
export const RTAS_HCALL_FAILED = -1;

/**
 * Call RTAS function `token` on `args`, whose arguments the caller has put in args[3 ..
 * 3 + nargs): sets the token, nargs and nret words and presets the status word to
 * RTAS_NOT_ANSWERED. Returns the status (signed), or RTAS_HCALL_FAILED; the other returns are
 * in args[4 + nargs ..).
 */
export function rtasCall(args: Uint32Array, token: number, nargs: number, nret: number): number {
  args[0] = token;
  args[1] = nargs;
  args[2] = nret;
  args[3 + nargs] = RTAS_NOT_ANSWERED;
  if (paprHcall(KVMPPC_H_RTAS, wordsAddress(args), 0n, 0n, 0n) !== H_SUCCESS) return RTAS_HCALL_FAILED;
  return args[3 + nargs] | 0;
}
