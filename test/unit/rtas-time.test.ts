/**
 * RTAS get-time-of-day and set-time-of-day (hcalls/rtas.ts) in Node: a partition's time is the
 * hypervisor's wall clock (started from the fake platform's clock) plus its own offset; a date
 * that does not exist is refused with RTAS status -3 and changes nothing; setting one
 * partition's clock leaves the others' alone; /rtas advertises set-time-of-day.
 */
import { expect } from 'chai';
import { host } from 'tsnc/host';
import { resetPlatform, setPlatformClock } from '../fake/platform';
import { H_RTAS } from '../../hcalls/table';
import { dispatchHcall } from '../../hv/dispatch';
import { H } from '../../hcalls/status';
import { Program, PartitionConfig } from '../../lpar/config';
import { createPartition, destroyPartition, haltPartition, LparState, Partition, partitions, startPartition } from '../../lpar/partition';
import { FdtWriter, GuestTreeParams, RtasToken, buildGuestTree } from '../../lpar/devtree';
import { Fdt, FdtStatus } from '../../lpar/fdt';
import { setWallClock, startWallClock } from '../../lpar/time';

const TB_HZ = 512000000n;
const MEM_SIZE = 0x200000n;           // 2 MiB partitions at 64 MiB and 66 MiB
const BUF = 0x8000n;                  // the RTAS buffer, partition address
const u64 = (n: number | bigint): bigint => BigInt.asUintN(64, BigInt(n));

/** A running 2 MiB partition in slot `slot`. */
function partition(slot: number): Partition {
  const p = partitions[slot];
  p.state = LparState.Empty;   // tests reuse slots whatever state the last test left them in
  const cfg = new PartitionConfig(slot);
  cfg.name = `clock${slot}`;
  cfg.program = Program.Hello;
  cfg.memoryMiB = 2;
  cfg.cpuShare = 10;
  expect(createPartition(p, cfg, 0x4000000n + BigInt(slot) * MEM_SIZE, 512000n, 0)).to.equal(true);
  expect(startPartition(p, 0n, 0x1f0000n, 0n)).to.equal(true);
  return p;
}

/** Make an RTAS call from p: the buffer at BUF holds token, nargs, nret, args; returns the hcall status. */
function rtas(p: Partition, token: number, nret: number, args: number[]): number {
  const words = [token, args.length, nret, ...args, ...new Array<number>(nret).fill(0x5a5a5a5a)];
  words.forEach((w, i) => host.write(p.memBase + BUF + BigInt(4 * i), 4, BigInt(w >>> 0)));
  p.vcpu.gpr[3] = u64(H_RTAS);
  p.vcpu.gpr[4] = BUF;
  dispatchHcall(p, p.vcpu);
  return Number(BigInt.asIntN(64, p.vcpu.gpr[3]));
}

/** Result i of p's last RTAS call with `nargs` arguments (0: the status), signed. */
function ret(p: Partition, nargs: number, i: number): number {
  return Number(BigInt.asIntN(32, host.read(p.memBase + BUF + BigInt(12 + 4 * (nargs + i)), 4)));
}

/** p's get-time-of-day: [status, year, month, day, hour, minute, second]. */
function getTime(p: Partition): number[] {
  expect(rtas(p, RtasToken.GetTimeOfDay, 8, [])).to.equal(H.SUCCESS);
  return [0, 1, 2, 3, 4, 5, 6].map(i => ret(p, 0, i));
}

/** p's set-time-of-day; returns [hcall status, RTAS status]. */
function setTime(p: Partition, fields: number[]): number[] {
  const h = rtas(p, RtasToken.SetTimeOfDay, 1, fields);
  return [h, ret(p, 7, 0)];
}

describe('RTAS time of day', () => {
  beforeEach(() => {
    host.reset();
    resetPlatform();
    setPlatformClock([2047, 6, 15, 8, 30, 0]);
    expect(startWallClock(0n)).to.equal(true);
  });
  afterEach(() => setWallClock(0n, 0n));   // other tests expect 1970 at timebase 0

  it('get-time-of-day: the platform clock read at boot plus the time since, and the nanoseconds', () => {
    const p = partition(0);
    host.timebase = 3725n * TB_HZ + TB_HZ / 2n;            // 1 h 2 min 5.5 s after boot
    expect(getTime(p)).to.deep.equal([0, 2047, 6, 15, 9, 32, 5]);
    expect(ret(p, 0, 7)).to.equal(500000000);
  });

  it('set-time-of-day: get-time-of-day then reads the new time, and it keeps running', () => {
    const p = partition(0);
    host.timebase = 10n * TB_HZ;
    expect(setTime(p, [2040, 2, 29, 23, 59, 58, 0])).to.deep.equal([H.SUCCESS, 0]);
    expect(getTime(p)).to.deep.equal([0, 2040, 2, 29, 23, 59, 58]);
    host.timebase = 13n * TB_HZ;
    expect(getTime(p)).to.deep.equal([0, 2040, 3, 1, 0, 0, 1]);
    expect(setTime(p, [1970, 1, 1, 0, 0, 0, 999999999])).to.deep.equal([H.SUCCESS, 0]);
    expect(getTime(p)).to.deep.equal([0, 1970, 1, 1, 0, 0, 0]);
  });

  it('set-time-of-day: a date that does not exist gets H_SUCCESS with RTAS status -3 and changes nothing', () => {
    const p = partition(0);
    expect(setTime(p, [2031, 5, 1, 12, 0, 0, 0])).to.deep.equal([H.SUCCESS, 0]);
    const offset = p.clockOffset;
    for (const bad of [[2041, 2, 29, 0, 0, 0, 0], [2031, 4, 31, 0, 0, 0, 0], [2031, 13, 1, 0, 0, 0, 0], [2031, 0, 1, 0, 0, 0, 0],
      [2031, 5, 1, 24, 0, 0, 0], [2031, 5, 1, 0, 60, 0, 0], [2031, 5, 1, 0, 0, 60, 0], [2031, 5, 1, 0, 0, 0, 1000000000],
      [1969, 12, 31, 23, 59, 59, 0], [10000, 1, 1, 0, 0, 0, 0], [-1, 1, 1, 0, 0, 0, 0], [2031, 5, -1, 0, 0, 0, 0]]) {
      expect(setTime(p, bad), bad.join(' ')).to.deep.equal([H.SUCCESS, -3]);
      expect(p.clockOffset, bad.join(' ')).to.equal(offset);
    }
    expect(getTime(p)).to.deep.equal([0, 2031, 5, 1, 12, 0, 0]);
  });

  it('set-time-of-day: wrong argument or result counts get H_PARAMETER and change nothing', () => {
    const p = partition(0);
    expect(rtas(p, RtasToken.SetTimeOfDay, 1, [2031, 5, 1, 12, 0, 0])).to.equal(H.PARAMETER);
    expect(ret(p, 6, 0)).to.equal(-3);
    expect(rtas(p, RtasToken.SetTimeOfDay, 2, [2031, 5, 1, 12, 0, 0, 0])).to.equal(H.PARAMETER);
    expect(p.clockOffset).to.equal(0n);
    expect(getTime(p)).to.deep.equal([0, 2047, 6, 15, 8, 30, 0]);
  });

  it('set-time-of-day: sets the calling partition\'s clock only', () => {
    const a = partition(0), b = partition(1);
    host.timebase = 60n * TB_HZ;
    expect(setTime(a, [2031, 5, 1, 12, 0, 0, 0])).to.deep.equal([H.SUCCESS, 0]);
    expect(getTime(a)).to.deep.equal([0, 2031, 5, 1, 12, 0, 0]);
    expect(getTime(b)).to.deep.equal([0, 2047, 6, 15, 8, 31, 0]);
    expect(b.clockOffset).to.equal(0n);
    expect(setTime(b, [2050, 1, 1, 0, 0, 0, 0])).to.deep.equal([H.SUCCESS, 0]);
    expect(getTime(a)).to.deep.equal([0, 2031, 5, 1, 12, 0, 0]);
  });

  it('createPartition: a new partition in a slot starts from the hypervisor\'s clock, not the last tenant\'s', () => {
    const p = partition(0);
    expect(setTime(p, [2031, 5, 1, 12, 0, 0, 0])).to.deep.equal([H.SUCCESS, 0]);
    expect(haltPartition(p, 0n)).to.equal(true);
    expect(destroyPartition(p)).to.equal(true);
    const q = partition(0);
    expect(q.clockOffset).to.equal(0n);
    expect(getTime(q)).to.deep.equal([0, 2047, 6, 15, 8, 30, 0]);
  });

  it('buildGuestTree: /rtas offers set-time-of-day with QEMU\'s token by default', () => {
    const params = new GuestTreeParams();
    params.memSize = 0x10000000n;
    const size = buildGuestTree(new FdtWriter(), params, 0x400000n, 0x10000);
    const fdt = new Fdt();
    expect(fdt.open(0x400000n, size)).to.equal(FdtStatus.Ok);
    const node = fdt.pathOffset('/rtas');
    expect(fdt.getU32(node, 'set-time-of-day', -1)).to.equal(0x2002);
    expect(fdt.getU32(node, 'get-time-of-day', -1)).to.equal(0x2001);
  });
});
