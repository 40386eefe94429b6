/**
 * Workloads for comparing the techniques (the `cpu-virt` benchmark and
 * chapter 03's plots): the same kernel image run on bare toy32 and under
 * each technique, measured in guest instructions, simulated cycles and,
 * for the simulator's own speed only, wall-clock seconds.
 *
 *   userCompute(n)   one process computing fib(n) mod 2^32 in user mode:
 *                    virtualization should cost almost nothing here
 *   syscalls(n)      one process making n getpid system calls: the guest
 *                    kernel runs most of the time, where the techniques differ
 *   forkLoop(n)      one process forking n children that exit at once and
 *                    are waited for: page-table-heavy (copy-on-write sharing,
 *                    unmapping, address-space switches), where the memory
 *                    techniques differ (`vmlab bench memory`)
 */
import { Machine } from "../machine/machine";
import { buildKernelImage, type GuestProgram, type KernelImage } from "../guests/loader";
import { readPagerStats, type PagerStats } from "../guests/pager-stats";
import { HYPERVISOR_RESERVED, Hypervisor, SHADOW_FRAMES, type Technique } from "./hypervisor";
import { PAGE_SIZE } from "../machine/isa";
import { NestedPageTable } from "../memory/nested-paging";
import type { HardwarePaging } from "./hardware-assist";
import type { VmStats } from "./vm";
import type { ExitControls } from "./exits";

export function userComputeProgram(iterations: number): GuestProgram {
  return {
    name: "user-compute",
    source: `        .text
main:
        push ra
        li   t3, ${iterations}
        li   t0, 0
        li   t1, 1
        li   t2, 0
loop:
        add  t4, t0, t1
        mv   t0, t1
        mv   t1, t4
        addi t2, t2, 1
        blt  t2, t3, loop
        mv   a0, t0
        call print_hex
        li   a0, 10
        call putc
        li   a0, 0
        pop  ra
        ret
`,
  };
}

export function syscallProgram(calls: number): GuestProgram {
  return {
    name: "syscalls-loop",
    source: `        .text
main:
        push ra
        push s0
        li   s0, ${calls}
loop:
        call getpid
        addi s0, s0, -1
        bnez s0, loop
        li   a0, 'k'
        call putc
        li   a0, 10
        call putc
        li   a0, 0
        pop  s0
        pop  ra
        ret
`,
  };
}

export function forkLoopProgram(rounds: number): GuestProgram {
  return {
    name: "fork-loop",
    source: `        .text
main:
        push ra
        push s0
        push s1
        li   s0, ${rounds}
        li   s1, 0                  # children that exited with status 7
loop:
        call fork
        blt  a0, zero, failed
        bnez a0, parent
        li   a0, 7                  # the child: touch its stack, then exit
        push a0
        pop  a0
        call exit
parent:
        call wait
        li   t0, 7
        bne  a1, t0, next
        addi s1, s1, 1
next:
        addi s0, s0, -1
        bnez s0, loop
        mv   a0, s1
        call print_hex
        li   a0, 10
        call putc
        li   a0, 0
        j    out
failed:
        li   a0, 'F'
        call putc
        li   a0, 1
out:
        pop  s1
        pop  s0
        pop  ra
        ret
`,
  };
}

export interface WorkloadRun {
  readonly console: string;
  /** Guest instructions executed (translated ones included). */
  readonly instructions: number;
  /** Simulated machine cycles, overheads included. */
  readonly cycles: number;
  /** Wall-clock seconds of the run alone (building the image excluded). */
  readonly seconds: number;
  /**
   * CPU seconds (user + system) the process spent on the run: on an idle
   * machine the same as `seconds`; on a shared one it leaves out the time
   * spent waiting for a core.
   */
  readonly cpuSeconds: number;
  /** Under a hypervisor: the VM's statistics (traps, hidden faults, exits ...). */
  readonly stats?: VmStats;
  /** The kernel's paging statistics at the end (page-ins, page-outs ...), read from its memory. */
  readonly pager: PagerStats;
  /** Under nested paging: the MMU's two-dimensional walks, their references, and the nested TLB's hits and misses. */
  readonly nested?: { readonly walks: number; readonly references: number; readonly ntlbHits: number; readonly ntlbMisses: number };
}

export interface BareOptions {
  /** The disk's initial contents (a copy is made): a file system from mkfs or buildImage. */
  readonly disk?: Uint8Array;
}

export interface VirtualizedOptions extends BareOptions {
  /** The image was built with `platform: "paravirtual"` (default: read from the image). */
  readonly paravirtual?: boolean;
  /** Hardware assist's paging: "nested" (default) or "shadow". */
  readonly paging?: HardwarePaging;
  /** Shadow paging: keep contexts across switches (default true). */
  readonly shadowCache?: boolean;
  /** Hardware assist: changes to the VM's control block (what exits). */
  readonly exitControls?: Partial<ExitControls>;
}

/** Runs `work`, timing it by the wall clock and by the process's CPU time. */
function timed<T>(work: () => T): { result: T; seconds: number; cpuSeconds: number } {
  const cpu = process.cpuUsage();
  const start = process.hrtime.bigint();
  const result = work();
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  const used = process.cpuUsage(cpu);
  return { result, seconds, cpuSeconds: (used.user + used.system) / 1e6 };
}

/** The kernel image for one program, no timer preemption (a deterministic run). */
export function workloadImage(program: GuestProgram, timerInterval = 0): KernelImage {
  return buildKernelImage({ programs: [program], timerInterval });
}

/** Runs the image on bare toy32. */
export function runBare(image: KernelImage, options: BareOptions = {}): WorkloadRun {
  const m = new Machine({ memoryBytes: image.memoryBytes, disk: options.disk });
  m.load(image.image, 0);
  const { result: r, seconds, cpuSeconds } = timed(() => m.run({ maxCycles: 10_000_000_000 }));
  const pager = readPagerStats((pa) => m.memory.readWord(pa), image);
  return { console: m.console.output, instructions: r.instructions, cycles: r.cycles, seconds, cpuSeconds, pager };
}

/**
 * Runs the image in one VM under `technique`; `paravirtual` for an image
 * built with `platform: "paravirtual"`.
 */
export function runVirtualized(image: KernelImage, technique: Technique, options: VirtualizedOptions = {}): WorkloadRun {
  // Machine memory for exactly this one VM, as bare metal gets exactly the kernel's.
  const memoryBytes = HYPERVISOR_RESERVED + SHADOW_FRAMES * PAGE_SIZE + NestedPageTable.poolBytes(image.memoryBytes) + image.memoryBytes;
  const paging = technique === "hardware-assist" ? options.paging : undefined;
  const hv = new Hypervisor({ technique, sliceCycles: 1_000_000, memoryBytes, paging, shadowCache: options.shadowCache });
  const vm = hv.createVm({ name: technique, memorySize: image.memoryBytes, image: image.image, paravirtual: options.paravirtual ?? image.platform === "paravirtual", disk: options.disk });
  if (options.exitControls && hv.hardware) Object.assign(hv.hardware.controlsOf(vm), options.exitControls);
  hv.start(vm);
  const { result: report, seconds, cpuSeconds } = timed(() => hv.run({ maxCycles: 10_000_000_000 }));
  if (vm.state !== "halted") throw new Error(`${technique}: the workload ended ${vm.state} ${vm.reason}`);
  const w = hv.nestedWalker;
  const nested = w && { walks: w.walks, references: w.references, ntlbHits: w.ntlb.hits, ntlbMisses: w.ntlb.misses };
  const pager = readPagerStats((gpa) => hv.host.memory.readWord(vm.machineAddress(gpa)), image);
  return { console: vm.console, instructions: vm.vcpu.instructions, cycles: report.cycles, seconds, cpuSeconds, pager, stats: vm.stats, nested };
}
