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
    .globl  pseries_vectors
pseries_vectors:                        /* placed at 0x200 by image.ld */
    .org    0x0
    li      %r11, 0x200
    b       pseries_interrupt
    .org    0x20
    li      %r11, 0x220
    b       pseries_interrupt
    .org    0x40
    li      %r11, 0x240
    b       pseries_interrupt
    .org    0x60
    li      %r11, 0x260
    b       pseries_interrupt
    .org    0x80
    li      %r11, 0x280
    b       pseries_interrupt
    .org    0xa0
    li      %r11, 0x2a0
    b       pseries_interrupt
    .org    0xc0
    li      %r11, 0x2c0
    b       pseries_interrupt
    .org    0xe0
    li      %r11, 0x2e0
    b       pseries_interrupt
    .org    0x100
    li      %r11, 0x300
    b       pseries_interrupt
    .org    0x120
    li      %r11, 0x320
    b       pseries_interrupt
    .org    0x140
    li      %r11, 0x340
    b       pseries_interrupt
    .org    0x160
    li      %r11, 0x360
    b       pseries_interrupt
    .org    0x180
    li      %r11, 0x380
    b       pseries_interrupt
    .org    0x1a0
    li      %r11, 0x3a0
    b       pseries_interrupt
    .org    0x1c0
    li      %r11, 0x3c0
    b       pseries_interrupt
    .org    0x1e0
    li      %r11, 0x3e0
    b       pseries_interrupt
    .org    0x200
    li      %r11, 0x400
    b       pseries_interrupt
    .org    0x220
    li      %r11, 0x420
    b       pseries_interrupt
    .org    0x240
    li      %r11, 0x440
    b       pseries_interrupt
    .org    0x260
    li      %r11, 0x460
    b       pseries_interrupt
    .org    0x280
    li      %r11, 0x480
    b       pseries_interrupt
    .org    0x2a0
    li      %r11, 0x4a0
    b       pseries_interrupt
    .org    0x2c0
    li      %r11, 0x4c0
    b       pseries_interrupt
    .org    0x2e0
    li      %r11, 0x4e0
    b       pseries_interrupt
    .org    0x300
    li      %r11, 0x500
    b       pseries_interrupt
    .org    0x320
    li      %r11, 0x520
    b       pseries_interrupt
    .org    0x340
    li      %r11, 0x540
    b       pseries_interrupt
    .org    0x360
    li      %r11, 0x560
    b       pseries_interrupt
    .org    0x380
    li      %r11, 0x580
    b       pseries_interrupt
    .org    0x3a0
    li      %r11, 0x5a0
    b       pseries_interrupt
    .org    0x3c0
    li      %r11, 0x5c0
    b       pseries_interrupt
    .org    0x3e0
    li      %r11, 0x5e0
    b       pseries_interrupt
    .org    0x400
    li      %r11, 0x600
    b       pseries_interrupt
    .org    0x420
    li      %r11, 0x620
    b       pseries_interrupt
    .org    0x440
    li      %r11, 0x640
    b       pseries_interrupt
    .org    0x460
    li      %r11, 0x660
    b       pseries_interrupt
    .org    0x480
    li      %r11, 0x680
    b       pseries_interrupt
    .org    0x4a0
    li      %r11, 0x6a0
    b       pseries_interrupt
    .org    0x4c0
    li      %r11, 0x6c0
    b       pseries_interrupt
    .org    0x4e0
    li      %r11, 0x6e0
    b       pseries_interrupt
    .org    0x500
    li      %r11, 0x700
    b       pseries_interrupt
    .org    0x520
    li      %r11, 0x720
    b       pseries_interrupt
    .org    0x540
    li      %r11, 0x740
    b       pseries_interrupt
    .org    0x560
    li      %r11, 0x760
    b       pseries_interrupt
    .org    0x580
    li      %r11, 0x780
    b       pseries_interrupt
    .org    0x5a0
    li      %r11, 0x7a0
    b       pseries_interrupt
    .org    0x5c0
    li      %r11, 0x7c0
    b       pseries_interrupt
    .org    0x5e0
    li      %r11, 0x7e0
    b       pseries_interrupt
    .org    0x600
    li      %r11, 0x800
    b       pseries_interrupt
    .org    0x620
    li      %r11, 0x820
    b       pseries_interrupt
    .org    0x640
    li      %r11, 0x840
    b       pseries_interrupt
    .org    0x660
    li      %r11, 0x860
    b       pseries_interrupt
    .org    0x680
    li      %r11, 0x880
    b       pseries_interrupt
    .org    0x6a0
    li      %r11, 0x8a0
    b       pseries_interrupt
    .org    0x6c0
    li      %r11, 0x8c0
    b       pseries_interrupt
    .org    0x6e0
    li      %r11, 0x8e0
    b       pseries_interrupt
    .org    0x700
    li      %r11, 0x900
    b       pseries_interrupt
    .org    0x720
    li      %r11, 0x920
    b       pseries_interrupt
    .org    0x740
    li      %r11, 0x940
    b       pseries_interrupt
    .org    0x760
    li      %r11, 0x960
    b       pseries_interrupt
    .org    0x780
    li      %r11, 0x980
    b       pseries_interrupt
    .org    0x7a0
    li      %r11, 0x9a0
    b       pseries_interrupt
    .org    0x7c0
    li      %r11, 0x9c0
    b       pseries_interrupt
    .org    0x7e0
    li      %r11, 0x9e0
    b       pseries_interrupt
    .org    0x800
    li      %r11, 0xa00
    b       pseries_interrupt
    .org    0x820
    li      %r11, 0xa20
    b       pseries_interrupt
    .org    0x840
    li      %r11, 0xa40
    b       pseries_interrupt
    .org    0x860
    li      %r11, 0xa60
    b       pseries_interrupt
    .org    0x880
    li      %r11, 0xa80
    b       pseries_interrupt
    .org    0x8a0
    li      %r11, 0xaa0
    b       pseries_interrupt
    .org    0x8c0
    li      %r11, 0xac0
    b       pseries_interrupt
    .org    0x8e0
    li      %r11, 0xae0
    b       pseries_interrupt
    .org    0x900
    li      %r11, 0xb00
    b       pseries_interrupt
    .org    0x920
    li      %r11, 0xb20
    b       pseries_interrupt
    .org    0x940
    li      %r11, 0xb40
    b       pseries_interrupt
    .org    0x960
    li      %r11, 0xb60
    b       pseries_interrupt
    .org    0x980
    li      %r11, 0xb80
    b       pseries_interrupt
    .org    0x9a0
    li      %r11, 0xba0
    b       pseries_interrupt
    .org    0x9c0
    li      %r11, 0xbc0
    b       pseries_interrupt
    .org    0x9e0
    li      %r11, 0xbe0
    b       pseries_interrupt
    .org    0xa00
    li      %r11, 0xc00
    b       pseries_interrupt
    .org    0xa20
    li      %r11, 0xc20
    b       pseries_interrupt
    .org    0xa40
    li      %r11, 0xc40
    b       pseries_interrupt
    .org    0xa60
    li      %r11, 0xc60
    b       pseries_interrupt
    .org    0xa80
    li      %r11, 0xc80
    b       pseries_interrupt
    .org    0xaa0
    li      %r11, 0xca0
    b       pseries_interrupt
    .org    0xac0
    li      %r11, 0xcc0
    b       pseries_interrupt
    .org    0xae0
    li      %r11, 0xce0
    b       pseries_interrupt
    .org    0xb00
    li      %r11, 0xd00
    b       pseries_interrupt
    .org    0xb20
    li      %r11, 0xd20
    b       pseries_interrupt
    .org    0xb40
    li      %r11, 0xd40
    b       pseries_interrupt
    .org    0xb60
    li      %r11, 0xd60
    b       pseries_interrupt
    .org    0xb80
    li      %r11, 0xd80
    b       pseries_interrupt
    .org    0xba0
    li      %r11, 0xda0
    b       pseries_interrupt
    .org    0xbc0
    li      %r11, 0xdc0
    b       pseries_interrupt
    .org    0xbe0
    li      %r11, 0xde0
    b       pseries_interrupt
    .org    0xc00
    li      %r11, 0xe00
    b       pseries_interrupt
    .org    0xc20
    li      %r11, 0xe20
    b       pseries_interrupt
    .org    0xc40
    li      %r11, 0xe40
    b       pseries_interrupt
    .org    0xc60
    li      %r11, 0xe60
    b       pseries_interrupt
    .org    0xc80
    li      %r11, 0xe80
    b       pseries_interrupt
    .org    0xca0
    li      %r11, 0xea0
    b       pseries_interrupt
    .org    0xcc0
    li      %r11, 0xec0
    b       pseries_interrupt
    .org    0xce0
    li      %r11, 0xee0
    b       pseries_interrupt
    .org    0xd00
    li      %r11, 0xf00
    b       pseries_interrupt
    .org    0xd20
    li      %r11, 0xf20
    b       pseries_interrupt
    .org    0xd40
    li      %r11, 0xf40
    b       pseries_interrupt
    .org    0xd60
    li      %r11, 0xf60
    b       pseries_interrupt
    .org    0xd80
    li      %r11, 0xf80
    b       pseries_interrupt
    .org    0xda0
    li      %r11, 0xfa0
    b       pseries_interrupt
    .org    0xdc0
    li      %r11, 0xfc0
    b       pseries_interrupt
    .org    0xde0
    li      %r11, 0xfe0
    b       pseries_interrupt

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
    bl      pseriesHypervisorInterrupt
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
