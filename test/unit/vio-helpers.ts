/**
 * Shared helpers of the virtual-I/O tests (vio.test.ts, vio-property.test.ts, hcall-property):
 * partitions in Node with devices from a SystemConfig built in the test, hcalls, TCE mappings,
 * policies compiled from text, and snapshots of every piece of state a refusal must not change.
 */
import { expect } from 'chai';
import { host } from 'tsnc/host';
import { compilePolicy } from '../../scripts/tshype-cli/src/policy-compiler';
import { initSecurity, labelOf } from '../../shype/security';
import { dispatchHcall } from '../../hv/dispatch';
import { Program, PartitionConfig, SystemConfig } from '../../lpar/config';
import { createPartition, LparState, Partition, partitions, startPartition } from '../../lpar/partition';
import { attachDevices, detachDevices, linkChannels, tces, vdevices, VIO_UNIT_BASE } from '../../lpar/vio';
import { lanPorts } from '../../lpar/lan';
import { resetSwitch } from '../../hcalls/vswitch';
import { MAX_PARTITIONS } from '../../lpar/config';

export const MiB = 0x100000n;
export const SIZE = 2n * MiB;
export const u64 = (n: number | bigint): bigint => BigInt.asUintN(64, BigInt(n));

export const OP = {
  GET_TCE: 0x1c, PUT_TCE: 0x20, REG_CRQ: 0xfc, FREE_CRQ: 0x100, VIO_SIGNAL: 0x104, SEND_CRQ: 0x108,
  COPY_RDMA: 0x110, REGISTER_LOGICAL_LAN: 0x114, FREE_LOGICAL_LAN: 0x118, ADD_LOGICAL_LAN_BUFFER: 0x11c,
  SEND_LOGICAL_LAN: 0x120, MULTICAST_CTRL: 0x130, STUFF_TCE: 0x138, PUT_TCE_INDIRECT: 0x13c,
  CHANGE_LOGICAL_LAN_MAC: 0x14c, ADD_LOGICAL_LAN_BUFFERS: 0x248, ENABLE_CRQ: 0x2b0,
};

/** Unit address (and LIOBN) of a partition's k-th device. */
export const unit = (k: number): bigint => BigInt(VIO_UNIT_BASE + k);
export const VALID = 1n << 63n;
/** A buffer descriptor: VALID | length << 32 | ioba. */
export const bd = (length: number, ioba: bigint | number): bigint => VALID | (BigInt(length) << 32n) | BigInt(ioba);

const DESCRIPTOR = 0x1000n, BLOB = 0x2000n;

/** Compile `text` and load it as the image's policy (null: no policy, sHype off). */
export function loadPolicy(text: string | null): Uint8Array | undefined {
  if (text === null) {
    host.write(DESCRIPTOR + 8n, 8, 0n);
    (globalThis as unknown as { policyBlob: () => bigint }).policyBlob = () => DESCRIPTOR;
    initSecurity();
    return undefined;
  }
  const r = compilePolicy(text, 'test.pol');
  expect(r.errors).to.deep.equal([]);
  const blob = r.binary!;
  host.writeBytes(BLOB, blob);
  host.write(DESCRIPTOR, 8, BLOB);
  host.write(DESCRIPTOR + 8n, 8, BigInt(blob.length));
  (globalThis as unknown as { policyBlob: () => bigint }).policyBlob = () => DESCRIPTOR;
  expect(initSecurity()).to.equal(true);
  return blob;
}

/** Partition memory base of slot i: 2 MiB each from 64 MiB. */
export const baseOf = (i: number): bigint => 0x4000000n + SIZE * BigInt(i);

/** Forget every device and every partition (before building a new configuration). */
export function resetVio(): void {
  for (let i = 0; i < MAX_PARTITIONS; i++) detachDevices(i);
  for (const port of lanPorts) { port.close(); port.device = -1; port.segment = -1; port.segmentLabel = 0; }
  resetSwitch();
  for (const p of partitions) p.state = LparState.Empty;
}

/** Create and start running partitions for `cfg`'s partitions (labels as their names), attach their devices and link the channels. */
export function launch(cfg: SystemConfig): Partition[] {
  const out: Partition[] = [];
  for (let k = 0; k < cfg.count; k++) {
    const c = cfg.partitions[k];
    const p = partitions[k];
    p.state = LparState.Empty;
    const pc = new PartitionConfig(k);
    pc.name = c.name;
    pc.label = c.label;
    pc.program = Program.Hello;
    pc.memoryMiB = 2;
    pc.cpuShare = 10;
    expect(createPartition(p, pc, baseOf(k), 512000n, labelOf(c.label))).to.equal(true);
    expect(startPartition(p, 0n, SIZE - 0x10000n, 0n)).to.equal(true);
    expect(attachDevices(p, cfg, k)).to.equal(true);
    out.push(p);
  }
  linkChannels();
  for (let i = 0; i < cfg.portCount; i++) {
    const seg = cfg.segments[cfg.ports[i].segment];
    lanPorts[i].segmentLabel = seg.label === '' ? 0 : labelOf(seg.label);
  }
  return out;
}

/** Make hcall `op` from `p` with r4.. = args; returns the status, signed. */
export function hcall(p: Partition, op: number | bigint, ...args: (number | bigint)[]): number {
  const v = p.vcpu;
  v.gpr[3] = u64(op);
  for (let i = 0; i < 9; i++) v.gpr[4 + i] = i < args.length ? u64(args[i]) : 0n;
  dispatchHcall(p, v);
  return Number(BigInt.asIntN(64, v.gpr[3]));
}

/** Logical address of window page i of device slot k of a partition (the standard mapping). */
export const laOf = (k: number, ioba: bigint | number): bigint => 0x100000n + BigInt(k) * 0x20000n + BigInt(ioba);
/** Pages of the standard mapping (128 KiB per device). */
export const MAPPED_PAGES = 32;

/** Map window pages 0..MAPPED_PAGES-1 of device k of `p` to laOf(k, ...), read and write. */
export function mapWindow(p: Partition, k: number, perm = 3n): void {
  for (let i = 0; i < MAPPED_PAGES; i++) {
    expect(hcall(p, OP.PUT_TCE, unit(k), i * 0x1000, laOf(k, i * 0x1000) | perm)).to.equal(0);
  }
}

/** Write bytes at I/O address `ioba` of device k of `p` (through the standard mapping). */
export function writeIo(p: Partition, k: number, ioba: number | bigint, bytes: Uint8Array | number[]): void {
  host.writeBytes(p.memBase + laOf(k, ioba), Uint8Array.from(bytes));
}
export function readIo(p: Partition, k: number, ioba: number | bigint, length: number): Uint8Array {
  return host.readBytes(p.memBase + laOf(k, ioba), length);
}
export function read64(p: Partition, k: number, ioba: number | bigint): bigint {
  return host.read(p.memBase + laOf(k, ioba), 8);
}

/** The host's memory pages (copied), to compare whole memory quickly. */
export function memorySnapshot(): Map<number, Uint8Array> {
  const pages = (host as unknown as { pages: Map<number, Uint8Array> }).pages;
  const out = new Map<number, Uint8Array>();
  for (const [k, v] of pages) out.set(k, v.slice());
  return out;
}

/** Pages that differ between two memory snapshots (a page missing reads as zero). */
export function memoryDiff(a: Map<number, Uint8Array>, b: Map<number, Uint8Array>): number[] {
  const diff: number[] = [];
  const keys = new Set([...a.keys(), ...b.keys()]);
  for (const k of keys) {
    const x = a.get(k), y = b.get(k);
    const zero = (u: Uint8Array | undefined): boolean => !u || u.every(c => c === 0);
    if (!x || !y) { if (!(zero(x) && zero(y))) diff.push(k); continue; }
    if (Buffer.compare(Buffer.from(x), Buffer.from(y)) !== 0) diff.push(k);
  }
  return diff;
}

const COUNTERS = new Set(['sent', 'received', 'bytes', 'denied', 'dropped', 'interrupts', 'framesSent', 'bytesSent',
  'framesReceived', 'bytesReceived', 'throttled', 'drops', 'tokens', 'refilled']);

function plain(o: object, counters: boolean): Record<string, unknown> {
  const r: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(o)) {
    if (!counters && COUNTERS.has(k)) continue;
    r[k] = ArrayBuffer.isView(v) ? Array.from(v as unknown as ArrayLike<number | bigint>, x => String(x)) : typeof v === 'bigint' ? String(v) : v;
  }
  return r;
}

/** Everything a refusal must leave alone: TCEs, devices, ports (counters apart unless `counters`), memory. */
export interface VioSnapshot { tces: BigUint64Array; devices: string; ports: string; memory: Map<number, Uint8Array> }

export function snapshot(counters = false): VioSnapshot {
  return {
    tces: tces.slice(),
    devices: JSON.stringify(vdevices.map(d => plain(d, counters))),
    ports: JSON.stringify(lanPorts.map(p => plain(p, counters))),
    memory: memorySnapshot(),
  };
}

/** Expect the state now to equal `s`. */
export function expectUnchanged(s: VioSnapshot, what: string, counters = false): void {
  const now = snapshot(counters);
  let firstTce = -1;
  for (let i = 0; i < tces.length && firstTce < 0; i++) if (tces[i] !== s.tces[i]) firstTce = i;
  expect(firstTce, `${what}: TCE entry changed`).to.equal(-1);
  expect(now.devices, `${what}: device state changed`).to.equal(s.devices);
  expect(now.ports, `${what}: port state changed`).to.equal(s.ports);
  expect(memoryDiff(s.memory, now.memory), `${what}: memory pages changed`).to.deep.equal([]);
}

/** Call `op` from `p`, expect `status`, and expect it changed nothing (counters apart). */
export function refused(p: Partition, status: number, op: number, ...args: (number | bigint)[]): void {
  const s = snapshot();
  expect(hcall(p, op, ...args), `op 0x${op.toString(16)}(${args.map(a => '0x' + u64(a).toString(16)).join(', ')})`).to.equal(status);
  expectUnchanged(s, `op 0x${op.toString(16)} refused with ${status}`);
}
