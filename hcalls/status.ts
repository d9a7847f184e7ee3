/**
 * PAPR hcall status codes (Linux arch/powerpc/include/asm/hvcall.h), returned in r3.
 * Negative values are errors; they reach the guest sign-extended to 64 bits.
 */
export const enum H {
  SUCCESS = 0,
  BUSY = 1,
  /** The partner of a CRQ is not connected (H_REG_CRQ, H_SEND_CRQ). */
  CLOSED = 2,
  /**
   * The call is well formed but what it asks for is not offered on this machine
   * (H_TSHYPE_VTPM_SAVE/LOAD: the platform has no non-volatile store, or none big enough).
   * Positive, as in PAPR: not a fault of the caller.
   */
  NOT_AVAILABLE = 3,
  HARDWARE = -1,
  FUNCTION = -2,
  PRIVILEGE = -3,
  PARAMETER = -4,
  BAD_MODE = -5,
  PTEG_FULL = -6,
  NOT_FOUND = -7,
  NO_MEM = -9,
  AUTHORITY = -10,
  PERMISSION = -11,
  /** A message or frame the receiver had no room for (H_SEND_CRQ, H_SEND_LOGICAL_LAN). */
  DROPPED = -12,
  /** H_COPY_RDMA: the source, or the destination, is not a window the caller may use. */
  SOURCE_PARM = -13,
  DEST_PARM = -14,
  RESOURCE = -16,
  NOT_ENOUGH_RESOURCES = -44,
  /** The object is not in a state that allows the operation (a management hcall, hv/manage-hcalls.ts). */
  STATE = -75,
  P2 = -55,
  P3 = -56,
  P4 = -57,
  UNSUPPORTED_FLAG = -256,
}
