/**
 * The physical machine under the hypervisor: toy32's own CPU, MMU, TLB and
 * memory (src/machine), assembled here without devices, because no guest
 * ever reaches a physical device: every device a VM sees is an emulated
 * one of its own (virtual-devices.ts). The hypervisor drives this CPU with
 * `execute` and takes its traps through the CPU's trap interceptor.
 */
import { Cpu } from "../machine/cpu";
import { EventQueue } from "../machine/events";
import { PhysicalMemory } from "../machine/memory";
import { Mmu, type MmuKind } from "../machine/mmu";
import { Statistics, type StatsSnapshot } from "../machine/stats";
import { Tlb } from "../machine/tlb";

export interface HostOptions {
  /**
   * Sensitive instructions (pushf, popf, sptb) trap in user mode: the
   * machine meets Popek and Goldberg's condition. Default false, as x86.
   */
  readonly virtualizable?: boolean;
  /** Machine memory in bytes (default 32 MiB). */
  readonly memoryBytes?: number;
  /** TLB entries (default 64). */
  readonly tlbEntries?: number;
  /**
   * The MMU: "hardware" (the page walker, default) or "software-tlb" (MIPS:
   * TLB misses trap, the VMM refills; Disco's machine, src/memory/software-tlb.ts).
   */
  readonly mmu?: MmuKind;
}

export interface Host {
  readonly cpu: Cpu;
  readonly memory: PhysicalMemory;
  readonly tlb: Tlb;
  readonly mmu: Mmu;
  readonly stats: Statistics;
  /** Runs the CPU until its cycle count reaches `budgetEnd` or something stops it. */
  execute(budgetEnd: number): void;
  statistics(): StatsSnapshot;
}

export const DEFAULT_HOST_MEMORY = 32 * 1024 * 1024;

export function createHost(options: HostOptions = {}): Host {
  const memory = new PhysicalMemory(options.memoryBytes ?? DEFAULT_HOST_MEMORY);
  const tlb = new Tlb(options.tlbEntries ?? 64);
  const mmu = new Mmu(options.mmu ?? "hardware", memory, tlb);
  const events = new EventQueue();
  let cpuRef: Cpu | undefined;
  const stats = new Statistics({
    tlb,
    mmu,
    cycles: () => cpuRef?.cycles ?? 0,
    instructions: () => cpuRef?.instructions ?? 0,
  });
  const cpu = new Cpu({ memory, mmu, events, stats, virtualizable: options.virtualizable ?? false, hypercalls: true });
  cpuRef = cpu;
  return {
    cpu,
    memory,
    tlb,
    mmu,
    stats,
    execute(budgetEnd: number): void {
      cpu.stopReason = undefined;
      cpu.stopMessage = undefined;
      cpu.stopRequest = undefined;
      cpu.execute(budgetEnd, Infinity);
    },
    statistics: () => stats.snapshot(),
  };
}
