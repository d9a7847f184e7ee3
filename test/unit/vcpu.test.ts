/**
 * The vCPU's architected state in Node: reset() gives every register its defined reset value
 * whatever an earlier tenant left (the state a new or restarted partition starts from), the
 * problem-state test the gate uses, and the decrementer a switched-out vCPU comes back with
 * (arch/ppc64/common/switch.ts decAt).
 */
import { expect } from 'chai';
import { host } from 'tsnc/host';
import { DEC_RESET, MMCR0_RESET, VSCR_RESET, Vcpu } from '../../lpar/vcpu';
import { decAt } from '../../arch/ppc64/common/switch';

/** Every field of `v` that holds register state, by name (typed arrays as plain arrays). */
function registers(v: Vcpu): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v)) {
    // hashMmu is the partition's translation mode (preparePartition sets it), kept across a reset
    if (k === 'epoch' || k === 'index' || k === 'decTimebase' || k === 'hashMmu') continue;
    out[k] = x instanceof BigUint64Array ? Array.from(x) : x;
  }
  return out;
}

beforeEach(() => host.reset());

describe('vCPU state', () => {
  it('reset: every register gets its reset value, whatever an earlier tenant left', () => {
    const fresh = new Vcpu(0);
    fresh.reset(0x100n, 0x1f0000n, 0x4000n);
    const used = new Vcpu(0);
    let junk = 0x0123456789abcdefn;
    for (const [k, x] of Object.entries(used)) {
      junk = BigInt.asUintN(64, junk * 6364136223846793005n + 1442695040888963407n);
      if (typeof x === 'bigint') (used as unknown as Record<string, bigint>)[k] = junk;
      else if (x instanceof BigUint64Array) x.fill(junk);
      else if (typeof x === 'boolean') (used as unknown as Record<string, boolean>)[k] = true;
    }
    used.littleEndian = true;
    used.ail = 3;
    used.reset(0x100n, 0x1f0000n, 0x4000n);
    expect(registers(used)).to.deep.equal(registers(fresh));
  });

  it('reset: the entry state a partition is started with', () => {
    const v = new Vcpu(0);
    v.reset(0x100n, 0x1f0000n, 0x4000n);
    expect([v.nip, v.gpr[3], v.gpr[4], v.msr]).to.deep.equal([0x100n, 0x1f0000n, 0x4000n, 0x8000000000001000n]);
    expect([v.dec, v.mmcr0, v.vscr]).to.deep.equal([DEC_RESET, MMCR0_RESET, VSCR_RESET]);
    expect(v.vsr.length).to.equal(128);
  });

  it('reset: changes the epoch, so a back end never saves a processor\'s old values over it', () => {
    const v = new Vcpu(0);
    const before = v.epoch;
    v.reset(0n, 0n, 0n);
    v.reset(0n, 0n, 0n);
    expect(v.epoch).to.equal(before + 2);
  });

  it('inProblemState: MSR[PR] at the last exit', () => {
    const v = new Vcpu(0);
    v.reset(0n, 0n, 0n);
    expect(v.inProblemState()).to.equal(false);
    v.msr |= 0x4000n;
    expect(v.inProblemState()).to.equal(true);
  });

  it('decAt: the decrementer counts on while the vCPU is out, and holds once long expired', () => {
    const v = new Vcpu(0);
    v.dec = 1000n;
    v.decTimebase = 5000n;
    expect(decAt(v, 5000n)).to.equal(1000n);
    expect(decAt(v, 5400n)).to.equal(600n);
    expect(decAt(v, 6001n)).to.equal(0xffffffffffffffffn);   // -1: expired, interrupt pending
    v.dec = 0xfffffff0n;   // saved as a negative 32-bit value (-16)
    expect(decAt(v, 5010n)).to.equal(BigInt.asUintN(64, -26n));
    v.dec = 0x7fffffffn;
    expect(decAt(v, 5000n + 0x100000000n)).to.equal(0xffffffff80000000n);
    expect(decAt(v, 5000n + 0x7fffffffn + 0x80000001n)).to.equal(0xffffffff80000000n);
  });
});
