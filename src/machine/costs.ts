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
   * The paravirtual disk backend taking one request off a DISK_START
   * hypercall (validating it and queueing it on the VM's disk), beyond
   * the hypercall itself: Xen's blkback reading a blkif request.
   */
  pvDiskRequest: 200,
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
  /**
   * Shadow paging: dropping one shadow entry whose guest entry changed,
   * found through the reverse map (Adams and Agesen 2006, 2.4 "tracing").
   */
  shadowInvalidate: 30,
  /** Shadow paging: a new context, two shadow directories allocated and zeroed. */
  shadowRebuild: 400,
  /**
   * Disco's software TLB (src/memory/software-tlb.ts): the VMM refilling
   * the real TLB itself after a real TLB miss, beyond the trap: a lookup
   * (the pmap for the guest's kseg0, the guest's TLB, the second-level
   * TLB) and a TLB write. Bugnion et al. 1997, 4.2.2: the L2 TLB exists
   * because this is far cheaper than running the guest's miss handler.
   */
  softwareTlbRefill: 40,
  /** Paravirtual MMU_UPDATE: validating and applying one (ptr, val) request. */
  mmuUpdateEntry: 30,
  /** Binary translation: translating one guest instruction into the cache. */
  translateInstruction: 40,
  /** A translated sensitive instruction's call into the hypervisor (no trap). */
  translatedCallout: 20,
  /**
   * A request and its answer between two hosts of a data centre, beyond
   * the bytes' own time on the link: post-copy migration's demand fault
   * waits this long for its page (Hines and Gopalan 2009 measure faults
   * of tens of microseconds over gigabit Ethernet): 20 us at CLOCK_HZ.
   */
  networkRoundTrip: 20_000,
  /**
   * Xen's blkback taking one blkif request off its ring (src/io/blkback.ts):
   * copying the 112-byte entry, validating it, queueing it for the
   * elevator. The same work as pvDiskRequest, without a hypercall per request.
   */
  blkbackRequest: 200,
  /**
   * Head travel of a block backend's disk model (src/io/blkback.ts), per
   * MiB between the end of one request and the start of the next, beyond
   * diskLatency: what an elevator saves by sweeping (the machine's own
   * DMA disk charges diskLatency alone).
   */
  diskSeekPerMiB: 400,
  /** One grant-table operation (GNTTABOP_map_grant_ref or a GNTTABOP_copy of one segment). */
  grantOp: 60,
  /**
   * An event-channel upcall into a paravirtual guest: Xen setting up the
   * guest's callback frame (the virtual interrupt), beyond the guest's code.
   */
  eventUpcall: 100,
  /**
   * Memory overcommitment (src/memory/overcommit, chapter 05; Waldspurger
   * 2002). Hashing one 4 KiB page for the sharing scanner (a word at a
   * time, 1,024 words), comparing two pages in full on a hash match, and
   * copying one when a write breaks copy-on-write sharing.
   */
  pageHash: 1_024,
  pageCompare: 1_024,
  pageCopy: 1_024,
  /**
   * The hypervisor taking a fault on a guest-physical page it does not
   * back (on-demand backing, a swapped page, a write to a shared page):
   * the exit and the lookup, beyond any disk or copy work.
   */
  hypervisorPageFault: 1_500,
  /** The guest kernel's own page fault: its handler, LRU bookkeeping and page-table update. */
  guestPageFault: 500,
  /** The balloon driver pinning one page and reporting its frame number (amortized hypercall or register write). */
  balloonPage: 100,
} as const;

export type CostName = keyof typeof COSTS;

/**
 * The clock rate: cycles per simulated second. One billion, so a cycle is
 * a nanosecond, the order of the CPUs the table's costs come from (Adams
 * and Agesen 2006 measured on Pentium 4 parts of 3.6-3.8 GHz). It turns
 * cycle counts into simulated time and rates for every figure that speaks
 * of seconds (ISA.md, "Time": the figures stay the same on every machine;
 * wall-clock time only measures the simulator).
 */
export const CLOCK_HZ = 1_000_000_000;

/** Simulated seconds that `cycles` take at CLOCK_HZ. */
export function simulatedSeconds(cycles: number): number {
  if (!Number.isFinite(cycles) || cycles < 0) throw new RangeError(`simulatedSeconds: cycles must be a finite number >= 0, not ${cycles}`);
  return cycles / CLOCK_HZ;
}

/** A rate in simulated time: `count` events over `cycles` cycles, per simulated second. */
export function perSimulatedSecond(count: number, cycles: number): number {
  if (!Number.isFinite(count) || count < 0) throw new RangeError(`perSimulatedSecond: count must be a finite number >= 0, not ${count}`);
  if (!Number.isFinite(cycles) || cycles <= 0) throw new RangeError(`perSimulatedSecond: cycles must be a finite number > 0, not ${cycles}`);
  return count / simulatedSeconds(cycles);
}

const TIME_UNITS: readonly (readonly [string, number])[] = [["s", 1], ["ms", 1e-3], ["µs", 1e-6], ["ns", 1e-9]];

/** `cycles` as simulated time for a label: "2.5 µs", "1.2 ms", "3 s" (three significant digits). */
export function formatSimulatedTime(cycles: number): string {
  const seconds = simulatedSeconds(cycles);
  const [unit, scale] = TIME_UNITS.find(([, s]) => seconds >= s) ?? TIME_UNITS[TIME_UNITS.length - 1];
  return `${Number((seconds / scale).toPrecision(3))} ${unit}`;
}
