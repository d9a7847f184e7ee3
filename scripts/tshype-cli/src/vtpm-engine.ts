/**
 * The project's TPM 2.0 engine (vtpm/tpm/, restricted TypeScript run in Node) as the hosted TPM
 * of `tshype vtpm serve`: one TpmInstance, its commands executed into a response buffer of the
 * engine's size, its platform side (power, clock, entropy, launch log, state image) called only
 * from the server.
 */
import { MAX_COMMAND_SIZE, MAX_RESPONSE_SIZE, execute } from '../../../vtpm/tpm/engine';
import { TpmInstance } from '../../../vtpm/tpm/instance';
import { addEntropy, advanceClock, clearLaunchLog, measureLaunch, powerOff, powerOn } from '../../../vtpm/tpm/platform';
import { STATE_MAX, restoreState, saveState } from '../../../vtpm/tpm/state';
import { HostedTpm, LaunchSetup } from './vtpm-backend';

/** TPM_ST_NO_SESSIONS, size 10, TPM_RC_FAILURE: the answer when the engine breaks its contract. */
const FAILURE_RESPONSE = Uint8Array.from([0x80, 0x01, 0, 0, 0, 10, 0, 0, 0x01, 0x01]);

/** A TpmInstance behind the HostedTpm interface. */
class EngineTpm implements HostedTpm {
  readonly maxCommandSize = MAX_COMMAND_SIZE;
  private readonly rsp = new Uint8Array(MAX_RESPONSE_SIZE);
  private readonly img = new Uint8Array(STATE_MAX);

  constructor(private readonly tpm: TpmInstance, private readonly log: (line: string) => void) {}

  execute(locality: number, cmd: Uint8Array): Uint8Array {
    let n: number;
    try {
      n = execute(this.tpm, locality, cmd, cmd.length, this.rsp);
    } catch (e) {
      this.log(`tshype vtpm: the engine threw (answered TPM_RC_FAILURE): ${(e as Error).stack ?? String(e)}`);
      return FAILURE_RESPONSE.slice();
    }
    if (!Number.isInteger(n) || n < 10 || n > MAX_RESPONSE_SIZE) {
      this.log(`tshype vtpm: the engine returned a response length of ${n} (answered TPM_RC_FAILURE)`);
      return FAILURE_RESPONSE.slice();
    }
    return this.rsp.slice(0, n);
  }

  powerOn(): void { powerOn(this.tpm); }
  powerOff(): void { powerOff(this.tpm); }
  advanceClock(ms: number): void { advanceClock(this.tpm, ms); }

  saveState(): Uint8Array {
    return this.img.slice(0, saveState(this.tpm, this.img));
  }
}

/**
 * Open the engine as `setup` says: a new instance, the state restored (when given), the DRBG
 * seeded, the launch log cleared and each digest measured, powered on. Returns the TPM, or a
 * sentence saying which step refused and its code.
 */
export function openEngine(setup: LaunchSetup, log: (line: string) => void = s => console.error(s)): HostedTpm | string {
  const tpm = new TpmInstance(0);
  if (setup.state !== undefined) {
    if (setup.state.length > STATE_MAX) return `the state image is ${setup.state.length} bytes, more than the ${STATE_MAX} a state can be`;
    const rc = restoreState(tpm, setup.state, setup.state.length);
    if (rc !== 0) return `the engine refused the state image (restoreState returned ${hex(rc)})`;
  }
  if (!addEntropy(tpm, setup.entropy, 0, setup.entropy.length)) return `the engine refused ${setup.entropy.length} bytes of entropy`;
  clearLaunchLog(tpm);
  for (const [i, d] of setup.launchDigests.entries()) {
    const rc = measureLaunch(tpm, d, 0);
    if (rc !== 0) return `the engine refused launch measurement ${i + 1} (measureLaunch returned ${hex(rc)})`;
  }
  powerOn(tpm);
  return new EngineTpm(tpm, log);
}

function hex(rc: number): string {
  return `0x${(rc >>> 0).toString(16)}`;
}
