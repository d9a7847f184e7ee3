/**
 * The vTPM's side of Linux's tpm_ibmvtpm protocol over a CRQ (ref/LINUX-GUEST.md B.4; Linux
 * drivers/char/tpm/tpm_ibmvtpm.[ch], QEMU hw/tpm/tpm_spapr.c): one Channel per client, fed the
 * first doubleword of each 16-byte CRQ entry the client sent (or the hypervisor's transport
 * event), answering with the doubleword to send back. Pure logic: the vTPM partition
 * (lpar/guests/vtpm.ts) does the hcalls, the copies and the engine call.
 *
 * An entry's first doubleword: valid (byte 0), format (byte 1), length (bytes 2-3), data (4-7).
 *
 *   client sends                        vTPM answers
 *   0xC0/0x01 initialise                0xC0/0x01 ("CRQ initialised")
 *   0xC0/0x02 initialisation complete   0xC0/0x02
 *   0x80/0x01 get version               0x80/0x81, data = 2 (TPM 2.0)
 *   0x80/0x03 get RTCE buffer size      0x80/0x83, length = RTCE_BUFFER_SIZE
 *   0x80/0x02 TPM command, length =     (the command is pulled from data, run, the response pushed
 *             its bytes, data = the     back to data) 0x80/0x82, length = the response's bytes
 *             buffer's I/O address
 *   0x80/0x04 prepare to suspend        0x80/0x84
 *   anything else                       0x80/0xFF, data = ERROR_BAD_MESSAGE
 *
 * A command of a length the buffer cannot hold (or shorter than a TPM header) is refused with
 * 0x80/0xFF data ERROR_COPY_IN before anything is read, as QEMU answers a command it could not
 * read; a response it could not write back is 0x80/0xFF data ERROR_COPY_OUT; a command of a
 * client the policy no longer lets bind to the vTPM (the hypervisor refuses its launch record)
 * is not run and is answered 0x80/0xFF data ERROR_NOT_BOUND. Transport events
 * (valid 0xFF, written only by the hypervisor) are reported to the caller: 0x01 the client's
 * partition failed or rebooted, 0x02 the client freed its queue.
 */
import type { u64 } from 'tsnc';

export const VALID_COMMAND = 0x80;
export const VALID_INIT = 0xc0;
export const VALID_TRANSPORT = 0xff;
/** Formats (byte 1). */
export const INIT_REQUEST = 0x01;
export const INIT_COMPLETE = 0x02;
export const MSG_GET_VERSION = 0x01;
export const MSG_TPM_COMMAND = 0x02;
export const MSG_GET_RTCE_SIZE = 0x03;
export const MSG_PREPARE_SUSPEND = 0x04;
/** A response's format is its request's with this bit set. */
export const RESPONSE = 0x80;
/** The error response's format and its data values. */
export const MSG_ERROR = 0xff;
export const ERROR_BAD_MESSAGE = 1;
export const ERROR_COPY_IN = 3;
export const ERROR_COPY_OUT = 4;
/** tshype's: the policy no longer lets this client bind to the vTPM (BindVtpm, after a reload). */
export const ERROR_NOT_BOUND = 5;
/** Transport event formats (hcalls/crq.ts). */
export const EVENT_PARTNER_FAILED = 0x01;
export const EVENT_PARTNER_DEREGISTERED = 0x02;
/** What GET_VERSION answers: a TPM 2.0 (1 would be 1.2). */
export const VTPM_VERSION_2 = 2;
/** The client's RTCE buffer: one page, the engine's command and response size (tpm.ts). */
export const RTCE_BUFFER_SIZE = 4096;
/** The shortest TPM command: its 10-byte header. */
export const TPM_HEADER = 10;

/** What the caller must do with a received entry. */
export const enum Action {
  /** Nothing (an empty entry). */
  None = 0,
  /** Send Channel.reply to the client. */
  Reply = 1,
  /** Run the command of Channel.commandLength bytes at the client's Channel.commandIoba, then commandDone or copyFailed. */
  Command = 2,
  /** The client's partition failed or rebooted: its instance loses power. */
  PartnerFailed = 3,
  /** The client freed its queue: it will initialise again. */
  PartnerGone = 4,
}

/** An entry's first doubleword from its parts. */
export function crqWord(valid: number, format: number, length: number, data: number): u64 {
  return BigInt.asUintN(64, (BigInt(valid & 0xff) << 56n) | (BigInt(format & 0xff) << 48n) |
    (BigInt(length & 0xffff) << 32n) | BigInt(data >>> 0));
}

/** One client's CRQ conversation with the vTPM and its counters. */
export class Channel {
  readonly index: number;
  /** The client completed the initialisation handshake since its queue last went away. */
  initialised = false;
  /** The doubleword to send (Action.Reply, commandDone, copyFailed). */
  reply: u64 = 0n;
  /** The command to run (Action.Command): its length and the I/O address of the client's buffer. */
  commandLength = 0;
  commandIoba: u64 = 0n;
  /** Counters for the summary: commands run, protocol errors answered, partner failures seen. */
  commands = 0;
  errors = 0;
  failures = 0;

  constructor(index: number) {
    this.index = index;
  }

  /** Forget the conversation (the vTPM partition starts); counters stay. */
  reset(): void {
    this.initialised = false;
    this.reply = 0n;
    this.commandLength = 0;
    this.commandIoba = 0n;
  }

  /** Handle the entry whose first doubleword is `hi`; returns what to do. */
  receive(hi: u64): Action {
    const valid = Number(hi >> 56n);
    const format = Number((hi >> 48n) & 0xffn);
    const length = Number((hi >> 32n) & 0xffffn);
    if (valid === 0) return Action.None;
    if (valid === VALID_TRANSPORT) return this.transport(format);
    if (valid === VALID_INIT) return this.init(format);
    if (valid !== VALID_COMMAND) return this.error(ERROR_BAD_MESSAGE);
    switch (format) {
      case MSG_GET_VERSION: return this.answer(MSG_GET_VERSION, 0, VTPM_VERSION_2);
      case MSG_GET_RTCE_SIZE: return this.answer(MSG_GET_RTCE_SIZE, RTCE_BUFFER_SIZE, 0);
      case MSG_PREPARE_SUSPEND: return this.answer(MSG_PREPARE_SUSPEND, 0, 0);
      case MSG_TPM_COMMAND: break;
      default: return this.error(ERROR_BAD_MESSAGE);
    }
    if (length < TPM_HEADER || length > RTCE_BUFFER_SIZE) return this.error(ERROR_COPY_IN);
    this.commandLength = length;
    this.commandIoba = hi & 0xffffffffn;
    return Action.Command;
  }

  /** The command ran: its response of `length` bytes is in the client's buffer. */
  commandDone(length: number): void {
    this.commands++;
    this.reply = crqWord(VALID_COMMAND, MSG_TPM_COMMAND | RESPONSE, length, 0);
  }

  /** The command could not be read (ERROR_COPY_IN) or its response written back (ERROR_COPY_OUT). */
  copyFailed(code: number): void {
    this.error(code);
  }

  init(format: number): Action {
    if (format === INIT_REQUEST) {
      this.initialised = false;
      this.reply = crqWord(VALID_INIT, INIT_REQUEST, 0, 0);
      return Action.Reply;
    }
    if (format === INIT_COMPLETE) {
      this.initialised = true;
      this.reply = crqWord(VALID_INIT, INIT_COMPLETE, 0, 0);
      return Action.Reply;
    }
    return this.error(ERROR_BAD_MESSAGE);
  }

  transport(format: number): Action {
    this.initialised = false;
    if (format === EVENT_PARTNER_FAILED) {
      this.failures++;
      return Action.PartnerFailed;
    }
    return Action.PartnerGone;
  }

  answer(format: number, length: number, data: number): Action {
    this.reply = crqWord(VALID_COMMAND, format | RESPONSE, length, data);
    return Action.Reply;
  }

  error(code: number): Action {
    this.errors++;
    this.reply = crqWord(VALID_COMMAND, MSG_ERROR, 0, code);
    return Action.Reply;
  }
}
