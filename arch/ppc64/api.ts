/**
 * The platform interface: everything the portable hypervisor (hv/, lpar/, hcalls/) asks of the
 * machine. Imported as "@platform". Each build resolves that name to one implementation:
 *
 *   natively   arch/ppc64/pseries/platform.ts   (QEMU pseries -bios, nested KVM-HV API)
 *              arch/ppc64/powernv/platform.ts   (powernv -bios or skiboot payload, real HV mode)
 *   in Node    test/fake/platform.ts            (unit tests)
 *
 * This file only declares the contract for the type checker (tsconfig maps "@platform" here);
 * test/unit/platform-api.test.ts checks at compile time that every implementation matches it.
 */
import type { u64 } from 'tsnc';
import type { Partition } from '../../lpar/partition';
import type { Vcpu } from '../../lpar/vcpu';
/** Short platform name for the console banner ("pseries", "powernv"). */
export declare function platformName(): string;

/**
 * Start what the platform's firmware offers the hypervisor and say so in `[hv] ` lines; called
 * once, after the banner. powernv booted by skiboot from flash: the build version, the
 * payload's SHA-512, and the persistent state in the flash (the boot counted in it).
 * Otherwise nothing is done or printed.
 */
export declare function firmwareStartup(): void;

/** Write `length` bytes of `bytes` to the machine console (blocking, no translation). */
export declare function consoleWrite(bytes: Uint8Array, length: number): void;

/**
 * Power the machine off. `status` 0 means every partition halted normally: QEMU must exit 0.
 * Non-zero means a hypervisor panic: pseries uses ibm,os-term (QEMU exits 1 with
 * -action panic=exit-failure); powernv prints a console marker first, as it cannot carry a code.
 */
export declare function powerOff(status: number): never;

/**
 * Read the platform's real-time clock (UTC) into out[0..5]: year, month (1..12), day, hour,
 * minute, second, as the clock reports them (the caller validates the date). False when the
 * platform has no clock it can read (none present, or it did not answer); `out` means nothing then.
 */
export declare function readPlatformClock(out: Int32Array): boolean;

/**
 * Prepare the machine for running partitions (the partition table). Call once, after the page
 * pool is set up. False if the platform cannot run partitions (then nothing can be started).
 */
export declare function initPartitioning(): boolean;

/**
 * Give partition `p` its partition-scoped translation: logical [0, memSize) to real
 * [memBase, memBase + memSize), and an empty grant window (arch/ppc64/radix.ts
 * GRANT_WINDOW_BASE), nothing else. Built in the pages its LPID's previous tree gave back
 * (arch/ppc64/radix.ts), so preparing and clearing slots repeatedly does not grow the page
 * pool. False if out of page-table memory.
 */
export declare function preparePartition(p: Partition): boolean;

/**
 * The opposite of preparePartition, for a partition being destroyed (before its memory is
 * scrubbed and reused): its LPID's partition-table entry made invalid, every cached
 * translation of the LPID discarded, and its page-table pages given back to the pool. The
 * partition must not be running; preparePartition makes it runnable again.
 */
export declare function clearPartition(p: Partition): void;

/**
 * Map page `index` (0 .. GRANT_WINDOW_PAGES - 1) of `p`'s grant window, logical
 * GRANT_WINDOW_BASE + index * 4 KiB, to the 4 KiB real page at `real`: readable, writable only
 * if `writable`, never executable; then discard `p`'s cached translations (powernv: tlbie by
 * LPID; pseries: H_TLB_INVALIDATE to L0). False, nothing changed, when `p` was not prepared or
 * `index` is outside the window. The caller (lpar/grant.ts) has checked that `real` was granted.
 */
export declare function mapGrantPage(p: Partition, index: number, real: u64, writable: boolean): boolean;

/**
 * Unmap page `index` of `p`'s grant window and discard `p`'s cached translations: once this
 * returns, `p` can no longer reach the page that was mapped there. False as mapGrantPage.
 */
export declare function unmapGrantPage(p: Partition, index: number): boolean;

/**
 * Run `p`'s vCPU p.current from its state (lpar/vcpu.ts) until it must come back to the scheduler or
 * `ticks` timebase ticks pass. The platform keeps the Vcpu the owner of every register the
 * partition can observe: its entry/exit registers are current in the Vcpu when this returns,
 * its switched state (FP/VMX/VSX, most SPRs) is exchanged whenever the processor changes vCPU,
 * and no value of one vCPU is ever visible to another. An hcall may be dispatched on the
 * platform's fast path (the portable hypervisor's hvHcallFastPath, hv/main.ts) without
 * returning; it returns after an hcall only when that hook says the vCPU must stop, with
 * Exit.HcallHandled. Otherwise it returns the interrupt vector that ended the run
 * (arch/ppc64/exit.ts: 0xc00 hcall, 0x980 HDEC, 0xe00 HDSI, 0xe40 emulation assist, …), or a
 * negative number when the platform could not enter the partition.
 */
export declare function runVcpu(p: Partition, ticks: u64): number;

/**
 * Service an interrupt that brought the processor back to the hypervisor while a partition ran
 * and that is the hypervisor's, not the partition's: an external or hypervisor virtualization
 * interrupt (vector 0x500, 0xea0) is acknowledged at the interrupt controller that raised it
 * (and, as no device is routed to the hypervisor yet, ended there); a hypervisor maintenance
 * interrupt (0xe60) is handled and its cause cleared; a hypervisor doorbell (0xe80) is cleared.
 * Returns what the source reported, for the log (the interrupt source, the HMER bits; 0 when
 * nothing was pending). The partition then resumes: none of these is its doing.
 */
export declare function serviceInterrupt(vector: number): u64;

/**
 * Make `v`'s Vcpu the only copy of its switched state (lpar/vcpu.ts): if the processor holds
 * it, save it into the Vcpu; the next entry loads it from there. For a handler that reads or
 * changes a switched register (SPRG0, the data breakpoint).
 */
export declare function syncVcpu(v: Vcpu): void;

/**
 * The timebase value at which `v`'s decrementer goes negative (raising its decrementer
 * interrupt), wherever its DEC currently lives (the processor or the Vcpu).
 */
export declare function decExpiry(v: Vcpu): u64;

/**
 * One byte typed on the machine's console, or -1 when none is waiting. Never blocks.
 */
export declare function consoleRead(): number;

/**
 * Whether a partition may have its interrupts relocated (H_SET_MODE alternate interrupt
 * location 3, LPCR[AIL] = 3). On POWER9 under radix the processor then also relocates the
 * hypervisor's own interrupts from the partition (Power ISA 3.0; QEMU 7.2
 * excp_helper.c ppc_excp_apply_ail), which tshype's real-mode vectors do not take: false there.
 */
export declare function guestAilSupported(): boolean;

/**
 * Whether the platform runs partitions in HPT mode (hashed page tables, PartitionConfig.hpt).
 * powernv: yes (LPCR[HR] = 0 per partition, its HPT in the partition table). pseries: no, QEMU
 * 7.2's nested KVM-HV API runs radix L2 guests only; the boot refuses such a configuration.
 */
export declare function hashPartitionsSupported(): boolean;

/**
 * Bytes of non-volatile store the platform gives the hypervisor (lpar/nvstore.ts lays slots out
 * in it), a multiple of 4096; 0 when there is none. pseries: QEMU's spapr-nvram (RTAS
 * nvram-fetch/nvram-store), as large as the file given with `-drive if=pflash` (a volatile
 * 64 KiB without one). powernv under skiboot: the PNOR's TSHYPE_VTPM partition (OPAL flash
 * calls). powernv -bios: none. The first call finds the store; later calls answer at once.
 */
export declare function nvSize(): number;

/** What the store is, for the console ("pseries NVRAM", "PNOR TSHYPE_VTPM"); "" when none. */
export declare function nvStoreName(): string;

/**
 * Read store bytes [offset, offset + length) into out[0..length). False when the store failed
 * or the range is not inside it (`out` means nothing then).
 */
export declare function nvRead(offset: number, out: Uint8Array, length: number): boolean;

/**
 * Write src[0..length) at store offset `offset` (a multiple of 4096). The store's bytes from
 * offset + length to the next multiple of 4096 may be lost (erased flash). True once the
 * platform reports the bytes written; false when it failed (the range's contents are then
 * unknown: anything from old to new, byte by byte or block by block) or the range is not inside.
 */
export declare function nvWrite(offset: number, src: Uint8Array, length: number): boolean;
