# tsnc start-up for static Linux executables (conformance programs and benchmarks, run under
# qemu-ppc64): set the TOC pointer and a stack frame, call tsnc_main (module initialisers, then
# the program's main), write its u64 result as 16 hex digits and a newline, exit with status 0.
        .abiversion 2
        .text
        .globl  _start
        .type   _start, @function
_start:
        bl      1f
1:      mflr    12
        addis   2, 12, (.TOC. - 1b)@ha
        addi    2, 2, (.TOC. - 1b)@l
        clrrdi  1, 1, 4
        li      0, 0
        stdu    0, -128(1)
        bl      tsnc_main
        nop
        addi    5, 1, 48            # r5 = end of the 16 digits in a buffer at 32(r1)
        li      6, 10
        stb     6, 0(5)             # newline after the digits
        li      7, 16
        mtctr   7
2:      andi.   8, 3, 15
        addi    9, 8, 48            # '0' + nibble
        cmpldi  8, 10
        blt     3f
        addi    9, 8, 87            # 'a' - 10 + nibble
3:      stbu    9, -1(5)
        srdi    3, 3, 4
        bdnz    2b
        li      0, 4                # write(1, buffer, 17)
        li      3, 1
        mr      4, 5
        li      5, 17
        sc
        li      0, 234              # exit_group(0)
        li      3, 0
        sc
        b       .
        .size   _start, . - _start
        .section .note.GNU-stack, "", @progbits
