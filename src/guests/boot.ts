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
import { BOOT_LAYOUT, COMM_SIZE, PLATFORM_MMU, PROC_LAYOUT as PROC, buildKernelImage, type KernelImage, type KernelImageOptions } from "./loader";

export interface BootOptions extends KernelImageOptions {
  /** Machine options (virtualizable, mmu, trace, ...); memoryBytes defaults to the kernel's. */
  readonly machine?: Omit<MachineOptions, "memoryBytes">;
}

/** The kernel image last booted on each machine, for processTable. */
const booted = new WeakMap<Machine, KernelImage>();

/**
 * Builds the kernel image for `options.programs`, loads it at physical 0 of
 * a new machine with exactly the memory the kernel manages and the MMU its
 * platform needs (PLATFORM_MMU: "software-tlb" for that platform), and
 * returns the machine at reset, ready to run.
 */
export function bootKernel(options: BootOptions): Machine {
  const platform = options.platform ?? "native";
  if (platform === "paravirtual") {
    throw new UserError("the paravirtual kernel runs only in a VM created with paravirtual: true", "boot it with the Hypervisor, or build the native platform");
  }
  const mmu = PLATFORM_MMU[platform] ?? "hardware";
  if (options.machine?.mmu !== undefined && options.machine.mmu !== mmu) {
    const fits = options.machine.mmu === "software-tlb" ? "software-tlb" : "native";
    throw new UserError(`the ${platform} kernel needs mmu: "${mmu}", not "${options.machine.mmu}"`, `for mmu: "${options.machine.mmu}" build platform: "${fits}"`);
  }
  const image = buildKernelImage(options);
  const machine = new Machine({ ...options.machine, mmu, memoryBytes: image.memoryBytes });
  loadKernelImage(machine, image);
  return machine;
}

/** Loads a built image at physical 0 and resets pc to 0 (ISA.md, "Reset"). */
export function loadKernelImage(machine: Machine, image: KernelImage): void {
  machine.load({ image: image.image, origin: 0, entry: 0, symbols: image.symbols });
  booted.set(machine, image);
}

/**
 * A table entry's state; "reaped": free again, its parent's wait took the
 * status, but it still holds that process's record (kernel.s: until the
 * entry is handed out again).
 */
export type ProcessState = "unused" | "runnable" | "exited" | "sleeping" | "waiting" | "blocked" | "exiting" | "forking" | "reaped";
const STATES: readonly ProcessState[] = ["unused", "runnable", "exited", "sleeping", "waiting", "blocked", "exiting", "forking"];

/** One entry of the kernel's process table (kernel.s, "Process table entry"). */
export interface ProcessInfo {
  readonly pid: number;
  /** The path exec ran it from (its first 15 bytes), else its boot-table program's name; a forked child's is its parent's. */
  readonly name: string;
  /** The pid of the process that forked it (init, for an orphan it inherited); 0 for none (boot processes, orphans without init). */
  readonly parentPid: number;
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

/** The kernel image bootKernel or loadKernelImage put on `machine`, if any. */
export function bootedImage(machine: Machine): KernelImage | undefined {
  return booted.get(machine);
}

/** Reads the process table of the kernel booted on `machine`. */
export function processTable(machine: Machine, image?: KernelImage): ProcessInfo[] {
  const kernel = image ?? booted.get(machine);
  if (kernel === undefined) throw new UserError("processTable: this machine was not booted with bootKernel", "pass the KernelImage it runs");
  return readProcessTable((pa) => machine.memory.readWord(pa), kernel);
}

/**
 * Reads the kernel's process table through `readWord` (a guest-physical
 * word): how a hypervisor looks inside a VM running this kernel, across
 * the semantic gap (virtual machine introspection, Garfinkel and
 * Rosenblum 2003), knowing only the kernel's symbols and layout.
 */
export function readProcessTable(readWord: (physicalAddress: number) => number, kernel: KernelImage): ProcessInfo[] {
  const symbol = kernel.symbols.get("proc_table");
  if (symbol === undefined) throw new Error("the kernel has no proc_table label");
  const physical = (kernelAddress: number): number => (kernelAddress - kernel.kernelBase) >>> 0;
  const table = physical(symbol);
  const result: ProcessInfo[] = [];
  const parentPid = (entry: number): number => (entry === 0 ? 0 : readWord(physical(entry) + PROC.PID) | 0);
  for (let i = 0; i < BOOT_LAYOUT.NPROC; i++) {
    const base = table + i * BOOT_LAYOUT.PROC_SIZE;
    const word = (offset: number): number => readWord(base + offset) | 0;
    const pid = word(PROC.PID);
    const free = word(PROC.STATE) === 0;
    if (free && pid === 0) continue;
    const state = free ? "reaped" : (STATES[word(PROC.STATE)] ?? "unused");
    if (state === "unused") continue;
    result.push({
      pid,
      name: processName(readWord, base) || (kernel.programs[word(PROC.PROG)]?.name ?? "?"),
      state,
      parentPid: parentPid(word(PROC.PARENT) >>> 0),
      exitStatus: word(PROC.XSTATUS),
      cycles: word(PROC.CYCLES) >>> 0,
      dispatches: word(PROC.RUNS) >>> 0,
      pageDirectory: word(PROC.PGDIR) >>> 0,
      heapStart: word(PROC.HEAP) >>> 0,
      brk: word(PROC.BRK) >>> 0,
    });
  }
  return result;
}

/** The NUL-ended name exec wrote at PROC.COMM of the entry at `base` ("" for none). */
function processName(readWord: (physicalAddress: number) => number, base: number): string {
  let name = "";
  for (let i = 0; i < COMM_SIZE; i++) {
    const byte = (readWord(base + PROC.COMM + (i & ~3)) >>> ((i & 3) * 8)) & 0xff;
    if (byte === 0) break;
    name += String.fromCharCode(byte);
  }
  return name;
}

