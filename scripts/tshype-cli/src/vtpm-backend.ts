/**
 * The TPM that `tshype vtpm serve` puts behind the simulator protocol, seen from two sides: what a
 * client can reach through the protocol (TpmBackend), and what only the server itself may do
 * (HostedTpm: the clock, entropy, launch measurements and the state image). The protocol layer
 * (vtpm-mssim.ts) knows only TpmBackend, so it can be exercised with a fake.
 */

/** One TPM as the mssim protocol drives it. */
export interface TpmBackend {
  /**
   * Execute one TPM 2.0 command (the whole command, header included) at `locality`. Returns the
   * whole response (at least the 10-byte header); a TPM error is a response, never an exception.
   * Synchronous, so that one command runs to completion before any other connection's.
   */
  execute(locality: number, cmd: Uint8Array): Uint8Array;
  /** Power on; a no-op when already on (the state is kept). */
  powerOn(): void;
  /** Power off; the next powerOn is a TPM reset (TPM2_Startup is needed again). */
  powerOff(): void;
}

/** The hosted TPM: the protocol's view plus the privileged side only the server uses. */
export interface HostedTpm extends TpmBackend {
  /** The largest command execute() accepts, in bytes (a larger frame closes the connection). */
  readonly maxCommandSize: number;
  /** Let `ms` milliseconds of TPM time pass (called before each command). */
  advanceClock(ms: number): void;
  /** The instance's whole state, to be written to the --state file. */
  saveState(): Uint8Array;
}

/** How to bring a hosted TPM up, in this order: restore, seed, measure, power on. */
export interface LaunchSetup {
  /** A state image saved earlier (the --state file), if there is one. */
  state?: Uint8Array;
  /** Fresh randomness for the instance's DRBG. */
  entropy: Uint8Array;
  /** SHA-256 digests (32 bytes each) of the launched images, extended into PCR 17 at Startup(CLEAR). */
  launchDigests: Uint8Array[];
}

/** Opens a hosted TPM as `setup` says: the TPM, powered on, or a sentence saying why not. */
export type OpenTpm = (setup: LaunchSetup) => HostedTpm | string;
