/**
 * H_PAGE_INIT: zero or copy one 4 KiB page of the partition's memory for the guest (PAPR; QEMU
 * hw/ppc/spapr_hcall.c h_page_init). Both pages must be 4 KiB-aligned partition addresses;
 * anything else is H_PARAMETER and changes nothing.
 */
import { dcbst, icbi, isync, load64, store64, sync, type u64 } from 'tsnc';
import { realAddress, NO_ADDRESS } from '../lpar/memory';
import type { Partition } from '../lpar/partition';
import type { Vcpu } from '../lpar/vcpu';
import { H } from './status';

// flags (PAPR; Linux asm/hvcall.h H_ZERO_PAGE, H_COPY_PAGE, H_ICACHE_*)
const ICACHE_INVALIDATE: u64 = 0x800000n;   // 1 << (63 - 40)
const ICACHE_SYNCHRONIZE: u64 = 0x400000n;  // 1 << (63 - 41)
const ZERO_PAGE: u64 = 0x8000n;             // 1 << (63 - 48)
const COPY_PAGE: u64 = 0x4000n;             // 1 << (63 - 49)
const KNOWN: u64 = ICACHE_INVALIDATE | ICACHE_SYNCHRONIZE | ZERO_PAGE | COPY_PAGE;
const PAGE = 4096;
const PAGE_MASK: u64 = 0xfffn;
/** Bytes per cache block flushed for the instruction cache (POWER9's 128-byte line). */
const CACHE_BLOCK = 128;

/**
 * H_PAGE_INIT(flags r4, destination r5, source r6).
 * @noinline out of line, so that the hot dispatch path does not pay for its registers
 */
export function hPageInit(p: Partition, v: Vcpu): number {
  const flags = v.gpr[4], dst = v.gpr[5], src = v.gpr[6];
  if ((flags & ~KNOWN) !== 0n) return H.PARAMETER;
  if ((dst & PAGE_MASK) !== 0n) return H.PARAMETER;
  const to = realAddress(p, dst, PAGE);
  if (to === NO_ADDRESS) return H.PARAMETER;
  let from: u64 = NO_ADDRESS;
  if ((flags & COPY_PAGE) !== 0n) {
    if ((src & PAGE_MASK) !== 0n) return H.PARAMETER;
    from = realAddress(p, src, PAGE);
    if (from === NO_ADDRESS) return H.PARAMETER;
  }
  for (let off = 0; off < PAGE; off += 8) {
    const at: u64 = BigInt.asUintN(64, to + BigInt(off));
    if (from !== NO_ADDRESS) store64(at, load64(BigInt.asUintN(64, from + BigInt(off))));
    else if ((flags & ZERO_PAGE) !== 0n) store64(at, 0n);
  }
  if ((flags & (ICACHE_INVALIDATE | ICACHE_SYNCHRONIZE)) !== 0n) {
    for (let off = 0; off < PAGE; off += CACHE_BLOCK) dcbst(BigInt.asUintN(64, to + BigInt(off)));
    sync();
    for (let off = 0; off < PAGE; off += CACHE_BLOCK) icbi(BigInt.asUintN(64, to + BigInt(off)));
    isync();
  }
  return H.SUCCESS;
}
