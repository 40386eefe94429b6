/**
 * The one cost table: every simulated overhead in vmlab is a number of
 * cycles from here, so every figure a chapter plots is the same on every
 * machine (ISA.md, "Time"). Wall-clock time only measures the simulator.
 *
 * The numbers are of the order reported for real hardware of the 2000s
 * (Adams and Agesen 2006, table 1: a VM exit/entry round trip of the first
 * VT-x parts cost ~1,500 cycles; a syscall trap some tens to hundreds).
 * Subsystems add their entries here, never a literal of their own.
 */
export const COSTS = {
  /** Every ordinary instruction. */
  instruction: 1,
  /** Extra for mul / div / rem. */
  multiply: 2,
  divide: 8,
  /** Taking a trap or interrupt: saving pc and mode, vectoring. */
  trap: 20,
  /** Return from trap. */
  rett: 10,
  /** One memory reference of a hardware page-table walk. */
  pageWalkReference: 10,
  /** TLB management instructions (tlbw, tlbinv, tlbflush). */
  tlbOp: 4,
  /** A device register access through MMIO. */
  deviceAccess: 20,
  /** Moving one 512-byte disk sector by DMA. */
  diskSectorTransfer: 400,
  /** Seek and rotation before a disk request starts transferring. */
  diskLatency: 2_000,
  /** Moving one byte over the NIC (wire time, DMA included). */
  netByte: 1,
  /** One VM exit and re-entry under hardware assist (VMX round trip). */
  vmExit: 1_500,
  /** Saving one VCPU and restoring another (a world switch). */
  worldSwitch: 2_000,
  /** A hypercall from a paravirtual guest into the hypervisor. */
  hypercall: 300,
  /**
   * Trap-and-emulate: decoding and emulating one privileged instruction on
   * a VCPU in software, after its trap (Adams and Agesen 2006, section 2:
   * a trap-and-emulate round trip costs hundreds of cycles more than the
   * native instruction).
   */
  emulateInstruction: 150,
  /** Reflecting a trap to the guest kernel's vector (virtual trap entry). */
  reflectTrap: 100,
  /** A hidden page fault: walking the guest's table and filling a shadow entry. */
  shadowFill: 200,
  /** Binary translation: translating one guest instruction into the cache. */
  translateInstruction: 40,
  /** A translated sensitive instruction's call into the hypervisor (no trap). */
  translatedCallout: 20,
} as const;

export type CostName = keyof typeof COSTS;
