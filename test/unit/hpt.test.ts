/**
 * The hashed-page-table calls (hcalls/hpt.ts) and the HPT format (arch/ppc64/hash.ts): every
 * call's success, each PAPR error, nothing changed on a refusal, and a property test of random
 * call sequences against a model of the table.
 */
import { expect } from 'chai';
import { host } from 'tsnc/host';
import { resetPlatform } from '../fake/platform';
import { dispatchHcall } from '../../hv/dispatch';
import { H } from '../../hcalls/status';
import { Program, PartitionConfig } from '../../lpar/config';
import { createPartition, LparState, Partition, partitions, startPartition } from '../../lpar/partition';
import { initPagePool } from '../../arch/ppc64/common/pages';
import {
  hptAcquire, hptBlocksInUse, hptBlocksTaken, hptEntries, hptOrderFor, hptOrderForPartition, hptRelease, hptResetPool,
  isVrmaEntry, pateHash, setVrmaLargePages, vrmaLpcrBits, vrmaMap,
} from '../../arch/ppc64/hash';

const MEM_BASE = 0x4000000n;
const MEM_SIZE = 0x400000n;   // 4 MiB
const POOL = 0x10000000n;
const ORDER = 18;             // 256 KiB: 16384 entries
const u64 = (n: number | bigint): bigint => BigInt.asUintN(64, BigInt(n));

const H_REMOVE = 0x04, H_ENTER = 0x08, H_READ = 0x0c, H_CLEAR_MOD = 0x10, H_CLEAR_REF = 0x14, H_PROTECT = 0x18;
const H_BULK_REMOVE = 0x124, H_CLEAR_HPT = 0x358, H_REGISTER_PROC_TBL = 0x37c;
const H_EXACT = 1n << 39n, H_READ_4 = 1n << 37n, H_AVPN = 1n << 31n, H_ANDCOND = 1n << 30n;
const V_VALID = 1n, V_LARGE = 4n, V_BOLTED = 0x10n;
const R_M = 0x10n, R_PP_RW = 0x2n, R_R = 0x100n, R_C = 0x80n, LP_64K = 0x1000n;
const BULK_REQUEST = 0x4000000000000000n, BULK_END = 0xc000000000000000n, BULK_RESPONSE = 0x8000000000000000n;
const BULK_AVPN = 0x0200000000000000n, BULK_ANDCOND = 0x0100000000000000n;

/** A 4 KiB entry's doubleword 0 for a 256 MiB segment VSID and page index (as Linux encodes it). */
function v4k(vsid: bigint, page: bigint): bigint {
  return u64((vsid << 12n) | ((page >> 4n) << 7n)) | V_VALID;
}

function hptPartition(hpt = true): Partition {
  const p = partitions[0];
  p.state = LparState.Empty;
  p.hptBase = 0n;
  const cfg = new PartitionConfig(0);
  cfg.name = 'hash';
  cfg.program = Program.Hello;
  cfg.memoryMiB = 4;
  cfg.cpuShare = 50;
  cfg.hpt = hpt;
  expect(createPartition(p, cfg, MEM_BASE, 512000n, 0)).to.equal(true);
  expect(startPartition(p, 0n, 0x3f0000n, 0n)).to.equal(true);
  if (hpt) {
    p.hptOrder = ORDER;
    p.hptBase = hptAcquire(ORDER);
    expect(p.hptBase).to.not.equal(0xffffffffffffffffn);
  }
  return p;
}

function hcall(p: Partition, op: number, ...args: (number | bigint)[]): number {
  const v = p.current;
  v.gpr[3] = u64(op);
  for (let i = 0; i < 9; i++) v.gpr[4 + i] = i < args.length ? u64(args[i]) : 0n;
  dispatchHcall(p, v);
  return Number(BigInt.asIntN(64, v.gpr[3]));
}

const out = (p: Partition, i: number): bigint => p.current.gpr[4 + i];

/** The raw bytes of the whole HPT (to show that a refusal changed nothing). */
function snapshot(p: Partition): string {
  return Buffer.from(host.readBytes(p.hptBase, 1 << ORDER)).toString('hex');
}

/** The real address an entry's second doubleword holds, in the table itself (ISA 3.0 format). */
function rawR(p: Partition, ptex: bigint): bigint {
  return host.read(p.hptBase + ptex * 16n + 8n, 8);
}

beforeEach(() => {
  host.reset();
  resetPlatform();
  hptResetPool();
  initPagePool(POOL, POOL + 0x1000000n);
});

describe('HPT geometry and blocks', () => {
  it('hptOrderFor: memory / 128 rounded up to a power of two, at least 256 KiB', () => {
    expect(hptOrderFor(4n << 20n)).to.equal(18);
    expect(hptOrderFor(32n << 20n)).to.equal(18);
    expect(hptOrderFor(33n << 20n)).to.equal(19);
    expect(hptOrderFor(512n << 20n)).to.equal(22);
    expect(hptOrderFor(1n << 30n)).to.equal(23);
    expect(hptEntries(18)).to.equal(16384n);
    expect(pateHash(0x1000000n, 22)).to.equal(0x1000004n);
  });

  it('VRMA page size: 64 KiB with LPCR[VRMASD] = 0b10001, 4 KiB (QEMU POWER9) with a table four times larger', () => {
    try {
      setVrmaLargePages(true);   // the default; a test of the powernv back end may have chosen 4 KiB (its initPartitioning)
      expect(vrmaLpcrBits()).to.equal(0x11000n);
      expect(hptOrderForPartition(32n << 20n)).to.equal(18);
      setVrmaLargePages(false);
      expect(vrmaLpcrBits()).to.equal(0n);
      expect(hptOrderForPartition(32n << 20n)).to.equal(20);
      const hpt = hptAcquire(20);
      expect(vrmaMap(hpt, 20, MEM_BASE, MEM_SIZE)).to.equal(MEM_SIZE >> 12n);
      let found = 0;
      for (let ptex = 0n; ptex < hptEntries(20); ptex++) {
        const v = host.read(hpt + ptex * 16n, 8);
        if ((v & V_VALID) === 0n) continue;
        found++;
        expect(v & V_LARGE).to.equal(0n);
      }
      expect(found).to.equal(Number(MEM_SIZE >> 12n));
    } finally {
      setVrmaLargePages(true);
    }
  });

  it('hptAcquire: a released block is reused (zeroed) and the pool does not grow', () => {
    const a = hptAcquire(18);
    host.write(a + 64n, 8, 0x1234n);
    hptRelease(a);
    const b = hptAcquire(18);
    expect(b).to.equal(a);
    expect(host.read(b + 64n, 8)).to.equal(0n);
    const c = hptAcquire(19);
    expect(c % (1n << 19n)).to.equal(0n);
    hptRelease(b);
    hptRelease(c);
    for (let i = 0; i < 100; i++) hptRelease(hptAcquire(i % 2 === 0 ? 18 : 19));
    expect(hptBlocksTaken()).to.equal(2);
    expect(hptBlocksInUse()).to.equal(0);
    const d = hptAcquire(18);          // the order-18 block, not the larger one
    expect(d).to.equal(a);
  });
});

describe('H_ENTER', () => {
  it('H_ENTER: enters a 4 KiB page in the first free slot of the group, real address in the table', () => {
    const p = hptPartition();
    const pteh = v4k(0x123n, 5n) | V_BOLTED;
    const ptel = 0x3000n | R_M | R_PP_RW;
    expect(hcall(p, H_ENTER, 0, 0x40 + 3, pteh, ptel)).to.equal(H.SUCCESS);
    expect(out(p, 0)).to.equal(0x40n);
    expect(rawR(p, 0x40n) & 0x0ffffffffffff000n).to.equal(MEM_BASE + 0x3000n);
    expect(hcall(p, H_ENTER, 0, 0x40, pteh, 0x4000n | R_M)).to.equal(H.SUCCESS);
    expect(out(p, 0)).to.equal(0x41n);
    expect(hcall(p, H_READ, 0, 0x40)).to.equal(H.SUCCESS);
    expect(out(p, 0)).to.equal(pteh);
    expect(out(p, 1)).to.equal(ptel);        // the logical page again
  });

  it('H_ENTER: a 64 KiB page (L, LP = 1) and a 1 TiB segment entry keep their encodings', () => {
    const p = hptPartition();
    const pteh = (1n << 62n) | (0x77n << 24n) | V_LARGE | V_VALID;
    const ptel = 0x30000n | LP_64K | R_M;
    expect(hcall(p, H_ENTER, H_EXACT, 0x99, pteh, ptel)).to.equal(H.SUCCESS);
    expect(out(p, 0)).to.equal(0x99n);
    expect(rawR(p, 0x99n) & 0x0ffffffffff0000n).to.equal(MEM_BASE + 0x30000n);
    expect((rawR(p, 0x99n) >> 58n) & 3n).to.equal(1n);           // B moved to doubleword 1 (ISA 3.0)
    expect(hcall(p, H_READ, 0, 0x99)).to.equal(H.SUCCESS);
    expect([out(p, 0), out(p, 1)]).to.deep.equal([pteh, ptel]);
  });

  it('H_ENTER: H_PTEG_FULL for an occupied exact slot and for a full group, nothing changed', () => {
    const p = hptPartition();
    for (let i = 0; i < 8; i++) expect(hcall(p, H_ENTER, 0, 0x80, v4k(1n, BigInt(i)), BigInt(i) << 12n | R_M)).to.equal(H.SUCCESS);
    const before = snapshot(p);
    expect(hcall(p, H_ENTER, 0, 0x80, v4k(2n, 0n), R_M)).to.equal(H.PTEG_FULL);
    expect(hcall(p, H_ENTER, H_EXACT, 0x83, v4k(2n, 0n), R_M)).to.equal(H.PTEG_FULL);
    expect(snapshot(p)).to.equal(before);
  });

  it('H_ENTER: each refusal is H_PARAMETER and changes nothing', () => {
    const p = hptPartition();
    const ok = v4k(9n, 1n);
    const before = snapshot(p);
    const cases: [bigint, bigint, bigint, bigint][] = [
      [1n << 20n, 0n, ok, R_M],                                   // unknown flag
      [0n, hptEntries(ORDER), ok, R_M],                           // index outside the HPT
      [0n, 0n, ok, MEM_SIZE | R_M],                               // page just past the partition
      [0n, 0n, ok, 0xfffffffffffff000n & 0x0ffffffffffff000n | R_M],  // far outside
      [0n, 0n, ok | V_LARGE, (MEM_SIZE - 0x10000n) | 0x2000n | R_M],  // large page, LP not offered
      [0n, 0n, ok, 0x1000n | 0x20n | R_M],                        // cache-inhibited memory (WIMG)
      [0n, 0n, ok, 0x1000n],                                      // WIMG 0 (not coherent)
      [0n, 0n, (1n << 62n) | (0x1ffffffn << 24n) | V_VALID, R_M], // the VRMA's segment
      [0n, 0n, ok | (1n << 55n), R_M],                            // AVA bits ISA 3.0 cannot hold
    ];
    for (const [flags, ptex, pteh, ptel] of cases) {
      expect(hcall(p, H_ENTER, flags, ptex, pteh, ptel), `${flags} ${ptex} ${pteh} ${ptel}`).to.equal(H.PARAMETER);
    }
    expect(snapshot(p)).to.equal(before);
  });

  it('H_ENTER and every other HPT call: H_FUNCTION for a radix partition', () => {
    const p = hptPartition(false);
    for (const op of [H_ENTER, H_REMOVE, H_READ, H_PROTECT, H_CLEAR_MOD, H_CLEAR_REF, H_BULK_REMOVE, H_CLEAR_HPT]) {
      expect(hcall(p, op, 0, 0, v4k(1n, 1n), R_M), `op ${op}`).to.equal(H.FUNCTION);
    }
  });
});

describe('H_REMOVE, H_READ, H_PROTECT', () => {
  it('H_REMOVE: returns the old entry (logical) and invalidates the TLB; AVPN and ANDCOND tests', () => {
    const p = hptPartition();
    const pteh = v4k(0x55n, 3n) | V_BOLTED;
    expect(hcall(p, H_ENTER, 0, 8, pteh, 0x7000n | R_M)).to.equal(H.SUCCESS);
    const before = snapshot(p);
    expect(hcall(p, H_REMOVE, H_AVPN, 8, (pteh & ~0x7fn) ^ 0x80n)).to.equal(H.NOT_FOUND);
    expect(hcall(p, H_REMOVE, H_ANDCOND, 8, V_BOLTED)).to.equal(H.NOT_FOUND);
    expect(hcall(p, H_REMOVE, 0, 9, 0)).to.equal(H.NOT_FOUND);                  // empty slot
    expect(hcall(p, H_REMOVE, 0, hptEntries(ORDER), 0)).to.equal(H.PARAMETER);
    expect(hcall(p, H_REMOVE, 1n << 40n, 8, 0)).to.equal(H.PARAMETER);
    expect(snapshot(p)).to.equal(before);
    expect(host.count('tlbie')).to.equal(0);
    expect(hcall(p, H_REMOVE, H_AVPN, 8, pteh & ~0x7fn)).to.equal(H.SUCCESS);
    expect([out(p, 0), out(p, 1)]).to.deep.equal([pteh, 0x7000n | R_M]);
    expect(host.count('tlbie')).to.equal(1);
    expect(host.trace.find(t => t.op === 'tlbie')!.args.slice(0, 2)).to.deep.equal([0x800n, BigInt(p.lpid)]);
    expect(hcall(p, H_READ, 0, 8)).to.equal(H.SUCCESS);
    expect(out(p, 0) & V_VALID).to.equal(0n);
  });

  it('H_READ: H_READ_4 returns the aligned four; errors are H_PARAMETER', () => {
    const p = hptPartition();
    for (let i = 0; i < 4; i++) expect(hcall(p, H_ENTER, H_EXACT, 0x104 + i, v4k(7n, BigInt(i)), BigInt(i + 1) << 12n | R_M)).to.equal(H.SUCCESS);
    expect(hcall(p, H_READ, H_READ_4, 0x106)).to.equal(H.SUCCESS);
    for (let i = 0; i < 4; i++) {
      expect(out(p, 2 * i)).to.equal(v4k(7n, BigInt(i)));
      expect(out(p, 2 * i + 1)).to.equal(BigInt(i + 1) << 12n | R_M);
    }
    expect(hcall(p, H_READ, 0, hptEntries(ORDER))).to.equal(H.PARAMETER);
    expect(hcall(p, H_READ, 1n << 50n, 0)).to.equal(H.PARAMETER);
  });

  it('H_PROTECT: sets PP, N and the key from the flags; NOT_FOUND and PARAMETER change nothing', () => {
    const p = hptPartition();
    const pteh = v4k(0x31n, 2n);
    expect(hcall(p, H_ENTER, H_EXACT, 0x20, pteh, 0x2000n | R_M | R_PP_RW | R_R)).to.equal(H.SUCCESS);
    const before = snapshot(p);
    expect(hcall(p, H_PROTECT, H_AVPN | 3n, 0x20, 0)).to.equal(H.NOT_FOUND);
    expect(hcall(p, H_PROTECT, 3n, 0x21, 0)).to.equal(H.NOT_FOUND);
    expect(hcall(p, H_PROTECT, 1n << 20n, 0x20, 0)).to.equal(H.PARAMETER);
    expect(hcall(p, H_PROTECT, 3n, hptEntries(ORDER), 0)).to.equal(H.PARAMETER);
    expect(snapshot(p)).to.equal(before);
    expect(hcall(p, H_PROTECT, H_AVPN | 0x100n | 0x3000n | 0x200n | 0x4n | 0x3n, 0x20, pteh & ~0x7fn)).to.equal(H.SUCCESS);
    expect(hcall(p, H_READ, 0, 0x20)).to.equal(H.SUCCESS);
    expect(out(p, 1)).to.equal(0x8000000000000000n | 0x3000000000000000n | 0x200n | 0x2000n | R_M | R_R | 0x4n | 0x3n);
    expect(host.count('tlbie')).to.equal(1);
  });
});

describe('H_BULK_REMOVE, H_CLEAR_REF/MOD, H_CLEAR_HPT', () => {
  it('H_BULK_REMOVE: removes, reports NOT_FOUND and R/C per specifier, stops at END', () => {
    const p = hptPartition();
    const a = v4k(1n, 1n), b = v4k(2n, 2n);
    expect(hcall(p, H_ENTER, H_EXACT, 0x200, a, 0x1000n | R_M | R_R | R_C)).to.equal(H.SUCCESS);
    expect(hcall(p, H_ENTER, H_EXACT, 0x201, b, 0x2000n | R_M)).to.equal(H.SUCCESS);
    expect(hcall(p, H_BULK_REMOVE,
      BULK_REQUEST | BULK_AVPN | 0x200n, a & ~0x7fn,
      BULK_REQUEST | 0x202n, 0,
      BULK_REQUEST | BULK_ANDCOND | 0x201n, 0,
      BULK_END, 0)).to.equal(H.SUCCESS);
    expect(out(p, 0)).to.equal(BULK_RESPONSE | BULK_AVPN | 0x200n | (3n << 58n));
    expect(out(p, 2)).to.equal(BULK_RESPONSE | 0x1000000000000000n | 0x202n);
    expect(out(p, 4)).to.equal(BULK_RESPONSE | BULK_ANDCOND | 0x201n);
    expect(hcall(p, H_READ, H_READ_4, 0x200)).to.equal(H.SUCCESS);
    expect(out(p, 0) & V_VALID).to.equal(0n);
    expect(out(p, 2) & V_VALID).to.equal(0n);
    expect(host.count('tlbie')).to.equal(1);
  });

  it('H_BULK_REMOVE: a bad specifier refuses the whole call with H_PARAMETER, nothing removed', () => {
    const p = hptPartition();
    expect(hcall(p, H_ENTER, H_EXACT, 0x300, v4k(3n, 3n), 0x3000n | R_M)).to.equal(H.SUCCESS);
    const before = snapshot(p);
    const bad: bigint[] = [
      BULK_RESPONSE | 0x300n,                           // not a request
      BULK_REQUEST | BULK_AVPN | BULK_ANDCOND | 0x300n, // both tests
      BULK_REQUEST | hptEntries(ORDER),                 // outside the HPT
    ];
    for (const tsh of bad) {
      expect(hcall(p, H_BULK_REMOVE, BULK_REQUEST | 0x300n, 0, tsh, 0)).to.equal(H.PARAMETER);
      expect(out(p, 2) & 0x3000000000000000n).to.equal(0x2000000000000000n);
    }
    expect(snapshot(p)).to.equal(before);
    expect(host.count('tlbie')).to.equal(0);
  });

  it('H_CLEAR_REF and H_CLEAR_MOD: return the old doubleword 1, clear R or C', () => {
    const p = hptPartition();
    expect(hcall(p, H_ENTER, H_EXACT, 0x10, v4k(4n, 4n), 0x4000n | R_M | R_R | R_C)).to.equal(H.SUCCESS);
    expect(hcall(p, H_CLEAR_REF, 0, 0x10)).to.equal(H.SUCCESS);
    expect(out(p, 0)).to.equal(0x4000n | R_M | R_R | R_C);
    expect(hcall(p, H_CLEAR_MOD, 0, 0x10)).to.equal(H.SUCCESS);
    expect(out(p, 0)).to.equal(0x4000n | R_M | R_C);
    expect(hcall(p, H_READ, 0, 0x10)).to.equal(H.SUCCESS);
    expect(out(p, 1)).to.equal(0x4000n | R_M);
    const before = snapshot(p);
    expect(hcall(p, H_CLEAR_REF, 0, 0x11)).to.equal(H.NOT_FOUND);
    expect(hcall(p, H_CLEAR_MOD, 1, 0x10)).to.equal(H.PARAMETER);
    expect(hcall(p, H_CLEAR_REF, 0, hptEntries(ORDER))).to.equal(H.PARAMETER);
    expect(snapshot(p)).to.equal(before);
  });

  it('H_CLEAR_HPT: removes every guest entry and keeps the VRMA, which no other call may touch', () => {
    const p = hptPartition();
    expect(vrmaMap(p.hptBase, ORDER, p.memBase, p.memSize)).to.equal(MEM_SIZE >> 16n);
    let vrma = -1n;
    for (let i = 0n; i < hptEntries(ORDER) && vrma < 0n; i++) {
      expect(hcall(p, H_READ, 0, i)).to.equal(H.SUCCESS);
      if ((out(p, 0) & V_VALID) !== 0n && isVrmaEntry(out(p, 0))) vrma = i;
    }
    expect(vrma >= 0n).to.equal(true);
    const page = out(p, 1) & 0x0fffffffffff0000n;            // a logical 64 KiB page of the partition
    expect(page < MEM_SIZE).to.equal(true);
    expect(out(p, 1) & 0xf000n).to.equal(LP_64K);
    expect(rawR(p, vrma) & 0x00ffffffffff0000n).to.equal(MEM_BASE + page);
    for (const op of [H_REMOVE, H_PROTECT, H_CLEAR_REF, H_CLEAR_MOD]) expect(hcall(p, op, 0, vrma, 0)).to.equal(H.NOT_FOUND);
    expect(hcall(p, H_BULK_REMOVE, BULK_REQUEST | vrma, 0, BULK_END, 0)).to.equal(H.SUCCESS);
    expect(out(p, 0) & 0x3000000000000000n).to.equal(0x1000000000000000n);
    expect(hcall(p, H_ENTER, 0, vrma, v4k(5n, 5n), 0x5000n | R_M)).to.equal(H.SUCCESS);
    const mine = out(p, 0);
    expect(hcall(p, H_CLEAR_HPT)).to.equal(H.SUCCESS);
    expect(hcall(p, H_READ, 0, mine)).to.equal(H.SUCCESS);
    expect(out(p, 0) & V_VALID).to.equal(0n);
    expect(hcall(p, H_READ, 0, vrma)).to.equal(H.SUCCESS);
    expect(isVrmaEntry(out(p, 0))).to.equal(true);
  });

  it('H_REGISTER_PROC_TBL from an HPT partition: flags 0 and deregister succeed, radix or a table refused', () => {
    const p = hptPartition();
    expect(hcall(p, H_REGISTER_PROC_TBL, 0, 0, 0, 0)).to.equal(H.SUCCESS);
    expect(hcall(p, H_REGISTER_PROC_TBL, 0x10, 0, 0, 0)).to.equal(H.SUCCESS);
    expect(hcall(p, H_REGISTER_PROC_TBL, 0x18 | 0x04 | 0x01, 0x100000, 0, 12)).to.equal(H.PARAMETER);
    expect(hcall(p, H_REGISTER_PROC_TBL, 0x18 | 0x02, 0x100000, 0, 12)).to.equal(H.PARAMETER);
    expect(p.processTable).to.equal(0n);
    expect(p.hpt).to.equal(true);
  });
});

describe('HPT property', () => {
  it('random H_ENTER/H_REMOVE/H_PROTECT/H_BULK_REMOVE sequences: the table always matches a model and maps only the partition', () => {
    const p = hptPartition();
    let seed = 0x2545f491;
    const rnd = (n: number): number => {
      seed ^= seed << 13; seed >>>= 0; seed ^= seed >>> 17; seed ^= seed << 5; seed >>>= 0;
      return seed % n;
    };
    const model = new Map<bigint, [bigint, bigint]>();   // ptex -> [v, logical r]
    const GROUPS = 4;                                     // a few groups, so that they fill up
    const entries = hptEntries(ORDER);
    for (let step = 0; step < 3000; step++) {
      const group = BigInt(rnd(GROUPS) * 8);
      const ptex = group + BigInt(rnd(8));
      const choice = rnd(5);
      if (choice <= 1) {
        const large = rnd(2) === 1;
        const pteh = v4k(BigInt(rnd(64)), BigInt(rnd(4096))) | (large ? V_LARGE : 0n);
        // pages inside and (sometimes) outside the partition
        const la = BigInt(rnd(Number(MEM_SIZE >> 12n) + 64)) << 12n;
        const ptel = (large ? (la & ~0xffffn) | LP_64K : la) | R_M | BigInt(rnd(4));
        const exact = rnd(2) === 1;
        const rc = hcall(p, H_ENTER, exact ? H_EXACT : 0n, exact ? ptex : group, pteh, ptel);
        const size = large ? 0x10000n : 0x1000n;
        const inside = (ptel & 0x0ffffffffffff000n & ~(size - 1n)) + size <= MEM_SIZE;
        if (!inside) { expect(rc).to.equal(H.PARAMETER); continue; }
        const free = exact ? !model.has(ptex) : [...Array(8).keys()].some(i => !model.has(group + BigInt(i)));
        expect(rc).to.equal(free ? H.SUCCESS : H.PTEG_FULL);
        if (rc === H.SUCCESS) {
          const slot = out(p, 0);
          if (exact) expect(slot).to.equal(ptex);
          model.set(slot, [pteh, ptel]);
        }
      } else if (choice === 2) {
        const rc = hcall(p, H_REMOVE, 0, ptex, 0);
        expect(rc).to.equal(model.has(ptex) ? H.SUCCESS : H.NOT_FOUND);
        if (rc === H.SUCCESS) {
          expect([out(p, 0), out(p, 1)]).to.deep.equal(model.get(ptex));
          model.delete(ptex);
        }
      } else if (choice === 3) {
        const pp = BigInt(rnd(4));
        const rc = hcall(p, H_PROTECT, pp, ptex, 0);
        expect(rc).to.equal(model.has(ptex) ? H.SUCCESS : H.NOT_FOUND);
        if (rc === H.SUCCESS) {
          const [v, r] = model.get(ptex)!;
          model.set(ptex, [v, (r & ~3n) | pp]);
        }
      } else {
        const a = group + BigInt(rnd(8)), b = group + BigInt(rnd(8));
        expect(hcall(p, H_BULK_REMOVE, BULK_REQUEST | a, 0, BULK_REQUEST | b, 0, BULK_END, 0)).to.equal(H.SUCCESS);
        expect(out(p, 0) & 0x3000000000000000n).to.equal(model.has(a) ? 0n : 0x1000000000000000n);
        model.delete(a);
        expect(out(p, 2) & 0x3000000000000000n).to.equal(model.has(b) ? 0n : 0x1000000000000000n);
        model.delete(b);
      }
    }
    for (let ptex = 0n; ptex < BigInt(GROUPS * 8); ptex++) {
      expect(hcall(p, H_READ, 0, ptex)).to.equal(H.SUCCESS);
      const m = model.get(ptex);
      if (!m) { expect(out(p, 0) & V_VALID).to.equal(0n); continue; }
      expect([out(p, 0), out(p, 1)]).to.deep.equal(m);
      const real = rawR(p, ptex) & 0x00fffffffffff000n;
      expect(real >= MEM_BASE && real < MEM_BASE + MEM_SIZE).to.equal(true);
    }
    expect(model.size).to.be.greaterThan(0);
    expect(entries).to.equal(16384n);
  });
});
