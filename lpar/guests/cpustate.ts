/**
 * The processor state a test partition can touch, through the assembly of arch/ppc64/guest
 * (state.S: registers, SLB, DEC, a problem-state map; vectors.S: guarded accesses and the
 * problem-state round trip). Guests are compiled without FP/VMX, so every FP and vector
 * register access goes through here. Register identities (SPR numbers, field masks, reset
 * values) stay in state.S's SPR table; guests index it by row.
 */
import type { u64 } from 'tsnc';

/** Fields of an SPR table row (stateSprInfo). */
export const enum SprField {
  /** The bits a test pattern may vary. */
  Mask = 0,
  /** Bits every pattern has (MMCR0[FC]). */
  Set = 1,
  /** The value a fresh partition reads. */
  Reset = 2,
  /** Address of the row's NUL-terminated name. */
  Name = 3,
}

/** Number of rows of the SPR table. */
export declare function stateSprCount(): u64;
/** Field `field` of SPR row `i` (both in range: not checked). */
export declare function stateSprInfo(i: u64, field: u64): u64;
/** Read SPR row `i`; 0 if the access was refused (guardVector() then names the vector). */
export declare function stateSprRead(i: u64): u64;
/** Write SPR row `i`; guardVector() is non-zero if the access was refused. */
export declare function stateSprWrite(i: u64, value: u64): void;
/** The vector that refused the last guarded access (SPR, SLB), 0 if it completed. */
export declare function guardVector(): u64;

/** Set MSR[FP, VEC, VSX, TM]; returns 1 if FP, VEC and VSX are on afterwards, plus 2 if TM is. */
export declare function stateFacilities(): u64;
/** Store VSR i into buf[2i] (doubleword 0; FPR i for i < 32) and buf[2i + 1]; VSR 32 + i is VR i. `buf` has >= 128 elements. */
export declare function stateVsrSave(buf: BigUint64Array): void;
/** Load every VSR from `buf`, laid out as stateVsrSave stores it. */
export declare function stateVsrLoad(buf: BigUint64Array): void;
/** FPSCR, all 64 bits. */
export declare function stateFpscrRead(): u64;
export declare function stateFpscrWrite(value: u64): void;
/** VSCR (32 bits). */
export declare function stateVscrRead(): u64;
export declare function stateVscrWrite(value: u64): void;

/** Write SLB entry `slot` (0..31), valid, with the ESID field of `esid` and the VSID/flag fields of `vsid`. */
export declare function stateSlbWrite(slot: u64, esid: u64, vsid: u64): void;
/** SLB entry `slot`: its ESID doubleword (which = 0, slbmfee) or VSID doubleword (slbmfev); 0 if refused. */
export declare function stateSlbRead(slot: u64, which: u64): u64;
/** Number of SLB entries of POWER9. */
export const SLB_ENTRIES = 32;

/** DEC (32 bits, zero-extended). */
export declare function stateDecRead(): u64;
export declare function stateDecWrite(value: u64): void;

/**
 * Build at partition address `base` (64 KiB aligned, 0x22000 bytes overwritten) a radix process
 * table whose entry for PID 0 maps effective [0, 2 MiB) 1:1 for problem state; register it with
 * H_REGISTER_PROC_TBL(PROC_TABLE_NEW | PROC_TABLE_RADIX, base, 0, 0).
 */
export declare function userMapInit(base: u64): void;
/** Bytes userMapInit overwrites from `base`. */
export const USER_MAP_BYTES = 0x22000;

/**
 * Make the hcall `op` (arguments a1..a4 in r4..r7) from problem state and come back to
 * privileged state; returns its r3, or hcallReflected() if the hypervisor reflected the `sc 1`
 * to the partition as a system call. Needs userMapInit's map registered and PIDR = 0, and DEC
 * far from expiring (problem state runs with MSR[EE] = 1).
 */
export declare function problemStateHcall(op: u64, a1: u64, a2: u64, a3: u64, a4: u64): u64;
/** What problemStateHcall returns for a `sc 1` reflected to the partition's 0xc00 vector. */
export declare function hcallReflected(): u64;
