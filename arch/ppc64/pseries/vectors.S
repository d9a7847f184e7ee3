/*
 * pseries exception vectors. tshype runs as a guest of QEMU (not in hypervisor state), so an
 * interrupt it takes itself arrives at 0x200..0xfe0 (AIL = 0, real mode) with SRR0/SRR1 — its
 * partitions' interrupts never come here: they end H_ENTER_NESTED instead. Every 0x20 slot holds
 * a stub that loads its vector number and branches to the report: a bug such as a failed tsnc
 * bounds check (0x700) is printed and the machine powered off with a failure status instead of
 * running off into unprogrammed memory. 0x100 (system reset) is the boot entry (entry.S).
 */
#include "../common/asm.h"

    .abiversion 2
    .section .head.vectors, "ax", @progbits

/* .head.vectors is placed at 0x200 by image.ld; a two-instruction stub every 0x20 to 0xfe0. */
#define VECTORS_BASE    0x200
#define VECTORS_END     0x1000
#define SLOT            0x20

    .globl  pseries_vectors
pseries_vectors:
    .set    vec, VECTORS_BASE
    .rept   (VECTORS_END - VECTORS_BASE) / SLOT
    .org    vec - VECTORS_BASE
    li      %r11, vec
    b       pseries_interrupt
    .set    vec, vec + SLOT
    .endr

/* r11 = vector. Rebuild the TOC and a stack of our own (whatever r1 and r2 were), then report.
 * A second interrupt while reporting stops the CPU: there is no one left to tell. */
    .text
    .balign 4
pseries_interrupt:
    LOAD_TOC
    addis   %r10, %r2, in_interrupt@toc@ha
    addi    %r10, %r10, in_interrupt@toc@l
    ld      %r9, 0(%r10)
    cmpdi   %r9, 0
    bne     2f
    li      %r9, 1
    std     %r9, 0(%r10)
    STACK_AT interrupt_stack_top, 48
    mr      %r3, %r11
    mfsrr0  %r4
    mfsrr1  %r5
    bl      hvHypervisorInterrupt
    nop
2:  b       2b

    .bss
    .balign 8
in_interrupt:
    .space  8
    .balign 16
interrupt_stack:
    .space  0x4000
interrupt_stack_top:

    .section .note.GNU-stack, "", @progbits
