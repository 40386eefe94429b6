/**
 * Booting the kernel on a bare toy32, and reading its process table from
 * the host (what a debugger or a hypervisor's introspection would do).
 *
 *   const m = bootKernel({ programs: ["hello", "compute"] });
 *   const r = m.run();            // halts when every process has exited
 *   m.console.output;             // what the processes and kernel printed
 *   processTable(m);              // pid, state, cycles, dispatches, ...
 */
import { UserError } from "../errors";
import { Machine, type MachineOptions } from "../machine/machine";
import { BOOT_LAYOUT, buildKernelImage, type KernelImage, type KernelImageOptions } from "./loader";

export interface BootOptions extends KernelImageOptions {
  /** Machine options (virtualizable, mmu, trace, ...); memoryBytes defaults to the kernel's. */
  readonly machine?: Omit<MachineOptions, "memoryBytes">;
}

/** The kernel image last booted on each machine, for processTable. */
const booted = new WeakMap<Machine, KernelImage>();

/**
 * Builds the kernel image for `options.programs`, loads it at physical 0 of
 * a new machine with exactly the memory the kernel manages, and returns
 * the machine at reset, ready to run.
 */
export function bootKernel(options: BootOptions): Machine {
  if (options.machine?.mmu === "software-tlb") {
    throw new UserError("the guest kernel needs the hardware page walker (mmu: \"hardware\")", "kernel.s explains why: it has no unmapped segment to refill a software TLB from");
  }
  const image = buildKernelImage(options);
  const machine = new Machine({ ...options.machine, memoryBytes: image.memoryBytes });
  loadKernelImage(machine, image);
  return machine;
}

/** Loads a built image at physical 0 and resets pc to 0 (ISA.md, "Reset"). */
export function loadKernelImage(machine: Machine, image: KernelImage): void {
  machine.load({ image: image.image, origin: 0, entry: 0, symbols: image.symbols });
  booted.set(machine, image);
}

export type ProcessState = "unused" | "runnable" | "exited" | "sleeping";
const STATES: readonly ProcessState[] = ["unused", "runnable", "exited", "sleeping"];

/** One entry of the kernel's process table (kernel.s, "Process table entry"). */
export interface ProcessInfo {
  readonly pid: number;
  readonly name: string;
  readonly state: ProcessState;
  /** Exit status: the code passed to exit, or -1 if the kernel killed it. */
  readonly exitStatus: number;
  /** Cycles it ran, counted by the kernel from switch to switch. */
  readonly cycles: number;
  /** Times the scheduler dispatched it. */
  readonly dispatches: number;
  /** Physical address of its page directory. */
  readonly pageDirectory: number;
  /** Its heap: [heapStart, brk). */
  readonly heapStart: number;
  readonly brk: number;
}

/** Reads the process table of the kernel booted on `machine`. */
export function processTable(machine: Machine, image?: KernelImage): ProcessInfo[] {
  const kernel = image ?? booted.get(machine);
  if (kernel === undefined) throw new Error("processTable: this machine was not booted with bootKernel");
  const table = kernel.symbols.get("proc_table");
  if (table === undefined) throw new Error("kernel.s has no proc_table label");
  const words = machine.memory.words;
  const result: ProcessInfo[] = [];
  for (let i = 0; i < BOOT_LAYOUT.NPROC; i++) {
    const at = (table + i * BOOT_LAYOUT.PROC_SIZE) >>> 2;
    const state = STATES[words[at]] ?? "unused";
    if (state === "unused") continue;
    const pid = words[at + 1];
    result.push({
      pid,
      name: kernel.programs[pid - 1]?.name ?? "?",
      state,
      exitStatus: words[at + 19],
      cycles: words[at + 21] >>> 0,
      dispatches: words[at + 22] >>> 0,
      pageDirectory: words[at + 2] >>> 0,
      heapStart: words[at + 20] >>> 0,
      brk: words[at + 3] >>> 0,
    });
  }
  return result;
}
