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
 * The vCPU's registers are not here: the exit path stores them straight into the running
 * Vcpu object (lpar/vcpu.ts, field offsets in the generated vcpu-offsets.h), and enterGuest
 * loads them from it. The area holds what the assembly needs around that:
 *
 *   the run          which Vcpu (and its GPR array, and its Partition for the hcall fast
 *                    path) and the LPIDR, LPCR and HDEC to enter it with
 *   exit scratch     the guest registers the exit path frees before it knows the Vcpu, the
 *                    vector, and the interrupted NIP and MSR
 *   hypervisor       the caller of enterGuest (non-volatile registers, LR, CR, MSR), put back
 *                    before enterGuest "returns" from the exit vector
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
/** Come-from address register: read in the vector stub, before any branch changes it. */
export const SPR_CFAR = 28;
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

// ---- the run ----------------------------------------------------------------------------
/** The Vcpu object being run (its fields at the VCPU_* offsets). */
export const SA_VCPU = 0;
/** The real address of that Vcpu's r0..r31 (the data of its `gpr` array). */
export const SA_VCPU_GPRS = SA_VCPU + SA_SLOT;
/** The Partition of that Vcpu: the argument of the hcall fast path (hv/main.ts hvHcallFastPath). */
export const SA_PARTITION = SA_VCPU_GPRS + SA_SLOT;
/** The partition's LPID: LPIDR while the guest runs. */
export const SA_LPIDR = SA_PARTITION + SA_SLOT;
/** LPCR while the guest runs. */
export const SA_LPCR = SA_LPIDR + SA_SLOT;
/** HDEC value loaded just before hrfid: the guest runs until it goes negative. */
export const SA_HDEC = SA_LPCR + SA_SLOT;
/** LPCR of the hypervisor, put back when a run ends. */
export const SA_HV_LPCR = SA_HDEC + SA_SLOT;

// ---- exit scratch -----------------------------------------------------------------------
/** The guest's r9..r12 while the exit path uses those registers (r13 is in HSPRG1). */
export const SA_SCRATCH_R9 = SA_HV_LPCR + SA_SLOT;
export const SA_SCRATCH_R10 = SA_SCRATCH_R9 + SA_SLOT;
export const SA_SCRATCH_R11 = SA_SCRATCH_R10 + SA_SLOT;
export const SA_SCRATCH_R12 = SA_SCRATCH_R11 + SA_SLOT;
/** The interrupt vector that ended the run (enterGuest's return value). */
export const SA_VECTOR = SA_SCRATCH_R12 + SA_SLOT;
/** The interrupted NIP and MSR ((H)SRR0/1), for the report of an interrupt of the hypervisor. */
export const SA_NIP = SA_VECTOR + SA_SLOT;
export const SA_MSR = SA_NIP + SA_SLOT;

// ---- hypervisor -------------------------------------------------------------------------
/** The caller's r(n) at SA_HV_GPR + 8 * n (r1, r2, r13 and r14..r31 are kept). */
export const SA_HV_GPR = SA_MSR + SA_SLOT;
export const SA_HV_LR = SA_HV_GPR + 32 * SA_SLOT;
export const SA_HV_CR = SA_HV_LR + SA_SLOT;
export const SA_HV_MSR = SA_HV_CR + SA_SLOT;
/** Non-zero once an interrupt of the hypervisor itself is being reported (no second report). */
export const SA_IN_PANIC = SA_HV_MSR + SA_SLOT;

/** Size of the area, a multiple of the 128-byte cache line. */
export const SA_BYTES = (SA_IN_PANIC + SA_SLOT + 127) & ~127;
