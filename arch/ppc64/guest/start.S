# Start-up of tshype's test partitions (restricted TS programs run as LPAR guests).
# The hypervisor enters at partition address 0 in real mode, 64-bit, big-endian, with r3 = the
# address of the partition's device tree. Set up the TOC and a stack, run the module
# initialisers and guestMain(fdt); if it returns, halt the partition with its result.
        .abiversion 2
        .section .text.start, "ax"
        .globl  _start
_start:
        bl      1f
1:      mflr    12
        addis   2, 12, (.TOC. - 1b)@ha
        addi    2, 2, (.TOC. - 1b)@l
        mr      31, 3                   # keep the device-tree address
        addis   1, 2, guest_stack_top@toc@ha
        addi    1, 1, guest_stack_top@toc@l
        li      0, 0
        stdu    0, -64(1)
        bl      tsnc.init
        nop
        mr      3, 31
        bl      guestMain
        nop
        mr      4, 3                    # status
        li      3, 0x6f00               # H_TSHYPE_HALT
        sc      1
        b       .

# u64 hcall(op, a1 .. a7): `sc 1` with r3 = op, r4..r10 = arguments; returns r3 (the status)
# and keeps r4..r11 in hcall_out for hcallOut(i).
# u64 noHcall(op, a1 .. a7): the same path with `li 3, 0` in place of `sc 1`: the baseline of
# the hcall benchmark (both execute exactly the same number of instructions).
        .text
        .globl  hcall
hcall:
        sc      1
        b       keep_outputs
        .globl  hcallNoToken
# u64 hcallNoToken(op, a1 .. a7): hcall() with r11 and r12 cleared as well (H_SEND_LOGICAL_LAN's
# continuation token and large-send MSS).
hcallNoToken:
        li      11, 0
        li      12, 0
        sc      1
        b       keep_outputs
        .globl  noHcall
noHcall:
        li      3, 0
        b       keep_outputs
# u64 noHcallNoToken(op, a1 .. a7): hcallNoToken's path with `li 3, 0` in place of `sc 1`: the
# baseline of the LAN benchmark.
        .globl  noHcallNoToken
noHcallNoToken:
        li      11, 0
        li      12, 0
        li      3, 0
        b       keep_outputs
keep_outputs:
        addis   12, 2, hcall_out@toc@ha
        addi    12, 12, hcall_out@toc@l
        std     4, 0(12)
        std     5, 8(12)
        std     6, 16(12)
        std     7, 24(12)
        std     8, 32(12)
        std     9, 40(12)
        std     10, 48(12)
        std     11, 56(12)
        blr

# u64 hcallOut(i): output register r(4 + i) of the last hcall, i in 0..7.
        .globl  hcallOut
hcallOut:
        clrldi  3, 3, 61
        sldi    3, 3, 3
        addis   11, 2, hcall_out@toc@ha
        addi    11, 11, hcall_out@toc@l
        ldx     3, 11, 3
        blr

# void benchMarkA(), benchMarkB(): the instruction-count plugin's markers (scripts/bench/
# insn-count.c marks=1 prints its running count when `or 27,27,27` or `or 28,28,28` runs): a
# no-op for the processor, a timestamp in instructions for a benchmark.
        .globl  benchMarkA
benchMarkA:
        or      27, 27, 27
        blr
        .globl  benchMarkB
benchMarkB:
        or      28, 28, 28
        blr

# void illegalInstruction(): an instruction no POWER processor defines.
        .globl  illegalInstruction
illegalInstruction:
        .long   0
        blr

        .bss
        .balign 8
hcall_out:
        .space  64
        .balign 16
guest_stack:
        .space  65536
guest_stack_top:
        .section .note.GNU-stack, "", @progbits
