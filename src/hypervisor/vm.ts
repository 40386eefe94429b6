/**
 * A virtual machine: its resources and its lifecycle (Silberschatz
 * ch. 16.4: "the VMM creates the virtual machine, ... allocates memory,
 * virtual CPUs, devices; the guest can be paused, resumed, destroyed").
 *
 *            create            start
 *   (none) --------> created --------> running <------+
 *                                     |   ^  |        | resume
 *                              pause  |   |  +--> paused
 *                                     v   |
 *                   halted / terminated / out-of-budget   (guest ended)
 *                                     |
 *                           destroy   v   (from any state)
 *                                 destroyed: memory returned, VCPU dropped
 *
 * A VM's memory is one contiguous region of machine memory, given to it by
 * the hypervisor's allocator (src/memory/allocator.ts); its pmap
 * (src/memory/pmap.ts) says where each guest-physical address lives. Its
 * devices are a console (the bytes the guest stored to CONSOLE_TX,
 * collected per VM), a disk (its own copy of config.disk) and its virtual
 * timer.
 */
import { CAUSE, CSR } from "../machine/isa";
import type { PhysicalMemory } from "../machine/memory";
import type { GuestAddressSpace } from "../memory/guest-walk";
import { Pmap } from "../memory/pmap";
import { emptySoftwareTlbStats, type SoftwareTlbStats } from "../memory/software-tlb";
import { Vcpu } from "./vcpu";
import type { BlockDevice } from "../machine/devices/block";
import type { DirtyLog } from "../memory/dirty-log";
import type { RemotePages } from "../memory/remote-pages";
import type { ExitCounts } from "./exits";
import type { TlbState } from "../machine/tlb";
import { VirtualDevices } from "./virtual-devices";

export type VmState =
  | "created"
  | "running"
  | "paused"
  | "halted"
  | "terminated"
  | "out-of-budget"
  | "destroyed";

/** The states in which a VM has ended and will never run again. */
export const ENDED: ReadonlySet<VmState> = new Set<VmState>(["halted", "terminated", "out-of-budget", "destroyed"]);

export interface VmStats {
  /** Machine cycles this VM consumed, virtualization overheads included. */
  cycles: number;
  /** Traps the hypervisor took on this VM's behalf. */
  traps: number;
  /** Privileged instructions emulated on the VCPU. */
  emulated: number;
  /** Traps and interrupts reflected to the guest kernel's TVEC. */
  reflected: number;
  /** Page faults the guest never saw: shadow page-table fills. */
  hiddenFaults: number;
  /** Guest stores to its own page tables, trapped and emulated (shadow paging's tracing). */
  writeProtectTraps: number;
  /** Device registers accessed through emulation. */
  deviceAccesses: number;
  /** Hypercalls (paravirtual guests). */
  hypercalls: number;
  /** VM exits by reason (hardware assist). */
  exits: ExitCounts;
  /** World switches onto this VM. */
  worldSwitches: number;
  /** Disco's software TLB (a software-tlb machine): real misses, L2 TLB hits and misses, reflected misses. */
  softwareTlb: SoftwareTlbStats;
  /**
   * Cycles the VM's clock skipped while it waited with nothing due (wfi, a
   * paravirtual BLOCK): time the guest spent idle, as bare metal's wfi
   * spends it, but no machine cycles of this VM's (the CPU is free then).
   */
  idleCycles: number;
}

export function emptyStats(): VmStats {
  return {
    cycles: 0, traps: 0, emulated: 0, reflected: 0, hiddenFaults: 0, writeProtectTraps: 0,
    deviceAccesses: 0, hypercalls: 0, exits: {}, worldSwitches: 0, softwareTlb: emptySoftwareTlbStats(), idleCycles: 0,
  };
}

export interface VmConfig {
  /** Shown in traces and reports. */
  readonly name: string;
  /** Guest-physical memory size in bytes (a multiple of 4096). */
  readonly memorySize: number;
  /** The guest's image, loaded at guest-physical 0. */
  readonly image: Uint8Array;
  /** Stop the VM after this many cycles of its own (default: no limit). */
  readonly cycleBudget?: number;
  /** A paravirtual guest: its `hcall`s are hypercalls. */
  readonly paravirtual?: boolean;
  /** The VM's disk: initial contents (a copy is made), or a block device used in place (a qcow2 image); the VM's disk is vm.devices.disk. */
  readonly disk?: Uint8Array | BlockDevice;
}

export class Vm {
  state: VmState = "created";
  readonly vcpu: Vcpu;
  readonly stats: VmStats = emptyStats();
  readonly devices: VirtualDevices;
  /** Exit code from `halt` (a0), or undefined. */
  exitCode: number | undefined;
  /** Why the VM was terminated, if it was. */
  reason = "";
  /** Paravirtual trap handlers by CAUSE (0 = the default handler). */
  readonly trapTable = new Map<number, number>();
  /** Paravirtual: guest-physical address of the trap frame (-1 = none registered). */
  trapFrame = -1;
  /** Where its guest-physical memory lives in machine memory. */
  readonly pmap: Pmap;
  /** The guest's address space as src/memory's walkers see it: pmap, paging, PTBR. */
  readonly addressSpace: GuestAddressSpace;
  /** Present while the hypervisor logs the pages this VM writes (pre-copy migration; src/memory/dirty-log.ts). */
  dirtyLog: DirtyLog | undefined;
  /** A resumed VM's TLBs (machine terms), loaded at its first switch-in (Hypervisor.restoreDerived). */
  resumeTlbs: { real?: TlbState; nested?: TlbState } | undefined;
  /** Post-copy migration on the target: the pages still at the source (src/memory/remote-pages.ts). */
  remote: RemotePages | undefined;

  constructor(
    readonly id: number,
    readonly config: VmConfig,
    /** Machine address of guest-physical 0. */
    readonly base: number,
    memory: PhysicalMemory,
  ) {
    const vcpu = new Vcpu(id);
    this.vcpu = vcpu;
    const pmap = new Pmap(base, config.memorySize);
    this.pmap = pmap;
    const vm = this;
    this.addressSpace = {
      pmap,
      get pagingEnabled() { return vcpu.pagingEnabled; },
      get ptbr() { return vcpu.csr[CSR.PTBR]; },
      get dirtyLog() { return vm.dirtyLog; },
    };
    const region = { base, size: config.memorySize };
    const dmaWritten = (gpa: number, length: number): void => this.dirtyLog?.markRange(gpa, length);
    const dmaTouched = (gpa: number, length: number): void => {
      const page = this.remote?.firstAbsent(gpa, length) ?? -1;
      if (page >= 0) this.terminate(`post-copy: a device's DMA reached guest page ${page}, still at the source (only the VCPU's faults fetch pages)`);
    };
    this.devices = new VirtualDevices(memory, region, () => vcpu.cycles, (cause) => vcpu.raise(cause), config.disk, dmaWritten, dmaTouched);
  }

  /** Everything the guest printed on its console. */
  get console(): string {
    return this.devices.console.output;
  }

  get name(): string {
    return this.config.name;
  }

  get memorySize(): number {
    return this.config.memorySize;
  }

  get ended(): boolean {
    const s = this.state;
    return s !== "running" && s !== "paused" && s !== "created";
  }

  /** True if [gpa, gpa+length) lies inside this VM's guest-physical memory. */
  contains(gpa: number, length = 1): boolean {
    return this.pmap.contains(gpa, length);
  }

  /** Machine address of a guest-physical one (callers check `contains`). */
  machineAddress(gpa: number): number {
    return this.pmap.machine(gpa);
  }

  /** What is due on the VM's clock now (the virtual timer, device requests) becomes pending. */
  collectDue(): void {
    const vcpu = this.vcpu;
    this.devices.fireDue();
    if (vcpu.cycles >= vcpu.timerDeadline) {
      vcpu.raise(CAUSE.TIMER);
      const period = vcpu.csr[CSR.TIMER];
      vcpu.timerDeadline = period === 0 ? Infinity : vcpu.timerDeadline + period * (Math.floor((vcpu.cycles - vcpu.timerDeadline) / period) + 1);
    }
  }

  /** Guest cycle at which something can next happen without an instruction (timer, device). */
  get nextWakeup(): number {
    return Math.min(this.vcpu.timerDeadline, this.devices.nextEvent);
  }

  halt(code: number): void {
    this.state = "halted";
    this.exitCode = code;
  }

  terminate(reason: string): void {
    this.state = "terminated";
    this.reason = reason;
  }
}
