/**
 * Virtual terminal: H_PUT_TERM_CHAR and H_GET_TERM_CHAR ("hcall-term"), as Linux's hvc_vio
 * driver uses them. The terminal number is the unit address of the partition's
 * /vdevice/vty node (0 also names it, as on QEMU).
 */
import type { u64 } from 'tsnc';
import { consoleByte } from '../lpar/console';
import type { Partition } from '../lpar/partition';
import type { Vcpu } from '../lpar/vcpu';
import { VTY_UNIT_ADDRESS } from '../lpar/devtree';
import { H } from './status';

/** Most bytes one H_PUT_TERM_CHAR carries (two registers, big-endian packed). */
const MAX_CHARS = 16;

function isOurTerminal(termno: u64): boolean {
  return termno === 0n || termno === BigInt(VTY_UNIT_ADDRESS);
}

/**
 * H_PUT_TERM_CHAR(termno r4, length r5, chars 0-7 r6, chars 8-15 r7).
 * @noinline out of line, so that the hot dispatch path does not pay for its registers
 */
export function hPutTermChar(p: Partition, v: Vcpu): number {
  const length = v.gpr[5];
  if (!isOurTerminal(v.gpr[4])) return H.PARAMETER;
  if (length > BigInt(MAX_CHARS)) return H.PARAMETER;
  const n = Number(length);
  for (let i = 0; i < n; i++) {
    const word = i < 8 ? v.gpr[6] : v.gpr[7];
    consoleByte(p, Number((word >> BigInt(56 - 8 * (i & 7))) & 0xffn));
  }
  return H.SUCCESS;
}

/** H_GET_TERM_CHAR(termno r4) -> length r4, chars r5/r6. No input is routed to partitions yet. */
export function hGetTermChar(_p: Partition, v: Vcpu): number {
  if (!isOurTerminal(v.gpr[4])) return H.PARAMETER;
  v.gpr[4] = 0n;
  v.gpr[5] = 0n;
  v.gpr[6] = 0n;
  return H.SUCCESS;
}
