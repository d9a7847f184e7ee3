/**
 * Address translation set-up: H_REGISTER_PROC_TBL, with which a radix guest tells the
 * hypervisor where its process table is (it goes into the second doubleword of the
 * partition-table entry). A partition in HPT mode (powernv) keeps its hashed page table: it
 * may keep or drop the (absent) registration, but not register a radix or hash process table.
 */
import type { u64 } from 'tsnc';
import { realAddress, NO_ADDRESS } from '../lpar/memory';
import type { Partition } from '../lpar/partition';
import type { Vcpu } from '../lpar/vcpu';
import { H } from './status';

/** Flags of H_REGISTER_PROC_TBL (Linux asm/hvcall.h PROC_TABLE_*). */
const PROC_TABLE_OP_MASK = 0x18n;
const PROC_TABLE_DEREG = 0x10n;
const PROC_TABLE_NEW = 0x18n;
const PROC_TABLE_TYPE_MASK = 0x06n;
const PROC_TABLE_RADIX = 0x04n;
const PROC_TABLE_GTSE = 0x01n;
const KNOWN_FLAGS = PROC_TABLE_OP_MASK | PROC_TABLE_TYPE_MASK | PROC_TABLE_GTSE;
/** Largest process table: 2^(12 + 24) bytes is far beyond any partition; PRTS is a 5-bit field. */
const MAX_PRTS = 24n;

/**
 * H_REGISTER_PROC_TBL(flags r4, base r5, page size r6, table size r7). `base` is a partition
 * (logical) address aligned to the table's size, 2^(12 + table size) bytes, inside the partition.
 *
 * @noinline out of line, so that the hot dispatch path does not pay for its registers
 */
export function hRegisterProcTbl(p: Partition, v: Vcpu): number {
  const flags = v.gpr[4], base = v.gpr[5], pageSize = v.gpr[6], prts = v.gpr[7];
  if ((flags & ~KNOWN_FLAGS) !== 0n) return H.PARAMETER;
  if (p.hpt) return hashProcTbl(flags);
  const op = flags & PROC_TABLE_OP_MASK;
  if (op === PROC_TABLE_DEREG) {
    p.processTable = 0n;
    p.gtse = false;
    p.translationChanged = true;
    return H.SUCCESS;
  }
  if (op !== PROC_TABLE_NEW || (flags & PROC_TABLE_TYPE_MASK) !== PROC_TABLE_RADIX) return H.PARAMETER;
  if (pageSize !== 0n || prts > MAX_PRTS) return H.PARAMETER;
  const bytes: u64 = BigInt.asUintN(64, 1n << BigInt.asUintN(64, prts + 12n));
  if ((base & BigInt.asUintN(64, bytes - 1n)) !== 0n) return H.PARAMETER;
  if (bytes > p.memSize || realAddress(p, base, Number(bytes)) === NO_ADDRESS) return H.PARAMETER;
  p.processTable = base | prts;
  p.gtse = (flags & PROC_TABLE_GTSE) !== 0n;
  p.translationChanged = true;
  return H.SUCCESS;
}

/**
 * H_REGISTER_PROC_TBL from a partition in HPT mode (segment lookaside buffer, no process
 * table): "keep the current registration" (operation 0, Linux's hpte_init_pseries on ISA 3.0
 * passes flags 0) and deregistration succeed and change nothing; a radix type, or a new hash
 * process table or segment table (which QEMU's pseries does not offer either), is H_PARAMETER.
 */
function hashProcTbl(flags: u64): number {
  const op = flags & PROC_TABLE_OP_MASK;
  if ((flags & (PROC_TABLE_TYPE_MASK | PROC_TABLE_GTSE)) !== 0n) return H.PARAMETER;
  if (op === 0n || op === PROC_TABLE_DEREG) return H.SUCCESS;
  return H.PARAMETER;
}
