/*
 * The hypervisor's exception vectors, at real address 0x100..0x2fff (HRMOR = 0, so an
 * interrupt taken in hypervisor state, or from a partition to the hypervisor, lands here).
 *
 * Every 0x20-byte slot holds the same seven-instruction stub, so that no interrupt can vanish
 * into unprogrammed memory, whatever its vector:
 *
 *     mtspr   HSPRG1, r13          the interrupted r13 (a guest's, or the hypervisor's)
 *     mfspr   r13, HSPRG0          this CPU's save area (asm-offsets.ts), set since entry.S
 *     std     r12, SA_SCRATCH_R12(r13)  the interrupted r12
 *     std     r11, SA_SCRATCH_R11(r13)  and r11
 *     mfspr   r11, CFAR            the come-from address, before the branch below replaces it
 *     li      r12, VECTOR          which vector this is
 *     b       pnv_exit_srr | pnv_exit_hsrr
 *
 * The branch target says where the interrupted state is: most interrupts save it in SRR0/SRR1
 * (0x100 reset, 0x200 machine check, 0xc00 system call, and everything a guest takes itself),
 * the hypervisor interrupts in HSRR0/HSRR1 (0x500 external when directed to the hypervisor,
 * as LPCR[LPES] = 0 does, 0x980 HDEC, 0xe00..0xea0, 0xf80 hypervisor facility unavailable,
 * and the implementation-specific 0x1500 soft patch and 0x1600 denormalisation). switch.S
 * takes it from there: a guest's exit returns from enterGuest, an interrupt of the hypervisor
 * itself is reported and the machine powered off.
 *
 * Vectors from 0x3000 (system call vectored) are only used with relocation on, which the
 * hypervisor never runs with; 0x3000..0x3fff stays reserved.
 */
#include "../common/asm.h"
#include "asm-offsets.h"

/* .head.vectors is placed at 0x100 by image.ld. */
#define VECTORS_BASE    0x100
#define VECTORS_END     0x3000
#define SLOT            0x20

    .abiversion 2
    .section .head.vectors, "ax", @progbits

/* True for the vectors that save the interrupted state in HSRR0/HSRR1. */
#define USES_HSRR(v)    ((v) == 0x500 || (v) == 0x980 || ((v) >= 0xe00 && (v) <= 0xea0) || \
                         (v) == 0xf80 || (v) == 0x1500 || (v) == 0x1600)

    .set    vec, VECTORS_BASE
    .rept   (VECTORS_END - VECTORS_BASE) / SLOT
    .org    vec - VECTORS_BASE
    mtspr   SPR_HSPRG1, %r13
    mfspr   %r13, SPR_HSPRG0
    std     %r12, SA_SCRATCH_R12(%r13)
    std     %r11, SA_SCRATCH_R11(%r13)
    mfspr   %r11, SPR_CFAR
    li      %r12, vec
    .if     USES_HSRR(vec)
    b       pnv_exit_hsrr
    .else
    b       pnv_exit_srr
    .endif
    .set    vec, vec + SLOT
    .endr

    .section .note.GNU-stack, "", @progbits
