/**
 * The hashed-page-table calls ("hcall-pft", "hcall-bulk"; PAPR; Linux
 * arch/powerpc/platforms/pseries/lpar.c is the caller): H_ENTER, H_REMOVE, H_READ, H_PROTECT,
 * H_BULK_REMOVE, H_CLEAR_MOD, H_CLEAR_REF and H_CLEAR_HPT, for a partition in HPT mode
 * (Partition.hpt, powernv only). The HPT entry format and the table itself are
 * arch/ppc64/hash.ts's.
 *
 * The guest names logical pages; the HPT holds real addresses. H_ENTER checks every page
 * against the partition's memory (lpar/memory.ts realAddress) and converts it; H_READ,
 * H_REMOVE and the clear calls hand back logical page numbers again, so a partition never
 * learns where its memory lies. The VRMA entries the hypervisor keeps in the table (the
 * guest's real-mode area) can be read but not entered, removed, protected or cleared.
 *
 * Every call checks all of its arguments before it changes anything (a refusal changes
 * nothing), and invalidates the partition's TLB after it changed or removed a valid entry.
 * A radix partition gets H_FUNCTION.
 */
import type { u64 } from 'tsnc';
import {
  HPTE_R_C, HPTE_R_KEY_HI, HPTE_R_KEY_LO, HPTE_R_M, HPTE_R_N, HPTE_R_PP, HPTE_R_PP0, HPTE_R_R, HPTE_R_RPN,
  HPTE_R_WIMG, HPTE_V_UNREPRESENTABLE, HPTE_V_VALID, PTEG_ENTRIES, hpteClear, hptClearGuestEntries, hptEntries, hptePageShift,
  hpteReadR, hpteReadV, hpteRpn, hpteWrite, hpteWriteR, hptInvalidateLpid, isVrmaEntry,
} from '../arch/ppc64/hash';
import { realAddress, NO_ADDRESS } from '../lpar/memory';
import type { Partition } from '../lpar/partition';
import type { Vcpu } from '../lpar/vcpu';
import { H } from './status';

// flags (Linux asm/hvcall.h; bit n is 1 << (63 - n))
const H_EXACT: u64 = 0x8000000000n;          // bit 24: use exactly the slot named
const H_R_XLATE: u64 = 0x4000000000n;        // bit 25: H_READ returns logical page numbers
const H_READ_4: u64 = 0x2000000000n;         // bit 26: H_READ returns four entries
const H_AVPN: u64 = 0x80000000n;             // bit 32: the entry must have this AVPN
const H_ANDCOND: u64 = 0x40000000n;          // bit 33: remove only if (V & avpn) == 0
const H_COALESCE_CAND: u64 = 0x200000n;      // bit 42: a hint, ignored
/** H_PROTECT's new protection: pp0 (flag bit 55), key bits 0:1 (flag bits 50:51), N, PP, key 2:4. */
const PROTECT_PP0: u64 = 0x100n;
const PROTECT_KEY_HI: u64 = 0x3000n;
const PROTECT_LOW: u64 = HPTE_R_PP | HPTE_R_N | HPTE_R_KEY_LO;

const ENTER_FLAGS: u64 = H_EXACT | H_COALESCE_CAND;
const REMOVE_FLAGS: u64 = H_AVPN | H_ANDCOND;
const READ_FLAGS: u64 = H_READ_4 | H_R_XLATE;
const PROTECT_FLAGS: u64 = H_AVPN | PROTECT_PP0 | PROTECT_KEY_HI | PROTECT_LOW;
/** The bits of doubleword 1 that H_PROTECT keeps. */
const PROTECT_KEEP: u64 = BigInt.asUintN(64, ~(HPTE_R_PP0 | HPTE_R_KEY_HI | PROTECT_LOW));
/** Doubleword 0 bits H_ENTER does not keep (the software bits KVM and QEMU reserve). */
const V_RESERVED_SW: u64 = 0x60n;
/** H_REMOVE/H_PROTECT compare the AVPN with V's bits above the low seven. */
const V_LOW7: u64 = 0x7fn;

// H_BULK_REMOVE translation specifiers (Linux asm/hvcall.h, QEMU spapr_softmmu.c)
const BULK_TYPE: u64 = 0xc000000000000000n;
const BULK_REQUEST: u64 = 0x4000000000000000n;
const BULK_RESPONSE: u64 = 0x8000000000000000n;
const BULK_END: u64 = 0xc000000000000000n;
const BULK_NOT_FOUND: u64 = 0x1000000000000000n;
const BULK_PARM: u64 = 0x2000000000000000n;
const BULK_ANDCOND: u64 = 0x0100000000000000n;
const BULK_AVPN: u64 = 0x0200000000000000n;
const BULK_FLAGS: u64 = 0x0300000000000000n;
const BULK_PTEX: u64 = 0x00ffffffffffffffn;
/** H_BULK_REMOVE's R and C bits of a removed entry: tsh bits 4:5 (R at bit 4). */
const BULK_RC_SHIFT = 51n;
const BULK_MAX = 4;
/** freeSlot's answer when no slot is free. */
const NO_SLOT: u64 = 0xffffffffffffffffn;

/** H_FUNCTION unless `p` runs in HPT mode with its table set up; H_SUCCESS otherwise. */
function hptReady(p: Partition): number {
  return p.hpt && p.hptBase !== 0n ? H.SUCCESS : H.FUNCTION;
}

/** True when `ptex` names an entry of `p`'s HPT. */
function validPtex(p: Partition, ptex: u64): boolean {
  return ptex < hptEntries(p.hptOrder);
}

/** Doubleword 1 of an entry of `p` as the guest sees it: the real page number made logical. */
function logicalR(p: Partition, v: u64, r: u64): u64 {
  if ((v & HPTE_V_VALID) === 0n) return r;
  return BigInt.asUintN(64, r - p.memBase);
}

/**
 * True when entry `ptex` is a valid guest entry that passes the H_AVPN/H_ANDCOND test of
 * `flags` against `avpn` (H_REMOVE, H_PROTECT, H_BULK_REMOVE); false means H_NOT_FOUND.
 */
function matches(p: Partition, ptex: u64, flags: u64, avpn: u64): boolean {
  const v = hpteReadV(p.hptBase, ptex);
  if ((v & HPTE_V_VALID) === 0n || isVrmaEntry(v)) return false;
  if ((flags & H_AVPN) !== 0n && (v & ~V_LOW7) !== avpn) return false;
  if ((flags & H_ANDCOND) !== 0n && (v & avpn) !== 0n) return false;
  return true;
}

/**
 * H_ENTER(flags r4, ptex r5, pteh r6, ptel r7) -> r4 = the index used. Without H_EXACT the
 * first free slot of ptex's group; with it exactly ptex. Refused with H_PARAMETER: unknown
 * flags, an index outside the HPT, a page size not offered (4 KiB, 64 KiB), a VRMA or
 * unrepresentable AVPN, a page outside the partition, WIMG other than M (memory coherence
 * only, as QEMU's pseries requires for RAM); H_PTEG_FULL when no slot is free.
 *
 * @noinline out of line, so that the hot dispatch path does not pay for its registers
 */
export function hEnter(p: Partition, v: Vcpu): number {
  const ready = hptReady(p);
  if (ready !== H.SUCCESS) return ready;
  const flags = v.gpr[4], ptex = v.gpr[5], pteh = v.gpr[6], ptel = v.gpr[7];
  if ((flags & ~ENTER_FLAGS) !== 0n || !validPtex(p, ptex)) return H.PARAMETER;
  if ((pteh & HPTE_V_UNREPRESENTABLE) !== 0n || isVrmaEntry(pteh)) return H.PARAMETER;
  const shift = hptePageShift(pteh, ptel);
  if (shift === 0n || (ptel & HPTE_R_WIMG) !== HPTE_R_M) return H.PARAMETER;
  const size: u64 = BigInt.asUintN(64, 1n << shift);
  const page: u64 = ptel & HPTE_R_RPN & BigInt.asUintN(64, ~BigInt.asUintN(64, size - 1n));
  const real = realAddress(p, page, Number(size));
  if (real === NO_ADDRESS) return H.PARAMETER;
  const slot = freeSlot(p, ptex, (flags & H_EXACT) !== 0n);
  if (slot === NO_SLOT) return H.PTEG_FULL;
  const r: u64 = (ptel & ~HPTE_R_RPN) | hpteRpn(real, shift);
  hpteWrite(p.hptBase, slot, (pteh & ~V_RESERVED_SW) | HPTE_V_VALID, r);
  v.gpr[4] = slot;
  return H.SUCCESS;
}

/** The slot H_ENTER uses: `ptex` itself when exact, else the first free one of its group; NO_SLOT when none. */
function freeSlot(p: Partition, ptex: u64, exact: boolean): u64 {
  if (exact) return (hpteReadV(p.hptBase, ptex) & HPTE_V_VALID) === 0n ? ptex : NO_SLOT;
  const group: u64 = ptex & ~BigInt.asUintN(64, PTEG_ENTRIES - 1n);
  for (let s: u64 = 0n; s < PTEG_ENTRIES; s = BigInt.asUintN(64, s + 1n)) {
    const at: u64 = BigInt.asUintN(64, group + s);
    if ((hpteReadV(p.hptBase, at) & HPTE_V_VALID) === 0n) return at;
  }
  return NO_SLOT;
}

/**
 * H_REMOVE(flags r4, ptex r5, avpn r6) -> r4, r5 = the removed entry (logical). H_PARAMETER
 * for unknown flags or an index outside the HPT; H_NOT_FOUND when the entry is invalid, the
 * hypervisor's, or fails the H_AVPN / H_ANDCOND test.
 *
 * @noinline out of line, so that the hot dispatch path does not pay for its registers
 */
export function hRemove(p: Partition, v: Vcpu): number {
  const ready = hptReady(p);
  if (ready !== H.SUCCESS) return ready;
  const flags = v.gpr[4], ptex = v.gpr[5], avpn = v.gpr[6];
  if ((flags & ~REMOVE_FLAGS) !== 0n || !validPtex(p, ptex)) return H.PARAMETER;
  if (!matches(p, ptex, flags, avpn)) return H.NOT_FOUND;
  const old = hpteReadV(p.hptBase, ptex);
  v.gpr[5] = logicalR(p, old, hpteReadR(p.hptBase, ptex));
  v.gpr[4] = old;
  hpteClear(p.hptBase, ptex);
  hptInvalidateLpid(p.lpid);
  return H.SUCCESS;
}

/**
 * H_READ(flags r4, ptex r5) -> r4, r5 = entry ptex; with H_READ_4, r4..r11 = the four entries
 * from ptex & ~3. Page numbers are logical (with or without H_R_XLATE). H_PARAMETER for
 * unknown flags or an index outside the HPT.
 *
 * @noinline out of line, so that the hot dispatch path does not pay for its registers
 */
export function hRead(p: Partition, v: Vcpu): number {
  const ready = hptReady(p);
  if (ready !== H.SUCCESS) return ready;
  const flags = v.gpr[4], ptex = v.gpr[5];
  if ((flags & ~READ_FLAGS) !== 0n || !validPtex(p, ptex)) return H.PARAMETER;
  const four = (flags & H_READ_4) !== 0n;
  const first: u64 = four ? ptex & ~3n : ptex;
  const n = four ? 4 : 1;
  for (let i = 0; i < n; i++) {
    const at: u64 = BigInt.asUintN(64, first + BigInt(i));
    const e = hpteReadV(p.hptBase, at);
    v.gpr[4 + 2 * i] = e;
    v.gpr[5 + 2 * i] = logicalR(p, e, hpteReadR(p.hptBase, at));
  }
  return H.SUCCESS;
}

/**
 * H_PROTECT(flags r4, ptex r5, avpn r6): set the entry's PP0, PP, N and storage key from the
 * flags (QEMU h_protect's layout). H_PARAMETER for unknown flags or an index outside the HPT;
 * H_NOT_FOUND as for H_REMOVE (H_AVPN only).
 *
 * @noinline out of line, so that the hot dispatch path does not pay for its registers
 */
export function hProtect(p: Partition, v: Vcpu): number {
  const ready = hptReady(p);
  if (ready !== H.SUCCESS) return ready;
  const flags = v.gpr[4], ptex = v.gpr[5], avpn = v.gpr[6];
  if ((flags & ~PROTECT_FLAGS) !== 0n || !validPtex(p, ptex)) return H.PARAMETER;
  if (!matches(p, ptex, flags & H_AVPN, avpn)) return H.NOT_FOUND;
  let r = hpteReadR(p.hptBase, ptex) & PROTECT_KEEP;
  r |= BigInt.asUintN(64, flags << 55n) & HPTE_R_PP0;
  r |= BigInt.asUintN(64, flags << 48n) & HPTE_R_KEY_HI;
  r |= flags & PROTECT_LOW;
  hpteWriteR(p.hptBase, ptex, r);
  hptInvalidateLpid(p.lpid);
  return H.SUCCESS;
}

/**
 * H_BULK_REMOVE(r4..r11: up to four translation specifiers, each a high word tsh = type,
 * flags and ptex, and a low word tsl = the AVPN). A specifier of type END ends the list early.
 * All are checked first: a type other than REQUEST or END, both H_ANDCOND and H_AVPN, or an
 * index outside the HPT refuses the whole call with H_PARAMETER (that specifier's response
 * code PARM) and removes nothing. Otherwise each is removed as H_REMOVE would, and its tsh
 * becomes the response: type RESPONSE, code SUCCESS or NOT_FOUND, the entry's R and C bits.
 *
 * @noinline out of line, so that the hot dispatch path does not pay for its registers
 */
export function hBulkRemove(p: Partition, v: Vcpu): number {
  const ready = hptReady(p);
  if (ready !== H.SUCCESS) return ready;
  let n = 0;
  for (; n < BULK_MAX; n++) {
    const tsh = v.gpr[4 + 2 * n];
    const type = tsh & BULK_TYPE;
    if (type === BULK_END) break;
    const both = (tsh & BULK_FLAGS) === BULK_FLAGS;
    if (type !== BULK_REQUEST || both || !validPtex(p, tsh & BULK_PTEX)) {
      v.gpr[4 + 2 * n] = (tsh & (BULK_PTEX | BULK_FLAGS)) | BULK_RESPONSE | BULK_PARM;
      return H.PARAMETER;
    }
  }
  let removed = false;
  for (let i = 0; i < n; i++) {
    const tsh = v.gpr[4 + 2 * i];
    const ptex = tsh & BULK_PTEX;
    const flags: u64 = ((tsh & BULK_AVPN) !== 0n ? H_AVPN : 0n) | ((tsh & BULK_ANDCOND) !== 0n ? H_ANDCOND : 0n);
    let response: u64 = (tsh & (BULK_PTEX | BULK_FLAGS)) | BULK_RESPONSE;
    if (matches(p, ptex, flags, v.gpr[5 + 2 * i])) {
      const rc: u64 = hpteReadR(p.hptBase, ptex) & (HPTE_R_R | HPTE_R_C);
      response |= BigInt.asUintN(64, rc << BULK_RC_SHIFT);
      hpteClear(p.hptBase, ptex);
      removed = true;
    } else {
      response |= BULK_NOT_FOUND;
    }
    v.gpr[4 + 2 * i] = response;
  }
  if (removed) hptInvalidateLpid(p.lpid);
  return H.SUCCESS;
}

/**
 * H_CLEAR_REF / H_CLEAR_MOD (flags r4 = 0, ptex r5) -> r4 = the entry's doubleword 1 before
 * the change (logical); then R (reference) or C (change) is cleared. H_PARAMETER for non-zero
 * flags or an index outside the HPT; H_NOT_FOUND for an invalid or hypervisor entry.
 */
function clearBit(p: Partition, v: Vcpu, bit: u64): number {
  const ready = hptReady(p);
  if (ready !== H.SUCCESS) return ready;
  const flags = v.gpr[4], ptex = v.gpr[5];
  if (flags !== 0n || !validPtex(p, ptex)) return H.PARAMETER;
  if (!matches(p, ptex, 0n, 0n)) return H.NOT_FOUND;
  const r = hpteReadR(p.hptBase, ptex);
  v.gpr[4] = logicalR(p, HPTE_V_VALID, r);
  if ((r & bit) !== 0n) {
    hpteWriteR(p.hptBase, ptex, r & BigInt.asUintN(64, ~bit));
    hptInvalidateLpid(p.lpid);
  }
  return H.SUCCESS;
}

/**
 * H_CLEAR_REF(flags r4, ptex r5): see clearBit.
 * @noinline out of line, so that the hot dispatch path does not pay for its registers
 */
export function hClearRef(p: Partition, v: Vcpu): number {
  return clearBit(p, v, HPTE_R_R);
}

/**
 * H_CLEAR_MOD(flags r4, ptex r5): see clearBit.
 * @noinline out of line, so that the hot dispatch path does not pay for its registers
 */
export function hClearMod(p: Partition, v: Vcpu): number {
  return clearBit(p, v, HPTE_R_C);
}

/**
 * H_CLEAR_HPT: remove every guest entry of the partition's HPT (Linux calls it before kexec);
 * the VRMA entries stay. No arguments.
 *
 * @noinline out of line, so that the hot dispatch path does not pay for its registers
 */
export function hClearHpt(p: Partition, _v: Vcpu): number {
  const ready = hptReady(p);
  if (ready !== H.SUCCESS) return ready;
  hptClearGuestEntries(p.hptBase, p.hptOrder);
  hptInvalidateLpid(p.lpid);
  return H.SUCCESS;
}
