/*
 * What the HPT test partition (lpar/guests/hpttest.ts) needs of the processor: its own SLB
 * entries, and single data accesses with data relocation on (MSR[DR] = 1), so that a load or
 * store goes through its SLB and the partition's hashed page table while the rest of the
 * program runs in real mode (through the hypervisor's VRMA). Each access is guarded
 * (guard.h): a data storage or segment interrupt abandons it, the routine returns 0 and
 * guardVector() names the vector (0x300, 0x380). Nothing is touched on the stack or in memory
 * while MSR[DR] is 1 but the one access (GUARD_ON/GUARD_OFF store while it is 0).
 */
#include "../common/asm.h"
#include "guard.h"

        .abiversion 2
        .text

/* void hptSlbSet(rs, rb): slbmte rs, rb as given (rb = ESID | V | index; rs = VSID word with
 * B, Ks/Kp, L and LP): the caller builds both. */
FUNC hptSlbSet
        GUARD_ON .Lslb_set_done
        slbmte  %r3, %r4
        isync
.Lslb_set_done:
        GUARD_OFF
        blr
ENDFUNC hptSlbSet

/* u64 hptLoad(ea): the doubleword at effective address `ea`, translated (MSR[DR] = 1). */
FUNC hptLoad
        mr      %r9, %r3
        li      %r3, 0
        mfmsr   %r5
        ori     %r6, %r5, MSR_DR
        GUARD_ON .Lhpt_load_done
        mtmsrd  %r6
        isync
        ld      %r3, 0(%r9)
.Lhpt_load_done:
        mtmsrd  %r5
        isync
        GUARD_OFF
        blr
ENDFUNC hptLoad

/* void hptStore(ea, value): store the doubleword at effective address `ea`, translated. */
FUNC hptStore
        mr      %r9, %r3
        mfmsr   %r5
        ori     %r6, %r5, MSR_DR
        GUARD_ON .Lhpt_store_done
        mtmsrd  %r6
        isync
        std     %r4, 0(%r9)
.Lhpt_store_done:
        mtmsrd  %r5
        isync
        GUARD_OFF
        blr
ENDFUNC hptStore
