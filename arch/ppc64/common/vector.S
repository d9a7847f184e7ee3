/*
 * The parts of a vCPU's switched state TypeScript cannot reach (common/switch.ts calls these):
 *
 *   void saveVectorState(Vcpu *v)   VSR0..VSR63 (so every FPR and VR), FPSCR and VSCR into v
 *   void loadVectorState(Vcpu *v)   the same from v into the processor
 *   void scrubProcessor(void)       zero every SLB entry, cancel any load reservation
 *
 * The hypervisor runs with MSR[FP], MSR[VEC] and MSR[VSX] clear; these routines set them for
 * their own duration and put the caller's MSR back. The Vcpu field offsets come from
 * vcpu-offsets.h (scripts/gen-asm-offsets.ts); `vsr` is a typed array, so its field holds the
 * address of a header { length, data } and the 128 doublewords are at `data`. Each VSR is
 * stored big-endian as the processor holds it: VSR n's high doubleword (FPR n for n < 32) at
 * vsr[2n], its low doubleword at vsr[2n + 1]. POWER9 and later (ISA 3.0 lxv/stxv).
 */
#include "asm.h"
#include "vcpu-offsets.h"

#define MSR_FP_VEC_VSX  (MSR_VEC | MSR_VSX | MSR_FP)
#define SLB_ENTRIES     32

    .abiversion 2
    .machine power9
    .text

/* r6 = the caller's MSR; MSR[FP|VEC|VSX] on. Clobbers r5. */
.macro VECTOR_ON
    mfmsr   %r6
    LOAD_IMM64 %r5, MSR_FP_VEC_VSX
    or      %r5, %r5, %r6
    mtmsrd  %r5
    isync
.endm

/* The caller's MSR (in r6) back. */
.macro VECTOR_OFF
    mtmsrd  %r6
    isync
.endm

FUNC saveVectorState
    VECTOR_ON
    ld      %r4, VCPU_VSR(%r3)
    ld      %r4, 8(%r4)                 /* the 128 doublewords */
    .irp n, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31
    stxv    %vs\n, (\n * 16)(%r4)
    .endr
    .irp n, 32, 33, 34, 35, 36, 37, 38, 39, 40, 41, 42, 43, 44, 45, 46, 47, 48, 49, 50, 51, 52, 53, 54, 55, 56, 57, 58, 59, 60, 61, 62, 63
    stxv    %vs\n, ((\n - 32) * 16 + 512)(%r4)
    .endr
    /* FPSCR and VSCR, through registers already saved */
    mffs    %f0
    stfd    %f0, VCPU_FPSCR(%r3)
    mfvscr  %v0
    mfvsrld %r5, %vs32                  /* VSCR is word 3 of VR0: the low doubleword */
    clrldi  %r5, %r5, 32
    std     %r5, VCPU_VSCR(%r3)
    VECTOR_OFF
    blr
ENDFUNC saveVectorState

FUNC loadVectorState
    VECTOR_ON
    /* FPSCR and VSCR first, through registers loaded afterwards */
    lfd     %f0, VCPU_FPSCR(%r3)
    mtfsf   0xff, %f0, 1, 0             /* L = 1: all 64 bits of the FPSCR */
    ld      %r5, VCPU_VSCR(%r3)
    li      %r7, 0
    mtvsrdd %vs32, %r7, %r5
    mtvscr  %v0
    ld      %r4, VCPU_VSR(%r3)
    ld      %r4, 8(%r4)
    .irp n, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31
    lxv     %vs\n, (\n * 16)(%r4)
    .endr
    .irp n, 32, 33, 34, 35, 36, 37, 38, 39, 40, 41, 42, 43, 44, 45, 46, 47, 48, 49, 50, 51, 52, 53, 54, 55, 56, 57, 58, 59, 60, 61, 62, 63
    lxv     %vs\n, ((\n - 32) * 16 + 512)(%r4)
    .endr
    VECTOR_OFF
    blr
ENDFUNC loadVectorState

/*
 * Zero every SLB entry (slbmte of 0 to each index: slbia would only clear the valid bits, and a
 * guest can read an entry back with slbmfee/slbmfev), then store conditionally to a scratch
 * doubleword so that no reservation a guest made survives into the next partition.
 */
FUNC scrubProcessor
    li      %r4, 0
    li      %r5, 0
1:  slbmte  %r4, %r5
    addi    %r5, %r5, 1
    cmpldi  %r5, SLB_ENTRIES
    blt     1b
    isync
    LOAD_ADDR %r5, scrub_reservation
    stdcx.  %r4, 0, %r5
    blr
ENDFUNC scrubProcessor

    .section .bss
    .balign 8
scrub_reservation:
    .space  8

    .section .note.GNU-stack, "", @progbits
