/**
 * Virtual terminal: H_PUT_TERM_CHAR and H_GET_TERM_CHAR ("hcall-term"), as Linux's hvc_vio
 * driver uses them. The terminal number is the unit address of the partition's
 * /vdevice/vty node (0 also names it, as on QEMU).
 */
import type { u64 } from 'tsnc';
import { consoleByte, flushPartial, inputPop } from '../lpar/console';
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

/**
 * H_GET_TERM_CHAR(termno r4) -> length r4, chars r5/r6 (big-endian packed, up to 16): what was
 * typed on the machine console while the partition had the focus (hv/focus.ts).
 */
export function hGetTermChar(p: Partition, v: Vcpu): number {
  if (!isOurTerminal(v.gpr[4])) return H.PARAMETER;
  let n = 0;
  let hi: u64 = 0n, lo: u64 = 0n;
  while (n < MAX_CHARS && p.inputCount > 0) {
    const b: u64 = BigInt(inputPop(p));
    if (n < 8) hi |= BigInt.asUintN(64, b << BigInt(56 - 8 * n));
    else lo |= BigInt.asUintN(64, b << BigInt(56 - 8 * (n - 8)));
    n++;
  }
  if (n === 0) flushPartial(p);   // waiting for input: show its prompt
  v.gpr[4] = BigInt(n);
  v.gpr[5] = hi;
  v.gpr[6] = lo;
  return H.SUCCESS;
}
