/*
 * The part of boot shared by every platform: from "running at the link address in 64-bit
 * real mode" to the TypeScript entry point.
 *
 *   boot_common   r3 = real address of the flattened device tree the firmware gave us.
 *                 Entered by branch (not call) from the platform entry code with MSR[SF] = 1,
 *                 translation off, external interrupts off, the image at its link address.
 *                 Sets the TOC pointer (r2) and the boot stack (r1), zeroes the BSS, runs the
 *                 module initialisers (tsnc.init) and calls hvMain(fdt). Never returns.
 *
 * Register use after boot_common (the TypeScript code relies on it):
 *   r1   boot stack (64 KiB), 16-byte aligned, a terminating back-chain frame at the top
 *   r2   TOC pointer (.TOC. of the image, medium code model)
 *   r13  reserved for the per-CPU pointer (left 0 for now; nothing may use it as scratch)
 */
#include "asm.h"

/* ELFv2 minimum stack frame: back chain, CR save, LR save, TOC save (32 bytes), rounded. */
#define BOOT_FRAME      48

    .abiversion 2
    .section .text.boot, "ax", @progbits

    .globl  boot_common
    .type   boot_common, @function
    .balign 4
boot_common:
    mr      %r31, %r3                   /* FDT: callee-saved across tsnc.init */

    /* TOC pointer, computed PC-relative (correct at the link address, which is where we run). */
    LOAD_TOC

    /* Zero the BSS (16-byte aligned bounds, see image.ld), a doubleword at a time: ~130k
     * stores when tsnc's 1 MiB arena is present, a fraction of a millisecond under TCG. */
    addis   %r4, %r2, __bss_start@toc@ha
    addi    %r4, %r4, __bss_start@toc@l
    addis   %r5, %r2, __bss_end@toc@ha
    addi    %r5, %r5, __bss_end@toc@l
    li      %r0, 0
2:  cmpld   %r4, %r5
    bge     3f
    std     %r0, 0(%r4)
    addi    %r4, %r4, 8
    b       2b
3:
    /* Boot stack, with a terminating back chain of 0. */
    addis   %r1, %r2, boot_stack_top@toc@ha
    addi    %r1, %r1, boot_stack_top@toc@l
    clrrdi  %r1, %r1, 4
    stdu    %r0, -BOOT_FRAME(%r1)
    li      %r13, 0

    bl      tsnc.init                   /* module initialisers, in import order */
    nop
    mr      %r3, %r31
    bl      hvMain                      /* hvMain(fdt): powers off, does not return */
    nop

    /* hvMain returned, which its contract forbids: there is no console or power-off
     * mechanism that is not TypeScript's, so stop here, visibly to a debugger. */
boot_returned:
    b       boot_returned
    .size   boot_common, . - boot_common

/*
 * Real addresses of typed-array data, for handing buffers to firmware (hcalls, RTAS, OPAL).
 * tsnc passes a typed array as a pointer to its header { i64 length; ptr data }
 * (docs/restricted-typescript.md, "Native conventions"); the image runs untranslated at its
 * link address, so the data pointer is the real address. One body, one symbol per element
 * type (each TypeScript declaration needs its own name).
 */
FUNC bytesAddress
FUNC wordsAddress
FUNC doublewordsAddress
    ld      %r3, 8(%r3)
    blr
ENDFUNC bytesAddress
ENDFUNC wordsAddress
ENDFUNC doublewordsAddress

/*
 * The real address of an object (a class instance is passed as the address of its fields,
 * docs/restricted-typescript.md), for the save areas the entry and exit assembly reads objects
 * through, and back (vcpuAt: the object at an address vcpuAddress gave). One symbol per class
 * and direction, as above.
 */
FUNC vcpuAddress
FUNC partitionAddress
FUNC vcpuAt
    blr
ENDFUNC vcpuAddress
ENDFUNC partitionAddress
ENDFUNC vcpuAt

/*
 * Weak stand-ins for the portable hypervisor's entry points other than hvMain (hv/main.ts), for
 * image roots that run no partition (the system tests' hypervisor variants): an interrupt of
 * the hypervisor or an hcall fast path there is not expected, so the processor stops.
 */
    .weak   hvHcallFastPath
    .type   hvHcallFastPath, @function
    .weak   hvHypervisorInterrupt
    .type   hvHypervisorInterrupt, @function
hvHcallFastPath:
hvHypervisorInterrupt:
    b       .

/* The boot CPU's stack: its own NOBITS section, placed after the BSS by image.ld (not zeroed). */
#define BOOT_STACK_SIZE 0x10000
    .section .stack, "aw", @nobits
    .balign 16
boot_stack:
    .space  BOOT_STACK_SIZE
    .globl  boot_stack_top
boot_stack_top:

    .section .note.GNU-stack, "", @progbits
