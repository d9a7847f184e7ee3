/*
 * Interrupt vectors of tshype's test partitions, and the two things they exist for:
 * guarded accesses (an instruction that may be refused with an interrupt) and a round trip
 * through problem state.
 *
 * A partition runs with LPCR[AIL] = 0 (unless it asks otherwise with H_SET_MODE), so the
 * interrupts it takes itself land at partition real address 0x100..0xfff in real mode;
 * guest.ld puts .text.vectors at 0x100. Every 0x20-byte slot holds the same stub:
 *
 *     li      r11, VECTOR
 *     b       guest_vector
 *
 * guest_vector, by what was interrupted (SRR0/SRR1 describe it):
 *   - the decrementer (0x900): a test partition takes it only after an H_CEDE, which returns
 *     with MSR[EE] = 1 and wakes at the decrementer's expiry; external interrupts go off again
 *     (MSR[EE] = 0 in SRR1), the decrementer back to its maximum, and the partition resumes
 *     (only r11 and r12 are changed: volatile at an hcall's return, where it is taken);
 *   - problem state, `sc 0` or a reflected `sc 1` of problemStateHcall: back to privileged
 *     state, to problemStateHcall's caller;
 *   - privileged state inside a guarded access (GUARD_ON .. GUARD_OFF below): the access is
 *     abandoned, it returns 0 and guardVector() tells which vector refused it;
 *   - anything else: unexpected. guestInterrupt(vector, srr0, srr1) is called if the program
 *     defines it (a weak symbol: lpar/guests/isolation.ts does), else the partition halts with
 *     status 0x10000 + vector.
 * The stubs and guest_vector use only r3, r10, r11, r12 (and r1/r2 on the way out), so a
 * guarded routine keeps what it needs after the access in other registers (guard.h).
 */
#include "../common/asm.h"
#include "guard.h"

#define VECTORS_BASE    0x100
#define VECTORS_END     0x1000
#define SLOT            0x20

#define H_TSHYPE_HALT   0x6f00
/* What problemStateHcall returns when the `sc 1` came back to us as a system call (0xc00). */
#define HCALL_REFLECTED 0x5c1

        .abiversion 2
        .section .text.vectors, "ax", @progbits
        .set    vec, VECTORS_BASE
        .rept   (VECTORS_END - VECTORS_BASE) / SLOT
        .org    vec - VECTORS_BASE
        li      %r11, vec
        b       guest_vector
        .set    vec, vec + SLOT
        .endr

        .text
guest_vector:
        cmpdi   %r11, 0x900
        beq     decrementer
        mfsrr1  %r12
        andi.   %r12, %r12, MSR_PR
        bne     from_problem_state
        LOAD_ADDR %r12, guard
        ld      %r3, GUARD_RESUME(%r12)
        cmpdi   %r3, 0
        beq     unexpected
        std     %r11, GUARD_VECTOR(%r12)
        li      %r11, 0
        std     %r11, GUARD_RESUME(%r12)
        mtsrr0  %r3                     # resume after the access, with the MSR it ran with
        li      %r3, 0
        rfid

decrementer:
        lis     %r12, 0x7fff
        ori     %r12, %r12, 0xffff
        mtdec   %r12
        li      %r11, 0
        ori     %r11, %r11, MSR_EE
        mfsrr1  %r12
        andc    %r12, %r12, %r11
        mtsrr1  %r12
        rfid

from_problem_state:
        cmpdi   %r11, 0xc00
        bne     unexpected
        mfsrr0  %r12
        LOAD_ADDR %r10, user_after_sc0
        cmpd    %r12, %r10
        beq     back_to_privileged      # r3 = the status of the `sc 1`
        LOAD_ADDR %r10, user_after_sc1
        cmpd    %r12, %r10
        bne     unexpected
        li      %r3, HCALL_REFLECTED
back_to_privileged:
        LOAD_ADDR %r12, user_save
        ld      %r1, 0(%r12)
        ld      %r2, 8(%r12)
        ld      %r10, 16(%r12)
        mtlr    %r10
        ld      %r10, 24(%r12)
        mtmsrd  %r10                    # the caller's MSR (FP, VEC, VSX, TM as they were)
        isync
        blr

unexpected:                             # r11 = vector
        LOAD_ADDR %r12, guest_interrupt_ptr
        ld      %r12, 0(%r12)
        cmpdi   %r12, 0
        beq     no_handler              # (not `1f`: LOAD_TOC has a label 1 of its own)
        LOAD_TOC                        # clobbers r12
        LOAD_ADDR %r12, guest_interrupt_ptr
        ld      %r12, 0(%r12)
        STACK_AT vector_stack_top, 64
        mr      %r3, %r11
        mfsrr0  %r4
        mfsrr1  %r5
        mr      %r31, %r11
        mtctr   %r12
        bctrl                           # does not return (it halts); if it does:
        mr      %r11, %r31
no_handler:
        oris    %r4, %r11, 1            # status 0x10000 + vector
        li      %r3, H_TSHYPE_HALT
        sc      1
        b       .

/* u64 problemStateHcall(op, a1, a2, a3, a4): the hcall `sc 1` with r3 = op, r4..r7 = a1..a4,
 * made in problem state. MSR[PR] = 1 forces MSR[IR], MSR[DR] and MSR[EE] to 1, so the caller
 * has mapped this code at its own address (userMapInit) and registered the process table, and
 * DEC must not go negative meanwhile. Returns the hcall's r3, or HCALL_REFLECTED when the
 * hypervisor reflected the `sc 1` to the partition's 0xc00 vector as a system call. The
 * round trip ends with `sc 0` to the partition's own 0xc00 vector, which resumes privileged
 * state with the caller's MSR and returns. */
FUNC problemStateHcall
        LOAD_ADDR %r12, user_save
        std     %r1, 0(%r12)
        std     %r2, 8(%r12)
        mflr    %r11
        std     %r11, 16(%r12)
        mfmsr   %r11
        std     %r11, 24(%r12)
        ori     %r11, %r11, MSR_PR | MSR_EE | MSR_IR | MSR_DR
        mtsrr1  %r11
        LOAD_ADDR %r12, user_code
        mtsrr0  %r12
        rfid
user_code:
        sc      1
user_after_sc1:
        sc      0
user_after_sc0:
        b       .
ENDFUNC problemStateHcall

/* u64 guardVector(): the vector that refused the last guarded access, 0 if it completed. */
FUNC guardVector
        LOAD_ADDR %r3, guard
        ld      %r3, GUARD_VECTOR(%r3)
        blr
ENDFUNC guardVector

/* u64 hcallReflected(): the value problemStateHcall returns for a reflected `sc 1`. */
FUNC hcallReflected
        li      %r3, HCALL_REFLECTED
        blr
ENDFUNC hcallReflected

        .weak   guestInterrupt
        .data
        .balign 8
guest_interrupt_ptr:
        .quad   guestInterrupt
        .globl  guard                   # resume address (0: none), refusing vector (guard.h)
guard:
        .quad   0, 0
user_save:
        .quad   0, 0, 0, 0

        .bss
        .balign 16
vector_stack:
        .space  8192
vector_stack_top:

        .section .note.GNU-stack, "", @progbits
