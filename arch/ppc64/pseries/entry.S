/*
 * pseries entry: tshype as QEMU pseries partition firmware (-bios, in place of SLOF).
 *
 * QEMU 7.2 loads the image at real address 0 and starts CPU 0 at 0x100 with MSR = 0:
 * big-endian, 32-bit mode (SF = 0), HV = 0, translation off; r3 = real address of the
 * device tree (at the top of the RMA minus 2 MiB: 0x3fe00000 with -m 1G), r1 = r4 = r5 = 0.
 * Other CPUs stay stopped until RTAS start-cpu, so only one CPU ever runs this code.
 *
 * Also here: the hypervisor-call trampoline the pseries back end uses to reach QEMU (L0).
 */
#include "../common/asm.h"

    .abiversion 2

/* Low memory: 0x0..0x3fff is reserved for the exception vectors (image.ld). */
    .section .head, "ax", @progbits
    .globl  _head
_head:
    .org    0x100
    .globl  pseries_entry
pseries_entry:                          /* 0x100: first instruction, 32-bit mode */
    b       pseries_start

    .section .text.boot, "ax", @progbits
    .balign 4
pseries_start:
    /* Into 64-bit mode before anything touches a 64-bit quantity. The rest of the MSR stays
     * as QEMU set it: translation and interrupts off. */
    mfmsr   %r11
    LOAD_IMM64 %r12, MSR_SF
    or      %r11, %r11, %r12
    mtmsrd  %r11
    isync
    clrldi  %r3, %r3, 32                /* the FDT address, as a 64-bit value */
    b       boot_common                 /* common/boot.S: r3 = FDT */

/*
 * i64 paprHcall(opcode, a1 .. a7): `sc 1` to the hypervisor below us (QEMU). Arguments are
 * already where PAPR wants them (r3 = opcode, r4..r10 = arguments); the status comes back in
 * r3, and the first three output registers r4..r6 are kept for paprHcallOut(). The hypervisor
 * clobbers only volatile registers, so this is an ordinary ELFv2 call. XER is volatile in
 * ELFv2 too, which covers QEMU 7.2 not restoring XER[CA] after H_ENTER_NESTED returns
 * (ref/LINUX-GUEST.md E.5): no caller keeps anything in XER across the call.
 *
 * u64 paprHcallOut(n): output register r(4 + n) of the last paprHcall, n = 0, 1 or 2.
 */
    .text
FUNC paprHcall
    sc      1
    lis     %r11, papr_hcall_out@ha
    addi    %r11, %r11, papr_hcall_out@l
    std     %r4, 0(%r11)
    std     %r5, 8(%r11)
    std     %r6, 16(%r11)
    blr
ENDFUNC paprHcall

FUNC paprHcallOut
    lis     %r11, papr_hcall_out@ha
    addi    %r11, %r11, papr_hcall_out@l
    sldi    %r3, %r3, 3
    ldx     %r3, %r11, %r3
    blr
ENDFUNC paprHcallOut

    .section .bss
    .balign 8
papr_hcall_out:
    .space  24

    .section .note.GNU-stack, "", @progbits
