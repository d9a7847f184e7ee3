/*
 * The architected state a test partition can touch, for the isolation attackers
 * (lpar/guests/isolation.ts): every VSR (and so every FPR and VR), FPSCR, VSCR, a table of
 * SPRs, the SLB, DEC, and a 1:1 process-scoped radix map for problem state. The TypeScript
 * side is compiled without FP/VMX, so all of it is here. Assembled with -mcpu=pwr9.
 *
 * The SPR table is written once, below, as `SPR name, read, write, mask, set, reset` rows; each row becomes a read stub (mfspr r3, read; blr), a write stub (mtspr write, r4;
 * blr) and a descriptor, all indexed by the row number:
 *
 *   mask   the bits a test pattern may vary: the architected fields, all of which QEMU 7.2's
 *          POWER9 keeps (a partition writing and reading back its own register shows it)
 *   set    bits every pattern has (MMCR0[FC]: the counters stay frozen)
 *   reset  what a fresh partition must read (QEMU's CPU reset value)
 * TFHAR, TFIAR and TEXASR need MSR[TM] (stateFacilities sets it): without it they are refused.
 *
 * SPR accesses are guarded (guard.h): an access the hypervisor refuses with an interrupt
 * returns 0 and guardVector() names the vector.
 */
#include "../common/asm.h"
#include "guard.h"

#define SPR_DEC         22
#define ALL             0xffffffffffffffff
#define DESC_BYTES      32

/* SLB entry fields (Power ISA 3.0 Book III 5.7.6): ESID (bits 0-35) and V (bit 36) in the
 * slbmte RB operand with the slot in bits 52-63; VSID (bits 2-51), Ks Kp N (52-54) and C (56)
 * of the RS operand (B = 0: 256 MiB segments; L = LP = 0: 4 KiB pages). */
#define SLB_ESID_MASK   0xfffffffff0000000
#define SLB_V           PPC_BIT(36)
#define SLB_VSID_MASK   0x3ffffffffffffe80

/* Radix tree entries (Power ISA 3.0 Book III 6.7.10) */
#define RPTE_V          PPC_BIT(0)
#define RPTE_L          PPC_BIT(1)
#define RPTE_R          PPC_BIT(55)
#define RPTE_C          PPC_BIT(56)
#define RPTE_RWX        0x7             /* EAA: read, write, execute; bit 60 (privileged) clear */
#define NLS_9           9
/* Process-table entry doubleword 0: RTS = 52 bits (RTS1 = 0b10, RTS2 = 0b101), RPDS = 13. */
#define PRTE_RADIX_52   0x40000000000000ad
#define USER_MAP_BYTES  0x22000

        .abiversion 2

/* Enable FP, VMX and VSX (clobbers r11, r12). */
.macro ENABLE_VSX
        mfmsr   %r11
        LOAD_IMM64 %r12, MSR_FP | MSR_VEC | MSR_VSX
        or      %r11, %r11, %r12
        mtmsrd  %r11
        isync
.endm

/* One row of the SPR table. */
.macro SPR name, read, write, mask, set, reset
        .pushsection .text.spr_read, "ax"
        mfspr   %r3, \read
        blr
        .popsection
        .pushsection .text.spr_write, "ax"
        mtspr   \write, %r4
        blr
        .popsection
        .pushsection .rodata.spr_desc, "a"
        .quad   \mask, \set, \reset, .Lspr_name\@
        .popsection
        .pushsection .rodata.spr_names, "a"
.Lspr_name\@:
        .asciz  "\name"
        .popsection
.endm

        .pushsection .text.spr_read, "ax"
spr_read_stubs:
        .popsection
        .pushsection .text.spr_write, "ax"
spr_write_stubs:
        .popsection
        .pushsection .rodata.spr_desc, "a"
        .balign 8
spr_descs:
        .popsection

/*       name     read  write mask                  set         reset */
SPR     VRSAVE,  256,  256,  0xffffffff,           0,          0
SPR     TAR,     815,  815,  0xfffffffffffffffc,   0,          0
SPR     DSCR,    17,   17,   0x1ffffff,            0,          0
SPR     AMR,     29,   29,   ALL,                  0,          0
SPR     IAMR,    61,   61,   0x5555555555555555,   0,          0
SPR     UAMOR,   157,  157,  ALL,                  0,          0
SPR     PPR,     896,  896,  0x001c000000000000,   0,          0
SPR     FSCR,    153,  153,  0xff00000000001fff,   0,          0
SPR     PSPB,    159,  159,  0xffffffff,           0,          0
SPR     CTRL,    136,  152,  1,                    0,          0
SPR     TIDR,    144,  144,  ALL,                  0,          0
SPR     EBBHR,   804,  804,  0xfffffffffffffffc,   0,          0
SPR     EBBRR,   805,  805,  0xfffffffffffffffc,   0,          0
SPR     BESCR,   806,  806,  ALL,                  0,          0
SPR     BESCRS,  800,  800,  ALL,                  0,          0
SPR     BESCRR,  802,  802,  ALL,                  0,          0
/* MMCR0: FC always set; FCS FCP FCM1 FCM0 FCECE TBSEL PMCC PMC1CE PMCjCE FC1-4 FC5-6 vary
 * (never PMAE, PMAO or EBE: no performance monitor interrupt or event-based branch) */
SPR     MMCR0,   795,  795,  0x7b8cc030,           0x80000000, 0x80000000
SPR     MMCR1,   798,  798,  ALL,                  0,          0
SPR     MMCR2,   785,  785,  ALL,                  0,          0
SPR     MMCRA,   786,  786,  ALL,                  0,          0
/* PMCs below 2^31: no counter-negative condition */
SPR     PMC1,    787,  787,  0x7fffffff,           0,          0
SPR     PMC2,    788,  788,  0x7fffffff,           0,          0
SPR     PMC3,    789,  789,  0x7fffffff,           0,          0
SPR     PMC4,    790,  790,  0x7fffffff,           0,          0
SPR     PMC5,    791,  791,  0x7fffffff,           0,          0
SPR     PMC6,    792,  792,  0x7fffffff,           0,          0
SPR     SIAR,    796,  796,  ALL,                  0,          0
SPR     SDAR,    797,  797,  ALL,                  0,          0
SPR     SIER,    784,  784,  ALL,                  0,          0
/* QEMU 7.2 keeps USIER, BESCRS and BESCRR apart from SIER and BESCR: storage of their own */
SPR     USIER,   768,  768,  ALL,                  0,          0
SPR     SPRG0,   272,  272,  ALL,                  0,          0
SPR     SPRG1,   273,  273,  ALL,                  0,          0
SPR     SPRG2,   274,  274,  ALL,                  0,          0
SPR     SPRG3,   275,  275,  ALL,                  0,          0
SPR     DAR,     19,   19,   ALL,                  0,          0
SPR     DSISR,   18,   18,   0xffffffff,           0,          0
SPR     PIDR,    48,   48,   0xfffff,              0,          0
SPR     EAR,     282,  282,  ALL,                  0,          0
SPR     ACOP,    31,   31,   ALL,                  0,          0
SPR     WORT,    895,  895,  ALL,                  0,          0
SPR     TACR,    888,  888,  ALL,                  0,          0
SPR     TCSCR,   889,  889,  ALL,                  0,          0
SPR     CSIGR,   890,  890,  ALL,                  0,          0
SPR     MMCRS,   894,  894,  ALL,                  0,          0
SPR     SPMC1,   892,  892,  ALL,                  0,          0
SPR     SPMC2,   893,  893,  ALL,                  0,          0
SPR     TFHAR,   128,  128,  0xfffffffffffffffc,   0,          0
SPR     TFIAR,   129,  129,  ALL,                  0,          0
SPR     TEXASR,  130,  130,  ALL,                  0,          0

        .pushsection .rodata.spr_desc, "a"
spr_descs_end:
        .popsection

        .text

/* u64 stateSprCount(): the number of rows of the SPR table. */
FUNC stateSprCount
        li      %r3, (spr_descs_end - spr_descs) / DESC_BYTES
        blr
ENDFUNC stateSprCount

/* u64 stateSprInfo(i, field): field 0 mask, 1 set, 2 reset, 3 the address of the NUL-terminated
 * name of row i (i < stateSprCount(), field < 4: not checked). */
FUNC stateSprInfo
        mulli   %r3, %r3, DESC_BYTES
        sldi    %r4, %r4, 3
        add     %r3, %r3, %r4
        LOAD_ADDR %r12, spr_descs
        ldx     %r3, %r12, %r3
        blr
ENDFUNC stateSprInfo

/* u64 stateSprRead(i): SPR row i (not checked), or 0 if the access was refused (guardVector). */
FUNC stateSprRead
        mflr    %r10
        sldi    %r9, %r3, 3
        LOAD_ADDR %r12, spr_read_stubs
        add     %r12, %r12, %r9
        mtctr   %r12
        GUARD_ON .Lspr_read_done
        bctrl
.Lspr_read_done:
        GUARD_OFF
        mtlr    %r10
        blr
ENDFUNC stateSprRead

/* void stateSprWrite(i, value): write SPR row i (not checked); guardVector() says if refused. */
FUNC stateSprWrite
        mflr    %r10
        sldi    %r9, %r3, 3
        LOAD_ADDR %r12, spr_write_stubs
        add     %r12, %r12, %r9
        mtctr   %r12
        GUARD_ON .Lspr_write_done
        bctrl
.Lspr_write_done:
        GUARD_OFF
        mtlr    %r10
        blr
ENDFUNC stateSprWrite

/* u64 stateFacilities(): set MSR[FP], MSR[VEC], MSR[VSX] and MSR[TM]; returns 1 if FP, VEC
 * and VSX are on afterwards, plus 2 if TM is. */
FUNC stateFacilities
        mfmsr   %r3
        LOAD_IMM64 %r4, MSR_FP | MSR_VEC | MSR_VSX | MSR_TM
        or      %r3, %r3, %r4
        mtmsrd  %r3
        isync
        mfmsr   %r3
        li      %r6, 0
        LOAD_IMM64 %r4, MSR_FP | MSR_VEC | MSR_VSX
        and     %r5, %r3, %r4
        cmpd    %r5, %r4
        bne     1f
        li      %r6, 1
1:      LOAD_IMM64 %r4, MSR_TM
        and.    %r5, %r3, %r4
        beq     2f
        ori     %r6, %r6, 2
2:      mr      %r3, %r6
        blr
ENDFUNC stateFacilities

/* void stateVsrSave(buf): VSR i into buf[2i] (doubleword 0: FPR i for i < 32) and buf[2i + 1];
 * VSR 32 + i is VR i. `buf` is a BigUint64Array of at least 128 elements (not checked). */
FUNC stateVsrSave
        ENABLE_VSX
        ld      %r3, 8(%r3)
        li      %r4, 0
        .set    i, 0
        .rept   64
        stxvd2x i, %r3, %r4
        addi    %r4, %r4, 16
        .set    i, i + 1
        .endr
        blr
ENDFUNC stateVsrSave

/* void stateVsrLoad(buf): every VSR from buf, laid out as stateVsrSave stores it. */
FUNC stateVsrLoad
        ENABLE_VSX
        ld      %r3, 8(%r3)
        li      %r4, 0
        .set    i, 0
        .rept   64
        lxvd2x  i, %r3, %r4
        addi    %r4, %r4, 16
        .set    i, i + 1
        .endr
        blr
ENDFUNC stateVsrLoad

/* u64 stateFpscrRead(): FPSCR, all 64 bits (VSR 0 is kept). */
FUNC stateFpscrRead
        ENABLE_VSX
        mfvsrd  %r4, 0
        mfvsrld %r5, 0
        mffs    0
        mfvsrd  %r3, 0
        mtvsrdd 0, %r4, %r5
        blr
ENDFUNC stateFpscrRead

/* void stateFpscrWrite(value): FPSCR, all 64 bits (mtfsf L = 1; VSR 0 is kept). */
FUNC stateFpscrWrite
        ENABLE_VSX
        mfvsrd  %r4, 0
        mfvsrld %r5, 0
        mtvsrd  0, %r3
        mtfsf   255, 0, 1, 0
        mtvsrdd 0, %r4, %r5
        blr
ENDFUNC stateFpscrWrite

/* u64 stateVscrRead(): VSCR (word 3 of mfvscr's result; VSR 32 = VR 0 is kept). */
FUNC stateVscrRead
        ENABLE_VSX
        mfvsrd  %r4, 32
        mfvsrld %r5, 32
        mfvscr  0
        mfvsrld %r3, 32
        clrldi  %r3, %r3, 32
        mtvsrdd 32, %r4, %r5
        blr
ENDFUNC stateVscrRead

/* void stateVscrWrite(value): VSCR from the low 32 bits of value (VR 0 is kept). */
FUNC stateVscrWrite
        ENABLE_VSX
        mfvsrd  %r4, 32
        mfvsrld %r5, 32
        mtvsrdd 32, %r3, %r3
        mtvscr  0
        mtvsrdd 32, %r4, %r5
        blr
ENDFUNC stateVscrWrite

/* void stateSlbWrite(slot, esid, vsid): slbmte of SLB entry `slot` (0..31), valid, with the
 * ESID field of `esid` and the VSID and Ks/Kp/N/C fields of `vsid` (other bits ignored). */
FUNC stateSlbWrite
        LOAD_IMM64 %r6, SLB_ESID_MASK
        and     %r4, %r4, %r6
        LOAD_IMM64 %r6, SLB_V
        or      %r4, %r4, %r6
        andi.   %r3, %r3, 0xfff
        or      %r4, %r4, %r3
        LOAD_IMM64 %r6, SLB_VSID_MASK
        and     %r5, %r5, %r6
        GUARD_ON .Lslb_write_done
        slbmte  %r5, %r4
.Lslb_write_done:
        GUARD_OFF
        blr
ENDFUNC stateSlbWrite

/* u64 stateSlbRead(slot, which): SLB entry `slot`: its ESID doubleword (slbmfee) for which = 0,
 * its VSID doubleword (slbmfev) otherwise; 0 if refused (guardVector). */
FUNC stateSlbRead
        mr      %r9, %r3
        cmpdi   %r4, 0
        GUARD_ON .Lslb_read_done
        bne     1f
        slbmfee %r3, %r9
        b       .Lslb_read_done
1:      slbmfev %r3, %r9
.Lslb_read_done:
        GUARD_OFF
        blr
ENDFUNC stateSlbRead

/* u64 stateDecRead(): DEC (32 bits, zero-extended, without LPCR[LD]). */
FUNC stateDecRead
        mfspr   %r3, SPR_DEC
        blr
ENDFUNC stateDecRead

/* void stateDecWrite(value): DEC. */
FUNC stateDecWrite
        mtspr   SPR_DEC, %r3
        blr
ENDFUNC stateDecWrite

/* void userMapInit(base): a radix process table at `base` (4 KiB: PRTS 0; entry 0, for PID 0,
 * used) whose tree maps effective [0, 2 MiB) to partition real [0, 2 MiB), read, write and
 * execute in problem state: root (2^13 entries) at base + 0x10000, PUD and PMD (2^9 each) at
 * base + 0x20000 and + 0x21000, one 2 MiB leaf. `base` is 64 KiB aligned; the 0x22000 bytes
 * from it are overwritten. The caller registers it: H_REGISTER_PROC_TBL(radix, base, 0, 0). */
FUNC userMapInit
        li      %r4, USER_MAP_BYTES / 8
        mtctr   %r4
        li      %r5, 0
        mr      %r6, %r3
1:      std     %r5, 0(%r6)
        addi    %r6, %r6, 8
        bdnz    1b
        addis   %r7, %r3, 1             # root
        addis   %r8, %r3, 2             # PUD
        addi    %r9, %r8, 0x1000        # PMD
        LOAD_IMM64 %r10, RPTE_V | NLS_9
        or      %r4, %r10, %r8
        std     %r4, 0(%r7)
        or      %r4, %r10, %r9
        std     %r4, 0(%r8)
        LOAD_IMM64 %r4, RPTE_V | RPTE_L | RPTE_R | RPTE_C | RPTE_RWX
        std     %r4, 0(%r9)
        LOAD_IMM64 %r4, PRTE_RADIX_52
        or      %r4, %r4, %r7
        std     %r4, 0(%r3)
        ptesync
        blr
ENDFUNC userMapInit

        .section .note.GNU-stack, "", @progbits
