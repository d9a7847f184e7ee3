/**
 * The parts of the powernv partitioning back end that run in Node: the save-area layout and
 * the header generated from it (arch/ppc64/powernv/asm-offsets.ts, scripts/gen-asm-offsets.ts),
 * the LPCR and MSR a guest is entered with (partition.ts), and the memory map the boot
 * sequence places partitions and the page pool by (hv/memmap.ts). Entering a guest is
 * assembly and is tested by booting (test/system/boot.test.ts).
 */
import { expect } from 'chai';
import * as layout from '../../arch/ppc64/powernv/asm-offsets';
import { asmOffsets } from '../../scripts/gen-asm-offsets';
import { guestLpcr } from '../../arch/ppc64/powernv/partition';
import { guestMsr } from '../../arch/ppc64/partitioning';
import { partitions } from '../../lpar/partition';
import { MemRanges } from '../../lpar/fdt';
import { freeStart, reservedOverlap, usableMiB } from '../../hv/memmap';

const MiB = 1n << 20n;
const LAYOUT = 'arch/ppc64/powernv/asm-offsets.ts';

/** Every save-area slot: name, first byte, bytes. */
function slots(): { name: string; at: number; bytes: number }[] {
  const wide: Record<string, number> = { SA_HV_GPR: 32 };
  return Object.entries(layout)
    .filter(([name]) => name.startsWith('SA_') && name !== 'SA_SLOT' && name !== 'SA_BYTES')
    .map(([name, at]) => ({ name, at: at as number, bytes: (wide[name] ?? 1) * layout.SA_SLOT }));
}

function ranges(list: [bigint, bigint][]): MemRanges {
  const r = new MemRanges(8);
  for (const [base, size] of list) r.add(base, size);
  return r;
}

describe('arch/ppc64/powernv save area', () => {
  it('asm-offsets: every slot is doubleword-aligned, inside SA_BYTES, and overlaps no other', () => {
    const all = slots().sort((a, b) => a.at - b.at);
    expect(all.length).to.be.greaterThan(15);
    for (let i = 0; i < all.length; i++) {
      expect(all[i].at % 8, all[i].name).to.equal(0);
      expect(all[i].at + all[i].bytes, all[i].name).to.be.at.most(layout.SA_BYTES);
      if (i > 0) expect(all[i].at, `${all[i].name} after ${all[i - 1].name}`).to.be.at.least(all[i - 1].at + all[i - 1].bytes);
    }
    expect(layout.SA_BYTES % 128).to.equal(0);
  });

  it('gen-asm-offsets: one #define per exported number, in export order, with a guard', () => {
    const text = asmOffsets(LAYOUT);
    const defines = text.split('\n').filter(l => l.startsWith('#define SA_') || l.startsWith('#define SPR_'));
    const exported = Object.entries(layout).filter(([, v]) => typeof v === 'number');
    expect(defines).to.deep.equal(exported.map(([n, v]) => `#define ${n} ${v}`));
    expect(text).to.contain('#ifndef TSHYPE_ARCH_PPC64_POWERNV_ASM_OFFSETS_TS');
    expect(text).to.contain(`Generated from ${LAYOUT}`);
  });
});

describe('arch/ppc64/powernv guest entry values', () => {
  const HR = 0x100000n, UPRT = 0x400000n, HDICE = 0x1n, GTSE = 0x400n, ILE = 0x2000000n, AIL3 = 0x1800000n;
  const LPES = 0xcn;

  it('guestLpcr: radix with the process table and HDEC interrupts, on top of the hypervisor LPCR', () => {
    const p = partitions[0];
    p.gtse = false;
    p.vcpu.reset(0n, 0n, 0n);
    const hv = 0x0040000000000000n | HR;   // DPFD as skiboot leaves it
    expect(guestLpcr(hv, p)).to.equal(hv | UPRT | HDICE);
    expect(guestLpcr(hv, p) & LPES, 'external interrupts go to the hypervisor').to.equal(0n);
  });

  it('guestLpcr: GTSE, ILE and AIL follow the partition (H_REGISTER_PROC_TBL, H_SET_MODE)', () => {
    const p = partitions[0];
    p.vcpu.reset(0n, 0n, 0n);
    p.gtse = true;
    p.vcpu.littleEndian = true;
    p.vcpu.ail = 3;
    expect(guestLpcr(HR, p)).to.equal(HR | UPRT | HDICE | GTSE | ILE | AIL3);
    p.gtse = false;
    p.vcpu.reset(0n, 0n, 0n);
  });

  it('guestMsr: never hypervisor state, machine checks always enabled', () => {
    const SF = 0x8000000000000000n, HV = 0x1000000000000000n, ME = 0x1000n, LE = 1n;
    expect(guestMsr(SF)).to.equal(SF | ME);
    expect(guestMsr(SF | HV | LE)).to.equal(SF | ME | LE);
  });
});

describe('hv/memmap', () => {
  const ram = ranges([[0n, 2048n * MiB]]);

  it('usableMiB: up to the end of RAM, or the first reserved range above the hypervisor', () => {
    expect(usableMiB(ram, ranges([]), 64n * MiB)).to.equal(2048);
    // skiboot payload: skiboot at 768 MiB, its device tree inside it
    const skiboot = ranges([[0x30000000n, 0x600000n], [0x3076e7b0n, 0x680cn], [0x203ffd800000n, 0x400000n]]);
    expect(usableMiB(ram, skiboot, 64n * MiB)).to.equal(768);
    // powernv -bios: the device tree at 16 MiB is inside the hypervisor's region
    expect(usableMiB(ram, ranges([[16n * MiB, 0x1025n]]), 64n * MiB)).to.equal(2048);
  });

  it('reservedOverlap: the first range sharing a byte, -1 when none does', () => {
    const r = ranges([[16n * MiB, 0x1000n], [100n * MiB, MiB]]);
    expect(reservedOverlap(r, 64n * MiB, 32n * MiB)).to.equal(-1);
    expect(reservedOverlap(r, 96n * MiB, 4n * MiB)).to.equal(-1);
    expect(reservedOverlap(r, 96n * MiB, 4n * MiB + 1n)).to.equal(1);
    expect(reservedOverlap(r, 0n, 64n * MiB)).to.equal(0);
  });

  it('freeStart: skips reserved ranges in the way, aligned; the whole interval when none is', () => {
    const align = 0x10000n;
    expect(freeStart(ranges([]), 16n * MiB, 64n * MiB, align)).to.equal(16n * MiB);
    expect(freeStart(ranges([[16n * MiB, 0x1025n]]), 16n * MiB, 64n * MiB, align)).to.equal(16n * MiB + align);
    expect(freeStart(ranges([[16n * MiB, 0x1000n], [16n * MiB + align, 1n]]), 16n * MiB, 64n * MiB, align))
      .to.equal(16n * MiB + 2n * align);
    expect(freeStart(ranges([[60n * MiB, 8n * MiB]]), 16n * MiB, 64n * MiB, align)).to.equal(64n * MiB);
  });
});
