/*
 * Entering a partition and coming back, on powernv (hypervisor state on the bare machine).
 *
 *   u64 enterGuest(area)      Run the guest described by the save area `area` (this CPU's,
 *                             pnvCpuArea()) until an interrupt brings the CPU back to the
 *                             hypervisor; returns the interrupt vector. To its TypeScript
 *                             caller (partition.ts) it is an ordinary ELFv2 call.
 *   u64 pnvCpuArea()          The boot CPU's save area (HSPRG0 points at it since entry.S).
 *
 * The save area's layout is asm-offsets.ts (this file includes the generated asm-offsets.h).
 * The guest's GPRs are not copied into it: SA_GPRS points at the vCPU's own array, which
 * enterGuest loads them from and the exit path stores them into.
 *
 * enterGuest keeps the caller's non-volatile state (r1, r2, r13, r14..r31, LR, CR) and its
 * MSR and LPCR in the area, points HSPRG0 at the area, loads the partition's LPIDR and LPCR,
 * the guest's SPRs and registers, HDEC last, and `hrfid`s to the guest with HSRR0/HSRR1 =
 * its NIP/MSR. Nothing of the hypervisor stays live across the guest's run: the stub of the
 * vector the guest comes back through (vectors.S) finds the area in HSPRG0 and branches to
 * pnv_exit_srr or pnv_exit_hsrr below, which save the guest (GPRs into its array, the rest
 * into the area) and "return from enterGuest" with the vector in r3: LPIDR = 0, the
 * hypervisor's LPCR and MSR, its registers.
 *
 * An interrupt taken in hypervisor state (MSR[HV] = 1 in (H)SRR1) is not a guest exit but a
 * hypervisor bug (a tsnc bounds-check `trap`, a stray access): pnv_hypervisor_interrupt
 * switches to a stack of its own and calls pnvHypervisorInterrupt (entry-points.ts), which
 * prints `[hv] PANIC: hypervisor interrupt 0x… at 0x…` and powers the machine off.
 */
#include "../common/asm.h"
#include "asm-offsets.h"

#define GPR(n)          ((n) * SA_SLOT)             /* r(n) in the array at SA_GPRS */
#define HV_GPR(n)       (SA_HV_GPR + (n) * SA_SLOT)
#define PANIC_STACK_SIZE 0x4000

    .abiversion 2
    .text

/* Store or load the non-volatile r14..r31 at `base` + 8 * n of register `area`. */
.macro SAVE_NVGPRS base, area
    .irp n, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31
    std     %r\n, (\base + \n * SA_SLOT)(\area)
    .endr
.endm
.macro LOAD_NVGPRS base, area
    .irp n, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31
    ld      %r\n, (\base + \n * SA_SLOT)(\area)
    .endr
.endm

FUNC enterGuest
    /* the caller: what an ELFv2 callee must preserve, and the machine state we change */
    mflr    %r0
    std     %r0, SA_HV_LR(%r3)
    mfcr    %r0
    std     %r0, SA_HV_CR(%r3)
    std     %r1, HV_GPR(1)(%r3)
    std     %r2, HV_GPR(2)(%r3)
    std     %r13, HV_GPR(13)(%r3)
    SAVE_NVGPRS SA_HV_GPR, %r3
    mfmsr   %r0
    std     %r0, SA_HV_MSR(%r3)
    mfspr   %r0, SPR_LPCR
    std     %r0, SA_HV_LPCR(%r3)
    mtspr   SPR_HSPRG0, %r3

    /* the partition (hypervisor real-mode accesses use neither LPIDR nor the LPCR fields set) */
    ld      %r0, SA_LPIDR(%r3)
    mtspr   SPR_LPIDR, %r0
    ld      %r0, SA_LPCR(%r3)
    mtspr   SPR_LPCR, %r0
    isync

    /* the guest's SPRs */
    ld      %r0, SA_SRR0(%r3)
    mtsrr0  %r0
    ld      %r0, SA_SRR1(%r3)
    mtsrr1  %r0
    .irp n, 0, 1, 2, 3
    ld      %r0, (SA_SPRG0 + \n * SA_SLOT)(%r3)
    mtspr   SPR_SPRG0 + \n, %r0
    .endr
    ld      %r0, SA_DAR(%r3)
    mtspr   SPR_DAR, %r0
    ld      %r0, SA_DSISR(%r3)
    mtspr   SPR_DSISR, %r0
    ld      %r0, SA_PIDR(%r3)
    mtspr   SPR_PIDR, %r0
    ld      %r0, SA_DEC(%r3)
    mtspr   SPR_DEC, %r0
    ld      %r0, SA_NIP(%r3)
    mtspr   SPR_HSRR0, %r0
    ld      %r0, SA_MSR(%r3)
    mtspr   SPR_HSRR1, %r0
    ld      %r0, SA_LR(%r3)
    mtlr    %r0
    ld      %r0, SA_CTR(%r3)
    mtctr   %r0
    ld      %r0, SA_XER(%r3)
    mtxer   %r0
    ld      %r0, SA_CR(%r3)
    mtcrf   0xff, %r0
    /* the time slice starts now: HDEC counts down from here */
    ld      %r0, SA_HDEC(%r3)
    mtspr   SPR_HDEC, %r0

    /* the guest's GPRs, from its array; r3 (the array's address) last */
    ld      %r3, SA_GPRS(%r3)
    ld      %r0, GPR(0)(%r3)
    ld      %r1, GPR(1)(%r3)
    ld      %r2, GPR(2)(%r3)
    .irp n, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13
    ld      %r\n, GPR(\n)(%r3)
    .endr
    LOAD_NVGPRS 0, %r3
    ld      %r3, GPR(3)(%r3)
    hrfid
ENDFUNC enterGuest

/*
 * Exit paths, entered from a vector stub with: r13 = the save area (HSPRG0), the interrupted
 * r13 in HSPRG1, its r12 in SA_SCRATCH_R12, r12 = the vector. Save r11, NIP and MSR of the
 * interrupted state from the register pair the vector uses, then continue in pnv_exit.
 */
    .globl  pnv_exit_hsrr
pnv_exit_hsrr:
    std     %r11, SA_SCRATCH_R11(%r13)
    mfspr   %r11, SPR_HSRR0
    std     %r11, SA_NIP(%r13)
    mfspr   %r11, SPR_HSRR1
    b       pnv_exit

    .globl  pnv_exit_srr
pnv_exit_srr:
    std     %r11, SA_SCRATCH_R11(%r13)
    mfsrr0  %r11
    std     %r11, SA_NIP(%r13)
    mfsrr1  %r11

/* r11 = the interrupted MSR, r12 = the vector. */
pnv_exit:
    std     %r11, SA_MSR(%r13)
    std     %r12, SA_VECTOR(%r13)
    mfcr    %r12
    std     %r12, SA_CR(%r13)
    rldicl. %r11, %r11, 4, 63          /* MSR[HV] (bit 3) of the interrupted state */
    bne-    pnv_hypervisor_interrupt

    /* a guest exit: its GPRs into its array (r11..r13 from where the vector put them) */
    ld      %r12, SA_GPRS(%r13)
    .irp n, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10
    std     %r\n, GPR(\n)(%r12)
    .endr
    SAVE_NVGPRS 0, %r12
    ld      %r0, SA_SCRATCH_R11(%r13)
    std     %r0, GPR(11)(%r12)
    ld      %r0, SA_SCRATCH_R12(%r13)
    std     %r0, GPR(12)(%r12)
    mfspr   %r0, SPR_HSPRG1
    std     %r0, GPR(13)(%r12)
    /* and its other registers into the area */
    mflr    %r0
    std     %r0, SA_LR(%r13)
    mfctr   %r0
    std     %r0, SA_CTR(%r13)
    mfxer   %r0
    std     %r0, SA_XER(%r13)
    mfsrr0  %r0
    std     %r0, SA_SRR0(%r13)
    mfsrr1  %r0
    std     %r0, SA_SRR1(%r13)
    .irp n, 0, 1, 2, 3
    mfspr   %r0, SPR_SPRG0 + \n
    std     %r0, (SA_SPRG0 + \n * SA_SLOT)(%r13)
    .endr
    mfspr   %r0, SPR_DAR
    std     %r0, SA_DAR(%r13)
    mfspr   %r0, SPR_DSISR
    std     %r0, SA_DSISR(%r13)
    mfspr   %r0, SPR_PIDR
    std     %r0, SA_PIDR(%r13)
    mfspr   %r0, SPR_DEC
    std     %r0, SA_DEC(%r13)
    mfspr   %r0, SPR_HDAR
    std     %r0, SA_HDAR(%r13)
    mfspr   %r0, SPR_HDSISR
    std     %r0, SA_HDSISR(%r13)
    mfspr   %r0, SPR_ASDR
    std     %r0, SA_ASDR(%r13)
    mfspr   %r0, SPR_HEIR
    std     %r0, SA_HEIR(%r13)

    /* the hypervisor again: LPID 0, its LPCR and MSR, its registers; return the vector */
    li      %r0, 0
    mtspr   SPR_LPIDR, %r0
    ld      %r0, SA_HV_LPCR(%r13)
    mtspr   SPR_LPCR, %r0
    ld      %r0, SA_HV_MSR(%r13)
    mtmsrd  %r0
    isync
    ld      %r1, HV_GPR(1)(%r13)
    ld      %r2, HV_GPR(2)(%r13)
    LOAD_NVGPRS SA_HV_GPR, %r13
    ld      %r0, SA_HV_CR(%r13)
    mtcrf   0xff, %r0
    ld      %r0, SA_HV_LR(%r13)
    mtlr    %r0
    ld      %r3, SA_VECTOR(%r13)
    ld      %r13, HV_GPR(13)(%r13)
    blr

/*
 * An interrupt of the hypervisor itself: report it once, on a stack of its own (r1 may be
 * what failed), with the TOC recomputed; a second one while reporting stops the CPU.
 */
pnv_hypervisor_interrupt:
    ld      %r11, SA_IN_PANIC(%r13)
    cmpdi   %r11, 0
    bne-    pnv_stop
    li      %r11, 1
    std     %r11, SA_IN_PANIC(%r13)
    LOAD_TOC
    STACK_AT pnv_panic_stack_top, 64
    ld      %r3, SA_VECTOR(%r13)
    ld      %r4, SA_NIP(%r13)
    ld      %r5, SA_MSR(%r13)
    bl      pnvHypervisorInterrupt      /* prints, powers off: does not return */
    nop
pnv_stop:
    b       pnvStopForever

/* u64 pnvCpuArea(): the boot CPU's save area. */
FUNC pnvCpuArea
    LOAD_ADDR %r3, pnv_cpu_area
    blr
ENDFUNC pnvCpuArea

/*
 * The save areas: the boot CPU's, and one the secondary threads point HSPRG0 at while they
 * wait (entry.S), so that even an interrupt there finds memory it may write.
 */
    .section .bss
    .balign 128
    .globl  pnv_cpu_area
pnv_cpu_area:
    .space  SA_BYTES
    .globl  pnv_secondary_area
pnv_secondary_area:
    .space  SA_BYTES
    .balign 16
pnv_panic_stack:
    .space  PANIC_STACK_SIZE
pnv_panic_stack_top:

    .section .note.GNU-stack, "", @progbits
