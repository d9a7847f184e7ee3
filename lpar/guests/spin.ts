/**
 * Entitlement test partition (Program.Spin): for the wall time its bootargs give, `ms=N`
 * (default 1000), it either computes without making an hcall, so that only the HDEC takes the
 * processor from it, or, with `cede=1`, idles: H_CEDE with its decrementer set 1 ms ahead, again
 * and again, as an operating system's idle loop does. It measures the time on its own timebase
 * (whose frequency the device tree gives), then prints its loop count and halts with status 0.
 * The hypervisor's accounting (`[hv] stats` lines) says how much of the processor it got.
 */
import { mftb, mtspr, type u64 } from 'tsnc';
import { Fdt, FdtStatus } from '../fdt';
import { H_CEDE, hcall, printNumber } from './lib';
import { bootargNumber, readBootargs } from './bootargs';

/** The device tree's size at the top of memory (lpar/loader.ts FDT_SPACE). */
const FDT_SPACE = 0x10000;
/** The decrementer SPR, and the timebase frequency assumed when the device tree does not give one. */
const SPR_DEC = 22;
const DEFAULT_TIMEBASE_HZ = 512000000;

const tree = new Fdt();
export function guestMain(fdt: u64): u64 {
  let hz = DEFAULT_TIMEBASE_HZ;
  readBootargs(fdt);
  if (tree.open(fdt, FDT_SPACE) === FdtStatus.Ok) {
    const cpus = tree.pathOffset('/cpus');
    const cpu = cpus < 0 ? -1 : tree.firstChild(cpus);
    if (cpu >= 0) hz = tree.getU32(cpu, 'timebase-frequency', DEFAULT_TIMEBASE_HZ);
  }
  const ms = bootargNumber('ms', 1000);
  const cede = bootargNumber('cede', 0) === 1;
  const ticks: u64 = BigInt.asUintN(64, BigInt(ms) * BigInt(hz)) / 1000n;
  const tick: u64 = BigInt.asUintN(64, BigInt(hz)) / 1000n;
  printNumber(cede ? 'idling for ms ' : 'spinning for ms ', ms);
  const t0 = mftb();
  let loops = 0;
  while (BigInt.asUintN(64, mftb() - t0) < ticks) {
    if (cede) {
      mtspr(SPR_DEC, tick);   // the decrementer wakes it (arch/ppc64/guest/vectors.S takes its interrupt)
      hcall(H_CEDE, 0n, 0n, 0n, 0n, 0n, 0n, 0n);
    }
    loops++;
  }
  printNumber('loops ', loops);
  return 0n;
}
