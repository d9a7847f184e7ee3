/**
 * The command being executed, as the engine hands it to a handler: its code, its checked handles,
 * a Reader over its parameter area and a Writer for the response parameters.
 *
 * Handler contract (check, then act): read every parameter, return `r.err` if reading failed,
 * TPM_RC_SIZE if bytes are left over, validate everything else, and only then change
 * the instance and write the response. A handler that returns non-zero must have changed nothing;
 * the engine then discards whatever it wrote.
 */
import { Reader, Writer } from "./marshal";
import { Rc, RC_N_SHIFT, RC_P } from "./tpm";

export const MAX_HANDLES = 3;

export class Cmd {
  cc: number = 0;
  locality: number = 0;
  /** the command carries an authorisation area */
  withSessions: boolean = false;
  nHandles: number = 0;
  readonly handles: Uint32Array = new Uint32Array(MAX_HANDLES);
  /** parameters */
  readonly r: Reader;
  /** response parameters */
  readonly w: Writer;
  /** the handle returned by commands that return one */
  rspHandle: number = 0;

  constructor(cmdBuf: Uint8Array, rspBuf: Uint8Array) {
    this.r = new Reader(cmdBuf);
    this.w = new Writer(rspBuf);
  }
}

/** After reading the last parameter: 0 if everything was consumed, else the read error or TPM_RC_SIZE for bytes left over. */
export function endOfParams(c: Cmd): number {
  const r = c.r;
  if (r.err !== 0) return r.err;
  if (!r.atEnd()) return Rc.SIZE;
  return 0;
}

/** A format-one rc numbered as parameter n. */
export function rcParam(rc: number, n: number): number {
  return rc | RC_P | (n << RC_N_SHIFT);
}

/** A format-one rc numbered as handle n (1-based). */
export function rcHandle(rc: number, n: number): number {
  return rc | (n << RC_N_SHIFT);
}
