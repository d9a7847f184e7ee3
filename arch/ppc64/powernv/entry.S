/*
 * powernv entry: tshype on a bare-metal POWER9/POWER10 (QEMU powernv9, powernv10), booted
 * either way:
 *
 *   -bios build/tshype-powernv.bin    QEMU loads the image at real address 0 and starts every
 *                                     thread at 0x10 (pnv_bios_entry) with MSR = SF|HV,
 *                                     big-endian, translation off, r3 = FDT (0x01000000).
 *   -kernel build/tshype-powernv.elf  QEMU's skiboot (OPAL) loads the ELF file raw at
 *                                     0x20000000 and runs it in place at the entry point
 *                                     (pnv_payload_entry, 0x20010020: file offset of the
 *                                     segment + e_entry) on one thread, MSR = SF|HV,
 *                                     r3 = FDT (in OPAL's memory, ~0x3076e7b0),
 *                                     r8 = OPAL base (0x30000000), r9 = OPAL entry.
 *
 * The entry point tells the two apart. A payload copies itself to its link address, 0 (the
 * exception vectors must be at real 0 anyway, as HRMOR = 0), then both continue at the link
 * address. The OPAL base and entry are recorded (pnv_opal, zero when booted by -bios), for
 * opalCall and the platform back end, and HSPRG0 is pointed at the CPU's save area, which
 * the exception vectors (vectors.S, switch.S) need from the first instruction on.
 */
#include "../common/asm.h"
#include "asm-offsets.h"

/* POWER9/10 L1 data and instruction cache block size. */
#define CACHE_LINE      128

    .abiversion 2

/* Low memory: 0x0..0x3fff is reserved for the exception vectors (image.ld). */
    .section .head, "ax", @progbits
    .globl  _head
_head:
    .org    0x10
    .globl  pnv_bios_entry
pnv_bios_entry:                         /* 0x10: QEMU's reset vector, every thread */
    b       pnv_bios_start
    .org    0x20
    .globl  pnv_payload_entry
pnv_payload_entry:                      /* ELF entry point: skiboot runs us at 0x20010020 */
    b       pnv_payload_start

    .section .text.boot, "ax", @progbits
    .balign 4
/*
 * -bios: every thread of the machine arrives here. The first to claim pnv_boot_claim boots;
 * the others wait in pnv_secondary_hold (nothing releases them yet).
 */
pnv_bios_start:
    LOAD_ADDR %r11, pnv_boot_claim
1:  lwarx   %r12, 0, %r11
    cmpwi   %r12, 0
    bne     pnv_secondary_hold
    li      %r12, 1
    stwcx.  %r12, 0, %r11
    bne-    1b
    isync
    li      %r8, 0                      /* no OPAL */
    li      %r9, 0
    li      %r28, 0                     /* loaded at the link address */
    b       pnv_record

pnv_secondary_hold:
    LOAD_ADDR %r11, pnv_secondary_area  /* what a vector would use (switch.S) */
    mtspr   SPR_HSPRG0, %r11
1:  or      %r1, %r1, %r1               /* low SMT priority while spinning */
    b       1b

/*
 * skiboot payload: position-independent until the jump to pnv_relocated. Copy the loaded
 * part of the image (_head.._edata) to its link address (forward copy: the destination is
 * below the source), make it visible to instruction fetch, continue there.
 */
pnv_payload_start:
    mr      %r31, %r3                   /* FDT */
    mr      %r30, %r8                   /* OPAL base */
    mr      %r29, %r9                   /* OPAL entry */
    bl      1f
1:  mflr    %r10
    LOAD_ADDR %r11, 1b
    subf.   %r10, %r11, %r10            /* r10 = run address - link address */
    mr      %r28, %r10                  /* recorded: where the loader put the image */
    beq     3f                          /* a loader that honoured p_vaddr: nothing to copy */
    LOAD_ADDR %r4, _head
    LOAD_ADDR %r5, _edata
2:  ldx     %r0, %r4, %r10
    std     %r0, 0(%r4)
    addi    %r4, %r4, 8
    cmpld   %r4, %r5
    blt     2b
    LOAD_ADDR %r4, _head                /* dcbst every block, then icbi every block */
4:  dcbst   0, %r4
    addi    %r4, %r4, CACHE_LINE
    cmpld   %r4, %r5
    blt     4b
    sync
    LOAD_ADDR %r4, _head
5:  icbi    0, %r4
    addi    %r4, %r4, CACHE_LINE
    cmpld   %r4, %r5
    blt     5b
    sync
    isync
3:  mr      %r3, %r31
    mr      %r8, %r30
    mr      %r9, %r29
    LOAD_ADDR %r12, pnv_record
    mtctr   %r12
    bctr

/*
 * At the link address; r3 = FDT, r8/r9 = OPAL base/entry or 0. The exception vectors are in
 * place from here on (vectors.S, at 0x100): HSPRG0 gets the save area they need (switch.S).
 */
pnv_record:
    cmpdi   %r8, 0                      /* OPAL only if both are known */
    beq     1f
    cmpdi   %r9, 0
    bne     2f
1:  li      %r8, 0
    li      %r9, 0
2:  LOAD_ADDR %r11, pnv_opal
    std     %r8, 0(%r11)
    std     %r9, 8(%r11)
    std     %r28, 16(%r11)
    LOAD_ADDR %r11, pnv_cpu_area        /* from now on every vector finds the save area */
    mtspr   SPR_HSPRG0, %r11
    b       boot_common                 /* common/boot.S: r3 = FDT */

/*
 * i64 opalCall(token, a0, a1, a2): call OPAL (skiboot's convention: r0 = token, r2 = OPAL
 * base, arguments from r3, call the entry; OPAL runs on its own stack and preserves the
 * ELFv2 non-volatile registers except r2, which we restore). Only when opalEntry() != 0.
 */
    .text
FUNC opalCall
    mflr    %r0
    std     %r0, 16(%r1)
    std     %r2, 24(%r1)
    stdu    %r1, -32(%r1)
    addis   %r11, %r2, pnv_opal@toc@ha
    addi    %r11, %r11, pnv_opal@toc@l
    ld      %r12, 8(%r11)
    mtctr   %r12
    mr      %r0, %r3
    mr      %r3, %r4
    mr      %r4, %r5
    mr      %r5, %r6
    ld      %r2, 0(%r11)
    bctrl
    addi    %r1, %r1, 32
    ld      %r2, 24(%r1)
    ld      %r0, 16(%r1)
    mtlr    %r0
    blr
ENDFUNC opalCall

/*
 * i64 opalCall5(token, a0, a1, a2, a3, a4): opalCall for calls with five arguments (the OPAL
 * flash calls: id, offset, buffer, size, token).
 */
FUNC opalCall5
    mflr    %r0
    std     %r0, 16(%r1)
    std     %r2, 24(%r1)
    stdu    %r1, -32(%r1)
    addis   %r11, %r2, pnv_opal@toc@ha
    addi    %r11, %r11, pnv_opal@toc@l
    ld      %r12, 8(%r11)
    mtctr   %r12
    mr      %r0, %r3
    mr      %r3, %r4
    mr      %r4, %r5
    mr      %r5, %r6
    mr      %r6, %r7
    mr      %r7, %r8
    ld      %r2, 0(%r11)
    bctrl
    addi    %r1, %r1, 32
    ld      %r2, 24(%r1)
    ld      %r0, 16(%r1)
    mtlr    %r0
    blr
ENDFUNC opalCall5

/* u64 opalEntry(): OPAL's entry point, 0 when booted without OPAL (-bios). */
FUNC opalEntry
    addis   %r11, %r2, (pnv_opal + 8)@toc@ha
    ld      %r3, (pnv_opal + 8)@toc@l(%r11)
    blr
ENDFUNC opalEntry

/*
 * u64 pnvLoadOffset(): where the loader ran the image, minus its link address: 0 for -bios
 * (or a loader that honoured p_vaddr), else the real address skiboot ran _head at.
 */
FUNC pnvLoadOffset
    addis   %r11, %r2, (pnv_opal + 16)@toc@ha
    ld      %r3, (pnv_opal + 16)@toc@l(%r11)
    blr
ENDFUNC pnvLoadOffset

/*
 * never pnvStopForever(): put this thread to sleep for good, for the wait after a power-off
 * request: `stop` (ISA 3.0; PSSCR as the firmware left it) halts the thread until a wake-up
 * event; there is none to come with MSR[EE] = 0, and if one comes, stop again. Spinning
 * instead would burn host CPU and make instruction counts depend on how fast QEMU's BMC
 * model acts on the request.
 */
FUNC pnvStopForever
1:  stop
    b       1b
ENDFUNC pnvStopForever

    .data
    .balign 8
pnv_opal:                               /* { u64 base, entry, load offset }: written at boot */
    .quad   0, 0, 0
pnv_boot_claim:                         /* -bios: 1 once a thread has claimed the boot */
    .long   0

    .section .note.GNU-stack, "", @progbits
