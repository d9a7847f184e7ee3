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
/** Short platform name for the console banner ("pseries", "powernv"). */
export declare function platformName(): string;

/** Write `length` bytes of `bytes` to the machine console (blocking, no translation). */
export declare function consoleWrite(bytes: Uint8Array, length: number): void;

/**
 * Power the machine off. `status` 0 means every partition halted normally: QEMU must exit 0.
 * Non-zero means a hypervisor panic: pseries uses ibm,os-term (QEMU exits 1 with
 * -action panic=exit-failure); powernv prints a console marker first, as it cannot carry a code.
 */
export declare function powerOff(status: number): never;

