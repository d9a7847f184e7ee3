/*
 * Assembler helpers shared by the ppc64 entry code (clang-19 integrated assembler, ELFv2,
 * big-endian). Registers are written %rN: clang refuses bare rN.
 *
 * Bits are numbered as in the Power ISA books: bit 0 is the most significant of 64.
 */
#ifndef TSHYPE_ARCH_PPC64_ASM_H
#define TSHYPE_ARCH_PPC64_ASM_H

/* Power ISA bit n of a 64-bit register (ppcBit in TypeScript). */
#define PPC_BIT(n)      (0x8000000000000000 >> (n))

/* MSR bits (Power ISA v3.1 Book III 4.2.1): MSR_SF, MSR_HV, MSR_ME, … as arch/ppc64/bits.ts
 * defines them (scripts/gen-asm-offsets.ts generates bits.h from it at build time). */
#include "bits.h"

/* A 64-bit constant into a register, in five instructions. */
.macro LOAD_IMM64 reg, val
    lis     \reg, (\val)@highest
    ori     \reg, \reg, (\val)@higher
    rldicr  \reg, \reg, 32, 31
    oris    \reg, \reg, (\val)@h
    ori     \reg, \reg, (\val)@l
.endm

/* r2 = this image's TOC pointer, computed PC-relative: right wherever the image runs at its
 * link address, whatever r2 held (clobbers r12 and LR). */
.macro LOAD_TOC
    bl      1f
1:  mflr    %r12
    addis   %r2, %r12, (.TOC. - 1b)@ha
    addi    %r2, %r2, (.TOC. - 1b)@l
.endm

/* r1 = the top of the stack area ending at `top` (a TOC-addressable symbol), with a terminating
 * frame of `frame` bytes whose back chain is 0 (clobbers r0; needs r2). */
.macro STACK_AT top, frame
    addis   %r1, %r2, \top@toc@ha
    addi    %r1, %r1, \top@toc@l
    li      %r0, 0
    stdu    %r0, -\frame(%r1)
.endm

/* The link-time address of a symbol of the image (all of it is linked below 2 GiB). */
.macro LOAD_ADDR reg, sym
    lis     \reg, (\sym)@ha
    addi    \reg, \reg, (\sym)@l
.endm

/* Start an assembly function that TypeScript calls (`declare function`): leaf, no TOC use. */
.macro FUNC name
    .globl  \name
    .type   \name, @function
    .balign 4
\name:
.endm

.macro ENDFUNC name
    .size   \name, . - \name
.endm

#endif
