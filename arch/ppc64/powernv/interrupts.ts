/**
 * Interrupts that bring the processor back to the hypervisor while a partition runs and that
 * are the hypervisor's own (platform contract: serviceInterrupt). tshype routes no device to
 * itself yet, so an external interrupt is acknowledged and ended; nothing is left pending that
 * would bring the processor straight back (the livelock an unacknowledged level interrupt
 * causes on hardware).
 *
 *   0x500 / 0xea0   external / hypervisor virtualization interrupt. On POWER9 and POWER10 the
 *                   interrupt controller is XIVE: the hypervisor accepts the interrupt by a
 *                   16-bit load from the "acknowledge HV" register of its thread's interrupt
 *                   management area (TIMA, HV page; skiboot's and QEMU's memory map put it at
 *                   0x0006_0302_0318_0000 + 64 KiB on chip 0), which returns the notification
 *                   status and the new CPPR. Only firmware maps the TIMA (skiboot programs the
 *                   TM BAR): booted by -bios nothing has configured XIVE, no source can be
 *                   routed to a thread, and the TIMA is not to be touched (an access would be
 *                   to unassigned memory).
 *   0xe60           hypervisor maintenance interrupt: with OPAL, OPAL_HANDLE_HMI does the
 *                   recovery; alone, the causes in HMER are cleared (HMER writes AND).
 *   0xe80           hypervisor doorbell: cleared with msgclr.
 */
import { ciLoad16, mfspr, mtspr, type i64, type u64 } from 'tsnc';

/** Call OPAL (entry.S): token, then up to three arguments; returns the OPAL status. */
declare function opalCall(token: number, a0: u64, a1: u64, a2: u64): i64;
/** OPAL's entry point as skiboot passed it (entry.S), 0 when booted by -bios. */
declare function opalEntry(): u64;
/** Clear this thread's pending hypervisor doorbell (switch.S). */
declare function pnvClearHvDoorbell(): void;

const VECTOR_EXTERNAL = 0x500;
const VECTOR_HV_VIRTUALIZATION = 0xea0;
const VECTOR_HMI = 0xe60;
const VECTOR_HV_DOORBELL = 0xe80;

/** Chip 0's TIMA, HV page (the second 64 KiB page), "acknowledge HV interrupt to register". */
const TIMA_HV_ACK: u64 = 0x0006030203180000n + 0x10000n + 0x830n;
/** Hypervisor maintenance exception register. */
const SPR_HMER = 336;
/** OPAL_HANDLE_HMI (skiboot include/opal-api.h). */
const OPAL_HANDLE_HMI = 98;

/**
 * Service hypervisor interrupt `vector` (see the file comment); returns what the source
 * reported: the XIVE acknowledge word, the HMER bits, or 0.
 */
export function serviceInterrupt(vector: number): u64 {
  if (vector === VECTOR_EXTERNAL || vector === VECTOR_HV_VIRTUALIZATION) return acknowledgeExternal();
  if (vector === VECTOR_HMI) return handleMaintenance();
  if (vector === VECTOR_HV_DOORBELL) {
    pnvClearHvDoorbell();
    return 0n;
  }
  return 0n;
}

/** Accept the pending XIVE interrupt of this thread's HV ring, where firmware set XIVE up. */
function acknowledgeExternal(): u64 {
  if (opalEntry() === 0n) return 0n;
  return BigInt(ciLoad16(TIMA_HV_ACK));
}

/** Handle an HMI: OPAL's recovery, or clear what HMER reports. Returns the HMER bits seen. */
function handleMaintenance(): u64 {
  const hmer = mfspr(SPR_HMER);
  if (opalEntry() !== 0n) opalCall(OPAL_HANDLE_HMI, 0n, 0n, 0n);
  else mtspr(SPR_HMER, 0n);
  return hmer;
}
