/**
 * Where the powernv back end reaches the LPC bus's devices (the UART and the IPMI BT interface
 * in platform.ts, the RTC in rtc.ts).
 */

/**
 * LPC I/O space of chip 0 on POWER9 and POWER10: the LPC MMIO window at 0x0006_0300_0000_0000
 * (/lpcm-opb) plus the OPB address of I/O space, 0xd001_0000. Accessed cache-inhibited; an
 * ISA port number is added to it.
 */
export const LPC_IO = 0x00060300d0010000n;
