/**
 * Policy reloader for the soak (lpar/configs/soak.ts, docs/robustness.md): a test program run as
 * an external image (Program.Elf, build/guests/reloader.elf) whose initrd is a compiled sHype
 * policy; its label holds the ReloadPolicy role. Every `every=MS` milliseconds for `seconds=S`
 * seconds it hands that policy to H_TSHYPE_POLICY_RELOAD, so that the hypervisor builds it,
 * replays the running partitions into it and swaps it in (the decision cache flushed) while the
 * others work. Prints the reloads made and refused and halts with 0 when none was refused.
 */
import { mftb, type u64 } from 'tsnc';
import { Fdt, FdtStatus } from '../fdt';
import { H_CONFER, hcall, printNumber, println } from './lib';
import { bootargNumber, readBootargs } from './bootargs';

const H_TSHYPE_POLICY_RELOAD: u64 = 0x6f08n;
/** Timebase ticks per second and per millisecond (QEMU's pseries and powernv alike). */
const TB_HZ: u64 = 512000000n;
const TB_MS: u64 = 512000n;

const tree = new Fdt();

/** The initrd's [start, end) from /chosen (64-bit cells); end 0 when there is none. */
const initrd = new BigUint64Array(2);

function readInitrd(fdt: u64): void {
  initrd[0] = 0n;
  initrd[1] = 0n;
  if (tree.open(fdt, 0x10000) !== FdtStatus.Ok) return;
  const chosen = tree.pathOffset('/chosen');
  if (chosen < 0) return;
  const start = tree.findProp(chosen, 'linux,initrd-start');
  const end = tree.findProp(chosen, 'linux,initrd-end');
  if (start < 0 || end < 0) return;
  initrd[0] = tree.propCells(start, 0, 2);
  initrd[1] = tree.propCells(end, 0, 2);
}

/** Yield until the timebase passes `until`. */
function waitUntil(until: u64): void {
  while (mftb() < until) hcall(H_CONFER, 0xffffffffffffffffn, 0n, 0n, 0n, 0n, 0n, 0n);
}

export function guestMain(fdt: u64): u64 {
  readBootargs(fdt);
  const seconds = bootargNumber('seconds', 10);
  const every = bootargNumber('every', 1000);
  readInitrd(fdt);
  if (initrd[1] <= initrd[0]) { println('reloader: no policy (initrd)'); return 1n; }
  const size: u64 = BigInt.asUintN(64, initrd[1] - initrd[0]);
  printNumber('reloader: policy bytes ', Number(size));
  const end: u64 = BigInt.asUintN(64, mftb() + BigInt(seconds) * TB_HZ);
  let made = 0, refused = 0;
  for (let next = mftb(); next < end; next = BigInt.asUintN(64, next + BigInt(every) * TB_MS)) {
    waitUntil(next);
    const st = hcall(H_TSHYPE_POLICY_RELOAD, initrd[0], size, 0n, 0n, 0n, 0n, 0n);
    if (st === 0n) made++;
    else {
      refused++;
      printNumber('reloader: H_TSHYPE_POLICY_RELOAD status ', Number(BigInt.asIntN(64, st)));
    }
  }
  printNumber('reloader: reloads ', made);
  printNumber('reloader: refused ', refused);
  return refused === 0 && made > 0 ? 0n : 1n;
}
