/*
 * Guarded accesses of the test partitions (vectors.S): between GUARD_ON and GUARD_OFF, an
 * interrupt the partition takes in privileged state (facility unavailable, a program
 * interrupt for a refused SPR) does not stop it: the vector resumes at `resume` with r3 = 0
 * and records the vector for guardVector(). Clobbers r11, r12 (and, if refused, r3, r10).
 */
#ifndef TSHYPE_GUEST_GUARD_H
#define TSHYPE_GUEST_GUARD_H

#define GUARD_RESUME    0
#define GUARD_VECTOR    8

.macro GUARD_ON resume
        LOAD_ADDR %r12, guard
        LOAD_ADDR %r11, \resume
        std     %r11, GUARD_RESUME(%r12)
        li      %r11, 0
        std     %r11, GUARD_VECTOR(%r12)
.endm

.macro GUARD_OFF
        LOAD_ADDR %r12, guard
        li      %r11, 0
        std     %r11, GUARD_RESUME(%r12)
.endm

#endif
