/**
 * Property test of virtual I/O, in Node: random sequences of TCE, CRQ and logical-LAN hcalls from
 * 3-4 partitions wired by a random configuration (one segment, 1-2 ports each, random VLANs,
 * random CRQ pairs) under a random STE policy (random types per label, random labels per
 * partition). Every store an hcall makes is watched:
 *
 *   - a store into another partition needs a policy that lets the two labels share (under STE a
 *     common type; SendFrame and OpenChannel are both asked): never a byte across a denial;
 *   - a store into another partition lands only in its registered places: an open port's receive
 *     queue, buffer list and posted buffers, a registered CRQ queue, or (H_COPY_RDMA by a
 *     connected server) a page its client end maps writable;
 *   - a store into the caller's own memory lands only in a page one of its windows maps writable;
 *   - no receive buffer leaks: posted = delivered into + given up (unmapped) + forgotten by
 *     H_FREE_LOGICAL_LAN + still in the pools, per port, after every call;
 *   - a connected CRQ pair's labels share a type.
 *
 * Seeded and reproducible: VIO_SEED=<n> reruns one seed, VIO_RUNS=<n> runs more seeds; a failure
 * names its seed and step.
 */
import { expect } from 'chai';
import { host } from 'tsnc/host';
import { resetPlatform } from '../fake/platform';
import { H } from '../../hcalls/status';
import { Program, SystemConfig } from '../../lpar/config';
import { Partition } from '../../lpar/partition';
import { REMOTE_LIOBN, TCE_WRITE, VioKind, deviceOf, tces, vdevices, type VioDevice } from '../../lpar/vio';
import { Drop, POOL_CAPACITY, POOLS, lanPorts } from '../../lpar/lan';
import { ConfigError, validateSystem } from '../../lpar/validate';
import { OP, SIZE, bd, hcall, laOf, launch, loadPolicy, resetVio, unit } from './vio-helpers';

const RUNS = Number(process.env.VIO_RUNS ?? 4);
const STEPS = 2500;
const BD_ADDR = 0xffffffffn;

/** xorshift64 generator. */
function rng(seed: bigint): { next: () => bigint; below: (n: number) => number; chance: (n: number) => boolean } {
  let x = BigInt.asUintN(64, seed * 0x9e3779b97f4a7c15n + 1n);
  const next = (): bigint => { x ^= (x << 13n) & 0xffffffffffffffffn; x ^= x >> 7n; x ^= (x << 17n) & 0xffffffffffffffffn; return x; };
  return { next, below: (n: number) => Number(next() % BigInt(n)), chance: (n: number) => next() % BigInt(n) === 0n };
}

type Interval = [bigint, bigint];

/** Real-address intervals of [ioba, ioba + length) of `d`'s window where its TCEs allow writes. */
function writable(p: Partition, d: VioDevice, ioba: bigint, length: number): Interval[] {
  const out: Interval[] = [];
  let at = ioba, left = length;
  while (left > 0) {
    const off = Number(at & 0xfffn);
    const chunk = Math.min(left, 0x1000 - off);
    const page = Number(at >> 12n);
    if (page < d.windowPages) {
      const t = tces[d.tceBase + page];
      if ((t & TCE_WRITE) !== 0n) out.push([p.memBase + (t & ~0xfffn) + BigInt(off), p.memBase + (t & ~0xfffn) + BigInt(off + chunk)]);
    }
    at += BigInt(chunk);
    left -= chunk;
  }
  return out;
}

describe('virtual I/O property test', function () {
  this.timeout(60_000);
  after(() => { loadPolicy(null); resetVio(); });

  const seeds = process.env.VIO_SEED ? [BigInt(process.env.VIO_SEED)] : Array.from({ length: RUNS }, (_, i) => BigInt(0x5eed + i * 7919));
  for (const seed of seeds) {
    it(`property (seed ${seed}): ${STEPS} random TCE, CRQ and LAN hcalls never cross a denial, never write outside registered buffers and queues, never leak a buffer`, () => {
      try {
        run(seed);
      } catch (e) {
        (e as Error).message = `seed ${seed} (rerun with VIO_SEED=${seed}): ${(e as Error).message}`;
        throw e;
      }
    });
  }
});

function run(seed: bigint): void {
  const r = rng(seed);
  host.reset();
  resetPlatform();
  resetVio();
  host.timebase = 1000n;
  // ---- a random STE policy: 3 types, 4 labels with a random non-empty subset each ------------
  const types = ['t0', 't1', 't2'];
  const labelTypes = [0, 1, 2, 3].map(() => { const m = 1 + r.below(7); return types.filter((_, i) => (m >> i) & 1); });
  loadPolicy(`policy p\nprimary ste\ntype ${types.join(' ')}\n${labelTypes.map((t, i) => `label L${i} types ${t.join(' ')}`).join('\n')}\n`);
  const n = 3 + r.below(2);
  const labelOfPart = Array.from({ length: n }, () => r.below(4));
  const share = (a: number, b: number): boolean => labelTypes[labelOfPart[a]].some(t => labelTypes[labelOfPart[b]].includes(t));
  // ---- a random configuration ------------------------------------------------------------------
  const cfg = new SystemConfig('prop');
  for (let k = 0; k < n; k++) cfg.add(`p${k}`, Program.Hello, 2, 10).label = `L${labelOfPart[k]}`;
  const seg = cfg.addSegment('lan0');
  const macs: bigint[] = [];
  const vlans = r.chance(2);
  for (let k = 0; k < n; k++) {
    for (let j = 0, m = 1 + r.below(2); j < m && macs.length < 6; j++) {   // at most 6 ports: the windows fit the TCE pool
      const mac = 0x020000000000n + BigInt(macs.length + 1);
      const port = cfg.addPort(cfg.partitions[k], seg, mac);
      macs.push(mac);
      if (vlans) {
        port.pvid = 1 + r.below(2);
        if (r.chance(2)) { port.vlans[0] = 3 - port.pvid; port.vlanCount = 1; }
      }
    }
  }
  for (let c = 0, m = 2 + r.below(2); c < m; c++) {
    const a = r.below(n);
    const b = (a + 1 + r.below(n - 1)) % n;
    cfg.addChannel(cfg.partitions[a], cfg.partitions[b]);
  }
  expect(validateSystem(cfg, 1024).error, 'the random configuration is valid').to.equal(ConfigError.Ok);
  const ps = launch(cfg);
  const devs = (p: Partition, kinds: VioKind[]): number[] => {
    const out: number[] = [];
    for (let k = 0; k < 8; k++) { const i = deviceOf(p, unit(k)); if (i >= 0 && kinds.includes(vdevices[i].kind)) out.push(i); }
    return out;
  };
  // windows: pages 0..31 of each device mapped to the standard place, through H_PUT_TCE
  for (const p of ps) {
    for (const i of devs(p, [VioKind.Lan, VioKind.CrqClient, VioKind.CrqServer])) {
      for (let g = 0; g < 32; g++) expect(hcall(p, OP.PUT_TCE, unit(vdevices[i].slot), g * 0x1000, laOf(vdevices[i].slot, g * 0x1000) | 3n)).to.equal(H.SUCCESS);
    }
  }

  // ---- the store watch -----------------------------------------------------------------------
  let caller = ps[0];
  let allowed: Interval[][] = [];
  let watching = false;
  let step = 0, what = '';
  const h = host as unknown as { write: (a: bigint, size: number, v: bigint) => void };
  const write = host.write.bind(host);
  let stores = 0, crossStores = 0;
  h.write = (a: bigint, size: number, v: bigint): void => {
    if (watching) {
      stores++;
      for (let q = 0; q < n; q++) {
        const p = ps[q];
        if (a + BigInt(size) <= p.memBase || a >= p.memBase + SIZE) continue;
        const c = caller.lpid - 1;
        if (q !== c) {
          crossStores++;
          if (!share(c, q)) throw new Error(`step ${step} ${what}: p${c} (L${labelOfPart[c]}) stored into p${q} (L${labelOfPart[q]}) across a denial at 0x${(a - p.memBase).toString(16)}`);
        }
        if (!allowed[q].some(([s, e]) => a >= s && a + BigInt(size) <= e)) {
          throw new Error(`step ${step} ${what}: p${c} stored ${size} byte(s) into p${q} at 0x${(a - p.memBase).toString(16)}, outside its registered buffers and queues`);
        }
      }
    }
    write(a, size, v);
  };

  /** Where a call by partition `c` may store, per partition. */
  function allowedFor(c: number): Interval[][] {
    return ps.map((p, q) => {
      const out: Interval[] = [];
      const all = devs(p, [VioKind.Lan, VioKind.CrqClient, VioKind.CrqServer]);
      if (q === c) {
        for (const i of all) out.push(...writable(p, vdevices[i], 0n, 32 * 0x1000));
        return out;
      }
      for (const i of all) {
        const d = vdevices[i];
        if (d.kind === VioKind.Lan) {
          const port = lanPorts[d.config];
          if (!port.open) continue;
          out.push(...writable(p, d, port.rxq, port.rxqLength), ...writable(p, d, port.bufferList + 4088n, 8));
          for (let k = 0; k < POOLS; k++) {
            for (let j = 0; j < port.poolCount[k]; j++) {
              const b = port.poolBuffers[k * POOL_CAPACITY + j];
              out.push(...writable(p, d, b & BD_ADDR, port.poolSize[k]));
            }
          }
        } else {
          if (d.crqRegistered) out.push(...writable(p, d, d.crqIoba, d.crqLength));
          // H_COPY_RDMA by a connected server in the caller into this client's window
          const s = d.partner >= 0 ? vdevices[d.partner] : undefined;
          if (d.kind === VioKind.CrqClient && s && s.owner === c && s.connected) out.push(...writable(p, d, 0n, 32 * 0x1000));
        }
      }
      return out;
    });
  }

  // ---- buffer accounting ---------------------------------------------------------------------
  const posted = new Array(lanPorts.length).fill(0);
  const forgotten = new Array(lanPorts.length).fill(0);
  const pooled = (i: number): number => Array.from(lanPorts[i].poolCount).reduce((s, x) => s + x, 0);
  const checkBuffers = (): void => {
    for (let i = 0; i < cfg.portCount; i++) {
      const port = lanPorts[i];
      const used = port.framesReceived + port.drops[Drop.Unmapped] + forgotten[i] + pooled(i);
      if (used !== posted[i]) throw new Error(`step ${step} ${what}: port ${i} leaked: ${posted[i]} posted, ${port.framesReceived} received, ${port.drops[Drop.Unmapped]} unmapped, ${forgotten[i]} forgotten, ${pooled(i)} pooled`);
    }
  };

  // ---- the random calls ------------------------------------------------------------------------
  const counts = new Map<string, number>();
  let delivered = 0;
  try {
    for (step = 0; step < STEPS; step++) {
      const c = r.below(n);
      const p = ps[c];
      const lans = devs(p, [VioKind.Lan]);
      const crqs = devs(p, [VioKind.CrqClient, VioKind.CrqServer]);
      const all = [...lans, ...crqs];
      const pickUnit = (list: number[]): bigint => (list.length === 0 || r.chance(20) ? unit(r.below(9)) : unit(vdevices[list[r.below(list.length)]].slot));
      const iobaIn = (room: number, align: number): bigint => BigInt(r.below(32 * 0x1000 - room)) & ~BigInt(align - 1);
      let op = 0;
      let args: bigint[] = [];
      const kind = r.below(100);
      if (kind < 8) {   // remap a page: mostly the standard place, sometimes elsewhere or read-only or unmapped
        const u = pickUnit(all);
        const slot = Number(u) - 0x30000001;
        const g = r.below(32);
        const la = r.chance(3) ? BigInt(r.below(Number(SIZE >> 12n))) << 12n : laOf(slot & 7, g * 0x1000);
        op = OP.PUT_TCE; args = [u, BigInt(g * 0x1000), la | BigInt(r.chance(4) ? r.below(4) : 3)];
        if (r.chance(10)) { op = OP.STUFF_TCE; args.push(BigInt(1 + r.below(3))); }
      } else if (kind < 10) {
        op = OP.PUT_TCE_INDIRECT;
        const u = pickUnit(all), slot = (Number(u) - 0x30000001) & 7;
        const list = 0x1f0000n, m = 1 + r.below(8), g = r.below(24);
        for (let i = 0; i < m; i++) write(p.memBase + list + BigInt(8 * i), 8, laOf(slot, (g + i) * 0x1000) | 3n);
        args = [u, BigInt(g * 0x1000), list, BigInt(m)];
      } else if (kind < 14) {
        op = OP.VIO_SIGNAL; args = [pickUnit(all), BigInt(r.below(2))];
      } else if (kind < 20) {
        op = OP.REG_CRQ; args = [pickUnit(crqs), r.chance(8) ? iobaIn(0x1000, 16) : 0x1000n, r.chance(8) ? 0x2000n : 0x1000n];
      } else if (kind < 23) {
        op = OP.FREE_CRQ; args = [pickUnit(crqs)];
      } else if (kind < 35) {
        op = OP.SEND_CRQ; args = [pickUnit(crqs), ((r.chance(10) ? 0xffn : r.chance(2) ? 0x80n : 0xc0n) << 56n) | (r.next() >> 8n), r.next()];
      } else if (kind < 42) {
        op = OP.COPY_RDMA;
        const l = (): bigint => pickUnit(crqs) | (r.chance(2) ? BigInt(REMOTE_LIOBN) : 0n);
        args = [BigInt(r.below(0x2000)), l(), iobaIn(0x2000, 1), l(), iobaIn(0x2000, 1)];
      } else if (kind < 48) {
        op = OP.REGISTER_LOGICAL_LAN;
        const u = pickUnit(lans);
        const i = deviceOf(p, u);
        const mac = i >= 0 && vdevices[i].kind === VioKind.Lan ? lanPorts[vdevices[i].config].configuredMac : macs[0];
        args = [u, 0n, bd(r.chance(2) ? 0x40 : 0x1000, 0x2000), 0x1000n, mac];
      } else if (kind < 50) {
        op = OP.FREE_LOGICAL_LAN; args = [pickUnit(lans)];
      } else if (kind < 65) {
        op = r.chance(2) ? OP.ADD_LOGICAL_LAN_BUFFER : OP.ADD_LOGICAL_LAN_BUFFERS;
        const buf = (): bigint => bd(r.chance(4) ? 64 + r.below(3) * 512 : 2048, 0x8000 + r.below(32) * 0x800 - (r.chance(20) ? 0x7000 : 0));
        args = [pickUnit(lans), buf()];
        if (op === OP.ADD_LOGICAL_LAN_BUFFERS) for (let k = 0; k < 7; k++) args.push(r.chance(4) ? 0n : buf());
      } else if (kind < 95) {
        op = OP.SEND_LOGICAL_LAN;
        const u = pickUnit(lans);
        const i = deviceOf(p, u);
        const at = 0x18000n + BigInt(r.below(16) * 0x400);
        const len = 14 + r.below(600);
        if (i >= 0) {
          const d = vdevices[i];
          const dst = r.chance(5) ? 0xffffffffffffn : r.chance(8) ? 0x01005e000001n : macs[r.below(macs.length)];
          const src = d.kind === VioKind.Lan ? lanPorts[d.config].mac : 0n;
          const tag = vlans && r.chance(3) ? [0x81, 0x00, 0, 1 + r.below(2)] : [];
          const bytes = [...Array.from({ length: 6 }, (_, k) => Number((dst >> BigInt(40 - 8 * k)) & 0xffn)),
            ...Array.from({ length: 6 }, (_, k) => Number((src >> BigInt(40 - 8 * k)) & 0xffn)), ...tag,
            ...Array.from({ length: len }, () => 0xa0 + c)];
          for (let k = 0; k < bytes.length; k++) {
            const io = at + BigInt(k);
            const page = Number(io >> 12n);
            if (page < d.windowPages) write(p.memBase + (tces[d.tceBase + page] & ~0xfffn) + (io & 0xfffn), 1, BigInt(bytes[k]));
          }
        }
        args = [u, bd(len + 14, at), 0n, 0n, 0n, 0n, 0n, 0n];
      } else if (kind < 98) {
        op = OP.MULTICAST_CTRL; args = [pickUnit(lans), r.next() & 0xf0003n, 0x01005e000001n];
      } else {
        op = OP.CHANGE_LOGICAL_LAN_MAC; args = [pickUnit(lans), macs[r.below(macs.length)] + (r.chance(2) ? 0x100000n : 0n)];
      }
      // bookkeeping before the call
      const lanIndex = deviceOf(p, args[0]);
      const port = lanIndex >= 0 && vdevices[lanIndex].kind === VioKind.Lan ? vdevices[lanIndex].config : -1;
      const pooledBefore = port >= 0 ? pooled(port) : 0;
      const receivedBefore = lanPorts.map(x => x.framesReceived);
      caller = p;
      allowed = allowedFor(c);
      what = `op 0x${op.toString(16)}(${args.map(a => '0x' + a.toString(16)).join(', ')}) by p${c}`;
      watching = true;
      const status = hcall(p, op, ...args);
      watching = false;
      counts.set(`${op.toString(16)}:${status}`, (counts.get(`${op.toString(16)}:${status}`) ?? 0) + 1);
      if (status === H.SUCCESS && port >= 0) {
        if (op === OP.ADD_LOGICAL_LAN_BUFFER) posted[port]++;
        if (op === OP.ADD_LOGICAL_LAN_BUFFERS) { let m = 0; while (m < 8 && (args[1 + m] >> 63n) === 1n) m++; posted[port] += m; }
        if (op === OP.FREE_LOGICAL_LAN) forgotten[port] += pooledBefore;
      }
      if (op === OP.SEND_LOGICAL_LAN) delivered += lanPorts.reduce((s, x, i) => s + x.framesReceived - receivedBefore[i], 0);
      if (op === OP.SEND_LOGICAL_LAN && status === H.BUSY) host.timebase += 100000000n;
      host.timebase += 1000n;
      checkBuffers();
      for (const d of vdevices) {
        if (d.owner >= 0 && d.kind === VioKind.CrqClient && d.connected && d.partner >= 0) {
          const s = vdevices[d.partner];
          if (!share(d.owner, s.owner)) throw new Error(`step ${step} ${what}: CRQ p${d.owner} -> p${s.owner} connected across a denial`);
        }
      }
    }
  } finally {
    watching = false;
    delete (h as { write?: unknown }).write;
  }
  expect(stores, 'stores watched').to.be.above(100);
  expect(counts.get(`${OP.SEND_LOGICAL_LAN.toString(16)}:0`) ?? 0, 'frames delivered').to.be.above(0);
  expect(delivered, 'deliveries').to.be.above(0);
  void crossStores;
}
