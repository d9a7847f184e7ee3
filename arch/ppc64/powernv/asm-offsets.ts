/**
 * The layout of the per-CPU save area: the one place it is defined. partition.ts reads and
 * writes the area through these byte offsets; the assembly (switch.S, vectors.S) includes
 * them as `asm-offsets.h`, which scripts/gen-asm-offsets.ts generates from this file at
 * build time (scripts/build-image.sh: one `#define NAME value` per exported constant).
 * So a field is added or moved here, and nowhere else.
 *
 * Every slot is a doubleword (big-endian, as the hardware stores it). The area of the
 * running CPU is also in HSPRG0 from the first instruction on (entry.S), so an interrupt
 * vector finds it without using a register.
 *
 *   guest state      what the vCPU runs with: written before enterGuest, read after it;
 *                    the GPRs stay in the vCPU's own array (lpar/vcpu.ts Vcpu.gpr), which
 *                    the assembly loads from and saves to directly through SA_GPRS
 *   entry controls   LPIDR, LPCR and HDEC for this entry
 *   exit             the vector, and what the hardware reports about the exit
 *   hypervisor       the caller of enterGuest (non-volatile registers, LR, CR, MSR, LPCR),
 *                    put back before enterGuest "returns" from the exit vector
 *
 * The SPR numbers that both sides use are here too, for the same reason.
 *
 * Only plain `export const NAME = <number>` declarations belong here (the generator emits
 * every exported number, and nothing else).
 */

// ---- SPR numbers (Power ISA 3.0/3.1 Book III) ----------------------------------------------
export const SPR_DSISR = 18;
export const SPR_DAR = 19;
export const SPR_DEC = 22;
export const SPR_PIDR = 48;
export const SPR_HFSCR = 190;
/** SPRG0..SPRG3: SPRG(n) is SPR_SPRG0 + n. */
export const SPR_SPRG0 = 272;
/** Hypervisor scratch: HSPRG0 holds the CPU's save area, HSPRG1 the guest r13 in a vector. */
export const SPR_HSPRG0 = 304;
export const SPR_HSPRG1 = 305;
export const SPR_HDSISR = 306;
export const SPR_HDAR = 307;
export const SPR_HDEC = 310;
export const SPR_HRMOR = 313;
export const SPR_HSRR0 = 314;
export const SPR_HSRR1 = 315;
export const SPR_LPCR = 318;
export const SPR_LPIDR = 319;
export const SPR_PCR = 338;
export const SPR_HEIR = 339;
export const SPR_AMOR = 349;
export const SPR_PTCR = 464;
export const SPR_ASDR = 816;

/** Bytes per slot. */
export const SA_SLOT = 8;

// ---- guest state ------------------------------------------------------------------------
/** Real address of the guest's r0..r31 (32 doublewords, r(n) at + 8 * n): the vCPU's array. */
export const SA_GPRS = 0;
/** The exit path's first two scratch registers: the guest's r11 and r12 until moved to SA_GPRS. */
export const SA_SCRATCH_R11 = SA_GPRS + SA_SLOT;
export const SA_SCRATCH_R12 = SA_SCRATCH_R11 + SA_SLOT;
/** Where the guest resumes: HSRR0 on entry; (H)SRR0 of the exit. */
export const SA_NIP = SA_SCRATCH_R12 + SA_SLOT;
/** Guest MSR: HSRR1 on entry; (H)SRR1 of the exit. */
export const SA_MSR = SA_NIP + SA_SLOT;
export const SA_LR = SA_MSR + SA_SLOT;
export const SA_CTR = SA_LR + SA_SLOT;
/** CR in the low 32 bits. */
export const SA_CR = SA_CTR + SA_SLOT;
export const SA_XER = SA_CR + SA_SLOT;
/** The guest's own SRR0/SRR1 (after a `sc 1` exit: the return address and MSR of the sc). */
export const SA_SRR0 = SA_XER + SA_SLOT;
export const SA_SRR1 = SA_SRR0 + SA_SLOT;
/** SPRG0..SPRG3: SPRG(n) at SA_SPRG0 + 8 * n. */
export const SA_SPRG0 = SA_SRR1 + SA_SLOT;
export const SA_DAR = SA_SPRG0 + 4 * SA_SLOT;
export const SA_DSISR = SA_DAR + SA_SLOT;
/** Process ID register (process-scoped radix translation). */
export const SA_PIDR = SA_DSISR + SA_SLOT;
/** Guest decrementer. */
export const SA_DEC = SA_PIDR + SA_SLOT;

// ---- entry controls ---------------------------------------------------------------------
/** The partition's LPID: LPIDR while the guest runs. */
export const SA_LPIDR = SA_DEC + SA_SLOT;
/** LPCR while the guest runs. */
export const SA_LPCR = SA_LPIDR + SA_SLOT;
/** HDEC value loaded just before hrfid: the guest runs until it goes negative. */
export const SA_HDEC = SA_LPCR + SA_SLOT;

// ---- exit --------------------------------------------------------------------------------
/** The interrupt vector that ended the run (also enterGuest's return value). */
export const SA_VECTOR = SA_HDEC + SA_SLOT;
/** HDAR, HDSISR, ASDR (storage exits) and HEIR (emulation assistance), as the exit left them. */
export const SA_HDAR = SA_VECTOR + SA_SLOT;
export const SA_HDSISR = SA_HDAR + SA_SLOT;
export const SA_ASDR = SA_HDSISR + SA_SLOT;
export const SA_HEIR = SA_ASDR + SA_SLOT;

// ---- hypervisor -------------------------------------------------------------------------
/** The caller's r(n) at SA_HV_GPR + 8 * n (r1, r2, r13 and r14..r31 are kept). */
export const SA_HV_GPR = SA_HEIR + SA_SLOT;
export const SA_HV_LR = SA_HV_GPR + 32 * SA_SLOT;
export const SA_HV_CR = SA_HV_LR + SA_SLOT;
export const SA_HV_MSR = SA_HV_CR + SA_SLOT;
export const SA_HV_LPCR = SA_HV_MSR + SA_SLOT;
/** Non-zero once an interrupt of the hypervisor itself is being reported (no second report). */
export const SA_IN_PANIC = SA_HV_LPCR + SA_SLOT;

/** Size of the area, a multiple of the 128-byte cache line. */
export const SA_BYTES = (SA_IN_PANIC + SA_SLOT + 127) & ~127;
