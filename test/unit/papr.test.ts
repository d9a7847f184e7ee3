/**
 * The PAPR platform a partition sees (issue: unmodified guests): the XICS hcalls and RTAS calls,
 * H_REGISTER_VPA, H_PAGE_INIT, the breakpoint calls, H_CEDE's wake-up, the SMP RTAS calls,
 * system-reboot and ibm,os-term, console input and its focus, the console's open lines, and
 * loading an ELF and initrd from a guest bundle.
 */
import { expect } from 'chai';
import { host } from 'tsnc/host';
import { consoleText, resetPlatform, setConsoleInput, setGuestAil, setVcpuRunner, syncedVcpus } from '../fake/platform';
import { dispatchHcall } from '../../hv/dispatch';
import { H } from '../../hcalls/status';
import { MAX_VCPUS, Program, PartitionConfig } from '../../lpar/config';
import { CrashReason, createPartition, LparState, Partition, partitions, startPartition } from '../../lpar/partition';
import { RtasToken } from '../../lpar/devtree';
import { SOURCE_BASE } from '../../lpar/xics';
import { hasWork, runSlice } from '../../hv/scheduler';
import { FOCUS_HYPERVISOR, consoleFocus, pollConsoleInput, setFocus, typed } from '../../hv/focus';
import { consoleByte, flushPartial, writeLine } from '../../lpar/console';
import { GuestBundle } from '../../lpar/bundle';
import { fdtAddress, loadElfPartition, LoadStatus, rtasAddress } from '../../lpar/loader';
import { Fdt } from '../../lpar/fdt';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { buildBundle } from '../../scripts/guest-bundle';
import { makeElf } from './elf-helpers';

/** A one-segment ELF: `data` at file offset 0x10000, loaded at `paddr` (virtual `vaddr`), `memsz` in memory. */
function elfImage(le: boolean, entry: bigint, vaddr: bigint, paddr: bigint, data: Uint8Array, memsz: number): Uint8Array {
  const b = makeElf({ le, entry, phdrs: [{ offset: 0x10000n, vaddr, paddr, filesz: BigInt(data.length), memsz: BigInt(memsz) }] });
  b.set(data, 0x10000);
  return b;
}

const MEM_BASE = 0x4000000n;
const MEM_SIZE = 0x400000n;   // 4 MiB
const u64 = (n: number | bigint): bigint => BigInt.asUintN(64, BigInt(n));

function partition(vcpus = 1, name = 'guest'): Partition {
  const p = partitions[0];
  p.state = LparState.Empty;
  const cfg = new PartitionConfig(0);
  cfg.name = name;
  cfg.program = Program.Hello;
  cfg.memoryMiB = 4;
  cfg.cpuShare = 50;
  cfg.vcpus = vcpus;
  expect(createPartition(p, cfg, MEM_BASE, 512000n, 0)).to.equal(true);
  expect(startPartition(p, 0n, 0x3f0000n, 0n)).to.equal(true);
  return p;
}

function hcall(p: Partition, op: number, ...args: (number | bigint)[]): number {
  const v = p.current;
  v.gpr[3] = u64(op);
  for (let i = 0; i < 9; i++) v.gpr[4 + i] = i < args.length ? u64(args[i]) : 0n;
  dispatchHcall(p, v);
  return Number(BigInt.asIntN(64, v.gpr[3]));
}

/** An RTAS call through H_RTAS with the buffer at partition address 0x1000; returns the rets. */
function rtas(p: Partition, token: number, nret: number, args: number[]): number[] {
  const buf = 0x1000n;
  const words = [token, args.length, nret, ...args];
  words.forEach((w, i) => host.write(MEM_BASE + buf + BigInt(4 * i), 4, BigInt(w >>> 0)));
  for (let i = 0; i < nret; i++) host.write(MEM_BASE + buf + BigInt(4 * (3 + args.length + i)), 4, 0xeeeeeeeen);
  hcall(p, 0xf000, buf);
  return Array.from({ length: nret }, (_, i) => Number(BigInt.asIntN(32, host.read(MEM_BASE + buf + BigInt(4 * (3 + args.length + i)), 4))));
}

beforeEach(() => {
  host.reset();
  resetPlatform();
});

describe('PAPR: XICS hcalls and RTAS', () => {
  it('H_CPPR, H_IPI, H_XIRR, H_EOI, H_IPOLL: an IPI between two vCPUs, accepted and ended', () => {
    const p = partition(2);
    p.current = p.vcpus[1];
    expect(hcall(p, 0x68, 0xff)).to.equal(H.SUCCESS);   // vCPU 1: CPPR 0xff
    p.current = p.vcpus[0];
    expect(hcall(p, 0x6c, 1, 5)).to.equal(H.SUCCESS);   // IPI to server 1 at priority 5
    expect(hcall(p, 0x6c, 2, 5)).to.equal(H.PARAMETER);   // no server 2
    expect(hcall(p, 0x70, 1)).to.equal(H.SUCCESS);
    expect(p.vcpu.gpr[4]).to.equal(0xff000002n);
    expect(p.vcpu.gpr[5]).to.equal(5n);
    expect(p.xics.output(1)).to.equal(true);
    p.current = p.vcpus[1];
    expect(hcall(p, 0x74)).to.equal(H.SUCCESS);
    expect(p.vcpus[1].gpr[4]).to.equal(0xff000002n);
    expect(p.xics.cppr[1]).to.equal(5);
    expect(hcall(p, 0x6c, 1, 0xff)).to.equal(H.SUCCESS);   // withdraw the request
    expect(hcall(p, 0x64, 0xff000002)).to.equal(H.SUCCESS);
    expect(p.xics.cppr[1]).to.equal(0xff);
    expect(p.xics.output(1)).to.equal(false);
    expect(hcall(p, 0x2fc)).to.equal(H.SUCCESS);   // H_XIRR_X: nothing, and the timebase
    expect(p.vcpus[1].gpr[4]).to.equal(0xff000000n);
  });

  it('an IPI to itself sends the vCPU back through the scheduler (stateChanged)', () => {
    const p = partition(1);
    hcall(p, 0x68, 0xff);
    p.vcpu.stateChanged = false;
    hcall(p, 0x6c, 0, 5);
    expect(p.vcpu.stateChanged).to.equal(true);
  });

  it('ibm,set-xive, get-xive, int-off, int-on: only the partition\'s sources; bad ones are -3 and change nothing', () => {
    const p = partition(2);
    const irq = p.xics.claim(4);
    expect(rtas(p, RtasToken.SetXive, 1, [irq, 1, 5])).to.deep.equal([0]);
    expect(rtas(p, RtasToken.GetXive, 3, [irq])).to.deep.equal([0, 1, 5]);
    expect(rtas(p, RtasToken.IntOff, 1, [irq])).to.deep.equal([0]);
    expect(rtas(p, RtasToken.GetXive, 3, [irq])).to.deep.equal([0, 1, 0xff]);
    expect(rtas(p, RtasToken.IntOn, 1, [irq])).to.deep.equal([0]);
    expect(rtas(p, RtasToken.GetXive, 3, [irq])[2]).to.equal(5);
    expect(rtas(p, RtasToken.SetXive, 1, [SOURCE_BASE + 5, 0, 5])).to.deep.equal([-3]);   // not claimed
    expect(rtas(p, RtasToken.SetXive, 1, [irq, 2, 5])).to.deep.equal([-3]);   // no server 2
    expect(rtas(p, RtasToken.SetXive, 1, [irq, 0, 0x100])).to.deep.equal([-3]);
    expect(rtas(p, RtasToken.GetXive, 3, [irq])).to.deep.equal([0, 1, 5]);
  });

  it('query-cpu-stopped-state, start-cpu, stop-self: secondaries start stopped and run where they are told', () => {
    const p = partition(2);
    expect(rtas(p, RtasToken.QueryCpuStoppedState, 2, [1])).to.deep.equal([0, 0]);
    expect(rtas(p, RtasToken.QueryCpuStoppedState, 2, [0])).to.deep.equal([0, 2]);
    expect(rtas(p, RtasToken.QueryCpuStoppedState, 2, [2])[0]).to.equal(-3);
    p.vcpu.littleEndian = true;
    expect(rtas(p, RtasToken.StartCpu, 1, [1, 0x8000, 0x42])).to.deep.equal([0]);
    const s = p.vcpus[1];
    expect(s.started).to.equal(true);
    expect(s.nip).to.equal(0x8000n);
    expect(s.gpr[3]).to.equal(0x42n);
    expect(s.msr).to.equal(0x8000000000001000n);   // big-endian, real mode, 64-bit
    expect(s.littleEndian, 'the partition\'s interrupt byte order').to.equal(true);
    expect(rtas(p, RtasToken.StartCpu, 1, [1, 0x8000, 0])).to.deep.equal([-1]);   // running already
    expect(rtas(p, RtasToken.StartCpu, 1, [1, 0x7fffffff, 0])).to.deep.equal([-3]);   // outside the partition
    p.current = s;
    rtas(p, RtasToken.StopSelf, 1, []);
    expect(s.started).to.equal(false);
    p.current = p.vcpu;
    expect(rtas(p, RtasToken.QueryCpuStoppedState, 2, [1])).to.deep.equal([0, 0]);
  });

  it('ibm,get-system-parameter: not supported (-3); unknown tokens: -3 and H_PARAMETER', () => {
    const p = partition();
    expect(rtas(p, RtasToken.GetSystemParameter, 1, [44, 0x2000, 64])).to.deep.equal([-3]);
    expect(rtas(p, 0x2fff, 1, [])).to.deep.equal([-3]);
  });

  it('ibm,os-term prints the message and stops only that partition; system-reboot asks the run loop to restart it', () => {
    const p = partition();
    const msg = 'OS panic: test';
    for (let i = 0; i < msg.length; i++) host.write(MEM_BASE + 0x3000n + BigInt(i), 1, BigInt(msg.charCodeAt(i)));
    expect(rtas(p, RtasToken.SystemReboot, 1, [])).to.deep.equal([0]);
    expect(p.restartRequested).to.equal(true);
    expect(p.state).to.equal(LparState.Running);
    expect(rtas(p, RtasToken.IbmOsTerm, 1, [0x3000])).to.deep.equal([0]);
    expect(p.state).to.equal(LparState.Crashed);
    expect(p.crash).to.equal(CrashReason.OsTerm);
    expect(consoleText()).to.contain("[hv] partition 'guest' os-term: OS panic: test\n");
  });
});

describe('PAPR: processor calls', () => {
  it('H_REGISTER_VPA: checks before registering; DTL and SLB shadow need a VPA; deregistering in order', () => {
    const p = partition(2);
    const VPA = 0x10000n, DTL = 0x11000n, SLB = 0x12000n;
    host.write(MEM_BASE + VPA + 4n, 2, 640n);
    host.write(MEM_BASE + DTL + 4n, 4, 0x1000n);
    host.write(MEM_BASE + SLB + 4n, 4, 0x100n);
    const op = (n: number): bigint => BigInt(n) << 45n;
    expect(hcall(p, 0xdc, op(2), 0, DTL)).to.equal(H.RESOURCE);   // no VPA yet
    expect(hcall(p, 0xdc, op(1), 0, 0)).to.equal(H.HARDWARE);
    expect(hcall(p, 0xdc, op(1), 0, VPA + 8n)).to.equal(H.PARAMETER);   // not cache-line aligned
    expect(hcall(p, 0xdc, op(1), 2, VPA)).to.equal(H.PARAMETER);   // no vCPU 2
    expect(hcall(p, 0xdc, op(1), 0, MEM_SIZE)).to.equal(H.PARAMETER);   // outside the partition
    host.write(MEM_BASE + 0x13f80n + 4n, 2, 640n);
    expect(hcall(p, 0xdc, op(1), 0, 0x13f80n)).to.equal(H.PARAMETER);   // crosses a 4 KiB page
    host.write(MEM_BASE + VPA + 4n, 2, 100n);
    expect(hcall(p, 0xdc, op(1), 0, VPA)).to.equal(H.PARAMETER);   // too small
    expect(p.vcpu.vpa).to.equal(0n);
    host.write(MEM_BASE + VPA + 4n, 2, 640n);
    expect(hcall(p, 0xdc, op(1), 1, VPA)).to.equal(H.SUCCESS);
    expect(p.vcpus[1].vpa).to.equal(VPA);
    expect(hcall(p, 0xdc, op(2), 1, DTL)).to.equal(H.SUCCESS);
    expect(hcall(p, 0xdc, op(3), 1, SLB)).to.equal(H.SUCCESS);
    expect(hcall(p, 0xdc, op(5), 1, 0)).to.equal(H.RESOURCE);   // DTL and SLB shadow still there
    expect(hcall(p, 0xdc, op(6), 1, 0)).to.equal(H.SUCCESS);
    expect(hcall(p, 0xdc, op(7), 1, 0)).to.equal(H.SUCCESS);
    expect(hcall(p, 0xdc, op(5), 1, 0)).to.equal(H.SUCCESS);
    expect(p.vcpus[1].vpa).to.equal(0n);
    expect(hcall(p, 0xdc, op(4), 0, VPA)).to.equal(H.PARAMETER);
  });

  it('the VPA dispatch counter is even while the vCPU runs its slice and odd after', () => {
    const p = partition();
    host.write(MEM_BASE + 0x10000n + 4n, 2, 640n);
    expect(hcall(p, 0xdc, 1n << 45n, 0, 0x10000n)).to.equal(H.SUCCESS);
    const counts: number[] = [];
    const seen: number[] = [];
    setVcpuRunner(q => {   // one entry per slice: it sees the counter even, then yields
      seen.push(Number(host.read(MEM_BASE + 0x10100n, 4)));
      q.current.yielded = true;
      return 0x980;
    });
    runSlice(p, 1000n);
    counts.push(Number(host.read(MEM_BASE + 0x10100n, 4)));
    runSlice(p, 1000n);
    counts.push(Number(host.read(MEM_BASE + 0x10100n, 4)));
    expect(counts.every(c => c % 2 === 1), `odd after each slice: ${counts}`).to.equal(true);
    expect(seen.every(c => c % 2 === 0), `even while running: ${seen}`).to.equal(true);
    expect(counts[1]).to.equal(counts[0] + 2);
  });

  it('H_CEDE: EE on; a ceded vCPU has work at its DEC expiry, a presented interrupt or a prod', () => {
    const p = partition();
    const v = p.vcpu;
    v.dec = 1000n;
    v.decTimebase = 0n;
    host.timebase = 10n;
    expect(hcall(p, 0xe0)).to.equal(H.SUCCESS);
    expect(v.ceded).to.equal(true);
    expect(hasWork(p, v)).to.equal(false);
    host.timebase = 1000n;
    expect(hasWork(p, v), 'DEC expired').to.equal(true);
    host.timebase = 10n;
    v.prodded = true;
    expect(hasWork(p, v)).to.equal(true);
    v.prodded = false;
    hcall(p, 0x68, 0xff);
    hcall(p, 0x6c, 0, 5);
    expect(hasWork(p, v), 'an IPI presented').to.equal(true);
  });

  it('H_GET_CPU_CHARACTERISTICS, H_SET_SPRG0, H_SET_DABR, H_SET_XDABR', () => {
    const p = partition();
    expect(hcall(p, 0x1c8)).to.equal(H.SUCCESS);
    expect(p.vcpu.gpr[4]).to.equal(0n);
    expect(p.vcpu.gpr[5] >> 61n).to.equal(7n);   // favour security, flush L1D, speculation barrier
    expect(hcall(p, 0x24, 0x1234)).to.equal(H.SUCCESS);
    expect(p.vcpu.sprg0).to.equal(0x1234n);
    expect(syncedVcpus, 'the switched state is made current first').to.include(p.vcpu);
    expect(hcall(p, 0x28, 0x10000n | 7n)).to.equal(H.SUCCESS);   // read, write, translation
    expect(p.vcpu.dawr0).to.equal(0x10000n);
    expect(p.vcpu.dawrx0).to.equal(0x40n | 0x20n | 0x10n | 3n);
    expect(hcall(p, 0x134, 0x20000n | 2n, 1)).to.equal(H.SUCCESS);   // write, user only
    expect(p.vcpu.dawrx0).to.equal(0x40n | 1n);
    expect(hcall(p, 0x134, 0x20000n | 2n, 4)).to.equal(H.PARAMETER);   // hypervisor state
    expect(hcall(p, 0x134, 0x20000n | 2n, 0)).to.equal(H.PARAMETER);   // no state
    expect(hcall(p, 0x134, 0x30000n | 2n, 0x10)).to.equal(H.PARAMETER);
    expect(p.vcpu.dawr0).to.equal(0x20000n);
    expect(hcall(p, 0x28, 0x10000n)).to.equal(H.SUCCESS);   // no access selected: off
    expect(p.vcpu.dawrx0).to.equal(0n);
  });

  it('H_SET_MODE AIL 3 is H_P2 where the platform cannot relocate partition interrupts', () => {
    const p = partition();
    setGuestAil(false);
    expect(hcall(p, 0x31c, 3, 3, 0, 0)).to.equal(H.P2);
    expect(p.vcpu.ail).to.equal(0);
    expect(hcall(p, 0x31c, 0, 3, 0, 0)).to.equal(H.SUCCESS);
  });

  it('H_PAGE_INIT: zero and copy 4 KiB pages of the partition; misaligned or outside pages change nothing', () => {
    const p = partition();
    for (let a = 0n; a < 4096n; a += 8n) {
      host.write(MEM_BASE + 0x20000n + a, 8, 0x1111111111111111n + a);
      host.write(MEM_BASE + 0x21000n + a, 8, 0xffffffffffffffffn);
    }
    expect(hcall(p, 0x2c, 0x4000n, 0x21000n, 0x20000n)).to.equal(H.SUCCESS);   // copy
    expect(host.read(MEM_BASE + 0x21ff8n, 8)).to.equal(0x1111111111111111n + 0xff8n);
    expect(hcall(p, 0x2c, 0x8000n, 0x21000n, 0)).to.equal(H.SUCCESS);   // zero
    expect(host.read(MEM_BASE + 0x21800n, 8)).to.equal(0n);
    expect(hcall(p, 0x2c, 0x8000n, 0x20008n, 0)).to.equal(H.PARAMETER);
    expect(hcall(p, 0x2c, 0x8000n, MEM_SIZE, 0)).to.equal(H.PARAMETER);
    expect(hcall(p, 0x2c, 0x4000n, 0x20000n, MEM_SIZE)).to.equal(H.PARAMETER);
    expect(hcall(p, 0x2c, 0x1n, 0x20000n, 0)).to.equal(H.PARAMETER);
    expect(host.read(MEM_BASE + 0x20000n, 8)).to.equal(0x1111111111111111n);
  });
});

describe('PAPR: console input and focus', () => {
  it('typed bytes reach only the partition with the focus; Ctrl-] moves it and is announced', () => {
    const a = partitions[0], b = partitions[1];
    for (const [p, name, i] of [[a, 'one', 0], [b, 'two', 1]] as const) {
      p.state = LparState.Empty;
      const cfg = new PartitionConfig(i);
      cfg.name = name; cfg.program = Program.Hello; cfg.memoryMiB = 2; cfg.cpuShare = 10;
      createPartition(p, cfg, MEM_BASE + BigInt(i) * 0x200000n, 512000n, 0);
      startPartition(p, 0n, 0x1f0000n, 0n);
    }
    expect(setFocus(1)).to.equal(true);
    expect(consoleText()).to.contain("[hv] console focus: partition 'one'");
    for (const c of 'ls\n') typed(c.charCodeAt(0));
    typed(0x1d); typed(0x32);   // Ctrl-] 2
    expect(consoleFocus()).to.equal(2);
    expect(consoleText()).to.contain("[hv] console focus: partition 'two'");
    typed(0x1d); typed(0x1d);   // a literal Ctrl-]
    typed(0x78);
    typed(0x1d); typed(0x30);   // to the hypervisor
    expect(consoleFocus()).to.equal(FOCUS_HYPERVISOR);
    typed(0x79);   // nobody's
    typed(0x1d); typed(0x39);   // no partition 9: the focus stays
    expect(consoleFocus()).to.equal(FOCUS_HYPERVISOR);
    // H_GET_TERM_CHAR of each partition
    a.current = a.vcpu;
    expect(hcall(a, 0x54, 0)).to.equal(H.SUCCESS);
    expect(a.vcpu.gpr[4]).to.equal(3n);
    expect(a.vcpu.gpr[5] >> 40n).to.equal(0x6c730an);   // "ls\n"
    expect(hcall(b, 0x54, 0)).to.equal(H.SUCCESS);
    expect(b.vcpu.gpr[4]).to.equal(2n);
    expect(b.vcpu.gpr[5] >> 48n).to.equal(0x1d78n);
  });

  it('pollConsoleInput takes what the platform console has', () => {
    const p = partition();
    setFocus(1);
    setConsoleInput('abc');
    host.timebase = 1n << 40n;
    pollConsoleInput();
    expect(p.inputCount).to.equal(3);
  });

  it('a partition\'s unfinished line is shown while it waits for input, and ended by anyone else\'s output', () => {
    const p = partition(1, 'sh');
    for (const c of '# ') consoleByte(p, c.charCodeAt(0));
    flushPartial(p);
    for (const c of 'ls\n') consoleByte(p, c.charCodeAt(0));
    for (const c of '$ ') consoleByte(p, c.charCodeAt(0));
    flushPartial(p);
    writeLine('[hv] hello');
    expect(consoleText()).to.equal('[sh] # ls\n[sh] $ \n[hv] hello\n');
  });
});

describe('PAPR: loading an ELF and an initrd from the guest bundle', () => {
  const BUNDLE = 0x20000000n;

  function bundleWith(files: { name: string; bytes: Uint8Array }[]): GuestBundle {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'papr-'));
    const entries = files.map(f => {
      const file = path.join(dir, f.name);
      fs.writeFileSync(file, f.bytes);
      return { name: f.name, path: file, kind: f.name.endsWith('.elf') ? 1 : 2, limit: MEM_SIZE };
    });
    const bytes = buildBundle(entries);
    fs.rmSync(dir, { recursive: true });
    host.writeBytes(BUNDLE, bytes);
    const b = new GuestBundle();
    expect(b.open(BUNDLE, BigInt(bytes.length))).to.equal(0);
    return b;
  }

  it('places the segments, the initrd under the RTAS stub, the stub and a tree Linux reads', () => {
    const p = partition(2);
    p.image = 'k.elf';
    p.initrd = 'rd';
    p.bootargs = 'console=hvc0';
    const elf = elfImage(true, 0xc000000000000100n, 0xc000000000000000n, 0n, new Uint8Array([1, 2, 3, 4, 5]), 0x2000);
    const rd = new Uint8Array(5000).fill(7);
    const b = bundleWith([{ name: 'k.elf', bytes: elf }, { name: 'rd', bytes: rd }]);
    expect(loadElfPartition(p, b)).to.equal(LoadStatus.Ok);
    expect(p.entry).to.equal(0x100n);
    expect(Number(host.read(MEM_BASE + 4n, 1))).to.equal(5);
    expect(host.read(MEM_BASE + 0x1000n, 8), 'BSS zeroed').to.equal(0n);
    const rtas = rtasAddress(p);
    expect(host.read(MEM_BASE + rtas, 4), 'mr r4,r3').to.equal(0x7c641b78n);
    const fdt = new Fdt();
    expect(fdt.open(MEM_BASE + fdtAddress(p), 0x10000)).to.equal(0);
    const chosen = fdt.pathOffset('/chosen');
    const start = fdt.propCells(fdt.findProp(chosen, 'linux,initrd-start'), 0, 2);
    const end = fdt.propCells(fdt.findProp(chosen, 'linux,initrd-end'), 0, 2);
    expect(end - start).to.equal(5000n);
    expect(start % 0x10000n).to.equal(0n);
    expect(end <= rtas).to.equal(true);
    expect(Number(host.read(MEM_BASE + start + 4999n, 1))).to.equal(7);
    expect(fdt.pathOffset('/cpus/PowerPC,POWER9@1')).to.be.at.least(0);
  });

  it('refusals change nothing: a missing or corrupt image, an ELF that does not fit, an initrd that does not fit', () => {
    const p = partition();
    host.write(MEM_BASE + 0x100n, 8, 0xabcdn);
    const elf = elfImage(false, 0n, 0n, 0n, new Uint8Array(16), 16);
    const huge = elfImage(false, 0n, 0n, 0n, new Uint8Array(16), 0x800000);
    const b = bundleWith([{ name: 'k.elf', bytes: elf }, { name: 'huge.elf', bytes: huge }, { name: 'rd', bytes: new Uint8Array(0x3f0000) }]);
    p.image = 'nothere';
    expect(loadElfPartition(p, b)).to.equal(LoadStatus.ImageMissing);
    p.image = 'huge.elf';
    expect(loadElfPartition(p, b)).to.equal(LoadStatus.ElfRefused);
    p.image = 'k.elf';
    p.initrd = 'rd';
    expect(loadElfPartition(p, b)).to.equal(LoadStatus.InitrdDoesNotFit);
    p.initrd = '';
    const k = b.find('k.elf');
    host.write(BUNDLE + b.offset(k) + 70n, 1, 0x55n);   // one byte of the image flipped
    expect(loadElfPartition(p, b)).to.equal(LoadStatus.ImageCorrupt);
    expect(host.read(MEM_BASE + 0x100n, 8), 'memory untouched').to.equal(0xabcdn);
  });

  it('MAX_VCPUS vCPUs fit the XICS', () => {
    expect(partition(MAX_VCPUS).xics.validServer(BigInt(MAX_VCPUS - 1))).to.equal(true);
  });
});
