/**
 * Why a vCPU stopped running and came back to the hypervisor: the interrupt vector that ended
 * its run (Power ISA 3.0/3.1 Book III, "Interrupt Definitions"), as the platform's runVcpu
 * returns it (arch/ppc64/api.ts), plus one value of tshype's own (HcallHandled).
 */
export const enum Exit {
  /** `sc 1`: an hcall, opcode in r3. */
  Hcall = 0xc00,
  /** An hcall the platform already dispatched on its fast path; the vCPU must be rescheduled. */
  HcallHandled = 0xc01,
  /** The hypervisor decrementer expired: the time slice is over. */
  Hdec = 0x980,
  /** An external interrupt directed to the hypervisor (LPCR[LPES] = 0). */
  External = 0x500,
  /** Hypervisor data storage: a guest access outside its partition-scoped mapping. */
  Hdsi = 0xe00,
  /** Hypervisor instruction storage. */
  Hisi = 0xe20,
  /** Hypervisor emulation assistance: an illegal or privileged-only instruction. */
  Hemu = 0xe40,
  /** Hypervisor maintenance interrupt (a hardware event for the hypervisor, not the partition). */
  Hmi = 0xe60,
  /** Hypervisor doorbell (msgsnd from another thread). */
  HvDoorbell = 0xe80,
  /** Hypervisor virtualization interrupt (XIVE: an interrupt for the hypervisor). */
  HvVirtualization = 0xea0,
  /** Hypervisor facility unavailable: the guest used a facility HFSCR does not give it. */
  HvFacility = 0xf80,
  /** Machine check. */
  MachineCheck = 0x200,
}

