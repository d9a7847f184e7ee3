/*
 * Entering a partition and coming back, on powernv (hypervisor state on the bare machine).
 *
 *   u64 enterGuest(area)      Run the vCPU the save area `area` (this CPU's, pnvCpuArea())
 *                             names until it must come back to the scheduler; returns the
 *                             interrupt vector that ended the run, or 0xc01 (Exit.HcallHandled)
 *                             when the hcall fast path handled an hcall and asked for the vCPU
 *                             to be rescheduled. To its TypeScript caller (partition.ts) it is
 *                             an ordinary ELFv2 call.
 *   u64 pnvCpuArea()          The boot CPU's save area (HSPRG0 points at it since entry.S).
 *
 * The save area's layout is asm-offsets.ts (asm-offsets.h); the vCPU's registers live in its
 * Vcpu object (lpar/vcpu.ts, offsets in vcpu-offsets.h), and SA_VCPU_GPRS is the address of its
 * r0..r31. Only the entry/exit state is moved here: GPRs, NIP, MSR, LR, CTR, XER, CR, CFAR and
 * (on the slow paths) SRR0/SRR1 and the exit registers; the rest of the vCPU's state stays in
 * the processor and partition.ts switches it when the processor changes vCPU.
 *
 * enterGuest keeps the caller's non-volatile state (r1, r2, r13, r14..r31, LR, CR) and its
 * MSR in the area, loads the partition's LPIDR and LPCR, the vCPU's registers, HDEC last, and
 * `hrfid`s to the guest with HSRR0/HSRR1 = its NIP/MSR (MSR[HV] forced off, MSR[ME] on).
 *
 * Exits. The stub of the vector the guest comes back through (vectors.S) leaves r13 = the
 * area, the guest's r11/r12 in the area, its r13 in HSPRG1, r11 = CFAR, r12 = the vector, and
 * branches to pnv_exit_srr or pnv_exit_hsrr. The exit path frees r9/r10, saves the guest's
 * r0..r13, NIP, MSR, CR, LR, CTR, XER and CFAR into the Vcpu (the guest's r14..r31 are still
 * in the registers, where any ELFv2 code preserves them), then:
 *
 *   an hcall (0xc00)  the fast path: call hvHcallFastPath(partition) (hv/main.ts) on the
 *                     caller's stack. True: the hcall is done and the vCPU may go on, so its
 *                     volatile registers are loaded back from the Vcpu and it is resumed at
 *                     once (HDEC still counting, LPIDR and LPCR still the guest's). False:
 *                     take the slow path with the vector 0xc01.
 *   anything else     the slow path: r14..r31, SRR0/SRR1 and the exit registers (HDAR,
 *                     HDSISR, ASDR, HEIR) into the Vcpu, then LPIDR 0, the hypervisor's LPCR,
 *                     MSR and registers back, and "return from enterGuest" with the vector.
 *
 * An interrupt taken in hypervisor state (MSR[HV] = 1 in (H)SRR1) is not a guest exit but a
 * hypervisor bug (a tsnc bounds-check `trap`, a stray access): pnv_hypervisor_interrupt
 * switches to a stack of its own and calls hvHypervisorInterrupt (hv/main.ts), which
 * prints `[hv] PANIC: hypervisor interrupt 0x… at 0x…` and powers the machine off.
 */
#include "../common/asm.h"
#include "asm-offsets.h"
#include "vcpu-offsets.h"

#define GPR(n)          ((n) * 8)                   /* r(n) in the vCPU's gpr array */
#define HV_GPR(n)       (SA_HV_GPR + (n) * SA_SLOT)
#define PANIC_STACK_SIZE 0x4000
/* ELFv2 minimum stack frame (back chain, CR save, LR save, TOC save) for the fast-path call. */
#define FAST_FRAME      32
#define VECTOR_HCALL    0xc00
#define VECTOR_HCALL_HANDLED 0xc01

    .abiversion 2
    .text

/* Store or load the non-volatile r14..r31 at `base` + 8 * (n) of register `reg`. */
.macro SAVE_NVGPRS base, reg
    .irp n, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31
    std     %r\n, (\base + \n * 8)(\reg)
    .endr
.endm
.macro LOAD_NVGPRS base, reg
    .irp n, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31
    ld      %r\n, (\base + \n * 8)(\reg)
    .endr
.endm

/*
 * From the Vcpu at r12: LR, CTR, XER, CR, and NIP/MSR into HSRR0/HSRR1 for the hrfid, the MSR
 * with HV cleared and ME set whatever the Vcpu says (a guest never runs in hypervisor state).
 * Clobbers r0.
 */
.macro LOAD_GUEST_CONTROL
    ld      %r0, VCPU_LR(%r12)
    mtlr    %r0
    ld      %r0, VCPU_CTR(%r12)
    mtctr   %r0
    ld      %r0, VCPU_XER(%r12)
    mtxer   %r0
    ld      %r0, VCPU_NIP(%r12)
    mtspr   SPR_HSRR0, %r0
    ld      %r0, VCPU_MSR(%r12)
    rldicl  %r0, %r0, 3, 1              /* MSR[HV] (bit 3) rotated to bit 0 and cleared */
    rotldi  %r0, %r0, 61
    ori     %r0, %r0, MSR_ME
    mtspr   SPR_HSRR1, %r0
    ld      %r0, VCPU_CR(%r12)
    mtcrf   0xff, %r0
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

    /* the partition (hypervisor real-mode accesses use neither LPIDR nor the LPCR fields set) */
    ld      %r0, SA_LPIDR(%r3)
    mtspr   SPR_LPIDR, %r0
    ld      %r0, SA_LPCR(%r3)
    mtspr   SPR_LPCR, %r0
    isync

    /* the vCPU's registers: SRR0/SRR1, then those an exit saves */
    ld      %r12, SA_VCPU(%r3)
    ld      %r0, VCPU_SRR0(%r12)
    mtsrr0  %r0
    ld      %r0, VCPU_SRR1(%r12)
    mtsrr1  %r0
    LOAD_GUEST_CONTROL
    /* the time slice starts now: HDEC counts down from here */
    ld      %r0, SA_HDEC(%r3)
    mtspr   SPR_HDEC, %r0

    /* the guest's GPRs, from its array; r3 (the array's address) last */
    ld      %r3, SA_VCPU_GPRS(%r3)
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
 * Exit paths, entered from a vector stub (see above). Free r9 and r10 and fetch NIP and MSR of
 * the interrupted state from the register pair the vector uses.
 */
    .globl  pnv_exit_hsrr
pnv_exit_hsrr:
    std     %r10, SA_SCRATCH_R10(%r13)
    mfspr   %r10, SPR_HSRR0
    std     %r9, SA_SCRATCH_R9(%r13)
    mfspr   %r9, SPR_HSRR1
    b       pnv_exit

    .globl  pnv_exit_srr
pnv_exit_srr:
    std     %r10, SA_SCRATCH_R10(%r13)
    mfsrr0  %r10
    std     %r9, SA_SCRATCH_R9(%r13)
    mfsrr1  %r9

/* r9 = the interrupted MSR, r10 = its NIP, r11 = CFAR, r12 = the vector. */
pnv_exit:
    std     %r12, SA_VECTOR(%r13)
    mfcr    %r12                        /* before anything sets a CR field */
    std     %r9, SA_MSR(%r13)
    std     %r10, SA_NIP(%r13)
    rldicl. %r9, %r9, 4, 63             /* MSR[HV] (bit 3) of the interrupted state */
    bne-    pnv_hypervisor_interrupt

    /* a guest exit: its control registers into the Vcpu */
    ld      %r9, SA_VCPU(%r13)
    std     %r12, VCPU_CR(%r9)
    std     %r10, VCPU_NIP(%r9)
    std     %r11, VCPU_CFAR(%r9)
    ld      %r10, SA_MSR(%r13)
    std     %r10, VCPU_MSR(%r9)
    mflr    %r10
    std     %r10, VCPU_LR(%r9)
    mfctr   %r10
    std     %r10, VCPU_CTR(%r9)
    mfxer   %r10
    std     %r10, VCPU_XER(%r9)
    /* and r0..r13 into its array (r9..r13 from where the stub and the exit path put them) */
    ld      %r12, SA_VCPU_GPRS(%r13)
    .irp n, 0, 1, 2, 3, 4, 5, 6, 7, 8
    std     %r\n, GPR(\n)(%r12)
    .endr
    ld      %r0, SA_SCRATCH_R9(%r13)
    std     %r0, GPR(9)(%r12)
    ld      %r0, SA_SCRATCH_R10(%r13)
    std     %r0, GPR(10)(%r12)
    ld      %r0, SA_SCRATCH_R11(%r13)
    std     %r0, GPR(11)(%r12)
    ld      %r0, SA_SCRATCH_R12(%r13)
    std     %r0, GPR(12)(%r12)
    mfspr   %r0, SPR_HSPRG1
    std     %r0, GPR(13)(%r12)

    ld      %r3, SA_VECTOR(%r13)
    cmpldi  %r3, VECTOR_HCALL
    bne     pnv_exit_slow

    /* the hcall fast path: hvHcallFastPath(partition) below the caller's stack frame */
    ld      %r1, HV_GPR(1)(%r13)
    stdu    %r1, -FAST_FRAME(%r1)
    ld      %r2, HV_GPR(2)(%r13)
    ld      %r3, SA_PARTITION(%r13)
    ld      %r13, HV_GPR(13)(%r13)
    bl      hvHcallFastPath
    nop
    mfspr   %r13, SPR_HSPRG0
    andi.   %r3, %r3, 1
    beq     pnv_exit_hcall_handled

    /* resume at once: the volatile registers back from the Vcpu (r14..r31 never left) */
    ld      %r12, SA_VCPU(%r13)
    LOAD_GUEST_CONTROL
    ld      %r12, SA_VCPU_GPRS(%r13)
    .irp n, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11
    ld      %r\n, GPR(\n)(%r12)
    .endr
    ld      %r13, GPR(13)(%r12)
    ld      %r12, GPR(12)(%r12)
    hrfid

pnv_exit_hcall_handled:
    li      %r0, VECTOR_HCALL_HANDLED
    std     %r0, SA_VECTOR(%r13)

/* Back to the scheduler: the rest of the guest into the Vcpu, the hypervisor's state back. */
pnv_exit_slow:
    ld      %r12, SA_VCPU_GPRS(%r13)
    SAVE_NVGPRS 0, %r12
    ld      %r12, SA_VCPU(%r13)
    mfsrr0  %r0
    std     %r0, VCPU_SRR0(%r12)
    mfsrr1  %r0
    std     %r0, VCPU_SRR1(%r12)
    mfspr   %r0, SPR_HDAR
    std     %r0, VCPU_HDAR(%r12)
    mfspr   %r0, SPR_HDSISR
    std     %r0, VCPU_HDSISR(%r12)
    mfspr   %r0, SPR_ASDR
    std     %r0, VCPU_ASDR(%r12)
    mfspr   %r0, SPR_HEIR
    std     %r0, VCPU_HEIR(%r12)

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
    bl      hvHypervisorInterrupt       /* prints, powers off: does not return */
    nop
pnv_stop:
    b       pnvStopForever

/* u64 pnvCpuArea(): the boot CPU's save area. */
FUNC pnvCpuArea
    LOAD_ADDR %r3, pnv_cpu_area
    blr
ENDFUNC pnvCpuArea

/*
 * void pnvClearHvDoorbell(): clear this thread's pending hypervisor doorbell (msgclr with
 * message type 5, "server"; the assembler does not know msgclr, hence the encoding).
 */
FUNC pnvClearHvDoorbell
    lis     %r3, 0x2800                 /* RB = type 5 << 27 */
    .long   0x7c0019dc                  /* msgclr r3 */
    blr
ENDFUNC pnvClearHvDoorbell

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
