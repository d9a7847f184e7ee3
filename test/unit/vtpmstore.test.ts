/**
 * H_TSHYPE_VTPM_SAVE and H_TSHYPE_VTPM_LOAD (hcalls/vtpmstore.ts) in Node, through dispatch and
 * the gate, over the fake platform's in-memory store: success, and each refusal — not the vTPM
 * partition, bad instance, length, room or address, no store, store failures — with its status
 * and nothing changed (the store, the caller's memory, r4).
 */
import { expect } from 'chai';
import { host } from 'tsnc/host';
import { nvStoreBytes, nvWrites, resetPlatform, setNvReadFails, setNvStore, setNvWriteHook } from '../fake/platform';
import { H_TSHYPE_VTPM_LOAD, H_TSHYPE_VTPM_SAVE } from '../../hcalls/table';
import { dispatchHcall } from '../../hv/dispatch';
import { H } from '../../hcalls/status';
import { VTPM_INSTANCES } from '../../hcalls/vtpmstore';
import { Program, PartitionConfig } from '../../lpar/config';
import { createPartition, LparState, Partition, partitions, startPartition } from '../../lpar/partition';
import { IMAGE_MAX, MAX_SLOTS, SLOT_BYTES, eraseMemoryStore } from '../../lpar/nvstore';

const MEM_BASE = 0x4000000n;
const MEM_SIZE = 0x200000n;
const u64 = (n: number | bigint): bigint => BigInt.asUintN(64, BigInt(n));

/** A running partition in slot 0 (2 MiB at 64 MiB) running `program`. */
function partition(program: Program): Partition {
  const p = partitions[0];
  p.state = LparState.Empty;
  const cfg = new PartitionConfig(0);
  cfg.name = program === Program.Vtpm ? 'vtpm' : 'other';
  cfg.program = program;
  cfg.memoryMiB = 2;
  cfg.cpuShare = 50;
  expect(createPartition(p, cfg, MEM_BASE, 512000n, 0)).to.equal(true);
  expect(startPartition(p, 0n, 0x1f0000n, 0n)).to.equal(true);
  return p;
}

/** hcall `op` from p with r4.. = args; the status. */
function hcall(p: Partition, op: number, ...args: (number | bigint)[]): number {
  const v = p.vcpu;
  v.gpr[3] = u64(op);
  for (let i = 0; i < 9; i++) v.gpr[4 + i] = i < args.length ? u64(args[i]) : 0n;
  dispatchHcall(p, v);
  return Number(BigInt.asIntN(64, v.gpr[3]));
}

function pattern(n: number, seed: number): Uint8Array {
  return Uint8Array.from({ length: n }, (_, i) => (i * 31 + seed * 7 + (i >> 8)) & 0xff);
}

/** Bytes of the partition's memory at logical `la`. */
const mem = (la: number, n: number): Uint8Array => host.readBytes(MEM_BASE + BigInt(la), n);
const put = (la: number, b: Uint8Array): void => host.writeBytes(MEM_BASE + BigInt(la), b);

const IMG = 0x10000, BUF = 0x20000;

beforeEach(() => {
  eraseMemoryStore();
  host.reset();
  resetPlatform();
});

describe('H_TSHYPE_VTPM_SAVE / H_TSHYPE_VTPM_LOAD', () => {
  it('SAVE then LOAD: the image comes back, r4 = its length; each instance has its own; a blank instance loads 0', () => {
    setNvStore(MAX_SLOTS * SLOT_BYTES);
    const p = partition(Program.Vtpm);
    for (let i = 0; i < VTPM_INSTANCES; i++) {
      put(IMG + 0x4000 * i, pattern(100 + i, i));
      expect(hcall(p, H_TSHYPE_VTPM_SAVE, i, IMG + 0x4000 * i, 100 + i), `instance ${i}`).to.equal(H.SUCCESS);
    }
    for (let i = VTPM_INSTANCES - 1; i >= 0; i--) {
      expect(hcall(p, H_TSHYPE_VTPM_LOAD, i, BUF, IMAGE_MAX)).to.equal(H.SUCCESS);
      expect(p.vcpu.gpr[4]).to.equal(BigInt(100 + i));
      expect(mem(BUF, 100 + i)).to.deep.equal(pattern(100 + i, i));
    }
    setNvStore(MAX_SLOTS * SLOT_BYTES);
    expect(hcall(p, H_TSHYPE_VTPM_LOAD, 3, BUF, 16)).to.equal(H.SUCCESS);
    expect(p.vcpu.gpr[4]).to.equal(0n);
  });

  it('SAVE: a 16 KiB image, saved again and again, always loads as the newest', () => {
    setNvStore(MAX_SLOTS * SLOT_BYTES);
    const p = partition(Program.Vtpm);
    for (let k = 0; k < 3; k++) {
      put(IMG, pattern(IMAGE_MAX, k));
      expect(hcall(p, H_TSHYPE_VTPM_SAVE, 7, IMG, IMAGE_MAX)).to.equal(H.SUCCESS);
      expect(hcall(p, H_TSHYPE_VTPM_LOAD, 7, BUF, IMAGE_MAX + 100)).to.equal(H.SUCCESS);
      expect(mem(BUF, IMAGE_MAX)).to.deep.equal(pattern(IMAGE_MAX, k));
    }
  });

  it('a partition not running Program.Vtpm: H_PRIVILEGE, nothing read or written', () => {
    const store = setNvStore(MAX_SLOTS * SLOT_BYTES);
    const vtpm = partition(Program.Vtpm);
    put(IMG, pattern(64, 1));
    expect(hcall(vtpm, H_TSHYPE_VTPM_SAVE, 0, IMG, 64)).to.equal(H.SUCCESS);
    const before = store.slice(), writes = nvWrites;
    for (const program of [Program.Hello, Program.VtpmClient, Program.Fuzzer]) {
      const p = partition(program);
      put(BUF, new Uint8Array(64).fill(0xee));
      expect(hcall(p, H_TSHYPE_VTPM_SAVE, 0, IMG, 64)).to.equal(H.PRIVILEGE);
      expect(hcall(p, H_TSHYPE_VTPM_LOAD, 0, BUF, 64)).to.equal(H.PRIVILEGE);
      expect(p.vcpu.gpr[4]).to.equal(0n);
      expect(mem(BUF, 64)).to.deep.equal(new Uint8Array(64).fill(0xee));
    }
    expect(nvWrites).to.equal(writes);
    expect(nvStoreBytes()).to.deep.equal(before);
  });

  it('bad instance, length, room or address: H_PARAMETER, the store and the caller\'s memory unchanged', () => {
    const store = setNvStore(MAX_SLOTS * SLOT_BYTES);
    const p = partition(Program.Vtpm);
    put(IMG, pattern(64, 2));
    expect(hcall(p, H_TSHYPE_VTPM_SAVE, 1, IMG, 64)).to.equal(H.SUCCESS);
    const before = store.slice(), writes = nvWrites;
    const end = Number(MEM_SIZE);
    const saves: (number | bigint)[][] = [
      [VTPM_INSTANCES, IMG, 64], [-1, IMG, 64], [1, IMG, 0], [1, IMG, IMAGE_MAX + 1], [1, IMG, -1],
      [1, end - 32, 64], [1, end, 1], [1, -16, 64], [1, 0x7fffffffffffffffn, 64], [1, end - 64, 65],
    ];
    for (const a of saves) expect(hcall(p, H_TSHYPE_VTPM_SAVE, ...a), `SAVE ${a.join(', ')}`).to.equal(H.PARAMETER);
    put(BUF, new Uint8Array(64).fill(0xee));
    const loads: (number | bigint)[][] = [
      [VTPM_INSTANCES, BUF, 64], [-1, BUF, 64], [1, BUF, 0], [1, end - 32, 64], [1, -16, 64], [1, end - 0x100, IMAGE_MAX],
      [1, BUF, 63],   // room below the stored image's 64 bytes
    ];
    for (const a of loads) {
      p.vcpu.gpr[4] = 0n;
      expect(hcall(p, H_TSHYPE_VTPM_LOAD, ...a), `LOAD ${a.join(', ')}`).to.equal(H.PARAMETER);
    }
    expect(mem(BUF, 64)).to.deep.equal(new Uint8Array(64).fill(0xee));
    expect(nvWrites).to.equal(writes);
    expect(nvStoreBytes()).to.deep.equal(before);
    expect(hcall(p, H_TSHYPE_VTPM_LOAD, 1, BUF, 64)).to.equal(H.SUCCESS);
    expect(mem(BUF, 64)).to.deep.equal(pattern(64, 2));
  });

  it('a store too small for the instance: H_NOT_AVAILABLE (3); without a platform store, hypervisor memory serves', () => {
    const p = partition(Program.Vtpm);
    expect(H.NOT_AVAILABLE as number).to.equal(3);
    put(IMG, pattern(64, 7));
    expect(hcall(p, H_TSHYPE_VTPM_SAVE, 7, IMG, 64)).to.equal(H.SUCCESS);   // no platform store: memory
    expect(hcall(p, H_TSHYPE_VTPM_LOAD, 7, BUF, 64)).to.equal(H.SUCCESS);
    expect(mem(BUF, 64)).to.deep.equal(pattern(64, 7));
    setNvStore(3 * SLOT_BYTES);   // the hypervisor's slot and instances 0, 1
    expect(hcall(p, H_TSHYPE_VTPM_SAVE, 1, IMG, 64)).to.equal(H.SUCCESS);
    expect(hcall(p, H_TSHYPE_VTPM_SAVE, 2, IMG, 64)).to.equal(H.NOT_AVAILABLE);
    expect(hcall(p, H_TSHYPE_VTPM_LOAD, 2, BUF, 64)).to.equal(H.NOT_AVAILABLE);
  });

  it('a store failure: H_HARDWARE; after a failed SAVE the previous image still loads', () => {
    setNvStore(MAX_SLOTS * SLOT_BYTES);
    const p = partition(Program.Vtpm);
    put(IMG, pattern(200, 3));
    expect(hcall(p, H_TSHYPE_VTPM_SAVE, 4, IMG, 200)).to.equal(H.SUCCESS);
    put(IMG, pattern(200, 4));
    setNvWriteHook((store, off, src, len) => { store.set(src.subarray(0, len >> 1), off); return false; });
    expect(hcall(p, H_TSHYPE_VTPM_SAVE, 4, IMG, 200)).to.equal(H.HARDWARE);
    setNvWriteHook((store, off, src, len) => { store.set(src.subarray(0, len), off); store[off + 100] ^= 1; return true; });
    expect(hcall(p, H_TSHYPE_VTPM_SAVE, 4, IMG, 200)).to.equal(H.HARDWARE);   // the read-back finds it damaged
    setNvWriteHook(null);
    expect(hcall(p, H_TSHYPE_VTPM_LOAD, 4, BUF, 200)).to.equal(H.SUCCESS);
    expect(mem(BUF, 200)).to.deep.equal(pattern(200, 3));
    setNvReadFails(true);
    const writes = nvWrites;
    expect(hcall(p, H_TSHYPE_VTPM_LOAD, 4, BUF, 200)).to.equal(H.HARDWARE);
    expect(hcall(p, H_TSHYPE_VTPM_SAVE, 4, IMG, 200)).to.equal(H.HARDWARE);
    expect(nvWrites, 'a SAVE that cannot read the copies writes nothing').to.equal(writes);
  });
});
