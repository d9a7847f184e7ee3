/**
 * A second image root for the system test: boots like hv/main.ts, reports whether its BSS
 * was zeroed, then powers off with a failure status to check each platform's panic path
 * (QEMU exit status 1 on pseries under -action panic=exit-failure, the
 * `[hv] PANIC: exit status 42` marker everywhere).
 */
import { load8, type u64 } from 'tsnc';
import { platformName, powerOff } from '@platform';
import { bytesAddress } from '../../../arch/ppc64/common/buffers';
import { writeDecimal, writeLine, writeString } from '../../../lpar/console';

/** Zero-initialised static data: in the BSS, which the test pre-fills with junk. */
const bssProbe = new Uint8Array(256);

/** Bytes of bssProbe that are not 0, read through physical loads (nothing the compiler can fold). */
function bssBytesSet(): number {
  const base = bytesAddress(bssProbe);
  let n = 0;
  for (let i = 0; i < bssProbe.length; i++) if (load8(BigInt.asUintN(64, base + BigInt(i))) !== 0) n++;
  return n;
}

/** Image entry point (common/boot.S): announce, check the BSS, then fail with status 42. */
export function hvMain(fdt: u64): void {
  writeString('[hv] panic test on ');
  writeLine(platformName());
  if (fdt === 0n) writeLine('[hv] no device tree');
  writeString('[hv] bss: ');
  writeDecimal(bssBytesSet());
  writeLine(' of 256 probe bytes set');
  powerOff(42);
}
